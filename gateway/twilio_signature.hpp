// X-Twilio-Signature exactly as Twilio computes it (PROVIDERS.md §1.2): base64(HMAC-SHA1(token,
// url + every POST field as name+value, fields sorted byte-wise by name)).
#pragma once

#include "gateway/form_urlencoded.hpp"

#include <string>
#include <string_view>

namespace cwc::gateway {

std::string twilio_signature(std::string_view auth_token, std::string_view url,
                             const form_fields& post_fields);

// Accepts the URL as given, with its port removed, or with the scheme's default port added
// (as Twilio's SDK does); compares in constant time. An empty header never verifies.
bool verify_twilio_signature(std::string_view auth_token, std::string_view url,
                             const form_fields& post_fields, std::string_view header_value);

}  // namespace cwc::gateway
