// Global keywords: recognition in both languages, precedence, and what each does from any state,
// including the middle of a complaint.
#include "handlers/keywords.hpp"
#include "messages/text.hpp"
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::handlers;
using namespace cwc::handlers::test;
using cwc::config::keyword_action;

namespace {
std::optional<keyword_match> match(const cwc::config::config& c, const std::string& text) {
    return match_keyword(c, cwc::messages::fold_for_matching(text));
}
}  // namespace

TEST_CASE("keywords are recognised whatever the case and accents, in every language") {
    const auto c = make_config();
    using langs = std::vector<std::string>;
    struct row {
        std::string text;
        std::optional<keyword_action> action;
        std::string rest;
        langs languages;
    };
    const row rows[] = {
        {"MENÚ", keyword_action::menu, "", {"en", "es"}},  // "menú" and "menu" fold alike
        {"menu", keyword_action::menu, "", {"en", "es"}},
        {"  Inicio ", keyword_action::menu, "", {"es"}},
        {"Baja", keyword_action::stop, "", {"es"}},
        {"stop", keyword_action::stop, "", {"en"}},
        {"ALTA", keyword_action::start, "", {"es"}},
        {"Start", keyword_action::start, "", {"en"}},
        {"ayúda", keyword_action::help, "", {"es"}},
        {"HELP", keyword_action::help, "", {"en"}},
        {"idioma", keyword_action::language, "", {"es"}},
        {"Language", keyword_action::language, "", {"en"}},
        {"ESTADO", keyword_action::status, "", {"es"}},
        {"estado Q7K-2M4", keyword_action::status, "q7k-2m4", {"es"}},
        {"Status   q7k 2m4", keyword_action::status, "q7k 2m4", {"en"}},
        {"estados", std::nullopt, "", {}},
        {"menu por favor", std::nullopt, "", {}},  // whole message only, except STATUS
        {"por favor menu", std::nullopt, "", {}},
        {"stop.", std::nullopt, "", {}},
        {"hola", std::nullopt, "", {}},
        {"", std::nullopt, "", {}},
        {"1", std::nullopt, "", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        auto m = match(c, r.text);
        REQUIRE(m.has_value() == r.action.has_value());
        if (!m) continue;
        CHECK(m->action == *r.action);
        CHECK(m->rest == r.rest);
        CHECK(m->languages == r.languages);
    }
}

TEST_CASE("stop wins over any other keyword with the same word; the longest status word wins") {
    auto c = make_config();
    for (auto& set : c.keywords) {
        if (set.action == keyword_action::help) set.words["es"].push_back("PARAR");
        if (set.action == keyword_action::status) set.words["es"].push_back("estado caso");
    }
    cwc::config::fold_keywords(c);
    CHECK(match(c, "parar")->action == keyword_action::stop);
    auto m = match(c, "Estado caso Q7K2M4");
    REQUIRE(m);
    CHECK(m->rest == "q7k2m4");
}

TEST_CASE("keywords act from any state") {
    struct row {
        const char* name;
        state before;
        std::string input;
        strings replies;
        state after;
        strings events;
    };
    const state description{"complaint", "description", {{"category", "documentation"}}};
    const state region{"complaint", "region", {{"category", "documentation"}}};
    const row rows[] = {
        {"menu", at("main"), "MENÚ", {main_es}, at("main"), {}},
        {"menu from rest", {}, "menu", {main_es}, at("main"), {}},
        {"menu abandons a flow", description, "Menú", {main_es}, at("main"), {}},
        {"menu from a page", at("health"), "inicio", {main_es}, at("main"), {}},
        {"help keeps a page", at("info"), "ayuda", {help_es + "\n\n" + info_es}, at("info"), {}},
        {"help keeps a flow step", region, "AYUDA", {help_es + "\n\n" + region_es}, region, {}},
        {"help in the description step",
         description,
         "Ayuda",
         {help_es + "\n\n" + describe_es},
         description,
         {}},
        {"help at rest", {}, "ayuda", {help_es + "\n\n" + main_es}, {}, {}},
        {"language", at("main"), "idioma", {language_es}, at("language"), {}},
        {"language abandons a flow",
         {"complaint", "category", {}},
         "IDIOMA",
         {language_es},
         at("language"),
         {}},
        {"stop abandons a flow",
         description,
         "Baja",
         {"No recibirá más mensajes."},
         {},
         {"contact.opted_out"}},
        {"status abandons a flow", region, "estado Q7K-2M4", {neutral_es}, {}, {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        conversation c;
        c.contact.state = r.before;
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.state == r.after);
        CHECK(result.events == r.events);
        CHECK_FALSE(result.opened_case.has_value());
    }
}

TEST_CASE("STOP is confirmed only where the provider does not confirm it itself") {
    auto send_stop = [](bool enforces, std::vector<std::string> provider_words, std::string word) {
        conversation c;
        c.contact.state = at("info");
        auto& channel = c.cfg.channels.front();
        channel.provider_enforces_stop = enforces;
        channel.provider_stop_words = std::move(provider_words);
        return c.send(word);
    };
    // The provider's own word, where it enforces STOP: it confirms, we stay quiet.
    auto enforced = send_stop(true, {"stop", "baja"}, "BAJA");
    CHECK(enforced.replies.empty());
    CHECK(enforced.contact.opted_out);
    CHECK(enforced.contact.state == state{});
    CHECK(enforced.events == strings{"contact.opted_out"});

    // Our own word (not the provider's): the provider never sees an opt-out, so we confirm.
    auto ours = send_stop(true, {"stop"}, "Baja");
    CHECK(texts(ours) == strings{"No recibirá más mensajes."});
    CHECK(ours.contact.opted_out);

    // A provider that does not enforce STOP: we confirm every stop word.
    auto confirmed = send_stop(false, {"parar"}, "parar");
    CHECK(texts(confirmed) == strings{"No recibirá más mensajes."});
    CHECK(confirmed.contact.opted_out);

    // A second STOP changes nothing, so it is not a new audit event.
    conversation c;
    c.contact.opted_out = true;
    auto again = c.send("PARAR");
    CHECK(again.events.empty());
    CHECK(again.contact.opted_out);
}

TEST_CASE("an opted-out person is still answered and stays opted out until START") {
    conversation c;
    c.contact.opted_out = true;
    auto asked = c.send("1");
    CHECK(texts(asked) == strings{info_es});
    CHECK(asked.contact.opted_out);

    auto back = c.send("Alta");
    CHECK(texts(back) == strings{"Bienvenido de nuevo.\n\n" + main_es});
    CHECK_FALSE(back.contact.opted_out);
    CHECK(back.contact.state == at("main"));
    CHECK(back.events == strings{"contact.opted_in"});
}

TEST_CASE("a keyword of one language switches a person who never chose one") {
    conversation c;
    auto help = c.send("HELP");
    CHECK(texts(help) == strings{help_en + "\n\n" + main_en});
    CHECK(help.contact.language == "en");
    CHECK(help.events == strings{"language.inferred"});

    // Now English is in use: Spanish words still work but no longer switch back.
    c.contact.language = "en";
    auto menu = c.send("inicio");
    CHECK(texts(menu) == strings{main_en});
    CHECK(menu.contact.language == "en");
    CHECK(menu.events.empty());
}

TEST_CASE("no inference for a chosen language, a word shared by languages, or the same language") {
    struct row {
        std::string chosen;
        std::string input;
        strings replies;
        std::string language_after;
    };
    const row rows[] = {
        {"es", "HELP", {help_es + "\n\n" + main_es}, "es"},  // chose Spanish: stays Spanish
        {"", "MENU", {main_es}, ""},                         // es and en share the word
        {"", "ayuda", {help_es + "\n\n" + main_es}, ""},     // already the language in use
        {"fr", "LANGUAGE", {language_en}, "en"},             // unconfigured choice counts as none
    };
    for (const auto& r : rows) {
        CAPTURE(r.input);
        conversation c;
        c.contact.language = r.chosen;
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.language == r.language_after);
    }
}

TEST_CASE("STOP inferred from English is confirmed in English") {
    conversation c;
    c.cfg.channels.front().provider_enforces_stop = false;
    auto r = c.send("stop");
    CHECK(texts(r) == strings{"You will get no more messages."});
    CHECK(r.events == strings{"language.inferred", "contact.opted_out"});
}

TEST_CASE("a description that starts with a status word is a description, not a look-up") {
    conversation c;
    c.contact.state = {"complaint", "description", {{"category", "documentation"}}};
    auto r = c.send("Estado de salud grave y no me atienden");
    REQUIRE(r.opened_case.has_value());
    CHECK(r.opened_case->description == "Estado de salud grave y no me atienden");
    CHECK(c.cases.asked.empty());
}
