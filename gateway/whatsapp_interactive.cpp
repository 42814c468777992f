// Reply buttons and lists for WhatsApp. Long labels are cut where a reader would not notice a
// broken letter (no accent torn from its letter, no emoji split) and marked with an ellipsis;
// a menu that cannot be shown whole goes as its numbered text, never half-shown.
#include "gateway/whatsapp_interactive.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>
#include <utility>
#include <vector>

namespace cwc::gateway {
namespace {

constexpr std::string_view ellipsis = "…";
constexpr char32_t zero_width_joiner = 0x200D;

// Code points that extend the character before them (Grapheme_Extend and SpacingMark of the
// scripts our deployments write, emoji modifiers and tags), as inclusive ranges.
constexpr std::array<std::pair<char32_t, char32_t>, 52> extending{{
    {0x0300, 0x036F},   {0x0483, 0x0489},   {0x0591, 0x05BD}, {0x05BF, 0x05BF}, {0x05C1, 0x05C2},
    {0x05C4, 0x05C5},   {0x05C7, 0x05C7},   {0x0610, 0x061A}, {0x064B, 0x065F}, {0x0670, 0x0670},
    {0x06D6, 0x06DC},   {0x06DF, 0x06E4},   {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0711, 0x0711},
    {0x0730, 0x074A},   {0x0900, 0x0903},   {0x093A, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0963},
    {0x0981, 0x0983},   {0x09BC, 0x09D7},   {0x09E2, 0x09E3}, {0x0A01, 0x0A03}, {0x0A3C, 0x0A51},
    {0x0A70, 0x0A71},   {0x0A81, 0x0A83},   {0x0ABC, 0x0ACD}, {0x0B01, 0x0B03}, {0x0B3C, 0x0B57},
    {0x0BBE, 0x0BCD},   {0x0C00, 0x0C04},   {0x0C3E, 0x0C56}, {0x0D00, 0x0D03}, {0x0D3E, 0x0D4D},
    {0x0E31, 0x0E31},   {0x0E34, 0x0E3A},   {0x0E47, 0x0E4E}, {0x0EB1, 0x0EB1}, {0x0EB4, 0x0EBC},
    {0x0EC8, 0x0ECE},   {0x102B, 0x103E},   {0x1056, 0x1059}, {0x135D, 0x135F}, {0x17B4, 0x17D3},
    {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},   {0x200C, 0x200D}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0x1F3FB, 0x1F3FF}, {0xE0020, 0xE01EF},
}};

bool extends_previous(char32_t cp) {
    return std::any_of(extending.begin(), extending.end(),
                       [cp](const auto& r) { return cp >= r.first && cp <= r.second; });
}

bool regional_indicator(char32_t cp) {
    return cp >= 0x1F1E6 && cp <= 0x1F1FF;
}

// The code points of a text with the byte offset each starts at. Bytes that are not valid
// UTF-8 count one each: they are replaced later, and only boundaries matter here.
struct code_point {
    std::size_t offset;
    char32_t value;
};

std::vector<code_point> decode(std::string_view s) {
    std::vector<code_point> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto lead = static_cast<unsigned char>(s[i]);
        std::size_t length = lead < 0x80    ? 1
                             : lead >= 0xF0 ? 4
                             : lead >= 0xE0 ? 3
                             : lead >= 0xC0 ? 2
                                            : 1;
        if (i + length > s.size()) length = 1;
        char32_t value = length == 1 ? lead : lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k)
            value = (value << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        out.push_back({i, value});
        i += length;
    }
    return out;
}

// Whether a cut before cps[k] would split a user-perceived character.
bool splits(const std::vector<code_point>& cps, std::size_t k) {
    if (k == 0 || k >= cps.size()) return false;
    if (extends_previous(cps[k].value) || cps[k - 1].value == zero_width_joiner) return true;
    if (!regional_indicator(cps[k].value) || !regional_indicator(cps[k - 1].value)) return false;
    // Flags are pairs: a cut between them is fine only after an even run of indicators.
    std::size_t run = 0;
    for (std::size_t j = k; j > 0 && regional_indicator(cps[j - 1].value); --j) ++run;
    return run % 2 == 1;
}

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n')) s.remove_suffix(1);
    return std::string{s};
}

// A list row for one option: a label longer than a row title goes on in the description,
// cut after a word where one ends late enough, else inside the word with ellipses on both
// sides.
nlohmann::ordered_json list_row(const messages::menu_choice& choice) {
    nlohmann::ordered_json row{{"id", choice.id}};
    const std::string label = trimmed(choice.label).empty() ? choice.id : trimmed(choice.label);
    if (code_points(label) <= whatsapp_row_title_chars) {
        row["title"] = label;
        return row;
    }
    const std::string_view room = grapheme_prefix(label, whatsapp_row_title_chars - 1);
    const auto space = label[room.size()] == ' ' ? room.size() : room.rfind(' ');
    const bool at_word = space != std::string_view::npos &&
                         code_points(room.substr(0, space)) >= whatsapp_row_title_chars / 2;
    const std::string_view head = at_word ? room.substr(0, space) : room;
    std::string rest = trimmed(std::string_view{label}.substr(head.size()));
    if (!at_word) rest = std::string{ellipsis} + rest;
    row["title"] = trimmed(head) + std::string{ellipsis};
    row["description"] = shortened(rest, whatsapp_row_description_chars);
    return row;
}

}  // namespace

std::size_t code_points(std::string_view utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string_view grapheme_prefix(std::string_view utf8, std::size_t max_chars) {
    const auto cps = decode(utf8);
    if (cps.size() <= max_chars) return utf8;
    std::size_t k = max_chars;
    while (k > 0 && splits(cps, k)) --k;
    // One cluster longer than the room (a long run of marks): cut it at a code point instead.
    if (k == 0) k = max_chars;
    return utf8.substr(0, cps[k].offset);
}

std::string shortened(std::string_view utf8, std::size_t max_chars) {
    if (code_points(utf8) <= max_chars) return std::string{utf8};
    if (max_chars == 0) return {};
    std::string out = trimmed(grapheme_prefix(utf8, max_chars - 1));
    return out + std::string{ellipsis};
}

std::optional<nlohmann::ordered_json> whatsapp_interactive(const messages::outbound_menu& menu) {
    const auto& choices = menu.choices;
    const std::string body = trimmed(menu.header);
    if (choices.empty() || choices.size() > whatsapp_max_list_rows || body.empty() ||
        code_points(body) > whatsapp_interactive_body_chars)
        return std::nullopt;
    std::set<std::string> ids;
    std::set<std::string> labels;
    bool fit_buttons = choices.size() <= whatsapp_max_buttons;
    for (const auto& c : choices) {
        if (c.id.empty() || code_points(c.id) > whatsapp_row_id_chars || !ids.insert(c.id).second)
            return std::nullopt;
        const std::string label = trimmed(c.label);
        // Button titles must be unique, and a blank one would be refused.
        if (label.empty() || code_points(label) > whatsapp_button_title_chars ||
            !labels.insert(label).second)
            fit_buttons = false;
    }
    nlohmann::ordered_json out;
    if (fit_buttons) {
        nlohmann::ordered_json buttons = nlohmann::ordered_json::array();
        for (const auto& c : choices)
            buttons.push_back(
                {{"type", "reply"}, {"reply", {{"id", c.id}, {"title", trimmed(c.label)}}}});
        out["type"] = "button";
        out["body"] = {{"text", body}};
        out["action"] = {{"buttons", std::move(buttons)}};
        return out;
    }
    const std::string button = shortened(trimmed(menu.button), whatsapp_list_button_chars);
    if (button.empty()) return std::nullopt;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& c : choices) rows.push_back(list_row(c));
    out["type"] = "list";
    out["body"] = {{"text", body}};
    out["action"] = {{"button", button}, {"sections", {{{"rows", std::move(rows)}}}}};
    return out;
}

}  // namespace cwc::gateway
