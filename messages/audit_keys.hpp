// The audit keys of a deployment, all derived from one secret kept outside the database (the
// audit key file), and the Ed25519 signature of a chain head. The derivation is documented here
// so an auditor holding the secret can recompute every key with standard tools.
#pragma once

#include "messages/hmac.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace cwc::messages {

// secret: the key file's text as load_or_create_key returns it (64 hex digits when created by
// the gateway; the text itself is the HMAC key, not the bytes it spells).
//   record_digest_key = HMAC-SHA256(secret, "cwc-gateway audit record-digest v1")
//   signing_seed      = HMAC-SHA256(secret, "cwc-gateway audit head-signing v1")
//                       (the 32-byte Ed25519 private key, RFC 8032)
//   public_key        = lower hex of the Ed25519 public key of signing_seed (64 digits)
struct audit_keys {
    std::string record_digest_key;  // 32 raw bytes
    std::string signing_seed;       // 32 raw bytes
    std::string public_key;         // hex
};
// Throws std::invalid_argument for an empty secret, std::runtime_error if OpenSSL fails.
audit_keys derive_audit_keys(std::string_view secret);

// What a signed head states, as signed (UTF-8, no trailing newline):
//   "cwc-gateway audit head v1\n" <seq> "\n" <hash> "\n" <signed_at, epoch ms>
std::string head_statement(std::int64_t seq, std::string_view hash, std::int64_t signed_at_ms);

// Ed25519 signature of `statement` as lower hex (128 digits).
std::string sign_statement(const audit_keys& keys, std::string_view statement);

// True when `signature_hex` is a valid Ed25519 signature of `statement` under `public_key_hex`;
// false for any malformed key or signature (never throws for bad input).
bool signature_valid(std::string_view public_key_hex, std::string_view statement,
                     std::string_view signature_hex);

}  // namespace cwc::messages
