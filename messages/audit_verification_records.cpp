// The record pass of audit verification: one query per record table joined with the latest
// audited digest of each record (and its person's erasure), the canonical content rebuilt from
// the columns (messages/record_digest.hpp) and its keyed digest compared. A record whose latest
// entry is a redaction, or whose person was erased after it, is exempt.
#include "messages/audit_verification_records.hpp"

#include "messages/media.hpp"
#include "messages/record_digest.hpp"

namespace cwc::messages {
namespace {

using sqlite::connection;
using sqlite::query;

// Each query: the record's columns in canonical order, then the latest audited digest, its
// entry, the person's erasure (0 = none) and the record's subject.
constexpr std::string_view inbound_sql =
    "SELECT r.id, r.channel_id, r.provider_message_id, r.contact_id, r.received_at, r.outcome, "
    "r.kind, COALESCE(r.location_json, ''), r.text, a.digest, a.seq, COALESCE(e.seq, 0), "
    "'inbound:' || r.id FROM inbound_messages r "
    "LEFT JOIN temp.audited a ON a.subject = 'inbound:' || r.id "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";
// Replies and answers, and re-engagement templates (template_name set, no broadcast).
constexpr std::string_view outbound_sql =
    "SELECT r.id, r.contact_id, r.inbound_id, r.broadcast_id, r.created_at, r.text, "
    "r.channel_id, r.template_name, r.template_language, a.digest, "
    "a.seq, COALESCE(e.seq, 0), 'outbound:' || r.id FROM outbox r "
    "LEFT JOIN temp.audited a ON a.subject = 'outbound:' || r.id "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";
constexpr std::string_view case_sql =
    "SELECT r.reference, r.contact_id, r.inbound_id, r.channel_id, r.type, r.category, r.region, "
    "r.language, r.opened_at, r.description, a.digest, a.seq, COALESCE(e.seq, 0), "
    "'case:' || r.reference FROM cases r "
    "LEFT JOIN temp.audited a ON a.subject = 'case:' || r.reference "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";
// Neither erasure nor retention touches a broadcast, a rating or an alert: no exemption.
constexpr std::string_view broadcast_sql =
    "SELECT r.id, r.organisation, r.name, r.created_by, r.segment_json, r.texts_json, "
    "r.templates_json, r.answers_code, r.scheduled_at, r.respect_quiet_hours, r.created_at, "
    "r.confirmed_at, r.planned, a.digest, a.seq, 0, 'broadcast:' || r.id FROM broadcasts r "
    "LEFT JOIN temp.audited a ON a.subject = 'broadcast:' || r.id ORDER BY r.id";
constexpr std::string_view satisfaction_sql =
    "SELECT r.reference, r.contact_id, r.satisfaction, a.digest, a.seq, 0, "
    "'satisfaction:' || r.reference FROM cases r "
    "LEFT JOIN temp.audited a ON a.subject = 'satisfaction:' || r.reference "
    "WHERE r.satisfaction <> 0 OR a.subject IS NOT NULL ORDER BY r.id";
constexpr std::string_view alert_sql =
    "SELECT r.case_id, r.reference, r.category, r.deadline_at, r.alerts_sent, r.escalated, "
    "a.digest, a.seq, 0, 'alert:' || r.reference FROM sensitive_alerts r "
    "LEFT JOIN temp.audited a ON a.subject = 'alert:' || r.reference ORDER BY r.case_id";
// Media: the SHA-256 of the stored bytes (none when they are gone) is what the digest covers.
constexpr std::string_view media_sql =
    "SELECT r.id, r.inbound_id, r.kind, r.mime_type, COALESCE(r.size_bytes, 0), r.content, "
    "a.digest, a.seq, COALESCE(e.seq, 0), 'media:' || r.id FROM media r "
    "JOIN inbound_messages i ON i.id = r.inbound_id "
    "LEFT JOIN temp.audited a ON a.subject = 'media:' || r.id "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = i.contact_id ORDER BY r.id";

// One record table; `canonical` builds a row's canonical content, `first` is the column of the
// audited digest. Returns the first record whose content no longer matches.
template <typename Canonical>
std::optional<std::string> check_records(connection& db, std::string_view sql, int first,
                                         std::string_view key, std::int64_t& matched,
                                         audit_verification& v, Canonical canonical) {
    query q = db.prepare(sql);
    while (q.step()) {
        if (q.is_null(first)) {
            ++v.without_digest;
            continue;
        }
        const std::string digest = q.text_at(first);
        const std::int64_t seq = q.int_at(first + 1);
        if (digest.empty() || q.int_at(first + 2) > seq) {
            ++v.redacted;
            continue;
        }
        if (record_digest(key, canonical(q)) != digest) {
            return "record " + q.text_at(first + 3) +
                   ": its content does not match the digest audited in entry " +
                   std::to_string(seq) + " (edited after it was recorded)";
        }
        ++matched;
    }
    return std::nullopt;
}

// A record the chain vouches for (not redacted) that is gone from its table.
std::optional<std::string> missing_record(connection& db) {
    query q = db.prepare(
        "SELECT subject, seq FROM temp.audited a WHERE digest <> '' AND ("
        "(subject LIKE 'inbound:%' AND NOT EXISTS (SELECT 1 FROM inbound_messages r "
        "  WHERE r.id = CAST(substr(a.subject, 9) AS INTEGER))) OR "
        "(subject LIKE 'outbound:%' AND NOT EXISTS (SELECT 1 FROM outbox r "
        "  WHERE r.id = CAST(substr(a.subject, 10) AS INTEGER))) OR "
        "(subject LIKE 'case:%' AND NOT EXISTS (SELECT 1 FROM cases r "
        "  WHERE r.reference = substr(a.subject, 6))) OR "
        "(subject LIKE 'broadcast:%' AND NOT EXISTS (SELECT 1 FROM broadcasts r "
        "  WHERE r.id = CAST(substr(a.subject, 11) AS INTEGER))) OR "
        "(subject LIKE 'satisfaction:%' AND NOT EXISTS (SELECT 1 FROM cases r "
        "  WHERE r.reference = substr(a.subject, 14) AND r.satisfaction <> 0)) OR "
        "(subject LIKE 'alert:%' AND NOT EXISTS (SELECT 1 FROM sensitive_alerts r "
        "  WHERE r.reference = substr(a.subject, 7))) OR "
        "(subject LIKE 'media:%' AND NOT EXISTS (SELECT 1 FROM media r "
        "  WHERE r.id = CAST(substr(a.subject, 7) AS INTEGER)))"
        ") ORDER BY seq LIMIT 1");
    if (!q.step()) return std::nullopt;
    return "record " + q.text_at(0) + ": audited in entry " + std::to_string(q.int_at(1)) +
           " but gone from the database (deleted without a redaction entry)";
}

}  // namespace

std::optional<std::string> check_audited_records(connection& db, std::string_view key,
                                                 audit_verification& v) {
    if (auto p = check_records(db, inbound_sql, 9, key, v.inbound, v, [](const query& q) {
            const auto id = q.int_at(0), contact = q.int_at(3), at = q.int_at(4);
            const auto channel = q.text_at(1), provider_id = q.text_at(2), outcome = q.text_at(5),
                       kind = q.text_at(6), location = q.text_at(7), text = q.text_at(8);
            return canonical_content(inbound_content{id, channel, provider_id, contact, at,
                                                     outcome, kind, location, text});
        }))
        return p;
    if (auto p = check_records(db, outbound_sql, 9, key, v.outbound, v, [](const query& q) {
            const auto template_name = q.text_at(7);
            if (!template_name.empty() && q.int_at(3) == 0) {
                const auto channel = q.text_at(6), language = q.text_at(8);
                return canonical_content(reengagement_content{
                    q.int_at(0), q.int_at(1), channel, q.int_at(4), template_name, language});
            }
            const auto text = q.text_at(5);
            return canonical_content(outbound_content{q.int_at(0), q.int_at(1), q.int_at(2),
                                                      q.int_at(3), q.int_at(4), text});
        }))
        return p;
    if (auto p = check_records(db, case_sql, 10, key, v.cases, v, [](const query& q) {
            const auto reference = q.text_at(0), channel = q.text_at(3), type = q.text_at(4),
                       category = q.text_at(5), region = q.text_at(6), language = q.text_at(7),
                       description = q.text_at(9);
            return canonical_content(case_content{reference, q.int_at(1), q.int_at(2), channel,
                                                  type, category, region, language, q.int_at(8),
                                                  description});
        }))
        return p;
    if (auto p = check_records(db, broadcast_sql, 13, key, v.broadcasts, v, [](const query& q) {
            const auto organisation = q.text_at(1), name = q.text_at(2), by = q.text_at(3),
                       segment = q.text_at(4), texts = q.text_at(5), templates = q.text_at(6),
                       code = q.text_at(7);
            return canonical_content(broadcast_content{
                q.int_at(0), organisation, name, by, segment, texts, templates, code, q.int_at(8),
                q.int_at(9), q.int_at(10), q.int_at(11), q.int_at(12)});
        }))
        return p;
    if (auto p = check_records(db, satisfaction_sql, 3, key, v.satisfaction, v, [](const query& q) {
            const auto reference = q.text_at(0);
            return canonical_content(satisfaction_content{reference, q.int_at(1), q.int_at(2)});
        }))
        return p;
    if (auto p = check_records(db, alert_sql, 6, key, v.alerts, v, [](const query& q) {
            const auto reference = q.text_at(1), category = q.text_at(2);
            return canonical_content(alert_content{q.int_at(0), reference, category, q.int_at(3),
                                                   q.int_at(4), q.int_at(5)});
        }))
        return p;
    if (auto p = check_records(db, media_sql, 6, key, v.media, v, [](const query& q) {
            const auto kind = q.text_at(2), mime_type = q.text_at(3);
            const auto sha256 = q.is_null(5) ? std::string{} : sha256_hex(q.text_at(5));
            return canonical_content(media_content{q.int_at(0), q.int_at(1), kind, mime_type,
                                                   q.int_at(4), sha256});
        }))
        return p;
    return missing_record(db);
}

}  // namespace cwc::messages
