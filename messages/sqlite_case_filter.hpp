// Internal to the SQLite readers: the officers' case filters (case_query) as SQL conditions on
// `cases c`, values always bound in ?N order and never spliced into the SQL. The case list and
// the reports share it, so a filter means the same in both.
#pragma once

#include "messages/case_reader.hpp"
#include "messages/sqlite_connection.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cwc::messages::sqlite {

// A bound value: text, or a number when `is_number` (no std::variant: GCC 12 at -O2 warns
// about it with -Wmaybe-uninitialized).
struct bound {
    bool is_number = false;
    std::int64_t number = 0;
    std::string text;
    bound(std::int64_t n) : is_number{true}, number{n} {}  // NOLINT: implicit on purpose
    bound(std::string t) : text{std::move(t)} {}           // NOLINT
};

// " AND ..." conditions with their values.
struct where_clause {
    std::string sql;
    std::vector<bound> values;

    // Each '?' of the condition becomes the next ?N, bound to `value` (several '?' share it).
    void add(const std::string& condition, bound value);
    void bind_to(query& q) const;
};

// Every filter of the query but its sensitivity and paging, which each reader decides.
where_clause case_filters(const case_query& q);

}  // namespace cwc::messages::sqlite
