// Times as the officers' API and the token commands show and accept them: RFC 3339 in UTC
// ("2026-11-24T06:00:00Z", milliseconds when there are any), or a plain date for filters.
#pragma once

#include "messages/time.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

std::string rfc3339(messages::timestamp t);
// "2026-11-24T06:00:00Z", "…T06:00:00.250+01:00", or "2026-11-24" (midnight UTC); nothing for
// anything else, an impossible date included.
std::optional<messages::timestamp> parse_rfc3339(std::string_view text);

}  // namespace cwc::gateway
