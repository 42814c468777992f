// The retention purge's runs: in writer units of a few hundred records while `serve` runs (daily),
// or in one transaction for the CLI. Counts are logged and audited; never a number or a text.
#include "gateway/retention_purge.hpp"

#include "gateway/app_log.hpp"
#include "gateway/erasure_request.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace cwc::gateway {

messages::erasure_counts purge_step(messages::store& s, const config::config& cfg,
                                    messages::timestamp now, std::size_t batch) {
    return s.erasure().purge_expired(cfg.retention, now, batch);
}

nlohmann::json counts_json(const messages::erasure_counts& n) {
    return {{"messages", n.messages}, {"outbound", n.outbound},       {"cases", n.cases},
            {"media", n.media},       {"parts", n.parts},             {"quarantined", n.quarantined},
            {"contacts", n.contacts}, {"tombstones", n.tombstones}};
}

std::size_t finish_purge(messages::store& s, const config::config& cfg,
                         const messages::erasure_counts& total, const std::string& actor,
                         messages::timestamp now) {
    const std::size_t ran = run_ready_erasures(s, cfg, now);
    if (total.total() == 0 && total.tombstones == 0 && ran == 0) return 0;
    auto detail = counts_json(total);
    detail["held_erasures_run"] = ran;
    detail["messages_days"] = cfg.retention.messages_days;
    s.append_audit({now, actor, "retention.purged", "store", detail.dump()});
    s.erasure().request_checkpoint();
    return ran;
}

purge_totals purge_all(messages::store& s, const config::config& cfg, const std::string& actor,
                       messages::timestamp now) {
    purge_totals t;
    for (;;) {
        const auto n = purge_step(s, cfg, now);
        t.counts += n;
        if (n.total() == 0) break;
    }
    t.erasures_run = finish_purge(s, cfg, t.counts, actor, now);
    return t;
}

boost::asio::awaitable<void> run_checkpoint_retries(store_writer& writer,
                                                    std::chrono::milliseconds every) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        timer.expires_after(every);
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        co_await writer.run([](messages::store& s) { s.erasure().retry_checkpoint_now(); });
    }
}

boost::asio::awaitable<void> run_retention_purge(store_writer& writer, const config::config& cfg) {
    boost::asio::co_spawn(co_await boost::asio::this_coro::executor,
                          run_checkpoint_retries(writer, checkpoint_retry_interval),
                          boost::asio::detached);
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        const auto now = messages::system_now();
        messages::erasure_counts total;
        bool failed = false;
        for (;;) {
            messages::erasure_counts n;
            if (co_await writer.run([&](messages::store& s) { n = purge_step(s, cfg, now); })) {
                failed = true;
                break;
            }
            total += n;
            if (n.total() == 0) break;
        }
        std::size_t ran = 0;
        if (!failed && co_await writer.run([&](messages::store& s) {
                ran = finish_purge(s, cfg, total, "system", now);
            }))
            failed = true;
        if (failed) {
            log_event(log_level::error, "retention.purge_failed", {{"what", "the store refused a unit"}});
        } else if (total.total() > 0 || total.tombstones > 0 || ran > 0) {
            auto fields = counts_json(total);
            fields["held_erasures_run"] = ran;
            log_event(log_level::info, "retention.purged", fields);
        }
        timer.expires_after(std::chrono::hours{24});
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace cwc::gateway
