// Channel secrets and API base resolved from the environment (a lookup the test supplies):
// present, missing, empty, the default API base, and trailing slashes.
#include "gateway/channel_runtime.hpp"
#include "gateway/twilio_adapter.hpp"

#include "tests/gateway/example_config.hpp"

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

using namespace cwc;
using gateway::resolve_channels;

namespace {

using environment = std::map<std::string, std::string>;

std::function<const char*(const char*)> lookup_in(const environment& env,
                                                  std::vector<std::string>* asked = nullptr) {
    return [&env, asked](const char* name) -> const char* {
        if (asked) asked->push_back(name);
        auto it = env.find(name);
        return it == env.end() ? nullptr : it->second.c_str();
    };
}

}  // namespace

TEST_CASE("each channel's secrets and API base come from the variables it names") {
    const auto cfg = gateway::testing::load_example_config();
    REQUIRE(cfg.channels.size() == 1);
    const auto& ch = cfg.channels.front();
    const std::string sid = ch.secret_env.at("account_sid"), token = ch.secret_env.at("auth_token"),
                      base = ch.api_base_env;

    struct row {
        const char* name;
        environment env;
        std::optional<gateway::twilio_credentials> credentials;
        std::string missing;
    };
    const row rows[] = {
        {"all set, no base: the default API base",
         {{sid, "AC123"}, {token, "tok"}},
         gateway::twilio_credentials{"AC123", "tok", "https://api.twilio.com"},
         ""},
        {"base set",
         {{sid, "AC123"}, {token, "tok"}, {base, "http://127.0.0.1:4010"}},
         gateway::twilio_credentials{"AC123", "tok", "http://127.0.0.1:4010"},
         ""},
        {"trailing slashes stripped",
         {{sid, "AC123"}, {token, "tok"}, {base, "http://127.0.0.1:4010/fake//"}},
         gateway::twilio_credentials{"AC123", "tok", "http://127.0.0.1:4010/fake"},
         ""},
        {"empty base: the default",
         {{sid, "AC123"}, {token, "tok"}, {base, ""}},
         gateway::twilio_credentials{"AC123", "tok", "https://api.twilio.com"},
         ""},
        {"sid missing", {{token, "tok"}}, std::nullopt, sid},
        {"token missing", {{sid, "AC123"}}, std::nullopt, token},
        {"token empty counts as missing", {{sid, "AC123"}, {token, ""}}, std::nullopt, token},
        {"nothing set", {}, std::nullopt, sid + ", " + token},
        {"only the base set", {{base, "http://127.0.0.1:4010"}}, std::nullopt, sid + ", " + token},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        auto resolved = resolve_channels(cfg, lookup_in(r.env));
        REQUIRE(resolved.size() == 1);
        CHECK(resolved[0].channel == &ch);
        CHECK(resolved[0].missing == r.missing);
        REQUIRE((resolved[0].adapter != nullptr) == r.credentials.has_value());
        if (r.credentials) {
            CHECK(resolved[0].secrets.at("account_sid") == r.credentials->account_sid);
            CHECK(resolved[0].secrets.at("auth_token") == r.credentials->auth_token);
            CHECK(resolved[0].api_base == r.credentials->api_base);
            CHECK(resolved[0].adapter->api_base() == r.credentials->api_base);
        }
    }
}

TEST_CASE("several channels resolve independently, in config order, from their own names") {
    auto cfg = gateway::testing::load_example_config();
    auto lima = cfg.channels.front();
    lima.id = "sms-lima";
    lima.secret_env["account_sid"] = "LIMA_SID";
    lima.secret_env["auth_token"] = "LIMA_TOKEN";
    lima.api_base_env = "LIMA_API";
    lima.default_api_base = "https://api.example.org/";
    cfg.channels.push_back(lima);

    const environment env{{"LIMA_SID", "AC-lima"}, {"LIMA_TOKEN", "tok-lima"}};
    std::vector<std::string> asked;
    auto resolved = resolve_channels(cfg, lookup_in(env, &asked));
    REQUIRE(resolved.size() == 2);
    CHECK(resolved[0].channel == &cfg.channels[0]);
    CHECK(resolved[1].channel == &cfg.channels[1]);
    CHECK(resolved[0].adapter == nullptr);
    CHECK(resolved[0].missing == "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN");
    REQUIRE(resolved[1].adapter != nullptr);
    CHECK(resolved[1].missing.empty());
    CHECK(resolved[1].secrets.at("account_sid") == "AC-lima");
    CHECK(resolved[1].secrets.at("auth_token") == "tok-lima");
    CHECK(resolved[1].api_base == "https://api.example.org");  // default, slash stripped
    const std::vector<std::string> expected_asked{"TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
                                                  "TWILIO_API_BASE",    "LIMA_SID",
                                                  "LIMA_TOKEN",         "LIMA_API"};
    CHECK(asked == expected_asked);
}
