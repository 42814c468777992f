// Media downloads without sockets: URLs split for a connection, whose credentials go where
// (Twilio's Basic auth only to its own hosts; WhatsApp's Bearer to Graph and Meta's download
// hosts), the two WhatsApp steps, and what every answer means (content, locator, redirect,
// retry with backoff or Retry-After, gone, too large).
#include "gateway/base64.hpp"
#include "gateway/kannel_provider.hpp"
#include "gateway/media_download.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/twilio_provider.hpp"
#include "gateway/whatsapp_cloud_provider.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <doctest/doctest.h>

#include <string>

using namespace cwc;
using namespace cwc::gateway;
using namespace std::chrono_literals;
using outcome = messages::media_result::outcome;

namespace {

const messages::timestamp now = messages::from_unix_ms(1'790'000'000'123);
const std::string sid = "AC" + std::string(32, 'b');
const std::string token = "twilio-auth-token";
const std::string basic = "Basic " + base64(sid + ":" + token);
const std::string bearer = "Bearer EAAG-access-token";

config::channel channel_of(config::channel_kind kind, std::string id) {
    config::channel c;
    c.id = std::move(id);
    c.kind = kind;
    c.address = "+5116409001";
    c.options = {{"phone_number_id", "106540352242922"}};
    return c;
}

const config::channel sms = channel_of(config::channel_kind::twilio_sms, "sms");
const config::channel whatsapp = channel_of(config::channel_kind::whatsapp_cloud, "whatsapp");
const config::channel kannel = channel_of(config::channel_kind::kannel, "kannel");
const twilio_provider twilio{sms, {sid, token, "http://127.0.0.1:4010"}};
const whatsapp_cloud_provider meta{
    whatsapp, {"EAAG-access-token", "app-secret", "verify", "http://127.0.0.1:9/graph/"}};
const kannel_provider smsbox{kannel, {"user", "pass", "hook", "http://127.0.0.1:13013"}};

std::string authorization(const media_request& r) {
    for (const auto& [name, value] : r.headers)
        if (name == "Authorization") return value;
    return "";
}

messages::media_attachment twilio_media(std::string url, std::string mime = "audio/ogg") {
    return {"audio", "", std::move(url), std::move(mime), "", "", ""};
}

messages::media_attachment whatsapp_media(std::string id, std::string mime = "audio/ogg") {
    return {"voice", std::move(id), "", std::move(mime), "", "", ""};
}

http_result answered(unsigned status, std::string body = "", std::string location = "",
                     std::string retry_after = "") {
    http_result r;
    r.status = status;
    r.body = std::move(body);
    r.location = std::move(location);
    r.retry_after = std::move(retry_after);
    return r;
}

}  // namespace

TEST_CASE("split_url: an origin without base path and the target with its query") {
    struct row {
        const char* url;
        bool ok;
        bool tls;
        const char* host;
        const char* port;
        const char* target;
    };
    const row rows[] = {
        {"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true, true,
         "api.twilio.com", "443", "/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"},
        {"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1&ext=2&hash=a%2Bb", true,
         true, "lookaside.fbsbx.com", "443", "/whatsapp_business/attachments/?mid=1&ext=2&hash=a%2Bb"},
        {"http://127.0.0.1:4010", true, false, "127.0.0.1", "4010", "/"},
        {"ftp://example.org/file", false, false, "", "", ""},
        {"/relative/path", false, false, "", "", ""},
        {"https://user:secret@example.org/x", false, false, "", "", ""},
        {"", false, false, "", "", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.url);
        const auto t = split_url(r.url);
        REQUIRE(t.has_value() == r.ok);
        if (!r.ok) continue;
        CHECK(t->origin.tls == r.tls);
        CHECK(t->origin.host == r.host);
        CHECK(t->origin.port == r.port);
        CHECK(t->origin.base_path.empty());
        CHECK(t->target == r.target);
    }
}

TEST_CASE("same_origin and https_within: exact hosts and real subdomains only") {
    CHECK(same_origin("https://API.twilio.com/a", "https://api.twilio.com:443/b"));
    CHECK(same_origin("http://127.0.0.1:4010/x", "http://127.0.0.1:4010"));
    CHECK_FALSE(same_origin("http://127.0.0.1:4011/x", "http://127.0.0.1:4010"));
    CHECK_FALSE(same_origin("http://api.twilio.com/x", "https://api.twilio.com"));
    CHECK(https_within("https://api.twilio.com/x", "twilio.com"));
    CHECK(https_within("https://media.us1.twilio.com/x", "twilio.com"));
    CHECK(https_within("https://twilio.com/x", "twilio.com"));
    CHECK_FALSE(https_within("http://api.twilio.com/x", "twilio.com"));
    CHECK_FALSE(https_within("https://eviltwilio.com/x", "twilio.com"));
    CHECK_FALSE(https_within("https://api.twilio.com.evil.org/x", "twilio.com"));
    CHECK_FALSE(https_within("https://evil.org/?https://api.twilio.com", "twilio.com"));
}

TEST_CASE("Twilio: MediaUrl fetched as it came; Basic auth only for Twilio's own hosts") {
    struct row {
        const char* url;
        bool credentials;
    };
    const row rows[] = {
        {"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true},
        {"https://media.us1.twilio.com/ME1", true},
        {"http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", true},  // API base
        {"http://127.0.0.1:4011/ME1", false},  // another port: another origin
        {"http://api.twilio.com/ME1", false},  // not over TLS
        {"https://eviltwilio.com/ME1", false},
        {"https://api.twilio.com.evil.org/ME1", false},
        {"https://s3.amazonaws.com/com.twilio.prod.twilio-api/ME1", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.url);
        const auto plan = twilio.plan_media_download(twilio_media(r.url));
        REQUIRE(plan.has_value());
        CHECK(plan->url == r.url);
        CHECK_FALSE(plan->locates);
        CHECK(authorization(*plan) == (r.credentials ? basic : ""));
    }
    CHECK_FALSE(twilio.plan_media_download(twilio_media("")).has_value());
    CHECK_FALSE(twilio.plan_media_download(twilio_media("not a url")).has_value());
}

TEST_CASE("WhatsApp: the media id asked of Graph with the Bearer token, then the URL it names") {
    const auto plan = meta.plan_media_download(whatsapp_media("1037543291543636"));
    REQUIRE(plan.has_value());
    CHECK(plan->url == "http://127.0.0.1:9/graph/v25.0/1037543291543636");
    CHECK(plan->locates);
    CHECK(authorization(*plan) == bearer);
    const auto odd = meta.plan_media_download(whatsapp_media("12/../me?x"));
    REQUIRE(odd.has_value());
    CHECK(odd->url == "http://127.0.0.1:9/graph/v25.0/12%2F..%2Fme%3Fx");
    CHECK_FALSE(meta.plan_media_download(whatsapp_media("")).has_value());

    struct row {
        const char* body;
        bool ok;
        const char* url;
        bool credentials;
    };
    const row rows[] = {
        {R"({"messaging_product":"whatsapp","url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037543291543636&ext=1","mime_type":"audio/ogg","sha256":"ab","file_size":"3","id":"1037543291543636"})",
         true, "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1037543291543636&ext=1", true},
        {R"({"url":"https://scontent.whatsapp.net/v/t62/123"})", true, "https://scontent.whatsapp.net/v/t62/123", true},
        {R"({"url":"http://127.0.0.1:9/media-download/abc"})", true, "http://127.0.0.1:9/media-download/abc", true},
        {R"({"url":"https://attacker.example/steal"})", true, "https://attacker.example/steal", false},
        {R"({"url":"http://lookaside.fbsbx.com/x"})", true, "http://lookaside.fbsbx.com/x", false},
        {R"({"url":"file:///etc/passwd"})", false, "", false},
        {R"({"url":42})", false, "", false},
        {R"({"error":{"code":100}})", false, "", false},
        {"not json", false, "", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.body);
        const auto next = meta.follow_media_locator(r.body);
        REQUIRE(next.has_value() == r.ok);
        if (!r.ok) continue;
        CHECK(next->url == r.url);
        CHECK_FALSE(next->locates);
        CHECK(authorization(*next) == (r.credentials ? bearer : ""));
    }
}

TEST_CASE("plan_download: no media for providers without it; a refused type is not fetched") {
    messages::media_job job;
    job.attachment = twilio_media("https://api.twilio.com/ME1");
    auto plan = plan_download(twilio, job);
    REQUIRE(plan.request.has_value());
    CHECK(plan.request->url == "https://api.twilio.com/ME1");

    job.attachment.mime_type = "application/zip";
    plan = plan_download(twilio, job);
    CHECK_FALSE(plan.request.has_value());
    CHECK(plan.refused.kind == outcome::failed);
    CHECK(plan.refused.error == "type_not_allowed");

    job.attachment = twilio_media("https://api.twilio.com/ME1", "");  // type unknown: fetch, then see
    CHECK(plan_download(twilio, job).request.has_value());

    plan = plan_download(smsbox, job);
    CHECK_FALSE(plan.request.has_value());
    CHECK(plan.refused.kind == outcome::failed);
    CHECK(plan.refused.error == "no_media_download");
}

TEST_CASE("read_media_answer: content, locator, redirects, retries and failures") {
    const media_request file{"https://api.twilio.com/2010-04-01/ME1", {{"Authorization", basic}}, false};
    const media_request graph{"http://127.0.0.1:9/graph/v25.0/1", {{"Authorization", bearer}}, true};
    using meaning = media_answer::meaning;

    auto a = read_media_answer(twilio, file, answered(200, "bytes"), now, 1, 5);
    CHECK(a.what == meaning::content);

    a = read_media_answer(meta, graph, answered(200, R"({"url":"https://lookaside.fbsbx.com/x?mid=1"})"), now, 1, 5);
    REQUIRE(a.what == meaning::follow);
    CHECK(a.next.url == "https://lookaside.fbsbx.com/x?mid=1");
    CHECK(authorization(a.next) == bearer);
    CHECK_FALSE(a.next.locates);

    a = read_media_answer(meta, graph, answered(200, "{}"), now, 1, 5);
    REQUIRE(a.what == meaning::result);
    CHECK(a.result.kind == outcome::retry);
    CHECK(a.result.error == "no_media_url");

    // Twilio's media URL redirects to a pre-signed URL elsewhere: followed without credentials.
    a = read_media_answer(twilio, file, answered(307, "", "https://s3.amazonaws.com/b/ME1?X-Amz-Signature=s"), now, 1, 5);
    REQUIRE(a.what == meaning::follow);
    CHECK(a.next.url == "https://s3.amazonaws.com/b/ME1?X-Amz-Signature=s");
    CHECK(a.next.headers.empty());
    a = read_media_answer(twilio, file, answered(302, "", "/2010-04-01/ME1/content"), now, 1, 5);
    REQUIRE(a.what == meaning::follow);
    CHECK(a.next.url == "https://api.twilio.com/2010-04-01/ME1/content");
    CHECK(authorization(a.next) == basic);
    a = read_media_answer(twilio, file, answered(302), now, 1, 5);
    CHECK(a.result.kind == outcome::failed);
    CHECK(a.result.error == "http_302");

    struct row {
        const char* what;
        const media_request* asked;
        http_result answer;
        int attempts;
        outcome kind;
        const char* reason;
        messages::timestamp retry_at;
    };
    http_result down;
    down.error = boost::asio::error::connection_refused;
    http_result huge;
    huge.error = boost::beast::http::error::body_limit;
    const row rows[] = {
        {"media deleted", &file, answered(404), 1, outcome::failed, "gone", {}},
        {"gone for good", &file, answered(410), 1, outcome::failed, "gone", {}},
        {"expired media id at Graph", &graph, answered(400, R"({"error":{"code":100}})"), 1, outcome::failed, "gone", {}},
        {"bad request for a file", &file, answered(400), 1, outcome::failed, "http_400", {}},
        {"server error", &file, answered(500), 1, outcome::retry, "http_500", backoff_after(now, 1)},
        {"server error, last attempt", &file, answered(503), 5, outcome::failed, "http_503", {}},
        {"credentials refused", &file, answered(401), 2, outcome::retry, "http_401", backoff_after(now, 2)},
        {"throttled with Retry-After", &file, answered(429, "", "", "30"), 1, outcome::retry, "http_429", now + 30s},
        {"throttled without", &file, answered(429), 3, outcome::retry, "http_429", backoff_after(now, 3)},
        {"network", &file, down, 1, outcome::retry, "network", backoff_after(now, 1)},
        {"network, last attempt", &file, down, 5, outcome::failed, "network", {}},
        {"over the size limit", &file, huge, 1, outcome::failed, "too_large", {}},
        {"unexpected status", &file, answered(418), 1, outcome::failed, "http_418", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        const auto got = read_media_answer(twilio, *r.asked, r.answer, now, r.attempts, 5);
        REQUIRE(got.what == meaning::result);
        CHECK(got.result.kind == r.kind);
        CHECK(got.result.error == r.reason);
        if (r.kind == outcome::retry) CHECK(got.result.retry_at == r.retry_at);
    }
}
