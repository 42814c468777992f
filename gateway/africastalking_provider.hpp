// Africa's Talking SMS (PROVIDERS.md §3) as a provider: form callbacks authenticated by a secret
// token in their URL, delivery reports by AT's message id, sends through /version1/messaging.
//
// AT does not sign its callbacks, so the operator puts the channel's webhook_token secret in
// the callback URLs set in the AT dashboard (SMS → Callback URLs), exactly:
//   Incoming messages:   <public_url>/webhooks/<channel id>?token=<webhook_token>
//   Delivery reports:    <public_url>/webhooks/<channel id>/status?token=<webhook_token>
//   Bulk SMS opt-outs:   <public_url>/webhooks/<channel id>?token=<webhook_token>
// A missing token gets 401 and a wrong one 403, both before anything is read. Use a long
// random token (e.g. `openssl rand -hex 24`) and HTTPS, and restrict the sources to AT's
// addresses at the proxy where possible.
#pragma once

#include "gateway/provider.hpp"

#include <string>

namespace cwc::gateway {

struct africastalking_settings {
    std::string api_key;        // the `apiKey` header of sends
    std::string webhook_token;  // the `token` query parameter of every callback
    std::string api_base;       // "https://api.africastalking.com" or a loopback fake
};

class africastalking_provider final : public provider {
  public:
    // `channel` outlives the adapter; its options give `username` (required by AT) and the
    // optional `sender_id`.
    africastalking_provider(const config::channel& channel, africastalking_settings settings);

    // Inbound route: an incoming message (`id` and `from` required, else quarantine; empty
    // `text` allowed; `linkId` becomes the reply token) or a Bulk SMS opt-out notification
    // (`senderId`, `phoneNumber`; acknowledged and skipped until the pipeline records
    // provider opt-outs). Status route: a delivery report by AT's `id`; an unknown status is
    // quarantined.
    webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                 webhook_route route, messages::timestamp now) const override;
    // 200 text/plain "OK": AT only needs a 2xx.
    http_response acknowledge(const http_request& request) const override;
    const std::string& api_base() const override { return settings_.api_base; }
    // A bulk send (bulkSMSMode=1, sender billed); a reply echoes the inbound's linkId (the
    // message's reply token), which premium/on-demand services require.
    http_request_spec build_send(const messages::outbound_message& message,
                                 const send_context& context) const override;
    // 201 with Recipients[0].statusCode 100/101/102 → sent as its messageId; 405
    // InsufficientBalance and 500-502 → retried later; other per-recipient codes → failed with
    // the code; HTTP 401 → credentials rejected; 429 → throttled; 5xx and network → retried.
    messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                         int attempts, int max_attempts) const override;

  private:
    const config::channel& channel_;
    africastalking_settings settings_;
};

}  // namespace cwc::gateway
