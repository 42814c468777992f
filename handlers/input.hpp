// How the person's typed input is read outside keywords: numbered choices and whether a free
// text says anything at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace cwc::handlers {

// A menu choice from a folded text (messages::fold_for_matching, so Arabic-Indic and Persian
// digits are already 0-9): just the number, optionally followed by '.' or ')'. Strict on
// purpose: "1 please" is not a choice, so free text is never mistaken for one.
std::optional<std::size_t> parse_choice(std::string_view folded);

// Characters (code points) of a UTF-8 text that are not white space.
std::size_t visible_characters(std::string_view utf8);

}  // namespace cwc::handlers
