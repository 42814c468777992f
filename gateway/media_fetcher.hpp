// Downloads attachments into the store after the webhook was acknowledged (provider media ids
// expire, so promptly). A few workers each claim one pending row through the store writer,
// fetch it through the channel's adapter (one or two GETs, redirects followed, credentials only
// where the adapter allows), check it (size, type, digest) and record the bytes, a retry with
// backoff, or the final failure. Rows a crash left claimed come back after `reclaim_after`.
// All of its coroutines run on one strand; wake() and stop() may be called from any thread.
#pragma once

#include "gateway/channel_runtime.hpp"
#include "gateway/store_writer.hpp"
#include "messages/media.hpp"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

namespace cwc::gateway {

struct media_fetcher_settings {
    std::size_t max_bytes = messages::default_media_max_bytes;  // config: server.media.max_bytes
    std::size_t workers = 2;
    int max_attempts = 10;  // with the backoff (2 s doubling, ≤ 10 min) about half an hour
    std::chrono::milliseconds request_timeout{120000};
    // Polled this often besides wake(): retries fall due without anyone waking the fetcher.
    std::chrono::milliseconds poll_interval{2000};
    std::chrono::seconds reclaim_after{300};
};

class media_fetcher {
public:
    media_fetcher(boost::asio::io_context& io, store_writer& writer,
                  const std::vector<channel_runtime>& channels, media_fetcher_settings settings = {});
    ~media_fetcher();
    media_fetcher(const media_fetcher&) = delete;
    media_fetcher& operator=(const media_fetcher&) = delete;

    void start();
    void wake();  // rows may have been added: look now
    void stop();  // downloads under way finish and are recorded; nothing new is claimed
    // A configuration reload (any thread): the next downloads use these channels' adapters; a
    // removed channel's attachments wait (retried) as for a channel not configured.
    void reload(const std::vector<channel_runtime>& channels);

private:
    struct state;
    std::shared_ptr<state> state_;
};

}  // namespace cwc::gateway
