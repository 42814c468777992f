// Officers' API tokens on their own SQLite connection. Secrets come from OpenSSL's CSPRNG and
// only their SHA-256 reaches the file; a lookup by that hash leaks nothing about the secret
// through timing. Uses of a token touch the row at most once a minute.
#include "messages/api_tokens.hpp"

#include "messages/media.hpp"
#include "messages/sqlite_audit.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <openssl/rand.h>
#include <nlohmann/json.hpp>

#include <array>

namespace cwc::messages {
namespace {

constexpr std::int64_t touch_interval_ms = 60'000;

std::string base64url(std::span<const unsigned char> bytes) {
    static constexpr char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const unsigned char b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += alphabet[(buffer >> bits) & 0x3F];
        }
    }
    if (bits > 0) out += alphabet[(buffer << (6 - bits)) & 0x3F];
    return out;
}

bool well_formed(std::string_view secret) {
    if (secret.size() != token_length || secret.substr(0, token_prefix.size()) != token_prefix)
        return false;
    for (const char c : secret.substr(token_prefix.size())) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::optional<timestamp> optional_time(const sqlite::query& q, int column) {
    const std::int64_t ms = q.int_at(column);
    if (ms == 0) return std::nullopt;
    return from_unix_ms(ms);
}

constexpr std::string_view info_columns =
    "id, name, role, organisation, created_at, expires_at, revoked_at, last_used_at";

api_token_info info_from(const sqlite::query& q) {
    api_token_info t;
    t.id = q.int_at(0);
    t.name = q.text_at(1);
    t.what = role_named(q.text_at(2)).value_or(role::auditor);
    t.organisation = q.text_at(3);
    t.created_at = from_unix_ms(q.int_at(4));
    t.expires_at = from_unix_ms(q.int_at(5));
    t.revoked_at = optional_time(q, 6);
    t.last_used_at = optional_time(q, 7);
    return t;
}

}  // namespace

std::string token_hash(std::string_view secret) {
    return sha256_hex(secret);
}

api_tokens::api_tokens(const std::string& database_path)
    : db_{std::make_unique<sqlite::connection>(database_path,
                                               sqlite::connection::mode::read_write)} {
    db_->exec("PRAGMA busy_timeout = 5000");
    const auto journal = db_->pragma_text("PRAGMA journal_mode = WAL");
    if (journal != "wal" && journal != "memory")
        throw store_error("sqlite: WAL journal mode not available for api_tokens");
    db_->exec("PRAGMA synchronous = FULL");
    sqlite::migrate(*db_, system_now(), false);
}

api_tokens::~api_tokens() = default;

new_api_token api_tokens::create(const officer& o, timestamp now, timestamp expires_at,
                                 std::string_view actor) {
    std::array<unsigned char, 32> random{};
    if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
        throw store_error("api_tokens: no random bytes from OpenSSL");
    new_api_token t;
    t.secret = std::string(token_prefix) + base64url(random);
    t.info.name = o.name;
    t.info.what = o.what;
    t.info.organisation = o.organisation;
    t.info.created_at = now;
    t.info.expires_at = expires_at;

    std::lock_guard lock(mutex_);
    sqlite::write_scope tx{*db_};
    db_->prepare(
           "INSERT INTO api_tokens (secret_hash, name, role, organisation, created_at, "
           "expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
           token_hash(t.secret), o.name, std::string(role_name(o.what)), o.organisation,
           to_unix_ms(now), to_unix_ms(expires_at))
        .run();
    t.info.id = db_->last_insert_id();
    const nlohmann::json detail = {{"name", o.name},
                                   {"role", role_name(o.what)},
                                   {"organisation", o.organisation},
                                   {"expires_at", to_unix_ms(expires_at)}};
    sqlite::append_audit_entry(*db_, {now, std::string(actor), "token.created",
                                      "token:" + std::to_string(t.info.id), detail.dump()});
    tx.commit();
    return t;
}

std::optional<officer> api_tokens::authenticate(std::string_view secret, timestamp now) {
    if (!well_formed(secret)) return std::nullopt;
    std::lock_guard lock(mutex_);
    officer o;
    std::int64_t last_used = 0;
    {
        sqlite::query q = db_->prepare(
            "SELECT id, name, role, organisation, expires_at, revoked_at, last_used_at "
            "FROM api_tokens WHERE secret_hash = ?1",
            token_hash(secret));
        if (!q.step()) return std::nullopt;
        if (q.int_at(5) != 0 || q.int_at(4) <= to_unix_ms(now)) return std::nullopt;
        const auto what = role_named(q.text_at(2));
        if (!what) return std::nullopt;
        o.token_id = q.int_at(0);
        o.name = q.text_at(1);
        o.what = *what;
        o.organisation = q.text_at(3);
        last_used = q.int_at(6);
    }
    if (to_unix_ms(now) - last_used >= touch_interval_ms) {
        try {
            db_->prepare("UPDATE api_tokens SET last_used_at = ?1 WHERE id = ?2", to_unix_ms(now),
                         o.token_id)
                .run();
        } catch (const store_error&) {
            // Busy past the timeout: the last use is a convenience, the request still counts.
        }
    }
    return o;
}

std::vector<api_token_info> api_tokens::list() {
    std::lock_guard lock(mutex_);
    std::vector<api_token_info> out;
    sqlite::query q =
        db_->prepare("SELECT " + std::string(info_columns) + " FROM api_tokens ORDER BY id");
    while (q.step()) out.push_back(info_from(q));
    return out;
}

std::optional<api_token_info> api_tokens::find(std::int64_t id) {
    std::lock_guard lock(mutex_);
    sqlite::query q =
        db_->prepare("SELECT " + std::string(info_columns) + " FROM api_tokens WHERE id = ?1", id);
    if (!q.step()) return std::nullopt;
    return info_from(q);
}

revoke_outcome api_tokens::revoke(std::int64_t id, timestamp now, std::string_view actor) {
    std::lock_guard lock(mutex_);
    sqlite::write_scope tx{*db_};
    std::int64_t revoked_at = 0;
    {
        sqlite::query q = db_->prepare("SELECT revoked_at FROM api_tokens WHERE id = ?1", id);
        if (!q.step()) return revoke_outcome::not_found;
        revoked_at = q.int_at(0);
    }
    if (revoked_at != 0) return revoke_outcome::already_revoked;
    db_->prepare("UPDATE api_tokens SET revoked_at = ?1 WHERE id = ?2", to_unix_ms(now), id).run();
    sqlite::append_audit_entry(
        *db_, {now, std::string(actor), "token.revoked", "token:" + std::to_string(id), "{}"});
    tx.commit();
    return revoke_outcome::revoked;
}

}  // namespace cwc::messages
