// JSON-lines logging through spdlog (thread-safe stdout sink, flushed every line so a log
// reader or a supervising test sees each event as it happens).
#include "gateway/app_log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <fmt/chrono.h>

#include <chrono>
#include <ctime>
#include <memory>

namespace cwc::gateway {

namespace {

std::shared_ptr<spdlog::logger> make_logger() {
    auto logger = spdlog::stdout_logger_mt("cwc");
    logger->set_pattern("%v");
    logger->set_level(spdlog::level::info);
    logger->flush_on(spdlog::level::debug);
    return logger;
}

spdlog::logger& logger() {
    static std::shared_ptr<spdlog::logger> instance = make_logger();
    return *instance;
}

spdlog::level::level_enum to_spdlog(log_level l) {
    switch (l) {
        case log_level::debug: return spdlog::level::debug;
        case log_level::info: return spdlog::level::info;
        case log_level::warn: return spdlog::level::warn;
        case log_level::error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

const char* level_name(log_level l) {
    switch (l) {
        case log_level::debug: return "debug";
        case log_level::info: return "info";
        case log_level::warn: return "warn";
        case log_level::error: return "error";
    }
    return "info";
}

// "2026-11-24T15:04:05.123Z". The date and time up to the second are formatted once per second
// and thread; a busy gateway logs thousands of lines a second.
std::string utc_now_iso() {
    const auto now = std::chrono::system_clock::now();
    const auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    const auto second = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    thread_local std::chrono::seconds formatted_second{-1};
    thread_local std::string prefix;
    if (second != formatted_second) {
        prefix = fmt::format("{:%FT%T}", fmt::gmtime(static_cast<std::time_t>(second.count())));
        formatted_second = second;
    }
    return fmt::format("{}.{:03}Z", prefix, (since_epoch - second).count());
}

constexpr auto replace_invalid = nlohmann::json::error_handler_t::replace;

// `"key":value` appended to a line being written.
void append_member(std::string& line, std::string_view key, const nlohmann::json& value) {
    if (line.size() > 1) line += ',';
    line += nlohmann::json(key).dump(-1, ' ', false, replace_invalid);
    line += ':';
    line += value.dump(-1, ' ', false, replace_invalid);
}

}  // namespace

void set_log_level(log_level minimum) { logger().set_level(to_spdlog(minimum)); }

bool parse_log_level(std::string_view name, log_level& out) {
    if (name == "debug") out = log_level::debug;
    else if (name == "info") out = log_level::info;
    else if (name == "warn") out = log_level::warn;
    else if (name == "error") out = log_level::error;
    else return false;
    return true;
}

void log_event(log_level level, std::string_view event, nlohmann::json fields) try {
    auto& l = logger();
    if (!l.should_log(to_spdlog(level))) return;
    // Written member by member (ts, level, event, then the fields in name order) rather than
    // merged into one object first; a field of the same name as a header member replaces it.
    const bool has_fields = fields.is_object();
    auto overridden = [&](const char* name) { return has_fields && fields.contains(name); };
    std::string line = "{";
    line.reserve(256);
    if (!overridden("ts")) append_member(line, "ts", utc_now_iso());
    if (!overridden("level")) append_member(line, "level", level_name(level));
    if (!overridden("event")) append_member(line, "event", event);
    if (has_fields)
        for (const auto& [key, value] : fields.items()) append_member(line, key, value);
    line += '}';
    l.log(to_spdlog(level), line);
} catch (...) {
    // Logging must never take a request down.
}

}  // namespace cwc::gateway
