// The alert that follows a sensitive case until a protection focal point acknowledges it:
// first to the organisation's focal points, repeated every few hours, escalated to the backup
// focal points at the category's deadline. It carries the reference, category and deadline only.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <string>

namespace cwc::messages {

struct sensitive_alert {
    std::int64_t case_id = 0;
    std::string reference;
    std::string organisation;
    std::string category;
    timestamp deadline_at{};    // opened + the category's deadline_hours
    timestamp next_alert_at{};  // when the next alert or reminder is due
    int alerts_sent = 0;        // rounds sent so far (first alert included)
    bool escalated = false;     // backups alerted
    bool settled = false;       // acknowledged (or unflagged): no more alerts
};

// A person pointed to a service of the directory (the referral given, DOMAIN.md).
struct service_referral {
    std::int64_t contact_id = 0;
    std::string service_id;
    std::string organisation;
    std::string sector;
    std::string region;
    std::string language;
    std::string channel_id;
    timestamp at{};
};

}  // namespace cwc::messages
