// The shipped example must load cleanly, and each kind of mistake an operator makes must be
// reported at the exact JSON pointer of the value at fault (errors refuse, warnings accept).
#include "config/load.hpp"

#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>
#include <algorithm>
#include <functional>

using nlohmann::json;
using namespace cwc::config;
using namespace cwc::config::testing;

TEST_CASE("the example config loads with no errors and no warnings") {
    const load_result result = load_from_file(example_path());
    INFO((describe(result.errors) + describe(result.warnings)));
    REQUIRE(result.errors.empty());
    CHECK(without_verification_reminders(result.warnings).empty());
    REQUIRE(result.value.has_value());

    const config& cfg = *result.value;
    CHECK(cfg.default_language == "es");
    CHECK(cfg.languages.size() == 2);
    REQUIRE(cfg.find_channel("sms") != nullptr);
    CHECK(cfg.find_channel("sms")->address == "+5116409000");
    REQUIRE(cfg.find_node(cfg.start_node) != nullptr);
    CHECK(cfg.find_node(cfg.start_node)->kind == node_kind::menu);
    CHECK(cfg.keywords.size() == 8);  // subscribe and delete included
    REQUIRE(cfg.find_category("gbv") != nullptr);
    CHECK(cfg.find_category("gbv")->sensitive);
    CHECK_FALSE(cfg.find_category("suggestion")->sensitive);
    CHECK(cfg.find_case_type("complaint")->response_days == 7);
    // Text pages default back to the start node unless they name another.
    CHECK(cfg.find_node("info_gbv")->next == "info");
    for (const char* key : required_texts) {
        CAPTURE(key);
        CHECK_FALSE(cfg.text(key, "en").empty());
        CHECK_FALSE(cfg.text(key, "es").empty());
    }
}

namespace {

struct broken_variant {
    const char* name;
    std::function<void(json&)> mutate;
    const char* path;         // where the problem must be reported
    bool warning;             // false: an error that refuses the config
    const char* message_has;  // a fragment the message must contain ("" = any)
};

json ten_options(const json& doc) {
    json options = json::array();
    for (int i = 0; i < 10; ++i) options.push_back(doc["nodes"]["main"]["options"][0]);
    return options;
}

const broken_variant variants[] = {
    {"a text lacks a language", [](json& d) { d["texts"]["help"].erase("en"); }, "/texts/help/en",
     false, "languages"},
    {"an option points at a missing node",
     [](json& d) { d["nodes"]["main"]["options"][2]["next"] = "infox"; },
     "/nodes/main/options/2/next", false, "no node 'infox'"},
    {"a page points at a missing node", [](json& d) { d["nodes"]["info_gbv"]["next"] = "nowhere"; },
     "/nodes/info_gbv/next", false, "nowhere"},
    {"two channels share an id", [](json& d) { d["channels"].push_back(d["channels"][0]); },
     "/channels/1/id", false, "/channels/0/id"},
    {"a secret in a channel", [](json& d) { d["channels"][0]["auth_token"] = "0123abcd"; },
     "/channels/0/auth_token", false, "environment"},
    {"a bad environment variable name",
     [](json& d) { d["channels"][0]["auth_token_env"] = "twilio-token"; },
     "/channels/0/auth_token_env", false, "environment variable"},
    {"an address not in E.164", [](json& d) { d["channels"][0]["address"] = "+51 1 6409000"; },
     "/channels/0/address", false, "E.164"},
    {"a keyword for two actions", [](json& d) { d["keywords"]["help"]["en"].push_back("menu"); },
     "/keywords/help/en/2", false, "/keywords/menu/es/0"},
    {"a keyword for two actions once accents are stripped",
     [](json& d) { d["keywords"]["status"]["en"].push_back("Inició"); }, "/keywords/status/en/1",
     false, "/keywords/menu/es/2"},
    {"a keyword for two actions once a Latin Extended-A accent is stripped",
     [](json& d) {
         d["keywords"]["help"]["en"].push_back("cas");
         d["keywords"]["status"]["en"].push_back("Čas");
     },
     "/keywords/status/en/1", false, "/keywords/help/en/2"},
    {"a keyword of digits", [](json& d) { d["keywords"]["menu"]["es"].push_back("12"); },
     "/keywords/menu/es/3", false, "digits"},
    {"a keyword missing a language", [](json& d) { d["keywords"]["status"].erase("en"); },
     "/keywords/status/en", false, "missing"},
    {"an acknowledgement without {reference}",
     [](json& d) { d["case_types"][0]["acknowledgement"]["es"] = "Gracias, en {days} días."; },
     "/case_types/0/acknowledgement/es", false, "{reference}"},
    {"status_found without {status}",
     [](json& d) { d["texts"]["status_found"]["en"] = "Your case {reference}."; },
     "/texts/status_found/en", false, "{status}"},
    {"a public URL with a trailing slash",
     [](json& d) { d["server"]["public_url"] = "https://sms.example.org/"; }, "/server/public_url",
     false, "slash"},
    {"a public URL with a query",
     [](json& d) { d["server"]["public_url"] = "https://a.org/x?y=1"; }, "/server/public_url",
     false, "query"},
    {"a listen address without a port", [](json& d) { d["server"]["listen"] = "0.0.0.0"; },
     "/server/listen", false, "host:port"},
    {"a menu with ten options", [](json& d) { d["nodes"]["main"]["options"] = ten_options(d); },
     "/nodes/main/options", false, "1 to 9"},
    {"a wrong JSON type", [](json& d) { d["server"]["max_header_bytes"] = "8192"; },
     "/server/max_header_bytes", false, "expected an integer"},
    {"a number out of range", [](json& d) { d["deployment"]["conversation_timeout_minutes"] = 0; },
     "/deployment/conversation_timeout_minutes", false, "from 1 to 10080"},
    {"an unknown default language", [](json& d) { d["deployment"]["default_language"] = "fr"; },
     "/deployment/default_language", false, "es, en"},
    {"a language listed twice", [](json& d) { d["languages"].push_back(d["languages"][0]); },
     "/languages/2/code", false, "twice"},
    {"a start node that is not a menu", [](json& d) { d["deployment"]["start_node"] = "info_gbv"; },
     "/deployment/start_node", false, "menu"},
    {"a category of an unknown case type", [](json& d) { d["categories"][0]["type"] = "comlaint"; },
     "/categories/0/type", false, "comlaint"},
    {"a flow naming an unknown category",
     [](json& d) { d["nodes"]["complaint"]["categories"][1] = "legal"; },
     "/nodes/complaint/categories/1", false, "legal"},
    {"ask_region without regions", [](json& d) { d["regions"] = json::array(); },
     "/nodes/complaint/ask_region", false, "region"},
    {"a language keyword without a language node",
     [](json& d) {
         d["nodes"].erase("language");
         d["nodes"]["main"]["options"].erase(4);
     },
     "/keywords/language", false, "language"},
    {"a required text missing", [](json& d) { d["texts"].erase("apology"); }, "/texts/apology",
     false, "missing"},
    {"a status missing", [](json& d) { d["statuses"].erase("closed"); }, "/statuses/closed", false,
     "missing"},
    {"an empty text", [](json& d) { d["texts"]["help"]["es"] = "  "; }, "/texts/help/es", false,
     "empty"},
    {"TLS with a certificate only",
     [](json& d) {
         d["server"]["tls"] = {{"certificate_file", "cert.pem"}};
     },
     "/server/tls/private_key_file", false, "both"},
    {"a negative sends_per_second", [](json& d) { d["channels"][0]["sends_per_second"] = -1; },
     "/channels/0/sends_per_second", false, "above 0"},
    {"sends_per_second over 1000", [](json& d) { d["channels"][0]["sends_per_second"] = 1001; },
     "/channels/0/sends_per_second", false, "at most 1000"},
    {"an unknown node type", [](json& d) { d["nodes"]["info"]["type"] = "catalogue"; },
     "/nodes/info/type", false, "catalogue"},
    {"a node id that is not a slug",
     [](json& d) {
         d["nodes"]["Info Page"] = d["nodes"]["info_gbv"];
         d["nodes"]["info"]["options"][3]["next"] = "Info Page";
     },
     "/nodes/Info Page", false, "node id"},

    {"an unknown key", [](json& d) { d["nodes"]["main"]["optons"] = json::array(); },
     "/nodes/main/optons", true, "unknown key"},
    {"an unknown top-level key", [](json& d) { d["node"] = json::object(); }, "/node", true,
     "unknown key"},
    {"a text inviting CANCEL", [](json& d) { d["texts"]["help"]["en"] = "To stop, reply CANCEL."; },
     "/texts/help/en", true, "replying CANCEL would opt the person out"},
    {"a label inviting end",
     [](json& d) { d["nodes"]["info"]["options"][0]["label"]["en"] = "End"; },
     "/nodes/info/options/0/label/en", true, "END"},
    {"a keyword the provider treats as opt-out",
     [](json& d) {
         for (auto* words : {&d["keywords"]["stop"]["es"], &d["keywords"]["stop"]["en"]}) {
             words->erase(std::find(words->begin(), words->end(), "quit"));
         }
         d["keywords"]["menu"]["en"].push_back("Quit");
     },
     "/keywords/menu/en/2", true, "opted out by the provider"},
    {"a text for an unconfigured language", [](json& d) { d["texts"]["help"]["fr"] = "Aide"; },
     "/texts/help/fr", true, "not in /languages"},
    {"an unreachable node", [](json& d) { d["nodes"]["orphan"] = d["nodes"]["info_gbv"]; },
     "/nodes/orphan", true, "nobody will see it"},
    {"options on a text page",
     [](json& d) { d["nodes"]["info_gbv"]["options"] = d["nodes"]["info"]["options"]; },
     "/nodes/info_gbv/options", true, "only used by menu"},
    {"an unknown placeholder",
     [](json& d) { d["texts"]["status_found"]["es"] = "Tu caso {reference}: {estado} {status}."; },
     "/texts/status_found/es", true, "{estado}"},
    {"an unused text key, escaped in the pointer",
     [](json& d) { d["texts"]["a/b"] = json::object(); }, "/texts/a~1b", true, "not used"},
};

}  // namespace

TEST_CASE("each broken variant of the example is reported at its JSON pointer") {
    const json base = example_json();
    for (const auto& v : variants) {
        INFO(v.name);
        json doc = base;
        v.mutate(doc);
        const load_result result = load_from_json(doc);
        INFO((describe(result.errors) + describe(result.warnings)));
        const problem* p = find_problem(v.warning ? result.warnings : result.errors, v.path);
        REQUIRE(p != nullptr);
        CHECK(p->message.find(v.message_has) != std::string::npos);
        if (v.warning) {
            CHECK(result.errors.empty());
            CHECK(result.value.has_value());
        } else {
            CHECK_FALSE(result.value.has_value());
        }
    }
}

TEST_CASE("telling people to reply STOP is not a warning") {
    json doc = example_json();
    doc["texts"]["help"]["en"] = "Reply STOP to stop our messages, or stop by any time.";
    doc["nodes"]["info"]["options"][0]["label"]["en"] = "Weekend and pending cases";
    const load_result result = load_from_json(doc);
    INFO(describe(result.warnings));
    CHECK(result.errors.empty());
    CHECK(result.warnings.empty());
}

TEST_CASE("a channel may use a messaging service instead of an address") {
    json doc = example_json();
    doc["channels"][0].erase("address");
    const load_result without = load_from_json(doc);
    REQUIRE(find_problem(without.errors, "/channels/0/address") != nullptr);

    doc["channels"][0]["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef";
    const load_result with = load_from_json(doc);
    INFO(describe(with.errors));
    CHECK(with.errors.empty());
    REQUIRE(with.value.has_value());
    CHECK(with.value->channels[0].address.empty());

    doc["channels"][0]["messaging_service_sid"] = "MG123";
    CHECK(find_problem(load_from_json(doc).errors, "/channels/0/messaging_service_sid") != nullptr);
}
