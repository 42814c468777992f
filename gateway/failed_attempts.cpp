// The failed-attempt limit of the officers' API. Memory is bounded: addresses whose failures
// have all left the window are forgotten, and past max_addresses the oldest entries go first
// (an attacker rotating addresses gains nothing over one address per try anyway).
#include "gateway/failed_attempts.hpp"

#include <algorithm>

namespace cwc::gateway {
namespace {
constexpr auto window = std::chrono::minutes(1);
}  // namespace

failed_attempts::failed_attempts(int per_minute, std::size_t max_addresses)
    : per_minute_(static_cast<std::size_t>(std::max(per_minute, 1))),
      max_addresses_(std::max<std::size_t>(max_addresses, 1)) {}

std::optional<std::chrono::seconds> failed_attempts::refused_for(const std::string& address,
                                                                 clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(address);
    if (it == failures_.end()) return std::nullopt;
    auto& times = it->second;
    while (!times.empty() && now - times.front() >= window) times.pop_front();
    if (times.empty()) {
        failures_.erase(it);
        return std::nullopt;
    }
    if (times.size() < per_minute_) return std::nullopt;
    // Allowed again once enough failures have aged out to leave room for one more.
    const auto frees_at = times[times.size() - per_minute_] + window;
    const auto wait = std::chrono::ceil<std::chrono::seconds>(frees_at - now);
    return std::max(wait, std::chrono::seconds(1));
}

void failed_attempts::record_failure(const std::string& address, clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (failures_.size() >= max_addresses_ && failures_.find(address) == failures_.end()) {
        forget_old(now);
        while (failures_.size() >= max_addresses_) {
            auto oldest = std::min_element(
                failures_.begin(), failures_.end(),
                [](auto& a, auto& b) { return a.second.back() < b.second.back(); });
            failures_.erase(oldest);
        }
    }
    auto& times = failures_[address];
    times.push_back(now);
    // Older failures than the limit needs are never consulted.
    while (times.size() > per_minute_) times.pop_front();
}

void failed_attempts::forget_old(clock::time_point now) {
    for (auto it = failures_.begin(); it != failures_.end();) {
        if (it->second.empty() || now - it->second.back() >= window) {
            it = failures_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace cwc::gateway
