// HMAC (RFC 2104), the one keyed hash of the gateway: SHA-256 for pseudonyms, the blind index of
// numbers, record digests and the derivation of keys from key files; SHA-1 for Twilio's
// request signatures.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace cwc::messages {

// HMAC-SHA256(key, data). Each thread keeps the padded-key state of the last few keys it used,
// since OpenSSL's one-shot HMAC sets the key up again on every call (about three times the cost
// of the hash itself) and the store writer hashes several values per message under the same
// three or four keys. Throws std::runtime_error if OpenSSL fails.
std::array<unsigned char, 32> hmac_sha256_bytes(std::string_view key, std::string_view data);

// The same 32 bytes as a string.
std::string hmac_sha256(std::string_view key, std::string_view data);

// HMAC-SHA1(key, data), kept the same way (a webhook's signature is checked per request under
// its channel's token).
std::array<unsigned char, 20> hmac_sha1_bytes(std::string_view key, std::string_view data);

}  // namespace cwc::messages
