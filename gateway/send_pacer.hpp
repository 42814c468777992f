// When a channel may send its next message: the channel's rate (messages per second), the share
// of it broadcasts may use, and holds (a provider's Retry-After). A generic cell rate algorithm
// with a small burst tolerance, so a worker that wakes a little late does not lose its slot and
// the long-run rate is the configured one. Pure: the time comes in as an argument.
#pragma once

#include <chrono>

namespace cwc::gateway {

class send_pacer {
public:
    using clock = std::chrono::steady_clock;
    // How early a send may go before its ideal time: at most this much burst after a pause.
    static constexpr std::chrono::milliseconds tolerance{20};

    // per_second <= 0: unlimited (holds still apply). broadcast_share in (0, 1]: broadcasts
    // together send at most per_second * broadcast_share.
    send_pacer(double per_second, double broadcast_share);

    // The earliest time a message of this class may go; at or before `now` means at once.
    clock::time_point ready_at(bool broadcast) const;
    // A message of this class goes at `now`.
    void take(clock::time_point now, bool broadcast);
    // Nothing goes before `until`.
    void hold_until(clock::time_point until);

    bool limited() const { return interval_ != clock::duration::zero(); }
    double per_second() const { return per_second_; }  // 0: unlimited

private:
    double per_second_ = 0;
    clock::duration interval_{};
    clock::duration broadcast_interval_{};
    clock::time_point next_{};            // theoretical time of the next send
    clock::time_point next_broadcast_{};  // the same for broadcasts
};

}  // namespace cwc::gateway
