// The officers' API's strict reading of requests, without sockets: list filters checked against
// the config and scoped by role, case-change bodies (types, unknown fields, UTF-8, lengths),
// RFC 3339 times, the failed-attempt limit over a sliding minute, and conversations withholding
// what the reader may not see.
#include "gateway/officer_requests.hpp"
#include "gateway/case_json.hpp"
#include "gateway/failed_attempts.hpp"
#include "gateway/rfc3339.hpp"
#include "tests/gateway/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::gateway;
using namespace cwc::messages;
using namespace std::chrono_literals;

namespace {

const timestamp t0 = from_unix_ms(1'790'000'000'000);
const case_scope officer_scope{true, "red_cbo", false};
const case_scope focal_scope{true, "red_cbo", true};
const case_scope admin_scope{true, "", false};

}  // namespace

TEST_CASE("RFC 3339 times and dates are read strictly and written in UTC") {
    CHECK(rfc3339(from_unix_ms(0)) == "1970-01-01T00:00:00Z");
    CHECK(rfc3339(from_unix_ms(1'790'000'000'250)) == "2026-09-21T14:13:20.250Z");
    CHECK(parse_rfc3339("2026-09-21T14:13:20.250Z") == from_unix_ms(1'790'000'000'250));
    CHECK(parse_rfc3339("2026-09-21T16:13:20.25+02:00") == from_unix_ms(1'790'000'000'250));
    CHECK(parse_rfc3339("2026-09-21T09:13:20-05:00") == from_unix_ms(1'790'000'000'000));
    CHECK(parse_rfc3339("1970-01-02") == from_unix_ms(86'400'000));
    for (const char* bad : {"", "2026-02-30", "2026-13-01", "2026-1-01", "2026-09-21T25:00:00Z",
                            "2026-09-21T10:00:00", "2026-09-21 10:00:00Z", "2026-09-21T10:00:00Zx",
                            "yesterday", "2026-09-21T10:00:00+5"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_rfc3339(bad));
    }
}

TEST_CASE("case list filters: config ids, dates, paging, and the officer's scope") {
    const auto cfg = testing::load_example_config();
    case_list_request r;
    REQUIRE_FALSE(read_case_list("", cfg, officer_scope, t0, r));
    CHECK(r.query.organisation == "red_cbo");
    CHECK(r.query.sensitive == sensitivity::exclude);
    CHECK(r.query.limit == 50);
    CHECK(r.query.now == t0);

    REQUIRE_FALSE(
        read_case_list("type=complaint&category=documentation&status=new&region=lima"
                       "&language=es&channel=sms&from=2026-11-01&to=2026-11-30"
                       "&overdue=1&limit=200&before=42",
                       cfg, admin_scope, t0, r));
    CHECK(r.query.organisation.empty());
    CHECK(r.query.type == "complaint");
    CHECK(r.query.category == "documentation");
    CHECK(r.query.status == "new");
    CHECK(r.query.region == "lima");
    CHECK(r.query.language == "es");
    CHECK(r.query.channel == "sms");
    CHECK(r.query.opened_from == parse_rfc3339("2026-11-01"));
    CHECK(r.query.opened_to == parse_rfc3339("2026-12-01"));  // the whole of the 30th
    CHECK(r.query.overdue_only);
    CHECK(r.query.limit == 200);
    CHECK(r.query.before_id == 42);

    // Focal points see their organisation's sensitive cases by default, and may ask for only them.
    REQUIRE_FALSE(read_case_list("", cfg, focal_scope, t0, r));
    CHECK(r.query.sensitive == sensitivity::include);
    REQUIRE_FALSE(read_case_list("sensitive=only", cfg, focal_scope, t0, r));
    CHECK(r.query.sensitive == sensitivity::only);

    struct refused {
        const char* query;
        case_scope scope;
        unsigned status;
        const char* names;
    };
    const refused cases[] = {
        {"type=complaintt", officer_scope, 400, "type"},
        {"category=nope", officer_scope, 400, "category"},
        {"status=done", officer_scope, 400, "status"},
        {"region=mars", officer_scope, 400, "region"},
        {"language=xx", officer_scope, 400, "language"},
        {"channel=fax", officer_scope, 400, "channel"},
        {"from=yesterday", officer_scope, 400, "from"},
        {"from=2026-11-30&to=2026-11-01", officer_scope, 400, "to"},
        {"overdue=yes", officer_scope, 400, "overdue"},
        {"limit=0", officer_scope, 400, "limit"},
        {"limit=201", officer_scope, 400, "limit"},
        {"limit=5x", officer_scope, 400, "limit"},
        {"before=-1", officer_scope, 400, "before"},
        {"type=complaint&type=question", officer_scope, 400, "twice"},
        {"organisation=union_venezolana", officer_scope, 400, "organisation"},
        {"sensitive=include", officer_scope, 403, "focal points"},
        {"sensitive=only", admin_scope, 403, "focal points"},
        {"sensitive=some", focal_scope, 400, "sensitive"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.query);
        const auto why = read_case_list(c.query, cfg, c.scope, t0, r);
        REQUIRE(why);
        CHECK(why->status == c.status);
        CHECK(why->reason.find(c.names) != std::string::npos);
    }
}

TEST_CASE("case change bodies: exact types, known fields only, checked texts") {
    {
        change_body b(R"({"status": "acknowledged", "note": "seen"})");
        CHECK(b.text("status", true) == "acknowledged");
        CHECK(b.text("note", false) == "seen");
        CHECK_FALSE(b.finish());
    }
    {
        change_body b("");  // flag/unflag need nothing
        CHECK(b.text("note", false).empty());
        CHECK_FALSE(b.finish());
    }
    {
        change_body b(R"({"organisation": "red_cbo", "share_contact": true, "codes": ["a", "b"]})");
        CHECK(b.text("organisation", true) == "red_cbo");
        CHECK(b.flag("share_contact"));
        CHECK_FALSE(b.flag("consent_recorded"));
        CHECK(b.text_list("codes") == std::vector<std::string>{"a", "b"});
        CHECK_FALSE(b.finish());
    }
    {
        change_body b(R"({"officer": ""})");  // unassigning
        CHECK(b.text("officer", true, true).empty());
        CHECK_FALSE(b.finish());
    }
    const std::string long_text(max_text_chars + 1, 'a');
    std::string long_accented;  // 1,600 characters, 3,200 bytes: allowed
    for (std::size_t i = 0; i < max_text_chars; ++i) long_accented += "\xC3\xA1";
    {
        change_body b(R"({"text": ")" + long_accented + R"("})");
        CHECK(b.text("text", true) == long_accented);
        CHECK_FALSE(b.finish());
    }
    struct refused {
        const char* name;
        std::string body;
        const char* names;
    };
    const refused cases[] = {
        {"not JSON", "{status: new}", "JSON"},
        {"invalid UTF-8", "{\"text\": \"\xC3\x28\"}", "JSON"},
        {"an array", "[]", "object"},
        {"missing", R"({"note": "x"})", "'text' is required"},
        {"a number", R"({"text": 5})", "string"},
        {"empty", R"({"text": ""})", "empty"},
        {"too long", R"({"text": ")" + long_text + R"("})", "1600"},
        {"a control character", R"({"text": "a\u0007b"})", "control"},
        {"an unknown field", R"({"text": "hola", "priority": 1})", "unknown field 'priority'"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        change_body b(c.body);
        b.text("text", true);
        const auto why = b.finish();
        REQUIRE(why);
        CHECK(why->status == 400);
        CHECK(why->reason.find(c.names) != std::string::npos);
    }
    change_body flag_as_text(R"({"share_contact": "yes"})");
    flag_as_text.flag("share_contact");
    CHECK(flag_as_text.finish());
    change_body codes_as_text(R"({"codes": "a,b"})");
    codes_as_text.text_list("codes");
    CHECK(codes_as_text.finish());
}

TEST_CASE("failed attempts: the limit per address over a sliding minute, with the wait to tell") {
    using clock = failed_attempts::clock;
    const auto t = clock::time_point{} + 1h;
    failed_attempts limit(3);
    CHECK_FALSE(limit.refused_for("10.0.0.1", t));
    limit.record_failure("10.0.0.1", t);
    limit.record_failure("10.0.0.1", t + 10s);
    CHECK_FALSE(limit.refused_for("10.0.0.1", t + 11s));
    limit.record_failure("10.0.0.1", t + 20s);
    const auto wait = limit.refused_for("10.0.0.1", t + 21s);
    REQUIRE(wait);
    CHECK(*wait == 39s);                                  // until the first failure is a minute old
    CHECK_FALSE(limit.refused_for("10.0.0.2", t + 21s));  // another address is not affected
    CHECK_FALSE(limit.refused_for("10.0.0.1", t + 60s));
    limit.record_failure("10.0.0.1", t + 61s);
    CHECK(limit.refused_for("10.0.0.1", t + 62s));
    CHECK_FALSE(limit.refused_for("10.0.0.1", t + 2min));

    // Memory stays bounded when addresses rotate.
    failed_attempts small(1, 4);
    for (int i = 0; i < 100; ++i) small.record_failure("10.1.0." + std::to_string(i), t + 1s * i);
    CHECK(small.refused_for("10.1.0.99", t + 100s));
    CHECK_FALSE(small.refused_for("10.1.0.0", t + 100s));
}

TEST_CASE("a conversation withholds the messages that filed cases the reader may not see") {
    auto in = [](std::int64_t id, std::string text) {
        conversation_entry m;
        m.id = id;
        m.inbound = true;
        m.kind = "text";
        m.text = std::move(text);
        m.media_ids = {id * 10};
        return m;
    };
    std::vector<conversation_entry> entries = {
        in(1, "2"),
        in(2, "Mi pareja me golpea"),  // the first SMS of a description in two parts
        in(3, "y no sé a quién decirle"),
        in(4, "Mi CPP no llega"),
        in(5, "4"),
    };
    conversation_entry ours;
    ours.id = 3;  // an outbox id may equal an inbound id: replies are never withheld
    ours.inbound = false;
    ours.text = "Gracias por confiar en nosotros";
    entries.push_back(ours);
    conversation_entry safe_reply = ours;  // the answer to the hidden case's message
    safe_reply.id = 9;
    safe_reply.in_reply_to = 3;
    safe_reply.text = "Solo el equipo de protección verá tu mensaje";
    entries.push_back(safe_reply);
    conversation_entry cpp_reply = ours;  // the answer to a case the reader may see
    cpp_reply.id = 10;
    cpp_reply.in_reply_to = 4;
    cpp_reply.text = "Recibimos tu queja";
    entries.push_back(cpp_reply);
    case_record hidden;
    hidden.inbound_id = 3;
    hidden.description = "Mi pareja me golpea y no sé a quién decirle";
    withhold(entries, {hidden});
    CHECK(entries[0].text == "2");
    CHECK(entries[1].kind == "withheld");
    CHECK(entries[1].text.empty());
    CHECK(entries[1].media_ids.empty());
    CHECK(entries[2].kind == "withheld");
    CHECK(entries[3].text == "Mi CPP no llega");
    CHECK(entries[4].text == "4");
    CHECK(entries[5].text == "Gracias por confiar en nosotros");
    CHECK(entries[6].kind == "withheld");
    CHECK(entries[6].text.empty());
    CHECK(entries[7].text == "Recibimos tu queja");
    std::vector<conversation_entry> untouched = {in(1, "Mi pareja me golpea")};
    withhold(untouched, {});
    CHECK(untouched[0].text == "Mi pareja me golpea");
}
