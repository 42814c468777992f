// Twilio Messaging ↔ domain translation (PROVIDERS.md §1.1, §1.4, §1.5). Pure functions: the
// dispatcher and the webhook handlers do the I/O and logging; nothing here logs, so no phone
// number or message text can leak from it.
#include "gateway/twilio_adapter.hpp"

#include "gateway/base64.hpp"

#include <boost/url.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>

namespace cwc::gateway {
namespace {

using messages::outbound_status;
using messages::send_result;
using namespace std::chrono_literals;

constexpr std::string_view twilio_api_version = "2010-04-01";
constexpr auto max_backoff = std::chrono::milliseconds{10min};
constexpr auto max_retry_after = std::chrono::seconds{1h};

std::string field_or_empty(const form_fields& fields, std::string_view name) {
    const std::string* value = find_field(fields, name);
    return value ? *value : std::string{};
}

std::optional<outbound_status> map_twilio_status(std::string_view s) {
    // accepted/scheduled: Twilio has the message but has not queued it for a carrier yet; canceled
    // only follows scheduled, and a cancelled message will never arrive, so it counts as failed.
    if (s == "queued" || s == "accepted" || s == "scheduled") return outbound_status::queued;
    if (s == "sending") return outbound_status::sending;
    if (s == "sent") return outbound_status::sent;
    if (s == "delivered") return outbound_status::delivered;
    if (s == "read") return outbound_status::read;
    if (s == "failed" || s == "canceled") return outbound_status::failed;
    if (s == "undelivered") return outbound_status::undelivered;
    return std::nullopt;
}

// The path part of api_base without a trailing '/', so "https://proxy/twilio/" prefixes
// "/twilio". An unparsable base gives no prefix; connecting to it fails in the dispatcher.
std::string api_path_prefix(std::string_view api_base) {
    const auto parsed = boost::urls::parse_uri(api_base);
    if (!parsed) return {};
    std::string prefix{parsed->encoded_path()};
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return prefix;
}

// Twilio's error JSON carries "code" as a number; a string is accepted too. "" when absent.
std::string twilio_error_code(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    const auto it = body.find("code");
    if (it == body.end()) return {};
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    if (it->is_string()) return it->get<std::string>();
    return {};
}

// Retry-After as delay-seconds (RFC 9110 §10.2.3); the HTTP-date form and junk give nullopt so
// the caller falls back to its own backoff. Long waits are capped: a stalled outbox is worse.
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

send_result retry_at(messages::timestamp when, std::string error_code) {
    send_result r;
    r.kind = send_result::outcome::retry;
    r.error_code = std::move(error_code);
    r.retry_at = when;
    return r;
}

send_result failed(std::string error_code) {
    send_result r;
    r.kind = send_result::outcome::failed;
    r.error_code = std::move(error_code);
    return r;
}

// splitmix64: a cheap, well-mixed hash so the jitter is spread out yet reproducible in tests.
std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

}  // namespace

std::optional<messages::inbound_message> parse_twilio_inbound(const form_fields& fields,
                                                              std::string_view channel_id,
                                                              messages::timestamp now) {
    const std::string* sid = find_field(fields, "MessageSid");
    const std::string* from = find_field(fields, "From");
    if (sid == nullptr || sid->empty() || from == nullptr || from->empty()) return std::nullopt;
    messages::inbound_message m;
    m.channel_id = std::string{channel_id};
    m.provider_message_id = *sid;
    m.from = *from;
    m.to = field_or_empty(fields, "To");
    m.text = field_or_empty(fields, "Body");  // absent for media-only messages
    m.received_at = now;
    return m;
}

std::optional<status_update> parse_twilio_status(const form_fields& fields) {
    const std::string* sid = find_field(fields, "MessageSid");
    const std::string* twilio_status = find_field(fields, "MessageStatus");
    if (sid == nullptr || sid->empty() || twilio_status == nullptr) return std::nullopt;
    const auto status = map_twilio_status(*twilio_status);
    if (!status) return std::nullopt;
    return status_update{*sid, *status, field_or_empty(fields, "ErrorCode")};
}

http_request_spec build_twilio_send(const twilio_credentials& creds, const config::channel& channel,
                                    const messages::outbound_message& message,
                                    std::string_view status_callback_url) {
    http_request_spec spec;
    spec.method = "POST";
    spec.target = api_path_prefix(creds.api_base) + "/" + std::string{twilio_api_version} +
                  "/Accounts/" + percent_encode(creds.account_sid) + "/Messages.json";
    spec.headers = {
        {"Authorization", "Basic " + base64(creds.account_sid + ":" + creds.auth_token)},
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"},
    };
    form_fields form{{"To", message.to}};
    if (!channel.messaging_service_sid.empty())
        form.push_back({"MessagingServiceSid", channel.messaging_service_sid});
    else
        form.push_back({"From", channel.address});
    form.push_back({"Body", message.text});
    if (!status_callback_url.empty())
        form.push_back({"StatusCallback", std::string{status_callback_url}});
    spec.body = encode_form(form);
    return spec;
}

messages::send_result interpret_twilio_response(int http_status, std::string_view body,
                                                std::string_view retry_after,
                                                messages::timestamp now, int attempts,
                                                int max_attempts) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    const std::string http_code = "http_" + std::to_string(http_status);

    if (http_status == 200 || http_status == 201) {
        if (json.is_object()) {
            const auto sid = json.find("sid");
            if (sid != json.end() && sid->is_string() && !sid->get<std::string>().empty()) {
                send_result r;
                r.kind = send_result::outcome::sent;
                r.provider_message_id = sid->get<std::string>();
                return r;
            }
        }
    }

    const std::string code = twilio_error_code(json);
    send_result result;
    if (http_status == 200 || http_status == 201) {
        // Accepted without a sid we could track: the outcome is unknown, so it is tried again.
        result = retry_at(twilio_backoff(now, attempts), http_code);
    } else if (http_status == 400 && code == "21610") {
        result.kind = send_result::outcome::recipient_opted_out;
        result.error_code = code;
        return result;
    } else if (http_status == 429 || code == "20429") {
        // Twilio never processed a throttled request, so retrying cannot double-send.
        const auto wait = parse_retry_after(retry_after);
        result = retry_at(wait ? now + *wait : twilio_backoff(now, attempts),
                          code.empty() ? http_code : code);
    } else if (http_status >= 500 && http_status <= 599) {
        result = retry_at(twilio_backoff(now, attempts), code.empty() ? http_code : code);
    } else if (http_status >= 400 && http_status <= 499) {
        return failed(code.empty() ? http_code : code);
    } else {
        // 1xx/3xx/other 2xx: not part of the contract; retrying might send twice.
        return failed(http_code);
    }

    if (result.kind == send_result::outcome::retry && attempts >= max_attempts)
        return failed(std::move(result.error_code));  // dead letter, keeping the last reason
    return result;
}

messages::timestamp twilio_backoff(messages::timestamp now, int attempts) {
    const int n = std::max(attempts, 1);
    // 2 s doubling per attempt; from the 10th attempt on the 10 min cap applies, so no shift
    // overflows.
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

}  // namespace cwc::gateway
