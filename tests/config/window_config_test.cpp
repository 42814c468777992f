// WhatsApp's customer-service window settings of a channel: window_hours, fallback_channel (an
// SMS channel of the file) and reengagement_template per configured language (Cloud API only).
#include "config/load.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

#include <functional>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

namespace {

json with_whatsapp(const std::function<void(json&)>& edit = {}) {
    json doc = example_json();
    json wa = {{"id", "wa"},
               {"type", "whatsapp_cloud"},
               {"address", "+5116409001"},
               {"phone_number_id", "106540352242922"},
               {"window_hours", 24},
               {"fallback_channel", "sms"},
               {"reengagement_template",
                {{"es", {{"name", "respuesta_pendiente"}, {"language", "es"}}},
                 {"en", {{"name", "answer_waiting"}, {"language", "en_US"}, {"body_parameter", "Red Cross"}}}}}};
    if (edit) edit(wa);
    doc["channels"].push_back(wa);
    return doc;
}

}  // namespace

TEST_CASE("a WhatsApp channel's window settings are read") {
    const auto result = load_from_json(with_whatsapp());
    INFO(describe(result.errors));
    REQUIRE(result.value);
    const channel* wa = result.value->find_channel("wa");
    REQUIRE(wa != nullptr);
    CHECK(wa->window_hours == 24);
    CHECK(wa->fallback_channel == "sms");
    REQUIRE(wa->reengagement_templates.size() == 2);
    CHECK(wa->reengagement_templates.at("es").name == "respuesta_pendiente");
    CHECK(wa->reengagement_templates.at("es").body_parameter.empty());
    CHECK(wa->reengagement_templates.at("en").language == "en_US");
    CHECK(wa->reengagement_templates.at("en").body_parameter == "Red Cross");
    // Defaults: 24 hours, no fallback, no template.
    const auto plain = load_from_json(with_whatsapp([](json& c) {
        c.erase("window_hours");
        c.erase("fallback_channel");
        c.erase("reengagement_template");
    }));
    REQUIRE(plain.value);
    CHECK(plain.value->find_channel("wa")->window_hours == 24);
    CHECK(plain.value->find_channel("wa")->fallback_channel.empty());
}

TEST_CASE("broken window settings are reported at their JSON pointer") {
    struct variant {
        const char* name;
        std::function<json()> doc;
        std::string path;
        std::string message_has;
    };
    const std::string wa = "/channels/1";
    const variant variants[] = {
        {"fallback to a channel that does not exist",
         [] { return with_whatsapp([](json& c) { c["fallback_channel"] = "nope"; }); },
         wa + "/fallback_channel", "no channel 'nope'"},
        {"fallback to a WhatsApp channel",
         [] { return with_whatsapp([](json& c) { c["fallback_channel"] = "wa"; }); },
         wa + "/fallback_channel", "must be an SMS channel"},
        {"window_hours out of range",
         [] { return with_whatsapp([](json& c) { c["window_hours"] = 0; }); }, wa + "/window_hours", ""},
        {"a template for a language not configured",
         [] { return with_whatsapp([](json& c) { c["reengagement_template"]["fr"] = {{"name", "x"}, {"language", "fr"}}; }); },
         wa + "/reengagement_template/fr", "not in /languages"},
        {"a template name Meta would not have",
         [] { return with_whatsapp([](json& c) { c["reengagement_template"]["es"]["name"] = "Respuesta Pendiente"; }); },
         wa + "/reengagement_template/es/name", "template name"},
        {"a template language code Meta does not use",
         [] { return with_whatsapp([](json& c) { c["reengagement_template"]["es"]["language"] = "es-PE"; }); },
         wa + "/reengagement_template/es/language", "language code"},
        {"a template without a language",
         [] { return with_whatsapp([](json& c) { c["reengagement_template"]["es"].erase("language"); }); },
         wa + "/reengagement_template/es/language", ""},
        {"a body parameter that is not one fixed line",
         [] { return with_whatsapp([](json& c) { c["reengagement_template"]["en"]["body_parameter"] = "Red\nCross"; }); },
         wa + "/reengagement_template/en/body_parameter", "nothing of a case"},
        {"templates on Twilio WhatsApp (ContentSid is not supported)",
         [] {
             return with_whatsapp([](json& c) {
                 c["type"] = "twilio_whatsapp";
                 c.erase("phone_number_id");
             });
         },
         wa + "/reengagement_template", "ContentSid"},
        {"a window on an SMS channel",
         [] {
             json doc = example_json();
             doc["channels"][0]["window_hours"] = 24;
             return doc;
         },
         "/channels/0/window_hours", "only WhatsApp channels"},
    };
    for (const auto& v : variants) {
        INFO(v.name);
        const auto result = load_from_json(v.doc());
        INFO(describe(result.errors));
        const problem* p = find_problem(result.errors, v.path);
        REQUIRE(p != nullptr);
        CHECK(p->message.find(v.message_has) != std::string::npos);
        CHECK_FALSE(result.value.has_value());
    }
}

TEST_CASE("Twilio WhatsApp takes a window and an SMS fallback") {
    const auto result = load_from_json(with_whatsapp([](json& c) {
        c["type"] = "twilio_whatsapp";
        c.erase("phone_number_id");
        c.erase("reengagement_template");
        c["window_hours"] = 72;
    }));
    INFO(describe(result.errors));
    REQUIRE(result.value);
    CHECK(result.value->find_channel("wa")->window_hours == 72);
    CHECK(result.value->find_channel("wa")->fallback_channel == "sms");
}
