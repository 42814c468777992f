// The officers' case filters as SQL, shared by the case list and the reports.
#include "messages/sqlite_case_filter.hpp"

namespace cwc::messages::sqlite {

void where_clause::add(const std::string& condition, bound value) {
    values.push_back(std::move(value));
    const std::string n = "?" + std::to_string(values.size());
    std::string c = condition;
    for (std::size_t at = c.find('?'); at != std::string::npos; at = c.find('?', at + n.size())) {
        c.replace(at, 1, n);
    }
    sql += " AND ";
    sql += c;
}

void where_clause::bind_to(query& q) const {
    int index = 0;
    for (const auto& v : values) {
        ++index;
        if (v.is_number) {
            q.bind(index, v.number);
        } else {
            q.bind(index, std::string_view{v.text});
        }
    }
}

where_clause case_filters(const case_query& q) {
    where_clause w;
    if (!q.organisation.empty()) w.add("c.organisation = ?", q.organisation);
    if (!q.type.empty()) w.add("c.type = ?", q.type);
    if (!q.category.empty()) w.add("c.category = ?", q.category);
    if (!q.status.empty()) w.add("c.status = ?", q.status);
    if (!q.region.empty()) w.add("c.region = ?", q.region);
    if (!q.language.empty()) w.add("c.language = ?", q.language);
    if (!q.channel.empty()) w.add("c.channel_id = ?", q.channel);
    if (q.opened_from) w.add("c.opened_at >= ?", to_unix_ms(*q.opened_from));
    if (q.opened_to) w.add("c.opened_at < ?", to_unix_ms(*q.opened_to));
    if (q.contact_id > 0) w.add("c.contact_id = ?", q.contact_id);
    if (q.overdue_only) {
        // is_overdue() in SQL, `now` bound once and used twice.
        w.add("c.status NOT IN ('closed', 'responded') AND (c.due_at < ? OR (c.acknowledged_at = 0 "
              "AND c.acknowledge_due_at != 0 AND c.acknowledge_due_at < ?))",
              to_unix_ms(q.now));
    }
    return w;
}

}  // namespace cwc::messages::sqlite
