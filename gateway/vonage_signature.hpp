// Vonage's signed webhooks (PROVIDERS.md §4.2): every parameter but `sig`, sorted by name, as
// "&name=value" with '&' and '=' inside values replaced by '_'; then md5(string + secret) (the
// dashboard's default "MD5 hash") or an HMAC keyed with the secret, in lower-case hex.
#pragma once

#include "gateway/form_urlencoded.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

enum class vonage_signature_method { md5hash, md5_hmac, sha1_hmac, sha256_hmac, sha512_hmac };

// The channel option signature_method: "md5hash" (also the default when empty), "md5", "sha1",
// "sha256", "sha512" (the HMAC variants). nullopt for anything else.
std::optional<vonage_signature_method> parse_vonage_signature_method(std::string_view name);

// The string that is hashed: "&keyword=HELLO&messageId=…" (a `sig` field is left out).
std::string vonage_signing_string(const form_fields& params);

// Lower-case hex; "" only if OpenSSL fails (and then nothing verifies).
std::string vonage_signature(const form_fields& params, std::string_view secret,
                             vonage_signature_method method);

// Case-insensitive, constant-time comparison with `given`; an empty secret or `given` never
// verifies.
bool verify_vonage_signature(const form_fields& params, std::string_view secret,
                             vonage_signature_method method, std::string_view given);

}  // namespace cwc::gateway
