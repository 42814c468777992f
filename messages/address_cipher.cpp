// AES-256-GCM through OpenSSL's EVP interface and HMAC-SHA256 for the blind index; keys derived
// from the address key with labels, so the index key never decrypts and the cipher key never
// indexes.
#include "messages/address_cipher.hpp"

#include "messages/hex.hpp"
#include "messages/hmac.hpp"
#include "messages/store.hpp"

#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <array>
#include <atomic>
#include <cstring>
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

enum class direction { encrypt, decrypt };

// A context per thread and direction with the key already expanded, re-keyed only when another
// key asks; each value then sets just its nonce. Setting the key on every call (the cipher
// fetched, the AES and GHASH tables rebuilt) was a third of what sealing cost the store writer.
EVP_CIPHER_CTX* keyed_context(const std::string& key, direction d) {
    struct keyed {
        std::string key;  // wiped when replaced and when the thread ends, as hmac.cpp's are
        ctx_ptr ctx;
        ~keyed() { OPENSSL_cleanse(key.data(), key.size()); }
    };
    thread_local std::array<keyed, 2> contexts;
    keyed& k = contexts[d == direction::encrypt ? 0 : 1];
    if (k.ctx && k.key == key) return k.ctx.get();
    OPENSSL_cleanse(k.key.data(), k.key.size());
    k.ctx.reset(EVP_CIPHER_CTX_new());
    const bool ok = k.ctx && EVP_CipherInit_ex(k.ctx.get(), EVP_aes_256_gcm(), nullptr, bytes(key),
                                               nullptr, d == direction::encrypt ? 1 : 0) == 1;
    if (!ok) {
        k.ctx.reset();
        return nullptr;
    }
    k.key = key;
    return k.ctx.get();
}

// Forks of this process so far, as a child sees it: a nonce pool a fork inherited is thrown away,
// so two processes never use the same nonces (checked without a getpid() system call per nonce).
std::atomic<unsigned> forks{0};
void count_fork() { forks.fetch_add(1, std::memory_order_relaxed); }

// A fresh random nonce, drawn from a per-thread pool that RAND_bytes refills 64 nonces at a time
// (one call per nonce, with the DRBG's locking, was the other third).
void take_nonce(unsigned char* out) {
    static const bool fork_counted = (::pthread_atfork(nullptr, nullptr, count_fork) == 0);
    if (!fork_counted) throw store_error("address cipher: cannot watch for forks");
    constexpr std::size_t pooled = 64;
    thread_local std::array<unsigned char, nonce_bytes * pooled> pool{};
    thread_local std::size_t next = pooled;
    thread_local unsigned pool_forks = 0;
    const unsigned now_forks = forks.load(std::memory_order_relaxed);
    if (next == pooled || pool_forks != now_forks) {
        if (RAND_bytes(pool.data(), static_cast<int>(pool.size())) != 1)
            throw store_error("address cipher: no randomness");
        next = 0;
        pool_forks = now_forks;
    }
    std::memcpy(out, pool.data() + next * nonce_bytes, nonce_bytes);
    OPENSSL_cleanse(pool.data() + next * nonce_bytes, nonce_bytes);  // used once, kept nowhere
    ++next;
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
    encryption_key_ = hmac_sha256(address_key, "cwc-gateway address encryption v1");
    index_key_ = hmac_sha256(address_key, "cwc-gateway address index v1");
}

std::string address_cipher::seal(std::string_view plain) const {
    if (!on()) return std::string(plain);
    std::string raw(nonce_bytes + plain.size() + tag_bytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    take_nonce(out);
    EVP_CIPHER_CTX* ctx = keyed_context(encryption_key_, direction::encrypt);
    int len = 0;
    const bool ok = ctx != nullptr &&
                    EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, out) == 1 &&
                    EVP_EncryptUpdate(ctx, out + nonce_bytes, &len, bytes(plain),
                                      static_cast<int>(plain.size())) == 1 &&
                    EVP_EncryptFinal_ex(ctx, out + nonce_bytes + len, &len) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, tag_bytes,
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
    EVP_CIPHER_CTX* ctx = keyed_context(encryption_key_, direction::decrypt);
    int len = 0;
    const bool ok = ctx != nullptr &&
                    EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, in) == 1 &&
                    EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(plain.data()), &len,
                                      in + nonce_bytes, static_cast<int>(size)) == 1 &&
                    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, tag_bytes,
                                        in + nonce_bytes + size) == 1 &&
                    EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plain.data()) + len,
                                        &len) == 1;
    if (!ok) throw store_error("address cipher: an address that does not open with this key");
    return plain;
}

std::string address_cipher::index(std::string_view plain) const {
    if (!on()) return std::string(plain);
    return lower_hex(hmac_sha256_bytes(index_key_, plain));
}

}  // namespace cwc::messages
