// The satisfaction question asked when a case is closed ("how satisfied are you, 1 to 5?"): the
// person's next message, if it is a number from 1 to 5 within a week, is their rating.
#pragma once

#include "handlers/turn.hpp"

#include <string_view>

namespace cwc::handlers {

// The state a contact waits in after the question (set by the gateway when a case closes).
messages::conversation_state awaiting_rating(std::string_view reference, messages::timestamp now);

// Whether a state waiting for a rating is still valid (well formed, not older than a week).
bool rating_state_is_current(const messages::conversation_state& state, messages::timestamp now);

// At the "rating" step: a number from 1 to 5 is the rating (recorded, thanked); returns false
// for anything else, which the caller then handles from the start.
bool take_rating(turn& t, std::string_view folded);

}  // namespace cwc::handlers
