// Live counters of the running process for GET /metrics: commit and sync latency of the store
// writer, open HTTP connections and answers by status class, and which channels the dispatcher
// holds paused. One process-wide set (like a Prometheus client's default registry): the hot
// paths pay one relaxed atomic increment; the pause set changes only when a channel pauses.
#pragma once

#include "messages/time.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

// A latency histogram with fixed bounds (seconds), cumulative only when read.
class latency_histogram {
  public:
    static constexpr std::array<double, 12> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};
    struct snapshot {
        std::array<std::uint64_t, bounds.size()> cumulative{};  // observations <= each bound
        std::uint64_t count = 0;                                 // all (the +Inf bucket)
        double sum_seconds = 0;
    };

    void observe(std::chrono::nanoseconds d);
    snapshot read() const;

  private:
    std::array<std::atomic<std::uint64_t>, bounds.size() + 1> buckets_{};  // last: above all
    std::atomic<std::uint64_t> sum_ns_{0};
};

// "1xx" … "5xx": the status label of answered requests.
inline constexpr std::array<std::string_view, 5> status_classes = {"1xx", "2xx", "3xx", "4xx",
                                                                   "5xx"};

class process_counters {
  public:
    latency_histogram commit;  // a writer batch: BEGIN to COMMIT returned
    latency_histogram sync;    // making committed batches durable (one fsync for several)

    void connection_opened() { open_connections_.fetch_add(1, std::memory_order_relaxed); }
    void connection_closed() { open_connections_.fetch_sub(1, std::memory_order_relaxed); }
    std::int64_t open_connections() const { return open_connections_.load(std::memory_order_relaxed); }
    void request_answered(unsigned status);
    std::array<std::uint64_t, status_classes.size()> requests_by_class() const;

    // The dispatcher's live pause state (refused credentials), by channel id: paused until
    // `until` (the epoch: resumed). A lane tries again when its pause ends, and pauses anew if
    // refused again, so "until has passed" reads as resumed.
    void set_paused(std::string_view channel_id, messages::timestamp until);
    std::vector<std::string> paused_channels(messages::timestamp now) const;

  private:
    std::atomic<std::int64_t> open_connections_{0};
    std::array<std::atomic<std::uint64_t>, status_classes.size()> requests_{};
    mutable std::mutex paused_mutex_;
    std::map<std::string, messages::timestamp, std::less<>> paused_;
};

process_counters& process_metrics();

// Counts a connection open for its lifetime.
class counted_connection {
  public:
    counted_connection() { process_metrics().connection_opened(); }
    ~counted_connection() { process_metrics().connection_closed(); }
    counted_connection(const counted_connection&) = delete;
    counted_connection& operator=(const counted_connection&) = delete;
};

}  // namespace cwc::gateway
