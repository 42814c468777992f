// The read side of broadcasts on a read-only SQLite connection. Audiences are one aggregate query
// each (a hundred thousand subscribers are counted in SQLite, not in C++); recipients are read in
// pages by contact id. Values are always bound, never spliced into the SQL.
#include "messages/broadcast_reader.hpp"

#include "messages/sqlite_broadcast_columns.hpp"
#include "messages/sqlite_case_filter.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <algorithm>

namespace cwc::messages {
namespace {

using sqlite::where_clause;

// "x IN (?, ?, …)" bound to `values` (one placeholder each).
void add_in(where_clause& w, const std::string& column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    std::string placeholders;
    for (std::size_t i = 0; i < values.size(); ++i) {
        w.values.emplace_back(values[i]);
        if (i > 0) placeholders += ", ";
        placeholders.append("?").append(std::to_string(w.values.size()));
    }
    w.sql += " AND " + column + " IN (" + placeholders + ")";
}

// The language a person reads: their own, or the default one when they never chose. `lang` is
// bound once (the where clause's next value).
std::string folded_language(where_clause& w, std::string_view default_language) {
    w.values.emplace_back(std::string{default_language});
    return std::string("(CASE WHEN ct.language = '' THEN ?")
        .append(std::to_string(w.values.size()))
        .append(" ELSE ct.language END)");
}

// Whether the person last wrote on the row's channel before `since` (or never): their WhatsApp
// window is closed. contacts.last_inbound_at (any channel) settles most people without the
// per-channel look-up (index inbound_messages_contact_channel).
std::string outside_window(where_clause& w, const std::string& contact, const std::string& channel,
                           timestamp since) {
    w.values.emplace_back(to_unix_ms(since));
    const std::string n = std::string("?").append(std::to_string(w.values.size()));
    return "(CASE WHEN ct.last_inbound_at < " + n + " THEN 1 ELSE COALESCE((SELECT MAX(i.received_at) "
           "FROM inbound_messages i WHERE i.contact_id = " + contact + " AND i.channel_id = " +
           channel + "), 0) < " + n + " END)";
}

// Subscribed to one of the topics, not opted out, in the segment's regions and channels; the
// caller adds the language filter (it needs the default language).
where_clause campaign_filters(const broadcast_segment& segment) {
    where_clause w;
    w.sql = " AND ct.opted_out = 0";
    std::string topics;
    for (const auto& topic : segment.topics) {
        w.values.emplace_back(topic);
        topics += (topics.empty() ? "?" : ", ?") + std::to_string(w.values.size());
    }
    // No topic: nobody (a campaign is for those who asked to hear about something).
    w.sql += " AND EXISTS (SELECT 1 FROM subscriptions s WHERE s.contact_id = sb.contact_id "
             "AND s.topic IN (" + (topics.empty() ? std::string{"NULL"} : topics) + "))";
    add_in(w, "sb.region", segment.regions);
    add_in(w, "sb.channel_id", segment.channels);
    return w;
}

// The organisation's open, not sensitive cases carrying `code`, latest per contact, whose person
// has not opted out (cases c joined to contacts ct). Codes are a comma list (sqlite_case_columns).
constexpr std::string_view collective_cases_sql =
    "FROM cases c JOIN contacts ct ON ct.id = c.contact_id WHERE c.id IN ("
    " SELECT MAX(id) FROM cases WHERE organisation = ?1 AND sensitive = 0 AND status <> 'closed'"
    " AND instr(',' || codes || ',', ',' || ?2 || ',') > 0 GROUP BY contact_id)"
    " AND ct.opted_out = 0";

std::vector<audience_cell> cells_from(sqlite::query& q) {
    std::vector<audience_cell> out;
    while (q.step()) out.push_back({q.text_at(0), q.text_at(1), q.int_at(2), q.int_at(3)});
    return out;
}

// Columns: contact id, address, channel, language, region, last inbound on the channel (NULL:
// never), and the case id when `with_case`.
std::vector<broadcast_recipient> recipients_from(sqlite::query& q, bool with_case) {
    std::vector<broadcast_recipient> out;
    while (q.step()) {
        broadcast_recipient r;
        r.contact_id = q.int_at(0);
        r.address = q.text_at(1);
        r.channel_id = q.text_at(2);
        r.language = q.text_at(3);
        r.region = q.text_at(4);
        if (!q.is_null(5)) r.last_inbound_on_channel = from_unix_ms(q.int_at(5));
        if (with_case) r.case_id = q.int_at(6);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace

broadcast_reader::broadcast_reader(const std::string& database_path)
    : db_(std::make_unique<sqlite::connection>(database_path, sqlite::connection::mode::read_only)) {
    sqlite::query q = db_->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.step() || q.int_at(0) < sqlite::latest_schema_version()) {
        throw store_error("sqlite: the database schema is older than this gateway; start the "
                          "gateway once to migrate it");
    }
}

broadcast_reader::~broadcast_reader() = default;

std::vector<broadcast> broadcast_reader::list(std::string_view organisation, std::size_t limit,
                                              std::int64_t before_id) {
    where_clause w;
    if (!organisation.empty()) w.add("organisation = ?", std::string{organisation});
    if (before_id > 0) w.add("id < ?", before_id);
    const auto n = std::clamp<std::size_t>(limit, 1, 1000);
    sqlite::query q = db_->prepare(std::string{"SELECT "} + sqlite::broadcast_columns +
                                   " FROM broadcasts WHERE 1 = 1" + w.sql +
                                   " ORDER BY id DESC LIMIT " + std::to_string(n));
    w.bind_to(q);
    std::vector<broadcast> out;
    while (q.step()) out.push_back(sqlite::broadcast_from_row(q));
    return out;
}

std::optional<broadcast> broadcast_reader::load(std::int64_t id) {
    sqlite::query q = db_->prepare(
        std::string{"SELECT "} + sqlite::broadcast_columns + " FROM broadcasts WHERE id = ?1", id);
    if (!q.step()) return std::nullopt;
    return sqlite::broadcast_from_row(q);
}

std::vector<std::int64_t> broadcast_reader::sending() {
    sqlite::query q = db_->prepare("SELECT id FROM broadcasts WHERE status = 'sending' ORDER BY id");
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.int_at(0));
    return out;
}

std::vector<std::int64_t> broadcast_reader::interrupted_confirmations() {
    sqlite::query q = db_->prepare(
        "SELECT id FROM broadcasts WHERE status = 'draft' AND confirmed_at > 0 ORDER BY id");
    std::vector<std::int64_t> out;
    while (q.step()) out.push_back(q.int_at(0));
    return out;
}

broadcast_reader::planned_so_far broadcast_reader::planned(std::int64_t id) {
    sqlite::query q = db_->prepare(
        "SELECT COUNT(*), COALESCE(MAX(contact_id), 0) FROM outbox WHERE broadcast_id = ?1", id);
    planned_so_far p;
    if (q.step()) {
        p.rows = q.int_at(0);
        p.through_contact = q.int_at(1);
    }
    return p;
}

broadcast_progress broadcast_reader::progress(std::int64_t id) {
    broadcast_progress p;
    {
        sqlite::query q = db_->prepare("SELECT planned FROM broadcasts WHERE id = ?1", id);
        if (q.step()) p.planned = q.int_at(0);
    }
    {
        // Index outbox_broadcast (broadcast_id, status): the rows of this broadcast only.
        sqlite::query q = db_->prepare(
            "SELECT status, status = 'cancelled' AND error_code = ?2, COUNT(*) FROM outbox "
            "WHERE broadcast_id = ?1 AND broadcast_id > 0 GROUP BY 1, 2",
            id, opted_out_since_code);
        while (q.step()) {
            const std::string status = q.text_at(0);
            const std::int64_t n = q.int_at(2);
            if (status == "paused") p.paused += n;
            else if (status == "cancelled") (q.int_at(1) != 0 ? p.opted_out_since : p.cancelled) += n;
            else if (status == "sent") p.sent += n;
            else if (status == "delivered" || status == "read") p.delivered += n;
            else if (status == "failed" || status == "undelivered") p.failed += n;
            else p.queued += n;  // queued, sending, unknown, held (waiting for the person)
        }
    }
    sqlite::query q = db_->prepare("SELECT COUNT(*) FROM broadcast_replies WHERE broadcast_id = ?1", id);
    if (q.step()) p.replies = q.int_at(0);
    return p;
}

std::vector<audience_cell> broadcast_reader::campaign_audience(const broadcast_segment& segment,
                                                               std::string_view default_language,
                                                               timestamp window_since) {
    where_clause w = campaign_filters(segment);
    const std::string lang = folded_language(w, default_language);
    const std::string outside = outside_window(w, "sb.contact_id", "sb.channel_id", window_since);
    if (!segment.languages.empty()) add_in(w, lang, segment.languages);
    sqlite::query q = db_->prepare("SELECT sb.channel_id, " + lang + ", COUNT(*), SUM(" + outside +
                                   ") FROM subscribers sb JOIN contacts ct ON ct.id = sb.contact_id "
                                   "WHERE 1 = 1" + w.sql + " GROUP BY 1, 2 ORDER BY 1, 2");
    w.bind_to(q);
    return cells_from(q);
}

std::vector<broadcast_recipient> broadcast_reader::campaign_recipients(
    const broadcast_segment& segment, std::int64_t after_contact, std::size_t limit) {
    where_clause w = campaign_filters(segment);
    // The default language is not known here: people who never chose pass, and the planner
    // (which knows it) keeps them only when it is one of the segment's.
    if (!segment.languages.empty()) {
        std::vector<std::string> with_unchosen = segment.languages;
        with_unchosen.emplace_back();
        add_in(w, "ct.language", with_unchosen);
    }
    w.add("sb.contact_id > ?", after_contact);
    const auto n = std::clamp<std::size_t>(limit, 1, 100000);
    sqlite::query q = db_->prepare(
        "SELECT sb.contact_id, ct.address, sb.channel_id, ct.language, sb.region, "
        "(SELECT MAX(i.received_at) FROM inbound_messages i WHERE i.contact_id = sb.contact_id "
        "AND i.channel_id = sb.channel_id) FROM subscribers sb JOIN contacts ct ON ct.id = sb.contact_id "
        "WHERE 1 = 1" + w.sql + " ORDER BY sb.contact_id LIMIT " + std::to_string(n));
    w.bind_to(q);
    return recipients_from(q, false);
}

std::vector<audience_cell> broadcast_reader::collective_audience(std::string_view organisation,
                                                                 std::string_view code,
                                                                 std::string_view default_language,
                                                                 timestamp window_since) {
    where_clause w;
    w.values.emplace_back(std::string{organisation});
    w.values.emplace_back(std::string{code});
    // The case's language, or the default one.
    w.values.emplace_back(std::string{default_language});
    const std::string lang = "(CASE WHEN c.language = '' THEN ?3 ELSE c.language END)";
    const std::string outside = outside_window(w, "c.contact_id", "c.channel_id", window_since);
    sqlite::query q = db_->prepare("SELECT c.channel_id, " + lang + ", COUNT(*), SUM(" + outside +
                                   ") " + std::string{collective_cases_sql} +
                                   " GROUP BY 1, 2 ORDER BY 1, 2");
    w.bind_to(q);
    return cells_from(q);
}

std::vector<broadcast_recipient> broadcast_reader::collective_recipients(
    std::string_view organisation, std::string_view code) {
    sqlite::query q = db_->prepare(
        "SELECT c.contact_id, ct.address, c.channel_id, c.language, c.region, "
        "(SELECT MAX(i.received_at) FROM inbound_messages i WHERE i.contact_id = c.contact_id "
        "AND i.channel_id = c.channel_id), c.id " + std::string{collective_cases_sql} +
            " ORDER BY c.contact_id",
        organisation, code);
    return recipients_from(q, true);
}

std::vector<std::string> broadcast_reader::collective_cases(std::string_view organisation,
                                                            std::string_view code) {
    sqlite::query q = db_->prepare(
        "SELECT reference FROM cases WHERE organisation = ?1 AND sensitive = 0 "
        "AND status <> 'closed' AND instr(',' || codes || ',', ',' || ?2 || ',') > 0 ORDER BY id",
        organisation, code);
    std::vector<std::string> out;
    while (q.step()) out.push_back(q.text_at(0));
    return out;
}

}  // namespace cwc::messages
