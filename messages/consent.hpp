// Consent to campaign broadcasts (issue 5): the topics a person asked to hear about, the region
// they want news for, and every change to either. STOP ends all of it on every channel; START
// lets the person be answered again but restores no topic (they subscribe again themselves).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

enum class consent_action { subscribed, unsubscribed, region_set, opted_out, opted_in };

std::string_view to_string(consent_action a);                      // "subscribed"
std::optional<consent_action> parse_consent_action(std::string_view s);

// One change, as the conversation decided it. The store applies it and logs it (table
// consent_log) with the contact, the channel it came in on and the time.
struct consent_change {
    consent_action action = consent_action::subscribed;
    std::string topic;   // subscribed / unsubscribed: a config topic id
    std::string region;  // region_set: a config region id ("" = no region)
    std::string source;  // "menu", "keyword", "stop", "start", "officer"
    bool operator==(const consent_change&) const = default;
};

}  // namespace cwc::messages
