// Twilio Programmable Messaging (SMS and WhatsApp via Twilio) as a provider: form webhooks
// signed with X-Twilio-Signature over the public URL, status callbacks carrying our outbox id
// in their URL (?m=), sends through Messages.json.
#pragma once

#include "gateway/provider.hpp"
#include "gateway/twilio_adapter.hpp"

namespace cwc::gateway {

class twilio_provider final : public provider {
public:
    twilio_provider(const config::channel& channel, twilio_credentials credentials);

    webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                 webhook_route route, messages::timestamp now) const override;
    http_response acknowledge(const http_request& request) const override;
    const std::string& api_base() const override { return credentials_.api_base; }
    http_request_spec build_send(const messages::outbound_message& message,
                                 const send_context& context) const override;
    messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                         int attempts, int max_attempts) const override;
    // MediaUrlN as it came; Basic auth (account SID, token: "media protection") only for the
    // API base's origin and https hosts under twilio.com, never for a foreign host.
    std::optional<media_request> plan_media_download(
        const messages::media_attachment& attachment) const override;

private:
    const config::channel& channel_;
    twilio_credentials credentials_;
};

}  // namespace cwc::gateway
