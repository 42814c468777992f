// Long SMS whose missing part never comes: after a wait, the parts that did come are handled as
// the message, so a person's words are never left unanswered because the network lost a part.
#pragma once

#include "config/config.hpp"
#include "gateway/store_writer.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>

namespace cwc::gateway {

inline constexpr std::chrono::minutes missing_part_wait{5};

// One pass, on the store writer thread inside a unit: handles every long message whose first
// part came before now - wait. Returns how many.
std::size_t handle_stale_parts(messages::store& store, const config::config& cfg,
                               messages::timestamp now,
                               std::chrono::seconds wait = missing_part_wait);

// Runs a pass every 30 s until the io_context stops.
boost::asio::awaitable<void> sweep_stale_parts(store_writer& writer, const config::config& cfg);

}  // namespace cwc::gateway
