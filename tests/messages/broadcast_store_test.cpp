// Broadcasts on a real SQLite file: the write side (store.broadcasts(): create/load/save, pausing,
// resuming and cancelling rows, consent dropped since planning, reply linking) and the read side
// (broadcast_reader: lists, progress, campaign and collective audiences and recipients).
#include "messages/broadcast_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>

using namespace cwc::messages;
using namespace std::chrono_literals;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const timestamp t0 = from_unix_ms(1'794'787'200'000);

struct broadcast_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    int people = 0;

    contact person(const std::string& language = "", bool opted_out = false) {
        auto c = s.find_or_create_contact("+5198700" + std::to_string(1000 + ++people), t0);
        c.language = language;
        c.opted_out = opted_out;
        s.save_contact(c);
        return c;
    }
    // A person who wrote on `channel` at `at` (their WhatsApp window opens then).
    void wrote(contact& c, const std::string& channel, timestamp at) {
        inbound_message m;
        m.channel_id = channel;
        m.provider_message_id = "in-" + std::to_string(c.id) + "-" + std::to_string(to_unix_ms(at));
        m.from = c.address;
        m.text = "hola";
        m.received_at = at;
        s.insert_inbound(m, c.id, inbound_outcome::handled);
        c.last_inbound_at = at;
        s.save_contact(c);
    }
    void subscribe(const contact& c, const std::string& channel, const std::vector<std::string>& topics,
                   const std::string& region = "") {
        for (const auto& topic : topics)
            s.broadcasts().apply_consent(c.id, channel, {consent_action::subscribed, topic, "", "menu"}, t0);
        if (!region.empty())
            s.broadcasts().apply_consent(c.id, channel, {consent_action::region_set, "", region, "menu"}, t0);
    }
    std::int64_t row(const contact& c, std::int64_t broadcast_id, timestamp due = t0) {
        outbound_message m;
        m.contact_id = c.id;
        m.channel_id = "sms";
        m.to = c.address;
        m.text = "Brigada de salud";
        m.priority = outbound_priority::broadcast;
        m.solicited = false;
        m.created_at = t0;
        m.next_attempt_at = due;
        m.broadcast_id = broadcast_id;
        return s.enqueue(m);
    }
    std::string status_of(std::int64_t id) {
        raw_db raw{file.path()};
        return raw.text("SELECT status || '/' || error_code FROM outbox WHERE id = " + std::to_string(id));
    }
};

std::vector<std::string> split(const std::string& codes) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= codes.size()) {
        const auto comma = std::min(codes.find(',', start), codes.size());
        if (comma > start) out.push_back(codes.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

broadcast campaign(const std::string& org = "red_cbo") {
    broadcast b;
    b.organisation = org;
    b.name = "Brigada de salud Callao";
    b.created_by = "officer:Lucía";
    b.segment = {{"health", "documentation"}, {"lima"}, {"es", "ar"}, {"sms", "wa"}};
    b.texts = {{"es", "Brigada de salud el sábado"}, {"ar", "حملة صحية يوم السبت"}};
    b.templates = {{"es", {"brigada_salud", "es", "Callao"}}};
    b.scheduled_at = t0 + 2h;
    b.respect_quiet_hours = false;
    b.created_at = t0;
    return b;
}

}  // namespace

TEST_CASE("a broadcast keeps its segment, texts and templates; save changes its progress fields") {
    broadcast_fixture f;
    const broadcast b = campaign();
    const auto id = f.s.broadcasts().create(b);
    auto loaded = f.s.broadcasts().load(id);
    REQUIRE(loaded.has_value());
    CHECK(loaded->id == id);
    CHECK(loaded->segment == b.segment);
    CHECK(loaded->texts == b.texts);
    CHECK(loaded->templates == b.templates);
    CHECK(loaded->scheduled_at == b.scheduled_at);
    CHECK_FALSE(loaded->respect_quiet_hours);
    CHECK(loaded->status == broadcast_status::draft);
    CHECK_FALSE(loaded->confirmed_at.has_value());

    loaded->status = broadcast_status::sending;
    loaded->confirmed_at = t0 + 1h;
    loaded->planned = 42;
    loaded->scheduled_at.reset();
    loaded->name = "not saved";
    f.s.broadcasts().save(*loaded);
    const auto again = f.s.broadcasts().load(id).value();
    CHECK(again.status == broadcast_status::sending);
    CHECK(again.confirmed_at == t0 + 1h);
    CHECK(again.planned == 42);
    CHECK_FALSE(again.scheduled_at.has_value());
    CHECK(again.name == b.name);
    CHECK_FALSE(f.s.broadcasts().load(id + 1).has_value());
    loaded->id = id + 1;
    CHECK_THROWS_AS(f.s.broadcasts().save(*loaded), store_error);
}

TEST_CASE("pause, resume and cancel change only the broadcast's waiting rows") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto other = f.s.broadcasts().create(campaign());
    const auto a = f.person(), b = f.person(), c = f.person();
    const auto now_due = f.row(a, id);
    const auto later = f.row(b, id, t0 + 10h);
    const auto claimed = f.row(c, id);
    const auto elsewhere = f.row(a, other);
    REQUIRE(f.s.claim_due("sms", t0, 100, outbound_priority::broadcast).size() >= 1);
    // Only c's row and a's first were due and in turn; make the test independent of which:
    raw_db{f.file.path()}.exec("UPDATE outbox SET status = 'queued' WHERE id != " + std::to_string(claimed));
    CHECK(f.s.broadcasts().has_pending_rows(id));

    CHECK(f.s.broadcasts().pause_rows(id, t0 + 1h) == 2);
    CHECK(f.status_of(now_due) == "paused/");
    CHECK(f.status_of(claimed) == "sending/");  // already sending: it finishes
    CHECK(f.status_of(elsewhere) == "queued/");
    CHECK(f.s.find_outbound(now_due)->status == outbound_status::queued);  // paused reads as waiting
    const auto report = f.s.report_outbox("");
    REQUIRE(report.size() == 1);
    CHECK(report[0].queued == 3);  // two paused, one of the other broadcast
    CHECK(report[0].sending == 1);
    CHECK(report[0].failed == 0);
    CHECK(f.s.claim_due("sms", t0 + 20h, 100, outbound_priority::broadcast).size() == 1);  // `elsewhere`

    CHECK(f.s.broadcasts().resume_rows(id, t0 + 2h) == 2);
    CHECK(f.s.find_outbound(now_due)->next_attempt_at == t0 + 2h);
    CHECK(f.s.find_outbound(later)->next_attempt_at == t0 + 10h);  // due later: keeps its time

    CHECK(f.s.broadcasts().pause_rows(id, t0 + 3h) == 2);
    CHECK(f.s.broadcasts().cancel_rows(id, t0 + 4h) == 2);
    CHECK(f.status_of(now_due) == "cancelled/" + std::string{cancelled_code});
    CHECK(f.status_of(later) == "cancelled/" + std::string{cancelled_code});
    CHECK(f.s.find_outbound(later)->status == outbound_status::failed);
    CHECK(f.s.broadcasts().has_pending_rows(id));  // the claimed row is still sending
    f.s.record_send_result(claimed, {send_result::outcome::sent, "SM1", "", {}}, t0 + 4h);
    CHECK_FALSE(f.s.broadcasts().has_pending_rows(id));
    CHECK(f.s.broadcasts().cancel_rows(id, t0 + 5h) == 0);
}

TEST_CASE("a row whose person withdrew consent is dropped without counting as an attempt") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto a = f.person(), b = f.person();
    const auto dropped = f.row(a, id);
    const auto kept = f.row(b, id);
    REQUIRE(f.s.claim_due("sms", t0, 100, outbound_priority::broadcast).size() == 2);
    f.s.broadcasts().drop_unconsented(dropped, t0 + 1s);
    CHECK(f.status_of(dropped) == "cancelled/" + std::string{opted_out_since_code});
    CHECK(f.s.find_outbound(dropped)->attempts == 0);
    CHECK(f.status_of(kept) == "sending/");
    // Not a broadcast row: never touched.
    outbound_message reply;
    reply.contact_id = a.id;
    reply.channel_id = "sms";
    reply.to = a.address;
    reply.text = "answer";
    reply.created_at = t0;
    const auto reply_id = f.s.enqueue(reply);
    f.s.broadcasts().drop_unconsented(reply_id, t0 + 1s);
    CHECK(f.status_of(reply_id) == "queued/");
}

TEST_CASE("a message after a broadcast reached the person is linked to it, once and in time") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    auto a = f.person();
    f.wrote(a, "sms", t0 - 1h);
    const auto r = f.row(a, id, t0);
    auto& book = f.s.broadcasts();
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 - 72h).has_value());  // queued: not reached
    REQUIRE(f.s.claim_due("sms", t0, 10, outbound_priority::broadcast).size() == 1);
    f.s.record_send_result(r, {send_result::outcome::sent, "SM1", "", {}}, t0 + 1s);
    CHECK(book.broadcast_answered_by(a.id, t0 - 72h) == id);
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 + 1h).has_value());  // sent before `since`
    f.s.apply_delivery_status("sms", "SM1", outbound_status::delivered, "", t0 + 5h);
    CHECK(book.broadcast_answered_by(a.id, t0 + 1h - 72h) == id);

    book.link_reply(id, 77, a.id, t0 + 2h);
    book.link_reply(id, 77, a.id, t0 + 2h);  // a provider retry links nothing twice
    f.wrote(a, "sms", t0 + 2h);
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 - 72h).has_value());  // wrote since
    broadcast_reader reader{f.file.path()};
    CHECK(reader.progress(id).replies == 1);
    CHECK(reader.progress(id).delivered == 1);
}

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

TEST_CASE("an outbox row keeps its broadcast and its template's body parameter") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto a = f.person();
    outbound_message m;
    m.contact_id = a.id;
    m.channel_id = "wa";
    m.to = a.address;
    m.priority = outbound_priority::broadcast;
    m.created_at = t0;
    m.template_name = "brigada_salud";
    m.template_language = "es";
    m.template_parameter = "Callao, sábado 9:00";
    m.broadcast_id = id;
    const auto row = f.s.enqueue(m);
    const auto stored = f.s.find_outbound(row).value();
    CHECK(stored.broadcast_id == id);
    CHECK(stored.template_parameter == "Callao, sábado 9:00");
    const auto claimed = f.s.claim_due("wa", t0, 10, outbound_priority::broadcast);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].broadcast_id == id);
    CHECK(claimed[0].template_parameter == "Callao, sábado 9:00");
    CHECK(f.s.find_outbound(f.row(a, 0))->broadcast_id == 0);
}
