// Accept loop and per-connection session coroutines (Beast's awaitable server, hardened).
// Every read has a deadline; limits are answered with a JSON error and the connection is then
// closed gracefully (send side shut, remaining input drained for a moment) so the client sees it.
#include "gateway/http_server.hpp"

#include "gateway/app_log.hpp"
#include "gateway/metrics_counters.hpp"
#include "gateway/request_id.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace cwc::gateway {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

struct scoped_count {
    std::atomic<std::size_t>& n;
    explicit scoped_count(std::atomic<std::size_t>& c) : n(c) { ++n; }
    ~scoped_count() { --n; }
};

// Which answer a failed read gets; 0 = close without answering.
unsigned status_for_read_error(const beast::error_code& ec, bool request_started) {
    if (ec == http::error::header_limit) return 431;
    if (ec == http::error::body_limit) return 413;
    if (ec == beast::error::timeout) return request_started ? 408 : 0;
    if (ec == http::error::end_of_stream || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == http::error::partial_message ||
        ec == net::error::operation_aborted)
        return 0;
    return 400;
}

const char* reason_for(unsigned status) {
    switch (status) {
        case 408:
            return "request not received in time";
        case 413:
            return "request body too large";
        case 431:
            return "request headers too large";
        default:
            return "malformed HTTP request";
    }
}

// After an error answer: stop sending, then read and discard what the client is still sending
// for a short while, so closing does not reset the connection before the answer is read.
template <typename Stream>
net::awaitable<void> linger_close(Stream& stream, beast::tcp_stream& tcp) {
    beast::error_code ignored;
    tcp.socket().shutdown(tcp::socket::shutdown_send, ignored);
    tcp.expires_after(std::chrono::seconds(2));
    std::array<char, 16 * 1024> sink{};
    for (;;) {
        auto [ec, n] = co_await stream.async_read_some(net::buffer(sink), use_tuple);
        if (ec) break;
    }
}

template <typename Stream>
net::awaitable<void> send_error(Stream& stream, beast::tcp_stream& tcp, unsigned status,
                                const http_server_limits& limits) {
    auto res = json_error(status, reason_for(status), 11, false);
    res.prepare_payload();
    process_metrics().request_answered(status);
    tcp.expires_after(limits.write_timeout);
    co_await http::async_write(stream, res, use_tuple);
}

// Runs a read under a deadline. tcp_stream's own expiry would close the socket, leaving no way
// to answer; here the deadline only cancels the read, so the client can still be told 408.
template <typename ReadOp>
net::awaitable<beast::error_code> read_within(std::chrono::seconds limit, ReadOp start_read) {
    net::steady_timer deadline(co_await net::this_coro::executor, limit);
    auto outcome = co_await (start_read() || deadline.async_wait(use_tuple));
    if (outcome.index() == 1) co_return beast::error::timeout;
    co_return std::get<0>(std::get<0>(outcome));
}

// Feeds the body bytes already buffered (they mostly come in the header's packet) to the parser,
// without a read and its deadline; need_more only means the rest is still to be read.
beast::error_code parse_buffered_body(http::request_parser<http::string_body>& parser,
                                      beast::flat_buffer& buffer) {
    beast::error_code ec;
    if (buffer.size() == 0) return ec;
    parser.eager(true);
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec == http::error::need_more) ec = {};
    return ec;
}

template <typename Stream>
net::awaitable<void> serve_requests(Stream& stream, beast::tcp_stream& tcp, http_service& service,
                                    http_server_limits limits,
                                    std::shared_ptr<std::atomic<std::size_t>> active) {
    beast::flat_buffer buffer;
    beast::error_code peer_ec;
    const auto peer = tcp.socket().remote_endpoint(peer_ec);
    const std::string peer_address = peer_ec ? std::string() : peer.address().to_string();
    for (bool first = true;; first = false) {
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
        // No limit while the header is read: Beast refuses a Content-Length above the limit in
        // force when the header ends, and the target's own limit (4 MiB for WhatsApp) is only
        // known after it. It is set below, before any byte of the body is read.
        parser.body_limit(boost::none);
        tcp.expires_never();  // reads are timed by read_within; writes set their own expiry
        auto ec = co_await read_within(first ? limits.read_timeout : limits.idle_timeout, [&] {
            return http::async_read_header(stream, buffer, parser, use_tuple);
        });
        if (ec) {
            if (auto status = status_for_read_error(ec, parser.got_some() || buffer.size() > 0)) {
                co_await send_error(stream, tcp, status, limits);
                co_await linger_close(stream, tcp);
            }
            co_return;
        }
        scoped_count in_flight(*active);
        const auto limit = service.body_limit(parser.get().target());
        if (parser.content_length() && *parser.content_length() > limit) {
            co_await send_error(stream, tcp, 413, limits);
            co_await linger_close(stream, tcp);
            co_return;
        }
        parser.body_limit(limit);
        if (parser.get()[http::field::expect] == "100-continue") {
            http::response<http::empty_body> go_on{http::status::continue_, parser.get().version()};
            tcp.expires_after(limits.write_timeout);
            auto [wec, wn] = co_await http::async_write(stream, go_on, use_tuple);
            if (wec) co_return;
            tcp.expires_never();
        }
        if (!parser.is_done()) {
            auto bec = parse_buffered_body(parser, buffer);
            if (!bec && !parser.is_done()) {
                bec = co_await read_within(limits.read_timeout, [&] {
                    return http::async_read(stream, buffer, parser, use_tuple);
                });
            }
            if (bec) {
                if (auto status = status_for_read_error(bec, true)) {
                    co_await send_error(stream, tcp, status, limits);
                    co_await linger_close(stream, tcp);
                }
                co_return;
            }
        }
        auto request = parser.release();
        const bool keep_alive = request.keep_alive();
        const auto request_id = request_id_for(request);
        request.set(request_id_header, request_id);  // the services log it from there
        http_response res;
        try {
            res = co_await service.handle_from(std::move(request), peer_address);
        } catch (const std::exception& e) {
            log_event(log_level::error, "http.handler_exception",
                      {{"request", request_id}, {"what", e.what()}});
            res = json_error(500, "internal error");
        }
        res.set(request_id_header, request_id);
        res.keep_alive(keep_alive && res.keep_alive());
        res.prepare_payload();
        process_metrics().request_answered(res.result_int());
        tcp.expires_after(limits.write_timeout);
        auto [wec, wn] = co_await http::async_write(stream, res, use_tuple);
        if (wec || !res.keep_alive()) break;
    }
    beast::error_code ignored;
    tcp.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> plain_session(tcp::socket socket, http_service& service,
                                   http_server_limits limits,
                                   std::shared_ptr<std::atomic<std::size_t>> active,
                                   std::shared_ptr<std::atomic<std::size_t>> open) {
    scoped_count connection(*open);
    counted_connection counted;  // GET /metrics
    beast::tcp_stream stream(std::move(socket));
    co_await serve_requests(stream, stream, service, limits, active);
}

net::awaitable<void> tls_session(tcp::socket socket, std::shared_ptr<net::ssl::context> ctx,
                                 http_service& service, http_server_limits limits,
                                 std::shared_ptr<std::atomic<std::size_t>> active,
                                 std::shared_ptr<std::atomic<std::size_t>> open) {
    scoped_count connection(*open);
    counted_connection counted;  // GET /metrics
    beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), *ctx);
    auto& tcp = beast::get_lowest_layer(stream);
    tcp.expires_after(limits.read_timeout);
    auto [ec] = co_await stream.async_handshake(net::ssl::stream_base::server, use_tuple);
    if (ec) co_return;
    co_await serve_requests(stream, tcp, service, limits, active);
    tcp.expires_after(std::chrono::seconds(2));
    // A peer that closes without close_notify gives stream_truncated: benign here.
    co_await stream.async_shutdown(use_tuple);
}

}  // namespace

http_server::http_server(net::io_context& io, tcp::endpoint listen_on, http_service& service,
                         http_server_limits limits, std::shared_ptr<net::ssl::context> tls)
    : io_(io), acceptor_(io), service_(service), limits_(limits), tls_(std::move(tls)) {
    acceptor_.open(listen_on.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(listen_on);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

tcp::endpoint http_server::local_endpoint() const {
    return acceptor_.local_endpoint();
}

net::awaitable<void> http_server::accept_loop() {
    for (;;) {
        auto [ec, socket] = co_await acceptor_.async_accept(net::make_strand(io_), use_tuple);
        if (ec == net::error::operation_aborted || !acceptor_.is_open()) co_return;
        if (ec) {
            log_event(log_level::warn, "http.accept_failed", {{"error", ec.message()}});
            continue;
        }
        // Answers are written whole: Nagle's wait would only add a delayed-ACK pause.
        beast::error_code no_delay_failed;
        socket.set_option(tcp::no_delay(true), no_delay_failed);
        auto ex = socket.get_executor();
        auto on_done = [](std::exception_ptr e) {
            if (!e) return;
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                log_event(log_level::warn, "http.session_failed", {{"what", x.what()}});
            }
        };
        if (tls_) {
            net::co_spawn(ex,
                          tls_session(std::move(socket), tls_, service_, limits_, active_requests_,
                                      open_connections_),
                          on_done);
        } else {
            net::co_spawn(ex,
                          plain_session(std::move(socket), service_, limits_, active_requests_,
                                        open_connections_),
                          on_done);
        }
    }
}

void http_server::start() {
    // A member coroutine, not a capturing lambda: a lambda's captures die with the lambda object,
    // while the coroutine frame lives on.
    net::co_spawn(acceptor_.get_executor(), accept_loop(), net::detached);
}

void http_server::stop_accepting() {
    beast::error_code ignored;
    acceptor_.close(ignored);
}

http_response json_error(unsigned status, std::string_view reason, unsigned version,
                         bool keep_alive) {
    http_response res{static_cast<http::status>(status), version};
    res.set(http::field::content_type, "application/json");
    res.set(http::field::cache_control, "no-store");
    nlohmann::json body = {{"error", reason}};
    res.body() = body.dump();
    res.keep_alive(keep_alive);
    return res;
}

}  // namespace cwc::gateway
