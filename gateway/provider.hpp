// What every provider adapter does, so the webhook routes and the dispatcher speak to Twilio,
// WhatsApp Cloud, Africa's Talking, Vonage and Kannel alike (PROVIDERS.md). Adapters are pure:
// no I/O and no logging, so no phone number or message text can leak from them.
#pragma once

#include "config/config.hpp"
#include "gateway/http_exchange.hpp"
#include "gateway/http_service.hpp"
#include "messages/message.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwc::gateway {

// A delivery report: the provider's message id and, where the provider echoes it, ours.
struct status_update {
    std::string provider_message_id;  // "" when only our id came back
    std::int64_t outbound_id = 0;     // our outbox id echoed (callback URL, client-ref, …), 0 if not
    messages::outbound_status status = messages::outbound_status::sent;
    std::string error_code;  // "" or the provider's code, e.g. "30003", "131026"
};

// POST /webhooks/{channel} (messages, and for some providers statuses too) or
// POST /webhooks/{channel}/status (delivery reports where the provider calls a separate URL).
enum class webhook_route { inbound, status };

// How one webhook request was read.
struct webhook_reading {
    enum class verdict {
        accepted,    // authenticated and read: store `messages` and `statuses` (either may be empty)
        rejected,    // answer `status` (401/403 authentication, 400 malformed, 405) with `reason`
        quarantine,  // authenticated but unusable: keep the raw body, alert, answer the ack
        answered,    // answer `answer` without touching the store (WhatsApp's GET handshake)
    };
    verdict what = verdict::accepted;
    unsigned status = 200;
    std::string reason;  // rejected / quarantine: the JSON reason and the log line (no content)
    std::optional<http_response> answer;
    std::vector<messages::inbound_message> messages;
    std::vector<status_update> statuses;
    // People the provider reports as opted out (Africa's Talking Bulk SMS opt-outs), as it
    // writes their address: the contact is marked opted out; nothing unsolicited goes to them.
    std::vector<std::string> opted_out;
    // Parts deliberately not handled, for the log: "reaction", "system:user_changed_number".
    std::vector<std::string> skipped;
};

// What a send needs besides the message: where the provider should report its status.
struct send_context {
    std::string status_callback_url;  // public URL of /webhooks/{channel}/status?m={outbound id}
};

// One GET of an attachment's download. Credentials ride only to the provider's own hosts.
struct media_request {
    std::string url;  // absolute http(s) URL
    std::vector<std::pair<std::string, std::string>> headers;  // Authorization where due
    // The answer names where the file is (WhatsApp's JSON "url"): read it with
    // follow_media_locator, then fetch that.
    bool locates = false;
};

// A channel's secrets by role ("auth_token") as read from the environment at start-up.
using channel_secrets = std::map<std::string, std::string>;

class provider {
public:
    virtual ~provider() = default;

    // Authenticate first (constant-time comparisons), then read. Never throws on bad input.
    // `signed_url` is the public URL plus the request target: what URL-signing providers sign.
    virtual webhook_reading read_webhook(const http_request& request, std::string_view signed_url,
                                         webhook_route route, messages::timestamp now) const = 0;

    // The 2xx the provider expects for an accepted, duplicate or quarantined webhook (Twilio:
    // empty TwiML; Kannel: 200 with an empty text/plain body so it texts nobody; Vonage: 204).
    virtual http_response acknowledge(const http_request& request) const = 0;

    // Where sends go: "https://api.twilio.com" (the dispatcher keeps a connection per origin).
    virtual const std::string& api_base() const = 0;

    virtual http_request_spec build_send(const messages::outbound_message& message,
                                         const send_context& context) const = 0;

    // The outcome of one attempt (`attempts` counts it). A network failure arrives as
    // result.error. Retryable outcomes past `max_attempts` become failed (dead letter).
    virtual messages::send_result interpret_send(const http_result& result, messages::timestamp now,
                                                 int attempts, int max_attempts) const = 0;

    // The first request of an attachment's download; nullopt: this provider has no media.
    virtual std::optional<media_request> plan_media_download(const messages::media_attachment&) const {
        return std::nullopt;
    }
    // The body of a `locates` answer read: the GET of the file, or nullopt if it names none.
    virtual std::optional<media_request> follow_media_locator(std::string_view) const {
        return std::nullopt;
    }
};

// The adapter for a channel's kind (providers.cpp); the secrets are complete.
std::unique_ptr<provider> make_provider(const config::channel& channel,
                                        const channel_secrets& secrets, std::string api_base);

// One per provider file; `channel` outlives the adapter. nullptr: not available.
std::unique_ptr<provider> make_whatsapp_cloud_provider(const config::channel& channel,
                                                       const channel_secrets& secrets,
                                                       std::string api_base);
std::unique_ptr<provider> make_africastalking_provider(const config::channel& channel,
                                                       const channel_secrets& secrets,
                                                       std::string api_base);
std::unique_ptr<provider> make_vonage_provider(const config::channel& channel,
                                               const channel_secrets& secrets, std::string api_base);
std::unique_ptr<provider> make_kannel_provider(const config::channel& channel,
                                               const channel_secrets& secrets, std::string api_base);

}  // namespace cwc::gateway
