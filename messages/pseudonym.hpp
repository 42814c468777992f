// Keyed pseudonyms for phone numbers: what logs, reports and exports carry instead of the number.
#pragma once

#include <string>
#include <string_view>

namespace cwc::messages {

// "p_" + the first 16 hex digits of HMAC-SHA256(key, address). Stable for one deployment key.
std::string pseudonym(std::string_view key, std::string_view address);

}  // namespace cwc::messages
