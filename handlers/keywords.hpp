// Global keywords (STOP, START, DELETE, STATUS, MENU, LANGUAGE, HELP, SUBSCRIBE) recognised in
// every configured language, whatever the conversation's state.
#pragma once

#include "config/config.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::handlers {

struct keyword_match {
    config::keyword_action action;
    std::string rest;  // status only: the folded text after the word, "" if none
    // The languages whose word list holds the matched word: exactly one means the word tells us
    // which language the person writes in.
    std::vector<config::language_code> languages;
};

// Matches a folded text (messages::fold_for_matching) against every keyword, each word folded
// the same way. All keywords must be the whole message except STATUS, whose word must be the
// first word (the reference follows). Precedence when several match: stop, start, delete,
// status, menu, language, help, subscribe; STOP comes first so an opt-out is never missed.
std::optional<keyword_match> match_keyword(const config::config& cfg, std::string_view folded);

}  // namespace cwc::handlers
