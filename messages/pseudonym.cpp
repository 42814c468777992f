// Keyed pseudonyms: HMAC-SHA256 keeps them stable within a deployment and unlinkable without the
// key, so a leaked report cannot be joined back to phone numbers by hashing a number list.
#include "messages/pseudonym.hpp"

#include "messages/hex.hpp"
#include "messages/hmac.hpp"

#include <span>

namespace cwc::messages {

std::string pseudonym(std::string_view key, std::string_view address) {
    const auto mac = hmac_sha256_bytes(key, address);
    return "p_" + lower_hex(std::span{mac}.first(8));
}

}  // namespace cwc::messages
