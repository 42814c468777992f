// A broadcast is over when none of its rows can still be sent: then 'sending' becomes
// 'completed' (finished_at, audit "broadcast.completed" by "system"). The desk may call
// complete_if_finished right after a confirmation that queued nothing; the periodic check
// finds the rest and costs nothing but one small read while no broadcast is sending. At start,
// a confirmation a crash cut short is finished.
#pragma once

#include "config/config.hpp"
#include "gateway/store_writer.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace cwc::gateway {

// Inside a writer unit: completes the broadcast if it is 'sending' and has no row queued,
// sending, unknown or paused. Returns whether it did.
bool complete_if_finished(messages::store& s, std::int64_t broadcast_id, messages::timestamp now);

// Every `every` until the io_context stops: the sending broadcasts (read on a read-only
// connection to `database_path`) are checked in one writer unit, only when there are some.
boost::asio::awaitable<void> run_broadcast_completion(store_writer& writer, std::string database_path,
                                                      std::chrono::seconds every = std::chrono::seconds(5));

// Once at start: confirmations a crash interrupted are planned to the end and sent
// (broadcast_desk.hpp resume_confirmations), reading on a connection to `database_path`.
boost::asio::awaitable<void> resume_interrupted_broadcasts(store_writer& writer,
                                                           const config::config& cfg,
                                                           std::string database_path);

}  // namespace cwc::gateway
