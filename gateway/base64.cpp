// Base64 by OpenSSL's EVP_EncodeBlock: OpenSSL is linked for TLS and HMAC anyway, and its encoder
// is better tested than a table of our own.
#include "gateway/base64.hpp"

#include <openssl/evp.h>

namespace cwc::gateway {

std::string base64(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock writes a trailing NUL
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                        reinterpret_cast<const unsigned char*>(raw.data()),
                                        static_cast<int>(raw.size()));
    out.resize(written < 0 ? 0 : static_cast<std::size_t>(written));
    return out;
}

}  // namespace cwc::gateway
