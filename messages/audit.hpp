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

// The newest entry of the chain: what a signed head vouches for.
struct audit_head {
    std::int64_t seq = 0;
    std::string hash;
};

// A head signed with the deployment's audit key (messages/audit_keys.hpp), kept in audit_heads
// and exported for auditors. Keys and signatures are lower hex.
struct signed_head {
    std::int64_t seq = 0;
    std::string hash;
    timestamp signed_at{};
    std::string public_key;
    std::string signature;
};

}  // namespace cwc::messages
