// The outbox dispatcher: the claim loop, reload and stop (see dispatcher.hpp; the sending
// workers: dispatcher_workers.cpp; crash recovery: outbox_recovery.cpp).
#include "gateway/dispatcher.hpp"

#include "gateway/app_log.hpp"
#include "gateway/broadcast_screen.hpp"
#include "gateway/dispatcher_state.hpp"
#include "gateway/lane_reload.hpp"
#include "gateway/metrics_counters.hpp"
#include "gateway/outbox_recovery.hpp"
#include "gateway/whatsapp_window.hpp"

#include <boost/asio/co_spawn.hpp>

namespace cwc::gateway {

namespace net = boost::asio;
using messages::outbound_priority;

namespace {

constexpr auto longest_sleep = std::chrono::seconds(5);

}  // namespace

void dispatcher::state::log_failure(std::exception_ptr e) {
    if (!e) return;
    try { std::rethrow_exception(e); } catch (const std::exception& x) {
        log_event(log_level::error, "dispatcher.failed", {{"what", x.what()}});
    }
}

// Per lane: fill the look-ahead window, or, when it is full, only the urgent reserve (a
// reply overtakes the broadcasts already claimed). Paused lanes claim nothing.
std::vector<dispatcher::state::claim_plan> dispatcher::state::plan_claims(messages::timestamp now) {
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
std::chrono::milliseconds dispatcher::state::sleep_for(messages::timestamp now) const {
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

net::awaitable<void> dispatcher::state::claim_loop() {
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

void dispatcher::state::release_backlogs() {
    std::vector<messages::outbound_message> rows;
    for (auto& l : lanes) {
        for (auto& m : l->backlog) rows.push_back(std::move(m));
        l->backlog.clear();
        l->wake_workers();
    }
    give_back(std::move(rows));
}

void dispatcher::state::give_back(std::vector<messages::outbound_message> rows) {
    if (rows.empty()) return;
    writer.submit(
        [rows = std::move(rows)](messages::store& s) {
            const auto now = messages::system_now();
            for (const auto& m : rows) s.return_unsent(m.id, now, m.error_code, now);
        },
        [](std::exception_ptr) {});
}

// --- reload (on the strand)

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
    net::co_spawn(s->strand, s->claim_loop(), state::log_failure);
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
