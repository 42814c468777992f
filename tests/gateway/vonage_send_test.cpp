// Vonage SMS sends: the /sms/json request (unicode when not GSM-7, receipt callback with the
// token, client-ref) and every answer Vonage gives, part by part.
#include "gateway/vonage_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <string>

using namespace cwc;
using namespace std::chrono_literals;
using gateway::vonage_signature_method;
using outcome = messages::send_result::outcome;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);
constexpr const char* token = "v0nage-t0ken-abcdef0123456789";

config::channel vonage_channel(std::string address = "+447700900000") {
    config::channel ch;
    ch.id = "vn";
    ch.kind = config::channel_kind::vonage_sms;
    ch.address = std::move(address);
    return ch;
}

gateway::vonage_provider token_provider(const config::channel& ch,
                                        std::string api_base = "https://rest.nexmo.com") {
    return gateway::vonage_provider{
        ch, {"key1", "secret1", "", token, std::move(api_base), vonage_signature_method::md5hash}};
}

gateway::vonage_provider signed_provider(const config::channel& ch) {
    return gateway::vonage_provider{ch,
                                    {"key1", "secret1", "mySignatureSecret", "",
                                     "https://rest.nexmo.com", vonage_signature_method::md5hash}};
}

}  // namespace

TEST_CASE("vonage: the send request") {
    struct row {
        const char* name;
        std::string address, text, callback, api_base;
        std::string target, from;
        const char* type;  // nullptr: no type (text)
        std::string expected_callback;
    };
    const std::string t{token};
    const row rows[] = {
        {"GSM-7 text", "+447700900000", "¡Hola! ¿Año nuevo? Señor José, café",
         "https://gw.example.org/webhooks/vn/status?m=42", "https://rest.nexmo.com", "/sms/json",
         "447700900000", nullptr, "https://gw.example.org/webhooks/vn/status?m=42&token=" + t},
        {"not GSM-7: unicode", "+447700900000", "¿Dónde está la clínica?",
         "https://gw.example.org/webhooks/vn/status?m=42", "http://127.0.0.1:4011/vonage",
         "/vonage/sms/json", "447700900000", "unicode",
         "https://gw.example.org/webhooks/vn/status?m=42&token=" + t},
        {"emoji: unicode", "CWC", "Gracias 😀", "https://gw/s", "https://rest.nexmo.com",
         "/sms/json", "CWC", "unicode", "https://gw/s?token=" + t},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        const auto ch = vonage_channel(r.address);
        const auto vn = token_provider(ch, r.api_base);
        messages::outbound_message m;
        m.id = 42;
        m.to = "+51987654321";
        m.text = r.text;
        const auto spec = vn.build_send(m, {r.callback});
        CHECK(spec.method == "POST");
        CHECK(spec.target == r.target);
        using header = std::pair<std::string, std::string>;
        CHECK(std::find(spec.headers.begin(), spec.headers.end(),
                        header{"Content-Type", "application/x-www-form-urlencoded"}) !=
              spec.headers.end());
        const auto form = gateway::parse_form(spec.body);
        REQUIRE(form.has_value());
        auto field = [&](const char* name) {
            const auto* v = gateway::find_field(*form, name);
            return v ? *v : std::string("<absent>");
        };
        CHECK(field("api_key") == "key1");
        CHECK(field("api_secret") == "secret1");
        CHECK(field("from") == r.from);
        CHECK(field("to") == "51987654321");
        CHECK(field("text") == r.text);
        CHECK(field("type") == (r.type ? r.type : "<absent>"));
        CHECK(field("status-report-req") == "1");
        CHECK(field("callback") == r.expected_callback);
        CHECK(field("client-ref") == "42");
    }
    // Signed channels without a token: the callback is left as the dispatcher gave it.
    const auto ch = vonage_channel();
    const auto signed_only = signed_provider(ch);
    messages::outbound_message m;
    m.id = 7;
    m.to = "+51987654321";
    m.text = "x";
    const auto form = gateway::parse_form(signed_only.build_send(m, {"https://gw/s?m=7"}).body);
    REQUIRE(form.has_value());
    CHECK(*gateway::find_field(*form, "callback") == "https://gw/s?m=7");
}

namespace {

std::string parts_json(std::initializer_list<const char*> statuses) {
    auto messages = nlohmann::json::array();
    int i = 0;
    for (const char* s : statuses) {
        auto part = nlohmann::json{{"to", "51987654321"}, {"status", s}};
        if (std::string(s) == "0")
            part["message-id"] = "0C0000000000000" + std::to_string(++i);
        else
            part["error-text"] = "Vonage says no";
        messages.push_back(part);
    }
    return nlohmann::json{{"message-count", std::to_string(statuses.size())},
                          {"messages", messages}}
        .dump();
}

}  // namespace

TEST_CASE("vonage: every kind of send answer") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
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
        {"one part accepted", 200, parts_json({"0"}), "", outcome::sent, "0C00000000000001", {}},
        {"three parts accepted: the first id",
         200,
         parts_json({"0", "0", "0"}),
         "",
         outcome::sent,
         "0C00000000000001",
         {}},
        {"status as a number",
         200,
         R"({"messages":[{"status":0,"message-id":"0D1"}]})",
         "",
         outcome::sent,
         "0D1",
         {}},
        {"1 throttled", 200, parts_json({"1"}), "", outcome::retry, "1", backoff},
        {"1 throttled, Retry-After", 200, parts_json({"1"}), "7", outcome::retry, "1", now + 7s},
        {"2 missing params", 200, parts_json({"2"}), "", outcome::failed, "2", {}},
        {"3 invalid params", 200, parts_json({"3"}), "", outcome::failed, "3", {}},
        {"4 invalid credentials", 200, parts_json({"4"}), "", outcome::credentials_rejected, "4",
         now + 5min},
        {"5 internal error", 200, parts_json({"5"}), "", outcome::retry, "5", backoff},
        {"6 invalid message", 200, parts_json({"6"}), "", outcome::failed, "6", {}},
        {"7 number barred", 200, parts_json({"7"}), "", outcome::failed, "7", {}},
        {"8 account barred", 200, parts_json({"8"}), "", outcome::failed, "8", {}},
        {"9 no credit: later", 200, parts_json({"9"}), "", outcome::retry, "9",
         std::max(backoff, now + 15min)},
        {"14 invalid signature", 200, parts_json({"14"}), "", outcome::credentials_rejected, "14",
         now + 5min},
        {"15 invalid sender", 200, parts_json({"15"}), "", outcome::failed, "15", {}},
        {"29 non-whitelisted destination", 200, parts_json({"29"}), "", outcome::failed, "29", {}},
        {"33 number de-activated", 200, parts_json({"33"}), "", outcome::failed, "33", {}},
        {"part 2 of 2 refused", 200, parts_json({"0", "29"}), "", outcome::failed, "29", {}},
        {"part 2 of 2 throttled", 200, parts_json({"0", "1"}), "", outcome::retry, "1", backoff},
        {"part without status",
         200,
         R"({"messages":[{"message-id":"x"}]})",
         "",
         outcome::failed,
         "no_status",
         {}},
        {"no messages: unknown", 200, R"({"message-count":"0","messages":[]})", "", outcome::retry,
         "unreadable_response", backoff},
        {"not JSON: unknown", 200, "<html>", "", outcome::retry, "unreadable_response", backoff},
        {"Throughput Rate Exceeded text", 200,
         "Throughput Rate Exceeded - please wait [ 250 ] and retry", "", outcome::retry,
         "throughput_rate_exceeded", backoff},
        {"Throughput Rate Exceeded as 429", 429,
         "Throughput Rate Exceeded - please wait [ 250 ] and retry", "3", outcome::retry,
         "throughput_rate_exceeded", now + 3s},
        {"HTTP 429", 429, "", "", outcome::retry, "http_429", backoff},
        {"HTTP 401", 401, "", "", outcome::credentials_rejected, "http_401", now + 5min},
        {"HTTP 500", 500, "", "", outcome::retry, "http_500", backoff},
        {"HTTP 502", 502, "", "", outcome::retry, "http_502", backoff},
        {"HTTP 400", 400, "", "", outcome::failed, "http_400", {}},
        {"HTTP 404", 404, "", "", outcome::failed, "http_404", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        gateway::http_result result;
        result.status = r.status;
        result.body = r.body;
        result.retry_after = r.retry_after;
        const auto s = vn.interpret_send(result, now, 2, 8);
        CHECK(s.kind == r.kind);
        if (r.kind == outcome::sent) {
            CHECK(s.provider_message_id == r.id_or_code);
        } else {
            CHECK(s.error_code == r.id_or_code);
        }
        if (r.retry_at) CHECK(s.retry_at == *r.retry_at);
    }
    gateway::http_result down;
    down.error = make_error_code(boost::system::errc::timed_out);
    CHECK(vn.interpret_send(down, now, 1, 3).kind == outcome::retry);
    CHECK(vn.interpret_send(down, now, 1, 3).error_code == "network");
    CHECK(vn.interpret_send(down, now, 3, 3).kind == outcome::failed);
    gateway::http_result no_credit;
    no_credit.status = 200;
    no_credit.body = parts_json({"9"});
    CHECK(vn.interpret_send(no_credit, now, 8, 8).kind == outcome::failed);
}
