// Keyed pseudonyms: HMAC-SHA256 keeps them stable within a deployment and unlinkable without the
// key, so a leaked report cannot be joined back to phone numbers by hashing a number list.
#include "messages/pseudonym.hpp"

#include "messages/hex.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <stdexcept>

namespace cwc::messages {

std::string pseudonym(std::string_view key, std::string_view address) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    // An empty string_view may carry a null pointer, which OpenSSL reads as "no key".
    static constexpr char empty[] = "";
    const char* key_bytes = key.empty() ? empty : key.data();
    const char* data_bytes = address.empty() ? empty : address.data();
    if (HMAC(EVP_sha256(), key_bytes, static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(data_bytes), address.size(), digest.data(),
             &length) == nullptr ||
        length < 8) {
        throw std::runtime_error("pseudonym: HMAC-SHA256 failed");
    }
    return "p_" + lower_hex(std::span{digest}.first(8));
}

}  // namespace cwc::messages
