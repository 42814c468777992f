// Vonage webhook signatures (PROVIDERS.md §4.2), computed as the official SDK verifies them so the
// test vectors there hold byte for byte.
#include "gateway/vonage_signature.hpp"

#include "messages/hex.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace cwc::gateway {
namespace {

const EVP_MD* digest_of(vonage_signature_method method) {
    switch (method) {
        case vonage_signature_method::md5hash:
        case vonage_signature_method::md5_hmac:
            return EVP_md5();
        case vonage_signature_method::sha1_hmac:
            return EVP_sha1();
        case vonage_signature_method::sha256_hmac:
            return EVP_sha256();
        case vonage_signature_method::sha512_hmac:
            return EVP_sha512();
    }
    return EVP_md5();
}

}  // namespace

std::optional<vonage_signature_method> parse_vonage_signature_method(std::string_view name) {
    if (name.empty() || name == "md5hash") return vonage_signature_method::md5hash;
    if (name == "md5") return vonage_signature_method::md5_hmac;
    if (name == "sha1") return vonage_signature_method::sha1_hmac;
    if (name == "sha256") return vonage_signature_method::sha256_hmac;
    if (name == "sha512") return vonage_signature_method::sha512_hmac;
    return std::nullopt;
}

std::string vonage_signing_string(const form_fields& params) {
    std::vector<const form_field*> sorted;
    sorted.reserve(params.size());
    for (const auto& field : params)
        if (field.name != "sig") sorted.push_back(&field);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const form_field* a, const form_field* b) { return a->name < b->name; });
    std::string out;
    for (const auto* field : sorted) {
        out += '&';
        out += field->name;
        out += '=';
        // A value cannot fake another pair: its separators are neutralised.
        for (const char c : field->value) out += (c == '&' || c == '=') ? '_' : c;
    }
    return out;
}

std::string vonage_signature(const form_fields& params, std::string_view secret,
                             vonage_signature_method method) {
    const std::string text = vonage_signing_string(params);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (method == vonage_signature_method::md5hash) {
        const std::string salted = text + std::string{secret};
        if (EVP_Digest(salted.data(), salted.size(), digest.data(), &size, EVP_md5(), nullptr) != 1)
            return {};
    } else {
        const char* key = secret.empty() ? "" : secret.data();  // OpenSSL 3 refuses a null key
        if (HMAC(digest_of(method), key, static_cast<int>(secret.size()),
                 reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data(),
                 &size) == nullptr)
            return {};
    }
    return messages::lower_hex({digest.data(), size});
}

bool verify_vonage_signature(const form_fields& params, std::string_view secret,
                             vonage_signature_method method, std::string_view given) {
    if (secret.empty() || given.empty()) return false;
    const std::string expected = vonage_signature(params, secret, method);
    if (expected.empty() || expected.size() != given.size()) return false;
    std::string lowered{given};
    for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return CRYPTO_memcmp(expected.data(), lowered.data(), expected.size()) == 0;
}

}  // namespace cwc::gateway
