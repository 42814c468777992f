// Bytes as lower-case hexadecimal, the form digests and keys take in the store, in pseudonyms
// and in key files, so each of them spells the same bytes the same way.
#pragma once

#include <span>
#include <string>

namespace cwc::messages {

// Two digits per byte, most significant nibble first: {0x0f, 0xa0} -> "0fa0".
inline std::string lower_hex(std::span<const unsigned char> bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * bytes.size());
    for (const unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0F];
    }
    return out;
}

}  // namespace cwc::messages
