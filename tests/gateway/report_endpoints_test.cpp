// The report endpoints over a real SQLite file: query checking (400 naming the parameter, 403
// outside the scope), role isolation, summary JSON with suppressed cells and the sensitive
// line, and the CSV export's headers, scope and shareable variant.
#include "gateway/report_endpoints.hpp"
#include "gateway/report_query.hpp"
#include "messages/case_lifecycle.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

using namespace cwc;
using namespace cwc::gateway;
using messages::officer;
using messages::role;
using nlohmann::json;

namespace {

const messages::timestamp opened = messages::from_unix_ms(1'794'787'200'000);  // 2026-11-16
const messages::timestamp now = opened + std::chrono::days{10};

config::config report_config() {
    config::config cfg;
    cfg.default_language = "es";
    cfg.languages = {{"es", "Español"}, {"ar", "العربية"}};
    cfg.channels.push_back({});
    cfg.channels.back().id = "sms";
    for (const char* t : {"complaint", "question"}) {
        config::case_type type;
        type.id = t;
        cfg.case_types.push_back(type);
    }
    for (const char* c : {"documentation", "sea"}) {
        config::category cat;
        cat.id = c;
        cat.type = "complaint";
        cat.sensitive = std::string_view{c} == "sea";
        cfg.categories.push_back(cat);
    }
    for (const char* r : {"lima", "cusco", "piura"}) cfg.regions.push_back({r, {{"es", r}}, ""});
    for (const char* o : {"a", "b"}) {
        config::organisation org;
        org.id = o;
        org.name = {{"es", std::string("Org ") + o}};
        cfg.organisations.push_back(org);
    }
    cfg.officers.suppression_threshold = 5;
    return cfg;
}

// Organisation a: lima 8, cusco 6, piura 3, and 2 sensitive cases; organisation b: lima 7.
struct report_db {
    messages::testing::temp_db file;
    report_db() {
        messages::sqlite_store store{file.path(), "test-key"};
        int n = 0;
        const auto add = [&](const std::string& org, const std::string& region, bool sensitive,
                             const std::string& text) {
            const auto person =
                store.find_or_create_contact("+5198700" + std::to_string(1000 + n), opened);
            messages::case_record c;
            c.reference = "R" + std::to_string(n++);
            c.contact_id = person.id;
            c.channel_id = "sms";
            c.type = "complaint";
            c.category = sensitive ? "sea" : "documentation";
            c.region = region;
            c.language = "es";
            c.organisation = org;
            c.sensitive = sensitive;
            c.description = text;
            c.opened_at = opened + std::chrono::hours{n};
            c.acknowledge_due_at = c.opened_at + std::chrono::hours{24};
            c.due_at = c.opened_at + std::chrono::days{7};
            c.id = store.insert_case(c);
            messages::move_to(c, "acknowledged", c.opened_at + std::chrono::hours{2});
            store.update_case(c);
        };
        for (int i = 0; i < 8; ++i) add("a", "lima", false, "texto " + std::to_string(i));
        for (int i = 0; i < 6; ++i) add("a", "cusco", false, "texto");
        for (int i = 0; i < 3; ++i) add("a", "piura", false, "texto");
        add("a", "lima", true, "SECRETO");
        add("a", "lima", true, "SECRETO");
        for (int i = 0; i < 7; ++i) add("b", "lima", false, "=HYPERLINK(\"x\") llame +51 987 654 321");
    }
};

officer as(role r, const std::string& org = "a") { return {1, "Tester", r, org}; }

json body_of(const http_response& res) { return json::parse(res.body()); }

json cell_of(const json& table, const std::string& value) {
    for (const auto& c : table) {
        if (c["value"] == value) return c;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("report query: each bad parameter is named") {
    const config::config cfg = report_config();
    const report_scope all = report_scope_of(as(role::admin));
    struct row {
        const char* query;
        unsigned status;
        const char* mentions;
    };
    const std::vector<row> rows = {
        {"", 0, ""},
        {"type=complaint&region=lima&from=2026-11-01&to=2026-11-30", 0, ""},
        {"type=nonsense", 400, "type"},
        {"category=x", 400, "category"},
        {"status=lost", 400, "status"},
        {"region=mars", 400, "region"},
        {"language=xx", 400, "language"},
        {"channel=fax", 400, "channel"},
        {"organisation=zz", 400, "organisation"},
        {"from=2026-13-01", 400, "from"},
        {"to=2026-02-30", 400, "to"},
        {"from=yesterday", 400, "from"},
        {"from=2026-11-30&to=2026-11-01", 400, "from"},
        {"include_text=yes", 400, "include_text"},
        {"regoin=lima", 400, "regoin"},
        {"type=complaint&type=question", 400, "type"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.query);
        const report_request req = read_report_query(r.query, cfg, all);
        CHECK(req.error_status == r.status);
        CHECK(req.error.find(r.mentions) != std::string::npos);
    }
    const report_request req =
        read_report_query("/api/v1/summary?from=2026-11-01&to=2026-11-30&region=lima", cfg, all);
    REQUIRE(req.error_status == 0);
    CHECK(req.cases.region == "lima");
    CHECK(messages::to_unix_ms(*req.cases.opened_from) == 1'793'491'200'000);  // 2026-11-01
    CHECK(messages::to_unix_ms(*req.cases.opened_to) == 1'796'083'200'000);    // 2026-12-01
    CHECK(read_report_query("region=li%6da", cfg, all).cases.region == "lima");
    const report_request exact =
        read_report_query("from=2026-11-01T10:00:00Z&to=2026-11-02T00:00:00Z", cfg, all);
    REQUIRE(exact.error_status == 0);
    CHECK(messages::to_unix_ms(*exact.cases.opened_from) == 1'793'491'200'000 + 36'000'000);
    CHECK(messages::to_unix_ms(*exact.cases.opened_to) == 1'793'491'200'000 + 86'400'000);
}

TEST_CASE("report scope by role") {
    const config::config cfg = report_config();
    CHECK(report_scope_of(as(role::admin)).organisation.empty());
    CHECK(report_scope_of(as(role::auditor)).organisation.empty());
    CHECK(report_scope_of(as(role::aap_officer)).organisation == "a");
    CHECK(report_scope_of(as(role::aap_officer)).sensitive == messages::sensitivity::exclude);
    CHECK(report_scope_of(as(role::protection_focal_point)).sensitive ==
          messages::sensitivity::include);
    CHECK_FALSE(report_scope_of(as(role::cbo_broadcaster)).allowed);
    // An officer of a asking for b's figures is refused, not silently given a's.
    const report_request req =
        read_report_query("organisation=b", cfg, report_scope_of(as(role::aap_officer)));
    CHECK(req.error_status == 403);
    CHECK(read_report_query("organisation=a", cfg, report_scope_of(as(role::aap_officer)))
              .error_status == 0);
}

TEST_CASE("summary: figures, suppression, the sensitive line and role isolation") {
    report_db db;
    const config::config cfg = report_config();

    CHECK(summary_answer(db.file.path(), cfg, as(role::cbo_broadcaster), "", now).result_int() ==
          403);
    const http_response bad = summary_answer(db.file.path(), cfg, as(role::admin), "region=x", now);
    CHECK(bad.result_int() == 400);
    CHECK(body_of(bad)["error"].get<std::string>().find("region") != std::string::npos);

    // An AAP officer of a: a's 17 ordinary cases, the 2 sensitive ones as one suppressed line.
    http_response res = summary_answer(db.file.path(), cfg, as(role::aap_officer), "", now);
    REQUIRE(res.result_int() == 200);
    CHECK(res[boost::beast::http::field::content_type] == "application/json");
    json doc = body_of(res);
    CHECK(doc["threshold"] == 5);
    CHECK(doc["organisation"] == "a");
    CHECK(doc["total"]["count"] == 17);
    CHECK(doc["sensitive"]["count"].is_null());
    CHECK(doc["sensitive"]["suppressed"] == true);
    CHECK(cell_of(doc["by"]["region"], "lima")["count"] == 8);
    CHECK(cell_of(doc["by"]["region"], "piura")["count"].is_null());
    CHECK(cell_of(doc["by"]["region"], "piura")["suppressed"] == true);
    CHECK(cell_of(doc["by"]["region"], "cusco")["count"].is_null());  // complementary
    CHECK(cell_of(doc["by"]["category"], "sea").is_null());
    CHECK(doc["time_to_acknowledge"]["median_hours"] == 2.0);
    CHECK(cell_of(doc["by"]["month"], "2026-11")["count"] == 17);
    CHECK(doc["time_to_close"]["cases"] == 0);  // nothing closed: no figure, nothing to hide
    CHECK(doc["time_to_close"]["median_hours"].is_null());
    CHECK(doc["acknowledged_within_target"]["share"] == 1.0);
    CHECK(doc["satisfaction"]["average"].is_null());
    CHECK(res.body().find("SECRETO") == std::string::npos);

    // Filters are echoed; a filter narrowing to few cases suppresses the figures over them.
    res = summary_answer(db.file.path(), cfg, as(role::aap_officer), "region=piura", now);
    doc = body_of(res);
    CHECK(doc["filters"] == json{{"region", "piura"}});
    CHECK(doc["total"]["count"].is_null());
    CHECK(doc["time_to_acknowledge"]["median_hours"].is_null());
    CHECK(doc["time_to_acknowledge"]["suppressed"] == true);

    // Auditors and admins: every organisation, sensitive still one line.
    for (const role r : {role::auditor, role::admin}) {
        doc = body_of(summary_answer(db.file.path(), cfg, as(r, "b"), "", now));
        CHECK(doc["total"]["count"] == 24);
        CHECK(doc["organisation"].is_null());
        CHECK(cell_of(doc["by"]["region"], "lima")["count"] == 15);
    }
    doc = body_of(summary_answer(db.file.path(), cfg, as(role::auditor), "organisation=b", now));
    CHECK(doc["total"]["count"] == 7);

    // The focal point of a counts a's sensitive cases in the tables (2: still a small cell).
    doc = body_of(summary_answer(db.file.path(), cfg, as(role::protection_focal_point), "", now));
    CHECK(doc["total"]["count"] == 19);
    CHECK_FALSE(doc.contains("sensitive"));
    CHECK(cell_of(doc["by"]["category"], "sea")["suppressed"] == true);
    CHECK(cell_of(doc["by"]["region"], "lima")["count"] == 10);
}

TEST_CASE("export: roles, scope, headers, no sensitive row, shareable variant") {
    report_db db;
    const config::config cfg = report_config();
    for (const role r : {role::auditor, role::cbo_broadcaster}) {
        CHECK(export_answer(db.file.path(), cfg, as(r), "", now).result_int() == 403);
    }
    http_response res = export_answer(db.file.path(), cfg, as(role::aap_officer), "", now);
    REQUIRE(res.result_int() == 200);
    CHECK(res[boost::beast::http::field::content_type] == "text/csv; charset=utf-8");
    CHECK(res[boost::beast::http::field::content_disposition] ==
          "attachment; filename=\"cases-a-2026-11-26.csv\"");
    const std::string& csv = res.body();
    std::size_t lines = 0;
    for (std::size_t at = csv.find("\r\n"); at != std::string::npos; at = csv.find("\r\n", at + 2)) {
        ++lines;
    }
    CHECK(lines == 2 + 17);  // names, HXL, a's ordinary cases
    CHECK(csv.find("#meta+contact_key") != std::string::npos);
    CHECK(csv.find("SECRETO") == std::string::npos);
    CHECK(csv.find("texto 3") != std::string::npos);
    CHECK(csv.find("+5198700") == std::string::npos);

    // Admin: both organisations; b's planted formula and number come out escaped and redacted.
    res = export_answer(db.file.path(), cfg, as(role::admin), "organisation=b", now);
    CHECK(res.body().find("\"'=HYPERLINK(\"\"x\"\") llame [number removed]\"") !=
          std::string::npos);
    CHECK(res.body().find("987") == std::string::npos);

    res = export_answer(db.file.path(), cfg, as(role::aap_officer), "include_text=0", now);
    CHECK(res.body().find("texto") == std::string::npos);
    CHECK(res.body().find("#description+text") == std::string::npos);
    CHECK(export_answer(db.file.path(), cfg, as(role::aap_officer), "organisation=b", now)
              .result_int() == 403);
}
