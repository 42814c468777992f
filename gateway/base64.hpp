// Standard base64 (RFC 4648, with padding, no line breaks): Twilio's signature header and the
// Basic authorization of its REST API both take it.
#pragma once

#include <string>
#include <string_view>

namespace cwc::gateway {

std::string base64(std::string_view raw);

}  // namespace cwc::gateway
