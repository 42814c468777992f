// Vonage SMS webhooks: signed (the PROVIDERS.md §4.2 vector as a real request) and
// token-protected, in all three shapes (GET query, form, JSON), every field shape, concatenated
// parts and delivery receipts. Sends are in vonage_send_test.cpp.
#include "gateway/vonage_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/vonage_signature.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

using namespace cwc;
using namespace std::chrono_literals;
using gateway::form_fields;
using gateway::vonage_signature_method;
using gateway::webhook_reading;
using gateway::webhook_route;
using messages::outbound_status;
using verdict = webhook_reading::verdict;
namespace http = boost::beast::http;

namespace {

// PROVIDERS.md §4.2, verified there with @vonage/sms verifySignature.
const form_fields vector_params{
    {"msisdn", "447700900001"},
    {"to", "447700900000"},
    {"messageId", "0A0000000123ABCD1"},
    {"text", "Hello world & more=stuff"},
    {"type", "text"},
    {"keyword", "HELLO"},
    {"message-timestamp", "2020-01-01 12:00:00"},
    {"timestamp", "1577880000"},
    {"nonce", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"},
};
constexpr const char* vector_secret = "mySignatureSecret";
constexpr const char* vector_md5hash = "bd4da644b559088965e1a9d8620614ad";
constexpr const char* vector_sha256 =
    "7a4d655aec023b8e5b097c0e4e5b200bc858166883d9cf03d9384751c6fc5c52";
// The vector's timestamp plus a minute: the signed request is fresh.
const messages::timestamp vector_now = messages::from_unix_ms(1'577'880'060'000);
const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);
constexpr const char* token = "v0nage-t0ken-abcdef0123456789";

config::channel vonage_channel(std::string address = "+447700900000", std::string method = "") {
    config::channel ch;
    ch.id = "vn";
    ch.kind = config::channel_kind::vonage_sms;
    ch.address = std::move(address);
    if (!method.empty()) ch.options["signature_method"] = method;
    return ch;
}

gateway::vonage_provider signed_provider(const config::channel& ch,
                                         std::string webhook_token = "") {
    return gateway::vonage_provider{
        ch,
        {"key1", "secret1", vector_secret, std::move(webhook_token), "https://rest.nexmo.com",
         gateway::parse_vonage_signature_method(ch.option("signature_method"))}};
}

gateway::vonage_provider token_provider(const config::channel& ch,
                                        std::string api_base = "https://rest.nexmo.com") {
    return gateway::vonage_provider{
        ch, {"key1", "secret1", "", token, std::move(api_base), vonage_signature_method::md5hash}};
}

form_fields with(form_fields fields, const std::string& name, const std::string& value) {
    for (auto& f : fields)
        if (f.name == name) {
            f.value = value;
            return fields;
        }
    fields.push_back({name, value});
    return fields;
}

form_fields without(form_fields fields, const std::string& name) {
    std::erase_if(fields, [&](const auto& f) { return f.name == name; });
    return fields;
}

enum class shape { get, form, json };

gateway::http_request request_of(shape how, std::string path, const form_fields& params) {
    if (how == shape::get) {
        const auto sep = path.find('?') == std::string::npos ? "?" : "&";
        return gateway::http_request{http::verb::get, path + sep + gateway::encode_form(params),
                                     11};
    }
    gateway::http_request req{http::verb::post, path, 11};
    if (how == shape::form) {
        req.set(http::field::content_type, "application/x-www-form-urlencoded");
        req.body() = gateway::encode_form(params);
    } else {
        nlohmann::json object = nlohmann::json::object();
        for (const auto& f : params) object[f.name] = f.value;
        req.set(http::field::content_type, "application/json");
        req.body() = object.dump();
    }
    req.prepare_payload();
    return req;
}

std::string with_token(std::string path) {
    return path + "?token=" + token;
}

}  // namespace

TEST_CASE("vonage: signed inbound webhooks in every shape") {
    const auto md5_channel = vonage_channel();
    const auto sha_channel = vonage_channel("+447700900000", "sha256");
    const auto md5 = signed_provider(md5_channel);
    const auto sha = signed_provider(sha_channel);
    const auto signed_md5 = with(vector_params, "sig", vector_md5hash);
    struct row {
        const char* name;
        const gateway::vonage_provider* adapter;
        form_fields params;
        std::string path;
        messages::timestamp at;
        unsigned status;  // 0: accepted
    };
    const row rows[] = {
        {"md5hash", &md5, signed_md5, "/webhooks/vn", vector_now, 0},
        {"sha256 HMAC", &sha, with(vector_params, "sig", vector_sha256), "/webhooks/vn", vector_now,
         0},
        {"our token in the URL too", &md5, signed_md5, with_token("/webhooks/vn"), vector_now, 0},
        {"timestamp 4 minutes old", &md5, signed_md5, "/webhooks/vn", vector_now + 3min, 0},
        {"timestamp 6 minutes old", &md5, signed_md5, "/webhooks/vn", vector_now + 5min, 403},
        {"timestamp 6 minutes ahead", &md5, signed_md5, "/webhooks/vn", vector_now - 7min, 403},
        {"md5hash sig on a sha256 channel", &sha, signed_md5, "/webhooks/vn", vector_now, 403},
        {"tampered text", &md5, with(signed_md5, "text", "STOP"), "/webhooks/vn", vector_now, 403},
        {"added parameter", &md5, with(signed_md5, "extra", "1"), "/webhooks/vn", vector_now, 403},
        {"removed parameter", &md5, without(signed_md5, "keyword"), "/webhooks/vn", vector_now,
         403},
        {"forged sig", &md5, with(vector_params, "sig", std::string(32, '0')), "/webhooks/vn",
         vector_now, 403},
        {"missing sig", &md5, vector_params, "/webhooks/vn", vector_now, 401},
        {"empty sig", &md5, with(vector_params, "sig", ""), "/webhooks/vn", vector_now, 401},
        {"a token does not replace the sig", &md5, vector_params, with_token("/webhooks/vn"),
         vector_now, 401},
    };
    for (const auto& r : rows) {
        for (const auto how : {shape::get, shape::form, shape::json}) {
            CAPTURE(r.name);
            CAPTURE(static_cast<int>(how));
            const auto reading = r.adapter->read_webhook(request_of(how, r.path, r.params), "",
                                                         webhook_route::inbound, r.at);
            if (r.status != 0) {
                CHECK(reading.what == verdict::rejected);
                CHECK(reading.status == r.status);
                CHECK(reading.messages.empty());
                continue;
            }
            REQUIRE(reading.what == verdict::accepted);
            REQUIRE(reading.messages.size() == 1);
            const auto& m = reading.messages[0];
            CHECK(m.provider_message_id == "0A0000000123ABCD1");
            CHECK(m.from == "+447700900001");
            CHECK(m.to == "+447700900000");
            CHECK(m.text == "Hello world & more=stuff");
            CHECK(m.received_at == r.at);
        }
    }
}

TEST_CASE("vonage: a signed request needs a timestamp") {
    const auto ch = vonage_channel();
    const auto md5 = signed_provider(ch);
    auto params = without(vector_params, "timestamp");
    params.push_back({"sig", gateway::vonage_signature(params, vector_secret,
                                                       vonage_signature_method::md5hash)});
    const auto reading = md5.read_webhook(request_of(shape::form, "/webhooks/vn", params), "",
                                          webhook_route::inbound, vector_now);
    CHECK(reading.what == verdict::rejected);
    CHECK(reading.status == 403);
}

TEST_CASE("vonage: JSON numbers and booleans are signed as the SDK stringifies them") {
    const auto ch = vonage_channel();
    const auto md5 = signed_provider(ch);
    gateway::http_request req{http::verb::post, "/webhooks/vn", 11};
    req.set(http::field::content_type, "application/json");
    auto object = nlohmann::json::object();
    for (const auto& f : vector_params) object[f.name] = f.value;
    object["timestamp"] = 1577880000;
    object["concat"] = true;
    object["concat-ref"] = "08B5";
    object["concat-total"] = 3;
    object["concat-part"] = 2;
    auto as_strings = with(vector_params, "concat", "true");
    as_strings =
        with(with(with(as_strings, "concat-ref", "08B5"), "concat-total", "3"), "concat-part", "2");
    object["sig"] =
        gateway::vonage_signature(as_strings, vector_secret, vonage_signature_method::md5hash);
    req.body() = object.dump();
    req.prepare_payload();
    const auto reading = md5.read_webhook(req, "", webhook_route::inbound, vector_now);
    REQUIRE(reading.what == verdict::accepted);
    REQUIRE(reading.messages.size() == 1);
    REQUIRE(reading.messages[0].part.has_value());
    CHECK(reading.messages[0].part->reference == "08B5");
    CHECK(reading.messages[0].part->total == 3);
    CHECK(reading.messages[0].part->index == 2);
}

TEST_CASE("vonage: webhooks without signatures need the token") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    const form_fields params{{"msisdn", "447700900001"},
                             {"to", "447700900000"},
                             {"messageId", "0A01"},
                             {"text", "Hola"},
                             {"type", "text"}};
    const std::string t{token};
    struct row {
        const char* name;
        std::string path;
        unsigned status;
    };
    const row rows[] = {
        {"no token", "/webhooks/vn", 401},
        {"empty token", "/webhooks/vn?token=", 401},
        {"wrong token", "/webhooks/vn?token=nope", 403},
        {"token prefix", "/webhooks/vn?token=" + t.substr(0, 10), 403},
        {"right token", "/webhooks/vn?token=" + t, 0},
    };
    for (const auto& r : rows)
        for (const auto route : {webhook_route::inbound, webhook_route::status})
            for (const auto how : {shape::get, shape::form, shape::json}) {
                CAPTURE(r.name);
                CAPTURE(static_cast<int>(how));
                const auto reading = vn.read_webhook(
                    request_of(how, r.path, with(params, "status", "delivered")), "", route, now);
                if (r.status == 0) {
                    CHECK(reading.what == verdict::accepted);
                } else {
                    CHECK(reading.what == verdict::rejected);
                    CHECK(reading.status == r.status);
                }
            }
    // A sig from someone who guessed does not replace the token either.
    const auto guessed = vn.read_webhook(
        request_of(shape::form, "/webhooks/vn", with(params, "sig", vector_md5hash)), "",
        webhook_route::inbound, now);
    CHECK(guessed.status == 401);
}

TEST_CASE("vonage: misconfigured channels refuse every webhook with 503") {
    const auto ch = vonage_channel("+447700900000", "sha384");
    const gateway::vonage_provider neither{
        ch, {"k", "s", "", "", "https://rest.nexmo.com", vonage_signature_method::md5hash}};
    const gateway::vonage_provider bad_method{
        ch, {"k", "s", vector_secret, token, "https://rest.nexmo.com", std::nullopt}};
    for (const auto* adapter : {&neither, &bad_method}) {
        const auto reading =
            adapter->read_webhook(request_of(shape::form, with_token("/webhooks/vn"),
                                             with(vector_params, "sig", vector_md5hash)),
                                  "", webhook_route::inbound, vector_now);
        CHECK(reading.what == verdict::rejected);
        CHECK(reading.status == 503);
    }
    const auto made = gateway::make_vonage_provider(
        ch, {{"api_key", "k"}, {"api_secret", "s"}, {"signature_secret", vector_secret}}, "x");
    REQUIRE(made != nullptr);
    CHECK(made->read_webhook(request_of(shape::form, "/webhooks/vn",
                                        with(vector_params, "sig", vector_md5hash)),
                             "", webhook_route::inbound, vector_now)
              .status == 503);
}

TEST_CASE("vonage: method, content type and malformed requests") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    gateway::http_request put{http::verb::put, with_token("/webhooks/vn"), 11};
    CHECK(vn.read_webhook(put, "", webhook_route::inbound, now).status == 405);
    auto xml = request_of(shape::form, with_token("/webhooks/vn"), {{"msisdn", "1"}});
    xml.set(http::field::content_type, "text/xml");
    CHECK(vn.read_webhook(xml, "", webhook_route::inbound, now).status == 415);
    auto array = request_of(shape::json, with_token("/webhooks/vn"), {});
    array.body() = "[1,2]";
    CHECK(vn.read_webhook(array, "", webhook_route::inbound, now).status == 400);
    auto broken = request_of(shape::json, with_token("/webhooks/vn"), {});
    broken.body() = "{\"msisdn\":";
    CHECK(vn.read_webhook(broken, "", webhook_route::inbound, now).status == 400);
    const gateway::http_request bad_query{http::verb::get, with_token("/webhooks/vn") + "&text=%FF",
                                          11};
    CHECK(vn.read_webhook(bad_query, "", webhook_route::inbound, now).status == 400);
}

TEST_CASE("vonage: inbound field shapes and concatenated parts") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    const form_fields base{{"msisdn", "51987654321"},
                           {"to", "447700900000"},
                           {"messageId", "0A02"},
                           {"text", "Hola"},
                           {"type", "text"},
                           {"keyword", "HOLA"},
                           {"message-timestamp", "2026-09-24 10:00:00"}};
    struct row {
        const char* name;
        form_fields params;
        verdict what;
        std::string from, text, kind;
        std::optional<messages::message_part> part;
    };
    const row rows[] = {
        {"text", base, verdict::accepted, "+51987654321", "Hola", "text", {}},
        {"unicode",
         with(with(base, "type", "unicode"), "text", "¿Dónde está? 😀"),
         verdict::accepted,
         "+51987654321",
         "¿Dónde está? 😀",
         "text",
         {}},
        {"empty text", with(base, "text", ""), verdict::accepted, "+51987654321", "", "text", {}},
        {"binary",
         with(with(without(base, "text"), "type", "binary"), "data", "0A0B"),
         verdict::accepted,
         "+51987654321",
         "",
         "unsupported",
         {}},
        {"alphanumeric sender stays",
         with(base, "msisdn", "INFO"),
         verdict::accepted,
         "INFO",
         "Hola",
         "text",
         {}},
        {"concat part 2 of 3",
         with(with(with(with(base, "concat", "true"), "concat-ref", "08B5"), "concat-total", "3"),
              "concat-part", "2"),
         verdict::accepted, "+51987654321", "Hola", "text", messages::message_part{"08B5", 3, 2}},
        {"concat part 1 of 1",
         with(with(with(with(base, "concat", "true"), "concat-ref", "1"), "concat-total", "1"),
              "concat-part", "1"),
         verdict::accepted, "+51987654321", "Hola", "text", messages::message_part{"1", 1, 1}},
        {"concat=false ignores the rest",
         with(with(base, "concat", "false"), "concat-part", "9"),
         verdict::accepted,
         "+51987654321",
         "Hola",
         "text",
         {}},
        {"part beyond total",
         with(with(with(with(base, "concat", "true"), "concat-ref", "08B5"), "concat-total", "2"),
              "concat-part", "3"),
         verdict::quarantine,
         "",
         "",
         "",
         {}},
        {"part zero",
         with(with(with(with(base, "concat", "true"), "concat-ref", "08B5"), "concat-total", "2"),
              "concat-part", "0"),
         verdict::quarantine,
         "",
         "",
         "",
         {}},
        {"no concat-ref",
         with(with(with(base, "concat", "true"), "concat-total", "2"), "concat-part", "1"),
         verdict::quarantine,
         "",
         "",
         "",
         {}},
        {"total not a number",
         with(with(with(with(base, "concat", "true"), "concat-ref", "08B5"), "concat-total", "2x"),
              "concat-part", "1"),
         verdict::quarantine,
         "",
         "",
         "",
         {}},
        {"no messageId", without(base, "messageId"), verdict::quarantine, "", "", "", {}},
        {"no msisdn", without(base, "msisdn"), verdict::quarantine, "", "", "", {}},
        {"empty msisdn", with(base, "msisdn", ""), verdict::quarantine, "", "", "", {}},
    };
    for (const auto& r : rows) {
        for (const auto how : {shape::get, shape::form, shape::json}) {
            CAPTURE(r.name);
            CAPTURE(static_cast<int>(how));
            const auto reading =
                vn.read_webhook(request_of(how, with_token("/webhooks/vn"), r.params), "",
                                webhook_route::inbound, now);
            REQUIRE(reading.what == r.what);
            if (r.what != verdict::accepted) {
                CHECK(reading.messages.empty());
                continue;
            }
            REQUIRE(reading.messages.size() == 1);
            const auto& m = reading.messages[0];
            CHECK(m.channel_id == "vn");
            CHECK(m.provider_message_id == "0A02");
            CHECK(m.from == r.from);
            CHECK(m.to == "+447700900000");
            CHECK(m.text == r.text);
            CHECK(m.kind == r.kind);
            CHECK(m.received_at == now);
            REQUIRE(m.part.has_value() == r.part.has_value());
            if (r.part) {
                CHECK(m.part->reference == r.part->reference);
                CHECK(m.part->total == r.part->total);
                CHECK(m.part->index == r.part->index);
            }
        }
    }
    // A request with nothing of a message (a URL check) is acknowledged, not quarantined.
    const auto empty = vn.read_webhook(request_of(shape::get, with_token("/webhooks/vn"), {}), "",
                                       webhook_route::inbound, now);
    CHECK(empty.what == verdict::accepted);
    CHECK(empty.messages.empty());
    CHECK(empty.skipped == std::vector<std::string>{"empty_request"});
}

TEST_CASE("vonage: delivery receipts") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    struct row {
        std::string status;
        bool known;
        outbound_status expected;
        std::string error_code;
    };
    const row rows[] = {
        {"delivered", true, outbound_status::delivered, ""},
        {"accepted", true, outbound_status::sent, ""},
        {"buffered", true, outbound_status::sent, ""},
        {"unknown", true, outbound_status::sent, ""},
        {"failed", true, outbound_status::failed, "6"},
        {"expired", true, outbound_status::failed, "6"},
        {"rejected", true, outbound_status::failed, "6"},
        {"Delivered", false, {}, ""},
        {"read", false, {}, ""},
    };
    for (const auto& r : rows) {
        for (const auto how : {shape::get, shape::form, shape::json}) {
            CAPTURE(r.status);
            CAPTURE(static_cast<int>(how));
            const form_fields params{{"msisdn", "51987654321"},
                                     {"to", "447700900000"},
                                     {"network-code", "71610"},
                                     {"messageId", "0B00001"},
                                     {"price", "0.03330000"},
                                     {"status", r.status},
                                     {"scts", "2609241000"},
                                     {"err-code", "6"},
                                     {"api-key", "key1"},
                                     {"client-ref", "77"},
                                     {"message-timestamp", "2026-09-24 10:00:00"}};
            const auto reading = vn.read_webhook(
                request_of(how, with_token("/webhooks/vn/status") + "&m=78", params), "",
                webhook_route::status, now);
            if (!r.known) {
                CHECK(reading.what == verdict::quarantine);
                continue;
            }
            REQUIRE(reading.what == verdict::accepted);
            REQUIRE(reading.statuses.size() == 1);
            const auto& u = reading.statuses[0];
            CHECK(u.provider_message_id == "0B00001");
            CHECK(u.outbound_id == 77);  // client-ref wins over ?m=
            CHECK(u.status == r.expected);
            CHECK(u.error_code == r.error_code);
        }
    }
    struct ref_row {
        const char* name;
        form_fields params;
        std::string path;
        std::int64_t outbound_id;
    };
    const form_fields base{{"messageId", "0B2"}, {"status", "delivered"}};
    const ref_row refs[] = {
        {"no client-ref: ?m=", base, with_token("/webhooks/vn/status") + "&m=78", 78},
        {"junk client-ref: ?m=", with(base, "client-ref", "abc"),
         with_token("/webhooks/vn/status") + "&m=78", 78},
        {"neither", base, with_token("/webhooks/vn/status"), 0},
        {"negative client-ref", with(base, "client-ref", "-5"), with_token("/webhooks/vn/status"),
         0},
    };
    for (const auto& r : refs) {
        CAPTURE(r.name);
        const auto reading = vn.read_webhook(request_of(shape::form, r.path, r.params), "",
                                             webhook_route::status, now);
        REQUIRE(reading.statuses.size() == 1);
        CHECK(reading.statuses[0].outbound_id == r.outbound_id);
    }
    CHECK(vn.read_webhook(request_of(shape::form, with_token("/webhooks/vn/status"),
                                     {{"status", "delivered"}}),
                          "", webhook_route::status, now)
              .what == verdict::quarantine);
}

TEST_CASE("vonage: signed channels accept receipts signed, or with the token") {
    const auto ch = vonage_channel();
    const auto vn = signed_provider(ch, token);
    form_fields receipt{{"messageId", "0B3"},
                        {"status", "delivered"},
                        {"client-ref", "9"},
                        {"timestamp", "1577880000"},
                        {"nonce", "n-1"}};
    const auto sig =
        gateway::vonage_signature(receipt, vector_secret, vonage_signature_method::md5hash);
    // GET: our ?m= and token sit among Vonage's parameters, which it may or may not have signed.
    const auto signed_get = vn.read_webhook(
        request_of(shape::get, "/webhooks/vn/status?m=9", with(receipt, "sig", sig)), "",
        webhook_route::status, vector_now);
    CHECK(signed_get.what == verdict::accepted);
    const auto unsigned_with_token =
        vn.read_webhook(request_of(shape::form, with_token("/webhooks/vn/status"), receipt), "",
                        webhook_route::status, vector_now);
    CHECK(unsigned_with_token.what == verdict::accepted);
    const auto unsigned_without =
        vn.read_webhook(request_of(shape::form, "/webhooks/vn/status", receipt), "",
                        webhook_route::status, vector_now);
    CHECK(unsigned_without.status == 401);
    const auto bad_sig_with_token =
        vn.read_webhook(request_of(shape::form, with_token("/webhooks/vn/status"),
                                   with(receipt, "sig", vector_md5hash)),
                        "", webhook_route::status, vector_now);
    CHECK(bad_sig_with_token.status == 403);
}

TEST_CASE("vonage: acknowledge is 204 without a body") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    const auto res = vn.acknowledge(request_of(shape::form, "/webhooks/vn", {}));
    CHECK(res.result_int() == 204);
    CHECK(res.body().empty());
}

TEST_CASE("vonage: a GET query decodes '+' as a space, as Vonage encodes it") {
    const auto ch = vonage_channel();
    const auto vn = token_provider(ch);
    const gateway::http_request get{http::verb::get,
                                    with_token("/webhooks/vn") +
                                        "&msisdn=51987654321&to=447700900000&messageId=0A09&text="
                                        "Hola+que+tal%3F+%C2%BFy+t%C3%BA%3F"
                                        "&type=unicode",
                                    11};
    const auto reading = vn.read_webhook(get, "", webhook_route::inbound, now);
    REQUIRE(reading.messages.size() == 1);
    CHECK(reading.messages[0].text == "Hola que tal? ¿y tú?");
}
