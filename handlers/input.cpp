// Reading choices and free text. Works on folded text for choices (digits already ASCII) and on
// the raw text for descriptions, which are kept exactly as the person wrote them.
#include "handlers/input.hpp"

namespace cwc::handlers {

std::optional<std::size_t> parse_choice(std::string_view folded) {
    if (!folded.empty() && (folded.back() == '.' || folded.back() == ')')) folded.remove_suffix(1);
    // Three digits are more than any menu holds; longer numbers are text (a phone, a date).
    if (folded.empty() || folded.size() > 3) return std::nullopt;
    std::size_t n = 0;
    for (char c : folded) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    return n;
}

std::size_t visible_characters(std::string_view utf8) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        auto byte = static_cast<unsigned char>(utf8[i]);
        if ((byte & 0xC0) == 0x80) continue;  // continuation byte: same character
        if (byte == ' ' || (byte >= '\t' && byte <= '\r')) continue;
        // U+00A0 no-break space, common when pasting from a phone's notes.
        if (byte == 0xC2 && i + 1 < utf8.size() &&
            static_cast<unsigned char>(utf8[i + 1]) == 0xA0) {
            ++i;
            continue;
        }
        ++count;
    }
    return count;
}

}  // namespace cwc::handlers
