// Cases in the SQLite store: insertion with its first event, look-ups by reference (the
// handlers' case_lookup and the officers' changes), updates and the events of a case's life.
#include "messages/sqlite_case_columns.hpp"
#include "messages/sqlite_store.hpp"

#include <string>

namespace cwc::messages {

namespace sqlite {

case_record case_from_row(const query& q, int first) {
    int i = first;
    case_record c;
    c.id = q.int_at(i++);
    c.reference = q.text_at(i++);
    c.contact_id = q.int_at(i++);
    c.inbound_id = q.int_at(i++);
    c.channel_id = q.text_at(i++);
    c.type = q.text_at(i++);
    c.category = q.text_at(i++);
    c.region = q.text_at(i++);
    c.language = q.text_at(i++);
    c.description = q.text_at(i++);
    c.sensitive = q.int_at(i++) != 0;
    c.status = q.text_at(i++);
    c.opened_at = from_unix_ms(q.int_at(i++));
    c.due_at = from_unix_ms(q.int_at(i++));
    c.organisation = q.text_at(i++);
    c.codes = split_codes(q.text_at(i++));
    c.sex = q.text_at(i++);
    c.age_group = q.text_at(i++);
    c.assigned_to = q.text_at(i++);
    c.referred_organisation = q.text_at(i++);
    c.referred_service = q.text_at(i++);
    c.contact_shared = q.int_at(i++) != 0;
    c.acknowledge_due_at = from_unix_ms(q.int_at(i++));
    c.acknowledged_at = from_unix_ms(q.int_at(i++));
    c.responded_at = from_unix_ms(q.int_at(i++));
    c.closed_at = from_unix_ms(q.int_at(i++));
    c.satisfaction = static_cast<int>(q.int_at(i++));
    return c;
}

std::string join_codes(const std::vector<std::string>& codes) {
    std::string out;
    for (const auto& code : codes) {
        if (!out.empty()) out += ',';
        out += code;
    }
    return out;
}

std::vector<std::string> split_codes(const std::string& joined) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < joined.size()) {
        std::size_t end = joined.find(',', start);
        if (end == std::string::npos) end = joined.size();
        if (end > start) out.push_back(joined.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

}  // namespace sqlite

std::int64_t sqlite_store::insert_case(const case_record& c) {
    sqlite::write_scope tx{*db_};
    db_->prepare(
           "INSERT INTO cases (reference, contact_id, inbound_id, channel_id, type, category, "
           "region, language, description, sensitive, status, opened_at, due_at, organisation, "
           "codes, sex, age_group, acknowledge_due_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
           "?18)",
           c.reference, c.contact_id, c.inbound_id, c.channel_id, c.type, c.category, c.region,
           c.language, c.description, c.sensitive, c.status, to_unix_ms(c.opened_at),
           to_unix_ms(c.due_at), c.organisation, sqlite::join_codes(c.codes), c.sex, c.age_group,
           to_unix_ms(c.acknowledge_due_at))
        .run();
    const std::int64_t id = db_->last_insert_id();
    db_->prepare(
           "INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note) "
           "VALUES (?1, ?2, 'system', 'opened', '', ?3, '')",
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

std::optional<case_record> sqlite_store::load_case(std::string_view reference) {
    sqlite::query q = db_->prepare(
        std::string("SELECT ") + sqlite::case_columns + " FROM cases c WHERE c.reference = ?1",
        reference);
    if (!q.step()) return std::nullopt;
    return sqlite::case_from_row(q);
}

std::optional<case_record> sqlite_store::find_case_record(std::string_view reference) {
    return load_case(reference);
}

void sqlite_store::update_case(const case_record& c) {
    db_->prepare(
           "UPDATE cases SET status = ?2, due_at = ?3, organisation = ?4, codes = ?5, sex = ?6, "
           "age_group = ?7, assigned_to = ?8, referred_organisation = ?9, referred_service = ?10, "
           "contact_shared = ?11, acknowledge_due_at = ?12, acknowledged_at = ?13, "
           "responded_at = ?14, closed_at = ?15, satisfaction = ?16, sensitive = ?17, "
           "description = ?18 WHERE id = ?1",
           c.id, c.status, to_unix_ms(c.due_at), c.organisation, sqlite::join_codes(c.codes), c.sex,
           c.age_group, c.assigned_to, c.referred_organisation, c.referred_service,
           c.contact_shared, to_unix_ms(c.acknowledge_due_at), to_unix_ms(c.acknowledged_at),
           to_unix_ms(c.responded_at), to_unix_ms(c.closed_at), c.satisfaction, c.sensitive,
           c.description)
        .run();
    if (db_->changes() == 0) throw store_error("sqlite: no case " + std::to_string(c.id));
}

void sqlite_store::append_case_event(const case_event& e) {
    db_->prepare(
           "INSERT INTO case_events (case_id, at, actor, action, from_status, to_status, note) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
           e.case_id, to_unix_ms(e.at), e.actor, e.action, e.from_status, e.to_status, e.note)
        .run();
}

}  // namespace cwc::messages
