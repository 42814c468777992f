// The claim-time check of broadcast rows: the broadcast's state, the person's consent, their
// quiet hours and their WhatsApp window, in that order. A row given back does not use up an
// attempt (store::return_unsent); a paused or cancelled broadcast's other waiting rows are
// paused or cancelled with it, so they are not claimed again one by one.
#include "gateway/broadcast_screen.hpp"

#include "config/channel_kinds.hpp"
#include "gateway/app_log.hpp"
#include "gateway/broadcast_plan.hpp"

#include <algorithm>
#include <stdexcept>

namespace cwc::gateway {

namespace {

using messages::broadcast_status;
using messages::outbound_message;
using messages::timestamp;

bool contains(const std::vector<std::string>& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

// Whether every region's broadcasts use the deployment's time zone.
bool one_zone(const config::config& cfg) {
    return std::all_of(cfg.regions.begin(), cfg.regions.end(), [&](const config::region& r) {
        return r.time_zone.empty() || r.time_zone == cfg.broadcasts.time_zone;
    });
}

}  // namespace

bool still_consents(const messages::broadcast& b, const messages::contact& c) {
    if (c.opted_out) return false;
    if (!b.answers_code.empty()) return true;  // they asked: the answer is theirs
    const bool subscribed = std::any_of(b.segment.topics.begin(), b.segment.topics.end(),
                                        [&](const std::string& t) { return contains(c.topics, t); });
    return subscribed && (b.segment.regions.empty() || contains(b.segment.regions, c.region));
}

const std::optional<messages::broadcast>& broadcast_screen::broadcast_of(messages::store& s,
                                                                         std::int64_t id) {
    auto it = broadcasts_.find(id);
    if (it == broadcasts_.end()) it = broadcasts_.emplace(id, s.broadcasts().load(id)).first;
    return it->second;
}

bool broadcast_screen::screen_one(messages::store& s, outbound_message& m, timestamp now) {
    const auto& b = broadcast_of(s, m.broadcast_id);
    // The broadcast's other waiting rows follow it (the desk's own pages may not have reached
    // them yet): an indexed update of its queued rows only, cheap after the first.
    if (!b || b->status == broadcast_status::cancelled) {
        s.return_unsent(m.id, now, messages::cancelled_code, now);
        s.broadcasts().cancel_rows(m.broadcast_id, now);
        ++counts_.cancelled;
        return false;
    }
    if (b->status == broadcast_status::paused) {
        s.return_unsent(m.id, now, broadcast_paused_reason, now);
        s.broadcasts().pause_rows(m.broadcast_id, now);
        ++counts_.returned_for_pause;
        return false;
    }
    const auto person = s.find_contact(m.contact_id);
    if (!person || !still_consents(*b, *person)) {
        s.broadcasts().drop_unconsented(m.id, now);
        ++counts_.opted_out_since;
        return false;
    }
    if (b->respect_quiet_hours) {
        try {
            const std::string& zone = zone_of(cfg_, person->region);
            if (in_quiet_hours(now, cfg_.broadcasts.quiet, zone)) {
                const auto until = after_quiet_hours(now, cfg_.broadcasts.quiet, zone);
                s.return_unsent(m.id, until, quiet_hours_reason, now);
                // Where every region keeps the deployment's zone, quiet hours began for all of
                // the broadcast's people: its other rows wait too, rather than being claimed and
                // given back a look-ahead at a time all night.
                if (one_zone(cfg_)) s.broadcasts().postpone_rows(m.broadcast_id, until, quiet_hours_reason, now);
                ++counts_.returned_for_quiet;
                return false;
            }
        } catch (const std::runtime_error&) {
            // An unknown zone (check-config refuses one): the row is not held back for it.
        }
    }
    const config::channel* channel = cfg_.find_channel(m.channel_id);
    if (m.template_name.empty() && channel != nullptr && config::has_reply_window(channel->kind)) {
        const auto last = s.last_inbound_on(m.contact_id, channel->id);
        const bool open = last && now < *last + std::chrono::hours{channel->window_hours};
        const auto* t = open ? nullptr
                             : template_for(*b, cfg_, text_language(*b, cfg_, person->language));
        // Without a template of its own the row is left to the window screen (fallback, hold).
        if (t != nullptr) {
            m.text.clear();
            m.menu = {};
            m.template_name = t->name;
            m.template_language = t->language;
            m.template_parameter = t->body_parameter;
            ++counts_.swapped_to_template;
        }
    }
    return true;
}

std::vector<outbound_message> broadcast_screen::screen(messages::store& s,
                                                       std::vector<outbound_message> rows,
                                                       timestamp now) {
    std::vector<outbound_message> to_send;
    to_send.reserve(rows.size());
    for (auto& m : rows)
        if (m.broadcast_id == 0 || screen_one(s, m, now)) to_send.push_back(std::move(m));
    return to_send;
}

void log_broadcast_screen(const broadcast_screen_counts& c) {
    if (!c.any()) return;
    log_event(log_level::info, "broadcast.screened",
              {{"paused", c.returned_for_pause}, {"cancelled", c.cancelled},
               {"opted_out_since", c.opted_out_since}, {"quiet_hours", c.returned_for_quiet},
               {"swapped_to_template", c.swapped_to_template}});
}

}  // namespace cwc::gateway
