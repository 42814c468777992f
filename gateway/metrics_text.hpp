// GET /metrics in the Prometheus text exposition format (version 0.0.4): the operations picture
// (messages/ops_reader.hpp) and the live process counters (metrics_counters.hpp), every name
// prefixed cwc_, each family with its HELP and TYPE lines. Labels are channel, status, priority,
// code (and a histogram's le) only, so no number or text can ever reach a scraper. Pure.
#pragma once

#include "gateway/metrics_counters.hpp"
#include "messages/ops_reader.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

inline constexpr std::string_view metrics_content_type = "text/plain; version=0.0.4; charset=utf-8";

struct metrics_inputs {
    const messages::ops_picture* picture = nullptr;
    std::vector<std::string> channels;  // configured channel ids: each gets its per-channel series
    std::vector<std::string> paused;    // channels the dispatcher holds paused now
    std::optional<std::uint64_t> disk_free_bytes;  // where the database lives; none if unknown
    latency_histogram::snapshot commit, sync;
    std::int64_t open_connections = 0;
    std::array<std::uint64_t, status_classes.size()> requests{};
    double read_seconds = 0;  // how long reading the picture took
};

std::string render_metrics(const metrics_inputs& in);

// Takes the live counters of this process into `in`.
void add_process_counters(metrics_inputs& in, const process_counters& counters);

}  // namespace cwc::gateway
