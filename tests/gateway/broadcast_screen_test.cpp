// The claim-time screen of broadcast rows on a real SQLite store: consent withdrawn since planning
// (opted out, topic left, region moved; collective answers only mind opting out), a paused or
// cancelled broadcast, quiet hours in the person's own zone, and a WhatsApp window that closed
// since planning (the broadcast's template instead). Other rows pass untouched.
#include "gateway/broadcast_screen.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/gateway/broadcast_config.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace std::chrono;
using namespace std::chrono_literals;
using cwc::gateway::testing::planner_config;
using cwc::gateway::testing::utc;
using messages::consent_action;
using messages::timestamp;

namespace {

// 16:00 in Lima, 22:00 in Madrid (quiet there, 21:00–08:00).
const timestamp afternoon = utc(2026y / November / 24, 21h);

struct screen_fixture {
    config::config cfg = planner_config();
    messages::testing::temp_db file;
    messages::sqlite_store s{file.path(), "key"};
    int people = 0;

    messages::contact person(const std::string& lang, const std::string& region,
                             const std::vector<std::string>& topics, const std::string& channel = "sms") {
        auto c = s.find_or_create_contact("+5198711" + std::to_string(1000 + ++people), afternoon - 48h);
        c.language = lang;
        s.save_contact(c);
        for (const auto& t : topics)
            s.broadcasts().apply_consent(c.id, channel, {consent_action::subscribed, t, "", "menu"}, afternoon - 48h);
        if (!region.empty())
            s.broadcasts().apply_consent(c.id, channel, {consent_action::region_set, "", region, "menu"}, afternoon - 48h);
        return *s.find_contact(c.id);
    }
    std::int64_t broadcast(bool collective = false, bool quiet = true) {
        messages::broadcast b;
        b.organisation = "red_cbo";
        b.name = "Brigada";
        b.segment.topics = {"health"};
        if (collective) {
            b.segment.topics.clear();
            b.answers_code = "rumour_water";
        }
        b.texts = {{"es", "Brigada de salud"}, {"ar", "حملة صحية"}};
        b.templates = {{"es", {"brigada_salud", "es_PE", "Callao"}}};
        b.respect_quiet_hours = quiet;
        b.status = messages::broadcast_status::sending;
        b.created_at = afternoon - 1h;
        return s.broadcasts().create(b);
    }
    std::int64_t row(const messages::contact& c, std::int64_t broadcast_id, const std::string& channel = "sms") {
        messages::outbound_message m;
        m.contact_id = c.id;
        m.channel_id = channel;
        m.to = c.address;
        m.text = "Brigada de salud";
        m.priority = messages::outbound_priority::broadcast;
        m.solicited = false;
        m.created_at = afternoon - 1h;
        m.next_attempt_at = afternoon - 1h;
        m.broadcast_id = broadcast_id;
        return s.enqueue(m);
    }
    // Claims every due row of a channel and screens them, as the dispatcher's claim unit does.
    std::vector<messages::outbound_message> claim(const std::string& channel, broadcast_screen& screen,
                                                  timestamp now = afternoon) {
        return screen.screen(s, s.claim_due(channel, now, 100, messages::outbound_priority::broadcast), now);
    }
    std::string status_of(std::int64_t id) {
        messages::testing::raw_db raw{file.path()};
        return raw.text("SELECT status || '/' || error_code FROM outbox WHERE id = " + std::to_string(id));
    }
    void set_status(std::int64_t broadcast_id, messages::broadcast_status status) {
        auto b = *s.broadcasts().load(broadcast_id);
        b.status = status;
        s.broadcasts().save(b);
    }
};

std::vector<std::int64_t> ids(const std::vector<messages::outbound_message>& rows) {
    std::vector<std::int64_t> out;
    for (const auto& m : rows) out.push_back(m.id);
    return out;
}

}  // namespace

TEST_CASE("consent is checked again at the claim: opted out, topic left or region moved drops the row") {
    screen_fixture f;
    const auto campaign = f.broadcast();
    const auto answer = f.broadcast(true);
    auto stays = f.person("es", "lima", {"health"});
    auto stopped = f.person("es", "lima", {"health"});
    auto left = f.person("es", "lima", {"health", "documentation"});
    auto moved = f.person("es", "lima", {"health"});
    auto asked = f.person("es", "", {});
    auto asked_then_stopped = f.person("es", "", {});
    auto campaign_with_regions = *f.s.broadcasts().load(campaign);
    campaign_with_regions.segment.regions = {"lima"};
    // Regions are part of the segment (not saved by save(): a fresh broadcast carries them).
    const auto regional = f.s.broadcasts().create(campaign_with_regions);

    const auto r_stays = f.row(stays, regional);
    const auto r_stopped = f.row(stopped, campaign);
    const auto r_left = f.row(left, campaign);
    const auto r_moved = f.row(moved, regional);
    const auto r_asked = f.row(asked, answer);
    const auto r_asked_stopped = f.row(asked_then_stopped, answer);
    messages::outbound_message reply;
    reply.contact_id = stopped.id;
    reply.channel_id = "sms";
    reply.to = stopped.address;
    reply.text = "Your answer";
    reply.created_at = afternoon - 1h;
    const auto r_reply = f.s.enqueue(reply);

    // Since planning: STOP, one topic left, another region.
    f.s.broadcasts().apply_consent(stopped.id, "sms", {consent_action::opted_out, "", "", "stop"}, afternoon - 30min);
    stopped.opted_out = true;
    f.s.save_contact(stopped);
    f.s.broadcasts().apply_consent(left.id, "sms", {consent_action::unsubscribed, "health", "", "menu"}, afternoon - 30min);
    f.s.broadcasts().apply_consent(moved.id, "sms", {consent_action::region_set, "", "madrid", "menu"}, afternoon - 30min);
    asked_then_stopped.opted_out = true;
    f.s.save_contact(asked_then_stopped);

    broadcast_screen screen{f.cfg};
    const auto sent = f.claim("sms", screen);
    CHECK(ids(sent) == std::vector<std::int64_t>{r_reply, r_stays, r_asked});
    const std::string dropped = "cancelled/" + std::string{messages::opted_out_since_code};
    CHECK(f.status_of(r_stopped) == dropped);
    CHECK(f.status_of(r_left) == dropped);
    CHECK(f.status_of(r_moved) == dropped);
    CHECK(f.status_of(r_asked_stopped) == dropped);
    CHECK(f.s.find_outbound(r_stopped)->attempts == 0);
    CHECK(screen.counts().opted_out_since == 4);
    CHECK(f.status_of(r_stays) == "sending/");
    CHECK(f.status_of(r_reply) == "sending/");  // an answer to a question is not a broadcast

    CHECK(still_consents(*f.s.broadcasts().load(regional), *f.s.find_contact(stays.id)));
    CHECK_FALSE(still_consents(*f.s.broadcasts().load(regional), *f.s.find_contact(moved.id)));
}

TEST_CASE("a row of a paused broadcast waits with it; one of a cancelled broadcast is cancelled") {
    screen_fixture f;
    const auto paused = f.broadcast();
    const auto cancelled = f.broadcast();
    const auto a = f.person("es", "lima", {"health"}), b = f.person("es", "lima", {"health"});
    const auto c = f.person("es", "lima", {"health"});
    const auto p1 = f.row(a, paused), p2 = f.row(b, paused), c1 = f.row(c, cancelled);
    const auto later = f.row(c, paused);  // behind c's row of the other broadcast: not claimed
    // The broadcasts changed, their rows not yet (the desk's units run in pages).
    f.set_status(paused, messages::broadcast_status::paused);
    f.set_status(cancelled, messages::broadcast_status::cancelled);

    broadcast_screen screen{f.cfg};
    CHECK(f.claim("sms", screen).empty());
    CHECK(f.status_of(p1) == "paused/" + std::string{broadcast_paused_reason});
    CHECK(f.status_of(p2) == "paused/" + std::string{broadcast_paused_reason});
    CHECK(f.status_of(later) == "paused/");  // paused with it, not claimed again one by one
    CHECK(f.status_of(c1) == "cancelled/" + std::string{messages::cancelled_code});
    CHECK(f.s.find_outbound(p1)->attempts == 0);
    CHECK(screen.counts().returned_for_pause == 2);
    CHECK(screen.counts().cancelled == 1);
    broadcast_screen again{f.cfg};
    CHECK(f.claim("sms", again).empty());  // nothing is claimable until the broadcast resumes
    CHECK_FALSE(again.counts().any());
}

TEST_CASE("where every region keeps the deployment's zone, one quiet row holds the whole broadcast") {
    screen_fixture f;
    for (auto& r : f.cfg.regions) r.time_zone.clear();  // Madrid too reads Lima's clock now
    const auto b = f.broadcast();
    std::vector<std::int64_t> rows;
    for (const char* region : {"lima", "madrid", ""}) rows.push_back(f.row(f.person("es", region, {"health"}), b));
    const timestamp night = utc(2026y / November / 25, 7h + 30min);  // 02:30 in Lima
    broadcast_screen screen{f.cfg};
    const auto first = screen.screen(
        f.s, f.s.claim_due("sms", night, 1, messages::outbound_priority::broadcast), night);
    CHECK(first.empty());
    for (const auto id : rows) {
        CHECK(f.s.find_outbound(id)->next_attempt_at == utc(2026y / November / 25, 13h));  // 08:00 Lima
        CHECK(f.status_of(id) == "queued/" + std::string{quiet_hours_reason});
    }
    CHECK(f.s.claim_due("sms", night + 1h, 100, messages::outbound_priority::broadcast).empty());
    CHECK(screen.counts().returned_for_quiet == 1);  // one claimed, the others never were
}

TEST_CASE("quiet hours are the person's own: a row waits for 08:00 in their zone") {
    screen_fixture f;
    const auto polite = f.broadcast(false, true);
    const auto urgent = f.broadcast(false, false);
    const auto lima = f.person("es", "lima", {"health"}), madrid = f.person("es", "madrid", {"health"});
    const auto nowhere = f.person("es", "", {"health"});
    const auto in_lima = f.row(lima, polite), in_madrid = f.row(madrid, polite);
    const auto unplaced = f.row(nowhere, polite), ignoring = f.row(madrid, urgent);

    broadcast_screen screen{f.cfg};
    const auto sent = f.claim("sms", screen);  // 16:00 in Lima, 22:00 in Madrid
    CHECK(ids(sent) == std::vector<std::int64_t>{in_lima, unplaced});
    CHECK(f.status_of(in_madrid) == "queued/" + std::string{quiet_hours_reason});
    CHECK(f.s.find_outbound(in_madrid)->next_attempt_at == utc(2026y / November / 25, 7h));  // 08:00 CET
    CHECK(f.s.find_outbound(in_madrid)->attempts == 0);
    CHECK(screen.counts().returned_for_quiet == 1);
    // The broadcast that ignores quiet hours goes once the person's earlier row is out of the way.
    f.s.broadcasts().drop_unconsented(in_madrid, afternoon);
    broadcast_screen next{f.cfg};
    CHECK(ids(f.claim("sms", next)) == std::vector<std::int64_t>{ignoring});

    // 02:30 in Lima, 08:30 in Madrid: now the other way round.
    screen_fixture g;
    const auto b = g.broadcast();
    const auto r_lima = g.row(g.person("es", "lima", {"health"}), b);
    const auto r_madrid = g.row(g.person("es", "madrid", {"health"}), b);
    broadcast_screen early{g.cfg};
    const timestamp morning = utc(2026y / November / 25, 7h + 30min);
    CHECK(ids(g.claim("sms", early, morning)) == std::vector<std::int64_t>{r_madrid});
    CHECK(g.s.find_outbound(r_lima)->next_attempt_at == utc(2026y / November / 25, 13h));
}

TEST_CASE("a WhatsApp window that closed since planning: the broadcast's template goes instead") {
    screen_fixture f;
    const auto b = f.broadcast();
    auto wrote = [&](const messages::contact& c, timestamp at) {
        messages::inbound_message m;
        m.channel_id = "wa";
        m.provider_message_id = "wamid." + std::to_string(c.id);
        m.from = c.address;
        m.text = "hola";
        m.received_at = at;
        f.s.insert_inbound(m, c.id, messages::inbound_outcome::handled);
    };
    const auto open = f.person("es", "lima", {"health"}, "wa");
    const auto closed = f.person("ar", "lima", {"health"}, "wa");
    wrote(open, afternoon - 2h);
    wrote(closed, afternoon - 25h);
    const auto r_open = f.row(open, b, "wa"), r_closed = f.row(closed, b, "wa");

    broadcast_screen screen{f.cfg};
    const auto sent = f.claim("wa", screen);
    REQUIRE(ids(sent) == std::vector<std::int64_t>{r_open, r_closed});
    CHECK(sent[0].text == "Brigada de salud");
    CHECK(sent[0].template_name.empty());
    CHECK(sent[1].text.empty());
    CHECK(sent[1].template_name == "brigada_salud");  // no Arabic template: the default one
    CHECK(sent[1].template_language == "es_PE");
    CHECK(sent[1].template_parameter == "Callao");
    CHECK(screen.counts().swapped_to_template == 1);
}
