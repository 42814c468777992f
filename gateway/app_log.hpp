// Structured application log: one JSON object per line on stdout, with a level and an event name.
// Callers pass pseudonyms and ids only: never phone numbers, message texts or query strings.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace cwc::gateway {

enum class log_level { debug, info, warn, error };

void set_log_level(log_level minimum);
bool parse_log_level(std::string_view name, log_level& out);

// Writes {"ts":…,"level":…,"event":event, …fields}. Thread-safe; never throws.
void log_event(log_level level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace cwc::gateway
