// The gateway's HMAC against RFC 4231's (SHA-256) and RFC 2202's (SHA-1) vectors and OpenSSL's
// one-shot HMAC, with more keys in turn than a thread keeps prepared, so a stale prepared key
// (or one prepared for the other digest) would show.
#include "messages/hmac.hpp"
#include "messages/hex.hpp"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <thread>

using namespace cwc::messages;

namespace {

std::string hex(std::string_view key, std::string_view data) {
    return lower_hex(hmac_sha256_bytes(key, data));
}

std::string hex1(std::string_view key, std::string_view data) {
    return lower_hex(hmac_sha1_bytes(key, data));
}

std::string one_shot(const std::string& key, const std::string& data, const EVP_MD* md = EVP_sha256()) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    static const unsigned char none = 0;
    REQUIRE(HMAC(md, key.empty() ? static_cast<const void*>(&none) : key.data(), static_cast<int>(key.size()),
                 data.empty() ? &none : reinterpret_cast<const unsigned char*>(data.data()),
                 data.size(), out, &length) != nullptr);
    return lower_hex({out, length});
}

}  // namespace

TEST_CASE("HMAC-SHA256 gives RFC 4231's test vectors") {
    CHECK(hex(std::string(20, '\x0b'), "Hi There") ==
          "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(hex("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    // A key longer than the block (131 bytes) is hashed first.
    CHECK(hex(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(hmac_sha256("Jefe", "what do ya want for nothing?") ==
          std::string("\x5b\xdc\xc1\x46\xbf\x60\x75\x4e\x6a\x04\x24\x26\x08\x95\x75\xc7"
                      "\x5a\x00\x3f\x08\x9d\x27\x39\x83\x9d\xec\x58\xb9\x64\xec\x38\x43",
                      32));
}

TEST_CASE("HMAC-SHA1 gives RFC 2202's test vectors") {
    CHECK(hex1(std::string(20, '\x0b'), "Hi There") == "b617318655057264e28bc0b6fb378c8ef146be00");
    CHECK(hex1("Jefe", "what do ya want for nothing?") ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    CHECK(hex1(std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST_CASE("HMAC-SHA256 follows the key asked for, however many keys take turns") {
    // Nine keys, more than the prepared ones a thread keeps, of every length class.
    const std::string keys[] = {"", "k", std::string(32, 'a'), std::string(63, 'b'),
                                std::string(64, 'c'), std::string(65, 'd'),
                                std::string(200, 'e'), "pseudonym-key", "index-key"};
    for (int round = 0; round < 3; ++round) {
        for (const auto& key : keys) {
            for (const std::string& data :
                 {std::string{}, std::string{"+51987654321"}, std::string(1000, 'x')}) {
                CAPTURE(key.size());
                CAPTURE(data.size());
                CHECK(hex(key, data) == one_shot(key, data));
                CHECK(hex1(key, data) == one_shot(key, data, EVP_sha1()));
            }
        }
    }
}

TEST_CASE("HMAC-SHA256 keeps its prepared keys per thread") {
    std::string a, b;
    std::thread t1([&] {
        for (int i = 0; i < 200; ++i) a = hex("thread-one", std::to_string(i));
    });
    std::thread t2([&] {
        for (int i = 0; i < 200; ++i) b = hex("thread-two", std::to_string(i));
    });
    t1.join();
    t2.join();
    CHECK(a == one_shot("thread-one", "199"));
    CHECK(b == one_shot("thread-two", "199"));
}
