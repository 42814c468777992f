// WhatsApp's customer-service window on the send side: the decision table, then the outbox on a
// real SQLite file (claimed rows re-routed, held behind one template per closed window, failed
// with a reason; a provider's 131047 handled the same way; held rows released when the person
// writes), and the adapters' part (the template request, 131047 and Twilio's 63016).
#include "gateway/twilio_adapter.hpp"
#include "gateway/whatsapp_cloud_provider.hpp"
#include "gateway/whatsapp_window.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;
using messages::outbound_priority;

TEST_CASE("the closed-window decision table") {
    struct row {
        const char* name;
        window_facts facts;
        window_action expected;
    };
    // is_template, open, phone, fallback, template, already queued, holds without template
    const row rows[] = {
        {"inside the window", {false, true, true, true, true, false, false}, window_action::send},
        {"a template goes whatever the window", {true, false, true, true, true, true, false}, window_action::send},
        {"outside, with a fallback, to a number", {false, false, true, true, true, false, false}, window_action::reroute},
        {"outside, fallback but a user id: template", {false, false, false, true, true, false, false}, window_action::template_and_hold},
        {"outside, template not yet sent", {false, false, true, false, true, false, false}, window_action::template_and_hold},
        {"outside, template already sent", {false, false, true, false, true, true, false}, window_action::hold},
        {"outside, neither", {false, false, true, false, false, false, false}, window_action::fail},
        {"outside, user id, fallback only", {false, false, false, true, false, false, false}, window_action::fail},
        {"Twilio WhatsApp without fallback holds", {false, false, true, false, false, false, true}, window_action::hold},
        {"Twilio WhatsApp with fallback re-routes", {false, false, true, true, false, false, true}, window_action::reroute},
    };
    for (const auto& r : rows) {
        INFO(r.name);
        CHECK(decide_window(r.facts) == r.expected);
    }
}

namespace {

const std::string person = "+51987650001";

// The example deployment plus a WhatsApp channel, on a real store; messages answered through
// the outbox as an officer's answer would be queued.
struct window_fixture : pipeline {
    window_fixture() { cfg.channels.push_back(whatsapp_channel()); }
    config::channel& wa() { return cfg.channels.back(); }
    channel_runtime runtime() {
        channel_runtime rt;
        rt.channel = &wa();
        rt.default_language = cfg.default_language;
        return rt;
    }
    inbound_result writes(const std::string& text, const std::string& sid, const std::string& from = person) {
        auto m = make_inbound(wa().id, sid, from, wa().address, text, now);
        store.begin();
        auto r = process_inbound(store, cfg, wa(), m, [this] { return entropy(); });
        store.commit();
        return r;
    }
    std::int64_t answer(const std::string& text, const std::string& to = person) {
        const auto c = store.find_or_create_contact(to, now);
        messages::outbound_message m;
        m.contact_id = c.id;
        m.channel_id = wa().id;
        m.to = to;
        m.text = text;
        m.priority = outbound_priority::answer;
        m.created_at = now;
        m.next_attempt_at = now;
        return store.enqueue(m);
    }
    // Claims the channel's due rows and screens them, as the dispatcher's claim loop does.
    std::vector<messages::outbound_message> claim(std::vector<window_event>& events) {
        const auto rt = runtime();
        const auto rules = window_rules_for(rt);
        REQUIRE(rules);
        store.begin();
        auto rows = store.claim_due(wa().id, now, 50, outbound_priority::broadcast);
        rows = screen_claimed(store, *rules, std::move(rows), now, events);
        store.commit();
        return rows;
    }
    // Everything due is sent (the replies to a person's message) so only answers remain.
    void drain() {
        std::vector<window_event> ignored;
        for (auto rows = claim(ignored); !rows.empty(); rows = claim(ignored))
            for (auto& m : rows) store.record_send_result(m.id, messages::send_result{}, now);
    }
    std::string status(std::int64_t id) { return text_of("SELECT status FROM outbox WHERE id = " + std::to_string(id)); }
    std::string text_of(const std::string& sql) {
        raw_db db{file.path()};
        return db.text(sql);
    }
    std::int64_t templates() { return count("SELECT COUNT(*) FROM outbox WHERE template_name <> ''"); }
};

}  // namespace

TEST_CASE("inside the window a message is sent as it is") {
    window_fixture f;
    f.writes("hola", "wamid.1");
    f.drain();
    f.now += 23h;
    const auto id = f.answer("Su caso fue atendido");
    std::vector<window_event> events;
    const auto rows = f.claim(events);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == id);
    CHECK(events.empty());
    CHECK(f.status(id) == "sending");
}

TEST_CASE("outside the window with an SMS fallback the message is re-routed there, audited") {
    window_fixture f;
    f.wa().fallback_channel = "sms";
    f.writes("hola", "wamid.1");
    f.drain();
    f.now += 25h;
    const auto id = f.answer("Su caso fue atendido");
    std::vector<window_event> events;
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::reroute);
    CHECK(f.text_of("SELECT channel_id FROM outbox WHERE id = " + std::to_string(id)) == "sms");
    CHECK(f.status(id) == "queued");
    CHECK(f.count("SELECT attempts FROM outbox WHERE id = " + std::to_string(id)) == 0);
    CHECK(f.audit_count("outbound.rerouted") == 1);
    CHECK(f.templates() == 0);
    // The SMS lane takes it now.
    f.store.begin();
    const auto sms = f.store.claim_due("sms", f.now, 10, outbound_priority::broadcast);
    f.store.commit();
    REQUIRE(sms.size() == 1);
    CHECK(sms[0].id == id);
    CHECK(sms[0].text == "Su caso fue atendido");
}

TEST_CASE("a WhatsApp user id is not re-routed to SMS: the template carries it instead") {
    window_fixture f;
    f.wa().fallback_channel = "sms";
    const std::string user_id = "PE.1234567890abcdef";
    f.answer("Su caso fue atendido", user_id);
    std::vector<window_event> events;
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::template_and_hold);
    CHECK(f.templates() == 1);
}

TEST_CASE("outside the window: one template per closed window, the messages held, released in order on reply") {
    window_fixture f;
    f.writes("hola", "wamid.1");
    f.drain();
    f.now += 30h;
    const auto first = f.answer("Respuesta uno: su caso fue atendido");
    std::vector<window_event> events;
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::template_and_hold);
    CHECK(f.status(first) == "held");
    CHECK(f.count("SELECT attempts FROM outbox WHERE id = " + std::to_string(first)) == 0);
    CHECK(f.text_of("SELECT error_code FROM outbox WHERE id = " + std::to_string(first)) == "window_closed");
    CHECK(f.templates() == 1);
    // The template row: the name and language only, no text of the case.
    const auto tmpl = f.store.find_outbound(events[0].template_id);
    REQUIRE(tmpl);
    CHECK(tmpl->template_name == "respuesta_pendiente");
    CHECK(tmpl->template_language == "es");
    CHECK(tmpl->text.empty());
    CHECK(tmpl->to == person);

    // The template is claimed and sent like any row; a second answer in the same closed window
    // is held without another template.
    f.now += 1h;
    const auto second = f.answer("Respuesta dos");
    events.clear();
    auto rows = f.claim(events);
    REQUIRE(rows.size() == 1);  // the second answer waits its turn behind the template
    CHECK(rows[0].template_name == "respuesta_pendiente");
    CHECK(events.empty());
    f.store.record_send_result(rows[0].id, messages::send_result{}, f.now);
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].outbound_id == second);
    CHECK(events[0].action == window_action::hold);
    CHECK(f.templates() == 1);
    CHECK(f.status(second) == "held");

    // The person writes: both are queued again and go out, first then second.
    f.now += 1h;
    f.writes("ok", "wamid.2");
    CHECK(f.status(first) == "queued");
    CHECK(f.status(second) == "queued");
    CHECK(f.audit_count("outbound.released") == 1);
    std::vector<std::int64_t> answers;
    for (int round = 0; round < 3; ++round) {
        events.clear();
        for (auto& m : f.claim(events)) {
            if (m.id == first || m.id == second) answers.push_back(m.id);
            f.store.record_send_result(m.id, messages::send_result{}, f.now);
        }
        CHECK(events.empty());
    }
    CHECK(answers == std::vector<std::int64_t>{first, second});

    // A new closed window gets a new template.
    f.now += 25h;
    f.answer("Respuesta tres");
    events.clear();
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::template_and_hold);
    CHECK(f.templates() == 2);
}

TEST_CASE("the template follows the person's language, else the default one; without one the message fails") {
    window_fixture f;
    f.wa().reengagement_templates["en"] = {"answer_waiting", "en_US", ""};
    auto c = f.store.find_or_create_contact(person, f.now);
    c.language = "en";
    f.store.save_contact(c);
    f.answer("Your case was answered");
    std::vector<window_event> events;
    f.claim(events);
    REQUIRE(events.size() == 1);
    CHECK(f.store.find_outbound(events[0].template_id)->template_language == "en_US");

    window_fixture g;
    auto d = g.store.find_or_create_contact(person, g.now);
    d.language = "en";  // no English template: the default language's
    g.store.save_contact(d);
    g.answer("Your case was answered");
    events.clear();
    g.claim(events);
    REQUIRE(events.size() == 1);
    CHECK(g.store.find_outbound(events[0].template_id)->template_name == "respuesta_pendiente");

    window_fixture h;
    h.wa().reengagement_templates.clear();
    const auto id = h.answer("Su caso fue atendido");
    events.clear();
    CHECK(h.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::fail);
    CHECK(h.status(id) == "failed");
    CHECK(h.text_of("SELECT error_code FROM outbox WHERE id = " + std::to_string(id)) == "window_closed_no_template");
}

TEST_CASE("the provider's 131047 inside what we took for the window: template and hold") {
    window_fixture f;
    f.writes("hola", "wamid.1");
    f.drain();
    f.now += 2h;  // open by our clock; the provider knows better
    const auto id = f.answer("Su caso fue atendido");
    std::vector<window_event> events;
    auto rows = f.claim(events);
    REQUIRE(rows.size() == 1);
    const auto rt = f.runtime();
    f.store.begin();
    const auto e = refused_for_window(f.store, *window_rules_for(rt), rows[0], f.now);
    f.store.commit();
    CHECK(e.refused_by_provider);
    CHECK(e.action == window_action::template_and_hold);
    CHECK(f.status(id) == "held");
    CHECK(f.count("SELECT attempts FROM outbox WHERE id = " + std::to_string(id)) == 0);
    CHECK(f.templates() == 1);
}

TEST_CASE("Twilio WhatsApp without a fallback holds the message (no templates by ContentSid)") {
    window_fixture f;
    f.wa().kind = config::channel_kind::twilio_whatsapp;
    f.wa().reengagement_templates.clear();
    const auto id = f.answer("Su caso fue atendido");
    std::vector<window_event> events;
    CHECK(f.claim(events).empty());
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::hold);
    CHECK(f.status(id) == "held");
    CHECK(f.templates() == 0);
    f.writes("hola", "SM1");
    CHECK(f.status(id) == "queued");
}

TEST_CASE("channels other than WhatsApp have no window") {
    window_fixture f;
    channel_runtime rt;
    rt.channel = &f.cfg.channels.front();
    CHECK_FALSE(window_rules_for(rt).has_value());
}

TEST_CASE("adapters: the template request (§2.5) and the closed-window refusals") {
    auto channel = whatsapp_channel();
    channel.reengagement_templates["en"] = {"answer_waiting", "en_US", "Cruz Roja"};
    const whatsapp_cloud_provider adapter{channel, {"token", "secret", "verify", "http://127.0.0.1:9"}};
    messages::outbound_message m;
    m.id = 42;
    m.to = person;
    m.template_name = "respuesta_pendiente";
    m.template_language = "es";
    auto body = nlohmann::json::parse(adapter.build_send(m, {}).body);
    CHECK(body["type"] == "template");
    CHECK(body["to"] == "51987650001");
    CHECK(body["template"]["name"] == "respuesta_pendiente");
    CHECK(body["template"]["language"]["code"] == "es");
    CHECK(body["template"]["language"]["policy"] == "deterministic");
    CHECK_FALSE(body["template"].contains("components"));
    CHECK_FALSE(body.contains("text"));
    m.template_name = "answer_waiting";
    m.template_language = "en_US";
    body = nlohmann::json::parse(adapter.build_send(m, {}).body);
    CHECK(body["template"]["components"][0]["type"] == "body");
    CHECK(body["template"]["components"][0]["parameters"][0]["text"] == "Cruz Roja");

    const auto refused = [&](int code) {
        http_result r;
        r.status = 400;
        r.body = nlohmann::json{{"error", {{"code", code}, {"message", "x"}}}}.dump();
        return adapter.interpret_send(r, t0, 1, 8);
    };
    CHECK(refused(131047).window_closed);
    CHECK(refused(131047).error_code == "131047");
    CHECK_FALSE(refused(131026).window_closed);
    const auto twilio = [](const char* code) {
        return interpret_twilio_response(400, std::string{R"({"code":)"} + code + R"(,"message":"x"})", "", t0, 1, 8);
    };
    CHECK(twilio("63016").window_closed);
    CHECK_FALSE(twilio("21211").window_closed);
}
