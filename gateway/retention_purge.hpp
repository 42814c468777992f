// The retention purge: the config's periods applied to the store in small writer units (the
// writer keeps serving webhooks in between), then the held erasures that became ready, the whole
// run audited "retention.purged" with its counts. Daily in `serve`, and `cwc-gateway purge`.
#pragma once

#include "config/config.hpp"
#include "gateway/store_writer.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstddef>

namespace cwc::gateway {

// Records per writer unit: a unit stays around a few milliseconds.
inline constexpr std::size_t purge_batch = 500;

// One unit's worth: purge_expired up to `batch` records.
messages::erasure_counts purge_step(messages::store& s, const config::config& cfg,
                                    messages::timestamp now, std::size_t batch = purge_batch);

// The end of a run, in its own unit: held erasures now ready run (each audited), and the run is
// audited "retention.purged" (subject "store", detail = counts_json + held erasures run) when it
// changed anything. Returns how many held erasures ran.
std::size_t finish_purge(messages::store& s, const config::config& cfg,
                         const messages::erasure_counts& total, const std::string& actor,
                         messages::timestamp now);

// {"messages", "outbound", "cases", "media", "parts", "quarantined", "contacts", "tombstones"}.
nlohmann::json counts_json(const messages::erasure_counts& n);

// The whole purge in one transaction of the caller (the CLI): steps until nothing is left, then
// finish_purge. Returns the totals (erasures_run set).
struct purge_totals {
    messages::erasure_counts counts;
    std::size_t erasures_run = 0;
};
purge_totals purge_all(messages::store& s, const config::config& cfg, const std::string& actor,
                       messages::timestamp now);

// At start and then once a day until the io_context stops: the purge in units of purge_batch.
// It also starts run_checkpoint_retries (every checkpoint_retry_interval).
boost::asio::awaitable<void> run_retention_purge(store_writer& writer, const config::config& cfg);

// How often a WAL checkpoint that a reader held back (an erasure's, a purge's) is tried again.
inline constexpr std::chrono::seconds checkpoint_retry_interval{10};

// Every `every`, an empty writer unit that asks for the pending checkpoint to be retried after
// its commit (nothing is written): the erased bytes leave the WAL soon after the reader that
// held them ends, not only at the next message.
boost::asio::awaitable<void> run_checkpoint_retries(store_writer& writer,
                                                    std::chrono::milliseconds every);

}  // namespace cwc::gateway
