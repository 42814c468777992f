// The outbox dispatcher's state (gateway/dispatcher.hpp), private to its two halves: the claim
// loop, reload and stop (dispatcher.cpp) and the sending workers (dispatcher_workers.cpp). All
// of it lives on `strand`; only `in_flight` is read from other threads.
#pragma once

#include "gateway/dispatcher.hpp"
#include "gateway/http_client.hpp"
#include "gateway/outbound_lane.hpp"
#include "messages/store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

struct dispatcher::state : std::enable_shared_from_this<dispatcher::state> {
    using strand_type = boost::asio::strand<boost::asio::io_context::executor_type>;
    using steady = std::chrono::steady_clock;
    static constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);
    static constexpr std::string_view held_reason = held_for_pause;

    strand_type strand;
    store_writer& writer;
    std::string public_url;
    dispatcher_settings settings;
    std::vector<std::unique_ptr<outbound_lane>> lanes;
    boost::asio::steady_timer wakeup;
    bool wake_pending = false;
    bool stopping = false;
    std::optional<messages::timestamp> reconcile_at;  // the earliest unknown row's
    std::atomic<std::size_t> in_flight{0};
    std::shared_ptr<boost::asio::ssl::context> tls = make_client_tls_context();
    std::shared_ptr<const config::config> reloaded_config;  // after a reload: screens broadcasts

    state(boost::asio::io_context& io, store_writer& w, std::string url, dispatcher_settings s)
        : strand(boost::asio::make_strand(io)), writer(w), public_url(std::move(url)),
          settings(s), wakeup(strand) {}

    void notify_loop() {
        wake_pending = true;
        wakeup.cancel();
    }
    // A coroutine of the dispatcher ended by an exception: logged, never silent.
    static void log_failure(std::exception_ptr e);

    // --- the claim loop (dispatcher.cpp)

    struct claim_plan {
        outbound_lane* lane;
        std::size_t limit;
        messages::outbound_priority least_urgent;
        std::vector<messages::outbound_message> rows;
        std::optional<messages::timestamp> next_due;
    };

    std::vector<claim_plan> plan_claims(messages::timestamp now);
    std::chrono::milliseconds sleep_for(messages::timestamp now) const;
    boost::asio::awaitable<void> claim_loop();

    // --- workers (dispatcher_workers.cpp)

    void spawn_workers(outbound_lane& l);
    std::string status_callback_url(const outbound_lane& l, std::int64_t outbound_id) const;
    boost::asio::awaitable<void> nap(outbound_lane& l, boost::asio::steady_timer& timer,
                                     steady::time_point until);
    boost::asio::awaitable<void> worker(outbound_lane& l);
    boost::asio::awaitable<void> hold_backlog(outbound_lane& l);
    void pause(outbound_lane& l, const messages::send_result& r, messages::timestamp now,
               steady::time_point started);
    boost::asio::awaitable<void> send_one(outbound_lane& l, http_connection& connection,
                                          const messages::outbound_message& m);

    // --- reload and stop (dispatcher.cpp)

    void reload(std::vector<channel_runtime> channels, std::shared_ptr<const config::config> cfg);
    // Claimed rows that no worker took go back to the queue.
    void release_backlogs();
    void give_back(std::vector<messages::outbound_message> rows);
};

}  // namespace cwc::gateway
