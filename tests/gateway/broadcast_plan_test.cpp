// The broadcast planner, pure and table-driven with an injected `now`: quiet hours in a zone
// without DST (Lima), one with DST (Madrid, across the spring change and into its gap) and
// spanning midnight; the language a person gets; what blocks a confirmation; the preview's
// figures (suppression, SMS segments, duration at the channels' rates and reach limit); and
// the rows of a page of recipients (texts, templates, quiet hours by region, reach days).
#include "gateway/broadcast_plan.hpp"
#include "tests/gateway/broadcast_config.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>

using namespace cwc;
using namespace cwc::gateway;
using namespace std::chrono;
using namespace std::chrono_literals;
using messages::timestamp;
using cwc::gateway::testing::planner_config;
using cwc::gateway::testing::utc;

namespace {

messages::broadcast health_campaign() {
    messages::broadcast b;
    b.id = 7;
    b.organisation = "red_cbo";
    b.segment.topics = {"health"};
    b.texts = {{"es", std::string(170, 'a')}, {"ar", "حملة صحية يوم السبت"}};
    b.templates = {{"es", {"brigada_salud", "es_PE", "Callao"}}};
    return b;
}

}  // namespace

TEST_CASE("quiet hours by zone: no DST, DST, across the spring change, spanning midnight or not") {
    const config::quiet_hours night{21 * 60, 8 * 60}, lunch{13 * 60, 15 * 60}, none{9 * 60, 9 * 60};
    struct row {
        const char* name;
        timestamp t;
        config::quiet_hours q;
        const char* zone;
        bool quiet;
        timestamp after;
    };
    const auto nov24 = 2026y / November / 24, nov25 = 2026y / November / 25;
    const row rows[] = {
        {"Lima 21:30: quiet until 08:00", utc(nov24, 2h + 30min), night, "America/Lima", true, utc(nov24, 13h)},
        {"Lima 07:59", utc(nov24, 12h + 59min), night, "America/Lima", true, utc(nov24, 13h)},
        {"Lima 08:00: over", utc(nov24, 13h), night, "America/Lima", false, utc(nov24, 13h)},
        {"Lima 20:59: not yet", utc(nov24, 1h + 59min), night, "America/Lima", false, utc(nov24, 1h + 59min)},
        {"Lima 13:30, quiet at lunch", utc(nov24, 18h + 30min), lunch, "America/Lima", true, utc(nov24, 20h)},
        {"Lima 15:00, lunch is over", utc(nov24, 20h), lunch, "America/Lima", false, utc(nov24, 20h)},
        {"Lima 23:00, only lunch is quiet", utc(nov25, 4h), lunch, "America/Lima", false, utc(nov25, 4h)},
        {"start = end: never quiet", utc(nov24, 14h), none, "America/Lima", false, utc(nov24, 14h)},
        {"Madrid in winter (UTC+1) 21:00", utc(nov24, 20h), night, "Europe/Madrid", true, utc(nov25, 7h)},
        {"Madrid in summer (UTC+2) 21:30", utc(2026y / July / 1, 19h + 30min), night, "Europe/Madrid", true,
         utc(2026y / July / 2, 6h)},
        {"Madrid the night clocks go forward: 08:00 CEST", utc(2026y / March / 28, 21h), night, "Europe/Madrid",
         true, utc(2026y / March / 29, 6h)},
        {"quiet hours ending in the skipped hour end at the change", utc(2026y / March / 28, 22h),
         {22 * 60, 2 * 60 + 30}, "Europe/Madrid", true, utc(2026y / March / 29, 1h)},
    };
    for (const auto& r : rows) {
        INFO(r.name);
        CHECK(in_quiet_hours(r.t, r.q, r.zone) == r.quiet);
        CHECK(after_quiet_hours(r.t, r.q, r.zone) == r.after);
        CHECK_FALSE(in_quiet_hours(after_quiet_hours(r.t, r.q, r.zone), r.q, r.zone));
    }
    CHECK_THROWS_AS(in_quiet_hours(utc(nov24, 0h), night, "Mars/Olympus_Mons"), std::runtime_error);
}

TEST_CASE("a region's own zone, else the broadcasts' zone") {
    const auto cfg = planner_config();
    CHECK(zone_of(cfg, "madrid") == "Europe/Madrid");
    CHECK(zone_of(cfg, "lima") == "America/Lima");
    CHECK(zone_of(cfg, "") == "America/Lima");
    CHECK(zone_of(cfg, "atlantis") == "America/Lima");
}

TEST_CASE("a person gets their language when the broadcast has a text in it, else the default") {
    const auto cfg = planner_config();
    auto b = health_campaign();
    b.texts["en"] = "  ";
    const std::pair<const char*, const char*> rows[] = {
        {"ar", "ar"}, {"es", "es"}, {"", "es"}, {"en", "es"} /* blank text */, {"fr", "es"} /* not configured */};
    for (const auto& [person, expected] : rows) {
        INFO(person);
        CHECK(text_language(b, cfg, person) == expected);
    }
    b.texts.erase("es");
    CHECK(text_language(b, cfg, "ar") == "ar");
    CHECK(text_language(b, cfg, "en").empty());
}

TEST_CASE("what blocks a confirmation, one problem at a time") {
    const auto cfg = planner_config();
    const timestamp now = utc(2026y / November / 24, 15h);
    const std::vector<messages::audience_cell> closed_ar{{"wa", "ar", 10, 3}};
    struct row {
        const char* name;
        void (*change)(messages::broadcast&);
        std::vector<messages::audience_cell> audience;
        const char* problem;  // "" = none
    };
    const row rows[] = {
        {"fine", [](messages::broadcast&) {}, {{"wa", "es", 10, 3}, {"sms", "ar", 4, 4}}, ""},
        {"no default text", [](messages::broadcast& b) { b.texts.erase("es"); }, {}, "no text in the default language 'es'"},
        {"empty text", [](messages::broadcast& b) { b.texts["ar"] = " "; }, {}, "empty text for language 'ar'"},
        {"text in an unknown language", [](messages::broadcast& b) { b.texts["fr"] = "Bonjour"; }, {}, "text in unknown language 'fr'"},
        {"no topic", [](messages::broadcast& b) { b.segment.topics.clear(); }, {}, "no topic: a campaign needs at least one"},
        {"a collective answer needs none", [](messages::broadcast& b) { b.segment.topics.clear(); b.answers_code = "rumour_water"; }, {}, ""},
        {"unknown code", [](messages::broadcast& b) { b.segment.topics.clear(); b.answers_code = "rumour_fire"; }, {}, "unknown code 'rumour_fire'"},
        {"unknown topic", [](messages::broadcast& b) { b.segment.topics.push_back("jobs"); }, {}, "unknown topic 'jobs'"},
        {"another organisation's topic", [](messages::broadcast& b) { b.organisation = "other"; }, {},
         "topic 'health' is not one organisation 'other' may broadcast on"},
        {"unknown region", [](messages::broadcast& b) { b.segment.regions = {"lima", "atlantis"}; }, {}, "unknown region 'atlantis'"},
        {"unknown language", [](messages::broadcast& b) { b.segment.languages = {"qu"}; }, {}, "unknown language 'qu'"},
        {"unknown channel", [](messages::broadcast& b) { b.segment.channels = {"fax"}; }, {}, "unknown channel 'fax'"},
        {"the default template stands in for Arabic", [](messages::broadcast&) {}, closed_ar, ""},
        {"no template for people outside the window", [](messages::broadcast& b) { b.templates.clear(); }, closed_ar,
         "WhatsApp channel 'wa': people whose 24-hour window is closed need an approved template for 'ar' (or the default language)"},
        {"all inside the window: no template needed", [](messages::broadcast& b) { b.templates.clear(); }, {{"wa", "ar", 10, 0}}, ""},
        {"SMS needs no template", [](messages::broadcast& b) { b.templates.clear(); }, {{"sms", "ar", 10, 10}}, ""},
        {"scheduled in the past", [](messages::broadcast& b) { b.scheduled_at = messages::from_unix_ms(0); }, {}, "the scheduled time has passed"},
    };
    for (const auto& r : rows) {
        INFO(r.name);
        auto b = health_campaign();
        r.change(b);
        const auto problems = broadcast_problems(b, cfg, r.audience, now);
        if (std::string_view{r.problem}.empty()) {
            CHECK(problems.empty());
        } else {
            REQUIRE(problems.size() == 1);
            CHECK(problems.front() == r.problem);
        }
    }
}

TEST_CASE("the preview: people per channel and language, small counts withheld, cost and duration") {
    const auto cfg = planner_config();
    auto b = health_campaign();
    const timestamp now = utc(2026y / November / 24, 15h);  // 10:00 in Lima
    const std::vector<messages::audience_cell> audience{
        {"sms", "ar", 3, 0}, {"sms", "es", 100, 0}, {"sms", "fr", 4, 4} /* no French text: Spanish */,
        {"wa", "ar", 10, 2}, {"wa", "es", 50, 30}};
    const auto p = preview_of(b, cfg, audience, now);
    REQUIRE(p.lines.size() == 4);
    CHECK(p.lines[0].channel_id == "sms");
    CHECK(p.lines[0].language == "ar");
    CHECK_FALSE(p.lines[0].people.has_value());  // 3 < 5
    CHECK(p.lines[0].segments_per_message == 1);
    CHECK_FALSE(p.lines[0].segments.has_value());
    CHECK(p.lines[1].language == "es");
    CHECK(p.lines[1].people == 104);
    CHECK(p.lines[1].segments_per_message == 2);  // 170 GSM characters
    CHECK(p.lines[1].segments == 208);
    CHECK_FALSE(p.lines[1].outside_window.has_value());  // SMS has no window
    // The smallest other line goes too, or the hidden 3 would be the total minus the rest.
    CHECK(p.lines[2].channel_id == "wa");
    CHECK_FALSE(p.lines[2].people.has_value());
    CHECK_FALSE(p.lines[2].outside_window.has_value());
    CHECK(p.lines[3].people == 50);
    CHECK(p.lines[3].outside_window == 30);
    CHECK(p.lines[3].segments_per_message == 0);
    CHECK(p.people == 167);
    CHECK(p.sms_segments == 211);
    // SMS: 107 at 5/s = 21.4 s. WhatsApp: 32 outside at 2 a day = 16 days; the last day's 2 at
    // 10/s start 15 days later.
    CHECK(p.days_for_reach_limit == 16);
    CHECK(p.estimated_seconds == doctest::Approx(15 * 86400.0 + 0.2));
    CHECK(p.starts_at == now);
    CHECK(p.problems.empty());

    // Without the reach limit the slowest channel decides; at night the start waits for 08:00.
    auto unlimited = cfg;
    unlimited.channels[1].daily_reach_limit = 0;
    const timestamp night = utc(2026y / November / 25, 4h);  // 23:00 in Lima
    const auto q = preview_of(b, unlimited, audience, night);
    CHECK(q.days_for_reach_limit == 1);
    CHECK(q.estimated_seconds == doctest::Approx(21.4));
    CHECK(q.starts_at == utc(2026y / November / 25, 13h));
    b.respect_quiet_hours = false;
    CHECK(preview_of(b, unlimited, audience, night).starts_at == night);
    b.segment.regions = {"madrid"};  // 05:00 in Madrid: quiet until 08:00 there
    b.respect_quiet_hours = true;
    CHECK(preview_of(b, unlimited, audience, night).starts_at == utc(2026y / November / 25, 7h));

    const auto few = preview_of(b, cfg, {{"sms", "es", 4, 0}}, now);
    CHECK_FALSE(few.people.has_value());
    CHECK_FALSE(few.sms_segments.has_value());
}

TEST_CASE("plan_rows: text in the person's language, templates outside the window, quiet hours by region, reach days") {
    const auto cfg = planner_config();
    auto b = health_campaign();
    const timestamp now = utc(2026y / November / 24, 21h);  // 16:00 in Lima, 22:00 in Madrid
    auto person = [](std::int64_t id, const char* channel, const char* lang, const char* region = "lima",
                     std::optional<timestamp> last = std::nullopt) {
        messages::broadcast_recipient r;
        r.contact_id = id;
        r.address = "+5198700" + std::to_string(1000 + id);
        r.channel_id = channel;
        r.language = lang;
        r.region = region;
        r.last_inbound_on_channel = last;
        return r;
    };
    const std::vector<messages::broadcast_recipient> page{
        person(1, "sms", "es"), person(2, "sms", ""), person(3, "sms", "ar"), person(4, "sms", "en"),
        person(5, "wa", "es", "lima", now - 1h), person(6, "wa", "ar"), person(7, "wa", "ar"),
        person(8, "wa", "es", "lima", now - 25h), person(9, "fax", "es"), person(10, "sms", "es", "madrid")};
    reach_budget budget;
    const auto rows = plan_rows(b, cfg, page, now, budget);
    REQUIRE(rows.size() == 9);
    const auto& es = b.texts.at("es");
    struct expected {
        std::int64_t contact;
        std::string text, template_name;
        timestamp due;
    };
    const expected want[] = {
        {1, es, "", now}, {2, es, "", now}, {3, b.texts.at("ar"), "", now}, {4, es, "", now},
        {5, es, "", now}, {6, "", "brigada_salud", now}, {7, "", "brigada_salud", now},
        {8, "", "brigada_salud", now + 24h},  // the tier's 2 a day are used up
        {10, es, "", utc(2026y / November / 25, 7h)}};  // 08:00 in Madrid
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO("row " << i);
        const auto& m = rows[i];
        CHECK(m.contact_id == want[i].contact);
        CHECK(m.to == page[static_cast<std::size_t>(want[i].contact - 1)].address);
        CHECK(m.text == want[i].text);
        CHECK(m.template_name == want[i].template_name);
        CHECK(m.next_attempt_at == want[i].due);
        CHECK(m.priority == messages::outbound_priority::broadcast);
        CHECK_FALSE(m.solicited);
        CHECK(m.broadcast_id == 7);
        CHECK(m.created_at == now);
        CHECK(m.template_parameter == (m.template_name.empty() ? "" : "Callao"));
        CHECK(m.template_language == (m.template_name.empty() ? "" : "es_PE"));
    }
    CHECK(rows[0].segments == 2);
    CHECK(budget.used["wa"] == 3);
    // The next page continues the budget: another day later.
    const auto next = plan_rows(b, cfg, {person(11, "wa", "es")}, now, budget);
    REQUIRE(next.size() == 1);
    CHECK(next[0].next_attempt_at == now + 24h);
    CHECK(plan_rows(b, cfg, {person(12, "wa", "es")}, now, budget)[0].next_attempt_at == now + 48h);
}

TEST_CASE("plan_rows: segment languages, a window that closes before the schedule, collective answers") {
    const auto cfg = planner_config();
    auto b = health_campaign();
    const timestamp now = utc(2026y / November / 24, 15h);
    messages::broadcast_recipient es_person{1, "+51987001001", "wa", "es", "lima", now - 1h, 0};
    messages::broadcast_recipient unchosen{2, "+51987001002", "sms", "", "lima", {}, 0};
    messages::broadcast_recipient ar_person{3, "+51987001003", "sms", "ar", "lima", {}, 0};
    reach_budget budget;
    b.segment.languages = {"ar"};
    auto rows = plan_rows(b, cfg, {es_person, unchosen, ar_person}, now, budget);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].contact_id == 3);
    b.segment.languages = {"es"};  // the default language: people who never chose are in it
    rows = plan_rows(b, cfg, {es_person, unchosen, ar_person}, now, budget);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].contact_id == 2);

    b.segment.languages.clear();
    b.scheduled_at = now + 30h;  // the window (open now) will have closed by then
    rows = plan_rows(b, cfg, {es_person}, now, budget);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].template_name == "brigada_salud");
    CHECK(rows[0].next_attempt_at == now + 30h);
    b.templates.clear();
    CHECK(plan_rows(b, cfg, {es_person}, now, budget).empty());  // nothing can carry it

    b.scheduled_at.reset();
    b.answers_code = "rumour_water";
    rows = plan_rows(b, cfg, {ar_person}, now, budget);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].solicited);
}
