// How a load reports: syntax errors with a position, duplicate keys, many problems at once,
// defaults for what a file leaves out, unreadable files, and no exception for any input shape.
#include "config/load.hpp"

#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>
#include <algorithm>
#include <iterator>

using nlohmann::json;
using namespace cwc::config;
using namespace cwc::config::testing;

TEST_CASE("a JSON syntax error is one problem at the root naming the line") {
    const std::string texts[] = {
        "{\"deployment\": ",
        "{\"languages\": [{\"code\": \"es\",}]}",
        "{\"a\": 1}\n{\"b\": 2}",
        "",
    };
    for (const auto& text : texts) {
        CAPTURE(text);
        const load_result result = load_from_string(text);
        REQUIRE(result.errors.size() == 1);
        CHECK(result.errors[0].path.empty());
        CHECK(result.errors[0].message.find("not valid JSON") != std::string::npos);
        CHECK(result.errors[0].message.find("line") != std::string::npos);
        CHECK_FALSE(result.value.has_value());
    }
}

TEST_CASE("a key repeated in one object is an error at its pointer") {
    std::string text = example_json().dump(2);
    const std::string anchor = "\"texts\": {";
    const auto at = text.find(anchor);
    REQUIRE(at != std::string::npos);
    text.insert(at + anchor.size(), "\"help\": {\"es\": \"a\", \"en\": \"b\"},");
    const load_result result = load_from_string(text);
    INFO(describe(result.errors));
    REQUIRE(find_problem(result.errors, "/texts/help") != nullptr);
    CHECK(find_problem(result.errors, "/texts/help")->message.find("twice") != std::string::npos);
    CHECK_FALSE(result.value.has_value());
    CHECK(load_from_string(example_json().dump(2)).errors.empty());
}

TEST_CASE("every problem is reported at once") {
    json doc = example_json();
    doc["texts"]["help"].erase("en");
    doc["channels"][0]["auth_token_env"] = "bad name";
    doc["nodes"]["main"]["options"][1]["next"] = "complaints";
    doc["keywords"]["menu"]["es"].push_back("7");
    doc["nodes"]["info"]["extra"] = true;
    const load_result result = load_from_json(doc);
    INFO(describe(result.errors));
    CHECK(result.errors.size() == 4);
    for (const char* path : {"/texts/help/en", "/channels/0/auth_token_env",
                             "/nodes/main/options/1/next", "/keywords/menu/es/3"}) {
        CAPTURE(path);
        CHECK(find_problem(result.errors, path) != nullptr);
    }
    CHECK(find_problem(result.warnings, "/nodes/info/extra") != nullptr);
    CHECK_FALSE(result.value.has_value());
}

TEST_CASE("what the file leaves out takes the documented defaults") {
    json doc = example_json();
    doc.erase("server");
    for (const char* key : {"default_country", "conversation_timeout_minutes", "start_node"}) {
        doc["deployment"].erase(key);
    }
    for (const char* key : {"account_sid_env", "auth_token_env", "api_base_env", "default_api_base",
                            "provider_enforces_stop", "max_body_bytes", "sends_per_second"}) {
        doc["channels"][0].erase(key);
    }
    doc["nodes"]["info_gbv"].erase("next");
    doc["nodes"]["feedback"].erase("ask_region");
    doc["categories"][0].erase("sensitive");
    const load_result result = load_from_json(doc);
    INFO((describe(result.errors) + describe(result.warnings)));
    REQUIRE(result.value.has_value());
    const config& cfg = *result.value;
    const config defaults;
    const server_settings server_defaults;
    const channel channel_defaults;

    CHECK(cfg.default_country == defaults.default_country);
    CHECK(cfg.conversation_timeout_minutes == defaults.conversation_timeout_minutes);
    CHECK(cfg.start_node == defaults.start_node);
    CHECK(cfg.server.listen == server_defaults.listen);
    CHECK(cfg.server.public_url == server_defaults.public_url);
    CHECK(cfg.server.database == server_defaults.database);
    CHECK(cfg.server.tls.certificate_file.empty());
    CHECK(cfg.server.max_header_bytes == server_defaults.max_header_bytes);
    CHECK(cfg.server.read_timeout_seconds == server_defaults.read_timeout_seconds);
    CHECK(cfg.server.idle_timeout_seconds == server_defaults.idle_timeout_seconds);
    const channel& c = cfg.channels.at(0);
    CHECK(c.secret_env.at("account_sid") == "TWILIO_ACCOUNT_SID");
    CHECK(c.secret_env.at("auth_token") == "TWILIO_AUTH_TOKEN");
    CHECK(c.api_base_env == "TWILIO_API_BASE");
    CHECK(c.default_api_base == "https://api.twilio.com");
    CHECK(c.provider_enforces_stop == channel_defaults.provider_enforces_stop);
    // Twilio's own opt-out words, which it confirms itself; BAJA is not among them.
    CHECK(c.provider_stop_words.size() == 8);
    CHECK(std::count(c.provider_stop_words.begin(), c.provider_stop_words.end(), "stop") == 1);
    CHECK(std::count(c.provider_stop_words.begin(), c.provider_stop_words.end(), "baja") == 0);
    CHECK(c.max_body_bytes == channel_defaults.max_body_bytes);
    CHECK(c.sends_per_second == doctest::Approx(channel_defaults.sends_per_second));
    CHECK(cfg.find_node("info_gbv")->next == cfg.start_node);
    CHECK_FALSE(cfg.find_node("feedback")->ask_region);
    CHECK_FALSE(cfg.categories.at(0).sensitive);
}

TEST_CASE("values the file sets replace the defaults") {
    json doc = example_json();
    doc["server"] = {{"listen", "[::1]:0"},
                     {"public_url", "https://sms.example.org/cwc"},
                     {"tls", {{"certificate_file", "c.pem"}, {"private_key_file", "k.pem"}}},
                     {"max_header_bytes", 4096}};
    doc["channels"][0]["sends_per_second"] = 2.5;
    doc["channels"][0]["provider_enforces_stop"] = false;
    const load_result result = load_from_json(doc);
    INFO(describe(result.errors));
    REQUIRE(result.value.has_value());
    CHECK(result.value->server.listen == "[::1]:0");
    CHECK(result.value->server.public_url == "https://sms.example.org/cwc");
    CHECK(result.value->server.tls.private_key_file == "k.pem");
    CHECK(result.value->server.max_header_bytes == 4096);
    CHECK(result.value->channels[0].sends_per_second == doctest::Approx(2.5));
    CHECK_FALSE(result.value->channels[0].provider_enforces_stop);
    CHECK(result.value->channels[0].provider_stop_words.empty());
}

TEST_CASE("sends_per_second 0 means no limit") {
    json doc = example_json();
    doc["channels"][0]["sends_per_second"] = 0;
    const load_result result = load_from_json(doc);
    INFO(describe(result.errors));
    REQUIRE(result.value.has_value());
    CHECK(result.value->channels[0].sends_per_second == 0.0);
}

TEST_CASE("a channel's broadcast share: half by default, above 0 and at most 1") {
    CHECK(channel{}.broadcast_share == doctest::Approx(0.5));
    const struct {
        json value;
        bool ok;
        double expected;
    } rows[] = {{0.25, true, 0.25}, {1, true, 1.0}, {0, false, 0}, {1.5, false, 0}, {"half", false, 0}};
    for (const auto& r : rows) {
        CAPTURE(r.value.dump());
        json doc = example_json();
        doc["channels"][0]["broadcast_share"] = r.value;
        const load_result result = load_from_json(doc);
        CHECK(result.value.has_value() == r.ok);
        if (r.ok) CHECK(result.value->channels[0].broadcast_share == doctest::Approx(r.expected));
        else CHECK(find_problem(result.errors, "/channels/0/broadcast_share") != nullptr);
    }
}

TEST_CASE("an unreadable file is one problem naming the file") {
    const std::string missing = std::string(CWC_SOURCE_DIR) + "/config/no-such-file.json";
    const load_result result = load_from_file(missing);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].message.find(missing) != std::string::npos);
    CHECK_FALSE(result.value.has_value());

    const load_result directory = load_from_file(std::string(CWC_SOURCE_DIR) + "/config");
    REQUIRE(directory.errors.size() == 1);
    CHECK(directory.errors[0].message.find("directory") != std::string::npos);
}

TEST_CASE("to_string puts the pointer before the message, and the root has none") {
    CHECK(to_string({"/nodes/main/options/2/next", "no node 'infox'"}) ==
          "/nodes/main/options/2/next: no node 'infox'");
    CHECK(to_string({"", "not valid JSON"}) == "not valid JSON");
}

TEST_CASE("no input shape throws, and a null anywhere is an error at that pointer") {
    const json base = example_json();
    CHECK_NOTHROW(load_from_json(json::array()));
    CHECK(load_from_json(json::array()).errors.at(0).path.empty());

    // Every value of the example, leaves and containers alike.
    std::vector<std::string> pointers;
    const json flat = base.flatten();
    for (const auto& [leaf, value] : flat.items()) {
        for (std::string p = leaf; !p.empty(); p = p.substr(0, p.rfind('/'))) pointers.push_back(p);
    }
    std::sort(pointers.begin(), pointers.end());
    pointers.erase(std::unique(pointers.begin(), pointers.end()), pointers.end());
    REQUIRE(pointers.size() > 300);

    // null is wrong everywhere; the other shapes are each wrong somewhere.
    const json other_shapes[] = {7, -1, 3.5, "x", true, json::array(), json::object()};
    std::size_t round = 0;
    for (const auto& pointer : pointers) {
        CAPTURE(pointer);
        json doc = base;
        doc[json::json_pointer(pointer)] = nullptr;
        load_result result;
        CHECK_NOTHROW(result = load_from_json(doc));
        INFO(describe(result.errors));
        CHECK(find_problem(result.errors, pointer) != nullptr);

        doc[json::json_pointer(pointer)] = other_shapes[round++ % std::size(other_shapes)];
        CHECK_NOTHROW(result = load_from_json(doc));
    }
}
