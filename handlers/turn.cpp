// Wording shared by every handler: localized texts with fallback, placeholders, numbered lists
// (and the menu a reply ending with one carries), and the guarantee that no reply is empty.
#include "handlers/turn.hpp"

#include <charconv>
#include <stdexcept>

namespace cwc::handlers {

const std::string& turn::text(const std::string& key) const {
    const std::string& t = cfg().text(key, language);
    if (t.empty()) throw std::logic_error("config text missing: " + key);
    return t;
}

const std::string& turn::local(const config::localized_text& t) const {
    return config::localize(t, language, cfg().default_language);
}

void turn::say(std::string words, messages::outbound_priority priority) {
    if (words.empty()) throw std::logic_error("empty reply: a config text is missing");
    reply r{std::move(words), priority, {}};
    // The options become a menu only where the reply ends with them, on a line of their own:
    // then the text above them says everything else the reply says.
    if (offered_ && !offered_->choices.empty() && r.text.ends_with(offered_->listing)) {
        std::string_view header{r.text};
        header.remove_suffix(offered_->listing.size());
        if (header.empty() || header.back() == '\n') {
            while (!header.empty() && header.back() == '\n') header.remove_suffix(1);
            r.menu = {std::string{header}, std::move(offered_->choices), text("menu_button")};
        }
    }
    offered_.reset();
    out.replies.push_back(std::move(r));
}

std::string turn::offer(std::vector<messages::menu_choice> choices) {
    std::string listing = numbered(choices);
    offered_ = offered_choices{listing, std::move(choices)};
    return listing;
}

std::string turn::offer(const std::vector<std::string>& labels) {
    std::vector<messages::menu_choice> choices;
    for (std::size_t i = 0; i < labels.size(); ++i)
        choices.push_back({std::to_string(i + 1), labels[i]});
    return offer(std::move(choices));
}

const config::menu_node& node_named(const config::config& cfg, const std::string& id) {
    const config::menu_node* node = cfg.find_node(id);
    if (node == nullptr) throw std::logic_error("config refers to a missing node: " + id);
    return *node;
}

std::string fill(std::string_view tmpl,
                 const std::vector<std::pair<std::string_view, std::string>>& values) {
    std::string result;
    result.reserve(tmpl.size());
    std::size_t pos = 0;
    while (pos < tmpl.size()) {
        bool replaced = false;
        if (tmpl[pos] == '{') {
            for (const auto& [name, value] : values) {
                if (tmpl.substr(pos + 1, name.size()) == name &&
                    tmpl.substr(pos + 1 + name.size(), 1) == "}") {
                    result += value;
                    pos += name.size() + 2;
                    replaced = true;
                    break;
                }
            }
        }
        if (!replaced) result += tmpl[pos++];
    }
    return result;
}

std::string joined(std::string_view a, std::string_view sep, std::string_view b) {
    std::string result(a);
    if (!a.empty() && !b.empty()) result += sep;
    result += b;
    return result;
}

std::size_t shown_page(const messages::conversation_state& state) {
    auto it = state.answers.find("page");
    if (it == state.answers.end()) return 1;
    std::size_t n = 0;
    const std::string& s = it->second;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    return ec == std::errc{} && end == s.data() + s.size() ? n : 0;
}

std::string numbered(const std::vector<messages::menu_choice>& choices) {
    std::string result;
    for (const auto& choice : choices) {
        if (!result.empty()) result += '\n';
        result += choice.id + ". " + choice.label;
    }
    return result;
}

}  // namespace cwc::handlers
