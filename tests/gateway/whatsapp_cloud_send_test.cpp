// WhatsApp Cloud API sends: the Graph request built for an outbox message (digits or BSUID, our id
// in biz_opaque_callback_data, 4096-character texts) and how every Graph answer is interpreted
// (PROVIDERS.md §2.5, §2.7, §2.8).
#include "gateway/send_outcomes.hpp"
#include "gateway/whatsapp_cloud_provider.hpp"
#include "messages/text.hpp"

#include <doctest/doctest.h>
#include <boost/asio/error.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace cwc;
using namespace std::chrono_literals;
using outcome = messages::send_result::outcome;
using nlohmann::json;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);

config::channel whatsapp_channel() {
    config::channel c;
    c.id = "whatsapp";
    c.kind = config::channel_kind::whatsapp_cloud;
    c.address = "+5116409001";
    c.options = {{"phone_number_id", "106540352242922"}};
    return c;
}

const config::channel channel = whatsapp_channel();
const gateway::whatsapp_cloud_provider adapter{
    channel,
    {"EAAG-access-token", "test_app_secret", "verify-me-7f3a", "http://127.0.0.1:9/graph"}};

std::string graph_error(int code, const std::string& message) {
    return json{{"error",
                 {{"message", message},
                  {"type", "OAuthException"},
                  {"code", code},
                  {"error_data", {{"messaging_product", "whatsapp"}, {"details", message}}},
                  {"fbtrace_id", "AazDw3kdnpRy5QxOi4Y1x7V"}}}}
        .dump();
}

}  // namespace

TEST_CASE("build_send: a Graph text message to the digits, or to the BSUID") {
    messages::outbound_message m;
    m.id = 4021;
    m.to = "+16505551234";
    m.text = "Gracias. Su referencia es K7M-3QX.";
    const auto spec =
        adapter.build_send(m, {"https://gw.example.org/webhooks/whatsapp/status?m=4021"});
    CHECK(spec.method == "POST");
    CHECK(spec.target == "/graph/v25.0/106540352242922/messages");
    CHECK(std::count(spec.headers.begin(), spec.headers.end(),
                     std::pair<std::string, std::string>{"Authorization",
                                                         "Bearer EAAG-access-token"}) == 1);
    CHECK(std::count(spec.headers.begin(), spec.headers.end(),
                     std::pair<std::string, std::string>{"Content-Type", "application/json"}) == 1);
    const auto body = json::parse(spec.body);
    CHECK(body == json{{"messaging_product", "whatsapp"},
                       {"recipient_type", "individual"},
                       {"to", "16505551234"},
                       {"type", "text"},
                       {"text", {{"body", m.text}, {"preview_url", false}}},
                       {"biz_opaque_callback_data", "4021"}});

    m.to = "16505551234";  // as stored before the number is normalised
    CHECK(json::parse(adapter.build_send(m, {}).body)["to"] == "16505551234");
    m.to = "US.13491208655302741918";
    const auto to_user = json::parse(adapter.build_send(m, {}).body);
    CHECK(to_user["recipient"] == "US.13491208655302741918");
    CHECK_FALSE(to_user.contains("to"));

    auto versioned = whatsapp_channel();
    versioned.options["api_version"] = "v21.0";
    const gateway::whatsapp_cloud_provider other{versioned,
                                                 {"t", "s", "v", "https://graph.facebook.com"}};
    CHECK(other.build_send(m, {}).target == "/v21.0/106540352242922/messages");
}

TEST_CASE("build_send keeps the text within 4096 characters without cutting one in half") {
    struct row {
        std::string text;
        std::size_t expected_chars;
    };
    std::string emoji;
    for (int i = 0; i < 5000; ++i) emoji += "😀";
    std::string mixed = std::string(4095, 'a') + "ñandú";
    const std::vector<row> rows{
        {std::string(4096, 'a'), 4096},
        {std::string(4097, 'a'), 4096},
        {emoji, 4096},
        {mixed, 4096},
        {"corto", 5},
    };
    for (const auto& r : rows) {
        messages::outbound_message m;
        m.id = 1;
        m.to = "+51987654321";
        m.text = r.text;
        const auto text =
            json::parse(adapter.build_send(m, {}).body)["text"]["body"].get<std::string>();
        CHECK(messages::is_valid_utf8(text));
        std::size_t chars = 0;
        for (const unsigned char c : text) chars += (c & 0xC0) != 0x80;
        CHECK(chars == r.expected_chars);
        CHECK(r.text.starts_with(text));
    }
    CHECK(gateway::truncate_code_points("añb", 2) == "añ");
    CHECK(gateway::truncate_code_points("añb", 0).empty());
}

TEST_CASE("build_send: a broadcast's template carries the row's own body parameter") {
    auto with_templates = whatsapp_channel();
    with_templates.reengagement_templates["es"] = {"respuesta_pendiente", "es", "Cruz Roja"};
    const gateway::whatsapp_cloud_provider sender{with_templates, {"t", "s", "v", "http://127.0.0.1:9"}};
    struct row {
        const char* name;
        const char* template_name;
        const char* parameter;
        std::optional<std::string> expected;  // the body parameter sent, nothing: no components
    };
    const std::vector<row> rows{
        {"a broadcast's parameter", "brigada_salud", "Callao, sábado 9:00", "Callao, sábado 9:00"},
        {"a broadcast template without one", "brigada_salud", "", std::nullopt},
        {"the row's parameter wins over the channel's", "respuesta_pendiente", "Callao", "Callao"},
        {"a re-engagement template: the channel's text", "respuesta_pendiente", "", "Cruz Roja"},
    };
    for (const auto& r : rows) {
        INFO(r.name);
        messages::outbound_message m;
        m.id = 77;
        m.to = "+51987654321";
        m.template_name = r.template_name;
        m.template_language = "es";
        m.template_parameter = r.parameter;
        m.broadcast_id = 5;
        const auto body = json::parse(sender.build_send(m, {}).body);
        CHECK(body["type"] == "template");
        CHECK(body["template"]["name"] == r.template_name);
        CHECK_FALSE(body.contains("text"));
        if (r.expected) {
            REQUIRE(body["template"].contains("components"));
            CHECK(body["template"]["components"][0]["type"] == "body");
            CHECK(body["template"]["components"][0]["parameters"][0]["type"] == "text");
            CHECK(body["template"]["components"][0]["parameters"][0]["text"] == *r.expected);
        } else {
            CHECK_FALSE(body["template"].contains("components"));
        }
    }
}

TEST_CASE("interpret_send: every Graph answer") {
    const std::string sent_body =
        R"({"messaging_product":"whatsapp","contacts":[{"input":"16505551234","wa_id":"16505551234"}],)"
        R"("messages":[{"id":"wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA"}]})";
    const auto backoff = [](int attempts) { return gateway::backoff_after(now, attempts); };
    const auto recheck = gateway::credentials_rejected("", now).retry_at;  // the shared policy
    struct row {
        const char* what;
        unsigned status;
        std::string body;
        std::string retry_after;
        int attempts;
        outcome expected;
        std::string code;
        std::optional<messages::timestamp> retry_at;
    };
    const std::vector<row> rows{
        {"sent", 200, sent_body, "", 1, outcome::sent, "", std::nullopt},
        {"200 without an id", 200, R"({"messaging_product":"whatsapp"})", "", 1, outcome::retry,
         "http_200", backoff(1)},
        {"expired token", 401, graph_error(190, "Error validating access token"), "", 1,
         outcome::credentials_rejected, "190", recheck},
        {"auth code 0", 400, graph_error(0, "AuthException"), "", 1, outcome::credentials_rejected,
         "0", recheck},
        {"401 without a body", 401, "", "", 1, outcome::credentials_rejected, "http_401", recheck},
        {"app rate limit", 400, graph_error(4, "Application request limit reached"), "", 2,
         outcome::retry, "4", backoff(2)},
        {"WABA rate limit", 400, graph_error(80007, "Rate limit issues"), "", 1, outcome::retry,
         "80007", backoff(1)},
        {"throughput", 400, graph_error(130429, "Rate limit hit"), "30", 1, outcome::retry,
         "130429", now + 30s},
        {"spam rate limit", 400, graph_error(131048, "Spam rate limit hit"), "", 1, outcome::retry,
         "131048", backoff(1)},
        {"pair rate limit", 400, graph_error(131056, "Pair rate limit hit"), "", 3, outcome::retry,
         "131056", backoff(3)},
        {"register rate limit", 400, graph_error(133016, "Account register deregister rate limit exceeded"), "",
         1, outcome::retry, "133016", backoff(1)},
        {"HTTP 429", 429, "", "7", 1, outcome::retry, "http_429", now + 7s},
        {"something went wrong", 500, graph_error(131000, "Something went wrong"), "", 1,
         outcome::retry, "131000", backoff(1)},
        {"media download", 400, graph_error(131053, "Media upload error"), "", 1, outcome::retry,
         "131053", backoff(1)},
        {"503 no body", 503, "<html>busy</html>", "", 4, outcome::retry, "http_503", backoff(4)},
        {"re-engagement", 400, graph_error(131047, "Re-engagement message"), "", 1, outcome::failed,
         "131047", std::nullopt},
        {"undeliverable", 400, graph_error(131026, "Message Undeliverable"), "", 1, outcome::failed,
         "131026", std::nullopt},
        {"invalid parameter", 400, graph_error(100, "Invalid parameter"), "", 1, outcome::failed,
         "100", std::nullopt},
        {"other 4xx", 404, "", "", 1, outcome::failed, "http_404", std::nullopt},
        {"throttled, last attempt", 400, graph_error(130429, "Rate limit hit"), "", 5,
         outcome::failed, "130429", std::nullopt},
        {"5xx, last attempt", 502, "", "", 5, outcome::failed, "http_502", std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        gateway::http_result result;
        result.status = r.status;
        result.body = r.body;
        result.retry_after = r.retry_after;
        const auto got = adapter.interpret_send(result, now, r.attempts, 5);
        CHECK(got.kind == r.expected);
        CHECK(got.error_code == r.code);
        if (r.expected == outcome::sent)
            CHECK(got.provider_message_id ==
                  "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA");
        if (r.retry_at) CHECK(got.retry_at == *r.retry_at);
    }
    gateway::http_result refused;
    refused.error = boost::asio::error::connection_refused;
    const auto network = adapter.interpret_send(refused, now, 1, 5);
    CHECK(network.kind == outcome::retry);
    CHECK(network.retry_at == backoff(1));
    CHECK(adapter.interpret_send(refused, now, 5, 5).kind == outcome::failed);
}

TEST_CASE("make_whatsapp_cloud_provider needs all three secrets") {
    const gateway::channel_secrets all{
        {"access_token", "t"}, {"app_secret", "s"}, {"verify_token", "v"}};
    CHECK(gateway::make_whatsapp_cloud_provider(channel, all, "https://graph.facebook.com") !=
          nullptr);
    auto missing = all;
    missing.erase("app_secret");
    CHECK(gateway::make_whatsapp_cloud_provider(channel, missing, "https://graph.facebook.com") ==
          nullptr);
}
