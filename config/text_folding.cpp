// Strict UTF-8 decoding and the folding used to match keywords and menu choices typed on any
// phone. messages/ re-exports fold_for_matching and validates UTF-8 with the same decoder, so
// there is one definition of both.
#include "config/text_folding.hpp"

namespace cwc::config {
namespace {

// Base letters of U+00C0..U+017F once diacritics are stripped; '.' = no ASCII base letter
// (Æ, Ø, ß, Đ, Ł, Œ…), which are only lower-cased. Derived from the Unicode NFD decompositions.
constexpr std::string_view latin_base_letters =
    "aaaaaa.ceeeeiiii.nooooo..uuuuy.."   // U+00C0
    "aaaaaa.ceeeeiiii.nooooo..uuuuy.y"   // U+00E0
    "aaaaaaccccccccdd..eeeeeeeeeegggg"   // U+0100
    "gggghh..iiiiiiiii...jjkk.llllll."   // U+0120
    "...nnnnnn...oooooo..rrrrrrssssss"   // U+0140
    "sstttt..uuuuuuuuuuuuwwyyyzzzzzz.";  // U+0160
static_assert(latin_base_letters.size() == 0x180 - 0xC0);

char32_t latin_lower(char32_t cp) {
    if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;
    const bool even = cp % 2 == 0;
    if (cp >= 0x100 && cp <= 0x137 && even) return cp + 1;
    if (cp >= 0x139 && cp <= 0x148 && !even) return cp + 1;
    if (cp >= 0x14A && cp <= 0x177 && even) return cp + 1;
    if (cp == 0x178) return 0xFF;
    if (cp >= 0x179 && cp <= 0x17E && !even) return cp + 1;
    return cp;
}

char32_t fold_code_point(char32_t cp) {
    if (cp >= 'A' && cp <= 'Z') return cp + ('a' - 'A');
    if (cp >= 0xC0 && cp <= 0x17F) {
        const char base = latin_base_letters[cp - 0xC0];
        return base != '.' ? static_cast<char32_t>(base) : latin_lower(cp);
    }
    if (cp >= 0x660 && cp <= 0x669) return '0' + (cp - 0x660);  // Arabic-Indic digits
    if (cp >= 0x6F0 && cp <= 0x6F9) return '0' + (cp - 0x6F0);  // Persian digits
    return cp;
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

decoded_code_point decode_multibyte_utf8_at(std::string_view s, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = byte(i);

    std::size_t length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    char32_t cp = 0;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        length = 2;
        cp = b0 & 0x1Fu;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        length = 3;
        cp = b0 & 0x0Fu;
        if (b0 == 0xE0) lo = 0xA0;  // overlong
        if (b0 == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        length = 4;
        cp = b0 & 0x07u;
        if (b0 == 0xF0) lo = 0x90;  // overlong
        if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
        return {};
    }
    if (i + length > s.size()) return {};
    for (std::size_t k = 1; k < length; ++k) {
        const unsigned char b = byte(i + k);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return {};
        cp = (cp << 6) | (b & 0x3Fu);
    }
    return {cp, length};
}

char32_t next_code_point(std::string_view s, std::size_t& i) {
    const decoded_code_point d = decode_utf8_at(s, i);
    const char32_t cp = d.code_point.value_or(static_cast<unsigned char>(s[i]));
    i += d.length;
    return cp;
}

bool is_fold_space(char32_t cp) {
    return cp == ' ' || (cp >= '\t' && cp <= '\r') || cp == 0xA0;
}

// Invalid bytes (the contract says the input is valid) pass through unchanged rather than
// throwing: matching then simply fails for them.
std::string fold_for_matching(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    bool pending_space = false;
    for (std::size_t i = 0; i < utf8.size();) {
        const decoded_code_point d = decode_utf8_at(utf8, i);
        if (d.code_point && is_fold_space(*d.code_point)) {
            pending_space = !out.empty();  // leading white space is dropped
            i += d.length;
            continue;
        }
        if (pending_space) {
            out += ' ';
            pending_space = false;
        }
        if (d.code_point) {
            append_utf8(out, fold_code_point(*d.code_point));
        } else {
            out += utf8[i];
        }
        i += d.length;
    }
    return out;
}

}  // namespace cwc::config
