// WhatsApp Cloud API webhooks: the X-Hub-Signature-256 test vector of PROVIDERS.md §2.3, the GET
// handshake, notifications of every message type (several per POST, BSUID-only senders, other
// numbers, malformed bodies) and statuses. Sends are in whatsapp_cloud_send_test.cpp.
#include "gateway/webhook_query.hpp"
#include "gateway/whatsapp_cloud_payload.hpp"
#include "gateway/whatsapp_cloud_provider.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace cwc;
using namespace std::chrono_literals;
using gateway::webhook_reading;
using gateway::webhook_route;
using messages::outbound_status;
using verdict = webhook_reading::verdict;
using nlohmann::json;
namespace http = boost::beast::http;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);
const std::string app_secret = "test_app_secret";
const std::string phone_number_id = "106540352242922";

// fixtures/whatsapp_text_es.json byte for byte (460 bytes, no trailing newline).
const std::string fixture =
    R"({"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"16505551234"}],"messages":[{"from":"16505551234","id":"wamid.TEST","timestamp":"1749416383","type":"text","text":{"body":"\u00bfD\u00f3nde est\u00e1 la cl\u00ednica?"}}]},"field":"messages"}]}]})";
const std::string fixture_signature =
    "sha256=140f184405ccf32a26781501cd18fae9c4fff210b35b44d017b61164d840dc35";

config::channel whatsapp_channel() {
    config::channel c;
    c.id = "whatsapp";
    c.kind = config::channel_kind::whatsapp_cloud;
    c.address = "+5116409001";
    c.options = {{"phone_number_id", phone_number_id}};
    return c;
}

const config::channel channel = whatsapp_channel();
const gateway::whatsapp_cloud_provider adapter{
    channel, {"EAAG-access-token", app_secret, "verify-me-7f3a", "http://127.0.0.1:9/graph"}};

gateway::http_request post(std::string body, std::optional<std::string> signature) {
    gateway::http_request req{http::verb::post, "/webhooks/whatsapp", 11};
    req.set(http::field::content_type, "application/json");
    if (signature) req.set("X-Hub-Signature-256", *signature);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

webhook_reading read_signed(const std::string& body) {
    return adapter.read_webhook(post(body, gateway::hub_signature(app_secret, body)), "",
                                webhook_route::inbound, now);
}

// A notification of one change of our number with these messages, contacts and statuses.
json change_value(json messages_list, json contacts = json::array(), json statuses = nullptr,
                  const std::string& number_id = phone_number_id) {
    json value{
        {"messaging_product", "whatsapp"},
        {"metadata", {{"display_phone_number", "5116409001"}, {"phone_number_id", number_id}}},
        {"contacts", std::move(contacts)},
        {"messages", std::move(messages_list)}};
    if (!statuses.is_null()) value["statuses"] = std::move(statuses);
    return value;
}

std::string notification(std::vector<json> values) {
    json changes = json::array();
    for (auto& v : values) changes.push_back({{"field", "messages"}, {"value", std::move(v)}});
    return json{{"object", "whatsapp_business_account"},
                {"entry", json::array({{{"id", "102290129340398"}, {"changes", changes}}})}}
        .dump();
}

json message(const std::string& id, const std::string& type, json content,
             const std::string& from = "5491155550001") {
    json m{{"from", from}, {"id", id}, {"timestamp", "1749416383"}, {"type", type}};
    if (!content.is_null()) m[type] = std::move(content);
    return m;
}

json status(const std::string& id, const std::string& name, const std::string& opaque = "") {
    json s{{"id", id},
           {"status", name},
           {"timestamp", "1749416390"},
           {"recipient_id", "5491155550001"}};
    if (!opaque.empty()) s["biz_opaque_callback_data"] = opaque;
    return s;
}

}  // namespace

TEST_CASE("X-Hub-Signature-256: the fixture's test vector, over the raw bytes only") {
    REQUIRE(fixture.size() == 460);
    CHECK(gateway::hub_signature(app_secret, fixture) == fixture_signature);
    CHECK(gateway::verify_hub_signature(app_secret, fixture, fixture_signature));
    // Re-serialising the parsed JSON writes the accents as UTF-8: other bytes, no match.
    const std::string reserialised = json::parse(fixture).dump();
    CHECK(reserialised != fixture);
    CHECK_FALSE(gateway::verify_hub_signature(app_secret, reserialised, fixture_signature));

    std::string upper = fixture_signature;
    for (std::size_t i = 7; i < upper.size(); ++i)
        if (upper[i] >= 'a' && upper[i] <= 'f') upper[i] = static_cast<char>(upper[i] - 32);
    const std::vector<std::pair<std::string, bool>> headers{
        {upper, true},
        {fixture_signature.substr(7), false},            // no "sha256=" prefix
        {"sha1=" + fixture_signature.substr(7), false},  // the legacy header's form
        {fixture_signature.substr(0, 70), false},        // one digit short
        {fixture_signature + "0", false},
        {gateway::hub_signature("other_secret", fixture), false},
        {"", false},
    };
    for (const auto& [header, ok] : headers) {
        CAPTURE(header);
        CHECK(gateway::verify_hub_signature(app_secret, fixture, header) == ok);
    }
    CHECK_FALSE(gateway::verify_hub_signature("", fixture, gateway::hub_signature("", fixture)));
}

TEST_CASE("the fixture webhook becomes one Spanish text message with the profile name") {
    const auto r =
        adapter.read_webhook(post(fixture, fixture_signature), "", webhook_route::inbound, now);
    REQUIRE(r.what == verdict::accepted);
    REQUIRE(r.messages.size() == 1);
    const auto& m = r.messages[0];
    CHECK(m.channel_id == "whatsapp");
    CHECK(m.provider_message_id == "wamid.TEST");
    CHECK(m.from == "16505551234");
    CHECK(m.to == "+5116409001");
    CHECK(m.kind == "text");
    CHECK(m.text == "¿Dónde está la clínica?");
    CHECK(m.profile_name == "Sheena Nelson");
    CHECK(m.received_at == now);
    CHECK(r.statuses.empty());
    CHECK(r.skipped.empty());
    CHECK(adapter.acknowledge(post("", std::nullopt)).result_int() == 200);
}

TEST_CASE("POST authentication comes before reading: missing or wrong signatures are refused") {
    struct row {
        const char* what;
        std::optional<std::string> signature;
        http::verb method;
        unsigned status;
    };
    const std::vector<row> rows{
        {"no header", std::nullopt, http::verb::post, 401},
        {"empty header", std::string{}, http::verb::post, 401},
        {"signature of another body", gateway::hub_signature(app_secret, "{}"), http::verb::post,
         403},
        {"signed with another secret", gateway::hub_signature("x", fixture), http::verb::post, 403},
        {"garbage", std::string{"sha256=zz"}, http::verb::post, 403},
        {"PUT", fixture_signature, http::verb::put, 405},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        auto req = post(fixture, r.signature);
        req.method(r.method);
        const auto reading = adapter.read_webhook(req, "", webhook_route::inbound, now);
        CHECK(reading.what == verdict::rejected);
        CHECK(reading.status == r.status);
        CHECK_FALSE(reading.reason.empty());
        CHECK(reading.messages.empty());
    }
    // Unreadable but authentic: kept for an operator, whatever is inside.
    const auto garbage = read_signed("not json at all {");
    CHECK(garbage.what == verdict::quarantine);
    // Unreadable and not authentic: refused before anyone looks at it.
    CHECK(adapter
              .read_webhook(post("not json at all {", "sha256=" + std::string(64, '0')), "",
                            webhook_route::inbound, now)
              .status == 403);
}

TEST_CASE("GET verification handshake") {
    struct row {
        const char* target;
        webhook_route route;
        verdict expected;
        unsigned status;
    };
    const std::vector<row> rows{
        {"/webhooks/"
         "whatsapp?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me-7f3a",
         webhook_route::inbound, verdict::answered, 200},
        {"/webhooks/"
         "whatsapp?hub.verify_token=verify-me-7f3a&hub.challenge=abc%20def&hub.mode=subscribe",
         webhook_route::inbound, verdict::answered, 200},
        {"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-me-7f3b",
         webhook_route::inbound, verdict::rejected, 403},
        {"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-me",
         webhook_route::inbound, verdict::rejected, 403},
        {"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1&hub.verify_token=",
         webhook_route::inbound, verdict::rejected, 403},
        {"/webhooks/whatsapp?hub.mode=subscribe&hub.challenge=1", webhook_route::inbound,
         verdict::rejected, 403},
        {"/webhooks/whatsapp?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me-7f3a",
         webhook_route::inbound, verdict::rejected, 403},
        {"/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me-7f3a",
         webhook_route::inbound, verdict::rejected, 400},
        {"/webhooks/whatsapp", webhook_route::inbound, verdict::rejected, 403},
        {"/webhooks/whatsapp/"
         "status?hub.mode=subscribe&hub.challenge=1&hub.verify_token=verify-me-7f3a",
         webhook_route::status, verdict::rejected, 405},
    };
    for (const auto& r : rows) {
        CAPTURE(r.target);
        gateway::http_request req{http::verb::get, r.target, 11};
        const auto reading = adapter.read_webhook(req, "", r.route, now);
        CHECK(reading.what == r.expected);
        if (r.expected != verdict::answered) {
            CHECK(reading.status == r.status);
            continue;
        }
        REQUIRE(reading.answer.has_value());
        CHECK(reading.answer->result_int() == 200);
        CHECK((*reading.answer)[http::field::content_type] == "text/plain");
        const auto challenge = gateway::query_param(r.target, "hub.challenge");
        REQUIRE(challenge.has_value());
        CHECK(reading.answer->body() == *challenge);
    }
}

TEST_CASE(
    "one POST with several entries, messages and statuses returns all of them, each wamid once") {
    const auto body = notification({
        change_value(
            {message("wamid.A1", "text", {{"body", "hola"}}),
             message("wamid.A2", "text", {{"body", "1"}}),
             message("wamid.A1", "text", {{"body", "hola"}})},
            json::array({{{"profile", {{"name", "Ana"}}}, {"wa_id", "5491155550001"}}}),
            json::array({status("wamid.OUT1", "sent", "41"), status("wamid.OUT1", "sent", "41")})),
        change_value(
            {message("wamid.B1", "text", {{"body", "menu"}}, "51987654321")},
            json::array({{{"profile", {{"name", "Luis"}}}, {"wa_id", "51987654321"}}}),
            json::array({status("wamid.OUT1", "delivered", "41"), status("wamid.OUT2", "read")})),
    });
    const auto r = read_signed(body);
    REQUIRE(r.what == verdict::accepted);
    REQUIRE(r.messages.size() == 3);
    CHECK(r.messages[0].provider_message_id == "wamid.A1");
    CHECK(r.messages[0].text == "hola");
    CHECK(r.messages[0].profile_name == "Ana");
    CHECK(r.messages[1].provider_message_id == "wamid.A2");
    CHECK(r.messages[2].provider_message_id == "wamid.B1");
    CHECK(r.messages[2].from == "51987654321");
    CHECK(r.messages[2].profile_name == "Luis");
    REQUIRE(r.statuses.size() == 3);
    CHECK(r.statuses[0].status == outbound_status::sent);
    CHECK(r.statuses[0].outbound_id == 41);
    CHECK(r.statuses[1].status == outbound_status::delivered);
    CHECK(r.statuses[2].provider_message_id == "wamid.OUT2");
    CHECK(r.statuses[2].status == outbound_status::read);
    CHECK(r.statuses[2].outbound_id == 0);
}

TEST_CASE("every message type") {
    struct row {
        const char* type;
        json content;
        const char* kind;
        const char* text;
        const char* choice_id;
    };
    const std::vector<row> rows{
        {"text", {{"body", "¿Hay agua en el albergue?"}}, "text", "¿Hay agua en el albergue?", ""},
        {"interactive",
         {{"type", "button_reply"}, {"button_reply", {{"id", "opt-2"}, {"title", "Salud"}}}},
         "interactive",
         "Salud",
         "opt-2"},
        {"interactive",
         {{"type", "list_reply"},
          {"list_reply", {{"id", "row-lima"}, {"title", "Lima"}, {"description", "Región Lima"}}}},
         "interactive",
         "Lima",
         "row-lima"},
        {"interactive",
         {{"type", "nfm_reply"}, {"nfm_reply", {{"response_json", "{}"}}}},
         "unsupported",
         "",
         ""},
        {"button",
         {{"text", "Sí, gracias"}, {"payload", "CONFIRM_YES"}},
         "interactive",
         "Sí, gracias",
         "CONFIRM_YES"},
        {"location",
         {{"latitude", -12.0464}, {"longitude", -77.0428}, {"name", "Plaza"}, {"address", "Lima"}},
         "location",
         "",
         ""},
        {"location", {{"name", "no coordinates"}}, "unsupported", "", ""},
        {"contacts", json::array({{{"name", {{"formatted_name", "X"}}}}}), "unsupported", "", ""},
        {"order", {{"catalog_id", "1"}}, "unsupported", "", ""},
        {"unsupported", nullptr, "unsupported", "", ""},
        {"hologram", {{"x", 1}}, "unsupported", "", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.type);
        CAPTURE(r.content.dump());
        const auto reading =
            read_signed(notification({change_value({message("wamid.T", r.type, r.content)})}));
        REQUIRE(reading.what == verdict::accepted);
        REQUIRE(reading.messages.size() == 1);
        const auto& m = reading.messages[0];
        CHECK(m.kind == r.kind);
        CHECK(m.text == r.text);
        CHECK(m.choice_id == r.choice_id);
        CHECK(m.media.empty());
        CHECK(m.location.has_value() == (std::string{r.kind} == "location"));
    }
    const auto located = read_signed(
        notification({change_value({message("wamid.L", "location", rows[5].content)})}));
    REQUIRE(located.messages.at(0).location.has_value());
    CHECK(located.messages[0].location->latitude == doctest::Approx(-12.0464));
    CHECK(located.messages[0].location->longitude == doctest::Approx(-77.0428));
    CHECK(located.messages[0].location->name == "Plaza");
    CHECK(located.messages[0].location->address == "Lima");
}

TEST_CASE("media messages carry their attachment and the caption as text") {
    for (const std::string type : {"image", "video", "audio", "voice", "document", "sticker"}) {
        CAPTURE(type);
        json media{{"id", "1037543291543636"},
                   {"mime_type", type + "/x-test"},
                   {"sha256", "29ed500fa64eb55fc19dc4124acb300e5dcca0f822a301ae99944db"}};
        if (type == "image" || type == "document") media["caption"] = "mi documento";
        if (type == "document") media["filename"] = "dni.pdf";
        const auto r = read_signed(notification({change_value({message("wamid.M", type, media)})}));
        REQUIRE(r.messages.size() == 1);
        const auto& m = r.messages[0];
        CHECK(m.kind == "media");
        REQUIRE(m.media.size() == 1);
        CHECK(m.media[0].kind == type);
        CHECK(m.media[0].provider_media_id == "1037543291543636");
        CHECK(m.media[0].mime_type == type + "/x-test");
        CHECK(m.media[0].sha256 == "29ed500fa64eb55fc19dc4124acb300e5dcca0f822a301ae99944db");
        CHECK(m.media[0].caption == (media.contains("caption") ? "mi documento" : ""));
        CHECK(m.media[0].filename == (type == "document" ? "dni.pdf" : ""));
        CHECK(m.text == m.media[0].caption);
    }
}

TEST_CASE("reactions, system events, group messages and other numbers are skipped with a note") {
    const auto r = read_signed(notification({
        change_value(
            {message("wamid.R", "reaction", {{"message_id", "wamid.OUT"}, {"emoji", "👍"}}),
             message("wamid.S", "system", {{"body", "changed"}, {"type", "user_changed_number"}}),
             [] {
                 auto g = message("wamid.G", "text", {{"body", "hi"}});
                 g["group_id"] = "G1";
                 return g;
             }(),
             message("wamid.K", "text", {{"body", "kept"}})}),
        change_value({message("wamid.X", "text", {{"body", "for another number"}})}, json::array(),
                     json::array({status("wamid.Y", "delivered", "7")}), "999999999999999"),
    }));
    REQUIRE(r.what == verdict::accepted);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].provider_message_id == "wamid.K");
    CHECK(r.statuses.empty());
    CHECK(r.skipped == std::vector<std::string>{"reaction", "system:user_changed_number", "group",
                                                "phone_number_id"});
}

TEST_CASE("BSUID senders: a withheld number keeps the user id and the profile name") {
    json only_user_id{{"from_user_id", "US.13491208655302741918"},
                      {"id", "wamid.U1"},
                      {"timestamp", "1749416383"},
                      {"type", "text"},
                      {"text", {{"body", "hola"}}}};
    const auto contacts = json::array(
        {{{"profile", {{"name", "Sheena"}}}, {"user_id", "US.13491208655302741918"}},
         {{"profile", {{"name", "Omar"}}}, {"wa_id", "16505550002"}, {"user_id", "US.777"}}});
    const auto r = read_signed(notification({change_value(
        {only_user_id, message("wamid.U2", "text", {{"body", "x"}}, "16505550002")}, contacts)}));
    REQUIRE(r.messages.size() == 2);
    CHECK(r.messages[0].from.empty());
    CHECK(r.messages[0].sender_user_id == "US.13491208655302741918");
    CHECK(r.messages[0].profile_name == "Sheena");
    CHECK(r.messages[1].from == "16505550002");
    CHECK(r.messages[1].sender_user_id == "US.777");  // from contacts[], keyed by wa_id
    CHECK(r.messages[1].profile_name == "Omar");

    json nobody{{"id", "wamid.N"}, {"type", "text"}, {"text", {{"body", "?"}}}};
    const auto none = read_signed(notification({change_value({nobody})}));
    CHECK(none.messages.empty());
    CHECK(none.skipped == std::vector<std::string>{"message:no_sender"});
}

TEST_CASE("statuses: our id from biz_opaque_callback_data, failures with their code") {
    json failed = status("wamid.F", "failed", "1234");
    failed["errors"] = json::array({{{"code", 131047}, {"title", "Re-engagement message"}}});
    const auto r = read_signed(notification({change_value(
        json::array(), json::array(),
        json::array({status("wamid.S", "sent", "88"), failed, status("wamid.D", "delivered", "abc"),
                     status("wamid.E", "read", "-3"), status("wamid.Z", "deleted"),
                     status("wamid.W", "warning"), json{{"status", "sent"}}}))}));
    REQUIRE(r.what == verdict::accepted);
    REQUIRE(r.statuses.size() == 4);
    CHECK(r.statuses[0].outbound_id == 88);
    CHECK(r.statuses[0].provider_message_id == "wamid.S");
    CHECK(r.statuses[1].status == outbound_status::failed);
    CHECK(r.statuses[1].error_code == "131047");
    CHECK(r.statuses[1].outbound_id == 1234);
    CHECK(r.statuses[2].outbound_id == 0);  // not our decimal id
    CHECK(r.statuses[3].outbound_id == 0);
    CHECK(r.skipped ==
          std::vector<std::string>{"status:deleted", "status:warning", "status:no_id"});
}

TEST_CASE(
    "authentic bodies we cannot read are quarantined; other objects are accepted and skipped") {
    const std::vector<std::pair<std::string, verdict>> rows{
        {"{\"object\":\"whatsapp_business_account\",\"entry\":[", verdict::quarantine},
        {"[1,2,3]", verdict::quarantine},
        {R"({"entry":[]})", verdict::quarantine},
        {R"({"object":"whatsapp_business_account"})", verdict::quarantine},
        {R"({"object":"whatsapp_business_account","entry":{}})", verdict::quarantine},
        {R"({"object":"whatsapp_business_account","entry":[{"id":"1"}]})", verdict::quarantine},
        {R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages"}]}]})",
         verdict::quarantine},
        {R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":{}}}]}]})",
         verdict::quarantine},
        {"{\"object\":\"whatsapp_business_account\",\"x\":\"\xff\"}", verdict::quarantine},
        {R"({"object":"page","entry":[{"messaging":[]}]})", verdict::accepted},
        {R"({"object":"whatsapp_business_account","entry":[{"changes":[{"field":"account_update","value":{}}]}]})",
         verdict::accepted},
        {R"({"object":"whatsapp_business_account","entry":[]})", verdict::accepted},
    };
    for (const auto& [body, expected] : rows) {
        CAPTURE(body);
        const auto r = read_signed(body);
        CHECK(r.what == expected);
        CHECK(r.messages.empty());
        CHECK(r.statuses.empty());
        if (expected == verdict::quarantine) CHECK_FALSE(r.reason.empty());
    }
    CHECK(read_signed(rows[9].first).skipped == std::vector<std::string>{"object:page"});
    CHECK(read_signed(rows[10].first).skipped == std::vector<std::string>{"field:account_update"});
}
