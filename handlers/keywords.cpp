// Keyword recognition. Words are folded like the input so "MENÚ", "menu" and "Menu" match the
// same word; the configured words were folded once at load (keyword_set::folded).
#include "handlers/keywords.hpp"

#include <algorithm>

namespace cwc::handlers {

namespace {

using config::keyword_action;

constexpr keyword_action precedence[] = {
    keyword_action::stop,     keyword_action::start, keyword_action::erase,    keyword_action::status,
    keyword_action::menu,     keyword_action::language, keyword_action::help,  keyword_action::subscribe};

// How long a prefix of folded the word covers, or nothing if it does not match.
std::optional<std::size_t> covers(std::string_view folded, std::string_view word,
                                  keyword_action action) {
    if (word.empty()) return std::nullopt;
    if (folded == word) return word.size();
    if (action == keyword_action::status && folded.size() > word.size() &&
        folded.substr(0, word.size()) == word && folded[word.size()] == ' ') {
        return word.size();
    }
    return std::nullopt;
}

std::optional<keyword_match> match_action(const config::config& cfg, std::string_view folded,
                                          keyword_action action) {
    std::size_t best_length = 0;
    std::string best_word;
    std::vector<config::language_code> languages;
    for (const auto& set : cfg.keywords) {
        if (set.action != action) continue;
        for (const auto& [language, words] : set.folded) {
            for (const auto& folded_word : words) {
                auto length = covers(folded, folded_word, action);
                if (!length) continue;
                // The longest word wins ("status case" over "status" when both are words).
                if (*length > best_length) {
                    best_length = *length;
                    best_word = folded_word;
                    languages.clear();
                }
                if (folded_word == best_word &&
                    std::find(languages.begin(), languages.end(), language) == languages.end()) {
                    languages.push_back(language);
                }
            }
        }
    }
    if (best_length == 0) return std::nullopt;
    std::string rest;
    if (folded.size() > best_length) rest = std::string(folded.substr(best_length + 1));
    return keyword_match{action, std::move(rest), std::move(languages)};
}

}  // namespace

std::optional<keyword_match> match_keyword(const config::config& cfg, std::string_view folded) {
    if (folded.empty()) return std::nullopt;
    for (keyword_action action : precedence) {
        if (auto match = match_action(cfg, folded, action)) return match;
    }
    return std::nullopt;
}

}  // namespace cwc::handlers
