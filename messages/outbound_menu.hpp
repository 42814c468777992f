// The numbered menu a reply ends with, kept as structure beside the reply's text: a channel with
// buttons or lists (WhatsApp) shows these instead of the numbers; SMS sends the text as it is.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

struct menu_choice {
    std::string id;     // what the person would type for it: "1", "2", … ("0" where offered)
    std::string label;  // as written in the numbered text
    bool operator==(const menu_choice&) const = default;
};

struct outbound_menu {
    // The reply's text above its numbered lines (the body of a WhatsApp interactive message).
    std::string header;
    std::vector<menu_choice> choices;  // empty: the reply is plain text
    std::string button;                // label of the button that opens a list, in its language

    bool empty() const { return choices.empty(); }
    bool operator==(const outbound_menu&) const = default;
};

// The outbox column: "" for no menu, else a small JSON object.
std::string menu_to_json(const outbound_menu& menu);
// Reads the column back; "" or anything unreadable is no menu, so the text is sent instead.
outbound_menu menu_from_json(std::string_view text);

}  // namespace cwc::messages
