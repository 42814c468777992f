// Deployment secrets kept in files (pseudonym, address and audit keys): owner-only, made once
// with the database they protect, and never made again for a database that already needs them.
#pragma once

#include "config/config.hpp"

#include <string>
#include <string_view>

namespace cwc::gateway {

// Reads the key (hex text); creates 32 random bytes as hex, mode 0600, if the file is absent.
// Throws std::runtime_error naming the file when it cannot be read or created.
std::string load_or_create_key(const std::string& path);

// A secret whose leak would let someone forge the records it vouches for (the audit key): as
// load_or_create_key, but a file that group or others may read or write is refused, and with
// `create` false an absent file is an error too (verification never makes a key of its own).
std::string load_private_key(const std::string& path, bool create);

// server.pseudonym_key_file / server.address_key_file, or "<database>.pseudonym-key" /
// "<database>.address-key" when empty.
std::string pseudonym_key_path(const config::server_settings& server, const std::string& database);
std::string address_key_path(const config::server_settings& server, const std::string& database);

// A key as `serve` loads it: load_private_key, with an absent file created only when `create`
// (the database holds nothing the key protects yet: its first start). Otherwise an absent file is
// an error that tells the operator to restore it: a new key would silently stop matching the
// pseudonyms, ciphertexts or digests already stored. `what` names the key and its config path.
std::string load_deployment_key(const std::string& path, std::string_view what, bool create);

}  // namespace cwc::gateway
