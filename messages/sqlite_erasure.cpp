// A person's erasure on the SQLite store: their number, texts, media, case descriptions and
// subscriptions, each record audited "record.redacted"; tombstones of their provider ids; held
// erasures; and the WAL checkpoint that takes the freed bytes out of the WAL file too
// (secure_delete, set on the connection by the store, zeroes them in the database file).
#include "messages/sqlite_erasure_book.hpp"

#include "messages/hex.hpp"
#include "messages/sqlite_addresses.hpp"
#include "messages/sqlite_audit.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

#include <nlohmann/json.hpp>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <optional>

namespace cwc::messages {

using sqlite::query;

std::string tombstone_digest(std::string_view channel_id, std::string_view provider_id) {
    std::string input;
    input.reserve(channel_id.size() + 1 + provider_id.size());
    input.append(channel_id).push_back('\0');
    input.append(provider_id);
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest.data());
    return lower_hex(digest);
}

namespace {

// The digits of a phone number: raw webhooks write it "+51…", "%2B51…" or "51…", and each holds
// these. Too short to be a number (a short code, a user id) gives "".
std::string number_digits(std::string_view address) {
    std::string digits;
    for (char ch : address)
        if (std::isdigit(static_cast<unsigned char>(ch))) digits.push_back(ch);
    return digits.size() >= 6 ? digits : std::string{};
}

std::string erased_address(std::int64_t contact_id) { return "erased:" + std::to_string(contact_id); }

}  // namespace

sqlite_erasure_book::sqlite_erasure_book(sqlite::connection& db, const address_cipher& addresses)
    : db_(db), addresses_(addresses) {
    query q = db_.prepare("SELECT EXISTS (SELECT 1 FROM tombstones)");
    tombstones_possible_ = q.step() && q.int_at(0) != 0;
    awaiting_send_ = count_awaiting_send();
}

void sqlite_erasure_book::redacted(std::string_view actor, std::string subject,
                                   std::string_view reason, timestamp now) {
    sqlite::append_audit_entry(db_, {now, std::string(actor), "record.redacted", std::move(subject),
                                     nlohmann::json{{"reason", reason}}.dump()});
}

void sqlite_erasure_book::tombstone(std::string_view channel_id, std::string_view provider_id,
                                    timestamp now) {
    db_.prepare("INSERT OR REPLACE INTO tombstones (digest, expires_at) VALUES (?1, ?2)",
                tombstone_digest(channel_id, provider_id), to_unix_ms(now + tombstone_lifetime))
        .run();
    tombstones_possible_ = true;
}

bool sqlite_erasure_book::tombstoned(std::string_view channel_id, std::string_view provider_id) {
    if (!tombstones_possible_) return false;
    query q = db_.prepare("SELECT 1 FROM tombstones WHERE digest = ?1",
                          tombstone_digest(channel_id, provider_id));
    return q.step();
}

erasure_counts sqlite_erasure_book::erase_contact(std::int64_t contact_id, std::string_view actor,
                                                  std::string_view reason, timestamp now) {
    erasure_counts n;
    std::string address;
    {
        query q = db_.prepare("SELECT address FROM contacts WHERE id = ?1", contact_id);
        if (!q.step()) throw store_error("sqlite: erase_contact: no contact " + std::to_string(contact_id));
        address = addresses_.open(q.text_at(0));
    }
    const bool had_number = !address.starts_with("erased:");

    // Messages: texts, locations and provider ids go (the ids stay a week as tombstones).
    struct message_row {
        std::int64_t id;
        std::string channel_id, provider_id;
    };
    std::vector<message_row> messages;
    {
        query q = db_.prepare(
            "SELECT id, channel_id, provider_message_id FROM inbound_messages WHERE contact_id = ?1 "
            "AND (text <> '' OR location_json IS NOT NULL OR provider_message_id NOT LIKE 'erased:%')",
            contact_id);
        while (q.step()) messages.push_back({q.int_at(0), q.text_at(1), q.text_at(2)});
    }
    for (const auto& m : messages) {
        if (!m.provider_id.starts_with("erased:")) tombstone(m.channel_id, m.provider_id, now);
        db_.prepare("UPDATE inbound_messages SET text = '', location_json = NULL, "
                    "provider_message_id = 'erased:' || id WHERE id = ?1",
                    m.id)
            .run();
        redacted(actor, "message:" + std::to_string(m.id), reason, now);
    }
    n.messages = messages.size();
    db_.prepare("UPDATE media SET content = NULL, caption = '', filename = '', url = '', "
                "provider_media_id = '', sha256 = '', error = 'erased', "
                "status = CASE status WHEN 'pending' THEN 'failed' ELSE status END "
                "WHERE inbound_id IN (SELECT id FROM inbound_messages WHERE contact_id = ?1) "
                "AND (content IS NOT NULL OR caption <> '' OR filename <> '' OR url <> '' "
                "OR provider_media_id <> '')",
                contact_id)
        .run();
    n.media = static_cast<std::size_t>(db_.changes());

    // Parts of long SMS are kept by sender (the number itself).
    if (had_number) {
        std::vector<std::pair<std::string, std::string>> parts;
        {
            query q = db_.prepare(
                "SELECT channel_id, provider_message_id FROM message_parts WHERE sender = ?1",
                addresses_.index(address));
            while (q.step()) parts.emplace_back(q.text_at(0), q.text_at(1));
        }
        for (const auto& [channel, provider_id] : parts) tombstone(channel, provider_id, now);
        tombstone(address_tombstone, addresses_.index(address), now);
        db_.prepare("DELETE FROM message_parts WHERE sender = ?1", addresses_.index(address)).run();
        n.parts = parts.size();
        if (const auto digits = number_digits(address); !digits.empty())
            n.quarantined = sqlite::delete_quarantined_holding(db_, addresses_, digits);
    }

    // The outbox: what was not sent yet is cancelled; addresses and texts go, except on the rows
    // that carry the erasure's own confirmation (erased once their send is final).
    std::vector<std::int64_t> outbound;
    {
        query q = db_.prepare(
            "SELECT id FROM outbox WHERE contact_id = ?1 AND (erase_after_send = 1 OR "
            "to_address <> 'erased:' || contact_id OR text <> '' OR menu_json <> '' "
            "OR template_parameter <> '')",
            contact_id);
        while (q.step()) outbound.push_back(q.int_at(0));
    }
    db_.prepare("UPDATE outbox SET to_address = 'erased:' || contact_id, text = '', menu_json = '', "
                "template_parameter = '', reply_token = '', "
                "error_code = CASE WHEN status IN ('queued', 'held', 'paused', 'unknown') "
                "THEN 'erased' ELSE error_code END, "
                "status = CASE WHEN status IN ('queued', 'held', 'paused', 'unknown') "
                "THEN 'cancelled' ELSE status END, updated_at = ?2 "
                "WHERE contact_id = ?1 AND erase_after_send = 0",
                contact_id, to_unix_ms(now))
        .run();
    for (auto id : outbound) redacted(actor, "outbound:" + std::to_string(id), reason, now);
    n.outbound = outbound.size();

    // Cases keep their aggregates; descriptions and the notes of their events go.
    std::vector<std::string> references;
    {
        query q = db_.prepare("SELECT reference FROM cases WHERE contact_id = ?1 AND (description <> '' "
                              "OR EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = cases.id "
                              "AND e.note <> ''))",
                              contact_id);
        while (q.step()) references.push_back(q.text_at(0));
    }
    db_.prepare("UPDATE cases SET description = '' WHERE contact_id = ?1 AND description <> ''",
                contact_id)
        .run();
    db_.prepare("UPDATE case_events SET note = '' WHERE note <> '' AND case_id IN "
                "(SELECT id FROM cases WHERE contact_id = ?1)",
                contact_id)
        .run();
    for (const auto& ref : references) redacted(actor, "case:" + ref, reason, now);
    n.cases = references.size();

    // Subscriptions end; the consent log keeps one line saying why (it holds no text).
    std::optional<std::string> subscribed_on;
    {
        query q = db_.prepare("SELECT channel_id FROM subscribers WHERE contact_id = ?1", contact_id);
        if (q.step()) subscribed_on = q.text_at(0);
    }
    {
        if (subscribed_on) {
            const std::string& channel = *subscribed_on;
            db_.prepare("DELETE FROM subscriptions WHERE contact_id = ?1", contact_id).run();
            db_.prepare("DELETE FROM subscribers WHERE contact_id = ?1", contact_id).run();
            db_.prepare("INSERT INTO consent_log (contact_id, at, action, channel_id, source) "
                        "VALUES (?1, ?2, 'opted_out', ?3, 'erasure')",
                        contact_id, to_unix_ms(now), channel)
                .run();
        }
    }

    db_.prepare("UPDATE contacts SET address = ?2, address_index = NULL, state_json = '{}', "
                "opted_out = 1 WHERE id = ?1",
                contact_id, erased_address(contact_id))
        .run();
    if (had_number) {
        redacted(actor, "contact:" + std::to_string(contact_id), reason, now);
        n.contacts = 1;
    }
    release(contact_id);
    checkpoint_wanted_ = true;
    return n;
}

void sqlite_erasure_book::erase_after_send(std::int64_t outbound_id) {
    db_.prepare("UPDATE outbox SET erase_after_send = 1 WHERE id = ?1", outbound_id).run();
    if (db_.changes() == 0)
        throw store_error("sqlite: erase_after_send: no outbox row " + std::to_string(outbound_id));
    ++awaiting_send_;
}

bool sqlite_erasure_book::erases_after_send(std::int64_t outbound_id) {
    if (awaiting_send_ == 0) return false;  // none at the last look (the usual case): no query
    query q = db_.prepare("SELECT erase_after_send FROM outbox WHERE id = ?1", outbound_id);
    return q.step() && q.int_at(0) != 0;
}

void sqlite_erasure_book::hold(std::int64_t contact_id, timestamp now) {
    db_.prepare("INSERT OR IGNORE INTO held_erasures (contact_id, requested_at) VALUES (?1, ?2)",
                contact_id, to_unix_ms(now))
        .run();
}

bool sqlite_erasure_book::is_held(std::int64_t contact_id) {
    query q = db_.prepare("SELECT 1 FROM held_erasures WHERE contact_id = ?1", contact_id);
    return q.step();
}

void sqlite_erasure_book::release(std::int64_t contact_id) {
    db_.prepare("DELETE FROM held_erasures WHERE contact_id = ?1", contact_id).run();
}

std::vector<held_erasure> sqlite_erasure_book::held_ready(std::size_t limit) {
    std::vector<held_erasure> ready;
    query q = db_.prepare(
        "SELECT h.contact_id, COALESCE((SELECT i.channel_id FROM inbound_messages i "
        "WHERE i.contact_id = h.contact_id ORDER BY i.id DESC LIMIT 1), '') "
        "FROM held_erasures h WHERE NOT EXISTS (SELECT 1 FROM cases c "
        "WHERE c.contact_id = h.contact_id AND c.sensitive = 1 AND c.status <> 'closed') "
        "ORDER BY h.requested_at LIMIT ?1",
        static_cast<std::int64_t>(limit));
    while (q.step()) ready.push_back({q.int_at(0), q.text_at(1)});
    return ready;
}

std::int64_t sqlite_erasure_book::count_awaiting_send() {
    query q = db_.prepare(
        "SELECT COUNT(*) FROM outbox INDEXED BY outbox_erase_after_send WHERE erase_after_send = 1");
    return q.step() ? q.int_at(0) : 0;
}

// The commit has happened: nothing here may throw (the writer would take the batch for failed).
void sqlite_erasure_book::after_commit() noexcept {
    try {
        if (awaiting_send_ > 0) {
            const auto left = count_awaiting_send();
            if (left < awaiting_send_) checkpoint_wanted_ = true;  // the trigger erased a sent row
            awaiting_send_ = left;
        }
        const auto now = std::chrono::steady_clock::now();
        if (!checkpoint_wanted_ || now < next_checkpoint_try_) return;
        if (checkpoint()) {
            checkpoint_wanted_ = false;
        } else {
            next_checkpoint_try_ = now + checkpoint_retry;
        }
    } catch (const store_error&) {
        next_checkpoint_try_ = std::chrono::steady_clock::now() + checkpoint_retry;
    }
}

bool sqlite_erasure_book::checkpoint() {
    // A reader still on the WAL (an export, `audit verify`) holds a TRUNCATE back: wait briefly
    // rather than the connection's 5 s, so the writer is not stalled; try again later.
    db_.exec("PRAGMA busy_timeout = 200");
    bool done = false;
    try {
        query q = db_.prepare("PRAGMA wal_checkpoint(TRUNCATE)");
        done = q.step() && q.int_at(0) == 0;  // busy = 0: every frame copied, the WAL truncated
    } catch (const store_error&) {
        done = false;
    }
    db_.exec("PRAGMA busy_timeout = 5000");
    return done;
}

// --- the store's side

bool sqlite_store::has_open_sensitive_case(std::int64_t contact_id) {
    query q = db_->prepare(
        "SELECT 1 FROM cases WHERE contact_id = ?1 AND sensitive = 1 AND status <> 'closed'",
        contact_id);
    return q.step();
}

}  // namespace cwc::messages
