// AES-256-GCM through OpenSSL's EVP interface and HMAC-SHA256 for the blind index; keys derived
// from the address key with labels, so the index key never decrypts and the cipher key never
// indexes.
#include "messages/address_cipher.hpp"

#include "messages/hex.hpp"
#include "messages/store.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <memory>

namespace cwc::messages {
namespace {

constexpr std::string_view prefix = "a1:";
constexpr int nonce_bytes = 12;
constexpr int tag_bytes = 16;

struct ctx_free {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using ctx_ptr = std::unique_ptr<EVP_CIPHER_CTX, ctx_free>;

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

std::string hmac(std::string_view key, std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int size = 0;
    static const unsigned char empty = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             data.empty() ? &empty : bytes(data), data.size(), out.data(), &size) == nullptr)
        throw store_error("address cipher: HMAC-SHA256 failed");
    return {reinterpret_cast<const char*>(out.data()), size};
}

int nibble(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool from_hex(std::string_view hex, std::string& out) {
    if (hex.size() % 2 != 0) return false;
    out.resize(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<char>(hi * 16 + lo);
    }
    return true;
}

}  // namespace

address_cipher::address_cipher(std::string_view address_key) {
    if (address_key.empty()) return;
    encryption_key_ = hmac(address_key, "cwc-gateway address encryption v1");
    index_key_ = hmac(address_key, "cwc-gateway address index v1");
}

std::string address_cipher::seal(std::string_view plain) const {
    if (!on()) return std::string(plain);
    std::string raw(nonce_bytes + plain.size() + tag_bytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (RAND_bytes(out, nonce_bytes) != 1) throw store_error("address cipher: no randomness");
    ctx_ptr ctx{EVP_CIPHER_CTX_new()};
    int len = 0;
    const bool ok = ctx &&
                    EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                       bytes(encryption_key_), out) == 1 &&
                    EVP_EncryptUpdate(ctx.get(), out + nonce_bytes, &len, bytes(plain),
                                      static_cast<int>(plain.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx.get(), out + nonce_bytes + len, &len) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, tag_bytes,
                                        out + nonce_bytes + plain.size()) == 1;
    if (!ok) throw store_error("address cipher: encryption failed");
    return std::string(prefix) + lower_hex(std::span<const unsigned char>(out, raw.size()));
}

std::string address_cipher::open(std::string_view stored) const {
    if (!is_sealed(stored)) return std::string(stored);
    if (!on()) throw store_error("address cipher: an encrypted address and no address key");
    std::string raw;
    if (!from_hex(stored.substr(prefix.size()), raw) ||
        raw.size() < static_cast<std::size_t>(nonce_bytes + tag_bytes))
        throw store_error("address cipher: a malformed encrypted address");
    const std::size_t size = raw.size() - nonce_bytes - tag_bytes;
    std::string plain(size, '\0');
    auto* in = reinterpret_cast<unsigned char*>(raw.data());
    ctx_ptr ctx{EVP_CIPHER_CTX_new()};
    int len = 0;
    const bool ok = ctx &&
                    EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                                       bytes(encryption_key_), in) == 1 &&
                    EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()),
                                      &len, in + nonce_bytes, static_cast<int>(size)) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, tag_bytes,
                                        in + nonce_bytes + size) == 1 &&
                    EVP_DecryptFinal_ex(
                        ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
    if (!ok) throw store_error("address cipher: an address that does not open with this key");
    return plain;
}

std::string address_cipher::index(std::string_view plain) const {
    if (!on()) return std::string(plain);
    const auto mac = hmac(index_key_, plain);
    return lower_hex(std::span<const unsigned char>(bytes(mac), mac.size()));
}

}  // namespace cwc::messages
