// Beast client over plain TCP or TLS (Beast's awaitable SSL client, with verification on).
#include "gateway/http_client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>

#include <openssl/ssl.h>

namespace cwc::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Requests are written whole; waiting for more (Nagle) only adds a delayed-ACK pause per send.
void no_delay(tcp::socket& socket) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
}

bool is_stale_connection_error(const beast::error_code& ec) {
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe ||
           ec == net::ssl::error::stream_truncated;
}
}  // namespace

std::optional<http_origin> parse_origin(std::string_view base_url) {
    auto u = boost::urls::parse_absolute_uri(base_url);
    if (!u || !u->has_authority()) return std::nullopt;
    http_origin o;
    if (u->scheme() == "https") o.tls = true;
    else if (u->scheme() == "http") o.tls = false;
    else return std::nullopt;
    o.host = u->host();
    if (o.host.empty()) return std::nullopt;
    o.port = u->has_port() && !u->port().empty() ? std::string(u->port()) : (o.tls ? "443" : "80");
    o.base_path = u->path();
    if (!o.base_path.empty() && o.base_path.front() != '/') return std::nullopt;  // "host:notaport"
    while (!o.base_path.empty() && o.base_path.back() == '/') o.base_path.pop_back();
    return o;
}

std::shared_ptr<net::ssl::context> make_client_tls_context() {
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_client);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1);
    ctx->set_default_verify_paths();
    ctx->set_verify_mode(net::ssl::verify_peer);
    return ctx;
}

struct http_connection::impl {
    net::any_io_executor ex;
    http_origin origin;
    std::shared_ptr<net::ssl::context> tls;
    std::optional<beast::tcp_stream> plain;
    std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
    beast::flat_buffer buffer;

    bool connected() const { return plain.has_value() || secure.has_value(); }
    beast::tcp_stream& lowest() { return plain ? *plain : beast::get_lowest_layer(*secure); }

    void reset() {
        beast::error_code ignored;
        if (connected()) lowest().socket().close(ignored);
        plain.reset();
        secure.reset();
        buffer.clear();
    }

    net::awaitable<beast::error_code> connect(std::chrono::milliseconds timeout) {
        reset();
        tcp::resolver resolver(ex);
        auto [rec, endpoints] = co_await resolver.async_resolve(origin.host, origin.port, use_tuple);
        if (rec) co_return rec;
        if (!origin.tls) {
            plain.emplace(ex);
            plain->expires_after(timeout);
            auto [cec, ep] = co_await plain->async_connect(endpoints, use_tuple);
            if (cec) reset();
            else no_delay(plain->socket());
            co_return cec;
        }
        secure.emplace(ex, *tls);
        if (!SSL_set_tlsext_host_name(secure->native_handle(), origin.host.c_str())) {
            reset();
            co_return beast::error_code(static_cast<int>(::ERR_get_error()), net::error::get_ssl_category());
        }
        secure->set_verify_callback(net::ssl::host_name_verification(origin.host));
        auto& low = beast::get_lowest_layer(*secure);
        low.expires_after(timeout);
        auto [cec, ep] = co_await low.async_connect(endpoints, use_tuple);
        if (cec) { reset(); co_return cec; }
        no_delay(low.socket());
        auto [hec] = co_await secure->async_handshake(net::ssl::stream_base::client, use_tuple);
        if (hec) reset();
        co_return hec;
    }

    template <typename Stream>
    net::awaitable<http_result> exchange(Stream& stream, http::request<http::string_body>& req,
                                         std::chrono::milliseconds timeout, std::size_t body_limit) {
        http_result out;
        lowest().expires_after(timeout);
        auto [wec, wn] = co_await http::async_write(stream, req, use_tuple);
        if (wec) { out.error = wec; co_return out; }
        http::response_parser<http::string_body> parser;
        parser.body_limit(body_limit);
        auto [rec, rn] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (rec) { out.error = rec; co_return out; }
        auto res = parser.release();
        out.status = res.result_int();
        out.body = std::move(res.body());
        out.retry_after = std::string(res[http::field::retry_after]);
        out.content_type = std::string(res[http::field::content_type]);
        out.location = std::string(res[http::field::location]);
        if (!res.keep_alive()) reset();
        co_return out;
    }
};

http_connection::http_connection(net::any_io_executor ex, http_origin origin,
                                 std::shared_ptr<net::ssl::context> tls)
    : impl_(std::make_unique<impl>(impl{std::move(ex), std::move(origin), std::move(tls), {}, {}, {}})) {}

http_connection::~http_connection() { impl_->reset(); }

net::awaitable<http_result> http_connection::send(const http_request_spec& spec,
                                                   std::chrono::milliseconds timeout,
                                                   std::size_t body_limit) {
    http::request<http::string_body> req{http::string_to_verb(spec.method),
                                         spec.target, 11};
    const bool default_port = impl_->origin.port == (impl_->origin.tls ? "443" : "80");
    req.set(http::field::host, default_port ? impl_->origin.host : impl_->origin.host + ":" + impl_->origin.port);
    req.set(http::field::user_agent, "cwc-gateway");
    for (const auto& [name, value] : spec.headers) req.set(name, value);
    req.body() = spec.body;
    req.keep_alive(true);
    req.prepare_payload();

    for (int attempt = 0; attempt < 2; ++attempt) {
        const bool reused = impl_->connected();
        if (!reused) {
            if (auto ec = co_await impl_->connect(timeout)) co_return http_result{ec, 0, {}, {}, {}, {}};
        }
        // Not a conditional expression: g++ 12 miscompiles co_await inside ?: (double destruction).
        http_result result;
        if (impl_->plain) result = co_await impl_->exchange(*impl_->plain, req, timeout, body_limit);
        else result = co_await impl_->exchange(*impl_->secure, req, timeout, body_limit);
        if (result.error) impl_->reset();
        if (result.error && reused && is_stale_connection_error(result.error)) continue;
        co_return result;
    }
    co_return http_result{net::error::connection_reset, 0, {}, {}, {}, {}};
}

}  // namespace cwc::gateway
