// The dispatcher's sending workers (see dispatcher.hpp): per lane, each keeps a connection alive,
// takes the most urgent claimed row when the channel's pacing allows, sends it, and records the
// outcome through the store writer; refused credentials pause the lane.
#include "gateway/dispatcher_state.hpp"

#include "gateway/app_log.hpp"
#include "gateway/metrics_counters.hpp"
#include "gateway/provider.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/whatsapp_window.hpp"

#include <boost/asio/co_spawn.hpp>

#include <climits>

namespace cwc::gateway {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;
using messages::outbound_priority;
using outcome = messages::send_result::outcome;

namespace {

const char* outcome_name(outcome k, bool dead_letter) {
    if (dead_letter) return "dead_letter";
    static constexpr const char* names[] = {"sent", "retry", "failed", "recipient_opted_out",
                                            "credentials_rejected"};
    return names[static_cast<int>(k)];
}

double ms_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

void dispatcher::state::spawn_workers(outbound_lane& l) {
    if (!l.usable()) {
        log_event(log_level::warn, "channel.not_configured",
                  {{"channel", l.id()}, {"missing", l.rt.missing},
                   {"effect", "its webhooks answer 503 and its replies stay queued until these "
                              "environment variables are set"}});
        return;
    }
    for (std::size_t i = 0; i < l.sizes.workers; ++i) net::co_spawn(strand, worker(l), log_failure);
}

std::string dispatcher::state::status_callback_url(const outbound_lane& l, std::int64_t outbound_id) const {
    return public_url + "/webhooks/" + l.id() + "/status?m=" + std::to_string(outbound_id);
}

// Sleeps until `until`, new work or stop (a reply may arrive while waiting for a slot).
net::awaitable<void> dispatcher::state::nap(outbound_lane& l, net::steady_timer& timer, steady::time_point until) {
    timer.expires_at(until);
    l.sleepers.push_back(&timer);
    co_await timer.async_wait(use_tuple);
    std::erase(l.sleepers, &timer);
}

net::awaitable<void> dispatcher::state::worker(outbound_lane& l) {
    auto self = shared_from_this();
    http_connection connection(strand, *l.origin, tls);
    net::steady_timer timer(strand);
    const auto generation = l.generation;
    while (!stopping && generation == l.generation) {
        if (l.backlog.empty()) {
            notify_loop();
            co_await nap(l, timer, steady::time_point::max());
            continue;
        }
        if (l.paused(messages::system_now())) {
            co_await hold_backlog(l);
            continue;
        }
        const bool broadcast = l.backlog.front().priority == outbound_priority::broadcast;
        const auto now = steady::now();
        if (const auto ready = l.pacer.ready_at(broadcast); ready > now) {
            // One worker waits for the slot; the others for work (no herd at every slot).
            if (l.slot_waiter) {
                co_await nap(l, timer, steady::time_point::max());
            } else {
                l.slot_waiter = true;
                co_await nap(l, timer, ready);
                l.slot_waiter = false;
            }
            continue;
        }
        l.pacer.take(now, broadcast);
        auto message = std::move(l.backlog.front());
        l.backlog.pop_front();
        if (!l.backlog.empty()) l.wake_one();  // the next slot's waiter
        // Ask for more before the workers run dry, so a claim overlaps with the sends.
        if (l.backlog.size() == l.sizes.refill_at) notify_loop();
        ++in_flight;
        co_await send_one(l, connection, message);
        --in_flight;
    }
}

// The channel is paused: claimed rows go back to the queue until the pause ends, without
// using up an attempt.
net::awaitable<void> dispatcher::state::hold_backlog(outbound_lane& l) {
    std::vector<std::int64_t> ids;
    for (const auto& m : l.backlog) ids.push_back(m.id);
    l.backlog.clear();
    const auto until = l.paused_until;
    // By reference only: g++ 12 destroys a lambda's copied captures twice inside co_await.
    co_await writer.run([&](messages::store& s) {
        for (const auto id : ids) s.return_unsent(id, until, held_reason, messages::system_now());
    });
}

void dispatcher::state::pause(outbound_lane& l, const messages::send_result& r, messages::timestamp now,
           steady::time_point started) {
    const auto until = settings.credentials_pause.count() > 0 ? now + settings.credentials_pause : r.retry_at;
    if (l.paused(now) && started < l.pause_began) return;  // refused before the pause began
    const bool first = !l.paused(now);
    l.paused_until = std::max(l.paused_until, until);
    process_metrics().set_paused(l.id(), l.paused_until);  // GET /metrics, alerts
    l.pause_began = steady::now();
    l.pause_unresolved = true;
    if (first)
        log_event(log_level::error, "channel.paused",
                  {{"channel", l.id()}, {"error_code", r.error_code},
                   {"alert", "the provider refused the channel's credentials; renew them"},
                   {"retry_in_s", std::chrono::duration_cast<std::chrono::seconds>(l.paused_until - now).count()}});
}

net::awaitable<void> dispatcher::state::send_one(outbound_lane& l, http_connection& connection,
                              const messages::outbound_message& m) {
    const auto started = steady::now();
    // Its own reference: a reload may give the lane another adapter during the send.
    const auto adapter_in_use = l.rt.adapter;
    const auto& adapter = *adapter_in_use;
    auto spec = adapter.build_send(m, send_context{status_callback_url(l, m.id)});
    auto response = co_await connection.send(spec, settings.request_timeout);
    const auto answered = steady::now();
    const auto now = messages::system_now();
    auto r = adapter.interpret_send(response, now, m.attempts, settings.max_attempts);
    // Kannel gives no message id: ours stands in, so a delivery report that came first (by
    // our id) and the send result agree on it.
    if (r.kind == outcome::sent && r.provider_message_id.empty())
        r.provider_message_id = std::to_string(m.id);
    // A failure that more attempts would have retried is a dead letter, not a permanent error.
    const bool dead_letter =
        r.kind == outcome::failed && adapter.interpret_send(response, now, m.attempts, INT_MAX).kind == outcome::retry;
    // The provider asks the whole account to slow down: nothing goes on this channel before then.
    if ((response.status == 429 || response.status == 503) && !response.retry_after.empty()) {
        if (const auto wait = parse_retry_after(response.retry_after)) l.pacer.hold_until(answered + *wait);
    }
    bool resumed = false;
    if (r.kind == outcome::credentials_rejected) {
        pause(l, r, now, started);
        l.wake_workers();  // they hold the claimed rows
    } else if (r.kind == outcome::sent && l.pause_unresolved && started >= l.pause_began) {
        l.paused_until = {};
        l.pause_unresolved = false;
        process_metrics().set_paused(l.id(), {});
        resumed = true;
        log_event(log_level::info, "channel.resumed", {{"channel", l.id()}, {"reason", "a send succeeded"}});
    }
    const auto held_until = l.paused_until;
    const bool finished = r.kind != outcome::retry && r.kind != outcome::credentials_rejected;
    bool unblocked = false;
    const auto window = window_rules_for(l.rt);
    std::vector<window_event> window_events;
    auto failure = co_await writer.run([&](messages::store& s) {
        window_events.clear();
        if (r.window_closed && window) window_events.push_back(refused_for_window(s, *window, m, now));
        else if (r.kind == outcome::credentials_rejected) s.return_unsent(m.id, held_until, held_reason, now);
        else if (dead_letter) s.record_dead_letter(m.id, r.error_code, now);
        else s.record_send_result(m.id, r, now);
        if (resumed) s.release_held(l.id(), held_reason, now);
        unblocked = finished && s.waiting_behind(m.contact_id, m.id);
    });
    // A later message to the same person may have waited for this one, or for the pause.
    if (resumed || unblocked) notify_loop();
    // Closed window (131047 / 63016): re-routed or a template queued, due now.
    if (!failure && !window_events.empty()) {
        log_window_events(window_events);
        notify_loop();
    }
    nlohmann::json fields{{"outbound", m.id}, {"channel", l.id()}, {"attempt", m.attempts},
                          {"outcome", outcome_name(r.kind, dead_letter)}, {"error_code", r.error_code},
                          {"http_status", response.status}, {"recorded", !failure},
                          {"provider_ms", ms_between(started, answered)},
                          {"ms", ms_between(started, steady::now())}};
    if (response.error) fields["network_error"] = response.error.message();
    log_event(r.kind == outcome::sent ? log_level::info : log_level::warn, "outbound.attempt",
              std::move(fields));
}

}  // namespace cwc::gateway
