// What the HTTP server asks of the application: how large a body a target may send (known from
// the headers, before the body is read) and the answer to a complete request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

namespace cwc::gateway {

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

class http_service {
public:
    virtual ~http_service() = default;
    // Body limit for a request to `target` (path and query as received).
    virtual std::size_t body_limit(std::string_view target) const = 0;
    // Must not throw: the server turns an escaped exception into a bare 500 and logs it.
    virtual boost::asio::awaitable<http_response> handle(http_request request) = 0;
    // The same, told the client's IP address ("" if unknown) for per-client limits; services
    // that need none keep this default.
    virtual boost::asio::awaitable<http_response> handle_from(http_request request,
                                                              std::string peer) {
        (void)peer;
        return handle(std::move(request));
    }
};

// A JSON error answer {"error": reason}: the one shape every 4xx/5xx of ours has.
http_response json_error(unsigned status, std::string_view reason, unsigned version = 11,
                         bool keep_alive = true);

}  // namespace cwc::gateway
