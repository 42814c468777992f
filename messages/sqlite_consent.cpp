// Consent in the SQLite store: subscribers (the channel broadcasts reach a person on, their
// region), subscriptions (one row per topic) and the consent log, which is only ever appended
// to: it is the proof that nobody was broadcast to without asking.
#include "messages/sqlite_broadcast_book.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

namespace cwc::messages {

namespace {

// The subscriber's broadcast channel becomes the one they subscribed on; their region stays.
void subscribe_on(sqlite::connection& db, std::int64_t contact_id, std::string_view channel_id,
                  std::int64_t at) {
    db.prepare(
          "INSERT INTO subscribers (contact_id, channel_id, region, updated_at) "
          "VALUES (?1, ?2, '', ?3) ON CONFLICT (contact_id) DO UPDATE SET "
          "channel_id = excluded.channel_id, updated_at = excluded.updated_at",
          contact_id, channel_id, at)
        .run();
}

// The region; a person who is not a subscriber yet gets a row on the channel they wrote on.
void set_region(sqlite::connection& db, std::int64_t contact_id, std::string_view channel_id,
                std::string_view region, std::int64_t at) {
    db.prepare(
          "INSERT INTO subscribers (contact_id, channel_id, region, updated_at) "
          "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (contact_id) DO UPDATE SET "
          "region = excluded.region, updated_at = excluded.updated_at",
          contact_id, channel_id, region, at)
        .run();
}

}  // namespace

void sqlite_broadcast_book::apply_consent(std::int64_t contact_id, std::string_view channel_id,
                                          const consent_change& change, timestamp now) {
    const std::int64_t at = to_unix_ms(now);
    switch (change.action) {
        case consent_action::subscribed:
            if (change.topic.empty()) throw store_error("sqlite: consent: subscribed to no topic");
            subscribe_on(db_, contact_id, channel_id, at);
            db_.prepare(
                   "INSERT OR IGNORE INTO subscriptions (contact_id, topic, since) "
                   "VALUES (?1, ?2, ?3)",
                   contact_id, change.topic, at)
                .run();
            break;
        case consent_action::unsubscribed:
            db_.prepare("DELETE FROM subscriptions WHERE contact_id = ?1 AND topic = ?2",
                        contact_id, change.topic)
                .run();
            break;
        case consent_action::region_set:
            set_region(db_, contact_id, channel_id, change.region, at);
            break;
        case consent_action::opted_out:
            db_.prepare("DELETE FROM subscriptions WHERE contact_id = ?1", contact_id).run();
            break;
        case consent_action::opted_in:
            break;  // the contact's flag is saved with the contact; no topic comes back
    }
    db_.prepare(
           "INSERT INTO consent_log (contact_id, at, action, topic, region, channel_id, source) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
           contact_id, at, to_string(change.action), change.topic, change.region, channel_id,
           change.source)
        .run();
}

}  // namespace cwc::messages
