// The outbox dispatcher: claim loop, per-channel lanes of workers, rate pacing, outcome records.
#include "gateway/dispatcher.hpp"

#include "gateway/app_log.hpp"
#include "gateway/http_client.hpp"
#include "gateway/provider.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <tuple>

namespace cwc::gateway {

namespace net = boost::asio;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);
constexpr auto unconfigured_retry = std::chrono::minutes(5);
constexpr auto longest_sleep = std::chrono::seconds(5);
constexpr std::size_t claim_ahead = 8;  // rows claimed per worker of a lane

using strand_type = net::strand<net::io_context::executor_type>;

struct lane {
    channel_runtime rt;
    std::optional<http_origin> origin;
    std::deque<messages::outbound_message> backlog;  // claimed, waiting for a worker
    net::steady_timer work_available;                // a condition variable on the strand
    std::size_t idle = 0;
    steady::duration interval{};  // 1 / sends_per_second
    steady::time_point next_slot{};

    lane(strand_type& s, channel_runtime r)
        : rt(std::move(r)), work_available(s, steady::time_point::max()) {
        if (rt.adapter) origin = parse_origin(rt.adapter->api_base());
        const double per_second = rt.channel->sends_per_second;
        if (per_second > 0)
            interval = std::chrono::duration_cast<steady::duration>(
                std::chrono::duration<double>(1.0 / per_second));
    }
    bool usable() const { return rt.adapter && origin; }
    // Set when the provider refused the channel's credentials: nothing is sent until then.
    messages::timestamp paused_until{};
};

}  // namespace

struct dispatcher::state : std::enable_shared_from_this<dispatcher::state> {
    strand_type strand;
    store_writer& writer;
    std::string public_url;
    dispatcher_settings settings;
    std::vector<std::unique_ptr<lane>> lanes;
    net::steady_timer wakeup;
    bool wake_pending = false;
    bool stopping = false;
    std::shared_ptr<net::ssl::context> tls = make_client_tls_context();

    state(net::io_context& io, store_writer& w, std::string url, dispatcher_settings s)
        : strand(net::make_strand(io)), writer(w), public_url(std::move(url)), settings(s),
          wakeup(strand) {}

    lane* find_lane(const std::string& channel_id) {
        for (auto& l : lanes)
            if (l->rt.channel->id == channel_id) return l.get();
        return nullptr;
    }

    void notify_loop() {
        wake_pending = true;
        wakeup.cancel();
    }

    // How many rows to claim: a short look-ahead per worker, so a worker finds its next message
    // in memory instead of waiting for a claim, yet few enough that a reply claimed later
    // overtakes them (the backlog is kept in priority order).
    std::size_t free_slots() const {
        std::size_t free = 0;
        for (const auto& l : lanes) {
            const auto window = settings.workers_per_channel * claim_ahead;
            if (l->usable() && window > l->backlog.size()) free += window - l->backlog.size();
        }
        return free;
    }

    net::awaitable<void> claim_loop() {
        auto self = shared_from_this();
        std::size_t requeued = 0;
        co_await writer.run(
            [&](messages::store& s) { requeued = s.requeue_interrupted(messages::system_now()); });
        if (requeued) log_event(log_level::warn, "outbox.requeued_after_restart", {{"count", requeued}});
        while (!stopping) {
            const auto limit = free_slots();
            std::vector<messages::outbound_message> rows;
            std::optional<messages::timestamp> next_due;
            if (limit > 0) {
                auto failure = co_await writer.run(
                    [&](messages::store& s) {
                        rows = s.claim_due(messages::system_now(), limit);
                        // Only needed to know how long to sleep when there was not enough to do.
                        if (rows.size() < limit) next_due = s.next_due();
                    });
                if (failure) rows.clear();
            }
            for (auto& row : rows) {
                auto* l = find_lane(row.channel_id);
                if (!l || !l->usable()) {
                    co_await park_unconfigured(row);
                    continue;
                }
                // Most urgent first, then oldest: a reply claimed now overtakes a queued broadcast.
                auto at = std::upper_bound(l->backlog.begin(), l->backlog.end(), row,
                                           [](const auto& a, const auto& b) {
                                               return std::tie(a.priority, a.id) < std::tie(b.priority, b.id);
                                           });
                l->backlog.insert(at, std::move(row));
                l->work_available.cancel();
            }
            if (stopping) break;
            if (wake_pending) {
                wake_pending = false;
                continue;
            }
            // Sleep until the next row is due, or until a commit or an idle worker wakes us.
            std::chrono::milliseconds sleep = longest_sleep;
            if (limit > 0 && next_due) {
                auto until = std::chrono::duration_cast<std::chrono::milliseconds>(
                    *next_due - messages::system_now());
                sleep = std::clamp(until, std::chrono::milliseconds(0),
                                   std::chrono::milliseconds(longest_sleep));
            }
            wakeup.expires_after(sleep);
            co_await wakeup.async_wait(use_tuple);
            wake_pending = false;
        }
    }

    net::awaitable<void> park_unconfigured(const messages::outbound_message& row) {
        messages::send_result r{messages::send_result::outcome::retry, {}, "channel_not_configured",
                                messages::system_now() + unconfigured_retry};
        co_await writer.run(
            [&](messages::store& s) { s.record_send_result(row.id, r, messages::system_now()); });
    }

    net::awaitable<void> pace(lane& l) {
        if (l.interval == steady::duration::zero()) co_return;
        const auto now = steady::now();
        const auto slot = std::max(now, l.next_slot);
        l.next_slot = slot + l.interval;
        if (slot > now) {
            net::steady_timer t(strand, slot);
            co_await t.async_wait(use_tuple);
        }
    }

    std::string status_callback_url(const lane& l, std::int64_t outbound_id) const {
        return public_url + "/webhooks/" + l.rt.channel->id + "/status?m=" + std::to_string(outbound_id);
    }

    net::awaitable<void> worker(lane& l) {
        auto self = shared_from_this();
        http_connection connection(strand, *l.origin, tls);
        while (!stopping) {
            if (l.backlog.empty()) {
                ++l.idle;
                notify_loop();
                co_await l.work_available.async_wait(use_tuple);
                --l.idle;
                continue;
            }
            auto message = std::move(l.backlog.front());
            l.backlog.pop_front();
            // Refill before the workers run dry, so a claim overlaps with the sends.
            if (l.backlog.size() == settings.workers_per_channel) notify_loop();
            if (messages::system_now() < l.paused_until) {
                co_await hold_for_pause(l, message);
                continue;
            }
            co_await pace(l);
            co_await send_one(l, connection, message);
        }
    }

    // The channel is paused: the message goes back to the outbox until the pause ends.
    net::awaitable<void> hold_for_pause(lane& l, const messages::outbound_message& m) {
        messages::send_result r{messages::send_result::outcome::credentials_rejected, {},
                                "channel_paused", l.paused_until};
        co_await writer.run(
            [&](messages::store& s) { s.record_send_result(m.id, r, messages::system_now()); });
    }

    net::awaitable<void> send_one(lane& l, http_connection& connection,
                                  const messages::outbound_message& m) {
        const auto started = steady::now();
        auto spec = l.rt.adapter->build_send(m, send_context{status_callback_url(l, m.id)});
        auto response = co_await connection.send(spec, settings.request_timeout);
        const auto answered = steady::now();
        const auto now = messages::system_now();
        auto r = l.rt.adapter->interpret_send(response, now, m.attempts, settings.max_attempts);
        if (r.kind == messages::send_result::outcome::credentials_rejected) {
            l.paused_until = r.retry_at;
            log_event(log_level::error, "channel.paused",
                      {{"channel", l.rt.channel->id}, {"error_code", r.error_code},
                       {"alert", "the provider refused the channel's credentials; renew them"},
                       {"retry_in_s", std::chrono::duration_cast<std::chrono::seconds>(r.retry_at - now).count()}});
        }
        auto failure = co_await writer.run(
            [&](messages::store& s) { s.record_send_result(m.id, r, now); });
        static constexpr const char* outcome_names[] = {"sent", "retry", "failed", "recipient_opted_out",
                                                        "credentials_rejected"};
        log_event(r.kind == messages::send_result::outcome::sent ? log_level::info : log_level::warn,
                  "outbound.attempt",
                  {{"outbound", m.id}, {"channel", l.rt.channel->id}, {"attempt", m.attempts},
                   {"outcome", outcome_names[static_cast<int>(r.kind)]}, {"error_code", r.error_code},
                   {"http_status", response.status}, {"recorded", !failure},
                   {"provider_ms", std::chrono::duration<double, std::milli>(answered - started).count()},
                   {"ms", std::chrono::duration<double, std::milli>(steady::now() - started).count()}});
    }
};

dispatcher::dispatcher(net::io_context& io, store_writer& writer, std::vector<channel_runtime> channels,
                       std::string public_url, dispatcher_settings settings)
    : state_(std::make_shared<state>(io, writer, std::move(public_url), settings)) {
    for (auto& rt : channels) state_->lanes.push_back(std::make_unique<lane>(state_->strand, std::move(rt)));
}

dispatcher::~dispatcher() = default;

void dispatcher::start() {
    auto s = state_;
    auto log_failure = [](std::exception_ptr e) {
        if (!e) return;
        try { std::rethrow_exception(e); } catch (const std::exception& x) {
            log_event(log_level::error, "dispatcher.failed", {{"what", x.what()}});
        }
    };
    net::co_spawn(s->strand, s->claim_loop(), log_failure);
    for (auto& l : s->lanes) {
        if (!l->usable()) {
            log_event(log_level::warn, "channel.not_configured",
                      {{"channel", l->rt.channel->id}, {"missing", l->rt.missing},
                       {"effect", "its webhooks answer 503 until these environment variables are set"}});
            continue;
        }
        for (std::size_t i = 0; i < s->settings.workers_per_channel; ++i)
            net::co_spawn(s->strand, s->worker(*l), log_failure);
    }
}

void dispatcher::wake() {
    net::post(state_->strand, [s = state_] { s->notify_loop(); });
}

void dispatcher::set_public_url(std::string url) {
    net::post(state_->strand, [s = state_, url = std::move(url)]() mutable { s->public_url = std::move(url); });
}

void dispatcher::stop() {
    net::post(state_->strand, [s = state_] {
        s->stopping = true;
        s->wakeup.cancel();
        for (auto& l : s->lanes) l->work_available.cancel();
    });
}

}  // namespace cwc::gateway
