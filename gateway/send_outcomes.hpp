// The retry policy every adapter shares: exponential backoff with jitter, Retry-After, and the
// dead letter after the last attempt. Adapters decide what a provider's answer means; this
// decides when to try again.
#pragma once

#include "messages/message.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

// 2 s doubling per attempt up to 10 min, plus up to 20 % jitter (reproducible from `now`).
messages::timestamp backoff_after(messages::timestamp now, int attempts);

// Retry-After as delay-seconds (RFC 9110 §10.2.3), capped at one hour; nullopt for the
// HTTP-date form and junk (the caller then uses its own backoff).
std::optional<std::chrono::seconds> parse_retry_after(std::string_view raw);

messages::send_result sent_as(std::string provider_message_id);
messages::send_result failed_with(std::string error_code);
messages::send_result credentials_rejected(std::string error_code, messages::timestamp now);
// Retry at `when`, or the dead letter (failed, keeping the reason) once attempts are used up.
messages::send_result retry_or_dead_letter(messages::timestamp when, std::string error_code,
                                           int attempts, int max_attempts);
// A throttled answer: Retry-After if usable, else the backoff.
messages::send_result throttled(std::string_view retry_after, std::string error_code,
                                messages::timestamp now, int attempts, int max_attempts);
// Connection refused, reset, TLS failure or timeout: the provider may or may not have the
// message, so it is retried (a duplicate is possible and counted by the callbacks).
messages::send_result network_failure(messages::timestamp now, int attempts, int max_attempts);

}  // namespace cwc::gateway
