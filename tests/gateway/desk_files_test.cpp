// The officers' desk files: which targets name which file (and which never name any: "..", in
// any spelling, hidden files, unknown types), content types, and answers read from a real
// folder with the security headers, a symbolic link out of it refused.
#include "gateway/desk_files.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using namespace cwc::gateway;

namespace {

struct desk_folder {
    fs::path root = fs::temp_directory_path() / ("desk-files-" + std::to_string(::getpid()));
    fs::path web = root / "web";
    desk_folder() {
        fs::remove_all(root);
        fs::create_directories(web / "js");
        write(web / "index.html", "<!doctype html><title>desk</title>");
        write(web / "js" / "app.js", "export const x = 1;");
        write(web / ".secret.json", "{}");
        write(root / "outside.json", "{\"leak\": true}");
        write(root / "chart.min.js", "/* chart */");
        fs::create_symlink(root / "outside.json", web / "linked.json");
    }
    ~desk_folder() { fs::remove_all(root); }
    static void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
    desk_files files() const { return {web, root / "chart.min.js"}; }
};

http_response get(const desk_files& files, std::string target,
                  http::verb method = http::verb::get) {
    http_request req{method, target, 11};
    return desk_answer(req, files);
}

void check_desk_headers(const http_response& res) {
    CHECK(res["Content-Security-Policy"] == desk_content_security_policy);
    CHECK(res["X-Content-Type-Options"] == "nosniff");
    CHECK(res["Referrer-Policy"] == "no-referrer");
    CHECK(res["X-Frame-Options"] == "DENY");
}

}  // namespace

TEST_CASE("desk targets and the files they name") {
    CHECK(is_desk_target("/"));
    CHECK(is_desk_target("/desk"));
    CHECK(is_desk_target("/desk/js/app.js?v=1"));
    CHECK_FALSE(is_desk_target("/desktop"));
    CHECK_FALSE(is_desk_target("/api/v1/me"));

    const struct {
        const char* target;
        std::optional<std::string> file;
    } rows[] = {
        {"/desk/", "index.html"},
        {"/desk/index.html?lang=es", "index.html"},
        {"/desk/js/app.js", "js/app.js"},
        {"/desk/i18n/es.json", "i18n/es.json"},
        {"/desk/vendor/chart.js", "vendor/chart.js"},
        {"/desk/js/", "js/index.html"},
        {"/desk/../README.md", std::nullopt},
        {"/desk/js/../../etc/passwd", std::nullopt},
        {"/desk/%2e%2e/CMakeLists.txt", std::nullopt},
        {"/desk/%2E%2E%2Fweb.json", std::nullopt},
        {"/desk/js%2f..%2f..%2fx.js", std::nullopt},
        {"/desk/..%5c..%5cx.js", std::nullopt},
        {"/desk/./index.html", std::nullopt},
        {"/desk//index.html", std::nullopt},
        {"/desk/.secret.json", std::nullopt},
        {"/desk/a%00.js", std::nullopt},
        {"/desk/notes.txt", std::nullopt},
        {"/desk/run.sh", std::nullopt},
        {"/desk/js", std::nullopt},
        {"/other/index.html", std::nullopt},
        {"desk/index.html", std::nullopt},
    };
    for (const auto& row : rows) {
        CAPTURE(row.target);
        CHECK(desk_relative_path(row.target) == row.file);
    }
}

TEST_CASE("desk content types") {
    CHECK(desk_content_type("index.html") == "text/html; charset=utf-8");
    CHECK(desk_content_type("js/app.js") == "text/javascript; charset=utf-8");
    CHECK(desk_content_type("desk.css") == "text/css; charset=utf-8");
    CHECK(desk_content_type("i18n/en.json") == "application/json; charset=utf-8");
    CHECK(desk_content_type("icon.svg") == "image/svg+xml");
    CHECK(desk_content_type("js.d/readme") == "");
    CHECK(desk_content_type("index.HTML") == "");
}

TEST_CASE("desk answers from a real folder") {
    desk_folder folder;
    const auto files = folder.files();

    SUBCASE("the page, a module and Chart.js, with their types and headers") {
        auto res = get(files, "/desk/");
        CHECK(res.result_int() == 200);
        CHECK(res.body() == "<!doctype html><title>desk</title>");
        CHECK(res[http::field::content_type] == "text/html; charset=utf-8");
        check_desk_headers(res);
        res = get(files, "/desk/js/app.js");
        CHECK(res.result_int() == 200);
        CHECK(res[http::field::content_type] == "text/javascript; charset=utf-8");
        check_desk_headers(res);
        res = get(files, "/desk/vendor/chart.js");
        CHECK(res.result_int() == 200);
        CHECK(res.body() == "/* chart */");
    }
    SUBCASE("/ and /desk go to /desk/") {
        for (const char* target : {"/", "/desk", "/?x=1"}) {
            const auto res = get(files, target);
            CHECK(res.result_int() == 302);
            CHECK(res[http::field::location] == "/desk/");
            check_desk_headers(res);
        }
    }
    SUBCASE("missing, hidden, outside and linked-outside files are a JSON 404") {
        for (const char* target : {"/desk/missing.js", "/desk/.secret.json", "/desk/../outside.json",
                                   "/desk/%2e%2e/outside.json", "/desk/linked.json"}) {
            CAPTURE(target);
            const auto res = get(files, target);
            CHECK(res.result_int() == 404);
            CHECK(res[http::field::content_type] == "application/json");
            CHECK(res.body().find("\"error\"") != std::string::npos);
            CHECK(res.body().find("leak") == std::string::npos);
            check_desk_headers(res);
        }
    }
    SUBCASE("no Chart.js installed: a 404, not a crash") {
        auto none = files;
        none.chart_js.clear();
        CHECK(get(none, "/desk/vendor/chart.js").result_int() == 404);
    }
    SUBCASE("only GET") {
        const auto res = get(files, "/desk/", http::verb::post);
        CHECK(res.result_int() == 405);
        CHECK(res[http::field::allow] == "GET");
    }
}

TEST_CASE("the default desk is the source tree's web/ with Debian's Chart.js") {
    const auto files = default_desk_files();
    CHECK(fs::exists(files.web_dir / "index.html"));
    CHECK(files.chart_js.filename() == "chart.min.js");
}
