// The dispatcher's lanes after a configuration reload, decided without I/O: which lanes need new
// workers (new or changed channels), which pauses the new secrets lift, and which claimed rows go
// back to the queue because their channel left the configuration. Runs on the dispatcher's strand.
#pragma once

#include "gateway/channel_runtime.hpp"
#include "gateway/outbound_lane.hpp"

#include <memory>
#include <string>
#include <vector>

namespace cwc::gateway {

struct lane_reload {
    std::vector<outbound_lane*> start_workers;          // new or changed lanes
    std::vector<std::string> lifted_pauses;             // their held rows may go now
    std::vector<std::string> retired;                   // channels no longer configured
    std::vector<messages::outbound_message> given_back;  // claimed rows of retired lanes
};

// Lanes are never erased (workers refer to them): a removed channel's lane is retired, and a
// channel that comes back takes it again. `min_workers`/`max_workers` as in size_lane.
lane_reload reload_lanes(std::vector<std::unique_ptr<outbound_lane>>& lanes,
                         std::vector<channel_runtime> channels, std::size_t min_workers,
                         std::size_t max_workers);

}  // namespace cwc::gateway
