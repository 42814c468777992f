// A description sent as several SMS, and sensitive words: later parts within the quiet period
// join the case silently; a menu number, a keyword or a pause ends it; words from the
// configured lists make a case sensitive whatever category was chosen, with the safe answer.
#include "handlers/sensitive_words.hpp"
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::handlers;
using namespace cwc::handlers::test;
using cwc::messages::outbound_priority;

namespace {

// A person at the description step of a documentation complaint.
conversation describing() {
    conversation c;
    c.contact.state = {"complaint", "description", {{"category", "documentation"}, {"region", ""}}};
    return c;
}

}  // namespace

TEST_CASE("later SMS of a description are added to the case without a reply") {
    conversation c = describing();
    auto opened = c.send("En la oficina no me quisieron dar el carnet porque");
    REQUIRE(opened.opened_case.has_value());
    c.cases.cases["Q7K-2M4"] = {"Q7K-2M4", 7, "new", false};

    auto part = c.send("decían que faltaba un papel que ya había entregado");
    CHECK(part.replies.empty());
    REQUIRE(part.added_to_case.has_value());
    CHECK(part.added_to_case->reference == "Q7K-2M4");
    CHECK(part.added_to_case->text == "decían que faltaba un papel que ya había entregado");
    CHECK_FALSE(part.added_to_case->sensitive);
    CHECK(part.events == strings{"case.description_added"});

    auto again = c.send("y me trataron mal");  // a minute later: the quiet period starts again
    CHECK(again.added_to_case.has_value());
}

TEST_CASE("a menu number, a keyword or a pause ends the description") {
    SUBCASE("a bare number is a menu choice, not words of the complaint") {
        conversation c = describing();
        c.send("Nadie me atiende en la oficina de Aguas Verdes");
        auto r = c.send("1");
        CHECK_FALSE(r.added_to_case.has_value());
        CHECK_FALSE(r.replies.empty());
        CHECK(c.contact.state.step != "more");
    }
    SUBCASE("a keyword") {
        conversation c = describing();
        c.send("Nadie me atiende en la oficina de Aguas Verdes");
        auto r = c.send("menu");
        CHECK_FALSE(r.added_to_case.has_value());
    }
    SUBCASE("after the quiet period") {
        conversation c = describing();
        c.send("Nadie me atiende en la oficina de Aguas Verdes");
        c.now += std::chrono::minutes{5};
        auto r = c.send("hola");
        CHECK_FALSE(r.added_to_case.has_value());
        CHECK_FALSE(r.replies.empty());
    }
    SUBCASE("turned off") {
        conversation c = describing();
        c.cfg.description_quiet_seconds = 0;
        auto opened = c.send("Nadie me atiende en la oficina de Aguas Verdes");
        CHECK(opened.contact.state == state{});
    }
}

TEST_CASE("sensitive words flag the case whatever the category, with the safe answer first") {
    conversation c = describing();
    auto r = c.send("El encargado me pidió sexo para darme el carnet");
    REQUIRE(r.opened_case.has_value());
    CHECK(r.opened_case->category == "documentation");
    CHECK(r.opened_case->sensitive);
    REQUIRE(r.replies.size() == 2);
    CHECK(r.replies[0].text == "Si está en peligro llame al 105.");
    CHECK(r.replies[0].priority == outbound_priority::safety);
    CHECK(r.replies[1].priority == outbound_priority::safety);

    SUBCASE("or in a later part") {
        conversation d = describing();
        d.send("El encargado de la oficina no me quiere dar el carnet");
        d.cases.cases["Q7K-2M4"] = {"Q7K-2M4", 7, "new", false};
        auto part = d.send("y ME PIDIÓ SEXO a cambio");
        REQUIRE(part.added_to_case.has_value());
        CHECK(part.added_to_case->sensitive);
        REQUIRE(part.replies.size() == 1);
        CHECK(part.replies[0].text == "Si está en peligro llame al 105.");
    }
}

TEST_CASE("sensitive keywords match folded whole words or phrases in any configured language") {
    conversation c;
    CHECK(mentions_sensitive(c.cfg, "Me pidieron sexo."));
    CHECK(mentions_sensitive(c.cfg, "ME PIDIERON  SEXO"));
    CHECK(mentions_sensitive(c.cfg, "the guard asked for sex"));  // English in a Spanish chat
    CHECK_FALSE(mentions_sensitive(c.cfg, "me pidieron sexologia"));
    CHECK_FALSE(mentions_sensitive(c.cfg, "me pidieron documentos"));
    c.cfg.sensitive.folded.clear();
    CHECK_FALSE(mentions_sensitive(c.cfg, "me pidieron sexo"));
}
