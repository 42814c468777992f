// WhatsApp's customer-service window on the send side (PROVIDERS.md §2.6): free-form messages go
// only within the channel's window_hours of the person's last message there. Outside it — seen
// before sending (no recent inbound) or told by the provider (Meta 131047, Twilio 63016) — a
// message goes through the SMS fallback channel, or waits 'held' behind one re-engagement
// template per closed window until the person writes again, or fails with a reason and an alert.
// Never silently. The store functions run on the store writer, inside the caller's transaction.
#pragma once

#include "gateway/channel_runtime.hpp"
#include "messages/store.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

// The error code a held message carries, and the one of a message nothing could carry.
inline constexpr std::string_view window_held_reason = "window_closed";
inline constexpr std::string_view window_no_template_error = "window_closed_no_template";
// A closed window met the erasure's confirmation or an erased person's row: failed, never held.
inline constexpr std::string_view window_erased_error = "window_closed_erased";

enum class window_action {
    send,               // the window is open, or the message is the template itself
    reroute,            // through the SMS fallback channel
    template_and_hold,  // queue the re-engagement template; the message waits for a reply
    hold,               // the template already went out in this closed window: just wait
    fail,               // nothing can carry it: failed, window_closed_no_template, alert
};

std::string_view to_string(window_action a);

struct window_facts {
    bool is_template = false;
    bool window_open = false;
    bool phone_address = false;  // an E.164 number an SMS channel can reach (not a user id)
    bool has_fallback = false;
    bool has_template = false;   // for the person's language or the default one
    bool template_already_queued = false;  // since the person's last message on the channel
    // Twilio WhatsApp: templates go by ContentSid, which we do not send; such a message waits
    // for the person instead of failing.
    bool holds_without_template = false;
};

// The rule itself, pure: the table of PROVIDERS.md §2.6 and config/README.md.
window_action decide_window(const window_facts& f);

// A WhatsApp channel's window settings, or nothing for other channels. Views into the channel
// runtime, which outlives them.
struct window_rules {
    const config::channel* channel = nullptr;
    std::string_view default_language;

    bool open(std::optional<messages::timestamp> last_inbound, messages::timestamp now) const;
    // The template for `language`, else for the default language; nullptr when neither.
    const config::reengagement_template* template_for(std::string_view language) const;
};
std::optional<window_rules> window_rules_for(const channel_runtime& rt);

// What happened to one message, for the log (ids and channel names only, never addresses).
struct window_event {
    std::int64_t outbound_id = 0;
    window_action action = window_action::send;
    std::string channel_id;
    std::string rerouted_to;         // reroute
    std::int64_t template_id = 0;    // template_and_hold: the template's outbox row
    bool refused_by_provider = false;  // 131047 / 63016 rather than our own check
    bool erasing = false;  // fail: the person's erasure, never held or templated (their number)
};

// Rows just claimed (status sending) on a WhatsApp channel: those whose window is closed are
// re-routed, held or failed here; the rest come back to be sent.
std::vector<messages::outbound_message> screen_claimed(messages::store& s, const window_rules& w,
                                                       std::vector<messages::outbound_message> rows,
                                                       messages::timestamp now,
                                                       std::vector<window_event>& events);

// The provider refused a claimed row because the window is closed: the same choice, as if
// our own check had seen it closed.
window_event refused_for_window(messages::store& s, const window_rules& w,
                                const messages::outbound_message& m, messages::timestamp now);

void log_window_events(const std::vector<window_event>& events);

}  // namespace cwc::gateway
