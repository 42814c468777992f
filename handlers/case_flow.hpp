// Complaint and feedback flows: category (skipped when there is one), then the optional region,
// sex and age group (each with "prefer not to say"), then a free-text description that opens a
// case and is acknowledged with its reference and the number of days to an answer.
#pragma once

#include "handlers/turn.hpp"

#include <string>
#include <string_view>

namespace cwc::handlers {

// Starts the flow at its first step; returns the introduction and the first prompt.
std::string begin_flow(turn& t, const config::menu_node& node);

// The prompt of a step ("category", "region", "sex", "age_group", "description"), for
// re-prompts and HELP.
std::string step_prompt(turn& t, const config::menu_node& node, const std::string& step);

// Handles one message at the current step, replying. Returns false when the person asked to
// leave the flow ("0" outside the optional questions, where 0 means "prefer not to say"); the
// caller then takes them to the start.
bool continue_flow(turn& t, const config::menu_node& node, std::string_view folded);

// After a case is opened the person stays a moment at step "more": a later SMS within the quiet
// period of the previous one, and not a bare number (a menu choice), is added to the case
// without a reply (the safe answer if its words make the case sensitive). Returns false for
// anything else; the caller then handles the message from the start.
bool continue_description(turn& t, std::string_view folded);

// Whether a stored state still fits the flow as configured now (a step or category may have
// been removed since the person started).
bool flow_state_is_current(const config::config& cfg, const config::menu_node& node,
                           const messages::conversation_state& state);

}  // namespace cwc::handlers
