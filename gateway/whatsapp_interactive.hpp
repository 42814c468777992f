// A reply's menu as WhatsApp shows it (PROVIDERS.md §2.5): reply buttons for up to three short
// options, else a list of up to ten rows, within Meta's length limits; anything that does not fit
// is left to the numbered text, which carries the same choices.
#pragma once

#include "messages/outbound_menu.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

// Meta's limits, in characters (code points).
inline constexpr std::size_t whatsapp_max_buttons = 3;
inline constexpr std::size_t whatsapp_button_title_chars = 20;
inline constexpr std::size_t whatsapp_max_list_rows = 10;
inline constexpr std::size_t whatsapp_list_button_chars = 20;
inline constexpr std::size_t whatsapp_row_title_chars = 24;
inline constexpr std::size_t whatsapp_row_description_chars = 72;
inline constexpr std::size_t whatsapp_row_id_chars = 200;
inline constexpr std::size_t whatsapp_interactive_body_chars = 1024;

// The `interactive` object of a Graph send for the menu: type "button" when there are 1–3
// options whose labels fit a button (20 characters) and differ, else type "list" (one section,
// a row per option: the title cut to 24 characters with the rest of a long label in the
// description). Button and row ids are the choice ids, so a tap comes back as the number the
// person would have typed. nullopt — send the text instead — when the menu is empty, has no
// text above the options or more than 1024 characters of it, more than 10 options, ids that
// are empty, repeated or too long, or a list without a button label.
std::optional<nlohmann::ordered_json> whatsapp_interactive(const messages::outbound_menu& menu);

// Code points in a UTF-8 text (bytes that are not continuation bytes).
std::size_t code_points(std::string_view utf8);

// The longest prefix with at most `max_chars` code points that does not end inside a user-
// perceived character: never before a combining mark, variation selector, skin-tone modifier or
// joiner, never after a zero-width joiner, never between the two halves of a flag. The marks
// are the common ones of Latin, Cyrillic, Arabic, Hebrew, Indic, Southeast Asian and emoji text,
// an approximation of Unicode's grapheme rules sized for menu labels.
std::string_view grapheme_prefix(std::string_view utf8, std::size_t max_chars);

// The text itself when it has at most `max_chars` code points, else its grapheme prefix with
// trailing spaces removed and "…" added, `max_chars` long at most.
std::string shortened(std::string_view utf8, std::size_t max_chars);

}  // namespace cwc::gateway
