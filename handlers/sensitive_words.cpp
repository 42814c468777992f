// Keyword recognition for sensitive complaints. A false positive only narrows who may read a
// case (its organisation's focal points); a miss exposes it: so every language's list is tried.
#include "handlers/sensitive_words.hpp"

#include "config/text_folding.hpp"

namespace cwc::handlers {

namespace {

// Letters and digits continue a word; every byte of a multi-byte character counts as a letter
// (Arabic, Kurdish, …), so a keyword never matches inside a longer word of any script.
bool continues_word(unsigned char c) {
    return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool contains_phrase(std::string_view text, std::string_view phrase) {
    for (std::size_t at = text.find(phrase); at != std::string_view::npos;
         at = text.find(phrase, at + 1)) {
        const bool starts = at == 0 || !continues_word(static_cast<unsigned char>(text[at - 1]));
        const std::size_t end = at + phrase.size();
        const bool ends = end == text.size() || !continues_word(static_cast<unsigned char>(text[end]));
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace

bool mentions_sensitive(const config::config& cfg, std::string_view text) {
    if (cfg.sensitive.folded.empty()) return false;
    const std::string folded = config::fold_for_matching(text);
    for (const auto& [language, words] : cfg.sensitive.folded) {
        for (const auto& word : words) {
            if (contains_phrase(folded, word)) return true;
        }
    }
    return false;
}

}  // namespace cwc::handlers
