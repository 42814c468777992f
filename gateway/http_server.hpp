// The HTTP/1.1 listener: keep-alive, per-phase timeouts, header and body limits, optional TLS.
// One coroutine per connection on its own strand, so a stalled client blocks nobody else.
// Limit breaches are answered (413, 431, 408) where the protocol allows, then the connection
// is closed. Not copyable; run() and stop() are called from the io_context's threads.
#pragma once

#include "gateway/http_service.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <atomic>
#include <chrono>
#include <memory>

namespace cwc::gateway {

struct http_server_limits {
    std::size_t max_header_bytes = 8 * 1024;
    std::chrono::seconds read_timeout{10};  // to receive a whole request once it started
    std::chrono::seconds idle_timeout{60};  // between requests on a kept-alive connection
    std::chrono::seconds write_timeout{10};
};

class http_server {
public:
    // `tls` null = plain HTTP. The service must outlive the server.
    http_server(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint listen_on,
                http_service& service, http_server_limits limits,
                std::shared_ptr<boost::asio::ssl::context> tls = nullptr);

    boost::asio::ip::tcp::endpoint local_endpoint() const;
    void start();  // begins accepting
    void stop_accepting();
    std::size_t active_requests() const { return *active_requests_; }
    std::size_t open_connections() const { return *open_connections_; }

private:
    boost::asio::awaitable<void> accept_loop();

    boost::asio::io_context& io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    http_service& service_;
    http_server_limits limits_;
    std::shared_ptr<boost::asio::ssl::context> tls_;
    std::shared_ptr<std::atomic<std::size_t>> active_requests_ =
        std::make_shared<std::atomic<std::size_t>>(0);
    std::shared_ptr<std::atomic<std::size_t>> open_connections_ =
        std::make_shared<std::atomic<std::size_t>>(0);
};

}  // namespace cwc::gateway
