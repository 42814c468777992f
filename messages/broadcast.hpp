// Campaign broadcasts (issue 5): an organisation's message to the people who subscribed to one
// of its topics, in their language, or an officer's collective answer to every open case that
// carries one code. Broadcasters see counts only: nothing here holds a number or a reply.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

// Stored statuses. "scheduled" is shown, not stored: a sending broadcast whose time has not come.
enum class broadcast_status { draft, sending, paused, completed, cancelled };
std::string_view to_string(broadcast_status s);
std::optional<broadcast_status> parse_broadcast_status(std::string_view s);

// Who a broadcast is for. Empty lists mean "any"; topics are required for a campaign (the people
// subscribed to at least one of them) and empty for a collective answer (its code decides).
struct broadcast_segment {
    std::vector<std::string> topics;
    std::vector<std::string> regions;    // the subscriber's region; empty = everyone
    std::vector<std::string> languages;  // the person's language (default language if never chosen)
    std::vector<std::string> channels;   // the channel the person subscribed on
    bool operator==(const broadcast_segment&) const = default;
};

// An approved WhatsApp template for people outside the 24-hour window (name as approved at
// Meta, Meta's language code, and the fixed text of its one body parameter, if it has one).
struct broadcast_template {
    std::string name;
    std::string language;
    std::string body_parameter;
    bool operator==(const broadcast_template&) const = default;
};

struct broadcast {
    std::int64_t id = 0;
    std::string organisation;  // config organisation id
    std::string name;          // a title for lists: "Brigada de salud Callao"
    std::string created_by;    // actor: "officer:Lucía" or "cli:root"
    broadcast_segment segment;
    std::map<std::string, std::string> texts;                  // language -> text
    std::map<std::string, broadcast_template> templates;       // language -> WhatsApp template
    std::string answers_code;  // collective answer: the feedback code whose open cases it answers
    std::optional<timestamp> scheduled_at;  // nothing = as soon as confirmed
    bool respect_quiet_hours = true;
    broadcast_status status = broadcast_status::draft;
    timestamp created_at{};
    std::optional<timestamp> confirmed_at, finished_at;
    std::int64_t planned = 0;  // messages queued at confirmation
};

// One person a confirmed broadcast goes to. The address stays between store and dispatcher.
struct broadcast_recipient {
    std::int64_t contact_id = 0;
    std::string address;
    std::string channel_id;
    std::string language;  // "" = never chose (the default language applies)
    std::string region;
    std::optional<timestamp> last_inbound_on_channel;  // WhatsApp window
    std::int64_t case_id = 0;                          // collective answer: the case it answers
};

// The preview's audience: people per channel and language, and how many of them a WhatsApp
// channel can only reach with a template (their 24-hour window is closed).
struct audience_cell {
    std::string channel_id;
    std::string language;  // the language the text goes out in (after fallback)
    std::int64_t people = 0;
    std::int64_t outside_window = 0;
    bool operator==(const audience_cell&) const = default;
};

// Progress of one broadcast, counted from its outbox rows and its replies.
struct broadcast_progress {
    std::int64_t planned = 0;
    std::int64_t queued = 0;  // queued, sending or unknown
    std::int64_t paused = 0;
    std::int64_t sent = 0;       // accepted by the provider, no delivery report yet
    std::int64_t delivered = 0;  // delivered or read
    std::int64_t failed = 0;     // failed or undelivered
    std::int64_t opted_out_since = 0;  // consent withdrawn after planning: not sent
    std::int64_t cancelled = 0;        // cancelled before they were sent
    std::int64_t replies = 0;          // inbound messages linked to the broadcast
    bool operator==(const broadcast_progress&) const = default;
};

// Outbox error codes of broadcast rows that were never sent.
inline constexpr std::string_view opted_out_since_code = "opted_out_since";
inline constexpr std::string_view cancelled_code = "broadcast_cancelled";

}  // namespace cwc::messages
