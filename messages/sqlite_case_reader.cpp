// Case lists, case pages and conversations for the officers, read with SQL built from the
// filters given (each combination is prepared once and cached by the connection). Values are
// always bound, never spliced into the SQL.
#include "messages/sqlite_case_reader.hpp"

#include "messages/case_lifecycle.hpp"
#include "messages/sqlite_case_columns.hpp"
#include "messages/sqlite_case_filter.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <algorithm>

namespace cwc::messages {
namespace {

// The shared filters, then the sensitivity asked for and the page.
sqlite::where_clause filters(const case_query& q, bool with_paging) {
    sqlite::where_clause w = sqlite::case_filters(q);
    switch (q.sensitive) {
        case sensitivity::exclude: w.sql += " AND c.sensitive = 0"; break;
        case sensitivity::only: w.sql += " AND c.sensitive = 1"; break;
        case sensitivity::include: break;
    }
    if (with_paging && q.before_id > 0) w.add("c.id < ?", q.before_id);
    return w;
}

case_row row_from(const sqlite::query& q, timestamp now) {
    case_row row;
    row.record = sqlite::case_from_row(q);
    row.contact_key = q.text_at(sqlite::case_column_count);
    row.overdue = is_overdue(row.record, now);
    return row;
}

const std::string select_rows = std::string("SELECT ") + sqlite::case_columns +
                                ", ct.pseudonym FROM cases c JOIN contacts ct ON ct.id = c.contact_id";

}  // namespace

sqlite_case_reader::sqlite_case_reader(const std::string& path)
    : db_(std::make_unique<sqlite::connection>(path, sqlite::connection::mode::read_only)) {
    sqlite::query q = db_->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.step() || q.int_at(0) < sqlite::latest_schema_version()) {
        throw store_error("sqlite: the database schema is older than this gateway; start the "
                          "gateway once to migrate it");
    }
}

sqlite_case_reader::~sqlite_case_reader() = default;

std::vector<case_row> sqlite_case_reader::list_cases(const case_query& q) {
    sqlite::where_clause w = filters(q, true);
    const std::size_t limit = std::clamp<std::size_t>(q.limit, 1, 1000);
    sqlite::query query = db_->prepare(select_rows + " WHERE 1 = 1" + w.sql +
                                       " ORDER BY c.id DESC LIMIT " + std::to_string(limit));
    w.bind_to(query);
    std::vector<case_row> out;
    while (query.step()) out.push_back(row_from(query, q.now));
    return out;
}

std::size_t sqlite_case_reader::count_cases(const case_query& q) {
    sqlite::where_clause w = filters(q, false);
    sqlite::query query = db_->prepare("SELECT COUNT(*) FROM cases c WHERE 1 = 1" + w.sql);
    w.bind_to(query);
    return query.step() ? static_cast<std::size_t>(query.int_at(0)) : 0;
}

std::optional<case_row> sqlite_case_reader::read_case(std::string_view reference, timestamp now) {
    sqlite::query q = db_->prepare(select_rows + " WHERE c.reference = ?1", reference);
    if (!q.step()) return std::nullopt;
    return row_from(q, now);
}

std::vector<case_event> sqlite_case_reader::case_events(std::int64_t case_id) {
    sqlite::query q = db_->prepare(
        "SELECT case_id, at, actor, action, from_status, to_status, note FROM case_events "
        "WHERE case_id = ?1 ORDER BY at, id",
        case_id);
    std::vector<case_event> out;
    while (q.step()) {
        out.push_back({q.int_at(0), from_unix_ms(q.int_at(1)), q.text_at(2), q.text_at(3),
                       q.text_at(4), q.text_at(5), q.text_at(6)});
    }
    return out;
}

std::vector<conversation_entry> sqlite_case_reader::conversation(std::int64_t contact_id,
                                                                 std::size_t limit) {
    // The most recent `limit` of both directions, returned oldest first.
    sqlite::query q = db_->prepare(
        "SELECT * FROM ("
        " SELECT received_at AS at, 1 AS inbound, channel_id, kind, text, '' AS status, id,"
        " 0 AS in_reply_to"
        "  FROM inbound_messages WHERE contact_id = ?1"
        " UNION ALL"
        " SELECT created_at, 0, channel_id, CASE WHEN template_name != '' THEN 'template' "
        "  ELSE 'text' END, text, status, id, inbound_id FROM outbox WHERE contact_id = ?1"
        " ORDER BY at DESC, inbound ASC, id DESC LIMIT ?2"
        ") ORDER BY at, inbound DESC, id",
        contact_id, static_cast<std::int64_t>(std::clamp<std::size_t>(limit, 1, 10000)));
    std::vector<conversation_entry> out;
    while (q.step()) {
        conversation_entry e;
        e.at = from_unix_ms(q.int_at(0));
        e.inbound = q.int_at(1) != 0;
        e.channel_id = q.text_at(2);
        e.kind = q.text_at(3);
        e.text = q.text_at(4);
        e.status = q.text_at(5);
        e.id = q.int_at(6);
        e.in_reply_to = q.int_at(7);
        out.push_back(std::move(e));
    }
    for (auto& e : out) {
        if (!e.inbound || e.kind == "text") continue;
        sqlite::query m = db_->prepare("SELECT id FROM media WHERE inbound_id = ?1 ORDER BY id", e.id);
        while (m.step()) e.media_ids.push_back(m.int_at(0));
    }
    return out;
}

std::optional<media_item> sqlite_case_reader::read_media(std::int64_t media_id) {
    sqlite::query q = db_->prepare(
        "SELECT media.id, media.inbound_id, inbound_messages.contact_id, inbound_messages.kind, "
        "inbound_messages.text, media.status, media.mime_type, media.content FROM media "
        "JOIN inbound_messages ON inbound_messages.id = media.inbound_id WHERE media.id = ?1",
        media_id);
    if (!q.step()) return std::nullopt;
    return media_item{q.int_at(0),  q.int_at(1),  q.int_at(2),  q.text_at(3),
                      q.text_at(4), q.text_at(5), q.text_at(6), q.text_at(7)};
}

}  // namespace cwc::messages
