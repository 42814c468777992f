// One clock type for the whole domain. Time-dependent code takes `now` as a parameter so tests
// inject it; only gateway/ reads the system clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace cwc::messages {

using timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

inline std::int64_t to_unix_ms(timestamp t) { return t.time_since_epoch().count(); }
inline timestamp from_unix_ms(std::int64_t ms) { return timestamp{std::chrono::milliseconds{ms}}; }
inline timestamp system_now() {
    return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace cwc::messages
