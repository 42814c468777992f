// Menus through the pipeline: on WhatsApp the outbox rows carry the menu beside the numbered text
// (on SMS the text alone); a tapped WhatsApp button or list row reads exactly as its number typed,
// also when the menu it came from is no longer the one on screen; the inbound's reply token rides
// on every reply queued for it.
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using gateway::testing::make_inbound;
using gateway::testing::pipeline;
using gateway::testing::t0;

namespace {

messages::inbound_message tapped(std::string from, std::string sid, std::string id,
                                 std::string title) {
    auto m = make_inbound("", std::move(sid), std::move(from), "+5116409000", std::move(title), t0);
    m.kind = "interactive";
    m.choice_id = std::move(id);
    return m;
}

std::vector<messages::outbound_message> replies_to(pipeline& p, const std::string& address,
                                                   std::int64_t inbound_id) {
    std::vector<messages::outbound_message> out;
    const auto contact = p.store.find_contact_by_address(address);
    REQUIRE(contact.has_value());
    for (auto& m : p.store.outbound_for_contact(contact->id))
        if (m.inbound_id == inbound_id) out.push_back(std::move(m));
    return out;
}

std::vector<std::string> texts(const std::vector<messages::outbound_message>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.text);
    return out;
}

}  // namespace

TEST_CASE("on WhatsApp the outbox row of a menu reply carries its choices; the notice none") {
    pipeline p;
    p.cfg.channels.front().kind = config::channel_kind::whatsapp_cloud;
    const auto r = p.send("+51987000001", "hola", "m1");
    const auto rows = replies_to(p, "+51987000001", r.inbound_id);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].menu.empty());
    const auto& menu = rows[1].menu;
    const auto& main = p.cfg.nodes.at("main");
    REQUIRE(menu.choices.size() == main.options.size());
    std::string expected_text = main.text.at("es");
    for (std::size_t i = 0; i < main.options.size(); ++i) {
        CHECK(menu.choices[i].id == std::to_string(i + 1));
        CHECK(menu.choices[i].label == main.options[i].label.at("es"));
        expected_text += "\n" + std::to_string(i + 1) + ". " + main.options[i].label.at("es");
    }
    CHECK(menu.header == main.text.at("es"));
    CHECK(menu.button == p.cfg.text("menu_button", "es"));
    CHECK(rows[1].text == expected_text);  // the numbered text beside it, for the fallback
    CHECK(rows[1].reply_token.empty());
}

TEST_CASE("on SMS a menu is its numbered text only: the outbox row carries no choices") {
    pipeline p;
    REQUIRE(p.channel().kind == config::channel_kind::twilio_sms);
    const auto r = p.send("+51987000002", "hola", "m1");
    const auto rows = replies_to(p, "+51987000002", r.inbound_id);
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].menu.empty());
    CHECK(rows[1].text.starts_with(p.cfg.nodes.at("main").text.at("es") + "\n1. "));
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE menu_json <> ''") == 0);
}

TEST_CASE("a tapped row or button is its number typed, in whatever step the person is now") {
    struct row {
        const char* name;
        std::vector<std::string> before;  // typed first
        std::string id;                   // then this tapped (or typed, for the twin)
        std::string title;
    };
    const row rows[] = {
        {"a main menu row", {"hola"}, "1", "Información sobre servicios"},
        {"a row of the information menu", {"hola", "1"}, "3", "Salud"},
        {"a language button", {"hola", "5"}, "2", "English"},
        // Stale: the main menu's "Presentar una queja" tapped again while the information
        // menu is on screen picks that menu's option 2.
        {"a stale row picks in the current menu", {"hola", "1"}, "2", "Presentar una queja"},
        {"a stale row that is no option here: re-prompted", {"hola", "1"}, "9", "Otra"},
        {"a stale row in the description step: too short, no case",
         {"hola", "3", "1"},
         "2",
         "Presentar una queja"},
        {"a stale 0 on the region step: prefer not to say", {"hola", "2", "1"}, "0", "No"},
    };
    int n = 0;
    for (const row& r : rows) {
        CAPTURE(r.name);
        pipeline p;
        const std::string typist = "+5198700" + std::to_string(1000 + n);
        const std::string tapper = "+5198700" + std::to_string(2000 + n++);
        int sid = 0;
        for (const auto& text : r.before) {
            p.send(typist, text, "t" + std::to_string(++sid));
            p.send(tapper, text, "p" + std::to_string(sid));
        }
        const auto typed = p.send(typist, r.id, "t-last");
        const auto tap = p.deliver(tapped(tapper, "p-last", r.id, r.title));
        CHECK_FALSE(tap.handler_failed);
        CHECK(tap.replies == typed.replies);
        CHECK_FALSE(tap.replies.empty());
        CHECK(tap.case_reference == typed.case_reference);
        CHECK(p.store.find_contact_by_address(tapper)->state ==
              p.store.find_contact_by_address(typist)->state);
        // What the person saw stays on record: the title of what they tapped.
        CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE provider_message_id = "
                      "'p-last' AND kind = 'interactive' AND text = '" +
                      r.title + "'") == 1);
    }
    // The stale rows, said outright: an unknown-input re-prompt, and no case from a tap.
    pipeline p;
    p.send("+51987003000", "hola", "a");
    p.send("+51987003000", "1", "b");
    const auto stale = p.deliver(tapped("+51987003000", "c", "9", "Otra"));
    REQUIRE(stale.replies.size() == 1);
    CHECK(stale.replies[0].starts_with(p.cfg.text("unknown_input", "es")));
    p.send("+51987003000", "MENU", "d");
    p.send("+51987003000", "3", "e");
    p.send("+51987003000", "1", "f");  // a category: now at the description
    const auto in_description = p.deliver(tapped("+51987003000", "g", "2", "Queja"));
    REQUIRE(in_description.replies.size() == 1);
    CHECK(in_description.replies[0].starts_with(p.cfg.text("description_too_short", "es")));
    CHECK(p.count("SELECT COUNT(*) FROM cases") == 0);
}

TEST_CASE("an interactive message without a choice id is read by its text") {
    pipeline p;
    p.send("+51987004000", "hola", "a");
    const auto r = p.deliver(tapped("+51987004000", "b", "", "1"));
    p.send("+51987004001", "hola", "c");
    const auto typed_one = p.send("+51987004001", "1", "d");
    CHECK(r.replies == typed_one.replies);
}

TEST_CASE("the inbound's reply token is on every reply queued for it, and only on those") {
    pipeline p;
    auto m = make_inbound("", "at-1", "+254711082000", "21525", "hola", t0);
    m.reply_token = "SampleLinkId123";
    const auto first = p.deliver(m);
    const auto later = p.send("+254711082000", "1", "at-2");  // no linkId this time
    const auto first_rows = replies_to(p, "+254711082000", first.inbound_id);
    REQUIRE(first_rows.size() == 2);
    for (const auto& row : first_rows) CHECK(row.reply_token == "SampleLinkId123");
    const auto later_rows = replies_to(p, "+254711082000", later.inbound_id);
    REQUIRE_FALSE(later_rows.empty());
    for (const auto& row : later_rows) CHECK(row.reply_token.empty());
    // Replies that are not the handlers' echo it too: the unsupported-kind answer.
    auto sticker = make_inbound("", "at-3", "+254711082000", "21525", "", t0);
    sticker.kind = "unsupported";
    sticker.reply_token = "OtherLink";
    const auto s = p.deliver(sticker);
    const auto sticker_rows = replies_to(p, "+254711082000", s.inbound_id);
    REQUIRE(sticker_rows.size() == 1);
    CHECK(sticker_rows[0].reply_token == "OtherLink");
    CHECK(texts(sticker_rows) == std::vector<std::string>{p.cfg.text("unsupported_message", "es")});
}
