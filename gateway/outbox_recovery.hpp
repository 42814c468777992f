// What the dispatcher does about sends a crash interrupted (the rows left "sending"): at start,
// they become "unknown" and wait `reconcile_after` for their status callback; those still
// unresolved then go again and are counted as possible duplicates. Both run as store-writer
// units and return when the next unknown row falls due (nothing when none is left).
#pragma once

#include "gateway/store_writer.hpp"
#include "messages/time.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>

namespace cwc::gateway {

boost::asio::awaitable<std::optional<messages::timestamp>> reconcile_interrupted(
    store_writer& writer, std::chrono::seconds reconcile_after);

boost::asio::awaitable<std::optional<messages::timestamp>> resend_unresolved(store_writer& writer);

}  // namespace cwc::gateway
