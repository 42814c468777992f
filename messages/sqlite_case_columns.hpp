// Internal to the SQLite store and its readers: the columns a case_record is read from, in
// one order, so every query that returns whole cases reads them the same way.
#pragma once

#include "messages/case_record.hpp"
#include "messages/sqlite_connection.hpp"

#include <string>
#include <vector>

namespace cwc::messages::sqlite {

// Prefix each name with an alias ("c.") where a query joins other tables.
inline constexpr const char* case_columns =
    "c.id, c.reference, c.contact_id, c.inbound_id, c.channel_id, c.type, c.category, c.region, "
    "c.language, c.description, c.sensitive, c.status, c.opened_at, c.due_at, c.organisation, "
    "c.codes, c.sex, c.age_group, c.assigned_to, c.referred_organisation, c.referred_service, "
    "c.contact_shared, c.acknowledge_due_at, c.acknowledged_at, c.responded_at, c.closed_at, "
    "c.satisfaction";
inline constexpr int case_column_count = 27;

// Reads the case_columns starting at `first`.
case_record case_from_row(const query& q, int first = 0);

// "a,b" <-> {"a", "b"}
std::string join_codes(const std::vector<std::string>& codes);
std::vector<std::string> split_codes(const std::string& joined);

}  // namespace cwc::messages::sqlite
