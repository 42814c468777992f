// Accountability log entries. The store chains them by hash so an edit or deletion is detectable.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <string>

namespace cwc::messages {

struct audit_entry {
    timestamp at{};
    std::string actor;    // "system", "contact:<pseudonym>", later "officer:<name>"
    std::string action;   // "inbound.received", "outbound.queued", "case.opened", "contact.opted_out"
    std::string subject;  // "message:12", "case:Q7K-2M4", "contact:3"
    std::string detail;   // short JSON without phone numbers or message texts
};

}  // namespace cwc::messages
