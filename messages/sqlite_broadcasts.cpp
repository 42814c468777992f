// Broadcasts and their outbox rows in the SQLite store: the broadcast itself (segment, texts and
// templates as JSON), pausing, resuming and cancelling its rows, rows dropped because consent
// went since planning, and the replies linked to it. Consent is in sqlite_consent.cpp.
#include "messages/sqlite_broadcast_book.hpp"
#include "messages/sqlite_broadcast_columns.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

#include <nlohmann/json.hpp>

namespace cwc::messages {

namespace sqlite {

namespace {

using nlohmann::json;

std::optional<timestamp> optional_time(std::int64_t ms) {
    if (ms == 0) return std::nullopt;
    return from_unix_ms(ms);
}

json parsed(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw store_error("sqlite: a broadcast's JSON column is damaged");
    return j;
}

std::vector<std::string> strings_at(const json& j, const char* key) {
    std::vector<std::string> out;
    if (auto it = j.find(key); it != j.end() && it->is_array())
        for (const auto& v : *it)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

std::string string_at(const json& j, const char* key) {
    if (auto it = j.find(key); it != j.end() && it->is_string()) return it->get<std::string>();
    return {};
}

}  // namespace

std::string segment_to_json(const broadcast_segment& s) {
    return json{{"topics", s.topics}, {"regions", s.regions}, {"languages", s.languages},
                {"channels", s.channels}}
        .dump();
}

std::string texts_to_json(const std::map<std::string, std::string>& texts) {
    return json(texts).dump();
}

std::string templates_to_json(const std::map<std::string, broadcast_template>& templates) {
    json out = json::object();
    for (const auto& [lang, t] : templates)
        out[lang] = {{"name", t.name}, {"language", t.language}, {"body_parameter", t.body_parameter}};
    return out.dump();
}

broadcast broadcast_from_row(const query& q) {
    broadcast b;
    b.id = q.int_at(0);
    b.organisation = q.text_at(1);
    b.name = q.text_at(2);
    b.created_by = q.text_at(3);
    const json segment = parsed(q.text_at(4));
    b.segment = {strings_at(segment, "topics"), strings_at(segment, "regions"),
                 strings_at(segment, "languages"), strings_at(segment, "channels")};
    const json texts = parsed(q.text_at(5));
    for (const auto& [lang, text] : texts.items())
        if (text.is_string()) b.texts[lang] = text.get<std::string>();
    const json templates = parsed(q.text_at(6));
    for (const auto& [lang, t] : templates.items())
        if (t.is_object())
            b.templates[lang] = {string_at(t, "name"), string_at(t, "language"), string_at(t, "body_parameter")};
    b.answers_code = q.text_at(7);
    b.scheduled_at = optional_time(q.int_at(8));
    b.respect_quiet_hours = q.int_at(9) != 0;
    const auto status = parse_broadcast_status(q.text_at(10));
    if (!status) throw store_error("sqlite: broadcast with unknown status '" + q.text_at(10) + "'");
    b.status = *status;
    b.created_at = from_unix_ms(q.int_at(11));
    b.confirmed_at = optional_time(q.int_at(12));
    b.finished_at = optional_time(q.int_at(13));
    b.planned = q.int_at(14);
    return b;
}

}  // namespace sqlite

namespace {

std::int64_t ms_or_zero(const std::optional<timestamp>& t) { return t ? to_unix_ms(*t) : 0; }

}  // namespace

std::int64_t sqlite_broadcast_book::create(const broadcast& b) {
    db_.prepare(
           "INSERT INTO broadcasts (organisation, name, created_by, segment_json, texts_json, "
           "templates_json, answers_code, scheduled_at, respect_quiet_hours, status, created_at, "
           "confirmed_at, finished_at, planned) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
           b.organisation, b.name, b.created_by, sqlite::segment_to_json(b.segment),
           sqlite::texts_to_json(b.texts), sqlite::templates_to_json(b.templates), b.answers_code,
           ms_or_zero(b.scheduled_at), b.respect_quiet_hours, to_string(b.status),
           to_unix_ms(b.created_at), ms_or_zero(b.confirmed_at), ms_or_zero(b.finished_at), b.planned)
        .run();
    return db_.last_insert_id();
}

std::optional<broadcast> sqlite_broadcast_book::load(std::int64_t id) {
    sqlite::query q = db_.prepare(
        std::string{"SELECT "} + sqlite::broadcast_columns + " FROM broadcasts WHERE id = ?1", id);
    if (!q.step()) return std::nullopt;
    return sqlite::broadcast_from_row(q);
}

void sqlite_broadcast_book::save(const broadcast& b) {
    db_.prepare(
           "UPDATE broadcasts SET status = ?2, confirmed_at = ?3, finished_at = ?4, planned = ?5, "
           "scheduled_at = ?6 WHERE id = ?1",
           b.id, to_string(b.status), ms_or_zero(b.confirmed_at), ms_or_zero(b.finished_at),
           b.planned, ms_or_zero(b.scheduled_at))
        .run();
    if (db_.changes() == 0) throw store_error("sqlite: no broadcast " + std::to_string(b.id));
}

std::size_t sqlite_broadcast_book::pause_rows(std::int64_t broadcast_id, timestamp now) {
    db_.prepare(
           "UPDATE outbox SET status = 'paused', updated_at = ?2 "
           "WHERE broadcast_id = ?1 AND status = 'queued'",
           broadcast_id, to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_.changes());
}

std::size_t sqlite_broadcast_book::resume_rows(std::int64_t broadcast_id, timestamp now) {
    // A row due later (quiet hours, the reach limit's days) keeps its time.
    db_.prepare(
           "UPDATE outbox SET status = 'queued', updated_at = ?2, "
           "next_attempt_at = MAX(next_attempt_at, ?2) WHERE broadcast_id = ?1 AND status = 'paused'",
           broadcast_id, to_unix_ms(now))
        .run();
    const auto resumed = static_cast<std::size_t>(db_.changes());
    enqueued_ += resumed;  // the dispatcher is woken as for new rows
    return resumed;
}

std::size_t sqlite_broadcast_book::cancel_rows(std::int64_t broadcast_id, timestamp now) {
    // Held rows (waiting behind a WhatsApp re-engagement template) would go once the person
    // wrote: they are cancelled too.
    db_.prepare(
           "UPDATE outbox SET status = 'cancelled', error_code = ?3, updated_at = ?2 "
           "WHERE broadcast_id = ?1 AND status IN ('queued', 'paused', 'held')",
           broadcast_id, to_unix_ms(now), cancelled_code)
        .run();
    return static_cast<std::size_t>(db_.changes());
}

std::size_t sqlite_broadcast_book::postpone_rows(std::int64_t broadcast_id, timestamp until,
                                                std::string_view reason, timestamp now) {
    db_.prepare(
           "UPDATE outbox SET next_attempt_at = ?2, error_code = ?3, updated_at = ?4 "
           "WHERE broadcast_id = ?1 AND status = 'queued' AND next_attempt_at < ?2",
           broadcast_id, to_unix_ms(until), reason, to_unix_ms(now))
        .run();
    return static_cast<std::size_t>(db_.changes());
}

void sqlite_broadcast_book::drop_unconsented(std::int64_t outbound_id, timestamp now) {
    db_.prepare(
           "UPDATE outbox SET status = 'cancelled', error_code = ?3, updated_at = ?2, "
           "attempts = MAX(attempts - 1, 0) WHERE id = ?1 AND broadcast_id > 0 "
           "AND status IN ('queued', 'sending')",
           outbound_id, to_unix_ms(now), opted_out_since_code)
        .run();
}

bool sqlite_broadcast_book::has_pending_rows(std::int64_t broadcast_id) {
    sqlite::query q = db_.prepare(
        std::string{"SELECT EXISTS (SELECT 1 FROM outbox WHERE broadcast_id = ?1 AND status IN "} +
            sqlite::pending_broadcast_statuses + ")",
        broadcast_id);
    return q.step() && q.int_at(0) != 0;
}

std::optional<std::int64_t> sqlite_broadcast_book::broadcast_answered_by(std::int64_t contact_id,
                                                                         timestamp since) {
    // One indexed look-up: the contact's broadcast rows newest first (partial index on
    // broadcast rows only), the first one that reached them. A row's due time stands for its
    // send time (callbacks move updated_at later; the due time never moves once it went).
    // contacts.last_inbound_at is still the person's previous message: the caller asks before
    // saving the contact.
    sqlite::query q = db_.prepare(
        "SELECT o.broadcast_id, o.next_attempt_at, ct.last_inbound_at FROM outbox o "
        "INDEXED BY outbox_broadcast_contact JOIN contacts ct ON ct.id = o.contact_id "
        "WHERE o.contact_id = ?1 AND o.broadcast_id > 0 "
        "AND o.status IN ('sent', 'delivered', 'read') ORDER BY o.id DESC LIMIT 1",
        contact_id);
    if (!q.step()) return std::nullopt;
    const std::int64_t sent_at = q.int_at(1);
    if (sent_at < to_unix_ms(since) || q.int_at(2) >= sent_at) return std::nullopt;
    return q.int_at(0);
}

void sqlite_broadcast_book::link_reply(std::int64_t broadcast_id, std::int64_t inbound_id,
                                       std::int64_t contact_id, timestamp at) {
    db_.prepare(
           "INSERT OR IGNORE INTO broadcast_replies (inbound_id, broadcast_id, contact_id, at) "
           "VALUES (?1, ?2, ?3, ?4)",
           inbound_id, broadcast_id, contact_id, to_unix_ms(at))
        .run();
}

}  // namespace cwc::messages
