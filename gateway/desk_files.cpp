// The officers' desk as static files: paths read strictly (decoded segments, nothing hidden, no
// way out of web/), types from a short list, the security headers on every answer. Files are read
// per request: they are few and small, and an update of web/ shows without a restart.
#include "gateway/desk_files.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>
#include <vector>

#ifndef CWC_WEB_SOURCE_DIR
#define CWC_WEB_SOURCE_DIR "web"
#endif

namespace cwc::gateway {

namespace http = boost::beast::http;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view vendor_chart = "vendor/chart.js";

std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

bool readable_segment(std::string_view s) {
    if (s.empty() || s.front() == '.') return false;  // "", ".", "..", hidden files
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '/' || c == '\\' || u < 0x20 || u == 0x7f) return false;
    }
    return true;
}

fs::path chart_js_installed() {
    // Debian's libjs-chart.js: the UMD build defines window.Chart for a classic <script>.
    for (const char* candidate : {"/usr/share/javascript/chart.js/chart.min.js",
                                  "/usr/share/javascript/chart.js/chart.js"}) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) return candidate;
    }
    return {};
}

http_response not_found(const http_request& req) {
    auto res = json_error(404, "no such file", req.version(), req.keep_alive());
    set_desk_headers(res);
    return res;
}

// The file's bytes, if it is a regular file inside `root` once symbolic links are resolved.
std::optional<std::string> read_inside(const fs::path& root, const fs::path& file) {
    std::error_code ec;
    const auto real_root = fs::canonical(root, ec);
    if (ec) return std::nullopt;
    const auto real_file = fs::canonical(file, ec);
    if (ec || !fs::is_regular_file(real_file, ec)) return std::nullopt;
    const auto [r, f] = std::mismatch(real_root.begin(), real_root.end(), real_file.begin(),
                                      real_file.end());
    if (r != real_root.end()) return std::nullopt;
    std::ifstream in(real_file, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

desk_files default_desk_files() {
    desk_files files{CWC_WEB_SOURCE_DIR, chart_js_installed()};
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto installed = exe.parent_path().parent_path() / "share" / "cwc-gateway" / "web";
        if (fs::is_regular_file(installed / "index.html", ec)) files.web_dir = installed;
    }
    return files;
}

desk_files desk_files_at(const std::string& web_dir) {
    auto files = default_desk_files();
    if (!web_dir.empty()) files.web_dir = web_dir;
    return files;
}

bool is_desk_target(std::string_view target) {
    const auto path = path_of(target);
    return path == "/" || path == "/desk" || path.rfind("/desk/", 0) == 0;
}

std::optional<std::string> desk_relative_path(std::string_view target) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return std::nullopt;
    std::vector<std::string> segments(url->segments().begin(), url->segments().end());
    if (segments.size() < 2 || segments.front() != "desk") return std::nullopt;
    segments.erase(segments.begin());
    if (segments.back().empty()) segments.back() = "index.html";  // "/desk/", "/desk/x/"
    std::string relative;
    for (const auto& s : segments) {
        if (!readable_segment(s)) return std::nullopt;
        if (!relative.empty()) relative += '/';
        relative += s;
    }
    if (desk_content_type(relative).empty()) return std::nullopt;
    return relative;
}

std::string_view desk_content_type(std::string_view file_name) {
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 8> types{{
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
    }};
    const auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos || file_name.find('/', dot) != std::string_view::npos)
        return {};
    const auto extension = file_name.substr(dot);
    for (const auto& [ext, type] : types)
        if (ext == extension) return type;
    return {};
}

void set_desk_headers(http_response& res) {
    res.set("Content-Security-Policy", desk_content_security_policy);
    res.set("X-Content-Type-Options", "nosniff");
    res.set("Referrer-Policy", "no-referrer");
    res.set("X-Frame-Options", "DENY");
}

http_response desk_answer(const http_request& req, const desk_files& files) {
    if (req.method() != http::verb::get) {
        auto res = json_error(405, "use GET", req.version(), req.keep_alive());
        res.set(http::field::allow, "GET");
        set_desk_headers(res);
        return res;
    }
    const auto path = path_of(req.target());
    if (path == "/" || path == "/desk") {
        http_response res{http::status::found, req.version()};
        res.set(http::field::location, "/desk/");
        res.keep_alive(req.keep_alive());
        set_desk_headers(res);
        res.prepare_payload();
        return res;
    }
    const auto relative = desk_relative_path(req.target());
    if (!relative) return not_found(req);
    std::optional<std::string> bytes;
    if (*relative == vendor_chart) {
        if (!files.chart_js.empty())
            bytes = read_inside(files.chart_js.parent_path(), files.chart_js);
    } else {
        bytes = read_inside(files.web_dir, files.web_dir / *relative);
    }
    if (!bytes) return not_found(req);
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, desk_content_type(*relative));
    res.set(http::field::cache_control, "no-cache");
    res.keep_alive(req.keep_alive());
    set_desk_headers(res);
    res.body() = std::move(*bytes);
    res.prepare_payload();
    return res;
}

}  // namespace cwc::gateway
