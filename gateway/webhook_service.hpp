// The public listener's routes: provider webhooks and the health check.
//   POST /webhooks/{channel}         inbound messages (and statuses, where the provider mixes them)
//   GET  /webhooks/{channel}         the provider's verification handshake (WhatsApp)
//   POST /webhooks/{channel}/status  delivery reports (authenticated like the inbound route)
//   GET  /healthz                    200 only when the store accepts writes
// The channel's provider adapter authenticates and reads; then handlers → one commit → only
// then the provider's 2xx.
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
    boost::asio::awaitable<http_response> webhook(const http_request& req, const channel_runtime& ch,
                                                  webhook_route route);

    const config::config& cfg_;
    std::vector<channel_runtime> channels_;
    std::string public_url_;
    store_writer& writer_;
};

}  // namespace cwc::gateway
