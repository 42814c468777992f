// The service directory node: the person picks a sector (only sectors with an active service),
// then a region (only regions where such a service is offered; skipped when there is one), and
// gets the active services there in numbered pages. Each page shown is a referral given.
#pragma once

#include "handlers/turn.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::handlers {

// Moves to the directory's first step and returns what the person sees; the services' page when
// both choices were skipped (its services recorded as referrals). Empty when no service of the
// directory is active now: the caller then says so and goes to the start.
std::optional<std::string> begin_directory(turn& t, const config::menu_node& node);

// The current step's prompt or page again (HELP, re-prompts); records no referral.
std::string directory_prompt(turn& t, const config::menu_node& node);

enum class directory_outcome {
    answered,  // replied (next step, next page, or a re-prompt)
    leave,     // "0": the caller takes the person to the start
    pass_on,   // input after the list: the caller answers it as at the start
};
directory_outcome continue_directory(turn& t, const config::menu_node& node,
                                     std::string_view folded);

// Whether a stored state still fits the directory as configured now (a service may have been
// suspended since, leaving a sector or region with nothing to offer).
bool directory_state_is_current(const config::config& cfg, const config::menu_node& node,
                                const messages::conversation_state& state);

}  // namespace cwc::handlers
