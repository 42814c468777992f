// The one folding of typed text into keyword identity, and the UTF-8 decoding under it. It lives
// in config (the ground floor) so the loader's collision checks and the handlers' matching (via
// messages/text.hpp) fold exactly alike: a collision the matcher would see is one the loader sees.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::config {

// One step of a strict UTF-8 decoder (RFC 3629: no overlongs, no surrogates, max U+10FFFF).
struct decoded_code_point {
    std::optional<char32_t> code_point;  // empty: the byte at the position is not valid UTF-8
    std::size_t length = 1;              // bytes consumed; an invalid byte is consumed alone
};
// Decodes a lead byte of 0x80 or more at s[i].
decoded_code_point decode_multibyte_utf8_at(std::string_view s, std::size_t i);
// Decodes at s[i]; i must be < s.size(). Inline for ASCII, which most texts mostly are.
inline decoded_code_point decode_utf8_at(std::string_view s, std::size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return {b0, 1};
    return decode_multibyte_utf8_at(s, i);
}

// Appends the UTF-8 encoding of cp (a scalar value: the caller never passes a surrogate).
void append_utf8(std::string& out, char32_t cp);

// Lenient walk for checks that report rather than refuse: the code point at s[i], advancing i
// past it; a byte that does not start valid UTF-8 yields itself (0x80..0xFF) and advances by one.
char32_t next_code_point(std::string_view s, std::size_t& i);

// White space as folding sees it: ASCII white space and the no-break space U+00A0.
bool is_fold_space(char32_t cp);

// Folds a text for matching keywords and menu choices: trims, collapses inner white space,
// lower-cases, strips Latin diacritics (á→a, ñ→n, ü→u, ç→c, č→c), and maps Arabic-Indic (٠-٩)
// and Persian (۰-۹) digits to 0-9. Other scripts pass through unchanged. Input must be valid
// UTF-8; an invalid byte is copied as it is (matching then simply fails for it).
std::string fold_for_matching(std::string_view utf8);

}  // namespace cwc::config
