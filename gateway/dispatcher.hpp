// Sends the durable outbox through the providers' APIs. Each channel is a lane: a claim loop
// takes the lane's due rows (most urgent priority first) only as far as its short look-ahead
// allows, plus a reserve for urgent rows, so a queued broadcast never stands in front of a reply
// that arrives later. Workers keep their connections alive, take the most urgent message when
// the channel's rate (and, for broadcasts, their share of it) allows, and record every outcome
// through the store writer. Refused credentials pause the lane; a 429/503 Retry-After holds it.
// A crash leaves claimed rows "sending": start() marks them unknown and waits `reconcile_after`
// for their status callbacks before sending them again (counted as possible duplicates).
// All of its coroutines run on one strand; wake() may be called from any thread.
#pragma once

#include "config/config.hpp"
#include "gateway/channel_runtime.hpp"
#include "gateway/store_writer.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

// The error code of rows held back while their channel is paused (refused credentials).
inline constexpr std::string_view held_for_pause = "channel_paused";

struct dispatcher_settings {
    // Concurrent sends (each on its own kept-alive connection) per channel: enough for a quarter
    // of a second of the channel's rate, within these bounds; unlimited channels get the most.
    std::size_t workers_per_channel = 4;
    std::size_t max_workers_per_channel = 16;
    std::chrono::milliseconds request_timeout{15000};
    int max_attempts = 8;
    // After a crash, how long a send whose outcome is unknown waits for its status callback
    // before it is sent again.
    std::chrono::seconds reconcile_after{10};
    // How long a channel pauses when the provider refuses its credentials; 0: as long as the
    // adapter says (send_outcomes: 5 minutes).
    std::chrono::seconds credentials_pause{0};
    // Broadcast rows are checked again when claimed (gateway/broadcast_screen.hpp) against this
    // configuration, which outlives the dispatcher; nullptr: they go unchecked.
    const config::config* broadcasts_config = nullptr;
};

class dispatcher {
public:
    dispatcher(boost::asio::io_context& io, store_writer& writer, std::vector<channel_runtime> channels,
               std::string public_url, dispatcher_settings settings = {});
    ~dispatcher();

    void start();
    void wake();  // new rows were committed: look at the outbox now
    // Workers finish their current send, nothing new is claimed, and claimed rows not yet sent
    // go back to the queue (their claim does not count as an attempt).
    void stop();
    void set_public_url(std::string url);
    // A configuration reload (any thread): a changed channel's lane takes its new runtime and
    // new workers (those sending finish first; claimed rows stay in the lane), a new channel gets
    // a lane, a removed one claims nothing more and gives its claimed rows back (they stay
    // queued until the channel returns). Broadcast rows are screened against `cfg` from the next
    // claim on. Secrets that changed lift a pause for refused credentials.
    void reload(std::vector<channel_runtime> channels, std::shared_ptr<const config::config> cfg);
    // Sends waiting for the provider's answer or for their outcome to be recorded (any thread):
    // a graceful shutdown waits for them, so they are not left unknown.
    std::size_t sends_in_flight() const;

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace cwc::gateway
