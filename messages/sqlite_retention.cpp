// The retention purge on the SQLite store: messages older than the messages period lose their
// texts and media, closed cases older than their type's period lose description and notes, and
// people with nothing unexpired left lose their number. Aggregates (types, categories, regions,
// languages, dates, statuses, codes, pseudonyms) stay for the reports. Each record audited.
#include "messages/sqlite_erasure_book.hpp"

#include "messages/address_cipher.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace cwc::messages {

using sqlite::query;

namespace {

constexpr std::string_view reason = "retention";
constexpr std::string_view actor = "system";
constexpr std::int64_t ms_per_day = 86'400'000;

// The periods of the case types as a temporary table the purge's queries join.
void load_case_days(sqlite::connection& db, const config::retention_settings& r) {
    db.exec("CREATE TEMP TABLE IF NOT EXISTS retention_case_days "
            "(type TEXT PRIMARY KEY, days INTEGER NOT NULL); "
            "DELETE FROM temp.retention_case_days");
    for (const auto& [type, days] : r.case_days)
        db.prepare("INSERT INTO temp.retention_case_days (type, days) VALUES (?1, ?2)", type, days)
            .run();
}

std::vector<std::int64_t> ids_of(query q) {
    std::vector<std::int64_t> ids;
    while (q.step()) ids.push_back(q.int_at(0));
    return ids;
}

}  // namespace

erasure_counts sqlite_erasure_book::purge_expired(const config::retention_settings& retention,
                                                  timestamp now, std::size_t limit) {
    erasure_counts n;
    const std::int64_t at = to_unix_ms(now);
    const auto max = static_cast<std::int64_t>(limit);
    load_case_days(db_, retention);

    if (retention.messages_days > 0) {
        const std::int64_t cutoff = at - retention.messages_days * ms_per_day;
        const auto messages = ids_of(db_.prepare(
            "SELECT id FROM inbound_messages WHERE received_at < ?1 "
            "AND (text <> '' OR location_json IS NOT NULL) ORDER BY id LIMIT ?2",
            cutoff, max));
        for (auto id : messages) {
            db_.prepare("UPDATE inbound_messages SET text = '', location_json = NULL WHERE id = ?1", id)
                .run();
            redacted(actor, "message:" + std::to_string(id), reason, now);
        }
        n.messages = messages.size();
        // Each attachment audited on its own: its "media.stored" entry vouched for the bytes.
        const auto media = ids_of(db_.prepare(
            "SELECT m.id FROM media m JOIN inbound_messages i ON i.id = m.inbound_id "
            "WHERE i.received_at < ?1 AND (m.content IS NOT NULL OR m.caption <> '' "
            "OR m.filename <> '' OR m.url <> '') ORDER BY m.id LIMIT ?2",
            cutoff, max));
        for (auto id : media) {
            db_.prepare("UPDATE media SET content = NULL, caption = '', filename = '', url = '', "
                        "provider_media_id = '', sha256 = '', error = 'retention', "
                        "status = CASE status WHEN 'pending' THEN 'failed' ELSE status END "
                        "WHERE id = ?1",
                        id)
                .run();
            redacted(actor, "media:" + std::to_string(id), reason, now);
        }
        n.media = media.size();

        // Outbox rows whose send is final; one still waiting is not expired content yet.
        const auto outbound = ids_of(db_.prepare(
            "SELECT id FROM outbox WHERE created_at < ?1 AND erase_after_send = 0 "
            "AND status IN ('sent', 'delivered', 'read', 'failed', 'undelivered', 'cancelled') "
            "AND (text <> '' OR menu_json <> '' OR template_parameter <> '') ORDER BY id LIMIT ?2",
            cutoff, max));
        for (auto id : outbound) {
            db_.prepare("UPDATE outbox SET text = '', menu_json = '', template_parameter = '' "
                        "WHERE id = ?1",
                        id)
                .run();
            redacted(actor, "outbound:" + std::to_string(id), reason, now);
        }
        n.outbound = outbound.size();

        db_.prepare("DELETE FROM message_parts WHERE id IN (SELECT id FROM message_parts "
                    "WHERE received_at < ?1 LIMIT ?2)",
                    cutoff, max)
            .run();
        n.parts = static_cast<std::size_t>(db_.changes());
        db_.prepare("DELETE FROM quarantine WHERE id IN (SELECT id FROM quarantine "
                    "WHERE received_at < ?1 LIMIT ?2)",
                    cutoff, max)
            .run();
        n.quarantined = static_cast<std::size_t>(db_.changes());
    }

    // Closed cases past their type's period (an open case is never expired).
    std::vector<std::pair<std::int64_t, std::string>> cases;
    {
        query q = db_.prepare(
            "SELECT k.id, k.reference FROM cases k JOIN temp.retention_case_days d ON d.type = k.type "
            "WHERE d.days > 0 AND k.status = 'closed' AND k.closed_at > 0 "
            "AND k.closed_at < ?1 - d.days * 86400000 AND (k.description <> '' OR EXISTS "
            "(SELECT 1 FROM case_events e WHERE e.case_id = k.id AND e.note <> '')) "
            "ORDER BY k.id LIMIT ?2",
            at, max);
        while (q.step()) cases.emplace_back(q.int_at(0), q.text_at(1));
    }
    for (const auto& [id, reference] : cases) {
        db_.prepare("UPDATE cases SET description = '' WHERE id = ?1", id).run();
        db_.prepare("UPDATE case_events SET note = '' WHERE case_id = ?1 AND note <> ''", id).run();
        redacted(actor, "case:" + reference, reason, now);
    }
    n.cases = cases.size();

    // People with nothing unexpired left: no message since the period began, no subscription
    // and no consent change since then, nothing waiting to be sent to them, and every case
    // closed and past its type's period. People who never wrote count too when the consent log
    // or a broadcast shows them (subscribed by an import, a provider's STOP, broadcasts only);
    // other never-written contacts are staff (focal points the gateway alerts), not purged.
    if (retention.messages_days > 0) {
        const std::int64_t cutoff = at - retention.messages_days * ms_per_day;
        const auto people = ids_of(db_.prepare(
            "SELECT c.id FROM contacts c WHERE c.address NOT LIKE 'erased:%' "
            "AND ((c.last_inbound_at > 0 AND c.last_inbound_at < ?1) OR (c.last_inbound_at = 0 "
            "AND c.created_at < ?1 AND (EXISTS (SELECT 1 FROM consent_log l WHERE l.contact_id = c.id) "
            "OR EXISTS (SELECT 1 FROM outbox b WHERE b.contact_id = c.id AND b.broadcast_id > 0)))) "
            "AND NOT EXISTS (SELECT 1 FROM consent_log l WHERE l.contact_id = c.id AND l.at >= ?1) "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.contact_id = c.id) "
            "AND NOT EXISTS (SELECT 1 FROM held_erasures h WHERE h.contact_id = c.id) "
            "AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.contact_id = c.id AND (o.created_at >= ?1 "
            "OR o.erase_after_send = 1 "
            "OR o.status IN ('queued', 'sending', 'unknown', 'held', 'paused'))) "
            "AND NOT EXISTS (SELECT 1 FROM cases k LEFT JOIN temp.retention_case_days d "
            "ON d.type = k.type WHERE k.contact_id = c.id AND (k.status <> 'closed' "
            "OR COALESCE(d.days, 0) = 0 OR k.closed_at >= ?2 - d.days * 86400000)) "
            "ORDER BY c.id LIMIT ?3",
            cutoff, at, max));
        for (auto id : people) {
            std::string address;
            {
                query q = db_.prepare("SELECT address FROM contacts WHERE id = ?1", id);
                if (q.step()) address = addresses_.open(q.text_at(0));
            }
            db_.prepare("DELETE FROM message_parts WHERE sender = ?1", addresses_.index(address)).run();
            db_.prepare("UPDATE outbox SET to_address = 'erased:' || contact_id, reply_token = '' "
                        "WHERE contact_id = ?1",
                        id)
                .run();
            db_.prepare("UPDATE contacts SET address = 'erased:' || id, address_index = NULL, "
                        "state_json = '{}', "
                        "opted_out = 1 WHERE id = ?1",
                        id)
                .run();
            redacted(actor, "contact:" + std::to_string(id), reason, now);
        }
        n.contacts = people.size();
    }

    db_.prepare("DELETE FROM tombstones WHERE expires_at <= ?1", at).run();
    n.tombstones = static_cast<std::size_t>(db_.changes());
    if (n.tombstones > 0) {
        query q = db_.prepare("SELECT EXISTS (SELECT 1 FROM tombstones)");
        tombstones_possible_ = q.step() && q.int_at(0) != 0;
    }
    if (n.total() > 0) checkpoint_wanted_ = true;
    return n;
}

}  // namespace cwc::messages
