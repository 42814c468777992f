// What each channel type needs from the config file and the environment: the secrets (by role,
// each read from a named environment variable), the API base, and the provider settings that
// are not secret. The loader validates channels against this table; gateway adapters read the
// same roles and option names, so the two cannot drift apart.
#pragma once

#include "config/config.hpp"

#include <string_view>
#include <vector>

namespace cwc::config {

struct secret_role {
    std::string_view role;         // "auth_token": the config key is "<role>_env"
    std::string_view default_env;  // "TWILIO_AUTH_TOKEN"
    bool required = true;
};

struct option_spec {
    std::string_view name;     // "phone_number_id"
    bool required = false;
    std::string_view example;  // shown in errors: "106540352242922"
};

struct channel_kind_spec {
    channel_kind kind;
    std::string_view type;  // the config's "type": "twilio_sms"
    std::vector<secret_role> secrets;
    std::string_view default_api_base_env;
    std::string_view default_api_base;
    std::vector<option_spec> options;
    bool address_is_e164 = true;       // false: short codes and sender ids are allowed
    bool provider_enforces_stop = false;  // default of the channel's provider_enforces_stop
};

const std::vector<channel_kind_spec>& channel_kinds();
const channel_kind_spec& kind_spec(channel_kind kind);
const channel_kind_spec* find_kind(std::string_view type);
std::string kind_names();
// WhatsApp's 24-hour customer-service window applies to sends on this kind.
bool has_reply_window(channel_kind kind);  // "twilio_sms, twilio_whatsapp, …" for error messages
// Menus are sent as buttons or lists on this kind; elsewhere a reply's menu is plain text only.
bool has_interactive_menus(channel_kind kind);

}  // namespace cwc::config
