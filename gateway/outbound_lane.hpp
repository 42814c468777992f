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

    outbound_lane(channel_runtime r, lane_sizes s)
        : rt(std::move(r)), sizes(s),
          pacer(rt.channel->sends_per_second, rt.channel->broadcast_share) {
        if (rt.adapter) origin = parse_origin(rt.adapter->api_base());
    }
    bool usable() const { return rt.adapter && origin; }
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
    void wake_workers() {
        for (auto* t : sleepers) t->cancel();
    }
    void wake_one() {
        if (!sleepers.empty()) sleepers.front()->cancel();
    }
};

}  // namespace cwc::gateway
