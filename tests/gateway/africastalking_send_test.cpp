// Africa's Talking sends: the /version1/messaging request (sender, username, bulk mode) and how
// every AT answer, per recipient and per HTTP status, becomes sent / retry / failed / paused.
#include "gateway/africastalking_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace cwc;
using namespace std::chrono_literals;
using outcome = messages::send_result::outcome;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);

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
    return gateway::africastalking_provider{ch, {"atsk_key", "tok", std::move(api_base)}};
}

}  // namespace

TEST_CASE("africastalking: the send request") {
    struct row {
        const char* name;
        std::string address;
        std::map<std::string, std::string> options;
        std::string api_base;
        std::string target;
        const char* from;  // nullptr: no from field (AT's default sender)
    };
    const row rows[] = {
        {"short code address",
         "21525",
         {{"username", "cwc-ke"}},
         "https://api.africastalking.com",
         "/version1/messaging",
         "21525"},
        {"sender id wins",
         "21525",
         {{"username", "cwc-ke"}, {"sender_id", "CWC"}},
         "https://api.africastalking.com",
         "/version1/messaging",
         "CWC"},
        {"E.164 address, no sender id",
         "+254711000111",
         {{"username", "cwc-ke"}},
         "http://127.0.0.1:4010",
         "/version1/messaging",
         nullptr},
        {"base with a path",
         "21525",
         {{"username", "sandbox"}},
         "http://127.0.0.1:4010/at",
         "/at/version1/messaging",
         "21525"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto ch = at_channel(r.address, r.options);
        const auto at = make(ch, r.api_base);
        CHECK(at.api_base() == r.api_base);
        messages::outbound_message m;
        m.id = 42;
        m.to = "+254711082000";
        m.text = "¿Dónde? A & B = 100%";
        const auto spec = at.build_send(m, {"http://gw/webhooks/at/status?m=42"});
        CHECK(spec.method == "POST");
        CHECK(spec.target == r.target);
        using header = std::pair<std::string, std::string>;
        CHECK(spec.headers ==
              std::vector<header>{{"apiKey", "atsk_key"},
                                  {"Accept", "application/json"},
                                  {"Content-Type", "application/x-www-form-urlencoded"}});
        const auto form = gateway::parse_form(spec.body);
        REQUIRE(form.has_value());
        CHECK(*gateway::find_field(*form, "username") == r.options.at("username"));
        CHECK(*gateway::find_field(*form, "to") == "+254711082000");
        CHECK(*gateway::find_field(*form, "message") == m.text);
        CHECK(*gateway::find_field(*form, "bulkSMSMode") == "1");
        const auto* from = gateway::find_field(*form, "from");
        if (r.from == nullptr) {
            CHECK(from == nullptr);
        } else {
            REQUIRE(from != nullptr);
            CHECK(*from == r.from);
        }
        // AT has no per-message callback or echo field: nothing else is sent.
        CHECK(form->size() == (r.from ? 5u : 4u));
        CHECK(gateway::find_field(*form, "linkId") == nullptr);
    }
}

TEST_CASE("africastalking: a reply echoes the inbound's linkId") {
    const auto ch = at_channel();
    const auto at = make(ch);
    messages::outbound_message m;
    m.id = 43;
    m.to = "+254711082000";
    m.text = "Hola";
    m.reply_token = "SampleLinkId123";
    const auto form = gateway::parse_form(at.build_send(m, {}).body);
    REQUIRE(form.has_value());
    REQUIRE(gateway::find_field(*form, "linkId") != nullptr);
    CHECK(*gateway::find_field(*form, "linkId") == "SampleLinkId123");
    CHECK(*gateway::find_field(*form, "message") == "Hola");
    CHECK(form->size() == 6u);  // username, to, message, from, bulkSMSMode, linkId
}

namespace {

std::string recipients_json(const std::string& status_code, const std::string& status,
                            const std::string& message_id) {
    return R"({"SMSMessageData":{"Message":"Sent to 1/1 Total Cost: KES 0.8000","Recipients":[)"
           R"({"statusCode":)" +
           status_code + R"(,"number":"+254711082000","status":")" + status +
           R"(","cost":"KES 0.8000","messageId":")" + message_id + R"("}]}})";
}

}  // namespace

TEST_CASE("africastalking: every kind of send answer") {
    const auto ch = at_channel();
    const auto at = make(ch);
    const auto backoff = gateway::backoff_after(now, 2);
    struct row {
        const char* name;
        unsigned status;
        std::string body;
        std::string retry_after;
        outcome kind;
        std::string id_or_code;
        std::optional<messages::timestamp> retry_at;
    };
    const row rows[] = {
        {"201 Success",
         201,
         recipients_json("101", "Success", "ATXid_1"),
         "",
         outcome::sent,
         "ATXid_1",
         {}},
        {"201 Processed",
         201,
         recipients_json("100", "Processed", "ATXid_2"),
         "",
         outcome::sent,
         "ATXid_2",
         {}},
        {"201 Queued, code as a string",
         201,
         recipients_json("\"102\"", "Queued", "ATXid_3"),
         "",
         outcome::sent,
         "ATXid_3",
         {}},
        {"200 counts too",
         200,
         recipients_json("101", "Success", "ATXid_4"),
         "",
         outcome::sent,
         "ATXid_4",
         {}},
        {"401 RiskHold",
         201,
         recipients_json("401", "RiskHold", "None"),
         "",
         outcome::failed,
         "401",
         {}},
        {"402 InvalidSenderId",
         201,
         recipients_json("402", "InvalidSenderId", "None"),
         "",
         outcome::failed,
         "402",
         {}},
        {"403 InvalidPhoneNumber",
         201,
         recipients_json("403", "InvalidPhoneNumber", "None"),
         "",
         outcome::failed,
         "403",
         {}},
        {"404 UnsupportedNumberType",
         201,
         recipients_json("404", "UnsupportedNumberType", "None"),
         "",
         outcome::failed,
         "404",
         {}},
        {"405 InsufficientBalance: later", 201,
         recipients_json("405", "InsufficientBalance", "None"), "", outcome::retry, "405",
         std::max(backoff, now + 15min)},
        {"406 UserInBlacklist: failed, not an opt-out",
         201,
         recipients_json("406", "UserInBlacklist", "None"),
         "",
         outcome::failed,
         "406",
         {}},
        {"407 CouldNotRoute",
         201,
         recipients_json("407", "CouldNotRoute", "None"),
         "",
         outcome::failed,
         "407",
         {}},
        {"409 DoNotDisturbRejection",
         201,
         recipients_json("409", "DoNotDisturbRejection", "None"),
         "",
         outcome::failed,
         "409",
         {}},
        {"500 InternalServerError", 201, recipients_json("500", "InternalServerError", "None"), "",
         outcome::retry, "500", backoff},
        {"502 RejectedByGateway", 201, recipients_json("502", "RejectedByGateway", "None"), "",
         outcome::retry, "502", backoff},
        {"no recipients, a reason word",
         201,
         R"({"SMSMessageData":{"Message":"InvalidSenderId","Recipients":[]}})",
         "",
         outcome::failed,
         "InvalidSenderId",
         {}},
        {"no recipients, a sentence",
         201,
         R"({"SMSMessageData":{"Message":"Sent to 0/1 Total Cost: 0","Recipients":[]}})",
         "",
         outcome::failed,
         "no_recipients",
         {}},
        {"201 unreadable: unknown, retried", 201, "<html>", "", outcome::retry,
         "unreadable_response", backoff},
        {"HTTP 401: credentials", 401, "The supplied authentication is invalid", "",
         outcome::credentials_rejected, "http_401", now + 5min},
        {"HTTP 429 with Retry-After", 429, "", "30", outcome::retry, "http_429", now + 30s},
        {"HTTP 429 without", 429, "", "", outcome::retry, "http_429", backoff},
        {"HTTP 500", 500, "", "", outcome::retry, "http_500", backoff},
        {"HTTP 503", 503, "", "", outcome::retry, "http_503", backoff},
        {"HTTP 400: refused",
         400,
         "Request is missing required form field 'username'",
         "",
         outcome::failed,
         "http_400",
         {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        gateway::http_result result;
        result.status = r.status;
        result.body = r.body;
        result.retry_after = r.retry_after;
        const auto s = at.interpret_send(result, now, 2, 8);
        CHECK(s.kind == r.kind);
        if (r.kind == outcome::sent) {
            CHECK(s.provider_message_id == r.id_or_code);
        } else {
            CHECK(s.error_code == r.id_or_code);
        }
        if (r.retry_at) CHECK(s.retry_at == *r.retry_at);
    }
}

TEST_CASE("africastalking: network failures retry, and retries end in the dead letter") {
    const auto ch = at_channel();
    const auto at = make(ch);
    gateway::http_result down;
    down.error = make_error_code(boost::system::errc::connection_refused);
    const auto first = at.interpret_send(down, now, 1, 3);
    CHECK(first.kind == outcome::retry);
    CHECK(first.error_code == "network");
    CHECK(first.retry_at == gateway::backoff_after(now, 1));
    CHECK(at.interpret_send(down, now, 3, 3).kind == outcome::failed);
    gateway::http_result no_credit;
    no_credit.status = 201;
    no_credit.body = recipients_json("405", "InsufficientBalance", "None");
    const auto last = at.interpret_send(no_credit, now, 3, 3);
    CHECK(last.kind == outcome::failed);
    CHECK(last.error_code == "405");
}
