// Keyed digests of the records the audit chain vouches for. The chain hashes audit entries, and
// the entry that records a message, an outbound row or a case carries the record's digest
// ("digest" in its detail JSON), so the chain covers the content without holding it. The
// formula, for an auditor who recomputes it (see messages/audit_keys.hpp for the key):
//   canonical = <kind> "\n" then, for each field in the order below:
//               <its length in bytes, decimal> ":" <its bytes> "\n"
//   digest    = lower hex of HMAC-SHA256(record_digest_key, canonical)
// Integers are decimal, times epoch milliseconds (as stored), a NULL column is "".
//   "inbound"  (table inbound_messages, subject "inbound:<id>"): id, channel_id,
//              provider_message_id, contact_id, received_at, outcome, kind, location_json, text
//   "outbound" (table outbox, subject "outbound:<id>"): id, contact_id, inbound_id,
//              broadcast_id, created_at, text
//   "case"     (table cases, subject "case:<reference>"): reference, contact_id, inbound_id,
//              channel_id, type, category, region, language, opened_at, description
// Status, routing and workflow columns change legitimately and are not digested (their changes
// are audit entries of their own).
#pragma once

#include "messages/case_record.hpp"
#include "messages/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace cwc::messages {

struct inbound_content {
    std::int64_t id = 0;
    std::string_view channel_id, provider_message_id;
    std::int64_t contact_id = 0;
    std::int64_t received_at = 0;
    std::string_view outcome, kind, location_json, text;
};

struct outbound_content {
    std::int64_t id = 0, contact_id = 0, inbound_id = 0, broadcast_id = 0, created_at = 0;
    std::string_view text;
};

struct case_content {
    std::string_view reference;
    std::int64_t contact_id = 0, inbound_id = 0;
    std::string_view channel_id, type, category, region, language;
    std::int64_t opened_at = 0;
    std::string_view description;
};

std::string canonical_content(const inbound_content& r);
std::string canonical_content(const outbound_content& r);
std::string canonical_content(const case_content& r);

// Lower-hex HMAC-SHA256 of `canonical` (64 digits).
std::string record_digest(std::string_view key, std::string_view canonical);

// The stored form of a message's location (column location_json; "" = none): the store writes
// it and the digest reads it, so both spell it the same way.
std::string stored_location(const inbound_message& m);

// Digests from the records as their writers hold them (the same fields as the tables).
std::string inbound_digest(std::string_view key, const inbound_message& m, std::int64_t id,
                           std::int64_t contact_id, inbound_outcome outcome);
std::string outbound_digest(std::string_view key, const outbound_message& m, std::int64_t id);
std::string case_digest(std::string_view key, const case_record& c);

}  // namespace cwc::messages
