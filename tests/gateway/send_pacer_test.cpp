// Rate pacing of one channel: the long-run rate is the configured one even when workers wake
// late, broadcasts get at most their share, holds (Retry-After) stop everything, and the lane
// sizes follow the rate.
#include "gateway/outbound_lane.hpp"
#include "gateway/send_pacer.hpp"

#include <doctest/doctest.h>

#include <vector>

using cwc::gateway::send_pacer;
using cwc::gateway::size_lane;
using namespace std::chrono_literals;
using time_point = send_pacer::clock::time_point;

namespace {

const time_point t0 = time_point{} + 1000s;

// Sends as soon as the pacer allows, waking `late` after each ready time, for `span`; returns
// the send times. `pattern(i)`: whether the i-th message is a broadcast.
template <typename Pattern>
std::vector<time_point> run(send_pacer& p, std::chrono::nanoseconds span, std::chrono::nanoseconds late,
                            Pattern pattern, std::vector<bool>* kinds = nullptr) {
    std::vector<time_point> sent;
    time_point now = t0;
    for (int i = 0; now < t0 + span; ++i) {
        const bool broadcast = pattern(i);
        now = std::max(now, p.ready_at(broadcast) + late);
        if (now >= t0 + span) break;
        p.take(now, broadcast);
        sent.push_back(now);
        if (kinds) kinds->push_back(broadcast);
    }
    return sent;
}

}  // namespace

TEST_CASE("the long-run rate is the configured one, whether workers wake on time or late") {
    struct row {
        double per_second;
        std::chrono::microseconds late;
    };
    for (const row r : {row{1, 0us}, row{1, 5000us}, row{10, 3000us}, row{200, 0us}, row{200, 4000us},
                        row{1000, 500us}, row{1000, 15000us}}) {
        CAPTURE(r.per_second);
        CAPTURE(r.late.count());
        send_pacer p(r.per_second, 1.0);
        const auto span = 20s;
        const auto sent = run(p, span, r.late, [](int) { return false; });
        const double expected = r.per_second * 20;
        const double burst = r.per_second * 0.020 + 1;  // the tolerance's worth, plus one
        CHECK(static_cast<double>(sent.size()) <= expected + burst);
        CHECK(static_cast<double>(sent.size()) >= expected * 0.99);
        // In any one-second window: the rate, plus at most the burst.
        std::size_t first = 0;
        for (std::size_t i = 0; i < sent.size(); ++i) {
            while (sent[i] - sent[first] >= 1s) ++first;
            CHECK(static_cast<double>(i - first + 1) <= r.per_second + burst);
        }
    }
}

TEST_CASE("after a quiet spell only the tolerance's worth of messages goes at once") {
    send_pacer p(1000, 1.0);
    p.take(t0, false);
    const time_point later = t0 + 10s;
    int burst = 0;
    while (p.ready_at(false) <= later) {
        p.take(later, false);
        ++burst;
    }
    CHECK(burst == 21);  // 20 ms at 1 ms intervals, plus the one due now
}

TEST_CASE("broadcasts use at most their share of the rate; other messages take the rest") {
    for (const double share : {0.5, 0.25, 1.0}) {
        CAPTURE(share);
        send_pacer p(10, share);
        std::vector<bool> kinds;
        // Broadcasts only: they are held to the share.
        const auto sent = run(p, 10s, 0us, [](int) { return true; }, &kinds);
        CHECK(static_cast<double>(sent.size()) <= 10 * 10 * share + 1);
        CHECK(static_cast<double>(sent.size()) >= 10 * 10 * share * 0.98);
    }
    // A reply does not wait for the broadcast share: only for the channel's own slot.
    send_pacer p(1, 0.5);
    p.take(t0, true);
    CHECK(p.ready_at(true) == t0 + 2s - send_pacer::tolerance);
    CHECK(p.ready_at(false) == t0 + 1s - send_pacer::tolerance);
    p.take(t0 + 1s, false);
    CHECK(p.ready_at(true) == t0 + 2s - send_pacer::tolerance);
}

TEST_CASE("a hold stops every class until it ends, limited or not") {
    for (const double per_second : {0.0, 5.0}) {
        CAPTURE(per_second);
        send_pacer p(per_second, 0.5);
        CHECK(p.limited() == (per_second > 0));
        CHECK(p.ready_at(false) <= t0);
        p.hold_until(t0 + 30s);
        CHECK(p.ready_at(false) == t0 + 30s);
        CHECK(p.ready_at(true) >= t0 + 30s);
        p.hold_until(t0 + 10s);  // a shorter hold does not shorten the first
        CHECK(p.ready_at(false) == t0 + 30s);
    }
    send_pacer unlimited(0, 0.5);
    for (int i = 0; i < 1000; ++i) unlimited.take(t0, i % 2 == 0);
    CHECK(unlimited.ready_at(true) <= t0);
}

TEST_CASE("lane sizes: a quarter second of the rate in workers and look-ahead, within bounds") {
    struct row {
        double per_second;
        std::size_t workers, window;
    };
    for (const row r : {row{1, 4, 4}, row{20, 5, 5}, row{40, 10, 10}, row{200, 16, 50},
                        row{1000, 16, 64}, row{0, 16, 64}}) {
        CAPTURE(r.per_second);
        const auto s = size_lane(r.per_second, 4, 16);
        CHECK(s.workers == r.workers);
        CHECK(s.window == r.window);
        CHECK(s.refill_at == r.window / 2);
        CHECK(s.reserve >= 1);
    }
}
