// WhatsApp menus: which menus become reply buttons, which a list, which stay numbered text, and
// how long or non-Latin labels are cut (PROVIDERS.md §2.5 limits, counted in characters).
#include "gateway/whatsapp_cloud_provider.hpp"
#include "gateway/whatsapp_interactive.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace cwc;
using gateway::code_points;
using gateway::grapheme_prefix;
using gateway::shortened;
using gateway::whatsapp_interactive;
using nlohmann::json;

namespace {

messages::outbound_menu menu_of(std::vector<std::string> labels, std::string header = "Elige:") {
    messages::outbound_menu m;
    m.header = std::move(header);
    m.button = "Ver opciones";
    for (std::size_t i = 0; i < labels.size(); ++i)
        m.choices.push_back({std::to_string(i + 1), std::move(labels[i])});
    return m;
}

std::vector<std::string> labels(std::size_t n, const std::string& stem = "Opción") {
    std::vector<std::string> out;
    for (std::size_t i = 1; i <= n; ++i) out.push_back(stem + " " + std::to_string(i));
    return out;
}

// Every rule of Meta's that a reply-button or list message must keep.
void check_within_limits(const nlohmann::ordered_json& i) {
    CHECK(code_points(i["body"]["text"].get<std::string>()) <= 1024);
    if (i["type"] == "button") {
        const auto& buttons = i["action"]["buttons"];
        CHECK(buttons.size() >= 1);
        CHECK(buttons.size() <= 3);
        std::vector<std::string> titles;
        for (const auto& b : buttons) {
            CHECK(b["type"] == "reply");
            const auto title = b["reply"]["title"].get<std::string>();
            CHECK(code_points(title) <= 20);
            CHECK(std::find(titles.begin(), titles.end(), title) == titles.end());
            titles.push_back(title);
        }
        return;
    }
    REQUIRE(i["type"] == "list");
    CHECK(code_points(i["action"]["button"].get<std::string>()) <= 20);
    const auto& rows = i["action"]["sections"][0]["rows"];
    CHECK(i["action"]["sections"].size() == 1);
    CHECK(rows.size() <= 10);
    for (const auto& r : rows) {
        CHECK(code_points(r["title"].get<std::string>()) <= 24);
        if (r.contains("description"))
            CHECK(code_points(r["description"].get<std::string>()) <= 72);
    }
}

}  // namespace

TEST_CASE("how many options, how long: buttons, a list, or the numbered text") {
    struct row {
        const char* name;
        messages::outbound_menu menu;
        std::optional<std::string> type;  // nullopt: numbered text
        std::size_t entries;
    };
    auto duplicate = menu_of({"Sí", "Sí", "No"});
    auto no_button = menu_of(labels(4));
    no_button.button.clear();
    auto repeated_id = menu_of(labels(4));
    repeated_id.choices[3].id = "1";
    const row rows[] = {
        {"2 options", menu_of(labels(2)), "button", 2},
        {"3 options", menu_of(labels(3)), "button", 3},
        {"4 options", menu_of(labels(4)), "list", 4},
        {"10 options", menu_of(labels(10)), "list", 10},
        {"11 options", menu_of(labels(11)), std::nullopt, 0},
        {"1 option", menu_of(labels(1)), "button", 1},
        {"no options", menu_of({}), std::nullopt, 0},
        {"a 20-character accented label fits a button", menu_of({"Orientación jurídica", "Salud"}),
         "button", 2},
        {"a 21-character label does not", menu_of({"Orientación jurídicas", "Salud"}), "list", 2},
        {"the same label twice: not buttons", duplicate, "list", 3},
        {"a body of 1024 characters", menu_of(labels(2), std::string(1020, 'x') + "ñáéí"), "button",
         2},
        {"a body of 1025 characters", menu_of(labels(2), std::string(1021, 'x') + "ñáéí"),
         std::nullopt, 0},
        {"nothing above the options", menu_of(labels(2), " \n"), std::nullopt, 0},
        {"a list without a button label", no_button, std::nullopt, 0},
        {"an id twice", repeated_id, std::nullopt, 0},
    };
    for (const row& r : rows) {
        INFO(r.name);
        const auto got = whatsapp_interactive(r.menu);
        REQUIRE(got.has_value() == r.type.has_value());
        if (!got) continue;
        const auto& i = *got;
        CHECK(i["type"] == *r.type);
        CHECK(i["body"]["text"] == r.menu.header);
        check_within_limits(i);
        const auto& entries =
            *r.type == "button" ? i["action"]["buttons"] : i["action"]["sections"][0]["rows"];
        REQUIRE(entries.size() == r.entries);
        for (std::size_t k = 0; k < entries.size(); ++k) {
            // The id is the number the person would type: a tap reads as typing it.
            const auto& id = *r.type == "button" ? entries[k]["reply"]["id"] : entries[k]["id"];
            CHECK(id == r.menu.choices[k].id);
        }
        if (*r.type == "list") CHECK(i["action"]["button"] == "Ver opciones");
    }
}

TEST_CASE("long labels: the row title is cut, the rest goes on in the description") {
    struct row {
        const char* name;
        std::string label;
        std::string title;
        std::optional<std::string> description;
    };
    const row rows[] = {
        {"cut after the last word that fits", "Información sobre servicios", "Información sobre…",
         "servicios"},
        {"no word ends late enough: cut inside it", "Documentaciónmigratoriayrefugio",
         "Documentaciónmigratoria…", "…yrefugio"},
        {"24 characters exactly", "Abuso por personal o vol", "Abuso por personal o vol",
         std::nullopt},
        {"a word ends right where the title is full",
         "Abuso o explotación por personal o voluntarios", "Abuso o explotación por…",
         "personal o voluntarios"},
        {"a short first word: cut inside the long second", "Ir a Documentaciónmigratoria",
         "Ir a Documentaciónmigra…", "…toria"},
        {"the word ends right at the room", "Dar una opinión o suger cosas",
         "Dar una opinión o suger…", "cosas"},
        {"a very long label: the description is cut too",
         "Problemas con documentos " + std::string(100, 'z'), "Problemas con…",
         "documentos " + std::string(60, 'z') + "…"},
    };
    for (const row& r : rows) {
        INFO(r.name);
        const auto got = whatsapp_interactive(menu_of({r.label, "b", "c", "d"}));
        REQUIRE(got.has_value());
        check_within_limits(*got);
        const auto& first = (*got)["action"]["sections"][0]["rows"][0];
        CHECK(first["title"] == r.title);
        if (r.description)
            CHECK(first["description"] == *r.description);
        else
            CHECK_FALSE(first.contains("description"));
    }
}

TEST_CASE("cuts never split a written character") {
    const std::string e_acute = "e\xCC\x81";  // e + COMBINING ACUTE ACCENT
    const std::string zwj = "\xE2\x80\x8D";
    const std::string man = "\xF0\x9F\x91\xA8", woman = "\xF0\x9F\x91\xA9",
                      girl = "\xF0\x9F\x91\xA7";
    const std::string peru = "\xF0\x9F\x87\xB5\xF0\x9F\x87\xAA";      // regional indicators P E
    const std::string colombia = "\xF0\x9F\x87\xA8\xF0\x9F\x87\xB4";  // C O
    const std::string marhaban = "مَرْحَبًا";                             // with harakat
    const std::string thumbs_medium = "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD";  // 👍 + skin tone
    struct row {
        const char* name;
        std::string text;
        std::size_t max;
        std::string expected;
    };
    const row rows[] = {
        {"short enough", "Salud", 5, "Salud"},
        {"ASCII", "Salud", 3, "Sal"},
        {"precomposed accents are one code point", "Orientación", 10, "Orientaci\xC3\xB3"},
        {"a combining accent stays with its letter", e_acute + e_acute + e_acute, 3, e_acute},
        {"a joined emoji family stays whole", "a" + man + zwj + woman + zwj + girl, 3, "a"},
        {"a joined family that fits", "a" + man + zwj + woman + zwj + girl + "b", 6,
         "a" + man + zwj + woman + zwj + girl},
        {"flags are pairs", peru + colombia, 3, peru},
        {"flags, an even cut", peru + colombia, 2, peru},
        {"Arabic vowel marks stay with their letters", marhaban, 3, "مَ"},
        {"Arabic, a cut between letters", marhaban, 4, "مَرْ"},
        {"a skin tone stays with its hand", "ok " + thumbs_medium, 4, "ok "},
        {"Devanagari vowel signs", "नमस्ते", 3, "नम"},
    };
    for (const row& r : rows) {
        INFO(r.name);
        CHECK(std::string{grapheme_prefix(r.text, r.max)} == r.expected);
        CHECK(code_points(grapheme_prefix(r.text, r.max)) <= r.max);
    }
    CHECK(shortened("Salud", 5) == "Salud");
    CHECK(shortened("Salud mental", 6) == "Salud…");
    CHECK(shortened(e_acute + e_acute + e_acute, 4) == e_acute + "…");
    CHECK(code_points(shortened(std::string(30, 'x'), 20)) == 20);
    // A non-Latin list: every row within the limits, every title valid UTF-8 for json.
    const auto got = whatsapp_interactive(
        menu_of({marhaban + " " + marhaban + " " + marhaban + " " + marhaban,
                 peru + colombia + peru + colombia + peru + colombia + peru + colombia + peru +
                     colombia + peru + colombia + peru,
                 "a" + man + zwj + woman + zwj + girl + " " + std::string(30, 'w'),
                 "नमस्ते दुनिया नमस्ते दुनिया नमस्ते"}));
    REQUIRE(got.has_value());
    check_within_limits(*got);
    CHECK_NOTHROW((void)got->dump());
}

TEST_CASE("build_send: a menu as an interactive message; too many options as the text") {
    config::channel channel;
    channel.id = "whatsapp";
    channel.kind = config::channel_kind::whatsapp_cloud;
    channel.options = {{"phone_number_id", "106540352242922"}};
    const gateway::whatsapp_cloud_provider adapter{
        channel, {"token", "secret", "verify", "http://127.0.0.1:9"}};
    messages::outbound_message m;
    m.id = 77;
    m.to = "+51987654321";
    m.text = "Elige:\n1. Opción 1\n2. Opción 2\n3. Opción 3\n4. Opción 4";
    m.menu = menu_of(labels(4));
    auto body = json::parse(adapter.build_send(m, {}).body);
    CHECK(body["type"] == "interactive");
    CHECK(body["interactive"]["type"] == "list");
    CHECK_FALSE(body.contains("text"));
    CHECK(body["to"] == "51987654321");
    CHECK(body["biz_opaque_callback_data"] == "77");

    m.menu = menu_of(labels(11));
    body = json::parse(adapter.build_send(m, {}).body);
    CHECK(body["type"] == "text");
    CHECK(body["text"]["body"] == m.text);
    CHECK_FALSE(body.contains("interactive"));

    m.menu = {};
    body = json::parse(adapter.build_send(m, {}).body);
    CHECK(body["type"] == "text");
    CHECK(body["text"]["body"] == m.text);
}
