// Signed heads of the audit chain. The daily task asks the writer once an hour whether a day has
// passed since the last head and the chain has moved since; only then does it sign (one row).
#include "gateway/audit_signing.hpp"

#include "gateway/app_log.hpp"
#include "gateway/key_file.hpp"
#include "gateway/rfc3339.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace cwc::gateway {

std::string audit_key_path(const config::server_settings& server, const std::string& database) {
    return server.audit_key_file.empty() ? database + ".audit-key" : server.audit_key_file;
}

messages::audit_keys load_audit_keys(const std::string& path, bool create) {
    return messages::derive_audit_keys(load_private_key(path, create));
}

std::optional<messages::signed_head> sign_audit_head(messages::store& s,
                                                     const messages::audit_keys& keys,
                                                     messages::timestamp now) {
    const auto head = s.last_audit_head();
    if (!head) return std::nullopt;
    messages::signed_head h{head->seq, head->hash, now, keys.public_key, ""};
    h.signature = messages::sign_statement(
        keys, messages::head_statement(h.seq, h.hash, messages::to_unix_ms(now)));
    s.save_signed_head(h);
    return h;
}

bool head_signing_due(const std::optional<messages::audit_head>& head,
                      const std::optional<messages::signed_head>& last, messages::timestamp now) {
    if (!head) return false;
    if (!last) return true;
    return head->seq != last->seq && now - last->signed_at >= std::chrono::hours{24};
}

nlohmann::json head_json(const messages::signed_head& h) {
    return {{"seq", h.seq},
            {"hash", h.hash},
            {"signed_at", rfc3339(h.signed_at)},
            {"signed_at_ms", messages::to_unix_ms(h.signed_at)},
            {"public_key", h.public_key},
            {"signature", h.signature}};
}

boost::asio::awaitable<void> run_audit_signing(store_writer& writer, messages::audit_keys keys) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    for (;;) {
        std::optional<messages::signed_head> signed_now;
        auto failure = co_await writer.run([&](messages::store& s) {
            const auto now = messages::system_now();
            if (head_signing_due(s.last_audit_head(), s.last_signed_head(), now))
                signed_now = sign_audit_head(s, keys, now);
        });
        if (failure)
            log_event(log_level::error, "audit.head_not_signed", {{"what", "the store refused the unit"}});
        else if (signed_now)
            log_event(log_level::info, "audit.head_signed",
                      {{"seq", signed_now->seq}, {"hash", signed_now->hash}});
        timer.expires_after(std::chrono::hours{1});
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
    }
}

}  // namespace cwc::gateway
