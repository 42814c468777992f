// Pure translation between Twilio's Messaging contract and our domain (PROVIDERS.md §1): inbound
// webhooks and status callbacks in, REST send requests out, send responses interpreted. No I/O.
#pragma once

#include "config/config.hpp"
#include "gateway/form_urlencoded.hpp"
#include "gateway/provider.hpp"
#include "messages/message.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwc::gateway {

inline constexpr std::string_view empty_twiml =
    R"(<?xml version="1.0" encoding="UTF-8"?><Response/>)";

struct twilio_credentials {
    std::string account_sid;
    std::string auth_token;
    std::string api_base;  // "https://api.twilio.com" or a loopback fake in tests
};

// Needs MessageSid and From; Body may be absent (media only). nullopt when unusable.
// "whatsapp:+51…" addresses (Twilio WhatsApp) lose their prefix; MediaUrlN become attachments.
std::optional<messages::inbound_message> parse_twilio_inbound(const form_fields& fields,
                                                              std::string_view channel_id,
                                                              messages::timestamp now);

// MessageSid + MessageStatus (Twilio's enum mapped to ours); nullopt for unknown statuses.
std::optional<status_update> parse_twilio_status(const form_fields& fields);

// POST Messages.json with To, From (or MessagingServiceSid), Body and StatusCallback.
http_request_spec build_twilio_send(const twilio_credentials& creds, const config::channel& channel,
                                    const messages::outbound_message& message,
                                    std::string_view status_callback_url);

// 201 → sent with the sid; 400 code 21610 → recipient_opted_out; 429/20429, 5xx → retry with
// exponential backoff and jitter (Retry-After honoured); other 4xx → failed with Twilio's code
// (63016, outside the WhatsApp window, is marked window_closed).
// `attempts` counts this one; after max_attempts a retryable error becomes failed (dead letter).
messages::send_result interpret_twilio_response(int http_status, std::string_view body,
                                                std::string_view retry_after,
                                                messages::timestamp now, int attempts,
                                                int max_attempts = 8);
}  // namespace cwc::gateway
