// Broadcast drafts and list queries read strictly (types, unknown fields, texts, RFC 3339
// schedules) and checked against the example config and the officer's role: topics of the
// organisation only, known regions/languages/channels, codes of non-sensitive categories.
#include "gateway/broadcast_request.hpp"
#include "gateway/broadcast_desk.hpp"
#include "gateway/broadcast_json.hpp"
#include "tests/gateway/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::gateway;
using namespace cwc::messages;
using namespace std::chrono_literals;

namespace {

const timestamp t0 = from_unix_ms(1'790'000'000'000);  // 2026-09-21T14:13:20Z
const officer broadcaster{7, "Rosa", role::cbo_broadcaster, "red_cbo"};
const officer other_broadcaster{8, "Ana", role::cbo_broadcaster, "union_venezolana"};
const officer aap{9, "Lucía", role::aap_officer, "red_cbo"};
const officer admin{1, "Root", role::admin, "red_cbo"};
const officer auditor{2, "Ines", role::auditor, "union_venezolana"};
const officer focal{3, "Pia", role::protection_focal_point, "red_cbo"};

const char* campaign = R"({"name": "Brigada de salud Callao", "topics": ["health_brigades"],
  "regions": ["callao"], "languages": ["es", "en"], "channels": ["sms"],
  "texts": {"es": "Brigada de salud el sábado", "en": "Health brigade on Saturday"},
  "scheduled_at": "2026-09-22T09:00:00-05:00", "respect_quiet_hours": false})";

broadcast_draft read_ok(const std::string& body) {
    broadcast_draft d;
    const auto refused = read_broadcast_draft(body, d);
    CHECK_MESSAGE(!refused, (refused ? refused->reason : ""));
    return d;
}

std::string refusal_of(const std::string& body) {
    broadcast_draft d;
    const auto refused = read_broadcast_draft(body, d);
    if (!refused) return "";
    CHECK(refused->status == 400);
    return refused->reason;
}

}  // namespace

TEST_CASE("a campaign draft is read with its segment, texts and schedule") {
    const auto d = read_ok(campaign);
    CHECK(d.name == "Brigada de salud Callao");
    CHECK(d.segment.topics == std::vector<std::string>{"health_brigades"});
    CHECK(d.segment.regions == std::vector<std::string>{"callao"});
    CHECK(d.segment.languages == std::vector<std::string>{"es", "en"});
    CHECK(d.texts.at("en") == "Health brigade on Saturday");
    REQUIRE(d.scheduled_at);
    CHECK(to_unix_ms(*d.scheduled_at) == 1'790'085'600'000);  // 14:00 UTC the next day
    CHECK_FALSE(d.respect_quiet_hours);
    CHECK(d.answers_code.empty());

    const auto minimal = read_ok(R"({"name":"x","topics":["a","a"],"texts":{"es":"hola"}})");
    CHECK(minimal.segment.topics.size() == 1);  // repeats collapse
    CHECK(minimal.respect_quiet_hours);
    CHECK_FALSE(minimal.scheduled_at);
    const auto collective = read_ok(
        R"({"name":"Rumor","answers_code":"fee_rumour","texts":{"es":"Es gratis"},
            "templates":{"es":{"name":"aviso","language":"es","body_parameter":"Es gratis"}},
            "scheduled_at": null})");
    CHECK(collective.answers_code == "fee_rumour");
    CHECK(collective.templates.at("es") == broadcast_template{"aviso", "es", "Es gratis"});
}

TEST_CASE("malformed drafts are refused with a reason naming the field") {
    const std::vector<std::pair<std::string, std::string>> table = {
        {"not json", "not valid JSON"},
        {"[1]", "JSON object"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"topic":["t"]})", "'topic': unknown"},
        {R"({"topics":["t"],"texts":{"es":"a"}})", "'name'"},
        {R"({"name":"","topics":["t"],"texts":{"es":"a"}})", "'name'"},
        {R"({"name":"x","texts":{"es":"a"}})", "either 'topics'"},
        {R"({"name":"x","topics":["t"],"answers_code":"c","texts":{"es":"a"}})", "either"},
        {R"({"name":"x","topics":"t","texts":{"es":"a"}})", "'topics': must be a list"},
        {R"({"name":"x","topics":[1],"texts":{"es":"a"}})", "'topics': must be a list"},
        {R"({"name":"x","topics":["t"],"regions":[""],"texts":{"es":"a"}})", "'regions'"},
        {R"({"name":"x","topics":["t"]})", "'texts': is required"},
        {R"({"name":"x","topics":["t"],"texts":{}})", "'texts': must be"},
        {R"({"name":"x","topics":["t"],"texts":{"es":""}})", "'texts.es': must not be empty"},
        {R"({"name":"x","topics":["t"],"texts":{"es":5}})", "'texts.es': must be a string"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a\u0007"}})", "control characters"},
        {R"({"name":"x","topics":["t"],"texts":{"es":")" + std::string(1601, 'a') + "\"}}",
         "at most 1600"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"templates":{"es":{"name":"n"}}})",
         "'templates.es.language'"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"templates":{"es":{"name":"n","language":"es","x":1}}})",
         "'templates.es.x': unknown"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"scheduled_at":"2026-09-22"})",
         "'scheduled_at'"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"scheduled_at":"tomorrow"})",
         "'scheduled_at'"},
        {R"({"name":"x","topics":["t"],"texts":{"es":"a"},"respect_quiet_hours":"no"})",
         "'respect_quiet_hours'"},
    };
    for (const auto& [body, reason] : table) {
        CAPTURE(body);
        const auto why = refusal_of(body);
        CHECK_MESSAGE(why.find(reason) != std::string::npos, why);
    }
}

TEST_CASE("a draft is checked against the config and the officer's organisation") {
    const auto cfg = testing::load_example_config();
    auto d = read_ok(campaign);
    d.scheduled_at.reset();
    CHECK_FALSE(draft_refusal(cfg, broadcaster, d, t0));
    CHECK_FALSE(draft_refusal(cfg, aap, d, t0));

    struct row {
        const officer* who;
        std::function<void(broadcast_draft&)> change;
        desk_outcome outcome;
        std::string reason;
    };
    const std::vector<row> table = {
        {&auditor, [](auto&) {}, desk_outcome::forbidden, "cannot create"},
        {&focal, [](auto&) {}, desk_outcome::forbidden, "cannot create"},
        {&admin, [](auto&) {}, desk_outcome::invalid, "names the broadcast's organisation"},
        {&admin, [](auto& x) { x.organisation = "nobody"; }, desk_outcome::invalid,
         "no organisation"},
        {&broadcaster, [](auto& x) { x.organisation = "union_venezolana"; },
         desk_outcome::forbidden, "own organisation"},
        {&other_broadcaster, [](auto&) {}, desk_outcome::invalid,
         "'health_brigades' is not one union_venezolana broadcasts on"},
        {&broadcaster, [](auto& x) { x.segment.topics = {"weather"}; }, desk_outcome::invalid,
         "no topic 'weather'"},
        {&broadcaster, [](auto& x) { x.segment.regions = {"cusco"}; }, desk_outcome::invalid,
         "no region 'cusco'"},
        {&broadcaster, [](auto& x) { x.segment.languages = {"fr"}; }, desk_outcome::invalid,
         "no language 'fr'"},
        {&broadcaster, [](auto& x) { x.segment.channels = {"whatsapp"}; }, desk_outcome::invalid,
         "no channel 'whatsapp'"},
        {&broadcaster, [](auto& x) { x.texts["qu"] = "x"; }, desk_outcome::invalid,
         "texts: no language 'qu'"},
        {&broadcaster,
         [](auto& x) {
             x.templates["fr"] = {"n", "fr", ""};
         },
         desk_outcome::invalid, "templates: no language 'fr'"},
        {&broadcaster, [](auto& x) { x.scheduled_at = t0 - 2min; }, desk_outcome::invalid,
         "in the past"},
        {&broadcaster, [](auto& x) { x.scheduled_at = t0 + std::chrono::days(400); },
         desk_outcome::invalid, "a year ahead"},
        {&broadcaster,
         [](auto& x) {
             x.segment.topics.clear();
             x.answers_code = "fee_rumour";
         },
         desk_outcome::forbidden, "AAP officers"},
        {&aap,
         [](auto& x) {
             x.segment.topics.clear();
             x.answers_code = "sea";
         },
         desk_outcome::invalid, "not a code of a non-sensitive category"},
        {&aap,
         [](auto& x) {
             x.segment.topics.clear();
             x.answers_code = "rumours";
         },
         desk_outcome::invalid, "not a code"},
    };
    for (const auto& r : table) {
        auto changed = d;
        r.change(changed);
        CAPTURE(r.reason);
        const auto refused = draft_refusal(cfg, *r.who, changed, t0);
        REQUIRE(refused);
        CHECK(refused->outcome == r.outcome);
        CHECK_MESSAGE(refused->reason.find(r.reason) != std::string::npos, refused->reason);
    }

    auto shared = d;  // a topic two organisations share
    shared.segment.topics = {"documentation_drives"};
    CHECK_FALSE(draft_refusal(cfg, other_broadcaster, shared, t0));
    auto by_admin = d;
    by_admin.organisation = "red_cbo";
    CHECK_FALSE(draft_refusal(cfg, admin, by_admin, t0));
    auto answer = d;
    answer.segment.topics.clear();
    answer.answers_code = "fee_rumour";
    CHECK_FALSE(draft_refusal(cfg, aap, answer, t0));
}

TEST_CASE("who sees and changes a broadcast, and the status shown") {
    broadcast b;
    b.organisation = "red_cbo";
    b.texts["es"] = "hola";
    for (const auto* o : {&broadcaster, &aap, &admin}) {
        CHECK(may_see(*o, b));
        CHECK(may_change(*o, b));
    }
    CHECK(may_see(auditor, b));
    CHECK_FALSE(may_change(auditor, b));
    CHECK_FALSE(may_see(other_broadcaster, b));
    CHECK_FALSE(may_see(focal, b));
    CHECK_FALSE(has_broadcasts(focal));
    CHECK(actor_of(broadcaster) == "officer:Rosa");
    CHECK(actor_of(officer{0, "root", role::admin, ""}) == "cli:root");

    // Another organisation's auditor sees counts, not the organisation's words.
    CHECK(broadcast_json(b, auditor, t0)["texts"].is_null());
    CHECK(broadcast_json(b, broadcaster, t0)["texts"]["es"] == "hola");
    b.status = broadcast_status::sending;
    b.scheduled_at = t0 + 1h;
    CHECK(shown_status(b, t0) == "scheduled");
    CHECK(shown_status(b, t0 + 2h) == "sending");
    b.status = broadcast_status::paused;
    CHECK(shown_status(b, t0) == "paused");
}

TEST_CASE("the broadcast list's query is read strictly") {
    broadcast_list_request q;
    CHECK_FALSE(read_broadcast_list("", q));
    CHECK(q.limit == 50);
    CHECK_FALSE(read_broadcast_list("status=scheduled&before=12&limit=3", q));
    CHECK(q.status == "scheduled");
    CHECK(q.before_id == 12);
    CHECK(q.limit == 3);
    for (const char* bad : {"status=done", "limit=0", "limit=201", "before=x", "before=-1",
                            "sort=id", "limit=2&limit=3"}) {
        CAPTURE(bad);
        const auto refused = read_broadcast_list(bad, q);
        REQUIRE(refused);
        CHECK(refused->status == 400);
    }
}
