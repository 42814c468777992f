// The process-wide live counters (metrics_counters.hpp): relaxed atomics, read without a lock;
// a reading may mix counts of a moment apart, which a scrape every few seconds cannot tell.
#include "gateway/metrics_counters.hpp"

#include <algorithm>

namespace cwc::gateway {

void latency_histogram::observe(std::chrono::nanoseconds d) {
    const double seconds = std::chrono::duration<double>(d).count();
    const auto at = std::lower_bound(bounds.begin(), bounds.end(), seconds);
    buckets_[static_cast<std::size_t>(at - bounds.begin())].fetch_add(1, std::memory_order_relaxed);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(0, d.count())),
                      std::memory_order_relaxed);
}

latency_histogram::snapshot latency_histogram::read() const {
    snapshot s;
    std::uint64_t running = 0;
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        s.cumulative[i] = running;
    }
    s.count = running + buckets_[bounds.size()].load(std::memory_order_relaxed);
    s.sum_seconds = static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9;
    return s;
}

void process_counters::request_answered(unsigned status) {
    const unsigned index = status / 100;
    if (index >= 1 && index <= status_classes.size())
        requests_[index - 1].fetch_add(1, std::memory_order_relaxed);
}

std::array<std::uint64_t, status_classes.size()> process_counters::requests_by_class() const {
    std::array<std::uint64_t, status_classes.size()> out{};
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = requests_[i].load(std::memory_order_relaxed);
    return out;
}

void process_counters::set_paused(std::string_view channel_id, messages::timestamp until) {
    std::lock_guard lock(paused_mutex_);
    if (until != messages::timestamp{})
        paused_.insert_or_assign(std::string(channel_id), until);
    else if (const auto it = paused_.find(channel_id); it != paused_.end())
        paused_.erase(it);
}

std::vector<std::string> process_counters::paused_channels(messages::timestamp now) const {
    std::lock_guard lock(paused_mutex_);
    std::vector<std::string> out;
    for (const auto& [id, until] : paused_)
        if (now < until) out.push_back(id);
    return out;
}

process_counters& process_metrics() {
    static process_counters counters;
    return counters;
}

}  // namespace cwc::gateway
