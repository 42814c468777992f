// Rate pacing for one channel (see send_pacer.hpp).
#include "gateway/send_pacer.hpp"

#include <algorithm>

namespace cwc::gateway {
namespace {

send_pacer::clock::duration interval_of(double per_second) {
    if (!(per_second > 0)) return send_pacer::clock::duration::zero();
    return std::chrono::duration_cast<send_pacer::clock::duration>(
        std::chrono::duration<double>(1.0 / per_second));
}

}  // namespace

send_pacer::send_pacer(double per_second, double broadcast_share)
    : per_second_(per_second > 0 ? per_second : 0), interval_(interval_of(per_second)) {
    const double share = std::clamp(broadcast_share, 0.001, 1.0);
    broadcast_interval_ = interval_of(per_second > 0 ? per_second * share : 0);
}

send_pacer::clock::time_point send_pacer::ready_at(bool broadcast) const {
    const auto at = broadcast ? std::max(next_, next_broadcast_) : next_;
    return at - tolerance;
}

void send_pacer::take(clock::time_point now, bool broadcast) {
    // From the ideal time, not from `now`: a late wake-up is caught up on within the tolerance.
    next_ = std::max(next_, now) + interval_;
    if (broadcast) next_broadcast_ = std::max(next_broadcast_, now) + broadcast_interval_;
}

void send_pacer::hold_until(clock::time_point until) {
    next_ = std::max(next_, until + tolerance);
}

}  // namespace cwc::gateway
