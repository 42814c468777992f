// Kannel adapter: MOs as smsbox 1.4.5 sent them in a live run (get-url and post-url, UTF-8 and
// UCS-2 with and without mo-recode), the token, delivery reports, the sendsms request and how
// every sendsms answer becomes an outcome.
#include "gateway/kannel_provider.hpp"

#include "gateway/form_urlencoded.hpp"

#include <boost/asio/error.hpp>
#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cwc;
using gateway::webhook_reading;
using gateway::webhook_route;
using messages::outbound_status;
using outcome = messages::send_result::outcome;
namespace http = boost::beast::http;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'795'490'466'000);
const std::string token = "s3cr3t-T0ken_x";
const std::string uuid = "55749458-9f7a-41b6-840f-e6f563b7234e";

config::channel kannel_channel(std::map<std::string, std::string> options = {},
                               std::string address = "600") {
    config::channel c;
    c.id = "kannel";
    c.kind = config::channel_kind::kannel;
    c.address = std::move(address);
    c.options = std::move(options);
    return c;
}

gateway::kannel_provider provider_for(const config::channel& c,
                                      std::string api_base = "http://127.0.0.1:13013") {
    return gateway::kannel_provider(c, {"cwc", "p@ss word", token, std::move(api_base)});
}

gateway::http_request get(std::string target) {
    gateway::http_request req{http::verb::get, target, 11};
    req.set(http::field::user_agent, "Kannel/1.4.5");
    return req;
}

// A get-url MO as smsbox sends it: the query of the recommended sms-service.
std::string mo_target(std::string text, std::string coding = "0", std::string charset = "UTF-8",
                      std::string with_token = token) {
    return "/webhooks/kannel?token=" + with_token + "&from=%2B51987654321&to=600&text=" + text +
           "&id=" + uuid + "&ts=1795490466&smsc=FAKE&coding=" + coding + "&charset=" + charset;
}

webhook_reading read(const gateway::http_request& req, webhook_route route = webhook_route::inbound) {
    const auto c = kannel_channel();
    return provider_for(c).read_webhook(req, "http://gw" + std::string(req.target()), route, now);
}

// The decoded query of a built sendsms target.
gateway::form_fields query_of(const std::string& target) {
    const auto q = target.find('?');
    REQUIRE(q != std::string::npos);
    auto fields = gateway::parse_form(target.substr(q + 1));
    REQUIRE(fields.has_value());
    return *fields;
}

std::string field(const gateway::form_fields& f, std::string_view name) {
    const auto* v = gateway::find_field(f, name);
    return v ? *v : "<absent>";
}

}  // namespace

TEST_CASE("get-url MOs in every charset smsbox uses become the same text") {
    struct row {
        const char* what;
        std::string text, coding, charset, expected;
    };
    const std::vector<row> rows{
        {"7-bit as UTF-8, %b keeps double spaces", "%C2%BFD%C3%B3nde++est%C3%A1%3F+%E2%82%AC", "0",
         "UTF-8", "¿Dónde  está? €"},
        {"UCS-2 recoded by mo-recode", "%C3%81%C3%A9%D9%85%F0%9F%98%80++%C3%B3%0Ax%E2%80%A0", "0",
         "UTF-8", "Áéم😀  ó\nx†"},
        {"UCS-2 as UTF-16BE (no mo-recode)",
         "%00%C1%00%E9%06E%D8%3D%DE%00%00+%00+%00%F3%00%0A%00x%20%20", "2", "UTF-16BE",
         "Áéم😀  ó\nx†"},
        {"UCS-2 without a charset", "%00h%00%F3", "2", "", "hó"},
        {"Latin-1", "Se%F1or+%E1", "0", "ISO-8859-1", "Señor á"},
        {"empty", "", "0", "UTF-8", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        const auto reading = read(get(mo_target(r.text, r.coding, r.charset)));
        REQUIRE(reading.what == webhook_reading::verdict::accepted);
        REQUIRE(reading.messages.size() == 1);
        const auto& m = reading.messages[0];
        CHECK(m.text == r.expected);
        CHECK(m.kind == "text");
        CHECK(m.channel_id == "kannel");
        CHECK(m.provider_message_id == uuid);
        CHECK(m.from == "+51987654321");
        CHECK(m.to == "600");
        CHECK(m.received_at == now);
        CHECK(reading.statuses.empty());
    }
}

TEST_CASE("post-url MOs: text in the body, charset in Content-Type, sender in X-Kannel-From") {
    struct row {
        const char* what;
        std::string body, content_type, coding, target_from, header_from, expected_from, expected;
    };
    const std::string utf16{"\x00\xC1\x00 \xD8\x3D\xDE\x00", 8};
    const std::vector<row> rows{
        {"UTF-8", "Hola\n¿qué tal?", R"(text/plain; charset="UTF-8")", "0", "", "+254700000001",
         "+254700000001", "Hola\n¿qué tal?"},
        {"UTF-16BE", utf16, R"(text/plain; charset="UTF-16BE")", "2", "", "+254700000001",
         "+254700000001", "Á 😀"},
        {"sender from the query when send-sender is off", "hola", "text/plain", "0",
         "&from=%2B9647701234567", "", "+9647701234567", "hola"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        gateway::http_request req{http::verb::post,
                                  "/webhooks/kannel?token=" + token + "&id=" + uuid + r.target_from, 11};
        req.set(http::field::content_type, r.content_type);
        req.set("X-Kannel-To", "600");
        req.set("X-Kannel-Coding", r.coding);
        if (!r.header_from.empty()) req.set("X-Kannel-From", r.header_from);
        req.body() = r.body;
        req.prepare_payload();
        const auto reading = read(req);
        REQUIRE(reading.what == webhook_reading::verdict::accepted);
        REQUIRE(reading.messages.size() == 1);
        CHECK(reading.messages[0].text == r.expected);
        CHECK(reading.messages[0].from == r.expected_from);
        CHECK(reading.messages[0].to == "600");
        CHECK(reading.messages[0].provider_message_id == uuid);
    }
}

TEST_CASE("8-bit data MOs are kept as unsupported, not read as text") {
    const auto reading = read(get(mo_target("%01%02%FF", "1", "8-BIT")));
    REQUIRE(reading.what == webhook_reading::verdict::accepted);
    REQUIRE(reading.messages.size() == 1);
    CHECK(reading.messages[0].kind == "unsupported");
    CHECK(reading.messages[0].text.empty());
    CHECK(reading.skipped == std::vector<std::string>{"binary_sms"});
}

TEST_CASE("webhooks without the right token, or unusable MOs, are refused") {
    struct row {
        const char* what;
        std::string target;
        http::verb method;
        webhook_route route;
        unsigned status;
    };
    const auto in = webhook_route::inbound;
    const auto st = webhook_route::status;
    const auto G = http::verb::get;
    const std::string no_token = "/webhooks/kannel?from=%2B51987654321&text=hola&id=" + uuid;
    const std::vector<row> rows{
        {"no token", no_token, G, in, 401},
        {"empty token", no_token + "&token=", G, in, 401},
        {"wrong token", mo_target("hola", "0", "UTF-8", "s3cr3t-T0ken_y"), G, in, 403},
        {"token prefix", mo_target("hola", "0", "UTF-8", "s3cr3t"), G, in, 403},
        {"token with extra", mo_target("hola", "0", "UTF-8", token + "x"), G, in, 403},
        {"wrong token on a DLR", "/webhooks/kannel/status?m=42&type=1&token=nope", G, st, 403},
        {"no token on a DLR", "/webhooks/kannel/status?m=42&type=1", G, st, 401},
        {"PUT", mo_target("hola"), http::verb::put, in, 405},
        {"no id", "/webhooks/kannel?token=" + token + "&from=%2B51987654321&text=hola", G, in, 400},
        {"no sender", "/webhooks/kannel?token=" + token + "&id=" + uuid + "&text=hola", G, in, 400},
        {"broken UTF-8", mo_target("%C3%28"), G, in, 400},
        {"overlong UTF-8", mo_target("%C0%AF"), G, in, 400},
        {"UTF-16BE of odd length", mo_target("%00h%00", "2", "UTF-16BE"), G, in, 400},
        {"lone high surrogate", mo_target("%D8%3D%00h", "2", "UTF-16BE"), G, in, 400},
        {"lone low surrogate", mo_target("%DE%00", "2", "UTF-16BE"), G, in, 400},
        {"DLR without m", "/webhooks/kannel/status?type=1&token=" + token, G, st, 400},
        {"DLR without type", "/webhooks/kannel/status?m=42&token=" + token, G, st, 400},
        {"DLR type not a number", "/webhooks/kannel/status?m=42&type=%25d&token=" + token, G, st, 400},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        gateway::http_request req{r.method, r.target, 11};
        const auto reading = read(req, r.route);
        CHECK(reading.what == webhook_reading::verdict::rejected);
        CHECK(reading.status == r.status);
        CHECK(reading.messages.empty());
        CHECK(reading.statuses.empty());
        CHECK_FALSE(reading.reason.empty());
    }
}

TEST_CASE("a provider whose webhook token is unset refuses everything") {
    const auto c = kannel_channel();
    const gateway::kannel_provider p(c, {"cwc", "pw", "", "http://127.0.0.1:13013"});
    const auto reading =
        p.read_webhook(get("/webhooks/kannel?token=&from=1&id=x"), "", webhook_route::inbound, now);
    CHECK(reading.what == webhook_reading::verdict::rejected);
    CHECK(reading.status == 401);
    const auto guessed =
        p.read_webhook(get("/webhooks/kannel?token=x&from=1&id=x"), "", webhook_route::inbound, now);
    CHECK(guessed.status == 403);
}

TEST_CASE("delivery reports: %d bits become statuses of our outbox id") {
    struct row {
        int type;
        std::optional<outbound_status> status;
        std::string error_code;
    };
    const std::vector<row> rows{
        {1, outbound_status::delivered, ""}, {2, outbound_status::failed, "kannel_2"},
        {4, outbound_status::sent, ""},      {8, outbound_status::sent, ""},
        {16, outbound_status::failed, "kannel_16"},
        {32, std::nullopt, ""},              {0, std::nullopt, ""},
        {3, std::nullopt, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.type);
        const auto reading =
            read(get("/webhooks/kannel/status?m=42&token=" + token + "&type=" + std::to_string(r.type)),
                 webhook_route::status);
        REQUIRE(reading.what == webhook_reading::verdict::accepted);
        CHECK(reading.messages.empty());
        if (!r.status) {
            CHECK(reading.statuses.empty());
            CHECK(reading.skipped == std::vector<std::string>{"dlr:" + std::to_string(r.type)});
            continue;
        }
        REQUIRE(reading.statuses.size() == 1);
        const auto& u = reading.statuses[0];
        CHECK(u.outbound_id == 42);
        CHECK(u.provider_message_id == "42");
        CHECK(u.status == *r.status);
        CHECK(u.error_code == r.error_code);
    }
}

TEST_CASE("the acknowledgement is an empty text/plain 200, so smsbox texts nobody") {
    const auto c = kannel_channel();
    auto req = get(mo_target("hola"));
    req.keep_alive(true);
    const auto res = provider_for(c).acknowledge(req);
    CHECK(res.result() == http::status::ok);
    CHECK(res.body().empty());
    CHECK(res[http::field::content_type].starts_with("text/plain"));
    CHECK(res[http::field::content_length] == "0");
    CHECK(res.keep_alive());
}

TEST_CASE("build_send: sendsms GET, coding=2 only for text that is not GSM-7, DLR back to us") {
    struct row {
        const char* what;
        std::string text;
        bool ucs2;
    };
    const std::vector<row> rows{
        {"ASCII", "Hola, elige 1 o 2", false},
        {"GSM-7 accents and €", "¡Señor José, café! 5€ [ok]", false},
        {"Spanish á í ó ú", "¿Dónde está la clínica?", true},
        {"Arabic", "مرحبا", true},
        {"emoji", "Gracias 😀", true},
        {"ç is not GSM-7", "ç", true},
    };
    const auto c = kannel_channel();
    const auto p = provider_for(c);
    for (const auto& r : rows) {
        CAPTURE(r.what);
        messages::outbound_message m;
        m.id = 42;
        m.to = "+51987654321";
        m.text = r.text;
        const auto spec = p.build_send(m, {"https://gw.example.org/webhooks/kannel/status?m=42"});
        CHECK(spec.method == "GET");
        CHECK(spec.body.empty());
        CHECK(spec.target.starts_with("/cgi-bin/sendsms?"));
        const auto q = query_of(spec.target);
        CHECK(field(q, "username") == "cwc");
        CHECK(field(q, "password") == "p@ss word");
        CHECK(field(q, "from") == "600");
        CHECK(field(q, "to") == "+51987654321");
        CHECK(field(q, "text") == r.text);
        CHECK(field(q, "charset") == "UTF-8");
        CHECK(field(q, "coding") == (r.ucs2 ? "2" : "<absent>"));
        CHECK(field(q, "dlr-mask") == "27");
        CHECK(field(q, "dlr-url") ==
              "https://gw.example.org/webhooks/kannel/status?m=42&type=%d&token=" + token);
        CHECK(field(q, "smsc") == "<absent>");
    }
}

TEST_CASE("build_send: options, no sender address, no status URL") {
    const auto c = kannel_channel({{"smsc", "operator1"}, {"dlr_mask", "31"}}, "");
    const auto p = provider_for(c, "http://10.0.0.5:13013/kannel/");
    messages::outbound_message m;
    m.id = 7;
    m.to = "+254712345678";
    m.text = "hi";
    auto spec = p.build_send(m, {"http://gw/webhooks/kannel/status?m=7"});
    CHECK(spec.target.starts_with("/kannel/cgi-bin/sendsms?"));  // the base's path comes first
    auto q = query_of(spec.target);
    CHECK(field(q, "smsc") == "operator1");
    CHECK(field(q, "dlr-mask") == "31");
    CHECK(field(q, "from") == "<absent>");
    CHECK(field(q, "dlr-url") == "http://gw/webhooks/kannel/status?m=7&type=%d&token=" + token);

    spec = p.build_send(m, {""});
    q = query_of(spec.target);
    CHECK(field(q, "dlr-mask") == "<absent>");
    CHECK(field(q, "dlr-url") == "<absent>");

    const auto no_dlr = kannel_channel({{"dlr_mask", "0"}});
    q = query_of(provider_for(no_dlr).build_send(m, {"http://gw/s?m=7"}).target);
    CHECK(field(q, "dlr-mask") == "<absent>");
    CHECK(field(q, "dlr-url") == "<absent>");

    const auto junk_mask = kannel_channel({{"dlr_mask", "lots"}});
    q = query_of(provider_for(junk_mask).build_send(m, {"http://gw/s?m=7"}).target);
    CHECK(field(q, "dlr-mask") == "27");
}

TEST_CASE("interpret_send: every sendsms answer") {
    struct row {
        const char* what;
        unsigned status;
        std::string body;
        std::string retry_after;
        int attempts;
        outcome expected;
        std::string error_code;
    };
    const std::vector<row> rows{
        {"accepted", 202, "0: Accepted for delivery", "", 1, outcome::sent, ""},
        {"queued, no SMSC", 202, "3: Queued for later delivery", "", 1, outcome::sent, ""},
        {"credentials", 403, "Authorization failed for sendsms", "", 1,
         outcome::credentials_rejected, "http_403"},
        {"bad request", 400, "Missing receiver number, rejected", "", 1, outcome::failed, "http_400"},
        {"not found", 404, "Unknown service", "", 1, outcome::failed, "http_404"},
        {"temporary", 503, "Sending failed.", "", 1, outcome::retry, "http_503"},
        {"temporary with Retry-After", 503, "", "30", 1, outcome::retry, "http_503"},
        {"server error", 500, "", "", 2, outcome::retry, "http_500"},
        {"server error, last attempt", 500, "", "", 8, outcome::failed, "http_500"},
        {"redirect", 302, "", "", 1, outcome::failed, "http_302"},
    };
    const auto c = kannel_channel();
    const auto p = provider_for(c);
    for (const auto& r : rows) {
        CAPTURE(r.what);
        gateway::http_result res;
        res.status = r.status;
        res.body = r.body;
        res.retry_after = r.retry_after;
        const auto out = p.interpret_send(res, now, r.attempts, 8);
        CHECK(out.kind == r.expected);
        CHECK(out.error_code == r.error_code);
        if (out.kind == outcome::sent) CHECK(out.provider_message_id.empty());
        if (out.kind == outcome::retry) CHECK(out.retry_at > now);
    }
    gateway::http_result with_retry_after;
    with_retry_after.status = 503;
    with_retry_after.retry_after = "30";
    CHECK(p.interpret_send(with_retry_after, now, 1, 8).retry_at == now + std::chrono::seconds(30));

    gateway::http_result refused;
    refused.error = boost::asio::error::connection_refused;
    const auto net = p.interpret_send(refused, now, 1, 8);
    CHECK(net.kind == outcome::retry);
    CHECK(net.retry_at > now);
    CHECK(p.interpret_send(refused, now, 8, 8).kind == outcome::failed);
}

TEST_CASE("utf16be_to_utf8") {
    struct row {
        std::string in;
        std::optional<std::string> out;
    };
    const std::vector<row> rows{
        {std::string("\x00h\x00i", 4), "hi"},
        {std::string("\x00\xF1", 2), "ñ"},
        {std::string("\x20\xAC", 2), "€"},
        {std::string("\xD8\x3D\xDE\x00", 4), "😀"},
        {std::string("\xDB\xFF\xDF\xFF", 4), "\xF4\x8F\xBF\xBF"},  // U+10FFFF
        {std::string("\x00\x00", 2), std::string("\x00", 1)},
        {"", ""},
        {std::string("\x00", 1), std::nullopt},
        {std::string("\xD8\x3D", 2), std::nullopt},
        {std::string("\xD8\x3D\x00h", 4), std::nullopt},
        {std::string("\xDE\x00\xD8\x3D", 4), std::nullopt},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in.size());
        CHECK(gateway::utf16be_to_utf8(r.in) == r.out);
    }
}

TEST_CASE("make_kannel_provider takes the secrets by role") {
    const auto c = kannel_channel();
    const auto p = gateway::make_kannel_provider(
        c, {{"username", "u"}, {"password", "p"}, {"webhook_token", token}}, "http://127.0.0.1:14013");
    REQUIRE(p != nullptr);
    CHECK(p->api_base() == "http://127.0.0.1:14013");
    CHECK(p->read_webhook(get(mo_target("hola")), "", webhook_route::inbound, now).what ==
          webhook_reading::verdict::accepted);
    CHECK_THROWS(gateway::make_kannel_provider(c, {{"username", "u"}}, "http://x"));
}
