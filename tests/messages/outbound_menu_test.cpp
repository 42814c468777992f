// A reply's menu and reply token survive the outbox: written by enqueue, read back by the claim
// that hands them to the dispatcher; a column that cannot be read means plain text, not a crash.
#include "messages/outbound_menu.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

outbound_menu sample_menu() {
    return {"Hola, elige:\n(responde con un número)",
            {{"1", "Información"}, {"2", "Queja \"urgente\""}, {"0", "Prefiero no decirlo"}},
            "Ver opciones"};
}

}  // namespace

TEST_CASE("menu JSON: round trip, and what reads back as no menu") {
    const auto menu = sample_menu();
    const auto text = menu_to_json(menu);
    CHECK_FALSE(text.empty());
    CHECK(menu_from_json(text) == menu);
    CHECK(menu_to_json(outbound_menu{}).empty());
    outbound_menu no_button = menu;
    no_button.button.clear();
    CHECK(menu_from_json(menu_to_json(no_button)) == no_button);

    for (const char* bad : {"", "null", "[]", "{", R"({"header":"h"})", R"({"choices":{}})",
                            R"({"choices":[1]})", R"({"choices":[{"label":"no id"}]})"}) {
        CAPTURE(bad);
        CHECK(menu_from_json(bad).empty());
    }
}

TEST_CASE("outbox: enqueue keeps the menu and the reply token; claim_due gives them back") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const auto person = s.find_or_create_contact("+254711082000", t0);
    outbound_message m;
    m.contact_id = person.id;
    m.channel_id = "wa";
    m.to = person.address;
    m.text = "Hola, elige:\n(responde con un número)\n1. Información\n2. Queja\n0. No";
    m.created_at = t0;
    m.menu = sample_menu();
    m.reply_token = "SampleLinkId123";
    const auto with_menu = s.enqueue(m);
    outbound_message plain = m;
    plain.menu = {};
    plain.reply_token.clear();
    const auto without = s.enqueue(plain);

    raw_db raw{file.path()};
    CHECK(raw.text("SELECT menu_json FROM outbox WHERE id = " + std::to_string(without)).empty());
    CHECK(raw.text("SELECT reply_token FROM outbox WHERE id = " + std::to_string(with_menu)) ==
          "SampleLinkId123");

    const auto claimed = s.claim_due("wa", t0, 10, outbound_priority::broadcast);
    REQUIRE(claimed.size() == 1);  // the second waits for the first: same person
    CHECK(claimed[0].id == with_menu);
    CHECK(claimed[0].menu == sample_menu());
    CHECK(claimed[0].reply_token == "SampleLinkId123");
    CHECK(claimed[0].text == m.text);
    s.record_send_result(with_menu, {send_result::outcome::sent, "x1", "", {}}, t0);
    const auto next = s.claim_due("wa", t0, 10, outbound_priority::broadcast);
    REQUIRE(next.size() == 1);
    CHECK(next[0].id == without);
    CHECK(next[0].menu.empty());
    CHECK(next[0].reply_token.empty());

    // A damaged column costs the buttons, never the message: it goes as its text.
    raw.exec("UPDATE outbox SET menu_json = '{\"choices\":' WHERE id = " +
             std::to_string(with_menu));
    const auto damaged = s.find_outbound(with_menu);
    REQUIRE(damaged.has_value());
    CHECK(damaged->menu.empty());
    CHECK(damaged->text == m.text);
}
