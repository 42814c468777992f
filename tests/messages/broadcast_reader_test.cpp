// Broadcasts on a real SQLite file, the read side (broadcast_reader): lists, progress, campaign
// and collective audiences and their recipients.
#include "messages/broadcast_reader.hpp"
#include "tests/messages/broadcast_fixture.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace cwc::messages;
using namespace cwc::messages::testing;
using namespace std::chrono_literals;

TEST_CASE("the reader lists broadcasts newest first, per organisation, in pages") {
    broadcast_fixture f;
    const auto a1 = f.s.broadcasts().create(campaign("a"));
    const auto b1 = f.s.broadcasts().create(campaign("b"));
    const auto a2 = f.s.broadcasts().create(campaign("a"));
    broadcast_reader reader{f.file.path()};
    auto ids = [](const std::vector<broadcast>& list) {
        std::vector<std::int64_t> out;
        for (const auto& b : list) out.push_back(b.id);
        return out;
    };
    CHECK(ids(reader.list("a", 10)) == std::vector<std::int64_t>{a2, a1});
    CHECK(ids(reader.list("", 10)) == std::vector<std::int64_t>{a2, b1, a1});
    CHECK(ids(reader.list("", 1, a2)) == std::vector<std::int64_t>{b1});
    CHECK(reader.load(b1)->organisation == "b");
    CHECK(reader.load(b1)->segment == campaign().segment);
    CHECK_FALSE(reader.load(a2 + 10).has_value());
}

TEST_CASE("progress counts a broadcast's rows by what became of them") {
    broadcast_fixture f;
    auto b = campaign();
    const auto id = f.s.broadcasts().create(b);
    b.id = id;
    b.planned = 6;
    f.s.broadcasts().save(b);
    std::vector<contact> p;
    for (int i = 0; i < 6; ++i) p.push_back(f.person());
    std::vector<std::int64_t> rows;
    for (const auto& c : p) rows.push_back(f.row(c, id));
    f.row(p[0], f.s.broadcasts().create(campaign()));  // another broadcast's row
    raw_db raw{f.file.path()};
    auto set = [&](std::size_t i, const std::string& status, const std::string& error = "") {
        raw.exec("UPDATE outbox SET status = '" + status + "', error_code = '" + error +
                 "' WHERE id = " + std::to_string(rows[i]));
    };
    set(1, "sent");
    set(2, "read");
    set(3, "undelivered");
    set(4, "cancelled", std::string{opted_out_since_code});
    set(5, "paused");
    broadcast_reader reader{f.file.path()};
    const auto pr = reader.progress(id);
    CHECK(pr.planned == 6);
    CHECK(pr.queued == 1);
    CHECK(pr.sent == 1);
    CHECK(pr.delivered == 1);
    CHECK(pr.failed == 1);
    CHECK(pr.opted_out_since == 1);
    CHECK(pr.paused == 1);
    CHECK(pr.cancelled == 0);
    set(5, "cancelled", std::string{cancelled_code});
    CHECK(reader.progress(id).cancelled == 1);
}

TEST_CASE("a campaign reaches the subscribers of its topics in its segment, counted per channel and language") {
    broadcast_fixture f;
    auto p1 = f.person("es");
    auto p2 = f.person("");
    auto p3 = f.person("ar");
    auto p4 = f.person("es");
    auto p5 = f.person("es");
    auto p6 = f.person("es", true);
    auto p7 = f.person("fr");
    auto p8 = f.person("");
    f.subscribe(p1, "sms", {"health"}, "lima");
    f.subscribe(p2, "wa", {"documentation", "health"}, "lima");
    f.subscribe(p3, "wa", {"health"}, "lima");
    f.subscribe(p4, "sms", {"health"}, "cusco");
    f.subscribe(p5, "sms", {"jobs"}, "lima");
    f.subscribe(p6, "sms", {"health"}, "lima");
    f.subscribe(p7, "sms", {"health"}, "lima");
    f.subscribe(p8, "sms", {"health"}, "lima");
    f.wrote(p1, "sms", t0 - 1h);
    f.wrote(p2, "wa", t0 - 30h);
    f.wrote(p2, "sms", t0 - 1h);  // wrote lately, but not on WhatsApp: its window is closed
    f.wrote(p3, "wa", t0 - 2h);

    broadcast_reader reader{f.file.path()};
    const broadcast_segment segment{{"health", "documentation"}, {"lima"}, {"es", "ar"}, {"sms", "wa"}};
    const auto cells = reader.campaign_audience(segment, "es", t0 - 24h);
    CHECK(cells == std::vector<audience_cell>{{"sms", "es", 2, 1}, {"wa", "ar", 1, 0}, {"wa", "es", 1, 1}});

    // Other segments: every region; one channel; one language (the default one, so the people
    // who never chose count); a topic nobody took; no topic at all.
    auto with = [&](auto change) {
        broadcast_segment s = segment;
        change(s);
        return reader.campaign_audience(s, "es", t0 - 24h);
    };
    CHECK(with([](auto& s) { s.regions.clear(); }) ==
          std::vector<audience_cell>{{"sms", "es", 3, 2}, {"wa", "ar", 1, 0}, {"wa", "es", 1, 1}});
    CHECK(with([](auto& s) { s.channels = {"wa"}; }) ==
          std::vector<audience_cell>{{"wa", "ar", 1, 0}, {"wa", "es", 1, 1}});
    CHECK(with([](auto& s) { s.languages = {"es"}; }) ==
          std::vector<audience_cell>{{"sms", "es", 2, 1}, {"wa", "es", 1, 1}});
    CHECK(with([](auto& s) { s.languages.clear(); }) ==
          std::vector<audience_cell>{{"sms", "es", 2, 1}, {"sms", "fr", 1, 1}, {"wa", "ar", 1, 0}, {"wa", "es", 1, 1}});
    CHECK(with([](auto& s) { s.topics = {"documentation"}; }) == std::vector<audience_cell>{{"wa", "es", 1, 1}});
    CHECK(with([](auto& s) { s.topics = {"weather"}; }).empty());
    CHECK(with([](auto& s) { s.topics.clear(); }).empty());

    // The same people one by one, in pages by contact id.
    const auto first = reader.campaign_recipients(segment, 0, 2);
    REQUIRE(first.size() == 2);
    CHECK(first[0].contact_id == p1.id);
    CHECK(first[0].address == p1.address);
    CHECK(first[0].channel_id == "sms");
    CHECK(first[0].language == "es");
    CHECK(first[0].region == "lima");
    CHECK(first[0].last_inbound_on_channel == t0 - 1h);
    CHECK(first[1].contact_id == p2.id);
    CHECK(first[1].language.empty());
    CHECK(first[1].last_inbound_on_channel == t0 - 30h);
    const auto rest = reader.campaign_recipients(segment, first.back().contact_id, 2);
    REQUIRE(rest.size() == 2);
    CHECK(rest[0].contact_id == p3.id);
    CHECK(rest[1].contact_id == p8.id);
    CHECK_FALSE(rest[1].last_inbound_on_channel.has_value());
    CHECK(reader.campaign_recipients(segment, p8.id, 2).empty());

    // STOP: every topic goes, and the person with them.
    f.s.broadcasts().apply_consent(p1.id, "sms", {consent_action::opted_out, "", "", "stop"}, t0 + 1h);
    p1.opted_out = true;
    f.s.save_contact(p1);
    CHECK(reader.campaign_audience(segment, "es", t0 - 24h).front() == audience_cell{"sms", "es", 1, 1});
    CHECK(reader.campaign_recipients(segment, 0, 1).front().contact_id == p2.id);
}

TEST_CASE("a collective answer reaches the latest open, ordinary case with the code of each person") {
    broadcast_fixture f;
    int n = 0;
    auto add_case = [&](const contact& c, const std::string& codes, const std::string& org = "red_cbo",
                        const std::string& status = "new", bool sensitive = false,
                        const std::string& channel = "sms", const std::string& language = "es") {
        case_record r;
        r.reference = "R" + std::to_string(100 + ++n);
        r.contact_id = c.id;
        r.channel_id = channel;
        r.type = "question";
        r.category = "rumours";
        r.language = language;
        r.sensitive = sensitive;
        r.status = status;
        r.opened_at = t0;
        r.due_at = t0 + 72h;
        r.organisation = org;
        r.codes = split(codes);
        r.id = f.s.insert_case(r);
        return r;
    };
    auto a = f.person("ar"), b = f.person(), c = f.person(), d = f.person(), e = f.person();
    auto opted = f.person("es", true), g = f.person();
    f.wrote(a, "wa", t0 - 1h);
    const auto c1 = add_case(a, "rumour_water");
    const auto c2 = add_case(a, "fees,rumour_water", "red_cbo", "in_progress", false, "wa", "ar");
    add_case(b, "rumour_water_old");
    add_case(c, "rumour_water", "red_cbo", "new", true);
    add_case(d, "rumour_water", "red_cbo", "closed");
    add_case(e, "rumour_water", "other_org");
    const auto c7 = add_case(opted, "rumour_water");
    const auto c8 = add_case(g, "rumour_water", "red_cbo", "responded", false, "sms", "");

    broadcast_reader reader{f.file.path()};
    CHECK(reader.collective_audience("red_cbo", "rumour_water", "es", t0 - 24h) ==
          std::vector<audience_cell>{{"sms", "es", 1, 1}, {"wa", "ar", 1, 0}});
    const auto people = reader.collective_recipients("red_cbo", "rumour_water");
    REQUIRE(people.size() == 2);
    CHECK(people[0].contact_id == a.id);
    CHECK(people[0].case_id == c2.id);
    CHECK(people[0].channel_id == "wa");
    CHECK(people[0].language == "ar");
    CHECK(people[0].last_inbound_on_channel == t0 - 1h);
    CHECK(people[1].contact_id == g.id);
    CHECK(people[1].case_id == c8.id);
    CHECK(people[1].language.empty());
    CHECK(reader.collective_cases("red_cbo", "rumour_water") ==
          std::vector<std::string>{c1.reference, c2.reference, c7.reference, c8.reference});
    CHECK(reader.collective_cases("red_cbo", "rumour").empty());
    CHECK(reader.collective_audience("other_org", "rumour_water", "es", t0 - 24h) ==
          std::vector<audience_cell>{{"sms", "es", 1, 1}});
}
