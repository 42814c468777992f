// Routes of the public listener. Every rejection is a JSON reason; nothing before the
// signature check touches the store. Logs carry pseudonyms and ids, never numbers or texts.
#include "gateway/webhook_service.hpp"

#include "gateway/app_log.hpp"
#include "gateway/inbound_pipeline.hpp"
#include "gateway/twilio_signature.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <charconv>
#include <chrono>
#include <random>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

http_response twiml_ok(const http_request& req) {
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "text/xml");
    res.body() = std::string(empty_twiml);
    res.keep_alive(req.keep_alive());
    return res;
}

http_response error_for(const http_request& req, unsigned status, std::string_view reason) {
    return json_error(status, reason, req.version(), req.keep_alive());
}

// Runs on the writer thread only: one generator, seeded once.
std::uint64_t writer_entropy() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return rng();
}

struct route {
    enum class kind { unknown, healthz, inbound, status } what = kind::unknown;
    std::string channel;
};

std::optional<route> parse_route(std::string_view target) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    std::vector<std::string> segs;
    for (auto s : parsed->segments()) segs.push_back(s);
    route r;
    if (segs.size() == 1 && segs[0] == "healthz") r.what = route::kind::healthz;
    if (segs.size() == 2 && segs[0] == "webhooks") r = {route::kind::inbound, segs[1]};
    if (segs.size() == 3 && segs[0] == "webhooks" && segs[2] == "status")
        r = {route::kind::status, segs[1]};
    return r;
}

std::int64_t outbound_id_from_query(std::string_view target) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return 0;
    auto params = parsed->params();
    auto it = params.find("m");
    if (it == params.end()) return 0;
    std::string v = (*it).value;
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    return ec == std::errc{} && p == v.data() + v.size() ? id : 0;
}

bool is_form(const http_request& req) {
    auto ct = req[http::field::content_type];
    return ct.substr(0, 33) == "application/x-www-form-urlencoded";
}

double millis_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

webhook_service::webhook_service(const config::config& cfg, std::vector<channel_runtime> channels,
                                 std::string public_url, store_writer& writer)
    : cfg_(cfg), channels_(std::move(channels)), public_url_(std::move(public_url)),
      writer_(writer) {}

const channel_runtime* webhook_service::find_runtime(std::string_view id) const {
    for (const auto& c : channels_)
        if (c.channel->id == id) return &c;
    return nullptr;
}

std::size_t webhook_service::body_limit(std::string_view target) const {
    if (auto r = parse_route(target); r && !r->channel.empty())
        if (auto* ch = find_runtime(r->channel)) return ch->channel->max_body_bytes;
    return 8 * 1024;
}

net::awaitable<http_response> webhook_service::handle(http_request req) {
    auto r = parse_route(req.target());
    if (!r) co_return error_for(req, 400, "malformed request target");
    if (r->what == route::kind::unknown) co_return error_for(req, 404, "no such endpoint");
    if (r->what == route::kind::healthz) {
        if (req.method() != http::verb::get && req.method() != http::verb::head) {
            auto res = error_for(req, 405, "use GET");
            res.set(http::field::allow, "GET, HEAD");
            co_return res;
        }
        co_return co_await healthz(req);
    }
    const auto* ch = find_runtime(r->channel);
    if (!ch) co_return error_for(req, 404, "no such channel");
    if (req.method() != http::verb::post) {
        auto res = error_for(req, 405, "use POST");
        res.set(http::field::allow, "POST");
        co_return res;
    }
    if (!ch->credentials)
        co_return error_for(req, 503, "channel is not configured: its secrets are not set");
    if (!is_form(req))
        co_return error_for(req, 415, "expected application/x-www-form-urlencoded");
    if (r->what == route::kind::inbound) co_return co_await inbound(req, *ch);
    co_return co_await status(req, *ch);
}

net::awaitable<http_response> webhook_service::healthz(const http_request& req) {
    auto failure = co_await writer_.run([](messages::store& s) { s.probe_writable(); });
    if (failure) co_return error_for(req, 503, "store does not accept writes");
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    res.body() = R"({"status":"ok"})";
    res.keep_alive(req.keep_alive());
    co_return res;
}

net::awaitable<http_response> webhook_service::inbound(const http_request& req,
                                                       const channel_runtime& ch) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto& channel_id = ch.channel->id;
    auto fields = parse_form(req.body());
    if (!fields) co_return error_for(req, 400, "malformed form body (bad %-escape or invalid UTF-8)");
    auto signature = req["X-Twilio-Signature"];
    if (signature.empty()) {
        log_event(log_level::warn, "webhook.rejected", {{"channel", channel_id}, {"reason", "missing signature"}});
        co_return error_for(req, 403, "missing X-Twilio-Signature");
    }
    const auto url = public_url_ + std::string(req.target());
    if (!verify_twilio_signature(ch.credentials->auth_token, url, *fields, signature)) {
        log_event(log_level::warn, "webhook.rejected", {{"channel", channel_id}, {"reason", "bad signature"}});
        co_return error_for(req, 403, "invalid X-Twilio-Signature");
    }
    const auto now = messages::system_now();
    auto message = parse_twilio_inbound(*fields, channel_id, now);
    std::exception_ptr failure;
    if (!message) {
        // Authenticated but unusable: keep it raw for an operator; 2xx so Twilio does not retry.
        failure = co_await writer_.run(
            [&](messages::store& s) { s.quarantine(channel_id, "missing MessageSid or From", req.body(), now); });
        if (failure) co_return error_for(req, 500, "could not store the request; retry later");
        log_event(log_level::error, "webhook.quarantined", {{"channel", channel_id}, {"reason", "missing MessageSid or From"}});
        co_return twiml_ok(req);
    }
    inbound_result result;
    failure = co_await writer_.run(
        [&](messages::store& s) {
            result = process_inbound(s, cfg_, *ch.channel, *message, writer_entropy);
        });
    if (failure) {
        std::string what = "unknown";
        try { std::rethrow_exception(failure); } catch (const std::exception& e) { what = e.what(); } catch (...) {}
        log_event(log_level::error, "webhook.store_failed", {{"channel", channel_id}, {"what", what}});
        co_return error_for(req, 500, "could not store the message; retry later");
    }
    log_event(log_level::info, "webhook.inbound",
              {{"channel", channel_id}, {"contact", result.contact_pseudonym},
               {"inbound", result.inbound_id}, {"duplicate", result.duplicate},
               {"failed", result.handler_failed}, {"replies", result.replies.size()},
               {"ms", millis_since(t0)}});
    co_return twiml_ok(req);
}

net::awaitable<http_response> webhook_service::status(const http_request& req,
                                                      const channel_runtime& ch) {
    const auto& channel_id = ch.channel->id;
    auto fields = parse_form(req.body());
    if (!fields) co_return error_for(req, 400, "malformed form body (bad %-escape or invalid UTF-8)");
    auto signature = req["X-Twilio-Signature"];
    const auto url = public_url_ + std::string(req.target());
    if (signature.empty() || !verify_twilio_signature(ch.credentials->auth_token, url, *fields, signature)) {
        log_event(log_level::warn, "webhook.rejected", {{"channel", channel_id}, {"reason", "bad status signature"}});
        co_return error_for(req, 403, "invalid or missing X-Twilio-Signature");
    }
    auto update = parse_twilio_status(*fields);
    const auto now = messages::system_now();
    if (!update) {
        auto failure = co_await writer_.run(
            [&](messages::store& s) { s.quarantine(channel_id, "unknown status callback", req.body(), now); });
        if (failure) co_return error_for(req, 500, "could not store the request; retry later");
        log_event(log_level::warn, "status.quarantined", {{"channel", channel_id}});
        co_return twiml_ok(req);
    }
    const auto outbound_id = outbound_id_from_query(req.target());
    bool applied = false;
    auto failure = co_await writer_.run(
        [&](messages::store& s) {
            applied = outbound_id
                ? s.apply_delivery_status_for(outbound_id, update->provider_message_id, update->status, update->error_code, now)
                : s.apply_delivery_status(channel_id, update->provider_message_id, update->status, update->error_code, now);
        });
    if (failure) co_return error_for(req, 500, "could not store the status; retry later");
    log_event(log_level::info, "webhook.status",
              {{"channel", channel_id}, {"outbound", outbound_id},
               {"status", messages::to_string(update->status)}, {"error_code", update->error_code},
               {"applied", applied}});
    co_return twiml_ok(req);
}

}  // namespace cwc::gateway
