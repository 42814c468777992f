// The application log's lines as a log reader sees them on stdout: one JSON object per line with
// ts, level and event first, then the fields; bytes that are not UTF-8 replaced, never thrown.
#include "gateway/app_log.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <regex>
#include <string>
#include <unistd.h>

using namespace cwc::gateway;

namespace {

// What log_event wrote to stdout while `emit` ran (stdout is pointed at a temporary file).
template <typename F>
std::string captured_stdout(F emit) {
    std::fflush(stdout);
    std::FILE* file = std::tmpfile();
    REQUIRE(file != nullptr);
    const int saved = ::dup(STDOUT_FILENO);
    ::dup2(::fileno(file), STDOUT_FILENO);
    emit();
    std::fflush(stdout);
    ::dup2(saved, STDOUT_FILENO);
    ::close(saved);
    std::string out;
    std::rewind(file);
    for (int c; (c = std::fgetc(file)) != EOF;) out += static_cast<char>(c);
    std::fclose(file);
    return out;
}

}  // namespace

TEST_CASE("a log line is one JSON object: ts, level and event first, then every field") {
    const auto out = captured_stdout([] {
        log_event(log_level::warn, "webhook.rejected",
                  {{"channel", "sms"}, {"status", 403}, {"ms", 1.5}, {"flags", {1, 2}}});
    });
    REQUIRE(!out.empty());
    CHECK(out.back() == '\n');
    CHECK(out.find('\n') == out.size() - 1);  // exactly one line
    CHECK(out.rfind(R"({"ts":")", 0) == 0);
    const auto line = nlohmann::json::parse(out);
    CHECK(std::regex_match(line["ts"].get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    CHECK(line["level"] == "warn");
    CHECK(line["event"] == "webhook.rejected");
    CHECK(line["channel"] == "sms");
    CHECK(line["status"] == 403);
    CHECK(line["ms"] == 1.5);
    CHECK(line["flags"] == nlohmann::json({1, 2}));
    CHECK(line.size() == 7);
}

TEST_CASE("a field named like a header member replaces it, and broken UTF-8 is replaced") {
    const auto out = captured_stdout([] {
        log_event(log_level::info, "x.y", {{"level", "custom"}, {"what", std::string("a\xff" "b")}});
    });
    const auto line = nlohmann::json::parse(out);
    CHECK(line["level"] == "custom");
    CHECK(out.find("\"level\"") == out.rfind("\"level\""));  // once
    CHECK(line["what"] == "a\xEF\xBF\xBD" "b");             // U+FFFD
}

TEST_CASE("lines below the level are not written") {
    set_log_level(log_level::warn);
    const auto out = captured_stdout([] { log_event(log_level::info, "quiet", {}); });
    set_log_level(log_level::info);
    CHECK(out.empty());
}
