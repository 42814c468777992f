// The public listener over real loopback HTTP: webhook_service routes behind http_server, with
// the example config, a real SQLite store and raw requests written byte for byte, so limits,
// timeouts and malformed input reach the server exactly as a hostile client would send them.
#include "gateway/http_server.hpp"

#include "gateway/channel_runtime.hpp"
#include "gateway/store_writer.hpp"
#include "gateway/twilio_provider.hpp"
#include "gateway/twilio_signature.hpp"
#include "gateway/webhook_service.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/gateway/example_config.hpp"
#include "tests/messages/temp_db.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <nlohmann/json.hpp>

#include <doctest/doctest.h>

#include <array>
#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace cwc;
using namespace std::chrono_literals;
using messages::testing::raw_db;
using messages::testing::temp_db;

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
const std::string auth_token = "test-auth-token-0123456789";
constexpr std::size_t channel_body_limit = 4096;

// The gateway's public side on 127.0.0.1:0, its io_context on a thread of its own.
class live_gateway {
  public:
    explicit live_gateway(gateway::http_server_limits limits)
        : cfg(gateway::testing::load_example_config()) {
        cfg.channels.front().max_body_bytes = channel_body_limit;
        auto unset = cfg.channels.front();
        unset.id = "sms-unset";
        cfg.channels.push_back(unset);

        std::vector<gateway::channel_runtime> channels(2);
        channels[0].channel = &cfg.channels[0];
        channels[0].adapter = std::make_shared<gateway::twilio_provider>(
            cfg.channels[0], gateway::twilio_credentials{"AC123", auth_token, "http://127.0.0.1:9"});
        channels[1].channel = &cfg.channels[1];
        channels[1].missing = "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN";

        writer.emplace(std::make_unique<messages::sqlite_store>(file.path(), "http-test-key"));
        service.emplace(cfg, std::move(channels), "", *writer);
        server.emplace(io, tcp::endpoint{net::ip::make_address("127.0.0.1"), 0}, *service, limits);
        endpoint = server->local_endpoint();
        service->set_public_url("http://127.0.0.1:" + std::to_string(endpoint.port()));
        server->start();
        thread = std::thread([this] { io.run(); });
    }
    ~live_gateway() {
        net::post(io, [this] { server->stop_accepting(); });
        io.stop();
        thread.join();
    }
    live_gateway(const live_gateway&) = delete;
    live_gateway& operator=(const live_gateway&) = delete;

    std::int64_t count(const std::string& table) {
        raw_db db{file.path()};
        return db.integer("SELECT COUNT(*) FROM " + table);
    }

    temp_db file;
    config::config cfg;
    net::io_context io;  // outlives the writer: its completions are posted here
    std::optional<gateway::store_writer> writer;
    std::optional<gateway::webhook_service> service;
    std::optional<gateway::http_server> server;
    tcp::endpoint endpoint;
    std::thread thread;
};

gateway::http_server_limits test_limits() {
    gateway::http_server_limits l;
    l.max_header_bytes = 2048;
    l.read_timeout = 1s;
    l.idle_timeout = 2s;
    l.write_timeout = 2s;
    return l;
}

// One client connection: what it sent, what came back, and whether the server then closed.
struct conversation {
    std::string raw;                   // written as is, at once
    std::size_t responses_wanted = 1;  // read this many responses
    bool wait_for_close = false;       // then read on until the server closes (or 5 s pass)
    std::chrono::milliseconds start_after{0};
    std::string rest;  // written `rest_after` after `raw` (a request in two packets)
    std::chrono::milliseconds rest_after{0};

    std::vector<http::response<http::string_body>> responses;
    boost::system::error_code error;
    bool closed_by_server = false;
    std::chrono::milliseconds done_after{0};  // from connect to the last event observed
};

net::awaitable<void> talk(tcp::endpoint to, conversation& c) {
    auto ex = co_await net::this_coro::executor;
    if (c.start_after.count() > 0) {
        net::steady_timer pause(ex, c.start_after);
        co_await pause.async_wait(use_tuple);
    }
    beast::tcp_stream stream(ex);
    stream.expires_after(5s);
    const auto t0 = std::chrono::steady_clock::now();
    auto elapsed = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - t0);
    };
    if (auto [ec] = co_await stream.async_connect(to, use_tuple); ec) {
        c.error = ec;
        co_return;
    }
    if (!c.raw.empty()) {
        // A server that answers early may stop reading: a failed write is not the test's verdict.
        co_await net::async_write(stream, net::buffer(c.raw), use_tuple);
    }
    if (!c.rest.empty()) {
        net::steady_timer pause(ex, c.rest_after);
        co_await pause.async_wait(use_tuple);
        co_await net::async_write(stream, net::buffer(c.rest), use_tuple);
    }
    beast::flat_buffer buffer;
    for (std::size_t i = 0; i < c.responses_wanted; ++i) {
        http::response_parser<http::string_body> parser;
        stream.expires_after(5s);
        auto [ec, n] = co_await http::async_read(stream, buffer, parser, use_tuple);
        c.done_after = elapsed();
        if (ec == http::error::end_of_stream || ec == net::error::connection_reset) {
            c.closed_by_server = true;  // closed before (another) answer
            co_return;
        }
        if (ec) {
            c.error = ec;
            co_return;
        }
        c.responses.push_back(parser.release());
    }
    if (c.wait_for_close) {
        std::array<char, 1024> sink{};
        stream.expires_after(5s);
        for (;;) {
            auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
            if (ec) {
                c.closed_by_server = ec == net::error::eof || ec == net::error::connection_reset;
                c.done_after = elapsed();
                break;
            }
        }
    }
}

// Runs the conversations side by side, each on its own connection, and waits for all.
void run_side_by_side(tcp::endpoint to, std::vector<conversation*> all) {
    net::io_context client;
    for (auto* c : all) net::co_spawn(client, talk(to, *c), net::detached);
    client.run();
}

conversation exchange(tcp::endpoint to, std::string raw, bool wait_for_close = false) {
    conversation c;
    c.raw = std::move(raw);
    c.wait_for_close = wait_for_close;
    run_side_by_side(to, {&c});
    return c;
}

std::string json_error_of(const http::response<http::string_body>& res) {
    auto body = nlohmann::json::parse(res.body(), nullptr, false);
    if (!body.is_object() || !body.contains("error") || !body["error"].is_string()) return "";
    return body["error"].get<std::string>();
}

std::string get(const std::string& target, const std::string& extra_headers = "") {
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers + "\r\n";
}

std::string post(const std::string& target, const std::string& body,
                 const std::string& extra_headers = "",
                 const std::string& content_type = "application/x-www-form-urlencoded") {
    return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + content_type +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" +
           body;
}

const std::string inbound_body =
    "MessageSid=SM0123456789abcdef0123456789abcdef&AccountSid=AC123&From=%2B51987654321"
    "&To=%2B5116409000&Body=hola&NumMedia=0";

}  // namespace

TEST_CASE("GET /healthz answers 200 {\"status\":\"ok\"} and keeps the connection alive") {
    live_gateway gw{test_limits()};
    conversation c;
    c.raw = get("/healthz") + get("/healthz", "Connection: close\r\n");
    c.responses_wanted = 2;
    c.wait_for_close = true;
    run_side_by_side(gw.endpoint, {&c});
    REQUIRE_FALSE(c.error);
    REQUIRE(c.responses.size() == 2);
    for (const auto& res : c.responses) {
        CHECK(res.result_int() == 200);
        CHECK(res[http::field::content_type] == "application/json");
        CHECK(nlohmann::json::parse(res.body()) == nlohmann::json{{"status", "ok"}});
    }
    CHECK(c.responses[0].keep_alive());
    CHECK_FALSE(c.responses[1].keep_alive());
    CHECK(c.closed_by_server);
}

TEST_CASE("routes answer unknown paths, wrong methods and unusable requests with a JSON reason") {
    live_gateway gw{test_limits()};
    struct row {
        const char* name;
        std::string raw;
        unsigned status;
        std::string allow;  // "" = no Allow header expected
    };
    const row rows[] = {
        {"unknown path", get("/nope"), 404, ""},
        {"unknown nested path", get("/webhooks/sms/status/extra"), 404, ""},
        {"unknown channel", post("/webhooks/nochannel", inbound_body), 404, ""},
        {"POST to healthz", post("/healthz", ""), 405, "GET, HEAD"},
        {"GET a webhook", get("/webhooks/sms"), 405, "POST"},
        {"GET a status callback", get("/webhooks/sms/status"), 405, "POST"},
        {"channel without secrets", post("/webhooks/sms-unset", inbound_body), 503, ""},
        {"not a form", post("/webhooks/sms", "{}", "", "application/json"), 415, ""},
        {"missing signature", post("/webhooks/sms", inbound_body), 403, ""},
        {"wrong signature", post("/webhooks/sms", inbound_body, "X-Twilio-Signature: bm9wZQ==\r\n"),
         403, ""},
        {"status callback without signature",
         post("/webhooks/sms/status", "MessageSid=SM1&MessageStatus=delivered"), 403, ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        auto c = exchange(gw.endpoint, r.raw);
        REQUIRE_FALSE(c.error);
        REQUIRE(c.responses.size() == 1);
        const auto& res = c.responses.front();
        CHECK(res.result_int() == r.status);
        CHECK(res[http::field::content_type] == "application/json");
        CHECK_FALSE(json_error_of(res).empty());
        CHECK(std::string(res[http::field::allow]) == r.allow);
    }
    // Nothing before the signature check touches the store.
    CHECK(gw.count("inbound_messages") == 0);
    CHECK(gw.count("contacts") == 0);
    CHECK(gw.count("outbox") == 0);
}

TEST_CASE("a signed inbound message is committed before the 200 answer") {
    live_gateway gw{test_limits()};
    const std::string target = "/webhooks/sms";
    auto fields = gateway::parse_form(inbound_body);
    REQUIRE(fields.has_value());
    const auto signature =
        gateway::twilio_signature(auth_token, gw.service->public_url() + target, *fields);
    auto c = exchange(gw.endpoint,
                      post(target, inbound_body, "X-Twilio-Signature: " + signature + "\r\n"));
    REQUIRE_FALSE(c.error);
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].result_int() == 200);
    CHECK(c.responses[0][http::field::content_type] == "text/xml");
    CHECK(c.responses[0].body() == gateway::empty_twiml);
    // Read at once, from another connection: the answer came only after the COMMIT.
    CHECK(gw.count("inbound_messages") == 1);
    CHECK(gw.count("outbox") == 2);  // first-contact notice and main menu

    // The provider's retry of the same message is answered 200 and changes nothing.
    auto again = exchange(gw.endpoint,
                          post(target, inbound_body, "X-Twilio-Signature: " + signature + "\r\n"));
    REQUIRE(again.responses.size() == 1);
    CHECK(again.responses[0].result_int() == 200);
    CHECK(gw.count("inbound_messages") == 1);
    CHECK(gw.count("outbox") == 2);
}

TEST_CASE("a body over the channel's limit is refused with 413 before it is read") {
    live_gateway gw{test_limits()};
    const std::string big(channel_body_limit + 1, 'a');
    const std::string chunked_big =
        "POST /webhooks/sms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\n\r\n" +
        [&] {
            std::string chunks;
            for (int i = 0; i < 5; ++i) chunks += "400\r\n" + std::string(1024, 'a') + "\r\n";
            return chunks + "0\r\n\r\n";
        }();
    struct row {
        const char* name;
        std::string raw;
    };
    const row rows[] = {
        {"declared length", post("/webhooks/sms", "Body=" + big)},
        {"chunked", chunked_big},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        auto c = exchange(gw.endpoint, r.raw, true);
        REQUIRE_FALSE(c.error);
        REQUIRE(c.responses.size() == 1);
        CHECK(c.responses[0].result_int() == 413);
        CHECK(c.responses[0][http::field::content_type] == "application/json");
        CHECK(json_error_of(c.responses[0]) == "request body too large");
        CHECK_FALSE(c.responses[0].keep_alive());
        CHECK(c.closed_by_server);
    }
    // Just under the limit is read (and then refused for its missing signature, not its size).
    auto fits = exchange(gw.endpoint, post("/webhooks/sms", std::string(channel_body_limit, 'a')));
    REQUIRE(fits.responses.size() == 1);
    CHECK(fits.responses[0].result_int() == 403);
}

TEST_CASE("a body is read whole however it arrives: with its header, after it, or pipelined") {
    live_gateway gw{test_limits()};  // read_timeout 1 s
    const std::string unsigned_post = post("/webhooks/sms", inbound_body);
    const auto body_at = unsigned_post.find("\r\n\r\n") + 4;
    // Each is read to its end and refused for its missing signature (403), not cut short (400).
    conversation pipelined;
    pipelined.raw = unsigned_post + unsigned_post;
    pipelined.responses_wanted = 2;
    conversation in_two_packets;
    in_two_packets.raw = unsigned_post.substr(0, body_at + 10);
    in_two_packets.rest = unsigned_post.substr(body_at + 10);
    in_two_packets.rest_after = 300ms;
    conversation header_then_body;
    header_then_body.raw = unsigned_post.substr(0, body_at);
    header_then_body.rest = unsigned_post.substr(body_at);
    header_then_body.rest_after = 300ms;
    conversation body_stalls;  // half a body, then nothing
    body_stalls.raw = unsigned_post.substr(0, body_at + 10);
    body_stalls.wait_for_close = true;
    run_side_by_side(gw.endpoint, {&pipelined, &in_two_packets, &header_then_body, &body_stalls});

    REQUIRE(pipelined.responses.size() == 2);
    for (const auto& r : pipelined.responses) CHECK(r.result_int() == 403);
    for (const auto* c : {&in_two_packets, &header_then_body}) {
        REQUIRE(c->responses.size() == 1);
        CHECK(c->responses[0].result_int() == 403);
    }
    CHECK(body_stalls.closed_by_server);
    REQUIRE(body_stalls.responses.size() == 1);
    CHECK(body_stalls.responses[0].result_int() == 408);
    CHECK(body_stalls.done_after >= 900ms);
}

TEST_CASE("headers over max_header_bytes are refused with 431") {
    live_gateway gw{test_limits()};
    auto c = exchange(gw.endpoint, get("/healthz", "X-Padding: " + std::string(4000, 'p') + "\r\n"),
                      true);
    REQUIRE_FALSE(c.error);
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].result_int() == 431);
    CHECK(json_error_of(c.responses[0]) == "request headers too large");
    CHECK(c.closed_by_server);

    auto small =
        exchange(gw.endpoint, get("/healthz", "X-Padding: " + std::string(1000, 'p') + "\r\n"));
    REQUIRE(small.responses.size() == 1);
    CHECK(small.responses[0].result_int() == 200);
}

TEST_CASE("a malformed request line is answered 400 and closed") {
    live_gateway gw{test_limits()};
    auto c = exchange(gw.endpoint, "NOT AN HTTP REQUEST\r\n\r\n", true);
    REQUIRE_FALSE(c.error);
    REQUIRE(c.responses.size() == 1);
    CHECK(c.responses[0].result_int() == 400);
    CHECK_FALSE(json_error_of(c.responses[0]).empty());
    CHECK(c.closed_by_server);
}

TEST_CASE(
    "a client that stalls mid-request is closed after read_timeout; others are served meanwhile") {
    live_gateway gw{test_limits()};  // read_timeout 1 s
    conversation stalled;
    stalled.raw = "GET /heal";  // half a request line, then nothing
    stalled.wait_for_close = true;
    conversation silent;  // connects and never sends a byte
    silent.responses_wanted = 0;
    silent.wait_for_close = true;
    conversation meanwhile;
    meanwhile.raw = get("/healthz", "Connection: close\r\n");
    meanwhile.start_after = 200ms;
    run_side_by_side(gw.endpoint, {&stalled, &silent, &meanwhile});

    REQUIRE_FALSE(meanwhile.error);
    REQUIRE(meanwhile.responses.size() == 1);
    CHECK(meanwhile.responses[0].result_int() == 200);
    CHECK(meanwhile.done_after < 700ms);  // started at 200 ms: done before the others time out

    for (const auto* c : {&stalled, &silent}) {
        CHECK_FALSE(c->error);
        CHECK(c->closed_by_server);
        CHECK(c->done_after >= 900ms);
        CHECK(c->done_after < 3s);
    }
    CHECK(silent.responses.empty());  // nothing started, nothing to answer
}

// http_server.hpp: "Limit breaches are answered (413, 431, 408) where the protocol allows".
TEST_CASE("a request cut off by read_timeout is answered 408 before the close") {
    live_gateway gw{test_limits()};
    auto stalled =
        exchange(gw.endpoint, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow:", true);
    CHECK_FALSE(stalled.error);
    CHECK(stalled.closed_by_server);
    REQUIRE(stalled.responses.size() == 1);
    CHECK(stalled.responses[0].result_int() == 408);
    CHECK(json_error_of(stalled.responses[0]) == "request not received in time");
}

TEST_CASE("every answer carries a request id: the proxy's when well-formed, else a new one") {
    live_gateway gw{test_limits()};
    conversation c;
    c.raw = get("/healthz", "X-Request-Id: 7f3a9c-nginx.1_a\r\n") +
            get("/healthz", "X-Request-Id: a b\r\n") + get("/healthz") +
            get("/healthz", "X-Request-Id: " + std::string(65, 'a') + "\r\nConnection: close\r\n");
    c.responses_wanted = 4;
    run_side_by_side(gw.endpoint, {&c});
    REQUIRE_FALSE(c.error);
    REQUIRE(c.responses.size() == 4);
    CHECK(c.responses[0]["X-Request-Id"] == "7f3a9c-nginx.1_a");
    std::set<std::string> made;
    for (std::size_t i = 1; i < 4; ++i) {
        const std::string id{c.responses[i]["X-Request-Id"]};
        CHECK(id.size() == 16);
        CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
        made.insert(id);
    }
    CHECK(made.size() == 3);
}
