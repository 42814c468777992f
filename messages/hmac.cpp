// HMAC with the key's padded blocks absorbed once per key, digest and thread (see the header),
// over OpenSSL's SHA-256 and SHA-1 (both with 64-byte blocks).
#include "messages/hmac.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace cwc::messages {
namespace {

struct md_ctx_free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using md_ctx = std::unique_ptr<EVP_MD_CTX, md_ctx_free>;

void check(int ok) {
    if (ok != 1) throw std::runtime_error("HMAC: OpenSSL's digest failed");
}

// Digest states that have absorbed the key's inner and outer padded blocks.
class keyed_digest {
  public:
    keyed_digest(const EVP_MD* md, std::string_view key) : md_{md}, key_{key} {
        std::array<unsigned char, 64> block{};  // SHA-1's and SHA-256's block size
        if (key.size() > block.size()) {  // RFC 2104: a long key is hashed first
            unsigned int length = 0;
            check(EVP_Digest(key.data(), key.size(), block.data(), &length, md_, nullptr));
        } else if (!key.empty()) {
            std::memcpy(block.data(), key.data(), key.size());
        }
        std::array<unsigned char, 64> pad{};
        for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x36;
        absorb(inner_, pad);
        for (std::size_t i = 0; i < pad.size(); ++i) pad[i] = block[i] ^ 0x5c;
        absorb(outer_, pad);
        OPENSSL_cleanse(block.data(), block.size());
        OPENSSL_cleanse(pad.data(), pad.size());
    }
    keyed_digest(const keyed_digest&) = delete;
    keyed_digest& operator=(const keyed_digest&) = delete;
    ~keyed_digest() { OPENSSL_cleanse(key_.data(), key_.size()); }

    bool is_for(const EVP_MD* md, std::string_view key) const { return md_ == md && key_ == key; }

    // The N bytes of the MAC (N: the digest's size).
    template <std::size_t N>
    std::array<unsigned char, N> mac(std::string_view data) {
        std::array<unsigned char, EVP_MAX_MD_SIZE> inner_hash{};
        std::array<unsigned char, N> out{};
        unsigned int inner_length = 0, length = 0;
        check(EVP_MD_CTX_copy_ex(work_.get(), inner_.get()) &&
              EVP_DigestUpdate(work_.get(), data.data(), data.size()) &&
              EVP_DigestFinal_ex(work_.get(), inner_hash.data(), &inner_length) &&
              EVP_MD_CTX_copy_ex(work_.get(), outer_.get()) &&
              EVP_DigestUpdate(work_.get(), inner_hash.data(), inner_length) &&
              EVP_DigestFinal_ex(work_.get(), out.data(), &length) && length == N);
        return out;
    }

  private:
    void absorb(md_ctx& ctx, const std::array<unsigned char, 64>& pad) {
        check(ctx != nullptr && EVP_DigestInit_ex(ctx.get(), md_, nullptr) &&
              EVP_DigestUpdate(ctx.get(), pad.data(), pad.size()));
    }

    const EVP_MD* md_;
    std::string key_;
    md_ctx inner_{EVP_MD_CTX_new()}, outer_{EVP_MD_CTX_new()}, work_{EVP_MD_CTX_new()};
};

// The prepared keys of this thread; a new key replaces the one prepared longest ago.
keyed_digest& prepared_for(const EVP_MD* md, std::string_view key) {
    constexpr std::size_t kept = 4;
    thread_local std::array<std::unique_ptr<keyed_digest>, kept> prepared;
    thread_local std::size_t oldest = 0;
    for (auto& p : prepared) {
        if (p && p->is_for(md, key)) return *p;
    }
    auto& slot = prepared[oldest];
    oldest = (oldest + 1) % kept;
    slot = std::make_unique<keyed_digest>(md, key);
    return *slot;
}

}  // namespace

std::array<unsigned char, 32> hmac_sha256_bytes(std::string_view key, std::string_view data) {
    return prepared_for(EVP_sha256(), key).mac<32>(data);
}

std::array<unsigned char, 20> hmac_sha1_bytes(std::string_view key, std::string_view data) {
    return prepared_for(EVP_sha1(), key).mac<20>(data);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    const auto mac = hmac_sha256_bytes(key, data);
    return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

}  // namespace cwc::messages
