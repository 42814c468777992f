// `cwc-gateway serve`: wires config, store writer, webhook routes, HTTP(S) server and dispatcher,
// then runs until SIGINT/SIGTERM, when it stops accepting, lets requests in flight finish within
// a grace period, and stops (the writer drains its queue before the process exits). SIGHUP
// reloads the configuration file (gateway/live_config.hpp).
#include "gateway/app_log.hpp"
#include "gateway/broadcast_completion.hpp"
#include "gateway/channel_runtime.hpp"
#include "gateway/commands.hpp"
#include "gateway/config_reload.hpp"
#include "gateway/database_lock.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/http_server.hpp"
#include "gateway/key_file.hpp"
#include "gateway/live_config.hpp"
#include "gateway/media_fetcher.hpp"
#include "gateway/officers_service.hpp"
#include "gateway/audit_signing.hpp"
#include "gateway/periodic_tasks.hpp"
#include "gateway/service_slot.hpp"
#include "gateway/store_writer.hpp"
#include "gateway/webhook_service.hpp"
#include "config/load.hpp"
#include "messages/api_tokens.hpp"
#include "messages/keyed_data.hpp"
#include "messages/sqlite_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/url/parse.hpp>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace cwc::gateway {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {


tcp::endpoint parse_listen(const std::string& listen) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos) throw std::runtime_error("--listen must be HOST:PORT, got " + listen);
    auto host = listen.substr(0, colon);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto port = std::stoi(listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::runtime_error("port out of range in " + listen);
    return {net::ip::make_address(host), static_cast<unsigned short>(port)};
}

std::string endpoint_url(bool tls, const tcp::endpoint& ep) {
    auto addr = ep.address().to_string();
    if (ep.address().is_v6()) addr = "[" + addr + "]";
    return std::string(tls ? "https://" : "http://") + addr + ":" + std::to_string(ep.port());
}

std::shared_ptr<net::ssl::context> server_tls(const config::tls_settings& tls) {
    if (tls.certificate_file.empty()) return nullptr;
    auto ctx = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
    ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                     net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                     net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
    auto load = [](const std::string& what, const std::string& file, auto&& use) {
        try {
            use(file);
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot use TLS " + what + " " + file + ": " + e.what());
        }
    };
    load("certificate chain (server.tls.certificate_file)", tls.certificate_file,
         [&](const std::string& f) { ctx->use_certificate_chain_file(f); });
    load("private key (server.tls.private_key_file)", tls.private_key_file,
         [&](const std::string& f) { ctx->use_private_key_file(f, net::ssl::context::pem); });
    return ctx;
}

// A service built on one snapshot, keeping it alive for as long as a request holds the service.
template <typename Service>
struct bound_service {
    std::shared_ptr<const config_snapshot> snapshot;
    Service service;
    template <typename... Args>
    explicit bound_service(std::shared_ptr<const config_snapshot> s, Args&&... args)
        : snapshot(std::move(s)), service(*snapshot->cfg, std::forward<Args>(args)...) {}
};

template <typename Service, typename... Args>
std::shared_ptr<Service> bind_service(std::shared_ptr<const config_snapshot> snapshot, Args&&... args) {
    auto b = std::make_shared<bound_service<Service>>(std::move(snapshot), std::forward<Args>(args)...);
    return std::shared_ptr<Service>(b, &b->service);
}

// SIGHUP, again and again until the io_context stops.
void on_hangup(net::signal_set& hangups, live_config& live) {
    hangups.async_wait([&hangups, &live](const boost::system::error_code& ec, int) {
        if (ec) return;
        log_event(log_level::info, "config.reload_requested", {{"signal", "SIGHUP"}});
        try {
            live.reload([](const char* name) { return std::getenv(name); });
        } catch (const std::exception& e) {
            log_event(log_level::error, "config.reload_failed", {{"what", e.what()}});
        }
        on_hangup(hangups, live);
    });
}

// Waits for requests in flight (on both listeners) to finish, or the grace period
// (server.shutdown_grace_seconds), then stops the io_context. A request cut off then was never
// answered 2xx, so its provider retries it; a send cut off is recovered at the next start.
net::awaitable<void> drain_then_stop(net::io_context& io, http_server& server, http_server* officers,
                                     dispatcher& sender, media_fetcher& fetcher, std::chrono::seconds grace) {
    server.stop_accepting();
    if (officers) officers->stop_accepting();
    sender.stop();
    fetcher.stop();
    auto requests = [&] { return server.active_requests() + (officers ? officers->active_requests() : 0); };
    log_event(log_level::info, "shutdown.draining",
              {{"grace_seconds", grace.count()}, {"requests", requests()}, {"sends", sender.sends_in_flight()}});
    const auto deadline = std::chrono::steady_clock::now() + grace;
    net::steady_timer timer(io);
    // Sends in flight finish too: killed mid-send they would wait out the reconcile time.
    while ((requests() > 0 || sender.sends_in_flight() > 0) && std::chrono::steady_clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        co_await timer.async_wait(net::use_awaitable);
    }
    log_event(log_level::info, "shutdown",
              {{"unfinished_requests", requests()}, {"unfinished_sends", sender.sends_in_flight()}});
    io.stop();
}

}  // namespace

int run_serve(const serve_options& options) {
    log_level level{};
    if (parse_log_level(options.log_level, level)) set_log_level(level);

    auto file = read_config_file(options.config_file);
    auto& loaded = file.loaded;
    for (const auto& w : loaded.warnings) log_event(log_level::warn, "config.warning", {{"problem", config::to_string(w)}});
    if (!loaded.value) {
        for (const auto& e : loaded.errors) std::cerr << "config error: " << config::to_string(e) << "\n";
        return 2;
    }
    const env_lookup getenv_lookup = [](const char* name) { return std::getenv(name); };
    // Kept to the end: the dispatcher's start settings and the one-off tasks refer to it.
    const auto start = first_snapshot(std::move(*loaded.value), file.digest, getenv_lookup);
    const config::config& cfg = *start->cfg;
    auto server_cfg = cfg.server;
    if (!options.listen.empty()) server_cfg.listen = options.listen;
    if (!options.database.empty()) server_cfg.database = options.database;

    auto tls = server_tls(server_cfg.tls);  // before the store: a bad file leaves nothing behind
    // Held until exit: `restore` (or a second serve) must not touch a database in use.
    std::string holder;
    const auto held = database_lock::try_take(server_cfg.database, holder);
    if (!held) {
        std::cerr << "serve: another gateway (" << holder << ") is running on " << server_cfg.database << "\n";
        return 2;
    }
    // Keys are made only with a database that holds nothing they protect (its first start); for
    // any other a missing key stops serve: a new one would silently break pseudonyms, addresses
    // and the audit chain. Each is refused when group or others may read it.
    const bool first_start = !messages::holds_keyed_data(server_cfg.database);
    const auto pseudonym_key = load_deployment_key(pseudonym_key_path(server_cfg, server_cfg.database),
                                                   "pseudonym key (server.pseudonym_key_file)", first_start);
    const auto address_key = load_deployment_key(address_key_path(server_cfg, server_cfg.database),
                                                 "address key (server.address_key_file)", first_start);
    load_deployment_key(audit_key_path(server_cfg, server_cfg.database), "audit key (server.audit_key_file)",
                        first_start);
    // Declared before the writer, so it outlives it: the writer's destructor still runs queued
    // units (they refer to suspended request coroutines) and posts their completions here.
    net::io_context io;
    // The audit key vouches for records and heads: loaded (or made) before anything is written.
    const auto audit_keys = load_audit_keys(audit_key_path(server_cfg, server_cfg.database), false);
    store_writer writer(messages::open_sqlite_store(server_cfg.database, pseudonym_key,
                                                    audit_keys.record_digest_key, address_key));
    writer.complete_through([&io](std::function<void()> f) { net::post(io, std::move(f)); });

    const auto& channels = start->channels;
    const auto listen_on = parse_listen(server_cfg.listen);
    // Each request keeps the webhook service (and the configuration) it arrived on.
    service_slot webhooks(bind_service<webhook_service>(start, channels, "", writer));
    http_server server(io, listen_on, webhooks,
                       {server_cfg.max_header_bytes, std::chrono::seconds(server_cfg.read_timeout_seconds),
                        std::chrono::seconds(server_cfg.idle_timeout_seconds), std::chrono::seconds(10)},
                       tls);
    // An ephemeral port cannot be known in advance: then the bound address is the public URL.
    std::string public_url = options.public_url;
    if (public_url.empty()) public_url = listen_on.port() == 0 ? endpoint_url(tls != nullptr, server.local_endpoint())
                                                               : server_cfg.public_url;
    while (!public_url.empty() && public_url.back() == '/') public_url.pop_back();
    auto webhooks_for = [&writer, public_url](std::shared_ptr<const config_snapshot> snap) {
        auto service = bind_service<webhook_service>(snap, snap->channels, public_url, writer);
        return std::shared_ptr<http_service>(std::move(service));
    };
    webhooks.replace(webhooks_for(start));
    if (tls && public_url.rfind("https://", 0) != 0)
        log_event(log_level::warn, "config.public_url_mismatch",
                  {{"public_url", public_url},
                   {"effect", "the server speaks TLS but the public URL is not https://: provider "
                              "signatures will not verify; pass --public-url https://..."}});

    dispatcher_settings outbound;
    outbound.reconcile_after = std::chrono::seconds(options.reconcile_seconds);
    outbound.credentials_pause = std::chrono::seconds(options.credentials_pause_seconds);
    outbound.broadcasts_config = &cfg;
    dispatcher sender(io, writer, channels, public_url, outbound);
    // A message that brought media gets a reply too, so the same commit wakes the fetcher (it
    // also polls, for retries and the odd message answered with nothing).
    media_fetcher_settings media;
    media.max_bytes = server_cfg.media.max_bytes;
    media_fetcher fetcher(io, writer, channels, media);
    writer.on_outbox_grew([&sender, &fetcher] {
        sender.wake();
        fetcher.wake();
    });

    // The officers' API listens apart from the public webhooks (default 127.0.0.1:8081), with
    // the server's TLS settings; "" in the config turns it off.
    const std::string officers_listen =
        options.officers_listen.empty() ? cfg.officers.listen : options.officers_listen;
    std::unique_ptr<messages::api_tokens> tokens;
    std::unique_ptr<service_slot> officers;
    std::unique_ptr<http_server> officers_server;
    live_config::service_factory officers_for = [&](std::shared_ptr<const config_snapshot> snap) {
        auto service = bind_service<officers_service>(snap, writer, *tokens, server_cfg.database);
        if (!options.web_dir.empty()) service->serve_desk_from(options.web_dir);
        service->use_audit_keys(audit_keys);
        return std::shared_ptr<http_service>(std::move(service));
    };
    // Failing to listen there leaves the public webhooks up: people must still be answered.
    if (!officers_listen.empty()) try {
        tokens = std::make_unique<messages::api_tokens>(server_cfg.database);
        officers = std::make_unique<service_slot>(officers_for(start));
        officers_server = std::make_unique<http_server>(
            io, parse_listen(officers_listen), *officers,
            http_server_limits{server_cfg.max_header_bytes,
                               std::chrono::seconds(server_cfg.read_timeout_seconds),
                               std::chrono::seconds(server_cfg.idle_timeout_seconds),
                               std::chrono::seconds(10)},
            tls);
    } catch (const std::exception& e) {
        log_event(log_level::error, "officers.not_listening",
                  {{"listen", officers_listen}, {"what", e.what()}});
        officers_server.reset();
    }

    periodic_tasks tasks(io, writer, server_cfg.database);
    live_config live(options.config_file, start, writer,
                     {&webhooks, webhooks_for, officers_server ? officers.get() : nullptr, officers_for,
                      &sender, &fetcher, &tasks});
    net::signal_set hangups(io, SIGHUP);
    on_hangup(hangups, live);
    net::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        hangups.cancel();  // no reload while draining
        if (ec) return;
        const std::chrono::seconds grace(live.current()->cfg->server.shutdown_grace_seconds);
        net::co_spawn(io, drain_then_stop(io, server, officers_server.get(), sender, fetcher, grace), net::detached);
    });
    server.start();
    sender.start();
    if (server_cfg.media.fetch) fetcher.start();
    tasks.run_on(start);  // multi-part sweep, focal point and operators' alerts, retention: again at each reload
    net::co_spawn(io, run_audit_signing(writer, audit_keys), net::detached);
    net::co_spawn(io, resume_interrupted_broadcasts(writer, cfg, server_cfg.database), net::detached);
    net::co_spawn(io, run_broadcast_completion(writer, server_cfg.database), net::detached);
    if (officers_server) {
        officers_server->start();
        const auto at = officers_server->local_endpoint();
        log_event(log_level::info, "officers_listening",
                  {{"address", at.address().to_string() + ":" + std::to_string(at.port())},
                   {"tls", tls != nullptr}});
    }
    log_event(log_level::info, "listening",
              {{"address", server.local_endpoint().address().to_string() + ":" + std::to_string(server.local_endpoint().port())},
               {"tls", tls != nullptr}, {"public_url", public_url}, {"database", server_cfg.database},
               {"channels", cfg.channels.size()}});

    const auto threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
    writer.on_outbox_grew(nullptr);
    return 0;
}

}  // namespace cwc::gateway
