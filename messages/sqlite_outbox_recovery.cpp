// The outbox after things went wrong: sends a crash left unknown (reconciled by callback or sent
// again and counted), claims given back unsent, rows held by a paused channel, dead letters, and
// the per-channel report and re-queueing an operator uses through `cwc-gateway outbox`.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include <map>

namespace cwc::messages {
namespace {

using sqlite::query;

// Unsolicited messages are never sent again to a person who opted out since.
constexpr std::string_view allowed_to_send =
    "(solicited = 1 OR NOT EXISTS (SELECT 1 FROM contacts "
    "WHERE contacts.id = outbox.contact_id AND contacts.opted_out = 1))";

}  // namespace

std::size_t sqlite_store::mark_interrupted(timestamp now, timestamp reconcile_at) {
    db_->prepare(
           "UPDATE outbox SET status = 'unknown', next_attempt_at = ?1, updated_at = ?2 "
           "WHERE status = 'sending'",
           to_unix_ms(reconcile_at), to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_->changes());
}

std::size_t sqlite_store::resend_unresolved(timestamp now) {
    // The interrupted attempt already counted; the next claim counts the new one.
    db_->prepare(
           "UPDATE outbox SET status = 'queued', possible_duplicate = 1, updated_at = ?1 "
           "WHERE status = 'unknown' AND next_attempt_at <= ?1",
           to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_->changes());
}

std::optional<timestamp> sqlite_store::next_unresolved() {
    query q = db_->prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'unknown'");
    if (!q.step() || q.is_null(0)) return std::nullopt;
    return from_unix_ms(q.int_at(0));
}

std::size_t sqlite_store::count_possible_duplicates() {
    query q = db_->prepare("SELECT COUNT(*) FROM outbox WHERE possible_duplicate = 1");
    return q.step() ? static_cast<std::size_t>(q.int_at(0)) : 0;
}

bool sqlite_store::waiting_behind(std::int64_t contact_id, std::int64_t outbound_id) {
    // The condition of the partial index outbox_pending_contact, word for word, so the index
    // answers it.
    query q = db_->prepare(
        "SELECT 1 FROM outbox WHERE contact_id = ?1 AND id > ?2 "
        "AND (status = 'queued' OR status = 'sending' OR status = 'unknown') LIMIT 1",
        contact_id, outbound_id);
    return q.step();
}

void sqlite_store::record_dead_letter(std::int64_t outbound_id, std::string_view error_code,
                                      timestamp now) {
    db_->prepare(
           "UPDATE outbox SET status = 'failed', dead_letter = 1, error_code = ?2, updated_at = ?3 "
           "WHERE id = ?1 AND status IN ('queued', 'sending')",
           outbound_id, error_code, to_unix_ms(now))
        .run();
}

void sqlite_store::return_unsent(std::int64_t outbound_id, timestamp when, std::string_view reason,
                                 timestamp now) {
    db_->prepare(
           "UPDATE outbox SET status = 'queued', next_attempt_at = ?2, error_code = ?3, "
           "updated_at = ?4, attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND status = 'sending'",
           outbound_id, to_unix_ms(when), reason, to_unix_ms(now))
        .run();
}

std::size_t sqlite_store::release_held(std::string_view channel_id, std::string_view reason,
                                       timestamp now) {
    db_->prepare(
           "UPDATE outbox SET next_attempt_at = ?3, updated_at = ?3 WHERE status = 'queued' "
           "AND channel_id = ?1 AND error_code = ?2 AND next_attempt_at > ?3",
           channel_id, reason, to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_->changes());
}

std::vector<outbox_channel_report> sqlite_store::report_outbox(std::string_view held_reason) {
    std::map<std::string, outbox_channel_report> by_channel;
    query q = db_->prepare(
        "SELECT channel_id, status, dead_letter, possible_duplicate, "
        "status = 'queued' AND error_code = ?1, COUNT(*) FROM outbox GROUP BY 1, 2, 3, 4, 5",
        held_reason);
    while (q.step()) {
        const auto channel = q.text_at(0);
        auto& r = by_channel[channel];
        r.channel_id = channel;
        const auto status = q.text_at(1);
        const auto n = static_cast<std::size_t>(q.int_at(5));
        // 'held': waiting for the person to open WhatsApp's window again (still to be sent);
        // 'paused': a broadcast's row waiting for it to resume. 'cancelled' counts as failed.
        if (status == "queued" || status == "held" || status == "paused") r.queued += n;
        else if (status == "sending") r.sending += n;
        else if (status == "unknown") r.unknown += n;
        else if (status == "sent") r.sent += n;
        else if (status == "delivered" || status == "read") r.delivered += n;
        else r.failed += n;  // failed, undelivered
        if (q.int_at(2) != 0) r.dead_letters += n;
        if (q.int_at(3) != 0) r.possible_duplicates += n;
        if (q.int_at(4) != 0) r.held += n;
    }
    std::vector<outbox_channel_report> out;
    for (auto& [id, r] : by_channel) out.push_back(std::move(r));
    return out;
}

std::size_t sqlite_store::requeue_dead_letters(std::string_view channel_id, timestamp now) {
    sqlite::write_scope tx{*db_};
    db_->prepare(
           "UPDATE outbox SET status = 'queued', dead_letter = 0, attempts = 0, "
           "provider_message_id = '', next_attempt_at = ?2, updated_at = ?2 WHERE dead_letter = 1 AND status = 'failed' "
           "AND (?1 = '' OR channel_id = ?1) AND " + std::string(allowed_to_send),
           channel_id, to_unix_ms(now))
        .run();
    const auto n = static_cast<std::size_t>(db_->changes());
    if (n > 0) {
        append_audit({now, "operator", "outbox.dead_letters_requeued", "outbox",
                      nlohmann::json{{"count", n}, {"channel", channel_id}}.dump()});
    }
    tx.commit();
    return n;
}

requeue_outcome sqlite_store::requeue_failed(std::int64_t outbound_id, timestamp now) {
    sqlite::write_scope tx{*db_};
    std::string status;
    bool allowed = false;
    {
        query q = db_->prepare("SELECT status, " + std::string(allowed_to_send) +
                                   " FROM outbox WHERE id = ?1",
                               outbound_id);
        if (!q.step()) return requeue_outcome::not_found;
        status = q.text_at(0);
        allowed = q.int_at(1) != 0;
    }
    if (status != "failed" && status != "undelivered") return requeue_outcome::not_failed;
    if (!allowed) return requeue_outcome::opted_out;
    // The old provider id goes: a late callback about the old send must not settle the new one.
    db_->prepare(
           "UPDATE outbox SET status = 'queued', dead_letter = 0, attempts = 0, "
           "provider_message_id = '', next_attempt_at = ?2, updated_at = ?2 WHERE id = ?1",
           outbound_id, to_unix_ms(now))
        .run();
    append_audit({now, "operator", "outbox.requeued", "outbox:" + std::to_string(outbound_id),
                  nlohmann::json{{"previous_status", status}}.dump()});
    tx.commit();
    return requeue_outcome::requeued;
}

}  // namespace cwc::messages
