// Case references: generated from caller-supplied entropy (so tests and the store's collision
// retry are deterministic) and parsed leniently from what a person types back.
#include "messages/case_reference.hpp"

#include <cctype>

namespace cwc::messages {

std::string make_case_reference(std::uint64_t entropy) {
    std::string out;
    out.reserve(7);
    for (int i = 0; i < 6; ++i) {
        if (i == 3) out += '-';
        out += case_reference_alphabet[entropy % case_reference_alphabet.size()];
        entropy /= case_reference_alphabet.size();
    }
    return out;
}

std::optional<std::string> parse_case_reference(std::string_view typed) {
    std::string chars;
    for (const char c : typed) {
        if (c == '-' || std::isspace(static_cast<unsigned char>(c))) continue;
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        // Checked per character so a long message fails fast instead of being copied whole.
        if (chars.size() == 6 || case_reference_alphabet.find(upper) == std::string_view::npos) {
            return std::nullopt;
        }
        chars += upper;
    }
    if (chars.size() != 6) return std::nullopt;
    return chars.substr(0, 3) + '-' + chars.substr(3);
}

}  // namespace cwc::messages
