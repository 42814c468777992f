// lower_hex, the one spelling of bytes shared by audit hashes, pseudonyms and key files.
#include "messages/hex.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using cwc::messages::lower_hex;

TEST_CASE("lower_hex spells each byte as two lower-case digits, high nibble first") {
    struct row {
        std::vector<unsigned char> bytes;
        std::string hex;
    };
    const row rows[] = {
        {{}, ""},
        {{0x00}, "00"},
        {{0x0f, 0xa0}, "0fa0"},
        {{0xde, 0xad, 0xbe, 0xef}, "deadbeef"},
        {{0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}, "0123456789abcdef"},
        {{0xff, 0x10, 0x09}, "ff1009"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.hex);
        CHECK(lower_hex(r.bytes) == r.hex);
    }
}
