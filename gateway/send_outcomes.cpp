// Shared retry policy for all provider adapters.
#include "gateway/send_outcomes.hpp"

#include <algorithm>
#include <cstdint>

namespace cwc::gateway {
namespace {

using namespace std::chrono_literals;
using messages::send_result;

constexpr auto max_backoff = std::chrono::milliseconds{10min};
constexpr auto max_retry_after = std::chrono::seconds{1h};
constexpr auto credentials_recheck = std::chrono::minutes{5};

// splitmix64: a cheap, well-mixed hash so the jitter is spread out yet reproducible in tests.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

messages::timestamp backoff_after(messages::timestamp now, int attempts) {
    const int n = std::max(attempts, 1);
    // From the 10th attempt on the cap applies, so no shift overflows.
    const std::chrono::milliseconds base =
        n >= 10 ? max_backoff
                : std::min<std::chrono::milliseconds>(std::chrono::seconds{2LL << (n - 1)},
                                                      max_backoff);
    const auto seed = static_cast<std::uint64_t>(messages::to_unix_ms(now)) ^
                      (static_cast<std::uint64_t>(n) << 48);
    const auto jitter_span = static_cast<std::uint64_t>(base.count() / 5) + 1;  // up to +20 %
    const auto jitter =
        std::chrono::milliseconds{static_cast<std::int64_t>(mix(seed) % jitter_span)};
    return now + base + jitter;
}

std::optional<std::chrono::seconds> parse_retry_after(std::string_view raw) {
    while (!raw.empty() && (raw.front() == ' ' || raw.front() == '\t')) raw.remove_prefix(1);
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t')) raw.remove_suffix(1);
    if (raw.empty()) return std::nullopt;
    if (!std::all_of(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    if (raw.size() > 9) return max_retry_after;  // > 11 days: capped, and no overflow below
    std::int64_t seconds = 0;
    for (const char c : raw) seconds = seconds * 10 + (c - '0');
    return std::min(std::chrono::seconds{seconds}, max_retry_after);
}

send_result sent_as(std::string provider_message_id) {
    send_result r;
    r.kind = send_result::outcome::sent;
    r.provider_message_id = std::move(provider_message_id);
    return r;
}

send_result failed_with(std::string error_code) {
    send_result r;
    r.kind = send_result::outcome::failed;
    r.error_code = std::move(error_code);
    return r;
}

send_result credentials_rejected(std::string error_code, messages::timestamp now) {
    send_result r;
    r.kind = send_result::outcome::credentials_rejected;
    r.error_code = std::move(error_code);
    r.retry_at = now + credentials_recheck;
    return r;
}

send_result retry_or_dead_letter(messages::timestamp when, std::string error_code, int attempts,
                                 int max_attempts) {
    if (attempts >= max_attempts) return failed_with(std::move(error_code));
    send_result r;
    r.kind = send_result::outcome::retry;
    r.error_code = std::move(error_code);
    r.retry_at = when;
    return r;
}

send_result throttled(std::string_view retry_after, std::string error_code, messages::timestamp now,
                      int attempts, int max_attempts) {
    const auto wait = parse_retry_after(retry_after);
    return retry_or_dead_letter(wait ? now + *wait : backoff_after(now, attempts),
                                std::move(error_code), attempts, max_attempts);
}

send_result network_failure(messages::timestamp now, int attempts, int max_attempts) {
    return retry_or_dead_letter(backoff_after(now, attempts), "network", attempts, max_attempts);
}

}  // namespace cwc::gateway
