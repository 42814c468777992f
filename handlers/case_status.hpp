// STATUS <reference>: tells the person where their case stands, without ever confirming that
// someone else's case, or a sensitive one, exists.
#pragma once

#include "handlers/turn.hpp"

#include <string>
#include <string_view>

namespace cwc::handlers {

// The answer to a status look-up of what the person typed as a reference (folded or raw):
// status_usage when it cannot be a reference; status_found for the person's own non-sensitive
// case; otherwise the one neutral status_unknown text, identical for an unknown reference,
// another person's case and a sensitive case, so a borrowed or seized phone learns nothing.
std::string status_answer(const turn& t, std::string_view typed_reference);

}  // namespace cwc::handlers
