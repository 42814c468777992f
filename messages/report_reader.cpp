// Report figures in one pass over the matching cases: the filters go to SQL, the counting,
// durations and shares are done here while the rows stream by (a million rows take one scan,
// where one GROUP BY per dimension would take nine). The export streams rows the same way.
#include "messages/report_reader.hpp"

#include "messages/case_lifecycle.hpp"
#include "messages/sqlite_case_columns.hpp"
#include "messages/sqlite_case_filter.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

namespace cwc::messages {
namespace {

constexpr std::array<const char*, 8> row_dimensions = {
    "type", "category", "region", "language", "sex", "age_group", "channel", "status"};

const std::string not_given = "not_given";

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

// Monday-based week number since the epoch: 1970-01-01 was a Thursday, so day 0 + 3 is the
// fourth day of week 0, and week w runs from day 7w - 3 (Monday) to 7w + 3.
std::int64_t week_index(std::int64_t unix_ms) {
    return floor_div(floor_div(unix_ms, 86'400'000) + 3, 7);
}

std::string week_label(std::int64_t week) {
    using namespace std::chrono;
    // The week's Thursday (day 7w) decides its ISO year and number.
    const sys_days thursday{days{week * 7}};
    const year_month_day ymd{thursday};
    const sys_days jan1{ymd.year() / January / 1};
    const auto number = (thursday - jan1).count() / 7 + 1;
    char text[16];
    std::snprintf(text, sizeof text, "%04d-W%02d", static_cast<int>(ymd.year()),
                  static_cast<int>(number));
    return text;
}

// "2026-11" for a day since the epoch.
std::string month_label(std::int64_t day) {
    using namespace std::chrono;
    const year_month_day ymd{sys_days{days{day}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()));
    return text;
}

std::vector<cell> cells_of(const std::unordered_map<std::string, std::int64_t>& counts) {
    std::vector<cell> out;
    out.reserve(counts.size());
    for (const auto& [key, count] : counts) out.push_back({key.empty() ? not_given : key, count});
    std::sort(out.begin(), out.end(), [](const cell& a, const cell& b) { return a.key < b.key; });
    return out;
}

duration_figure duration_of(std::vector<std::int64_t>& values) {
    duration_figure f;
    f.basis = static_cast<std::int64_t>(values.size());
    if (values.empty()) return f;
    std::sort(values.begin(), values.end());
    f.median_ms = median_of_sorted(values);
    f.p90_ms = percentile_of_sorted(values, 0.9);
    return f;
}

void require_current_schema(sqlite::connection& db) {
    sqlite::query q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.step() || q.int_at(0) < sqlite::latest_schema_version()) {
        throw store_error("sqlite: the database schema is older than this gateway; start the "
                          "gateway once to migrate it");
    }
}

}  // namespace

std::int64_t percentile_of_sorted(const std::vector<std::int64_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const double rank = std::ceil(p * static_cast<double>(sorted.size()));
    const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
    return sorted[std::min(index, sorted.size() - 1)];
}

std::int64_t median_of_sorted(const std::vector<std::int64_t>& sorted) {
    if (sorted.empty()) return 0;
    const std::size_t n = sorted.size();
    if (n % 2 == 1) return sorted[n / 2];
    return sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2;
}

std::string iso_week(timestamp t) { return week_label(week_index(to_unix_ms(t))); }

report_reader::report_reader(const std::string& database_path)
    : db_(std::make_unique<sqlite::connection>(database_path, sqlite::connection::mode::read_only)) {
    require_current_schema(*db_);
}

report_reader::~report_reader() = default;

report_figures report_reader::summary(const case_query& q, timestamp now) {
    sqlite::where_clause w = sqlite::case_filters(q);  // sensitivity is decided below
    if (q.sensitive == sensitivity::only) w.sql += " AND c.sensitive = 1";
    sqlite::query rows = db_->prepare(
        "SELECT c.type, c.category, c.region, c.language, c.sex, c.age_group, c.channel_id, "
        "c.status, c.opened_at, c.due_at, c.acknowledge_due_at, c.acknowledged_at, "
        "c.responded_at, c.satisfaction, c.sensitive, c.id IN (SELECT case_id FROM case_events "
        "WHERE action = 'status' AND to_status = 'reopened'), c.closed_at, "
        // Only sensitive rows pay for these two look-ups (CASE evaluates lazily).
        "CASE WHEN c.sensitive = 1 THEN (SELECT deadline_at FROM sensitive_alerts a "
        "WHERE a.case_id = c.id) END, "
        "CASE WHEN c.sensitive = 1 THEN (SELECT MIN(at) FROM case_events e WHERE e.case_id = "
        "c.id AND e.action = 'referred') END FROM cases c "
        "WHERE 1 = 1" +
        w.sql);
    w.bind_to(rows);

    report_figures f;
    std::array<std::unordered_map<std::string, std::int64_t>, row_dimensions.size()> counts;
    std::map<std::int64_t, std::int64_t> days;  // opening day (since the epoch) -> cases
    std::array<std::int64_t, 5> scores{};
    std::vector<std::int64_t> to_acknowledge, to_respond, to_close;
    const std::int64_t now_ms = to_unix_ms(now);
    while (rows.step()) {
        if (q.sensitive == sensitivity::exclude && rows.int_at(14) != 0) {
            ++f.sensitive_apart;
            continue;
        }
        ++f.total;
        for (std::size_t d = 0; d < row_dimensions.size(); ++d) {
            ++counts[d][rows.text_at(static_cast<int>(d))];
        }
        const std::int64_t opened = rows.int_at(8), due = rows.int_at(9),
                           acknowledge_due = rows.int_at(10), acknowledged = rows.int_at(11),
                           responded = rows.int_at(12), satisfaction = rows.int_at(13),
                           closed = rows.int_at(16);
        ++days[floor_div(opened, 86'400'000)];
        if (acknowledged > 0) to_acknowledge.push_back(acknowledged - opened);
        if (responded > 0) to_respond.push_back(responded - opened);
        if (closed > 0) to_close.push_back(closed - opened);
        if (responded > 0 || (due > 0 && due <= now_ms)) {
            ++f.answered_within_target.basis;
            if (responded > 0 && responded <= due) ++f.answered_within_target.hits;
        }
        if (acknowledge_due > 0 && (acknowledged > 0 || acknowledge_due <= now_ms)) {
            ++f.acknowledged_within_target.basis;
            if (acknowledged > 0 && acknowledged <= acknowledge_due) {
                ++f.acknowledged_within_target.hits;
            }
        }
        if (rows.int_at(15) != 0) ++f.reopened.hits;
        if (!rows.is_null(17)) {
            const std::int64_t deadline = rows.int_at(17);
            const bool referred = !rows.is_null(18);
            if (referred || deadline <= now_ms) {
                ++f.sensitive_referred_in_time.basis;
                if (referred && rows.int_at(18) <= deadline) ++f.sensitive_referred_in_time.hits;
            }
        }
        if (satisfaction >= 1 && satisfaction <= 5) {
            ++f.satisfaction.basis;
            f.satisfaction_sum += satisfaction;
            ++scores[static_cast<std::size_t>(satisfaction - 1)];
        }
    }
    f.reopened.basis = f.total;
    for (std::size_t d = 0; d < row_dimensions.size(); ++d) {
        f.tables.push_back({row_dimensions[d], cells_of(counts[d])});
    }
    // Trends: weeks and months from the opening days (a few hundred, not a million rows).
    std::map<std::int64_t, std::int64_t> weeks;
    std::map<std::string, std::int64_t> months;
    for (const auto& [day, count] : days) {
        weeks[floor_div(day + 3, 7)] += count;
        months[month_label(day)] += count;
    }
    count_table by_week{"week", {}};
    for (const auto& [week, count] : weeks) by_week.cells.push_back({week_label(week), count});
    f.tables.push_back(std::move(by_week));
    count_table by_month{"month", {}};
    for (const auto& [month, count] : months) by_month.cells.push_back({month, count});
    f.tables.push_back(std::move(by_month));
    f.to_acknowledge = duration_of(to_acknowledge);
    f.to_respond = duration_of(to_respond);
    f.to_close = duration_of(to_close);
    for (std::size_t s = 0; s < scores.size(); ++s) {
        f.satisfaction_scores.push_back({std::to_string(s + 1), scores[s]});
    }
    return f;
}

std::size_t report_reader::for_each_case(const case_query& q, timestamp now,
                                         const std::function<void(const case_row&)>& visit) {
    const sqlite::where_clause w = sqlite::case_filters(q);  // sensitivity is decided below
    sqlite::query rows = db_->prepare(std::string("SELECT ") + sqlite::case_columns +
                                      ", ct.pseudonym FROM cases c LEFT JOIN contacts ct ON "
                                      "ct.id = c.contact_id WHERE c.sensitive = 0" +
                                      w.sql + " ORDER BY c.id");
    w.bind_to(rows);
    std::size_t count = 0;
    case_row row;
    while (rows.step()) {
        row.record = sqlite::case_from_row(rows);
        row.contact_key = rows.text_at(sqlite::case_column_count);
        row.overdue = is_overdue(row.record, now);
        visit(row);
        ++count;
    }
    return count;
}

}  // namespace cwc::messages
