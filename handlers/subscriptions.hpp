// The subscriptions node: the topics a person hears about by broadcast, numbered, each shown on
// or off for them; a number switches one, and the first subscription of someone who never said
// where they live may ask the region. Every change is a consent_change in the turn's result.
#pragma once

#include "handlers/turn.hpp"

#include <string>
#include <string_view>

namespace cwc::handlers {

// Moves to the node and returns its screen: the node's text, then the topics with on/off.
std::string enter_subscriptions(turn& t, const config::menu_node& node);

// The subscribe keyword: the first subscriptions node (by id), its changes logged with source
// "keyword"; the start menu when the config has none.
std::string open_subscriptions(turn& t);

// The current step's prompt again (HELP, re-prompts).
std::string subscriptions_prompt(turn& t, const config::menu_node& node);

// Answers input at the node; false for "0" on the topics (the caller goes to the start).
bool continue_subscriptions(turn& t, const config::menu_node& node, std::string_view folded);

// Whether a stored state still fits the node as configured now.
bool subscriptions_state_is_current(const config::config& cfg, const config::menu_node& node,
                                    const messages::conversation_state& state);

// STOP: every topic is dropped with the opt-out (consent_change opted_out, source "stop").
void record_opt_out(turn& t);
// START after STOP: logged (opted_in, source "start"); no topic comes back.
void record_opt_in(turn& t);

}  // namespace cwc::handlers
