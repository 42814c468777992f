// Africa's Talking callbacks: the token in the URL, every field shape of incoming messages,
// opt-out notices and delivery reports. Sends are in africastalking_send_test.cpp.
#include "gateway/africastalking_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace cwc;
using namespace std::chrono_literals;
using gateway::webhook_reading;
using gateway::webhook_route;
using messages::outbound_status;
using outcome = messages::send_result::outcome;
using verdict = webhook_reading::verdict;
namespace http = boost::beast::http;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);
constexpr const char* token = "s3cret-t0ken-0123456789abcdef";

config::channel at_channel(std::string address = "21525",
                           std::map<std::string, std::string> options = {{"username", "cwc-ke"}}) {
    config::channel ch;
    ch.id = "at";
    ch.kind = config::channel_kind::africastalking;
    ch.address = std::move(address);
    ch.options = std::move(options);
    return ch;
}

gateway::africastalking_provider make(const config::channel& ch,
                                      std::string api_base = "https://api.africastalking.com") {
    return gateway::africastalking_provider{ch, {"atsk_key", token, std::move(api_base)}};
}

gateway::http_request form_post(std::string target, std::string body,
                                std::string content_type = "application/x-www-form-urlencoded") {
    gateway::http_request req{http::verb::post, target, 11};
    req.set(http::field::content_type, content_type);
    req.body() = std::move(body);
    req.prepare_payload();
    return req;
}

std::string with_token(std::string path) {
    return path + "?token=" + token;
}

const std::string inbound_body =
    "linkId=SampleLinkId123&text=Hola&to=21525&id=ATXid_7e4b1c&date=2017-05-03T06%3A04%3A45Z"
    "&from=%2B254711082000&networkCode=63902";

}  // namespace

TEST_CASE("africastalking: the token in the callback URL authenticates, before anything is read") {
    const auto ch = at_channel();
    const auto at = make(ch);
    struct row {
        const char* name;
        std::string target;
        unsigned status;  // 0: accepted
    };
    const std::string t{token};
    const row rows[] = {
        {"no query", "/webhooks/at", 401},
        {"empty token", "/webhooks/at?token=", 401},
        {"other parameter only", "/webhooks/at?tok=" + t, 401},
        {"wrong token", "/webhooks/at?token=wrong", 403},
        {"a prefix of the token", "/webhooks/at?token=" + t.substr(0, t.size() - 1), 403},
        {"the token and more", "/webhooks/at?token=" + t + "x", 403},
        {"upper-cased token", "/webhooks/at?token=S3CRET-T0KEN-0123456789ABCDEF", 403},
        {"right token", "/webhooks/at?token=" + t, 0},
        {"right token among others", "/webhooks/at?a=1&token=" + t + "&b=2", 0},
        {"right token, %-encoded", "/webhooks/at?token=s3cret%2Dt0ken-0123456789abcdef", 0},
    };
    for (const auto& r : rows) {
        for (const auto route : {webhook_route::inbound, webhook_route::status}) {
            CAPTURE(r.name);
            CAPTURE(static_cast<int>(route));
            // Even an unusable body: authentication comes first.
            const auto reading = at.read_webhook(form_post(r.target, "%zz"), "", route, now);
            if (r.status == 0) {
                CHECK(reading.what == verdict::rejected);
                CHECK(reading.status == 400);  // past the token, the body is malformed
            } else {
                CHECK(reading.what == verdict::rejected);
                CHECK(reading.status == r.status);
            }
        }
    }
}

TEST_CASE("africastalking: method and content type are checked after the token") {
    const auto ch = at_channel();
    const auto at = make(ch);
    auto get = form_post(with_token("/webhooks/at"), inbound_body);
    get.method(http::verb::get);
    CHECK(at.read_webhook(get, "", webhook_route::inbound, now).status == 405);
    const auto json = form_post(with_token("/webhooks/at"), "{}", "application/json");
    CHECK(at.read_webhook(json, "", webhook_route::inbound, now).status == 415);
    const auto bad_utf8 = form_post(with_token("/webhooks/at"), "id=1&from=%2B254&text=%FF");
    CHECK(at.read_webhook(bad_utf8, "", webhook_route::inbound, now).status == 400);
}

TEST_CASE("africastalking: incoming message field shapes") {
    const auto ch = at_channel();
    const auto at = make(ch);
    struct row {
        const char* name;
        std::string body;
        verdict what;
        std::string id, from, to, text, link_id;
    };
    const row rows[] = {
        {"documented callback, ISO date", inbound_body, verdict::accepted, "ATXid_7e4b1c",
         "+254711082000", "21525", "Hola", "SampleLinkId123"},
        {"date with a space, no linkId or networkCode",
         "from=%2B254711082000&to=21525&text=Msg+two&date=2017-05-03+06%3A04%3A45&id=ATXid_2",
         verdict::accepted, "ATXid_2", "+254711082000", "21525", "Msg two", ""},
        {"no date at all", "from=%2B254711082000&to=21525&text=x&id=ATXid_3", verdict::accepted,
         "ATXid_3", "+254711082000", "21525", "x", ""},
        {"empty text is a message", "from=%2B254711082000&to=21525&text=&id=ATXid_4",
         verdict::accepted, "ATXid_4", "+254711082000", "21525", "", ""},
        {"absent text is a message", "from=%2B254711082000&to=21525&id=ATXid_5", verdict::accepted,
         "ATXid_5", "+254711082000", "21525", "", ""},
        {"accents and emoji survive",
         "from=%2B254711082000&id=ATXid_6&text=%C2%BFD%C3%B3nde%3F+%F0%9F%98%80", verdict::accepted,
         "ATXid_6", "+254711082000", "", "¿Dónde? 😀", ""},
        {"missing id", "from=%2B254711082000&to=21525&text=Hola", verdict::quarantine, "", "", "",
         "", ""},
        {"empty id", "id=&from=%2B254711082000&to=21525&text=Hola", verdict::quarantine, "", "", "",
         "", ""},
        {"missing from", "id=ATXid_7&to=21525&text=Hola", verdict::quarantine, "", "", "", "", ""},
        {"empty from", "id=ATXid_8&from=&to=21525&text=Hola", verdict::quarantine, "", "", "", "",
         ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto reading = at.read_webhook(form_post(with_token("/webhooks/at"), r.body), "",
                                             webhook_route::inbound, now);
        REQUIRE(reading.what == r.what);
        CHECK(reading.statuses.empty());
        if (r.what == verdict::quarantine) {
            CHECK(reading.messages.empty());
            CHECK(!reading.reason.empty());
            continue;
        }
        REQUIRE(reading.messages.size() == 1);
        const auto& m = reading.messages[0];
        CHECK(m.channel_id == "at");
        CHECK(m.provider_message_id == r.id);
        CHECK(m.from == r.from);
        CHECK(m.to == r.to);
        CHECK(m.text == r.text);
        CHECK(m.kind == "text");
        CHECK(m.reply_token == r.link_id);
        CHECK(m.received_at == now);
        CHECK(!m.part.has_value());
    }
}

TEST_CASE("africastalking: a Bulk SMS opt-out notice names the person who opted out") {
    const auto ch = at_channel();
    const auto at = make(ch);
    const auto reading = at.read_webhook(
        form_post(with_token("/webhooks/at"), "senderId=CWC&phoneNumber=%2B254711082000"), "",
        webhook_route::inbound, now);
    CHECK(reading.what == verdict::accepted);
    CHECK(reading.messages.empty());
    CHECK(reading.statuses.empty());
    CHECK(reading.skipped.empty());
    REQUIRE(reading.opted_out.size() == 1);
    CHECK(reading.opted_out[0] == "+254711082000");
    // Only one of the two fields: not an opt-out, and not a message either.
    const auto half = at.read_webhook(form_post(with_token("/webhooks/at"), "senderId=CWC"), "",
                                      webhook_route::inbound, now);
    CHECK(half.what == verdict::quarantine);
}

TEST_CASE("africastalking: delivery report statuses") {
    const auto ch = at_channel();
    const auto at = make(ch);
    struct row {
        std::string status;
        bool known;
        outbound_status expected;
        std::string error_code;
    };
    const row rows[] = {
        {"Sent", true, outbound_status::sent, ""},
        {"Submitted", true, outbound_status::sent, ""},
        {"Buffered", true, outbound_status::sent, ""},
        {"Success", true, outbound_status::delivered, ""},
        {"Rejected", true, outbound_status::failed, "UserInBlackList"},
        {"Failed", true, outbound_status::failed, "UserInBlackList"},
        {"Expired", true, outbound_status::failed, "UserInBlackList"},
        {"success", false, {}, ""},
        {"Delivered", false, {}, ""},
        {"", false, {}, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.status);
        // failureReason is sent with every row: only a failure keeps it.
        const std::string body = "id=ATXid_dlr1&status=" + r.status +
                                 "&phoneNumber=%2B254711082000&networkCode=63902"
                                 "&failureReason=UserInBlackList&retryCount=0";
        const auto reading = at.read_webhook(form_post(with_token("/webhooks/at/status"), body), "",
                                             webhook_route::status, now);
        CHECK(reading.messages.empty());
        if (!r.known) {
            CHECK(reading.what == verdict::quarantine);
            continue;
        }
        REQUIRE(reading.what == verdict::accepted);
        REQUIRE(reading.statuses.size() == 1);
        CHECK(reading.statuses[0].provider_message_id == "ATXid_dlr1");
        CHECK(reading.statuses[0].outbound_id == 0);
        CHECK(reading.statuses[0].status == r.expected);
        CHECK(reading.statuses[0].error_code == r.error_code);
    }
    const auto no_reason =
        at.read_webhook(form_post(with_token("/webhooks/at/status"), "id=ATXid_9&status=Failed"),
                        "", webhook_route::status, now);
    REQUIRE(no_reason.statuses.size() == 1);
    CHECK(no_reason.statuses[0].status == outbound_status::failed);
    CHECK(no_reason.statuses[0].error_code.empty());
    const auto no_id =
        at.read_webhook(form_post(with_token("/webhooks/at/status"), "status=Success"), "",
                        webhook_route::status, now);
    CHECK(no_id.what == verdict::quarantine);
}

TEST_CASE("africastalking: acknowledge is a small 200") {
    const auto ch = at_channel();
    const auto at = make(ch);
    const auto res = at.acknowledge(form_post(with_token("/webhooks/at"), inbound_body));
    CHECK(res.result_int() == 200);
    CHECK(res.body().size() < 16);
    CHECK(std::string(res[http::field::content_type]).starts_with("text/plain"));
}

TEST_CASE("africastalking: the factory reads the secrets by role") {
    const auto ch = at_channel();
    const auto adapter = gateway::make_africastalking_provider(
        ch, {{"api_key", "k1"}, {"webhook_token", "tok"}}, "http://127.0.0.1:1");
    REQUIRE(adapter != nullptr);
    CHECK(adapter->api_base() == "http://127.0.0.1:1");
    messages::outbound_message m;
    m.to = "+254711082000";
    m.text = "x";
    const auto spec = adapter->build_send(m, {});
    CHECK(spec.headers.front() == std::pair<std::string, std::string>{"apiKey", "k1"});
    CHECK(adapter
              ->read_webhook(form_post("/webhooks/at?token=tok", inbound_body), "",
                             webhook_route::inbound, now)
              .what == verdict::accepted);
}
