// One channel's lane in the dispatcher: its adapter and origin, the claimed rows waiting for a
// worker (kept in priority order), the pacer, the pause after refused credentials, and the
// workers' sleeping timers. Internal to dispatcher.cpp; everything runs on the dispatcher's strand.
#pragma once

#include "gateway/channel_runtime.hpp"
#include "gateway/http_client.hpp"
#include "gateway/send_pacer.hpp"
#include "messages/message.hpp"

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <optional>
#include <tuple>
#include <vector>

namespace cwc::gateway {

struct lane_sizes {
    std::size_t workers = 1;
    std::size_t window = 1;    // rows claimed ahead of the workers
    std::size_t reserve = 2;   // more rows, only urgent ones, when the window is full
    std::size_t refill_at = 1; // ask for more when the look-ahead falls to this
};

// A quarter of a second of the channel's rate, within the configured bounds.
inline lane_sizes size_lane(double per_second, std::size_t min_workers, std::size_t max_workers) {
    constexpr double horizon_s = 0.25;
    constexpr std::size_t ahead_per_worker = 4;
    lane_sizes s;
    min_workers = std::max<std::size_t>(min_workers, 1);
    max_workers = std::max(max_workers, min_workers);
    const auto quarter = per_second > 0 ? static_cast<std::size_t>(std::ceil(per_second * horizon_s))
                                        : max_workers * ahead_per_worker;
    s.workers = std::clamp(quarter, min_workers, max_workers);
    s.window = std::clamp(quarter, s.workers, s.workers * ahead_per_worker);
    s.refill_at = s.window / 2;
    return s;
}

struct outbound_lane {
    using steady = std::chrono::steady_clock;

    channel_runtime rt;
    std::optional<http_origin> origin;
    lane_sizes sizes;
    send_pacer pacer;
    std::deque<messages::outbound_message> backlog;  // claimed, most urgent first, then oldest
    std::vector<boost::asio::steady_timer*> sleepers;  // workers waiting for work or a slot
    bool slot_waiter = false;                          // a worker waits for the pacer's next slot
    std::optional<messages::timestamp> next_due;       // when the claim loop should look again
    // Set when the provider refused the channel's credentials: nothing is sent until then, or
    // until a send that started after the refusal succeeds.
    messages::timestamp paused_until{};
    steady::time_point pause_began{};
    bool pause_unresolved = false;
    // A reload that changes the channel starts new workers: the old ones see another generation
    // and leave after their current send. A removed channel's lane is retired: it claims nothing.
    std::size_t generation = 0;
    bool retired = false;

    outbound_lane(channel_runtime r, lane_sizes s)
        : rt(std::move(r)), sizes(s),
          pacer(rt.channel->sends_per_second, rt.channel->broadcast_share) {
        if (rt.adapter) origin = parse_origin(rt.adapter->api_base());
    }
    bool usable() const { return rt.adapter && origin && !retired; }
    const std::string& id() const { return rt.channel->id; }
    bool paused(messages::timestamp now) const { return now < paused_until; }

    std::size_t urgent_in_backlog() const {
        return static_cast<std::size_t>(std::count_if(backlog.begin(), backlog.end(), [](const auto& m) {
            return m.priority != messages::outbound_priority::broadcast;
        }));
    }
    void add(messages::outbound_message row) {
        auto at = std::upper_bound(backlog.begin(), backlog.end(), row, [](const auto& a, const auto& b) {
            return std::tie(a.priority, a.id) < std::tie(b.priority, b.id);
        });
        backlog.insert(at, std::move(row));
    }
    // A reload's runtime for this channel. Returns whether it changes how the lane sends: then
    // it has a new origin, sizes and pacer, a new generation (its workers must be replaced), and
    // a pause for refused credentials is lifted when the secrets are new (`lifted`).
    bool take_runtime(channel_runtime next, lane_sizes s, bool& lifted) {
        const bool changed = retired || !same_channel_runtime(rt, next);
        const bool new_secrets = rt.secrets != next.secrets || rt.api_base != next.api_base;
        rt = std::move(next);  // unchanged settings now point into the new configuration
        lifted = false;
        if (!changed) return false;
        retired = false;
        origin.reset();
        if (rt.adapter) origin = parse_origin(rt.adapter->api_base());
        sizes = s;
        pacer = send_pacer(rt.channel->sends_per_second, rt.channel->broadcast_share);
        ++generation;
        wake_workers();
        if (new_secrets && pause_unresolved) {
            paused_until = {};
            pause_unresolved = false;
            lifted = true;
        }
        return true;
    }
    // The channel left the configuration: its workers leave; the caller gives the backlog back.
    void retire() {
        retired = true;
        ++generation;
        wake_workers();
    }
    void wake_workers() {
        for (auto* t : sleepers) t->cancel();
    }
    void wake_one() {
        if (!sleepers.empty()) sleepers.front()->cancel();
    }
};

}  // namespace cwc::gateway
