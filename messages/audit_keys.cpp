// Audit key derivation (HMAC with labels) and Ed25519 signing of chain heads through OpenSSL's
// EVP interface: the private key is the raw 32-byte seed, so the same secret always gives the
// same key pair and nothing but the key file needs keeping.
#include "messages/audit_keys.hpp"

#include "messages/hex.hpp"

#include <openssl/evp.h>

#include <array>
#include <memory>
#include <optional>
#include <stdexcept>

namespace cwc::messages {
namespace {

constexpr std::size_t ed25519_key_bytes = 32;
constexpr std::size_t ed25519_signature_bytes = 64;

struct pkey_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

const unsigned char* bytes_of(std::string_view s) {
    static constexpr unsigned char empty[1] = {0};
    return s.empty() ? empty : reinterpret_cast<const unsigned char*>(s.data());
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    const auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    std::string out;
    out.reserve(hex.size() / 2);
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out += static_cast<char>((hi << 4) | lo);
    }
    return out;
}

pkey_ptr private_key(std::string_view seed) {
    pkey_ptr key{EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes_of(seed), seed.size())};
    if (!key) throw std::runtime_error("audit keys: Ed25519 private key rejected");
    return key;
}

}  // namespace

audit_keys derive_audit_keys(std::string_view secret) {
    if (secret.empty()) throw std::invalid_argument("audit keys: empty secret");
    audit_keys keys;
    keys.record_digest_key = hmac_sha256(secret, "cwc-gateway audit record-digest v1");
    keys.signing_seed = hmac_sha256(secret, "cwc-gateway audit head-signing v1");
    const auto key = private_key(keys.signing_seed);
    std::array<unsigned char, ed25519_key_bytes> public_raw{};
    std::size_t length = public_raw.size();
    if (EVP_PKEY_get_raw_public_key(key.get(), public_raw.data(), &length) != 1 ||
        length != public_raw.size()) {
        throw std::runtime_error("audit keys: no Ed25519 public key");
    }
    keys.public_key = lower_hex(public_raw);
    return keys;
}

std::string head_statement(std::int64_t seq, std::string_view hash, std::int64_t signed_at_ms) {
    std::string s = "cwc-gateway audit head v1\n";
    s.append(std::to_string(seq)).append("\n").append(hash).append("\n");
    s.append(std::to_string(signed_at_ms));
    return s;
}

std::string sign_statement(const audit_keys& keys, std::string_view statement) {
    const auto key = private_key(keys.signing_seed);
    md_ctx_ptr ctx{EVP_MD_CTX_new()};
    std::array<unsigned char, ed25519_signature_bytes> signature{};
    std::size_t length = signature.size();
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), signature.data(), &length, bytes_of(statement),
                       statement.size()) != 1 ||
        length != signature.size()) {
        throw std::runtime_error("audit keys: Ed25519 signing failed");
    }
    return lower_hex(signature);
}

bool signature_valid(std::string_view public_key_hex, std::string_view statement,
                     std::string_view signature_hex) {
    const auto public_raw = from_hex(public_key_hex);
    const auto signature = from_hex(signature_hex);
    if (!public_raw || public_raw->size() != ed25519_key_bytes || !signature ||
        signature->size() != ed25519_signature_bytes)
        return false;
    pkey_ptr key{EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes_of(*public_raw),
                                             public_raw->size())};
    md_ctx_ptr ctx{EVP_MD_CTX_new()};
    return key && ctx &&
           EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
           EVP_DigestVerify(ctx.get(), bytes_of(*signature), signature->size(),
                            bytes_of(statement), statement.size()) == 1;
}

}  // namespace cwc::messages
