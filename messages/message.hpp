// Messages in and out. Outbound messages live in the durable outbox until the provider has them;
// their status only ever moves forward (callbacks arrive late, twice and out of order).
#pragma once

#include "messages/outbound_menu.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

// A photo, voice note or document sent to us; downloaded into the store after the 2xx.
struct media_attachment {
    std::string kind;               // image, video, audio, voice, document, sticker
    std::string provider_media_id;  // WhatsApp media id (expires: download promptly)
    std::string url;                // Twilio MediaUrlN
    std::string mime_type;
    std::string caption;
    std::string filename;
    std::string sha256;
};

struct geo_location {
    double latitude = 0;
    double longitude = 0;
    std::string name;
    std::string address;
};

// One part of a concatenated SMS that the provider did not reassemble (Vonage).
struct message_part {
    std::string reference;  // concat-ref: the same for every part of one message
    int total = 0;
    int index = 0;  // 1-based
};

struct inbound_message {
    std::string channel_id;
    std::string provider_message_id;  // MessageSid, wamid, AT id, Vonage messageId, Kannel %I
    std::string from;                 // sender address: E.164 once normalised by the pipeline
    std::string to;                   // our address
    std::string text;                 // body, caption, or the title of an interactive reply
    timestamp received_at{};
    // text, media, location, interactive, unsupported (then `text` is empty and the person is
    // told what we can read).
    std::string kind = "text";
    std::string choice_id;  // the id of a tapped WhatsApp button or list row
    std::vector<media_attachment> media;
    std::optional<geo_location> location;
    std::optional<message_part> part;
    std::string sender_user_id;  // WhatsApp business-scoped user id; `from` may then be empty
    std::string profile_name;    // WhatsApp profile name: personal data, never logged
    std::string reply_token;     // provider data a reply must echo (Africa's Talking linkId)
};

enum class inbound_outcome { handled, failed };  // failed: kept, apology sent

// Lower sends first. Broadcasts never delay a reply to someone who just wrote.
enum class outbound_priority { safety = 0, reply = 1, answer = 2, broadcast = 3 };

enum class outbound_status { queued, sending, sent, delivered, read, failed, undelivered };

std::string_view to_string(outbound_status s);
std::optional<outbound_status> parse_outbound_status(std::string_view s);
// Rank used to keep statuses monotonic; failed/undelivered rank with delivered so a late "sent"
// never overwrites them and a "delivered" is never downgraded.
int status_rank(outbound_status s);

struct outbound_message {
    std::int64_t id = 0;
    std::int64_t contact_id = 0;
    std::string channel_id;
    std::string to;  // E.164
    std::string text;
    outbound_priority priority = outbound_priority::reply;
    bool solicited = true;  // a reply to the person's own message; unsolicited ones respect STOP
    std::int64_t inbound_id = 0;  // the inbound message this answers, 0 if none
    int segments = 1;
    outbound_status status = outbound_status::queued;
    int attempts = 0;
    timestamp created_at{};
    timestamp next_attempt_at{};
    std::string provider_message_id;
    std::string error_code;
    // The numbered options at the end of `text`, for channels that show buttons or lists; the
    // text stays the full rendering (SMS, and the fallback where the options do not fit).
    outbound_menu menu;
    std::string reply_token;  // the inbound's reply token to echo (Africa's Talking linkId)
    // Set on a WhatsApp re-engagement template (the customer-service window is closed): the
    // approved template goes instead of `text`, which is then empty. Nothing of a case goes in it.
    std::string template_name;
    std::string template_language;  // Meta's code, e.g. "es" or "en_US"
    std::string template_parameter;  // its one body parameter's text, "" = none
    std::int64_t broadcast_id = 0;  // the broadcast this row belongs to, 0 = none
};

// What the dispatcher learnt from one send attempt.
struct send_result {
    // credentials_rejected: the channel's token expired or was revoked (Twilio 20003, Meta 190):
    // the channel pauses and an alert is raised; the message waits, it is not failed.
    enum class outcome { sent, retry, failed, recipient_opted_out, credentials_rejected } kind =
        outcome::sent;
    std::string provider_message_id;  // sent
    std::string error_code;           // provider code, e.g. "21610", or "http_503"
    timestamp retry_at{};             // retry
    // failed because WhatsApp's customer-service window is closed (Meta 131047, Twilio 63016):
    // the dispatcher re-routes the message, holds it behind a template, or fails it with a reason.
    bool window_closed = false;
};

}  // namespace cwc::messages
