// The periodic pass over long SMS still missing a part.
#include "gateway/part_sweeper.hpp"

#include "gateway/app_log.hpp"
#include "gateway/inbound_pipeline.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>

namespace cwc::gateway {

std::size_t handle_stale_parts(messages::store& store, const config::config& cfg,
                               messages::timestamp now, std::chrono::seconds wait) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::size_t handled = 0;
    for (auto& m : store.take_stale_parts(now - wait)) {
        const auto* channel = cfg.find_channel(m.channel_id);
        if (channel == nullptr) continue;  // the channel left the config: the parts stay stored
        m.received_at = now;  // the conversation's clock is when we finally read it
        process_inbound(store, cfg, *channel, m, [] { return rng(); });
        ++handled;
    }
    return handled;
}

boost::asio::awaitable<void> sweep_stale_parts(store_writer& writer, const config::config& cfg) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        timer.expires_after(std::chrono::seconds(30));
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
        std::size_t handled = 0;
        auto failure = co_await writer.run([&](messages::store& s) {
            handled = handle_stale_parts(s, cfg, messages::system_now());
        });
        if (handled > 0 || failure)
            log_event(failure ? log_level::error : log_level::warn, "inbound.parts_missing",
                      {{"handled_incomplete", handled}, {"failed", static_cast<bool>(failure)}});
    }
}

}  // namespace cwc::gateway
