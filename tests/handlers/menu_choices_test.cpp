// The structure of numbered menus beside their text: which replies carry choices (menus,
// categories, regions with their 0, the language list), the text above them, the list button in
// the reply's language; and that the text itself stays exactly the numbered rendering.
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::handlers;
using namespace cwc::handlers::test;
using cwc::messages::menu_choice;

namespace {

using choices = std::vector<menu_choice>;

const choices main_choices_es{{"1", "Información"}, {"2", "Queja"},  {"3", "Sugerencia"},
                              {"4", "Mi caso"},     {"5", "Idioma"}, {"6", "Servicios"}};
const choices main_choices_en{{"1", "Information"}, {"2", "Complaint"}, {"3", "Suggestion"},
                              {"4", "My case"},     {"5", "Language"},  {"6", "Services"}};
const choices categories_choices{
    {"1", "Documentos"}, {"2", "Entrega de ayuda"}, {"3", "Abuso por personal"}};
const choices region_choices{{"1", "Lima"}, {"2", "Tumbes"}, {"0", "Prefiero no decir"}};
const choices language_choices{{"1", "Español"}, {"2", "English"}};

// Written out by hand: what a menu reply's text must be, given its header and choices.
std::string rendered(const std::string& header, const choices& cs) {
    std::string out = header;
    for (const auto& c : cs) out += (out.empty() ? "" : "\n") + c.id + ". " + c.label;
    return out;
}

}  // namespace

TEST_CASE("replies that end with numbered options carry them; the others carry none") {
    struct expected_menu {
        std::string header;  // "" with no choices: a plain reply
        choices options;
        std::string button;
    };
    struct row {
        const char* name;
        strings script;  // messages sent before the last one, from a known contact at rest
        std::string input;
        std::vector<expected_menu> replies;
    };
    const expected_menu plain{};
    const row rows[] = {
        {"a greeting gets the start menu",
         {},
         "hola",
         {{"Línea CBO", main_choices_es, "Opciones"}}},
        {"a submenu", {"hola"}, "6", {{"Servicios", {{"1", "Salud"}, {"2", "Queja"}}, "Opciones"}}},
        {"unknown input: the apology is part of the text above the options",
         {"hola"},
         "x",
         {{unknown_es + "\nLínea CBO", main_choices_es, "Opciones"}}},
        {"a flow's categories",
         {"hola"},
         "2",
         {{"Queja\n¿De qué se trata?", categories_choices, "Opciones"}}},
        {"regions, with 0 for prefer not to say",
         {"hola", "2"},
         "1",
         {{"¿En qué región?", region_choices, "Opciones"}}},
        {"a wrong region re-prompts with the choices",
         {"hola", "2", "1"},
         "9",
         {{unknown_es + "\n¿En qué región?", region_choices, "Opciones"}}},
        {"the language list", {"hola"}, "5", {{"Elija su idioma:", language_choices, "Opciones"}}},
        {"a language chosen: the start menu in it, its button too",
         {"hola", "5"},
         "2",
         {{"Language: English.\n\nCBO line", main_choices_en, "Options"}}},
        {"help re-renders the menu under the help text",
         {"hola"},
         "AYUDA",
         {{help_es + "\n\nLínea CBO", main_choices_es, "Opciones"}}},
        {"an information page has no numbered options", {"hola"}, "1", {plain}},
        {"the description prompt is free text", {"hola", "2", "1"}, "0", {plain}},
        {"the case acknowledgement stands alone", {"hola", "2", "1", "0"}, "Me cobraron", {plain}},
        {"the status prompt", {"hola"}, "4", {plain}},
        {"a STOP confirmation", {"hola"}, "BAJA", {plain}},
    };
    for (const row& r : rows) {
        CAPTURE(r.name);
        conversation c;
        for (const auto& text : r.script) c.send(text);
        const auto result = c.send(r.input);
        REQUIRE(result.replies.size() == r.replies.size());
        for (std::size_t i = 0; i < r.replies.size(); ++i) {
            const auto& got = result.replies[i];
            const auto& want = r.replies[i];
            CHECK(got.menu.choices == want.options);
            if (want.options.empty()) {
                CHECK(got.menu.empty());
                continue;
            }
            CHECK(got.menu.header == want.header);
            CHECK(got.menu.button == want.button);
            CHECK(got.text == rendered(want.header, want.options));
        }
    }
}

TEST_CASE("the first contact: the notice is plain, the menu after it carries the choices") {
    conversation c;
    c.contact = {};
    const auto result = c.send("hola");
    REQUIRE(result.replies.size() == 2);
    CHECK(result.replies[0].text == notice_es);
    CHECK(result.replies[0].menu.empty());
    CHECK(result.replies[1].text == main_es);
    CHECK(result.replies[1].menu.header == "Línea CBO");
    CHECK(result.replies[1].menu.choices == main_choices_es);
}

TEST_CASE("a menu without a header text: all choices, nothing above them") {
    conversation c;
    c.cfg.nodes["language"].text = {};
    c.send("hola");
    const auto result = c.send("5");
    REQUIRE(result.replies.size() == 1);
    CHECK(result.replies[0].text == "1. Español\n2. English");
    CHECK(result.replies[0].menu.header.empty());
    CHECK(result.replies[0].menu.choices == language_choices);
}
