// Officers' API tokens: random, shown once as "cwc_<base64url>", stored as the SHA-256 of the
// secret only, expiring, revocable, never deleted. Works on a SQLite connection of its own (WAL,
// busy timeout), so the CLI can create and revoke tokens while the gateway runs; creation and
// revocation join the store's audit chain. Thread-safe (one connection behind a mutex); throws
// store_error on infrastructure failure.
#pragma once

#include "messages/officer.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

namespace sqlite {
class connection;
}

// What is kept of a token; never its secret.
struct api_token_info {
    std::int64_t id = 0;
    std::string name;  // the person it was given to
    role what = role::auditor;
    std::string organisation;
    timestamp created_at{}, expires_at{};
    std::optional<timestamp> revoked_at, last_used_at;
};

struct new_api_token {
    api_token_info info;
    std::string secret;  // "cwc_…": shown once, not stored
};

enum class revoke_outcome { revoked, not_found, already_revoked };

// "cwc_" + base64url (no padding) of 32 random bytes: 47 characters.
inline constexpr std::string_view token_prefix = "cwc_";
inline constexpr std::size_t token_length = 47;
// Lower-case hex SHA-256 of the whole secret (prefix included): the stored form.
std::string token_hash(std::string_view secret);

class api_tokens {
  public:
    // Opens (creating and migrating if needed) the store's database file.
    explicit api_tokens(const std::string& database_path);
    ~api_tokens();
    api_tokens(const api_tokens&) = delete;
    api_tokens& operator=(const api_tokens&) = delete;

    // A new token for `o` (its token_id is ignored) valid until `expires_at`; audited
    // "token.created" by `actor`. Role and organisation are the caller's to validate.
    new_api_token create(const officer& o, timestamp now, timestamp expires_at,
                         std::string_view actor);
    // The officer a secret names, if it is known, unexpired at `now` and not revoked. Records
    // the use (last_used_at), at most once a minute per token so reads stay reads.
    std::optional<officer> authenticate(std::string_view secret, timestamp now);
    std::vector<api_token_info> list();  // by id
    std::optional<api_token_info> find(std::int64_t id);
    // Audited "token.revoked" by `actor`; a revoked token stays listed.
    revoke_outcome revoke(std::int64_t id, timestamp now, std::string_view actor);

  private:
    std::mutex mutex_;
    std::unique_ptr<sqlite::connection> db_;
};

}  // namespace cwc::messages
