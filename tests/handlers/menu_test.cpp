// Navigating menus, pages and the language list: a table of (state before, input, replies,
// state after), each row one message.
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::handlers;
using namespace cwc::handlers::test;

TEST_CASE("menus, pages and choices") {
    struct row {
        const char* name;
        state before;
        std::string input;
        strings replies;
        state after;
    };
    const state complaint_category{"complaint", "category", {}};
    const state feedback_description{"feedback", "description", {{"category", "service"}}};
    const std::string unknown_main = unknown_es + "\n" + main_es;
    const row rows[] = {
        {"a greeting at rest gets the menu, no apology", {}, "hola", {main_es}, at("main")},
        {"anything at rest gets the menu", {}, "0", {main_es}, at("main")},
        {"a digit at rest picks from the start menu", {}, "1", {info_es}, at("info")},
        {"a digit picks an option", at("main"), "2", {complaint_es}, complaint_category},
        {"Arabic-Indic digit", at("main"), "٢", {complaint_es}, complaint_category},
        {"Persian digit", at("main"), "۲", {complaint_es}, complaint_category},
        {"digit with a dot", at("main"), "2.", {complaint_es}, complaint_category},
        {"digit with a parenthesis", at("main"), " 2) ", {complaint_es}, complaint_category},
        {"leading zero", at("main"), "02", {complaint_es}, complaint_category},
        {"a one-category flow skips the category",
         at("main"),
         "3",
         {feedback_es},
         feedback_description},
        {"a submenu", at("main"), "6", {services_es}, at("services")},
        {"0 from a submenu goes to the start", at("services"), "0", {main_es}, at("main")},
        {"0 at the start menu is not an option", at("main"), "0", {unknown_main}, at("main")},
        {"out of range", at("main"), "7", {unknown_main}, at("main")},
        {"text around a digit is not a choice", at("main"), "opción 1", {unknown_main}, at("main")},
        {"a greeting at the menu", at("main"), "hola", {unknown_main}, at("main")},
        {"empty text", at("main"), "", {unknown_main}, at("main")},
        {"unknown at a submenu re-renders it",
         at("services"),
         "x",
         {unknown_es + "\n" + services_es},
         at("services")},
        {"a page", at("main"), "1", {info_es}, at("info")},
        {"0 leaves a page to its next", at("info"), "0", {main_es}, at("main")},
        {"a digit on a page picks from the parent menu",
         at("info"),
         "3",
         {feedback_es},
         feedback_description},
        {"other text on a page is answered by the parent menu",
         at("info"),
         "gracias",
         {unknown_main},
         at("main")},
        {"page under a submenu", at("services"), "1", {health_es}, at("health")},
        {"0 from that page goes back to the submenu",
         at("health"),
         "0",
         {services_es},
         at("services")},
        {"a digit on that page picks from the submenu",
         at("health"),
         "1",
         {health_es},
         at("health")},
        {"the submenu leads into a flow", at("health"), "2", {complaint_es}, complaint_category},
        {"the status prompt", at("main"), "4", {status_prompt_es}, at("status")},
        {"0 leaves the status prompt", at("status"), "0", {main_es}, at("main")},
        {"not a reference",
         at("status"),
         "no sé",
         {unknown_es + "\n" + status_prompt_es},
         at("status")},
        {"the language list", at("main"), "5", {language_es}, at("language")},
        {"0 leaves the language list", at("language"), "0", {main_es}, at("main")},
        {"no such language",
         at("language"),
         "3",
         {unknown_es + "\n" + language_es},
         at("language")},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        conversation c;
        c.contact.state = r.before;
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.state == r.after);
        CHECK(result.events.empty());
        CHECK_FALSE(result.opened_case.has_value());
        for (const auto& reply : result.replies) {
            CHECK(reply.priority == cwc::messages::outbound_priority::reply);
        }
    }
}

TEST_CASE("choosing a language answers in the new one and returns to the start") {
    conversation c;
    c.contact.state = at("language");
    auto english = c.send("2");
    CHECK(texts(english) == strings{"Language: English.\n\n" + main_en});
    CHECK(english.contact.language == "en");
    CHECK(english.contact.state == at("main"));
    CHECK(english.events == strings{"language.changed"});

    auto next = c.send("que?");
    CHECK(texts(next) == strings{"I did not understand.\n" + main_en});

    c.contact.state = at("language");
    auto spanish = c.send("١");  // Arabic-Indic one
    CHECK(texts(spanish) == strings{"Idioma: español.\n\n" + main_es});
    CHECK(spanish.contact.language == "es");
}

TEST_CASE("choosing the language already chosen is answered but not audited as a change") {
    conversation c;
    c.contact.language = "es";
    c.contact.state = at("language");
    auto r = c.send("1");
    CHECK(texts(r) == strings{"Idioma: español.\n\n" + main_es});
    CHECK(r.events.empty());
}

TEST_CASE("pages that point at each other do not loop forever") {
    conversation c;
    c.cfg.nodes["info"].next = "health";
    c.cfg.nodes["health"].next = "info";
    c.contact.state = at("info");
    auto r = c.send("1");  // neither page takes it, so it falls back to the start menu
    CHECK(texts(r) == strings{info_es});
    CHECK(r.contact.state == at("info"));
}
