// JSON-lines logging through spdlog (thread-safe stdout sink, flushed every line so a log
// reader or a supervising test sees each event as it happens).
#include "gateway/app_log.hpp"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <fmt/chrono.h>

#include <chrono>
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

std::string utc_now_iso() {
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
    return fmt::format("{:%FT%T}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                       ms.count());
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
    nlohmann::json line = {{"ts", utc_now_iso()}, {"level", level_name(level)}, {"event", event}};
    if (fields.is_object()) line.update(fields);
    l.log(to_spdlog(level), line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
} catch (...) {
    // Logging must never take a request down.
}

}  // namespace cwc::gateway
