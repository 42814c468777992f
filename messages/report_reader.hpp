// The figures AAP officers report (DOMAIN.md "What AAP officers report"), read from SQLite on a
// read-only connection of their own so a report over a million cases never holds up the writer
// thread (WAL: it reads the last commit). Raw figures: small-cell suppression is applied where
// they are published (messages/small_cells.hpp). Not thread-safe: one per reading thread.
#pragma once

#include "messages/case_reader.hpp"
#include "messages/small_cells.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cwc::messages {

namespace sqlite {
class connection;
}

// Counts of cases by one dimension: "type", "category", "region", "language", "sex",
// "age_group", "channel", "status", "week" (ISO week of opening, "2026-W48") or "month"
// (month of opening, "2026-11"). A case without
// a value (a region not given, sex not asked or "prefer not to say") counts under "not_given".
// Cells in key order.
struct count_table {
    std::string dimension;
    std::vector<cell> cells;
};

// Time from opening to a step, over the cases that reached it.
struct duration_figure {
    std::int64_t basis = 0;  // cases that reached the step
    std::optional<std::int64_t> median_ms, p90_ms;  // nothing when basis is 0
};

// hits out of basis (a share).
struct share_figure {
    std::int64_t basis = 0;
    std::int64_t hits = 0;
};

struct report_figures {
    std::int64_t total = 0;  // cases counted in the tables and figures below
    // Sensitive cases matching the filters that the reader did not count above (the query's
    // sensitivity was `exclude`): roles without access see them as this one line.
    std::int64_t sensitive_apart = 0;
    std::vector<count_table> tables;  // in the order listed above
    duration_figure to_acknowledge;   // acknowledged_at - opened_at
    duration_figure to_respond;       // responded_at - opened_at (first answer to the person)
    duration_figure to_close;         // closed_at - opened_at (cases closed now)
    // Answered by the due date, among cases answered or whose due date has passed.
    share_figure answered_within_target;
    // Acknowledged by the acknowledgement target, among cases acknowledged or past that target.
    share_figure acknowledged_within_target;
    share_figure reopened;  // cases reopened at least once, among all counted
    // Sensitive cases counted (focal points' reports only) referred by their deadline, among
    // those referred or past it (DOMAIN.md: % of sensitive cases referred within deadline).
    share_figure sensitive_referred_in_time;
    std::int64_t satisfaction_sum = 0;  // over satisfaction.basis rated cases
    share_figure satisfaction;          // hits unused; basis = cases rated 1-5
    std::vector<cell> satisfaction_scores;  // "1" … "5"
};

// Nearest-rank percentile of sorted values (p in (0, 1]); the median of an even count is the
// mean of the two middle values. Exposed for tests.
std::int64_t percentile_of_sorted(const std::vector<std::int64_t>& sorted, double p);
std::int64_t median_of_sorted(const std::vector<std::int64_t>& sorted);

// "2026-W48": the ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday).
std::string iso_week(timestamp t);

class report_reader {
  public:
    // Throws store_error if the file cannot be opened or its schema is older than this build.
    explicit report_reader(const std::string& database_path);
    ~report_reader();
    report_reader(const report_reader&) = delete;
    report_reader& operator=(const report_reader&) = delete;

    // Figures over the cases matching q's filters (organisation, type, category, status,
    // region, language, channel, opened range, overdue at q.now); paging fields are ignored.
    // Sensitivity: `include` counts sensitive cases like any other (focal points of their
    // organisation), `exclude` counts them only in sensitive_apart, `only` counts nothing else.
    report_figures summary(const case_query& q, timestamp now);

    // Every non-sensitive case matching q (whatever q.sensitive says), oldest first, with its
    // contact's pseudonym and whether it is overdue at `now`; paging fields are ignored. Rows
    // are handed over one at a time and not kept.
    std::size_t for_each_case(const case_query& q, timestamp now,
                              const std::function<void(const case_row&)>& visit);

  private:
    std::unique_ptr<sqlite::connection> db_;
};

}  // namespace cwc::messages
