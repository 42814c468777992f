// The menu engine: moving between nodes (menu, text, language, status, and into flows),
// rendering them in the turn's language, and answering input that is not a keyword.
#pragma once

#include "handlers/turn.hpp"

#include <string>
#include <string_view>

namespace cwc::handlers {

// Moves the conversation to the node and returns what the person sees there: the menu, the
// page with its back hint, the language list, the status prompt, or a flow's first prompt.
std::string enter(turn& t, const config::menu_node& node);
std::string enter_start(turn& t);

// The current prompt rendered again (HELP); the state is left as it is.
std::string current_prompt(turn& t);

// Answers a message that is not a keyword, from the current state. Always replies.
void respond(turn& t, std::string_view folded);

// The conversation is at its start: nothing pending ("") or the start menu just shown.
bool at_start(const config::config& cfg, const messages::conversation_state& state);

// Whether a stored state still names a node and step of the config as it is now.
bool state_is_current(const config::config& cfg, const messages::conversation_state& state);

}  // namespace cwc::handlers
