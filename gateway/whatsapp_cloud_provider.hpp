// Meta's WhatsApp Cloud API as a provider (PROVIDERS.md §2): the GET verification handshake,
// notifications signed with X-Hub-Signature-256 over the raw body, sends through the Graph API's
// /{phone-number-id}/messages with our outbox id echoed back in biz_opaque_callback_data.
#pragma once

#include "gateway/provider.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace cwc::gateway {

struct whatsapp_credentials {
    std::string access_token;  // system-user token: "Authorization: Bearer …" on sends
    std::string app_secret;    // key of X-Hub-Signature-256
    std::string verify_token;  // what Meta echoes in the GET handshake
    std::string api_base;      // "https://graph.facebook.com" or a loopback fake in tests
};

inline constexpr std::string_view default_graph_api_version = "v25.0";
inline constexpr std::size_t whatsapp_max_text_chars = 4096;  // Meta's limit on text.body

// "sha256=" + lowercase hex HMAC-SHA256(app_secret, body): the X-Hub-Signature-256 value.
std::string hub_signature(std::string_view app_secret, std::string_view body);
// Constant-time check of an X-Hub-Signature-256 header against the raw body.
bool verify_hub_signature(std::string_view app_secret, std::string_view body,
                          std::string_view header);

// The longest prefix of `utf8` with at most `max_chars` code points (none cut in half).
std::string_view truncate_code_points(std::string_view utf8, std::size_t max_chars);

class whatsapp_cloud_provider final : public provider {
  public:
    // `channel` outlives the adapter; its option "phone_number_id" names our number at Meta and
    // "api_version" the Graph version (default v25.0).
    whatsapp_cloud_provider(const config::channel& channel, whatsapp_credentials credentials);

    // GET on the inbound route: the handshake (200 text/plain with hub.challenge, else 403).
    // POST: signature first (401 missing, 403 wrong), then the notification; an authenticated
    // body we cannot read is quarantined, other objects than whatsapp_business_account skipped.
    webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                 webhook_route route, messages::timestamp now) const override;
    http_response acknowledge(const http_request& request) const override;
    const std::string& api_base() const override { return credentials_.api_base; }
    // A message to the person's digits ("to") or, for a number-less user, their business-
    // scoped user id ("recipient"): a reply's menu as reply buttons or a list where it fits
    // (whatsapp_interactive.hpp), else the text, cut to 4096 characters. A message with a
    // template_name is that template (with the channel's fixed body parameter, if any).
    http_request_spec build_send(const messages::outbound_message& message,
                                 const send_context& context) const override;
    // 2xx with messages[0].id → sent; Graph error codes (§2.7, §2.8): 190/0 → credentials
    // rejected; 4, 80007, 130429, 131048, 131056, 133016, HTTP 429 → throttled; 131000, 131053,
    // 5xx → retried; anything else (131047, 131026, 100, other 4xx) → failed with the code;
    // 131047 is marked window_closed (gateway/whatsapp_window.hpp).
    messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                         int attempts, int max_attempts) const override;
    // GET {api_base}/{version}/{media-id} with the Bearer token; its JSON "url" is then fetched
    // with the same token, which goes only to Meta's download hosts (https under fbsbx.com,
    // facebook.com, whatsapp.net) or the API base's own origin (PROVIDERS.md §2.2, Appendix).
    std::optional<media_request> plan_media_download(
        const messages::media_attachment& attachment) const override;
    std::optional<media_request> follow_media_locator(std::string_view answer_body) const override;

  private:
    webhook_reading handshake(const http_request& request) const;

    const config::channel& channel_;
    whatsapp_credentials credentials_;
};

}  // namespace cwc::gateway
