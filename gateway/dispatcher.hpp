// Sends the durable outbox through the providers' APIs. One claim loop takes due rows (most
// urgent priority first) only as fast as idle workers can take them, so a queued broadcast
// never stands in front of a reply that arrives later. Workers keep their connections alive,
// respect each channel's rate, and record every outcome through the store writer. A crash
// leaves claimed rows "sending"; start() queues them again (at-least-once delivery).
// All of its coroutines run on one strand; wake() may be called from any thread.
#pragma once

#include "config/config.hpp"
#include "gateway/channel_runtime.hpp"
#include "gateway/store_writer.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace cwc::gateway {

struct dispatcher_settings {
    std::size_t workers_per_channel = 4;
    std::chrono::milliseconds request_timeout{15000};
    int max_attempts = 8;
};

class dispatcher {
public:
    dispatcher(boost::asio::io_context& io, store_writer& writer, std::vector<channel_runtime> channels,
               std::string public_url, dispatcher_settings settings = {});
    ~dispatcher();

    void start();
    void wake();  // new rows were committed: look at the outbox now
    void stop();  // workers finish their current send, nothing new is claimed
    void set_public_url(std::string url);

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace cwc::gateway
