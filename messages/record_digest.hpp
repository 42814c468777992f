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
//   "reengagement" (outbox rows with a template_name and no broadcast, subject "outbound:<id>"):
//              id, contact_id, channel_id, created_at, template_name, template_language
//   "broadcast" (table broadcasts, subject "broadcast:<id>"): id, organisation, name,
//              created_by, segment_json, texts_json, templates_json, answers_code, scheduled_at,
//              respect_quiet_hours, created_at, confirmed_at, planned
//   "satisfaction" (cases.satisfaction, subject "satisfaction:<reference>", carried as
//              "satisfaction_digest" by an entry of "case:<reference>"): reference, contact_id,
//              satisfaction
//   "alert"    (table sensitive_alerts, subject "alert:<reference>", carried as "alert_digest"
//              by an entry of "case:<reference>"): case_id, reference, category, deadline_at,
//              alerts_sent, escalated
//   "media"    (table media, subject "media:<id>"): id, inbound_id, kind, mime_type, size_bytes,
//              sha256 (lower hex SHA-256 of the stored bytes, also in the entry as "sha256")
// Status, routing and workflow columns change legitimately and are not digested (their changes
// are audit entries of their own).
#pragma once

#include "messages/broadcast.hpp"
#include "messages/case_record.hpp"
#include "messages/message.hpp"
#include "messages/sensitive_alert.hpp"

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

struct reengagement_content {
    std::int64_t id = 0, contact_id = 0;
    std::string_view channel_id;
    std::int64_t created_at = 0;
    std::string_view template_name, template_language;
};

struct broadcast_content {
    std::int64_t id = 0;
    std::string_view organisation, name, created_by, segment_json, texts_json, templates_json,
        answers_code;
    std::int64_t scheduled_at = 0, respect_quiet_hours = 0, created_at = 0, confirmed_at = 0,
                 planned = 0;
};

struct satisfaction_content {
    std::string_view reference;
    std::int64_t contact_id = 0, satisfaction = 0;
};

struct alert_content {
    std::int64_t case_id = 0;
    std::string_view reference, category;
    std::int64_t deadline_at = 0, alerts_sent = 0, escalated = 0;
};

struct media_content {
    std::int64_t id = 0, inbound_id = 0;
    std::string_view kind, mime_type;
    std::int64_t size_bytes = 0;
    std::string_view sha256;
};

std::string canonical_content(const inbound_content& r);
std::string canonical_content(const outbound_content& r);
std::string canonical_content(const case_content& r);
std::string canonical_content(const reengagement_content& r);
std::string canonical_content(const broadcast_content& r);
std::string canonical_content(const satisfaction_content& r);
std::string canonical_content(const alert_content& r);
std::string canonical_content(const media_content& r);

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
// A re-engagement template row (m.template_name set, no broadcast).
std::string reengagement_digest(std::string_view key, const outbound_message& m, std::int64_t id);
// The broadcast as stored (its segment, texts and templates in the table's JSON).
std::string broadcast_digest(std::string_view key, const broadcast& b);
std::string satisfaction_digest(std::string_view key, const case_record& c);
std::string alert_digest(std::string_view key, const sensitive_alert& a);
// `sha256`: lower hex SHA-256 of the stored bytes (messages/media.hpp sha256_hex).
std::string media_digest(std::string_view key, std::int64_t id, std::int64_t inbound_id,
                         std::string_view kind, std::string_view mime_type,
                         std::int64_t size_bytes, std::string_view sha256);

}  // namespace cwc::messages
