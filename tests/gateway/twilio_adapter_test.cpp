// Twilio adapter: inbound webhooks and status callbacks from recorded payload shapes, the send
// request it builds, and how every kind of Twilio answer becomes sent / retry / failed / opted out.
#include "gateway/twilio_adapter.hpp"
#include "gateway/send_outcomes.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

using namespace cwc;
using namespace std::chrono_literals;
using gateway::form_fields;
using gateway::interpret_twilio_response;
using twilio_backoff_fn = decltype(&gateway::backoff_after);
constexpr twilio_backoff_fn twilio_backoff = &gateway::backoff_after;
using messages::outbound_status;
using messages::send_result;
using outcome = messages::send_result::outcome;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);

std::string error_json(int code, int status) {
    return R"({"code":)" + std::to_string(code) + R"(,"message":"Twilio says no","more_info":)" +
           R"("https://www.twilio.com/docs/errors/)" + std::to_string(code) + R"(","status":)" +
           std::to_string(status) + "}";
}

const std::string created_json =
    R"({"account_sid":"AC0123456789abcdef0123456789abcdef","api_version":"2010-04-01",)"
    R"("body":"Gracias","date_created":"Thu, 24 Sep 2026 10:00:00 +0000","direction":"outbound-api",)"
    R"("error_code":null,"error_message":null,"from":"+14155550100","num_segments":"1",)"
    R"("sid":"SM0123456789abcdef0123456789abcdef","status":"queued","to":"+51987654321",)"
    R"("uri":"/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages/SM0123456789abcdef0123456789abcdef.json"})";

}  // namespace

TEST_CASE("parse_twilio_inbound reads an SMS webhook (courier payload)") {
    const auto fields = gateway::parse_form(
        "ToCountry=US&ToState=District+Of+Columbia&SmsMessageSid="
        "SMe287d7109a5a925f182f0e07fe5b223b&"
        "NumMedia=0&ToCity=&FromZip=01022&SmsSid=SMe287d7109a5a925f182f0e07fe5b223b&FromState=MA&"
        "SmsStatus=received&FromCity=CHICOPEE&Body=Msg&FromCountry=US&To=%2B12028831111&ToZip=&"
        "NumSegments=1&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&AccountSid=acctid&"
        "From=%2B14133881111&ApiVersion=2010-04-01&SomeFutureParam=whatever");
    REQUIRE(fields.has_value());
    const auto m = gateway::parse_twilio_inbound(*fields, "sms-pe", now);
    REQUIRE(m.has_value());
    CHECK(m->channel_id == "sms-pe");
    CHECK(m->provider_message_id == "SMe287d7109a5a925f182f0e07fe5b223b");
    CHECK(m->from == "+14133881111");
    CHECK(m->to == "+12028831111");
    CHECK(m->text == "Msg");
    CHECK(m->received_at == now);
}

TEST_CASE("parse_twilio_inbound: WhatsApp, media only, and unusable webhooks") {
    SUBCASE("WhatsApp text with UTF-8") {
        const form_fields fields{{"MessageSid", "SMaaaa"},
                                 {"From", "whatsapp:+5215550001111"},
                                 {"To", "whatsapp:+14155238886"},
                                 {"Body", "Hola, ¿dónde está el centro? 1+1=2"},
                                 {"ProfileName", "María"}};
        const auto m = gateway::parse_twilio_inbound(fields, "wa", now);
        REQUIRE(m.has_value());
        // One person on SMS and WhatsApp is one contact: the channel prefix goes.
        CHECK(m->from == "+5215550001111");
        CHECK(m->to == "+14155238886");
        CHECK(m->text == "Hola, ¿dónde está el centro? 1+1=2");
        CHECK(m->profile_name == "María");
    }
    SUBCASE("media with a caption, and media only") {
        const form_fields fields{{"MessageSid", "MMcccc"},
                                 {"From", "whatsapp:+5215550001111"},
                                 {"NumMedia", "2"},
                                 {"MediaUrl0", "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"},
                                 {"MediaContentType0", "audio/ogg"},
                                 {"MediaUrl1", "https://api.twilio.com/m/ME2"},
                                 {"MediaContentType1", "application/pdf"}};
        const auto m = gateway::parse_twilio_inbound(fields, "wa", now);
        REQUIRE(m.has_value());
        CHECK(m->kind == "media");
        REQUIRE(m->media.size() == 2);
        CHECK(m->media[0].kind == "audio");
        CHECK(m->media[0].mime_type == "audio/ogg");
        CHECK(m->media[1].kind == "document");
        CHECK(m->media[1].url == "https://api.twilio.com/m/ME2");
    }
    SUBCASE("a shared location") {
        const form_fields fields{{"MessageSid", "SMloc"}, {"From", "whatsapp:+5215550001111"},
                                 {"Latitude", "-12.0464"}, {"Longitude", "-77.0428"},
                                 {"Label", "Centro"}};
        const auto m = gateway::parse_twilio_inbound(fields, "wa", now);
        REQUIRE(m.has_value());
        CHECK(m->kind == "location");
        REQUIRE(m->location.has_value());
        CHECK(m->location->latitude == doctest::Approx(-12.0464));
        CHECK(m->location->name == "Centro");
    }
    SUBCASE("media only: no Body, no To") {
        const form_fields fields{
            {"MessageSid", "MMbbbb"}, {"From", "+14155550100"}, {"NumMedia", "1"}};
        const auto m = gateway::parse_twilio_inbound(fields, "sms", now);
        REQUIRE(m.has_value());
        CHECK(m->provider_message_id == "MMbbbb");
        CHECK(m->text.empty());
        CHECK(m->to.empty());
    }
    SUBCASE("required fields missing or empty") {
        const std::vector<form_fields> bad{
            {},
            {{"From", "+14155550100"}, {"Body", "hi"}},
            {{"MessageSid", ""}, {"From", "+14155550100"}},
            {{"MessageSid", "SM1"}, {"Body", "hi"}},
            {{"MessageSid", "SM1"}, {"From", ""}},
            {{"SmsSid", "SM1"}, {"From", "+14155550100"}},  // deprecated duplicate is not enough
        };
        for (const auto& fields : bad)
            CHECK_FALSE(gateway::parse_twilio_inbound(fields, "sms", now));
    }
}

TEST_CASE("parse_twilio_status maps Twilio's status enum") {
    struct row {
        std::string twilio;
        outbound_status ours;
    };
    const std::vector<row> rows{
        {"queued", outbound_status::queued},
        {"accepted", outbound_status::queued},
        {"scheduled", outbound_status::queued},
        {"sending", outbound_status::sending},
        {"sent", outbound_status::sent},
        {"delivered", outbound_status::delivered},
        {"read", outbound_status::read},
        {"failed", outbound_status::failed},
        {"undelivered", outbound_status::undelivered},
        {"canceled", outbound_status::failed},
    };
    for (const auto& r : rows) {
        CAPTURE(r.twilio);
        const form_fields fields{{"MessageSid", "SM0123"},
                                 {"MessageStatus", r.twilio},
                                 {"AccountSid", "AC1"},
                                 {"SmsStatus", r.twilio}};
        const auto update = gateway::parse_twilio_status(fields);
        REQUIRE(update.has_value());
        CHECK(update->provider_message_id == "SM0123");
        CHECK(update->status == r.ours);
        CHECK(update->error_code.empty());
    }
    for (const std::string unknown :
         {"", "received", "receiving", "partially_delivered", "Delivered", "delivered "}) {
        CAPTURE(unknown);
        CHECK_FALSE(
            gateway::parse_twilio_status({{"MessageSid", "SM1"}, {"MessageStatus", unknown}}));
    }
    CHECK_FALSE(gateway::parse_twilio_status({{"MessageStatus", "sent"}}));
    CHECK_FALSE(gateway::parse_twilio_status({{"MessageSid", ""}, {"MessageStatus", "sent"}}));
    CHECK_FALSE(gateway::parse_twilio_status({{"MessageSid", "SM1"}, {"SmsStatus", "sent"}}));
}

TEST_CASE("parse_twilio_status copies ErrorCode (V4 status callback)") {
    const form_fields fields{{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
                             {"MessageStatus", "undelivered"},
                             {"ErrorCode", "30003"},
                             {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
                             {"From", "+14155550199"},
                             {"To", "+14155550100"},
                             {"ApiVersion", "2010-04-01"},
                             {"RawDlrDoneDate", "2609241000"}};
    const auto update = gateway::parse_twilio_status(fields);
    REQUIRE(update.has_value());
    CHECK(update->provider_message_id == "SM0123456789abcdef0123456789abcdef");
    CHECK(update->status == outbound_status::undelivered);
    CHECK(update->error_code == "30003");
}

TEST_CASE("build_twilio_send: target, auth and form body") {
    gateway::twilio_credentials creds{"AC0123456789abcdef0123456789abcdef", "s3cr3t+/token",
                                      "https://api.twilio.com"};
    config::channel channel;
    channel.id = "sms-pe";
    channel.address = "+14155550100";
    messages::outbound_message message;
    message.to = "+51987654321";
    message.text = "Su caso es CWC-7K3P. ¿Algo más? Responda 0 & listo";

    const auto header = [](const gateway::http_request_spec& spec, const std::string& name) {
        for (const auto& [n, v] : spec.headers)
            if (n == name) return v;
        return std::string{"<absent>"};
    };

    SUBCASE("From the channel's number, with a status callback") {
        const auto spec = gateway::build_twilio_send(
            creds, channel, message, "https://gw.example.org/twilio/status?ch=sms-pe");
        CHECK(spec.method == "POST");
        CHECK(spec.target ==
              "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
        // base64("AC0123456789abcdef0123456789abcdef:s3cr3t+/token")
        CHECK(header(spec, "Authorization") ==
              "Basic QUMwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZjpzM2NyM3QrL3Rva2Vu");
        CHECK(header(spec, "Content-Type") == "application/x-www-form-urlencoded");
        CHECK(header(spec, "Accept") == "application/json");
        const auto form = gateway::parse_form(spec.body);
        REQUIRE(form.has_value());
        const form_fields expected{
            {"To", "+51987654321"},
            {"From", "+14155550100"},
            {"Body", message.text},
            {"StatusCallback", "https://gw.example.org/twilio/status?ch=sms-pe"}};
        CHECK(*form == expected);
        CHECK(spec.body.rfind("To=%2B51987654321&From=%2B14155550100&Body=Su%20caso", 0) == 0);
    }
    SUBCASE("MessagingServiceSid instead of From; no callback") {
        channel.options["messaging_service_sid"] = "MG0123456789abcdef0123456789abcdef";
        const auto spec = gateway::build_twilio_send(creds, channel, message, "");
        const auto form = gateway::parse_form(spec.body);
        REQUIRE(form.has_value());
        const form_fields expected{{"To", "+51987654321"},
                                   {"MessagingServiceSid", "MG0123456789abcdef0123456789abcdef"},
                                   {"Body", message.text}};
        CHECK(*form == expected);
    }
    SUBCASE("Twilio WhatsApp: both ends addressed whatsapp:+E164") {
        channel.kind = config::channel_kind::twilio_whatsapp;
        const auto spec = gateway::build_twilio_send(creds, channel, message, "");
        const auto form = gateway::parse_form(spec.body);
        REQUIRE(form.has_value());
        CHECK(*gateway::find_field(*form, "To") == "whatsapp:+51987654321");
        CHECK(*gateway::find_field(*form, "From") == "whatsapp:+14155550100");
    }
    SUBCASE("api_base with a port and a path prefix") {
        for (const std::string base :
             {"http://127.0.0.1:39123/fake-twilio", "http://127.0.0.1:39123/fake-twilio/"}) {
            CAPTURE(base);
            creds.api_base = base;
            const auto spec = gateway::build_twilio_send(creds, channel, message, "");
            CHECK(spec.target ==
                  "/fake-twilio/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/"
                  "Messages.json");
        }
        creds.api_base = "http://127.0.0.1:39123";
        CHECK(gateway::build_twilio_send(creds, channel, message, "").target ==
              "/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
    }
}

TEST_CASE("interpret_twilio_response: success, opt-out, permanent failures") {
    SUBCASE("201 with the Message resource") {
        const auto r = interpret_twilio_response(201, created_json, "", now, 1);
        CHECK(r.kind == outcome::sent);
        CHECK(r.provider_message_id == "SM0123456789abcdef0123456789abcdef");
        CHECK(r.error_code.empty());
        CHECK(interpret_twilio_response(200, R"({"sid":"SMx"})", "", now, 1).kind == outcome::sent);
    }
    SUBCASE("201 without a usable sid is retried") {
        for (const std::string body :
             {"", "not json", "{}", R"({"sid":""})", R"({"sid":42})", "[]"}) {
            CAPTURE(body);
            const auto r = interpret_twilio_response(201, body, "", now, 1);
            CHECK(r.kind == outcome::retry);
            CHECK(r.retry_at > now);
            CHECK(r.provider_message_id.empty());
        }
    }
    SUBCASE("21610: the recipient sent STOP") {
        const auto r = interpret_twilio_response(400, error_json(21610, 400), "", now, 1);
        CHECK(r.kind == outcome::recipient_opted_out);
        CHECK(r.error_code == "21610");
        // Not retryable, so the attempt limit does not turn it into a dead letter.
        CHECK(interpret_twilio_response(400, error_json(21610, 400), "", now, 8, 8).kind ==
              outcome::recipient_opted_out);
    }
    SUBCASE("other 4xx fail with Twilio's code") {
        struct row {
            int status;
            std::string body, code;
        };
        const std::vector<row> rows{
            {400, error_json(21211, 400), "21211"},        {400, error_json(21408, 400), "21408"},
            {400, error_json(63016, 400), "63016"},
            {404, error_json(20404, 404), "20404"},        {400, R"({"code":"21614"})", "21614"},
            {400, "<html>Bad Request</html>", "http_400"}, {403, "", "http_403"},
            {400, R"({"message":"no code"})", "http_400"},
        };
        for (const auto& r : rows) {
            CAPTURE(r.body);
            const auto result = interpret_twilio_response(r.status, r.body, "", now, 1);
            CHECK(result.kind == outcome::failed);
            CHECK(result.error_code == r.code);
        }
    }
    SUBCASE("refused credentials pause the channel instead of failing the message") {
        for (const auto& body : {error_json(20003, 401), std::string("Unauthorized")}) {
            CAPTURE(body);
            const auto r = interpret_twilio_response(401, body, "", now, 8, 8);
            CHECK(r.kind == outcome::credentials_rejected);
            CHECK(r.retry_at > now);
        }
    }
    SUBCASE("statuses outside the contract fail rather than risk a double send") {
        for (const int status : {100, 202, 204, 301, 302, 0}) {
            CAPTURE(status);
            const auto r = interpret_twilio_response(status, created_json, "", now, 1);
            CHECK(r.kind == outcome::failed);
            CHECK(r.error_code == "http_" + std::to_string(status));
        }
    }
}

TEST_CASE("interpret_twilio_response: throttling and server errors are retried") {
    SUBCASE("429 honours Retry-After in seconds, capped at one hour") {
        struct row {
            std::string retry_after;
            std::chrono::milliseconds wait;
        };
        const std::vector<row> rows{{"0", 0s},    {"7", 7s},    {" 30 ", 30s},
                                    {"3600", 1h}, {"3601", 1h}, {"99999999999999999999", 1h}};
        for (const auto& r : rows) {
            CAPTURE(r.retry_after);
            const auto result =
                interpret_twilio_response(429, error_json(20429, 429), r.retry_after, now, 3);
            CHECK(result.kind == outcome::retry);
            CHECK(result.error_code == "20429");
            CHECK(result.retry_at == now + r.wait);
        }
    }
    SUBCASE("429 without a usable Retry-After backs off") {
        for (const std::string ra : {"", "-5", "1.5", "Wed, 21 Oct 2026 07:28:00 GMT", "abc"}) {
            CAPTURE(ra);
            const auto result = interpret_twilio_response(429, "", ra, now, 3);
            CHECK(result.kind == outcome::retry);
            CHECK(result.error_code == "http_429");
            CHECK(result.retry_at == twilio_backoff(now, 3));
        }
    }
    SUBCASE("code 20429 under another status is throttling too") {
        const auto r = interpret_twilio_response(503, error_json(20429, 503), "5", now, 1);
        CHECK(r.kind == outcome::retry);
        CHECK(r.error_code == "20429");
        CHECK(r.retry_at == now + 5s);
    }
    SUBCASE("5xx backs off, keeping Twilio's code when there is one") {
        for (const int status : {500, 502, 503, 504}) {
            CAPTURE(status);
            const auto r = interpret_twilio_response(status, "<html>oops</html>", "", now, 2);
            CHECK(r.kind == outcome::retry);
            CHECK(r.error_code == "http_" + std::to_string(status));
            CHECK(r.retry_at == twilio_backoff(now, 2));
        }
        const auto coded = interpret_twilio_response(500, error_json(20500, 500), "", now, 1);
        CHECK(coded.kind == outcome::retry);
        CHECK(coded.error_code == "20500");
    }
    SUBCASE("the last attempt turns a retry into a dead letter with its reason") {
        struct row {
            int status;
            std::string body, code;
        };
        const std::vector<row> rows{
            {503, "", "http_503"}, {429, error_json(20429, 429), "20429"}, {201, "{}", "http_201"}};
        for (const auto& r : rows) {
            CAPTURE(r.status);
            CHECK(interpret_twilio_response(r.status, r.body, "1", now, 4, 5).kind ==
                  outcome::retry);
            for (const int attempts : {5, 6}) {
                const auto dead =
                    interpret_twilio_response(r.status, r.body, "1", now, attempts, 5);
                CHECK(dead.kind == outcome::failed);
                CHECK(dead.error_code == r.code);
            }
        }
        CHECK(interpret_twilio_response(500, "", "", now, 7).kind == outcome::retry);
        CHECK(interpret_twilio_response(500, "", "", now, 8).kind == outcome::failed);
    }
}

TEST_CASE("twilio_backoff doubles from 2 s, caps at 10 min, adds at most 20 % jitter") {
    struct row {
        int attempts;
        std::chrono::milliseconds base;
    };
    const std::vector<row> rows{{0, 2s},    {1, 2s},    {2, 4s},    {3, 8s},     {4, 16s},
                                {5, 32s},   {6, 64s},   {7, 128s},  {8, 256s},   {9, 512s},
                                {10, 600s}, {11, 600s}, {40, 600s}, {1000, 600s}};
    for (const auto& r : rows) {
        CAPTURE(r.attempts);
        for (std::int64_t offset = 0; offset < 50; ++offset) {
            const auto t = now + std::chrono::milliseconds{offset * 7919};
            const auto at = twilio_backoff(t, r.attempts);
            CHECK(at >= t + r.base);
            CHECK(at <= t + r.base + r.base / 5);
            CHECK(at == twilio_backoff(t, r.attempts));  // deterministic
        }
    }
}

TEST_CASE("twilio_backoff jitter spreads retries that failed together") {
    // 100 messages failing in the same second must not all come back at the same instant.
    std::vector<messages::timestamp> times;
    for (int i = 0; i < 100; ++i)
        times.push_back(twilio_backoff(now + std::chrono::milliseconds{i}, 5));
    std::sort(times.begin(), times.end());
    const auto distinct = std::unique(times.begin(), times.end()) - times.begin();
    CHECK(distinct > 90);
    CHECK(times.back() - times.front() > 1s);  // spread over a good part of the 6.4 s window
}
