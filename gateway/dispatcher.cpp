// The outbox dispatcher: the claim loop, per-channel lanes of workers with rate pacing, pauses
// and holds, and the outcome records (see dispatcher.hpp; crash recovery: outbox_recovery.cpp).
#include "gateway/dispatcher.hpp"

#include "gateway/app_log.hpp"
#include "gateway/broadcast_screen.hpp"
#include "gateway/metrics_counters.hpp"
#include "gateway/lane_reload.hpp"
#include "gateway/outbound_lane.hpp"
#include "gateway/outbox_recovery.hpp"
#include "gateway/provider.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/whatsapp_window.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <climits>

namespace cwc::gateway {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;
using messages::outbound_priority;
using outcome = messages::send_result::outcome;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr auto longest_sleep = std::chrono::seconds(5);
constexpr std::string_view held_reason = held_for_pause;

using strand_type = net::strand<net::io_context::executor_type>;

const char* outcome_name(outcome k, bool dead_letter) {
    if (dead_letter) return "dead_letter";
    static constexpr const char* names[] = {"sent", "retry", "failed", "recipient_opted_out",
                                            "credentials_rejected"};
    return names[static_cast<int>(k)];
}

double ms_between(steady::time_point a, steady::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

void log_worker_failure(std::exception_ptr e) {
    if (!e) return;
    try { std::rethrow_exception(e); } catch (const std::exception& x) {
        log_event(log_level::error, "dispatcher.failed", {{"what", x.what()}});
    }
}

}  // namespace

struct dispatcher::state : std::enable_shared_from_this<dispatcher::state> {
    strand_type strand;
    store_writer& writer;
    std::string public_url;
    dispatcher_settings settings;
    std::vector<std::unique_ptr<outbound_lane>> lanes;
    net::steady_timer wakeup;
    bool wake_pending = false;
    bool stopping = false;
    std::optional<messages::timestamp> reconcile_at;  // the earliest unknown row's
    std::atomic<std::size_t> in_flight{0};
    std::shared_ptr<net::ssl::context> tls = make_client_tls_context();
    std::shared_ptr<const config::config> reloaded_config;  // after a reload: screens broadcasts

    state(net::io_context& io, store_writer& w, std::string url, dispatcher_settings s)
        : strand(net::make_strand(io)), writer(w), public_url(std::move(url)), settings(s),
          wakeup(strand) {}

    void notify_loop() {
        wake_pending = true;
        wakeup.cancel();
    }

    // --- the claim loop

    struct claim_plan {
        outbound_lane* lane;
        std::size_t limit;
        outbound_priority least_urgent;
        std::vector<messages::outbound_message> rows;
        std::optional<messages::timestamp> next_due;
    };

    // Per lane: fill the look-ahead window, or, when it is full, only the urgent reserve (a
    // reply overtakes the broadcasts already claimed). Paused lanes claim nothing.
    std::vector<claim_plan> plan_claims(messages::timestamp now) {
        std::vector<claim_plan> plans;
        for (auto& l : lanes) {
            if (!l->usable() || l->paused(now)) continue;
            if (l->backlog.size() < l->sizes.window) {
                plans.push_back({l.get(), l->sizes.window - l->backlog.size(), outbound_priority::broadcast, {}, {}});
            } else if (const auto urgent = l->urgent_in_backlog(); urgent < l->sizes.reserve) {
                plans.push_back({l.get(), l->sizes.reserve - urgent, outbound_priority::answer, {}, {}});
            }
        }
        return plans;
    }

    // How long the loop may sleep: until a lane that ran dry has rows due, a pause ends or an
    // unknown send's reconcile time; full lanes ask for more themselves.
    std::chrono::milliseconds sleep_for(messages::timestamp now) const {
        std::optional<messages::timestamp> until = reconcile_at;
        auto consider = [&](messages::timestamp t) { if (!until || t < *until) until = t; };
        for (const auto& l : lanes) {
            if (!l->usable()) continue;
            if (l->paused(now)) consider(l->paused_until);
            else if (l->next_due && l->backlog.size() < l->sizes.window) consider(*l->next_due);
        }
        if (!until) return longest_sleep;
        return std::clamp(std::chrono::duration_cast<std::chrono::milliseconds>(*until - now),
                          std::chrono::milliseconds(0), std::chrono::milliseconds(longest_sleep));
    }

    net::awaitable<void> claim_loop() {
        auto self = shared_from_this();
        reconcile_at = co_await reconcile_interrupted(writer, settings.reconcile_after);
        while (!stopping) {
            auto now = messages::system_now();
            if (reconcile_at && *reconcile_at <= now) reconcile_at = co_await resend_unresolved(writer);
            auto plans = plan_claims(now);
            if (!plans.empty()) {
                ++in_flight;  // a graceful stop waits for the claim, to give its rows back
                std::vector<window_event> window_events;
                broadcast_screen_counts screened;
                // This claim's configuration, whole, even if a reload comes meanwhile.
                const auto claim_config = reloaded_config;
                const config::config* screen_with =
                    claim_config ? claim_config.get() : settings.broadcasts_config;
                auto failure = co_await writer.run([&](messages::store& s) {
                    window_events.clear();
                    std::optional<broadcast_screen> broadcasts;
                    if (screen_with) broadcasts.emplace(*screen_with);
                    for (auto& p : plans) {
                        p.rows = s.claim_due(p.lane->id(), now, p.limit, p.least_urgent);
                        // Broadcast rows: consent, pause/cancel, quiet hours, template if the window closed.
                        if (broadcasts) p.rows = broadcasts->screen(s, std::move(p.rows), now);
                        // WhatsApp: rows whose window is closed are re-routed, held or failed.
                        if (const auto w = window_rules_for(p.lane->rt))
                            p.rows = screen_claimed(s, *w, std::move(p.rows), now, window_events);
                        // A lane that got less than it asked for has nothing more due: when will it?
                        // (A lane that got all it asked for asks for more itself.)
                        if (p.least_urgent == outbound_priority::broadcast && p.rows.size() < p.limit)
                            p.next_due = s.next_due(p.lane->id());
                    }
                    if (broadcasts) screened = broadcasts->counts();
                });
                if (!failure) log_broadcast_screen(screened);
                // A re-routed row or a queued template is due on some lane now: look again.
                if (!failure && !window_events.empty()) {
                    log_window_events(window_events);
                    wake_pending = true;
                }
                for (auto& p : plans) {
                    if (failure) {
                        p.lane->next_due = messages::system_now() + std::chrono::seconds(1);
                        continue;
                    }
                    if (p.least_urgent == outbound_priority::broadcast) p.lane->next_due = p.next_due;
                    for (auto& row : p.rows) p.lane->add(std::move(row));
                    if (!p.rows.empty()) p.lane->wake_workers();
                }
                if (stopping) release_backlogs();  // claimed while stopping
                --in_flight;
            }
            if (stopping) break;
            if (wake_pending) {
                wake_pending = false;
                continue;
            }
            wakeup.expires_after(sleep_for(messages::system_now()));
            co_await wakeup.async_wait(use_tuple);
            wake_pending = false;
        }
    }

    // --- workers

    std::string status_callback_url(const outbound_lane& l, std::int64_t outbound_id) const {
        return public_url + "/webhooks/" + l.id() + "/status?m=" + std::to_string(outbound_id);
    }

    // Sleeps until `until`, new work or stop (a reply may arrive while waiting for a slot).
    net::awaitable<void> nap(outbound_lane& l, net::steady_timer& timer, steady::time_point until) {
        timer.expires_at(until);
        l.sleepers.push_back(&timer);
        co_await timer.async_wait(use_tuple);
        std::erase(l.sleepers, &timer);
    }

    net::awaitable<void> worker(outbound_lane& l) {
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
    net::awaitable<void> hold_backlog(outbound_lane& l) {
        std::vector<std::int64_t> ids;
        for (const auto& m : l.backlog) ids.push_back(m.id);
        l.backlog.clear();
        const auto until = l.paused_until;
        // By reference only: g++ 12 destroys a lambda's copied captures twice inside co_await.
        co_await writer.run([&](messages::store& s) {
            for (const auto id : ids) s.return_unsent(id, until, held_reason, messages::system_now());
        });
    }

    void pause(outbound_lane& l, const messages::send_result& r, messages::timestamp now,
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

    net::awaitable<void> send_one(outbound_lane& l, http_connection& connection,
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

    // --- reload (defined below the class)

    void spawn_workers(outbound_lane& l);
    void reload(std::vector<channel_runtime> channels, std::shared_ptr<const config::config> cfg);

    // --- stop: claimed rows that no worker took go back to the queue

    void release_backlogs() {
        std::vector<messages::outbound_message> rows;
        for (auto& l : lanes) {
            for (auto& m : l->backlog) rows.push_back(std::move(m));
            l->backlog.clear();
            l->wake_workers();
        }
        give_back(std::move(rows));
    }

    void give_back(std::vector<messages::outbound_message> rows) {
        if (rows.empty()) return;
        writer.submit(
            [rows = std::move(rows)](messages::store& s) {
                const auto now = messages::system_now();
                for (const auto& m : rows) s.return_unsent(m.id, now, m.error_code, now);
            },
            [](std::exception_ptr) {});
    }
};

// --- reload (on the strand)

void dispatcher::state::spawn_workers(outbound_lane& l) {
    if (!l.usable()) {
        log_event(log_level::warn, "channel.not_configured",
                  {{"channel", l.id()}, {"missing", l.rt.missing},
                   {"effect", "its webhooks answer 503 and its replies stay queued until these "
                              "environment variables are set"}});
        return;
    }
    for (std::size_t i = 0; i < l.sizes.workers; ++i) net::co_spawn(strand, worker(l), log_worker_failure);
}

void dispatcher::state::reload(std::vector<channel_runtime> channels, std::shared_ptr<const config::config> cfg) {
    reloaded_config = std::move(cfg);
    auto changes = reload_lanes(lanes, std::move(channels), settings.workers_per_channel,
                                settings.max_workers_per_channel);
    for (const auto& id : changes.lifted_pauses) {
        process_metrics().set_paused(id, {});  // GET /metrics, alerts
        writer.submit([id](messages::store& s) { s.release_held(id, held_reason, messages::system_now()); },
                      [](std::exception_ptr) {});
        log_event(log_level::info, "channel.resumed", {{"channel", id}, {"reason", "new credentials (reload)"}});
    }
    for (const auto& id : changes.retired)
        log_event(log_level::warn, "channel.removed",
                  {{"channel", id},
                   {"effect", "its queued replies stay queued, unsent, until a channel with this id is configured again"}});
    give_back(std::move(changes.given_back));
    if (!stopping)
        for (auto* l : changes.start_workers) spawn_workers(*l);
    notify_loop();
}

dispatcher::dispatcher(net::io_context& io, store_writer& writer, std::vector<channel_runtime> channels,
                       std::string public_url, dispatcher_settings settings)
    : state_(std::make_shared<state>(io, writer, std::move(public_url), settings)) {
    for (auto& rt : channels) {
        const auto sizes = size_lane(rt.channel->sends_per_second, settings.workers_per_channel,
                                     settings.max_workers_per_channel);
        state_->lanes.push_back(std::make_unique<outbound_lane>(std::move(rt), sizes));
    }
}

dispatcher::~dispatcher() = default;

void dispatcher::start() {
    auto s = state_;
    net::co_spawn(s->strand, s->claim_loop(), log_worker_failure);
    for (auto& l : s->lanes) s->spawn_workers(*l);
}

void dispatcher::reload(std::vector<channel_runtime> channels, std::shared_ptr<const config::config> cfg) {
    net::post(state_->strand, [s = state_, channels = std::move(channels), cfg = std::move(cfg)]() mutable {
        s->reload(std::move(channels), std::move(cfg));
    });
}

void dispatcher::wake() {
    net::post(state_->strand, [s = state_] { s->notify_loop(); });
}

void dispatcher::set_public_url(std::string url) {
    net::post(state_->strand, [s = state_, url = std::move(url)]() mutable { s->public_url = std::move(url); });
}

std::size_t dispatcher::sends_in_flight() const {
    return state_->in_flight.load();
}

void dispatcher::stop() {
    ++state_->in_flight;  // until the claimed rows are handed back: a graceful stop waits for it
    net::post(state_->strand, [s = state_] {
        s->stopping = true;
        s->wakeup.cancel();
        s->release_backlogs();
        --s->in_flight;
    });
}

}  // namespace cwc::gateway
