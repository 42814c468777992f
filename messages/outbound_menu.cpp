// The outbox's menu column. A row that cannot be read back loses only its buttons: the
// dispatcher then sends the numbered text, which carries the same choices.
#include "messages/outbound_menu.hpp"

#include <nlohmann/json.hpp>

namespace cwc::messages {

std::string menu_to_json(const outbound_menu& menu) {
    if (menu.empty()) return {};
    nlohmann::json choices = nlohmann::json::array();
    for (const auto& c : menu.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
    nlohmann::json out{{"header", menu.header}, {"choices", std::move(choices)}};
    if (!menu.button.empty()) out["button"] = menu.button;
    // Config texts are valid UTF-8; should one not be, it is replaced rather than thrown on.
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

outbound_menu menu_from_json(std::string_view text) {
    if (text.empty()) return {};
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (!doc.is_object()) return {};
    const auto string_at = [](const nlohmann::json& o, const char* key) {
        const auto it = o.find(key);
        return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    outbound_menu menu;
    menu.header = string_at(doc, "header");
    menu.button = string_at(doc, "button");
    const auto choices = doc.find("choices");
    if (choices == doc.end() || !choices->is_array()) return {};
    for (const auto& c : *choices) {
        if (!c.is_object()) return {};
        menu_choice choice{string_at(c, "id"), string_at(c, "label")};
        if (choice.id.empty()) return {};
        menu.choices.push_back(std::move(choice));
    }
    return menu;
}

}  // namespace cwc::messages
