// WhatsApp's customer-service window in the SQLite store: when a person last wrote on a channel,
// whether a re-engagement template already went out for the closed window, and rows held until
// the person writes again or sent through another channel instead.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

using sqlite::query;

std::optional<timestamp> sqlite_store::last_inbound_on(std::int64_t contact_id,
                                                       std::string_view channel_id) {
    query q = db_->prepare(
        "SELECT MAX(received_at) FROM inbound_messages WHERE contact_id = ?1 AND channel_id = ?2",
        contact_id, channel_id);
    if (!q.step() || q.is_null(0)) return std::nullopt;
    return from_unix_ms(q.int_at(0));
}

bool sqlite_store::template_queued_since(std::int64_t contact_id, std::string_view channel_id,
                                         timestamp since) {
    query q = db_->prepare(
        "SELECT 1 FROM outbox WHERE contact_id = ?1 AND channel_id = ?2 AND template_name <> '' "
        "AND created_at >= ?3 LIMIT 1",
        contact_id, channel_id, to_unix_ms(since));
    return q.step();
}

void sqlite_store::hold_for_reply(std::int64_t outbound_id, std::string_view reason,
                                  timestamp now) {
    db_->prepare(
           "UPDATE outbox SET status = 'held', error_code = ?2, updated_at = ?3, "
           "attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND status = 'sending'",
           outbound_id, reason, to_unix_ms(now))
        .run();
}

void sqlite_store::reroute(std::int64_t outbound_id, std::string_view channel_id, timestamp now) {
    db_->prepare(
           "UPDATE outbox SET status = 'queued', channel_id = ?2, next_attempt_at = ?3, "
           "updated_at = ?3, attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND status = 'sending'",
           outbound_id, channel_id, to_unix_ms(now))
        .run();
}

std::size_t sqlite_store::release_held_for_reply(std::int64_t contact_id,
                                                 std::string_view channel_id, timestamp now) {
    // Their ids keep their order: the claim takes the oldest first, each after the one before.
    db_->prepare(
           "UPDATE outbox SET status = 'queued', error_code = '', next_attempt_at = ?3, "
           "updated_at = ?3 WHERE contact_id = ?1 AND channel_id = ?2 AND status = 'held'",
           contact_id, channel_id, to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_->changes());
}

}  // namespace cwc::messages
