// Vonage (Nexmo) legacy SMS API (PROVIDERS.md §4) as a provider: inbound messages and delivery
// receipts as GET query, POST form or POST JSON; sends through /sms/json.
//
// Authentication, set per channel:
// - signature_secret set (Vonage support enables signed webhooks; the method is the channel
//   option signature_method: md5hash, the default, or md5/sha1/sha256/sha512 HMAC): inbound
//   messages must carry a valid `sig` and a `timestamp` within 5 minutes of now. Delivery
//   receipts are checked the same way when they carry `sig`; one without may instead present
//   the webhook_token (whether Vonage signs receipts is not confirmed).
// - otherwise the channel's webhook_token secret, as the `token` query parameter of the URLs set
//   in the Vonage dashboard:
//     Inbound SMS:        <public_url>/webhooks/<channel id>?token=<webhook_token>
//     Delivery receipts:  <public_url>/webhooks/<channel id>/status?token=<webhook_token>
//   (each send also names its receipt URL, with the token, in `callback`).
// Both secrets are optional in the channel type; with neither set every webhook is refused with
// 503, so a misconfigured channel fails closed and Vonage keeps retrying for 24 hours.
#pragma once

#include "gateway/provider.hpp"
#include "gateway/vonage_signature.hpp"

#include <optional>
#include <string>

namespace cwc::gateway {

struct vonage_settings {
    std::string api_key;
    std::string api_secret;
    std::string signature_secret;  // "" when webhooks are not signed
    std::string webhook_token;     // "" when not used
    std::string api_base;          // "https://rest.nexmo.com" or a loopback fake
    // nullopt: the signature_method option names no known method (webhooks are then refused).
    std::optional<vonage_signature_method> signature_method = vonage_signature_method::md5hash;
};

class vonage_provider final : public provider {
  public:
    vonage_provider(const config::channel& channel, vonage_settings settings);

    // Inbound route: msisdn and messageId required (else quarantine); concatenated parts carry
    // `part` for the pipeline to reassemble; binary messages are kept as "unsupported". A
    // request without any message field (a URL check) is acknowledged and skipped.
    // Status route: messageId and status required; client-ref (else ?m=) is our outbox id.
    webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                 webhook_route route, messages::timestamp now) const override;
    // 204 without a body (Vonage accepts 200 or 204 and retries anything else for 24 hours).
    http_response acknowledge(const http_request& request) const override;
    const std::string& api_base() const override { return settings_.api_base; }
    // Form POST with type=unicode when the text is not GSM-7, a delivery receipt request to
    // the status callback URL and client-ref = our outbox id.
    http_request_spec build_send(const messages::outbound_message& message,
                                 const send_context& context) const override;
    // Every part status "0" → sent as the first message-id; 1 or "Throughput Rate Exceeded" →
    // throttled; 4, 14 → credentials rejected; 5 → retried; 9 (no credit) → retried later;
    // other codes → failed with the code.
    messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                         int attempts, int max_attempts) const override;

  private:
    // nullopt when the request is authentic, else the rejection to answer.
    std::optional<webhook_reading> authenticate(const form_fields& params, std::string_view target,
                                                webhook_route route, messages::timestamp now) const;

    const config::channel& channel_;
    vonage_settings settings_;
};

}  // namespace cwc::gateway
