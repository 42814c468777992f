// One kept-alive HTTP(S) connection to one provider origin, reconnecting when needed. TLS
// verifies the peer against the system CAs and the host name, with SNI. Used by one coroutine
// at a time (the dispatcher gives each worker its own connection).
#pragma once

#include "gateway/http_exchange.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace cwc::gateway {

struct http_origin {
    bool tls = true;
    std::string host;
    std::string port;
    std::string base_path;  // prefix the API lives under, "" for the root
};
// "https://api.twilio.com" → {tls, "api.twilio.com", "443", ""}; nullopt if not http(s).
std::optional<http_origin> parse_origin(std::string_view base_url);

// A client TLS context: TLS 1.2+, peer verification with the system's CA store.
std::shared_ptr<boost::asio::ssl::context> make_client_tls_context();

class http_connection {
public:
    http_connection(boost::asio::any_io_executor ex, http_origin origin,
                    std::shared_ptr<boost::asio::ssl::context> tls);
    ~http_connection();
    http_connection(const http_connection&) = delete;
    http_connection& operator=(const http_connection&) = delete;

    // Sends spec (its target is appended to origin.base_path). If a reused kept-alive connection
    // turns out closed by the server (EOF or reset before any answer), the request is sent once
    // more on a fresh connection: the server closed it idle, so it never saw the request.
    // A body over `body_limit` bytes ends the exchange with http::error::body_limit.
    boost::asio::awaitable<http_result> send(const http_request_spec& spec,
                                             std::chrono::milliseconds timeout,
                                             std::size_t body_limit = 1024 * 1024);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace cwc::gateway
