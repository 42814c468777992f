// The focal-point alert rounds of sensitive cases. An alert is settled, not sent, once the case
// has been acknowledged (moved out of "new"), unflagged or removed; sending goes through the
// outbox like every message, at safety priority, to staff numbers from the config.
#include "gateway/focal_alerts.hpp"

#include "gateway/app_log.hpp"
#include "handlers/turn.hpp"
#include "messages/record_digest.hpp"
#include "messages/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

namespace cwc::gateway {

namespace {

using namespace std::chrono_literals;

// Queues the alert to the organisation's focal points (backups only when escalating, with the
// primaries again). Returns how many were alerted.
std::size_t alert_focal_points(messages::store& s, const config::config& cfg,
                               const config::organisation& org,
                               const messages::sensitive_alert& a, bool include_backups,
                               messages::timestamp now) {
    std::size_t sent = 0;
    for (const auto& fp : org.focal_points) {
        if (fp.backup && !include_backups) continue;
        const std::string text = handlers::fill(
            config::localize(cfg.sensitive.alert, fp.language, cfg.default_language),
            {{"reference", a.reference}, {"code", a.category}, {"deadline", alert_time(a.deadline_at)}});
        if (text.empty()) continue;
        const messages::contact staff = s.find_or_create_contact(fp.address, now);
        messages::outbound_message m;
        m.contact_id = staff.id;
        m.channel_id = fp.channel;
        m.to = staff.address;
        m.text = text;
        m.priority = messages::outbound_priority::safety;
        m.solicited = true;  // staff duty, not a campaign: STOP on their phone does not apply
        m.segments = messages::count_sms(text).segments;
        m.created_at = now;
        m.next_attempt_at = now;
        s.enqueue(m);
        ++sent;
    }
    return sent;
}

}  // namespace

std::string alert_time(messages::timestamp t) {
    const auto days = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd{days};
    const std::chrono::hh_mm_ss hms{std::chrono::floor<std::chrono::minutes>(t - days)};
    char out[64];  // room for any year the type can hold (-Wformat-truncation)
    std::snprintf(out, sizeof out, "%04d-%02u-%02u %02ld:%02ld UTC", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
    return out;
}

std::string open_focal_alert(messages::store& s, const config::config& cfg,
                             const messages::case_record& c, messages::timestamp now) {
    const config::category* category = cfg.find_category(c.category);
    const int hours = category != nullptr && category->sensitive ? category->deadline_hours : 24;
    const auto stored = s.open_sensitive_alert({c.id, c.reference, c.organisation, c.category,
                                                now + std::chrono::hours{hours}, now, 0, false,
                                                false});
    const auto key = s.record_digest_key();
    return key.empty() ? std::string{} : messages::alert_digest(key, stored);
}

alert_pass send_due_focal_alerts(messages::store& s, const config::config& cfg,
                                 messages::timestamp now) {
    alert_pass pass;
    const auto reminder = std::chrono::hours{cfg.sensitive.reminder_hours};
    for (auto& a : s.due_sensitive_alerts(now, 100)) {
        const auto c = s.load_case(a.reference);
        if (!c || !c->sensitive || c->acknowledged_at != messages::timestamp{} ||
            c->status != "new") {
            a.settled = true;
            s.save_sensitive_alert(a);
            ++pass.settled;
            continue;
        }
        a.organisation = c->organisation;  // reassigned cases alert their new organisation
        const bool escalate = !a.escalated && now >= a.deadline_at;
        const config::organisation* org = cfg.find_organisation(a.organisation);
        const std::size_t sent =
            org == nullptr ? 0 : alert_focal_points(s, cfg, *org, a, escalate || a.escalated, now);
        if (sent == 0) ++pass.unreachable;
        ++a.alerts_sent;
        if (escalate) {
            a.escalated = true;
            ++pass.escalations;
        } else {
            ++pass.alerts;
        }
        // The next round: a reminder, or the deadline if that comes first.
        a.next_alert_at = now + reminder;
        if (!a.escalated && a.deadline_at > now && a.deadline_at < a.next_alert_at) {
            a.next_alert_at = a.deadline_at;
        }
        s.save_sensitive_alert(a);
        nlohmann::json detail{{"round", a.alerts_sent}, {"escalated", escalate}, {"recipients", sent}};
        if (const auto key = s.record_digest_key(); !key.empty())
            detail["alert_digest"] = messages::alert_digest(key, a);
        s.append_audit({now, "system", escalate ? "case.alert_escalated" : "case.alert_sent",
                        "case:" + a.reference, detail.dump()});
    }
    return pass;
}

boost::asio::awaitable<void> run_focal_alerts(store_writer& writer, const config::config& cfg) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        alert_pass pass;
        auto failure = co_await writer.run([&](messages::store& s) {
            pass = send_due_focal_alerts(s, cfg, messages::system_now());
        });
        if (failure || pass.unreachable > 0 || pass.escalations > 0) {
            log_event(failure ? log_level::error : log_level::warn, "sensitive.alerts",
                      {{"alerts", pass.alerts},
                       {"escalations", pass.escalations},
                       {"unreachable", pass.unreachable},
                       {"failed", static_cast<bool>(failure)}});
        }
        timer.expires_after(std::chrono::seconds(60));
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace cwc::gateway
