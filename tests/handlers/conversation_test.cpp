// The order of things in one turn: first-contact notice, idle restart, stale state, the language
// in use, and the promise that nobody is ever answered with silence.
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace cwc::handlers;
using namespace cwc::handlers::test;

namespace {
cwc::messages::contact new_contact() {
    cwc::messages::contact c;
    c.id = 9;
    return c;
}
}  // namespace

TEST_CASE("the first-contact notice comes once, as its own reply, before the answer") {
    conversation c;
    c.contact = new_contact();
    auto first = c.send("hola");
    CHECK(texts(first) == strings{notice_es, main_es});
    CHECK(first.contact.notice_given);
    CHECK(first.events == strings{"contact.notice_given"});
    CHECK(first.contact.last_inbound_at == at_minute(1));

    auto second = c.send("1");
    CHECK(texts(second) == strings{info_es});
    CHECK(second.events.empty());
}

TEST_CASE("the notice follows the language the first message is written in") {
    conversation c;
    c.contact = new_contact();
    auto r = c.send("HELP");
    CHECK(texts(r) == strings{notice_en, help_en + "\n\n" + main_en});
    CHECK(r.events == strings{"language.inferred", "contact.notice_given"});
}

TEST_CASE("a first message STOP gets no notice: the person asked for nothing more") {
    conversation c;
    c.contact = new_contact();
    c.cfg.channels.front().provider_enforces_stop = false;
    auto r = c.send("Baja");
    CHECK(texts(r) == strings{"No recibirá más mensajes."});
    CHECK_FALSE(r.contact.notice_given);
    CHECK(r.contact.opted_out);
}

TEST_CASE("a conversation idle past the timeout starts again") {
    struct row {
        const char* name;
        state before;
        int minute;  // last inbound was at minute 0
        std::string input;
        strings replies;
        state after;
        strings events;
    };
    const state description{"complaint", "description", {{"category", "documentation"}}};
    const row rows[] = {
        {"past the timeout",
         description,
         61,
         "hola",
         {main_es},
         at("main"),
         {"conversation.restarted"}},
        {"a digit after a restart picks from the start menu",
         at("services"),
         120,
         "1",
         {info_es},
         at("info"),
         {"conversation.restarted"}},
        {"exactly at the timeout the flow goes on",
         description,
         60,
         "x",
         {too_short_es + "\n" + describe_es},
         description,
         {}},
        {"already at the start: nothing to restart",
         at("main"),
         500,
         "1",
         {info_es},
         at("info"),
         {}},
        {"at rest: nothing to restart", {}, 500, "hola", {main_es}, at("main"), {}},
        {"a greeting long after the menu was shown gets the menu, not a re-prompt",
         at("main"),
         500,
         "hola",
         {main_es},
         at("main"),
         {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        conversation c;
        c.contact.state = r.before;
        c.now = at_minute(r.minute);
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.state == r.after);
        CHECK(result.events == r.events);
        CHECK(result.contact.last_inbound_at == at_minute(r.minute));
    }
}

TEST_CASE("a person who never wrote before is never 'idle'") {
    conversation c;
    c.contact.last_inbound_at = {};
    c.contact.state = at("info");
    auto r = c.send("0");
    CHECK(texts(r) == strings{main_es});
    CHECK(r.events.empty());
}

TEST_CASE("a state the config no longer knows starts again silently") {
    const state stale[] = {
        {"removed_node", "", {}},
        {"complaint", "region", {{"category", "removed_category"}}},
        {"complaint", "description", {{"category", "service"}}},  // not offered by this flow
        {"complaint", "description", {{"category", "documentation"}, {"region", "gone"}}},
        {"complaint", "", {}},
        {"complaint", "dance", {}},
        {"feedback", "category", {}},  // one category only: that step does not exist
        {"info", "description", {}},
        {"", "category", {}},
    };
    for (const auto& s : stale) {
        CAPTURE(s.node);
        CAPTURE(s.step);
        conversation c;
        c.contact.state = s;
        auto r = c.send("1");
        CHECK(texts(r) == strings{info_es});
        CHECK(r.contact.state == at("info"));
        CHECK(r.events.empty());
    }
}

TEST_CASE("replies use the contact's language if configured, else the default") {
    struct row {
        std::string language;
        std::string expected;
    };
    const row rows[] = {{"en", main_en}, {"es", main_es}, {"", main_es}, {"fr", main_es}};
    for (const auto& r : rows) {
        CAPTURE(r.language);
        conversation c;
        c.contact.language = r.language;
        CHECK(texts(c.send("hola")) == strings{r.expected});
    }
}

TEST_CASE("every state answers every input with non-empty replies") {
    const state states[] = {
        {},
        at("main"),
        at("info"),
        at("services"),
        at("health"),
        at("language"),
        at("status"),
        {"complaint", "category", {}},
        {"complaint", "region", {{"category", "distribution"}}},
        {"complaint", "description", {{"category", "sea"}, {"region", ""}}},
        {"feedback", "description", {{"category", "service"}}},
    };
    const std::string inputs[] = {"",     " ", "0", "1",     "2",    "9",   "99", "٣",
                                  "hola", "?", "👍", "AYUDA", "menu", "x y", "2)", "Q7K-2M4"};
    for (const auto& s : states) {
        for (const auto& input : inputs) {
            CAPTURE(s.node);
            CAPTURE(s.step);
            CAPTURE(input);
            conversation c;
            c.contact.state = s;
            auto r = c.send(input);
            CHECK_FALSE(r.replies.empty());
            for (const auto& reply : r.replies) CHECK_FALSE(reply.text.empty());
        }
    }
}

TEST_CASE("a config validation should have refused is a logic_error, not a wrong answer") {
    SUBCASE("an option leads to a missing node") {
        conversation c;
        c.cfg.nodes["main"].options[0].next = "nowhere";
        c.contact.state = at("main");
        CHECK_THROWS_AS(c.send("1"), std::logic_error);
    }
    SUBCASE("a flow offers a missing category") {
        conversation c;
        c.cfg.nodes["feedback"].categories = {"nowhere"};
        c.contact.state = at("main");
        CHECK_THROWS_AS(c.send("3"), std::logic_error);
    }
    SUBCASE("a required text is missing") {
        conversation c;
        c.cfg.texts.erase("unknown_input");
        c.contact.state = at("main");
        CHECK_THROWS_AS(c.send("hola"), std::logic_error);
    }
}
