// The audit chain's signed heads: the keys `serve` and `cwc-gateway audit` load from the audit
// key file, the signing of the chain's newest entry, and the daily task that does it on the
// store writer so an auditor always has a recent head to keep.
#pragma once

#include "config/config.hpp"
#include "gateway/store_writer.hpp"
#include "messages/audit_keys.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace cwc::gateway {

// server.audit_key_file, or "<database>.audit-key" when it is empty.
std::string audit_key_path(const config::server_settings& server, const std::string& database);

// The keys derived from the file (gateway/key_file.hpp load_private_key: 0600, created only when
// `create`). Throws std::runtime_error naming the file.
messages::audit_keys load_audit_keys(const std::string& path, bool create);

// Signs the chain's newest entry as of `now` and stores the head (in the caller's unit); nothing
// when the chain is empty.
std::optional<messages::signed_head> sign_audit_head(messages::store& s,
                                                     const messages::audit_keys& keys,
                                                     messages::timestamp now);

// Whether the daily task signs at `now`: entries were added since the last signed head, and that
// head is at least a day old (or there is none yet).
bool head_signing_due(const std::optional<messages::audit_head>& head,
                      const std::optional<messages::signed_head>& last, messages::timestamp now);

// A head as `cwc-gateway audit heads` prints it (one JSON line each): seq, hash, signed_at
// (RFC 3339), signed_at_ms (what the signature covers), public_key, signature.
nlohmann::json head_json(const messages::signed_head& h);

// Looks every hour (and at start) until the io_context stops; signs when head_signing_due.
boost::asio::awaitable<void> run_audit_signing(store_writer& writer, messages::audit_keys keys);

}  // namespace cwc::gateway
