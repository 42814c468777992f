// The channel type table (PROVIDERS.md): default environment variable names follow each
// provider's own naming so an operator recognises them.
#include "config/channel_kinds.hpp"

#include <stdexcept>

namespace cwc::config {

const std::vector<channel_kind_spec>& channel_kinds() {
    static const std::vector<channel_kind_spec> kinds{
        {channel_kind::twilio_sms, "twilio_sms",
         {{"account_sid", "TWILIO_ACCOUNT_SID"}, {"auth_token", "TWILIO_AUTH_TOKEN"}},
         "TWILIO_API_BASE", "https://api.twilio.com",
         {{"messaging_service_sid", false, "MG0123456789abcdef0123456789abcdef"}},
         true, true},
        {channel_kind::twilio_whatsapp, "twilio_whatsapp",
         {{"account_sid", "TWILIO_ACCOUNT_SID"}, {"auth_token", "TWILIO_AUTH_TOKEN"}},
         "TWILIO_API_BASE", "https://api.twilio.com",
         {{"messaging_service_sid", false, "MG0123456789abcdef0123456789abcdef"}},
         true, false},
        {channel_kind::whatsapp_cloud, "whatsapp_cloud",
         {{"access_token", "WHATSAPP_ACCESS_TOKEN"},
          {"app_secret", "WHATSAPP_APP_SECRET"},
          {"verify_token", "WHATSAPP_VERIFY_TOKEN"}},
         "WHATSAPP_API_BASE", "https://graph.facebook.com",
         {{"phone_number_id", true, "106540352242922"}, {"api_version", false, "v25.0"}},
         true, false},
        {channel_kind::africastalking, "africastalking",
         {{"api_key", "AT_API_KEY"}, {"webhook_token", "AT_WEBHOOK_TOKEN"}},
         "AT_API_BASE", "https://api.africastalking.com",
         {{"username", true, "sandbox"}, {"sender_id", false, "CWC"}},
         false, false},
        {channel_kind::vonage_sms, "vonage_sms",
         {{"api_key", "VONAGE_API_KEY"},
          {"api_secret", "VONAGE_API_SECRET"},
          // One of these two authenticates webhooks (gateway/vonage_provider.hpp): signatures
          // are off by default at Vonage, the token works for every account.
          {"signature_secret", "VONAGE_SIGNATURE_SECRET", false},
          {"webhook_token", "VONAGE_WEBHOOK_TOKEN", false}},
         "VONAGE_API_BASE", "https://rest.nexmo.com",
         {{"signature_method", false, "md5hash"}},
         false, false},
        {channel_kind::kannel, "kannel",
         {{"username", "KANNEL_SENDSMS_USER"},
          {"password", "KANNEL_SENDSMS_PASSWORD"},
          {"webhook_token", "KANNEL_WEBHOOK_TOKEN"}},
         "KANNEL_SENDSMS_URL", "http://127.0.0.1:13013",
         {{"smsc", false, "operator1"}, {"dlr_mask", false, "27"}},
         false, false},
    };
    return kinds;
}

const channel_kind_spec& kind_spec(channel_kind kind) {
    for (const auto& k : channel_kinds())
        if (k.kind == kind) return k;
    throw std::logic_error("channel kind missing from channel_kinds()");
}

const channel_kind_spec* find_kind(std::string_view type) {
    for (const auto& k : channel_kinds())
        if (k.type == type) return &k;
    return nullptr;
}

std::string kind_names() {
    std::string out;
    for (const auto& k : channel_kinds()) {
        if (!out.empty()) out += ", ";
        out += k.type;
    }
    return out;
}

bool has_reply_window(channel_kind kind) {
    return kind == channel_kind::whatsapp_cloud || kind == channel_kind::twilio_whatsapp;
}

bool has_interactive_menus(channel_kind kind) { return kind == channel_kind::whatsapp_cloud; }

}  // namespace cwc::config
