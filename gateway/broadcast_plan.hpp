// What a broadcast will cost and how its messages are laid out in time. Pure: the config, the
// broadcast, the audience and the clock in; the preview, the problems that block confirmation
// and the outbox rows out. gateway/broadcast_desk runs them; gateway/broadcast_screen re-checks
// consent and quiet hours for each row when the dispatcher claims it.
#pragma once

#include "config/config.hpp"
#include "messages/broadcast.hpp"
#include "messages/message.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

// The IANA zone broadcasts to a region use (the region's own, else broadcasts.time_zone).
const std::string& zone_of(const config::config& cfg, const std::string& region);
// Whether `t` falls in the quiet hours in `zone`; never for empty quiet hours (start == end).
// Throws std::runtime_error for an unknown zone (check-config refuses one).
bool in_quiet_hours(messages::timestamp t, const config::quiet_hours& q, const std::string& zone);
// The first instant at or after `t` outside the quiet hours in `zone`.
messages::timestamp after_quiet_hours(messages::timestamp t, const config::quiet_hours& q,
                                      const std::string& zone);

// The language a person gets a broadcast in: theirs if the broadcast has a text for it, else the
// default language's text. "" when the broadcast has neither (a problem: confirmation refuses).
std::string text_language(const messages::broadcast& b, const config::config& cfg,
                          const std::string& person_language);

// The approved WhatsApp template for a language, else the default language's; nullptr: neither.
const messages::broadcast_template* template_for(const messages::broadcast& b,
                                                 const config::config& cfg,
                                                 const std::string& language);

// Reasons a broadcast cannot be confirmed as it is, for a 422 (public, no personal data): no
// text in the default language; a topic that is not configured or not the organisation's; an
// unknown region, language or channel; an empty text; a WhatsApp audience outside the window
// with no template for its language; a scheduled time in the past. Empty = fine.
std::vector<std::string> broadcast_problems(const messages::broadcast& b,
                                            const config::config& cfg,
                                            const std::vector<messages::audience_cell>& audience,
                                            messages::timestamp now);

// One line of the preview: a channel and language, small counts withheld.
struct preview_line {
    std::string channel_id;
    std::string language;
    std::optional<std::int64_t> people;          // nothing: fewer than the threshold
    std::optional<std::int64_t> outside_window;  // WhatsApp only
    int segments_per_message = 0;                // SMS channels; 0 for WhatsApp
    std::optional<std::int64_t> segments;        // people x segments, withheld with people
};

struct broadcast_preview {
    std::vector<preview_line> lines;
    std::optional<std::int64_t> people;  // the whole audience, withheld when small
    std::optional<std::int64_t> sms_segments;
    // At each channel's broadcast rate (sends_per_second x broadcast_share, in parallel across
    // channels) and, for WhatsApp people outside the window, the tier's daily reach limit.
    double estimated_seconds = 0;
    int days_for_reach_limit = 1;  // >1 when the WhatsApp tier spreads it over several days
    std::optional<messages::timestamp> starts_at;  // schedule or now, after quiet hours
    std::vector<std::string> problems;              // broadcast_problems
};

// The audience cells are exact; the threshold is officers.suppression_threshold.
broadcast_preview preview_of(const messages::broadcast& b, const config::config& cfg,
                             const std::vector<messages::audience_cell>& audience,
                             messages::timestamp now);

// Counts WhatsApp conversations opened per channel while a broadcast is planned, so the rows
// past a tier's daily reach limit are due a day later, then two, and so on.
struct reach_budget {
    std::map<std::string, std::int64_t> used;  // channel id -> templates planned so far
};

// The outbox rows for a page of recipients: text in their language (or the approved template
// when their WhatsApp window will be closed), priority broadcast, unsolicited (a collective
// answer is solicited: they asked), due at the schedule (or `now`) moved past the quiet hours of
// their region's zone and past the reach limit's days. Recipients the broadcast cannot reach
// (no text, no template, unknown channel) get no row.
std::vector<messages::outbound_message> plan_rows(
    const messages::broadcast& b, const config::config& cfg,
    const std::vector<messages::broadcast_recipient>& page, messages::timestamp now,
    reach_budget& budget);

}  // namespace cwc::gateway
