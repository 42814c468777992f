// Failed authentications per client address over a sliding minute: past the configured number,
// the address is refused (429 with Retry-After) until its oldest failure leaves the window, so
// guessing tokens costs a minute per few tries. Thread-safe; time is a parameter (tests).
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace cwc::gateway {

class failed_attempts {
  public:
    using clock = std::chrono::steady_clock;
    // `per_minute` failures are allowed; the next request from that address is refused.
    explicit failed_attempts(int per_minute, std::size_t max_addresses = 10000);

    // Seconds to wait (at least 1) while the address is over its limit; nothing when allowed.
    std::optional<std::chrono::seconds> refused_for(const std::string& address,
                                                    clock::time_point now);
    void record_failure(const std::string& address, clock::time_point now);

  private:
    void forget_old(clock::time_point now);

    std::size_t per_minute_;
    std::size_t max_addresses_;
    std::mutex mutex_;
    std::map<std::string, std::deque<clock::time_point>> failures_;
};

}  // namespace cwc::gateway
