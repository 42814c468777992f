// The public listener's routes: provider webhooks and the health check.
//   POST /webhooks/{channel}         inbound message (Twilio form, X-Twilio-Signature)
//   POST /webhooks/{channel}/status  delivery status callback (signed the same way)
//   GET  /healthz                    200 only when the store accepts writes
// Order for an inbound message: verify → parse → handlers → one commit → only then 2xx.
#pragma once

#include "config/config.hpp"
#include "gateway/channel_runtime.hpp"
#include "gateway/http_service.hpp"
#include "gateway/store_writer.hpp"

#include <string>
#include <vector>

namespace cwc::gateway {

class webhook_service final : public http_service {
public:
    // `public_url`: scheme://host[:port][/prefix] the providers call; signatures cover it.
    webhook_service(const config::config& cfg, std::vector<channel_runtime> channels,
                    std::string public_url, store_writer& writer);

    std::size_t body_limit(std::string_view target) const override;
    boost::asio::awaitable<http_response> handle(http_request request) override;

    const std::string& public_url() const { return public_url_; }
    void set_public_url(std::string url) { public_url_ = std::move(url); }

private:
    const channel_runtime* find_runtime(std::string_view channel_id) const;
    boost::asio::awaitable<http_response> healthz(const http_request& req);
    boost::asio::awaitable<http_response> inbound(const http_request& req, const channel_runtime& ch);
    boost::asio::awaitable<http_response> status(const http_request& req, const channel_runtime& ch);

    const config::config& cfg_;
    std::vector<channel_runtime> channels_;
    std::string public_url_;
    store_writer& writer_;
};

}  // namespace cwc::gateway
