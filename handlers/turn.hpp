// One turn of a conversation: the input, the result being built, and the language replies are
// written in. The handler files share it so wording rules (fallback language, placeholders,
// never an empty reply) live in one place.
#pragma once

#include "handlers/conversation.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwc::handlers {

struct turn {
    turn(const conversation_input& input, conversation_result& result,
         config::language_code reply_language)
        : in(input), out(result), language(std::move(reply_language)) {}

    const conversation_input& in;
    conversation_result& out;
    config::language_code language;  // replies are written in this one

    const config::config& cfg() const { return in.cfg; }
    messages::conversation_state& state() { return out.contact.state; }

    // A required text (config::required_texts) in the turn's language. Throws std::logic_error
    // when it is missing in both that language and the default: validation guarantees it.
    const std::string& text(const std::string& key) const;
    // A localized config text in the turn's language, falling back to the default language.
    const std::string& local(const config::localized_text& t) const;

    // Queues a reply. Throws std::logic_error for an empty one: the person is never left with
    // silence, so an empty reply can only come from a config validation should have refused.
    // A reply that ends with the options last offered carries them as its menu.
    void say(std::string words,
             messages::outbound_priority priority = messages::outbound_priority::reply);
    // "1. first\n2. second" (each line "<id>. <label>"), remembered so that the reply it ends
    // becomes a menu (buttons or a list where the channel has them).
    std::string offer(std::vector<messages::menu_choice> choices);
    // The same for labels numbered from 1.
    std::string offer(const std::vector<std::string>& labels);
    void record(std::string event) { out.events.push_back(std::move(event)); }

    // Back to the start with nothing pending ("" = the start node, its menu not on screen).
    void rest() { state() = {}; }
    // Moves to a node (flow step and answers cleared).
    void move_to(const std::string& node_id) { state() = {node_id, {}, {}}; }

  private:
    struct offered_choices {
        std::string listing;  // the numbered lines as rendered
        std::vector<messages::menu_choice> choices;
    };
    std::optional<offered_choices> offered_;  // since the last reply
};

// The node a config id names; throws std::logic_error if there is none (validation's job).
const config::menu_node& node_named(const config::config& cfg, const std::string& id);

// Replaces each "{name}" in the template by its value; values are not scanned again, so a value
// can never smuggle in another placeholder.
std::string fill(std::string_view tmpl,
                 const std::vector<std::pair<std::string_view, std::string>>& values);

// a + sep + b, leaving out the separator when either side is empty.
std::string joined(std::string_view a, std::string_view sep, std::string_view b);

// The page of a paged answer (an information page, a directory's services) the state shows:
// answers "page", 1 when there is none, 0 when it is not a page number.
std::size_t shown_page(const messages::conversation_state& state);

// "1. first\n2. second": numbered options, one per line.
std::string numbered(const std::vector<messages::menu_choice>& choices);

}  // namespace cwc::handlers
