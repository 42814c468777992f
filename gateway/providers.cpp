// The one place that knows which adapter serves which channel type.
#include "gateway/provider.hpp"

#include "gateway/twilio_provider.hpp"

#include <stdexcept>

namespace cwc::gateway {
namespace {

const std::string& secret(const channel_secrets& secrets, const char* role) {
    auto it = secrets.find(role);
    if (it == secrets.end()) throw std::logic_error(std::string("secret not resolved: ") + role);
    return it->second;
}

}  // namespace

std::unique_ptr<provider> make_provider(const config::channel& channel,
                                        const channel_secrets& secrets, std::string api_base) {
    using kind = config::channel_kind;
    switch (channel.kind) {
        case kind::twilio_sms:
        case kind::twilio_whatsapp:
            return std::make_unique<twilio_provider>(
                channel, twilio_credentials{secret(secrets, "account_sid"),
                                            secret(secrets, "auth_token"), std::move(api_base)});
        case kind::whatsapp_cloud:
            return make_whatsapp_cloud_provider(channel, secrets, std::move(api_base));
        case kind::africastalking:
            return make_africastalking_provider(channel, secrets, std::move(api_base));
        case kind::vonage_sms:
            return make_vonage_provider(channel, secrets, std::move(api_base));
        case kind::kannel:
            return make_kannel_provider(channel, secrets, std::move(api_base));
    }
    return nullptr;
}

}  // namespace cwc::gateway
