// Cases in the SQLite store: insertion with its first event, and look-ups by reference (the
// handlers' case_lookup and the officers' views).
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

std::int64_t sqlite_store::insert_case(const case_record& c) {
    sqlite::write_scope tx{*db_};
    db_->prepare(
           "INSERT INTO cases (reference, contact_id, inbound_id, channel_id, type, category, "
           "region, language, description, sensitive, status, opened_at, due_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
           c.reference, c.contact_id, c.inbound_id, c.channel_id, c.type, c.category, c.region,
           c.language, c.description, c.sensitive, c.status, to_unix_ms(c.opened_at),
           to_unix_ms(c.due_at))
        .run();
    const std::int64_t id = db_->last_insert_id();
    db_->prepare(
           "INSERT INTO case_events (case_id, at, actor, from_status, to_status, note) "
           "VALUES (?1, ?2, 'system', '', ?3, '')",
           id, to_unix_ms(c.opened_at), c.status)
        .run();
    tx.commit();
    return id;
}

std::optional<case_summary> sqlite_store::find_case(std::string_view reference) {
    sqlite::query q = db_->prepare(
        "SELECT reference, contact_id, status, sensitive FROM cases WHERE reference = ?1",
        reference);
    if (!q.step()) return std::nullopt;
    return case_summary{q.text_at(0), q.int_at(1), q.text_at(2), q.int_at(3) != 0};
}

std::optional<case_record> sqlite_store::find_case_record(std::string_view reference) {
    sqlite::query q = db_->prepare(
        "SELECT id, reference, contact_id, inbound_id, channel_id, type, category, region, "
        "language, description, sensitive, status, opened_at, due_at "
        "FROM cases WHERE reference = ?1",
        reference);
    if (!q.step()) return std::nullopt;
    case_record c;
    c.id = q.int_at(0);
    c.reference = q.text_at(1);
    c.contact_id = q.int_at(2);
    c.inbound_id = q.int_at(3);
    c.channel_id = q.text_at(4);
    c.type = q.text_at(5);
    c.category = q.text_at(6);
    c.region = q.text_at(7);
    c.language = q.text_at(8);
    c.description = q.text_at(9);
    c.sensitive = q.int_at(10) != 0;
    c.status = q.text_at(11);
    c.opened_at = from_unix_ms(q.int_at(12));
    c.due_at = from_unix_ms(q.int_at(13));
    return c;
}

}  // namespace cwc::messages
