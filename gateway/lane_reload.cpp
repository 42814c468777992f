// Matching the reloaded channels to the dispatcher's lanes by channel id (see lane_reload.hpp).
#include "gateway/lane_reload.hpp"

#include <algorithm>
#include <iterator>

namespace cwc::gateway {

lane_reload reload_lanes(std::vector<std::unique_ptr<outbound_lane>>& lanes,
                         std::vector<channel_runtime> channels, std::size_t min_workers,
                         std::size_t max_workers) {
    lane_reload out;
    std::vector<const outbound_lane*> configured;
    for (auto& rt : channels) {
        const auto sizes = size_lane(rt.channel->sends_per_second, min_workers, max_workers);
        auto it = std::find_if(lanes.begin(), lanes.end(),
                               [&](const auto& l) { return l->id() == rt.channel->id; });
        if (it == lanes.end()) {
            lanes.push_back(std::make_unique<outbound_lane>(std::move(rt), sizes));
            out.start_workers.push_back(lanes.back().get());
            configured.push_back(lanes.back().get());
            continue;
        }
        auto& lane = **it;
        configured.push_back(&lane);
        bool lifted = false;
        if (!lane.take_runtime(std::move(rt), sizes, lifted)) continue;
        out.start_workers.push_back(&lane);
        if (lifted) out.lifted_pauses.push_back(lane.id());
    }
    for (auto& l : lanes) {
        if (l->retired || std::find(configured.begin(), configured.end(), l.get()) != configured.end())
            continue;
        l->retire();
        std::move(l->backlog.begin(), l->backlog.end(), std::back_inserter(out.given_back));
        l->backlog.clear();
        out.retired.push_back(l->id());
    }
    return out;
}

}  // namespace cwc::gateway
