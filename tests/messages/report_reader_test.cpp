// Report figures over a real SQLite file: cases created through the store (insert_case,
// update_case, case events), then counts, medians, shares, sensitive handling, filters and the
// export rows checked against what was created; small cells suppressed on the region table.
#include "messages/case_lifecycle.hpp"
#include "messages/report_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>

using namespace cwc::messages;
using namespace std::chrono_literals;

namespace {

// 2026-11-16T00:00:00Z, a Monday: ISO week 47 of 2026.
const timestamp week47 = from_unix_ms(1'794'787'200'000);
const timestamp now = week47 + std::chrono::days{14};

std::map<std::string, std::int64_t> counts_of(const report_figures& f, const std::string& dim) {
    std::map<std::string, std::int64_t> out;
    for (const auto& t : f.tables) {
        if (t.dimension != dim) continue;
        for (const auto& c : t.cells) out[c.key] = c.count;
    }
    return out;
}

const count_table& table_of(const report_figures& f, const std::string& dim) {
    for (const auto& t : f.tables) {
        if (t.dimension == dim) return t;
    }
    throw std::runtime_error("no table " + dim);
}

// Organisation "a": 17 ordinary cases (regions lima 8, cusco 6, piura 3) and one sensitive
// case; organisation "b": 2 cases. Case i of "a" is acknowledged i+1 hours after opening
// (i < 12) and answered i+1 days after (i < 6); case 1 was closed after 3 days; case 0 was
// closed and reopened.
struct report_fixture {
    testing::temp_db file;
    report_fixture() {
        sqlite_store store{file.path(), "test-key"};
        for (int i = 0; i < 17; ++i) {
            const contact person =
                store.find_or_create_contact("+5198765" + std::to_string(4300 + i), week47);
            case_record c;
            c.reference = "A" + std::to_string(100 + i);
            c.contact_id = person.id;
            c.channel_id = "sms";
            c.type = i % 2 == 0 ? "complaint" : "question";
            c.category = "documentation";
            c.region = i < 8 ? "lima" : i < 14 ? "cusco" : "piura";
            c.language = i == 16 ? "ar" : "es";
            c.organisation = "a";
            c.sex = i % 3 == 0 ? "female" : i % 3 == 1 ? "male" : "";
            c.opened_at = (i < 10 ? week47 : week47 + std::chrono::days{7}) + std::chrono::hours{i};
            c.acknowledge_due_at = c.opened_at + 24h;
            c.due_at = c.opened_at + std::chrono::days{3};
            c.id = store.insert_case(c);
            if (i < 12) move_to(c, "acknowledged", c.opened_at + std::chrono::hours{i + 1});
            if (i < 6) move_to(c, "responded", c.opened_at + std::chrono::days{i + 1});
            if (i < 5) c.satisfaction = std::array{5, 4, 4, 3, 5}[static_cast<std::size_t>(i)];
            if (i == 1) move_to(c, "closed", c.opened_at + std::chrono::days{3});
            if (i == 0) {
                move_to(c, "closed", c.opened_at + std::chrono::days{2});
                move_to(c, "reopened", c.opened_at + std::chrono::days{3});
                store.append_case_event({c.id, c.opened_at + std::chrono::days{3}, "contact",
                                         "status", "closed", "reopened", ""});
            }
            store.update_case(c);
        }
        const contact other = store.find_or_create_contact("+51999000111", week47);
        case_record s;
        s.reference = "S1";
        s.contact_id = other.id;
        s.channel_id = "sms";
        s.type = "complaint";
        s.category = "sea";
        s.region = "lima";
        s.language = "es";
        s.organisation = "a";
        s.sensitive = true;
        s.opened_at = week47;
        s.due_at = week47 + std::chrono::days{1};
        store.insert_case(s);
        for (int i = 0; i < 2; ++i) {
            case_record b = s;
            b.reference = "B" + std::to_string(i);
            b.sensitive = false;
            b.category = "health";
            b.organisation = "b";
            store.insert_case(b);
        }
    }
};

}  // namespace

TEST_CASE("percentiles and ISO weeks") {
    CHECK(median_of_sorted({1, 2, 3}) == 2);
    CHECK(median_of_sorted({1, 2, 3, 10}) == 2);  // (2 + 3) / 2 in integer milliseconds
    CHECK(median_of_sorted({2, 4}) == 3);
    CHECK(percentile_of_sorted({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9) == 9);
    CHECK(percentile_of_sorted({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 0.9) == 10);
    CHECK(percentile_of_sorted({7}, 0.9) == 7);
    CHECK(iso_week(week47) == "2026-W47");
    CHECK(iso_week(week47 - 1ms) == "2026-W46");
    CHECK(iso_week(from_unix_ms(1'609'632'000'000)) == "2020-W53");  // 2021-01-03, a Sunday
    CHECK(iso_week(from_unix_ms(1'735'516'800'000)) == "2025-W01");  // 2024-12-30, a Monday
    CHECK(iso_week(from_unix_ms(0)) == "1970-W01");
}

TEST_CASE("summary figures match the cases created") {
    report_fixture fx;
    report_reader reader{fx.file.path()};
    case_query q;
    q.organisation = "a";
    const report_figures f = reader.summary(q, now);

    CHECK(f.total == 17);
    CHECK(f.sensitive_apart == 1);
    CHECK(counts_of(f, "region") ==
          std::map<std::string, std::int64_t>{{"cusco", 6}, {"lima", 8}, {"piura", 3}});
    CHECK(counts_of(f, "type") ==
          std::map<std::string, std::int64_t>{{"complaint", 9}, {"question", 8}});
    CHECK(counts_of(f, "sex") ==
          std::map<std::string, std::int64_t>{{"female", 6}, {"male", 6}, {"not_given", 5}});
    CHECK(counts_of(f, "language") == std::map<std::string, std::int64_t>{{"ar", 1}, {"es", 16}});
    CHECK(counts_of(f, "status") ==
          std::map<std::string, std::int64_t>{
              {"acknowledged", 6}, {"closed", 1}, {"new", 5}, {"reopened", 1}, {"responded", 4}});
    CHECK(counts_of(f, "week") ==
          std::map<std::string, std::int64_t>{{"2026-W47", 10}, {"2026-W48", 7}});
    CHECK(counts_of(f, "month") == std::map<std::string, std::int64_t>{{"2026-11", 17}});
    CHECK(counts_of(f, "channel") == std::map<std::string, std::int64_t>{{"sms", 17}});
    CHECK(counts_of(f, "category") == std::map<std::string, std::int64_t>{{"documentation", 17}});

    // Acknowledged after 1..12 hours: median 6.5 h, 90th percentile the 11th value.
    CHECK(f.to_acknowledge.basis == 12);
    CHECK(f.to_acknowledge.median_ms == 6 * 3'600'000 + 1'800'000);
    CHECK(f.to_acknowledge.p90_ms == 11 * 3'600'000);
    // Answered after 1..6 days: median 3.5 days, 90th percentile 6 days.
    CHECK(f.to_respond.basis == 6);
    CHECK(f.to_respond.median_ms == 84 * 3'600'000);
    CHECK(f.to_respond.p90_ms == 6 * 86'400'000);
    // Only case 1 is closed now (case 0 was reopened): 3 days.
    CHECK(f.to_close.basis == 1);
    CHECK(f.to_close.median_ms == 3 * 86'400'000);
    // Every due date has passed by `now`: all 17 count; 3 were answered within 3 days.
    CHECK(f.answered_within_target.basis == 17);
    CHECK(f.answered_within_target.hits == 3);
    CHECK(f.acknowledged_within_target.basis == 17);
    CHECK(f.acknowledged_within_target.hits == 12);
    CHECK(f.reopened.hits == 1);
    CHECK(f.reopened.basis == 17);
    CHECK(f.satisfaction.basis == 5);
    CHECK(f.satisfaction_sum == 21);
    REQUIRE(f.satisfaction_scores.size() == 5);
    CHECK(f.satisfaction_scores[2].count == 1);  // one "3"
    CHECK(f.satisfaction_scores[3].count == 2);  // two "4"
    CHECK(f.satisfaction_scores[4].count == 2);  // two "5"
}

TEST_CASE("a 3-case region is suppressed with its complementary cell") {
    report_fixture fx;
    report_reader reader{fx.file.path()};
    case_query q;
    q.organisation = "a";
    report_figures f = reader.summary(q, now);
    std::vector<cell> regions = table_of(f, "region").cells;
    suppress_small_cells(regions, 5);
    REQUIRE(regions.size() == 3);
    CHECK(regions[0].key == "cusco");
    CHECK(regions[0].suppressed);  // the smallest other cell: 8 - 6 would give piura away
    CHECK_FALSE(regions[1].suppressed);
    CHECK(regions[2].key == "piura");
    CHECK(regions[2].suppressed);
}

TEST_CASE("summary: sensitivity, organisation and filters") {
    report_fixture fx;
    report_reader reader{fx.file.path()};
    case_query q;
    q.organisation = "a";
    q.sensitive = sensitivity::include;  // a focal point of "a"
    report_figures f = reader.summary(q, now);
    CHECK(f.total == 18);
    CHECK(f.sensitive_apart == 0);
    CHECK(counts_of(f, "region")["lima"] == 9);
    CHECK(counts_of(f, "category")["sea"] == 1);

    q.sensitive = sensitivity::only;
    CHECK(reader.summary(q, now).total == 1);

    case_query all;  // every organisation, sensitive apart
    f = reader.summary(all, now);
    CHECK(f.total == 19);
    CHECK(f.sensitive_apart == 1);
    CHECK(counts_of(f, "category")["health"] == 2);
    CHECK(counts_of(f, "category").count("sea") == 0);

    case_query piura;
    piura.region = "piura";
    CHECK(reader.summary(piura, now).total == 3);

    case_query week48;
    week48.organisation = "a";
    week48.opened_from = week47 + std::chrono::days{7};
    week48.opened_to = week47 + std::chrono::days{14};
    f = reader.summary(week48, now);
    CHECK(f.total == 7);
    CHECK(counts_of(f, "week") == std::map<std::string, std::int64_t>{{"2026-W48", 7}});

    case_query typed;
    typed.type = "question";
    typed.status = "acknowledged";
    CHECK(reader.summary(typed, now).total == 3);  // i = 7, 9, 11

    case_query overdue;  // unanswered past due: every case not responded/closed
    overdue.organisation = "a";
    overdue.overdue_only = true;
    overdue.now = now;
    CHECK(reader.summary(overdue, now).total == 12);  // closed and responded ones are not

    case_query nobody;
    nobody.organisation = "c";
    f = reader.summary(nobody, now);
    CHECK(f.total == 0);
    CHECK_FALSE(f.to_acknowledge.median_ms.has_value());
}

TEST_CASE("export rows: never sensitive, oldest first, pseudonymous") {
    report_fixture fx;
    report_reader reader{fx.file.path()};
    case_query q;
    q.organisation = "a";
    q.sensitive = sensitivity::include;  // asking for them changes nothing
    std::vector<std::string> references;
    std::size_t overdue = 0;
    const std::size_t n = reader.for_each_case(q, now, [&](const case_row& r) {
        CHECK_FALSE(r.record.sensitive);
        CHECK(r.contact_key.rfind("p_", 0) == 0);
        CHECK(r.contact_key.find("98765") == std::string::npos);
        references.push_back(r.record.reference);
        if (r.overdue) ++overdue;
    });
    CHECK(n == 17);
    REQUIRE(references.size() == 17);
    CHECK(references.front() == "A100");
    CHECK(references.back() == "A116");
    CHECK(overdue == 12);

    case_query all;
    all.region = "lima";
    CHECK(reader.for_each_case(all, now, [](const case_row&) {}) == 10);  // 8 of a, 2 of b
}

TEST_CASE("sensitive cases referred within their deadline, for the focal points' report") {
    testing::temp_db file;
    {
        sqlite_store store{file.path(), "test-key"};
        const contact person = store.find_or_create_contact("+51999000222", week47);
        // Referred in time, referred late, not referred and past the deadline, still in time.
        const std::array<std::optional<std::chrono::hours>, 4> referred_after = {
            std::chrono::hours{5}, std::chrono::hours{30}, std::nullopt, std::nullopt};
        for (std::size_t i = 0; i < referred_after.size(); ++i) {
            case_record c;
            c.reference = "S" + std::to_string(i);
            c.contact_id = person.id;
            c.channel_id = "sms";
            c.type = "complaint";
            c.category = "sea";
            c.organisation = "a";
            c.sensitive = true;
            c.opened_at = i == 3 ? now - 2h : week47;
            c.due_at = c.opened_at + std::chrono::days{7};
            c.id = store.insert_case(c);
            store.open_sensitive_alert({c.id, c.reference, "a", "sea", c.opened_at + 24h,
                                        c.opened_at, 0, false, false});
            if (referred_after[i]) {
                store.append_case_event({c.id, c.opened_at + *referred_after[i], "officer:Rosa",
                                         "referred", "new", "referred", ""});
            }
        }
    }
    report_reader reader{file.path()};
    case_query q;
    q.organisation = "a";
    q.sensitive = sensitivity::include;
    const auto f = reader.summary(q, now);
    CHECK(f.sensitive_referred_in_time.basis == 3);  // the one still within its deadline waits
    CHECK(f.sensitive_referred_in_time.hits == 1);
    q.sensitive = sensitivity::exclude;
    CHECK(reader.summary(q, now).sensitive_referred_in_time.basis == 0);
}
