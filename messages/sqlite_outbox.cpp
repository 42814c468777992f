// The durable outbox of the SQLite store: enqueue, claim for sending, record what the provider
// said, apply status callbacks without ever moving a status backwards. Crash recovery and the
// operator's view are in sqlite_outbox_recovery.cpp.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

#include <nlohmann/json.hpp>

namespace cwc::messages {
namespace {

using sqlite::connection;
using sqlite::query;

// A person reads their replies in the order they were queued: a message is not due while an
// earlier one to the same contact, at least as urgent, is still queued, being sent or unknown
// after a crash (a safety reply never waits behind a broadcast). The status condition is the
// one of the partial index outbox_pending_contact, word for word, so the index serves it.
constexpr std::string_view in_turn =
    "NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.contact_id = outbox.contact_id "
    "AND earlier.id < outbox.id "
    "AND (earlier.status = 'queued' OR earlier.status = 'sending' OR earlier.status = 'unknown') "
    "AND earlier.priority <= outbox.priority)";

constexpr std::string_view outbound_columns =
    "SELECT id, contact_id, channel_id, to_address, text, priority, solicited, inbound_id, "
    "segments, status, attempts, created_at, next_attempt_at, provider_message_id, error_code, "
    "menu_json, reply_token, template_name, template_language, template_parameter, broadcast_id "
    "FROM outbox ";

outbound_status status_from_text(const std::string& text) {
    // 'unknown' exists only in the store: a send a crash interrupted, to the rest of the code
    // still a message being sent (it is neither queued nor reported on).
    if (text == "unknown") return outbound_status::sending;
    // 'held': waiting for the person to open WhatsApp's window again; to the code, still queued.
    if (text == "held") return outbound_status::queued;
    // A broadcast's rows only: 'paused' waits for the broadcast to resume; 'cancelled' will
    // never be sent (the broadcast was cancelled, or the person withdrew consent).
    if (text == "paused") return outbound_status::queued;
    if (text == "cancelled") return outbound_status::failed;
    const auto s = parse_outbound_status(text);
    if (!s) throw store_error("sqlite: outbox row with unknown status '" + text + "'");
    return *s;
}

outbound_message outbound_from_row(const query& q, const address_cipher& addresses) {
    outbound_message m;
    m.id = q.int_at(0);
    m.contact_id = q.int_at(1);
    m.channel_id = q.text_at(2);
    m.to = addresses.open(q.text_at(3));
    m.text = q.text_at(4);
    m.priority = static_cast<outbound_priority>(q.int_at(5));
    m.solicited = q.int_at(6) != 0;
    m.inbound_id = q.int_at(7);
    m.segments = static_cast<int>(q.int_at(8));
    m.status = status_from_text(q.text_at(9));
    m.attempts = static_cast<int>(q.int_at(10));
    m.created_at = from_unix_ms(q.int_at(11));
    m.next_attempt_at = from_unix_ms(q.int_at(12));
    m.provider_message_id = q.text_at(13);
    m.error_code = q.text_at(14);
    m.menu = menu_from_json(q.text_at(15));
    m.reply_token = q.text_at(16);
    m.template_name = q.text_at(17);
    m.template_language = q.text_at(18);
    m.template_parameter = q.text_at(19);
    m.broadcast_id = q.int_at(20);
    return m;
}

template <typename... Args>
std::vector<outbound_message> select_outbound(const address_cipher& addresses, connection& db,
                                              std::string_view rest, const Args&... args) {
    std::string sql{outbound_columns};
    sql += rest;
    query q = db.prepare(sql, args...);
    std::vector<outbound_message> out;
    while (q.step()) out.push_back(outbound_from_row(q, addresses));
    return out;
}

// Moves a row to `next` only if that ranks above `current` (callbacks arrive late, twice and
// out of order); a non-empty error code is kept with the move.
bool advance_status(connection& db, std::int64_t id, outbound_status current, outbound_status next,
                    std::string_view error_code, timestamp now) {
    if (status_rank(next) <= status_rank(current)) return false;
    db.prepare(
          "UPDATE outbox SET status = ?2, updated_at = ?3, "
          "error_code = CASE WHEN ?4 = '' THEN error_code ELSE ?4 END WHERE id = ?1",
          id, to_string(next), to_unix_ms(now), error_code)
        .run();
    return true;
}

// Statuses a send result may still replace: the provider has not reported on the message yet.
constexpr std::string_view not_yet_sent = "status IN ('queued', 'sending')";

}  // namespace

std::int64_t sqlite_store::enqueue(const outbound_message& m) {
    const std::int64_t created = to_unix_ms(m.created_at);
    const std::int64_t next =
        m.next_attempt_at == timestamp{} ? created : to_unix_ms(m.next_attempt_at);
    db_->prepare(
           "INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, "
           "inbound_id, segments, status, attempts, created_at, next_attempt_at, updated_at, "
           "menu_json, reply_token, template_name, template_language, template_parameter, "
           "broadcast_id) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', 0, ?9, ?10, ?9, ?11, ?12, ?13, ?14, "
           "?15, ?16)",
           // A broadcast's recipient comes sealed from its contact row and is kept as it is.
           m.contact_id, m.channel_id,
           address_cipher::is_sealed(m.to) ? m.to : addresses_.seal(m.to), m.text,
           static_cast<int>(m.priority), m.solicited,
           m.inbound_id, m.segments, created, next, menu_to_json(m.menu), m.reply_token,
           m.template_name, m.template_language, m.template_parameter, m.broadcast_id)
        .run();
    ++enqueued_;
    return db_->last_insert_id();
}

std::vector<outbound_message> sqlite_store::claim_due(std::string_view channel_id, timestamp now,
                                                     std::size_t limit,
                                                     outbound_priority least_urgent) {
    sqlite::write_scope tx{*db_};
    // INDEXED BY: walking (channel, status, priority, next_attempt_at) in order stops after
    // `limit` rows; the planner would otherwise pick another index and sort every due row first.
    auto due = select_outbound(addresses_, *db_,
                               "INDEXED BY outbox_claim WHERE channel_id = ?1 AND status = 'queued' "
                               "AND priority <= ?2 AND next_attempt_at <= ?3 AND " +
                                   std::string(in_turn) +
                                   " ORDER BY priority, next_attempt_at, id LIMIT ?4",
                               channel_id, static_cast<int>(least_urgent), to_unix_ms(now),
                               static_cast<std::int64_t>(limit));
    for (outbound_message& m : due) {
        db_->prepare(
               "UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ?2 "
               "WHERE id = ?1",
               m.id, to_unix_ms(now))
            .run();
        m.status = outbound_status::sending;
        ++m.attempts;
    }
    tx.commit();
    return due;
}

std::optional<timestamp> sqlite_store::next_due(std::string_view channel_id) {
    // Per priority, ORDER BY + LIMIT walks outbox_claim (channel, status, priority,
    // next_attempt_at) and stops at the first row that is not waiting for an earlier one; MIN()
    // would test every queued row. Four short walks instead of an index of its own that every
    // queued row and status change would have to update.
    std::optional<timestamp> earliest;
    for (int priority = static_cast<int>(outbound_priority::safety);
         priority <= static_cast<int>(outbound_priority::broadcast); ++priority) {
        query q = db_->prepare("SELECT next_attempt_at FROM outbox INDEXED BY outbox_claim "
                               "WHERE channel_id = ?1 AND status = 'queued' AND priority = ?2 AND " +
                                   std::string(in_turn) + " ORDER BY next_attempt_at LIMIT 1",
                               channel_id, priority);
        if (!q.step() || q.is_null(0)) continue;
        const auto due = from_unix_ms(q.int_at(0));
        if (!earliest || due < *earliest) earliest = due;
    }
    return earliest;
}

void sqlite_store::record_send_result(std::int64_t outbound_id, const send_result& r,
                                      timestamp now) {
    using outcome = send_result::outcome;
    const std::int64_t at = to_unix_ms(now);
    sqlite::write_scope tx{*db_};
    switch (r.kind) {
        case outcome::sent:
            // A callback may not have arrived first (it needs the provider id), but keep the
            // rank rule anyway: only a message not yet reported on becomes "sent".
            db_->prepare(std::string{"UPDATE outbox SET provider_message_id = ?2, updated_at = ?3, "
                                     "status = CASE WHEN "} +
                             std::string{not_yet_sent} +
                             " THEN 'sent' ELSE status END WHERE id = ?1",
                         outbound_id, r.provider_message_id, at)
                .run();
            break;
        case outcome::retry:
            db_->prepare(std::string{"UPDATE outbox SET status = 'queued', next_attempt_at = ?2, "
                                     "error_code = ?3, updated_at = ?4 WHERE id = ?1 AND "} +
                             std::string{not_yet_sent},
                         outbound_id, to_unix_ms(r.retry_at), r.error_code, at)
                .run();
            break;
        case outcome::credentials_rejected:
            // Waits for the channel to be fixed; the refusal was the channel's, not the
            // message's, so it does not use up one of the message's attempts.
            db_->prepare(std::string{"UPDATE outbox SET status = 'queued', next_attempt_at = ?2, "
                                     "error_code = ?3, updated_at = ?4, "
                                     "attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND "} +
                             std::string{not_yet_sent},
                         outbound_id, to_unix_ms(r.retry_at), r.error_code, at)
                .run();
            break;
        case outcome::failed:
        case outcome::recipient_opted_out:
            db_->prepare(
                   "UPDATE outbox SET status = 'failed', error_code = ?2, updated_at = ?3 "
                   "WHERE id = ?1 AND status IN ('queued', 'sending', 'sent')",
                   outbound_id, r.error_code, at)
                .run();
            break;
    }
    if (r.kind == outcome::recipient_opted_out) {
        // The provider enforces STOP (e.g. Twilio 21610): record it so nothing unsolicited is
        // queued for this person again.
        std::optional<std::int64_t> contact_id;
        std::string channel_id;
        {
            query q = db_->prepare("SELECT contact_id, channel_id FROM outbox WHERE id = ?1",
                                   outbound_id);
            if (q.step()) {
                contact_id = q.int_at(0);
                channel_id = q.text_at(1);
            }
        }
        if (contact_id) {
            db_->prepare("UPDATE contacts SET opted_out = 1 WHERE id = ?1 AND opted_out = 0",
                         *contact_id)
                .run();
            if (db_->changes() > 0) {
                append_audit(
                    {now, "system", "contact.opted_out_at_provider",
                     "contact:" + std::to_string(*contact_id),
                     nlohmann::json{{"outbound_id", outbound_id}, {"error_code", r.error_code}}
                         .dump()});
                // Their broadcast topics end with it, as with a STOP they sent us.
                broadcasts().apply_consent(*contact_id, channel_id,
                                           {consent_action::opted_out, "", "", "provider"}, now);
            }
        }
    }
    tx.commit();
}

bool sqlite_store::apply_delivery_status(std::string_view channel_id,
                                         std::string_view provider_message_id,
                                         outbound_status status, std::string_view error_code,
                                         timestamp now) {
    if (provider_message_id.empty()) return false;  // unsent rows all have an empty id
    std::int64_t id = 0;
    outbound_status current{};
    {
        query q = db_->prepare(
            "SELECT id, status FROM outbox WHERE channel_id = ?1 AND provider_message_id = ?2 "
            "AND provider_message_id <> '' ORDER BY id DESC LIMIT 1",
            channel_id, provider_message_id);
        if (!q.step()) return false;
        id = q.int_at(0);
        current = status_from_text(q.text_at(1));
    }
    return advance_status(*db_, id, current, status, error_code, now);
}

bool sqlite_store::apply_delivery_status_for(std::int64_t outbound_id,
                                             std::string_view provider_message_id,
                                             outbound_status status, std::string_view error_code,
                                             timestamp now) {
    outbound_status current{};
    {
        query q = db_->prepare("SELECT status FROM outbox WHERE id = ?1", outbound_id);
        if (!q.step()) return false;
        current = status_from_text(q.text_at(0));
    }
    if (!provider_message_id.empty()) {
        // The callback overtook the send result: keep the id so later callbacks by id match.
        db_->prepare(
               "UPDATE outbox SET provider_message_id = ?2 "
               "WHERE id = ?1 AND provider_message_id = ''",
               outbound_id, provider_message_id)
            .run();
    }
    return advance_status(*db_, outbound_id, current, status, error_code, now);
}

std::optional<outbound_message> sqlite_store::reopen_refused_for_window(
    std::string_view channel_id, std::int64_t outbound_id, std::string_view provider_message_id) {
    constexpr std::string_view refused =
        "status = 'failed' AND error_code IN ('131047', '63016') AND dead_letter = 0";
    std::int64_t id = 0;
    {
        query q = outbound_id != 0
            ? db_->prepare("SELECT id FROM outbox WHERE id = ?1 AND " + std::string{refused}, outbound_id)
            : db_->prepare("SELECT id FROM outbox WHERE channel_id = ?1 AND provider_message_id = ?2 "
                           "AND provider_message_id <> '' AND " + std::string{refused} +
                               " ORDER BY id LIMIT 1",
                           channel_id, provider_message_id);
        if (!q.step()) return std::nullopt;
        id = q.int_at(0);
    }
    db_->prepare("UPDATE outbox SET status = 'sending' WHERE id = ?1", id).run();
    auto rows = select_outbound(addresses_, *db_, "WHERE id = ?1", id);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

outbox_counts sqlite_store::count_outbox() {
    outbox_counts counts;
    query q = db_->prepare("SELECT status, COUNT(*) FROM outbox GROUP BY status");
    while (q.step()) {
        const auto n = static_cast<std::size_t>(q.int_at(1));
        switch (status_from_text(q.text_at(0))) {
            case outbound_status::queued:
                counts.queued += n;
                break;
            case outbound_status::sending:  // and unknown
                counts.sending += n;
                break;
            case outbound_status::sent:
                counts.sent += n;
                break;
            case outbound_status::delivered:
            case outbound_status::read:
                counts.delivered += n;
                break;
            case outbound_status::failed:
            case outbound_status::undelivered:
                counts.failed += n;
                break;
        }
    }
    return counts;
}

std::optional<outbound_message> sqlite_store::find_outbound(std::int64_t id) {
    auto rows = select_outbound(addresses_, *db_, "WHERE id = ?1", id);
    if (rows.empty()) return std::nullopt;
    return std::move(rows.front());
}

std::vector<outbound_message> sqlite_store::outbound_for_contact(std::int64_t contact_id) {
    return select_outbound(addresses_, *db_, "WHERE contact_id = ?1 ORDER BY id", contact_id);
}

std::int64_t sqlite_store::quarantine(std::string_view channel_id, std::string_view reason,
                                      std::string_view raw_body, timestamp now) {
    db_->prepare(
           "INSERT INTO quarantine (channel_id, received_at, reason, body) "
           "VALUES (?1, ?2, ?3, ?4)",
           channel_id, to_unix_ms(now), reason, addresses_.seal(raw_body))
        .run();
    return db_->last_insert_id();
}

}  // namespace cwc::messages
