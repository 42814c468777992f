// Messages in and out. Outbound messages live in the durable outbox until the provider has them;
// their status only ever moves forward (callbacks arrive late, twice and out of order).
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

struct inbound_message {
    std::string channel_id;
    std::string provider_message_id;  // Twilio MessageSid: the de-duplication key
    std::string from;                 // sender address, E.164
    std::string to;                   // our address
    std::string text;
    timestamp received_at{};
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
};

// What the dispatcher learnt from one send attempt.
struct send_result {
    enum class outcome { sent, retry, failed, recipient_opted_out } kind = outcome::sent;
    std::string provider_message_id;  // sent
    std::string error_code;           // provider code, e.g. "21610", or "http_503"
    timestamp retry_at{};             // retry
};

}  // namespace cwc::messages
