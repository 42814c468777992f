// The alert rounds: observe (read-only connection, off the io threads), decide and record (one
// writer unit), then tell the webhook admins. Times come from the system clock here only; the
// decisions (alert_conditions.hpp) take them as arguments.
#include "gateway/alert_runner.hpp"

#include "gateway/app_log.hpp"
#include "gateway/http_client.hpp"
#include "gateway/metrics_counters.hpp"
#include "gateway/ops_disk.hpp"
#include "gateway/rfc3339.hpp"
#include "messages/ops_reader.hpp"
#include "messages/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/url/parse.hpp>

#include <nlohmann/json.hpp>

namespace cwc::gateway {

namespace net = boost::asio;

namespace {

std::string subject_of(const alert_condition& c) {
    return "ops:" + c.kind + (c.channel_id.empty() ? "" : ":" + c.channel_id);
}

std::string action_of(notice_kind k) { return "ops.alert_" + std::string(notice_name(k)); }

// On the reading thread: the picture, or nothing when the store cannot be read (logged).
net::awaitable<std::optional<messages::ops_picture>> read_picture(std::string database_path,
                                                                  messages::timestamp now,
                                                                  messages::timestamp since) {
    try {
        messages::ops_reader reader(database_path);
        co_return reader.read(now, since);
    } catch (const std::exception& e) {
        log_event(log_level::error, "ops.read_failed", {{"what", e.what()}});
    }
    co_return std::nullopt;
}

net::awaitable<void> post_to_webhooks(const config::config& cfg,
                                      const std::vector<alert_notice>& notices,
                                      messages::timestamp now) {
    auto tls = make_client_tls_context();
    auto ex = co_await net::this_coro::executor;
    for (const auto& admin : cfg.operations.admins) {
        if (admin.webhook.empty()) continue;
        const auto origin = parse_origin(admin.webhook);
        const auto url = boost::urls::parse_absolute_uri(admin.webhook);
        if (!origin || !url) continue;  // the config check refuses such a URL
        std::string target(url->encoded_target());
        if (target.empty()) target = "/";
        http_connection connection(ex, *origin, tls);
        for (const auto& n : notices) {
            http_request_spec spec{"POST", target, {{"Content-Type", "application/json"}},
                                   notice_json(cfg, n, now)};
            const auto r = co_await connection.send(spec, std::chrono::seconds(10));
            const bool ok = !r.error && r.status >= 200 && r.status < 300;
            log_event(ok ? log_level::info : log_level::error, "ops.alert_webhook",
                      {{"alert", n.condition.kind}, {"channel", n.condition.channel_id},
                       {"state", std::string(notice_name(n.what))}, {"http_status", r.status},
                       {"delivered", ok}});
        }
    }
}

}  // namespace

std::vector<alert_notice> record_alerts(messages::store& s, const config::config& cfg,
                                        const std::vector<alert_condition>& holding,
                                        messages::timestamp now) {
    const auto plan = plan_alerts(holding, s.ops_alerts(), now,
                                  std::chrono::hours{cfg.operations.alerts.repeat_hours});
    for (const auto& row : plan.to_save) s.save_ops_alert(row);
    for (const auto& n : plan.notices) {
        const std::string text = notice_text(cfg.deployment_name, n);
        std::size_t recipients = 0;
        for (const auto& admin : cfg.operations.admins) {
            if (admin.channel.empty()) {
                ++recipients;  // a webhook, posted after the commit
                continue;
            }
            const messages::contact staff = s.find_or_create_contact(admin.address, now);
            messages::outbound_message m;
            m.contact_id = staff.id;
            m.channel_id = admin.channel;
            m.to = staff.address;
            m.text = text;
            m.priority = messages::outbound_priority::safety;
            m.solicited = true;  // staff duty, not a campaign
            m.segments = messages::count_sms(text).segments;
            m.created_at = now;
            m.next_attempt_at = now;
            s.enqueue(m);
            ++recipients;
        }
        nlohmann::json detail{{"figure", n.condition.figure}, {"recipients", recipients}};
        s.append_audit({now, "system", action_of(n.what), subject_of(n.condition), detail.dump()});
    }
    return plan.notices;
}

std::string notice_json(const config::config& cfg, const alert_notice& n, messages::timestamp now) {
    nlohmann::json body{{"deployment", cfg.deployment_name},
                        {"alert", n.condition.kind},
                        {"channel", n.condition.channel_id},
                        {"state", std::string(notice_name(n.what))},
                        {"figure", n.condition.figure},
                        {"at", rfc3339(now)},
                        {"text", notice_text(cfg.deployment_name, n)}};
    return body.dump();
}

net::awaitable<void> run_ops_alerts(store_writer& writer, const config::config& cfg,
                                    std::string database_path) {
    if (cfg.operations.admins.empty()) co_return;
    net::thread_pool reading(1);
    net::steady_timer timer(co_await net::this_coro::executor);
    const auto& settings = cfg.operations.alerts;
    for (;;) {
        const auto now = messages::system_now();
        const auto picture = co_await net::co_spawn(
            reading, read_picture(database_path, now, now - std::chrono::hours{settings.quarantine_hours}),
            net::use_awaitable);
        if (picture) {
            const auto holding = conditions_holding(*picture, process_metrics().paused_channels(now),
                                                    free_bytes_near(database_path), settings);
            std::vector<alert_notice> notices;
            const auto failure = co_await writer.run([&](messages::store& s) {
                notices = record_alerts(s, cfg, holding, now);
            });
            if (failure) {
                log_event(log_level::error, "ops.alerts_not_recorded", {});
            } else {
                for (const auto& n : notices)
                    log_event(n.what == notice_kind::cleared ? log_level::info : log_level::warn,
                              "ops.alert", {{"alert", n.condition.kind}, {"channel", n.condition.channel_id},
                                            {"state", std::string(notice_name(n.what))},
                                            {"figure", n.condition.figure}});
                if (!notices.empty()) co_await post_to_webhooks(cfg, notices, now);
            }
        }
        timer.expires_after(std::chrono::seconds(settings.check_seconds));
        auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
        if (ec) break;
    }
    reading.join();
}

}  // namespace cwc::gateway
