// base64 as Twilio's signature and Basic authorization need it: the RFC 4648 §10 vectors (padding
// for every remainder) and bytes that are not text.
#include "gateway/base64.hpp"

#include <doctest/doctest.h>

#include <string>

using cwc::gateway::base64;

TEST_CASE("base64 encodes the RFC 4648 vectors and arbitrary bytes, padded, on one line") {
    struct row {
        std::string raw;
        std::string encoded;
    };
    const row rows[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
        {std::string("\x00\xff\xfe", 3), "AP/+"},
        // Longer than 64 output characters: still one line (EVP_EncodeUpdate would break it).
        {"ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx:token-with-more-than-forty-eight-characters-"
         "0123456789",
         "QUN4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eDp0b2tlbi13aXRoLW1vcmUtdGhhbi1m"
         "b3J0eS1laWdodC1jaGFyYWN0ZXJzLTAxMjM0NTY3ODk="},
    };
    for (const auto& r : rows) {
        CAPTURE(r.encoded);
        CHECK(base64(r.raw) == r.encoded);
    }
}
