// Routes of the public listener. Every rejection is a JSON reason; nothing before the
// signature check touches the store. Logs carry pseudonyms and ids, never numbers or texts.
#include "gateway/webhook_service.hpp"

#include "gateway/app_log.hpp"
#include "gateway/inbound_pipeline.hpp"
#include "gateway/request_id.hpp"
#include "gateway/whatsapp_window.hpp"

#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <random>

namespace cwc::gateway {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

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

// Meta 131047 / Twilio 63016 in a failed delivery report: outside WhatsApp's window.
bool is_window_refusal(const status_update& u) {
    return u.status == messages::outbound_status::failed &&
           (u.error_code == "131047" || u.error_code == "63016");
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
    if (!ch->adapter)
        co_return error_for(req, 503, "channel is not configured: its secrets are not set");
    const auto route = r->what == route::kind::status ? webhook_route::status : webhook_route::inbound;
    co_return co_await webhook(req, *ch, route);
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

net::awaitable<http_response> webhook_service::webhook(const http_request& req,
                                                       const channel_runtime& ch,
                                                       webhook_route route) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto& channel_id = ch.channel->id;
    const auto request_id = request_id_of(req);
    const auto now = messages::system_now();
    auto reading = ch.adapter->read_webhook(req, public_url_ + std::string(req.target()), route, now);
    using verdict = webhook_reading::verdict;
    if (reading.what == verdict::answered && reading.answer) co_return std::move(*reading.answer);
    if (reading.what == verdict::rejected) {
        log_event(log_level::warn, "webhook.rejected",
                  {{"request", request_id}, {"channel", channel_id}, {"status", reading.status},
                   {"reason", reading.reason}});
        auto res = error_for(req, reading.status, reading.reason);
        if (reading.status == 405) res.set(http::field::allow, "POST");
        co_return res;
    }
    if (reading.what == verdict::quarantine) {
        // Authenticated but unusable: keep it raw for an operator; 2xx so the provider does not
        // retry it for days.
        // A GET webhook (Kannel get-url, Vonage) carries its data in the query: keep that.
        const std::string raw = req.body().empty() ? std::string(req.target()) : req.body();
        auto failure = co_await writer_.run(
            [&](messages::store& s) { s.quarantine(channel_id, reading.reason, raw, now); });
        if (failure) co_return error_for(req, 500, "could not store the request; retry later");
        log_event(log_level::error, "webhook.quarantined",
                  {{"request", request_id}, {"channel", channel_id}, {"reason", reading.reason}});
        co_return ch.adapter->acknowledge(req);
    }
    std::vector<inbound_result> results(reading.messages.size());
    std::vector<bool> applied(reading.statuses.size());
    const auto window = window_rules_for(ch);
    std::vector<window_event> window_events;
    std::size_t opted_out = 0;
    // Replayable: everything it sets outside the store is set afresh on each run.
    auto failure = co_await writer_.run([&](messages::store& s) {
        opted_out = 0;
        window_events.clear();
        for (const auto& address : reading.opted_out)
            if (record_provider_opt_out(s, cfg_, *ch.channel, address, now)) ++opted_out;
        for (std::size_t i = 0; i < reading.messages.size(); ++i)
            results[i] = process_inbound(s, cfg_, *ch.channel, reading.messages[i], writer_entropy);
        for (std::size_t i = 0; i < reading.statuses.size(); ++i) {
            const auto& u = reading.statuses[i];
            applied[i] = u.outbound_id
                ? s.apply_delivery_status_for(u.outbound_id, u.provider_message_id, u.status, u.error_code, now)
                : s.apply_delivery_status(channel_id, u.provider_message_id, u.status, u.error_code, now);
            // WhatsApp refused it later, as outside the window: hold, re-route or re-engage it,
            // as if the send itself had been refused.
            if (window && applied[i] && is_window_refusal(u))
                if (auto m = s.reopen_refused_for_window(channel_id, u.outbound_id, u.provider_message_id))
                    window_events.push_back(refused_for_window(s, *window, *m, now));
        }
    }, store_writer::replay::allowed);
    if (failure) {
        std::string what = "unknown";
        try { std::rethrow_exception(failure); } catch (const std::exception& e) { what = e.what(); } catch (...) {}
        log_event(log_level::error, "webhook.store_failed",
                  {{"request", request_id}, {"channel", channel_id}, {"what", what}});
        co_return error_for(req, 500, "could not store the message; retry later");
    }
    for (const auto& result : results)
        log_event(log_level::info, "webhook.inbound",
                  {{"request", request_id}, {"channel", channel_id}, {"contact", result.contact_pseudonym},
                   {"inbound", result.inbound_id}, {"duplicate", result.duplicate},
                   {"failed", result.handler_failed}, {"replies", result.replies.size()},
                   {"ms", millis_since(t0)}});
    for (std::size_t i = 0; i < reading.statuses.size(); ++i) {
        const auto& u = reading.statuses[i];
        log_event(log_level::info, "webhook.status",
                  {{"request", request_id}, {"channel", channel_id}, {"outbound", u.outbound_id},
                   {"status", messages::to_string(u.status)}, {"error_code", u.error_code},
                   {"applied", static_cast<bool>(applied[i])}});
    }
    if (!reading.opted_out.empty())
        log_event(log_level::info, "webhook.opt_outs",
                  {{"request", request_id}, {"channel", channel_id},
                   {"reported", reading.opted_out.size()}, {"new", opted_out}});
    log_window_events(window_events);
    for (const auto& skipped : reading.skipped)
        log_event(log_level::info, "webhook.skipped",
                  {{"request", request_id}, {"channel", channel_id}, {"what", skipped}});
    co_return ch.adapter->acknowledge(req);
}

}  // namespace cwc::gateway
