// Vonage SMS API: parameters come from the query (GET), a form or a JSON object (POST) and are
// authenticated by signature or token before anything is read; sends are forms answered by one
// JSON entry per SMS part.
#include "gateway/vonage_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/webhook_query.hpp"
#include "messages/text.hpp"

#include <boost/url.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;
using messages::outbound_status;
using namespace std::chrono_literals;

constexpr auto max_clock_skew = std::chrono::milliseconds{5min};
// Status 9 (no credit): topping up is a person's job, so no knocking every few seconds.
constexpr auto no_credit_wait = std::chrono::milliseconds{15min};
// Query parameters we put in the URLs ourselves: not Vonage's, so maybe not in what it signs.
constexpr std::string_view own_params[] = {"token", "m"};

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> to_int64(std::string_view s) {
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Vonage writes international numbers as digits without '+'; ours are E.164 everywhere else.
// Alphanumeric senders and short codes are left as they are.
std::string as_e164_if_number(const std::string& address) {
    return all_digits(address) && address.size() > 6 ? "+" + address : address;
}

std::string without_plus(const std::string& address) {
    return !address.empty() && address.front() == '+' ? address.substr(1) : address;
}

// Every query parameter, decoded ('+' is a space as in forms); nullopt when malformed.
std::optional<form_fields> query_fields(std::string_view target) {
    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    form_fields out;
    for (const auto& p : parsed->params()) {
        if (!messages::is_valid_utf8(p.key) || !messages::is_valid_utf8(p.value))
            return std::nullopt;
        out.push_back({p.key, p.value});
    }
    return out;
}

// A flat JSON object's members as strings, the way Vonage's SDK stringifies them to sign.
std::optional<form_fields> json_fields(std::string_view body) {
    const auto json = nlohmann::json::parse(body, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return std::nullopt;
    form_fields out;
    for (const auto& [key, value] : json.items()) {
        if (value.is_string())
            out.push_back({key, value.get<std::string>()});
        else if (value.is_boolean())
            out.push_back({key, value.get<bool>() ? "true" : "false"});
        else if (value.is_number())
            out.push_back({key, value.dump()});
    }
    return out;
}

form_fields without_own_params(const form_fields& params) {
    form_fields out;
    for (const auto& f : params)
        if (std::find(std::begin(own_params), std::end(own_params), f.name) == std::end(own_params))
            out.push_back(f);
    return out;
}

// Delivery receipt statuses (PROVIDERS.md §4.3). "unknown" means the carrier never said: the
// message did leave Vonage, so it stays sent.
std::optional<outbound_status> map_status(std::string_view s) {
    if (s == "delivered") return outbound_status::delivered;
    if (s == "accepted" || s == "buffered" || s == "unknown") return outbound_status::sent;
    if (s == "failed" || s == "expired" || s == "rejected") return outbound_status::failed;
    return std::nullopt;
}

webhook_reading read_status(const form_fields& params, std::string_view target) {
    const std::string id = field_or_empty(params, "messageId");
    if (id.empty()) return quarantined("delivery receipt without messageId");
    const auto status = map_status(field_or_empty(params, "status"));
    if (!status) return quarantined("unknown delivery receipt status");
    status_update update{id, 0, *status, {}};
    const auto ref = to_int64(field_or_empty(params, "client-ref"));
    update.outbound_id = ref && *ref > 0 ? *ref : query_int64(target, "m");
    if (*status == outbound_status::failed) update.error_code = field_or_empty(params, "err-code");
    webhook_reading out;
    out.statuses.push_back(std::move(update));
    return out;
}

// concat-ref/total/part of a part of a long message; nullopt when they make no sense.
std::optional<messages::message_part> part_of(const form_fields& params) {
    messages::message_part part;
    part.reference = field_or_empty(params, "concat-ref");
    const auto total = to_int64(field_or_empty(params, "concat-total"));
    const auto index = to_int64(field_or_empty(params, "concat-part"));
    if (part.reference.empty() || !total || !index || *total < 1 || *total > 255 || *index < 1 ||
        *index > *total)
        return std::nullopt;
    part.total = static_cast<int>(*total);
    part.index = static_cast<int>(*index);
    return part;
}

webhook_reading read_inbound(const form_fields& params, std::string_view channel_id,
                             messages::timestamp now) {
    webhook_reading out;
    const std::string* id = find_field(params, "messageId");
    const std::string* msisdn = find_field(params, "msisdn");
    if (id == nullptr && msisdn == nullptr && find_field(params, "text") == nullptr) {
        // Nothing of a message at all, e.g. someone checking the URL answers.
        out.skipped.emplace_back("empty_request");
        return out;
    }
    if (id == nullptr || id->empty() || msisdn == nullptr || msisdn->empty())
        return quarantined("missing messageId or msisdn");
    messages::inbound_message m;
    m.channel_id = std::string{channel_id};
    m.provider_message_id = *id;
    m.from = as_e164_if_number(*msisdn);
    m.to = as_e164_if_number(field_or_empty(params, "to"));
    m.received_at = now;
    if (field_or_empty(params, "type") == "binary") {
        m.kind = "unsupported";  // data/udh: a ringtone, a vCard; nothing a person typed
    } else {
        m.text = field_or_empty(params, "text");
    }
    if (field_or_empty(params, "concat") == "true") {
        m.part = part_of(params);
        if (!m.part) return quarantined("bad concat-ref, concat-total or concat-part");
    }
    out.messages.push_back(std::move(m));
    return out;
}

std::string status_of(const nlohmann::json& entry) {
    const auto it = entry.find("status");
    if (it == entry.end()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    return {};
}

}  // namespace

vonage_provider::vonage_provider(const config::channel& channel, vonage_settings settings)
    : channel_(channel), settings_(std::move(settings)) {}

std::optional<webhook_reading> vonage_provider::authenticate(const form_fields& params,
                                                             std::string_view target,
                                                             webhook_route route,
                                                             messages::timestamp now) const {
    const auto token = query_param(target, "token");
    const bool token_ok = token && same_secret(settings_.webhook_token, *token);
    if (!settings_.signature_secret.empty()) {
        if (!settings_.signature_method)
            return rejected(503,
                            "unknown signature_method option: use md5hash, md5, sha1, "
                            "sha256 or sha512");
        const std::string sig = field_or_empty(params, "sig");
        if (sig.empty()) {
            if (route == webhook_route::status && token_ok) return std::nullopt;
            return rejected(401, "missing sig");
        }
        // With GET, our own query parameters sit among Vonage's: accept a signature with or
        // without them. Both are computed, so the time taken does not tell which matched.
        const auto& secret = settings_.signature_secret;
        const auto method = *settings_.signature_method;
        const bool plain = verify_vonage_signature(without_own_params(params), secret, method, sig);
        const bool with_own = verify_vonage_signature(params, secret, method, sig);
        if (!plain && !with_own) return rejected(403, "invalid sig");
        const auto seconds = to_int64(field_or_empty(params, "timestamp"));
        if (!seconds || *seconds < 0 || *seconds > 100'000'000'000)
            return rejected(403, "signed request without a timestamp");
        const auto sent_at = messages::from_unix_ms(*seconds * 1000);
        if (sent_at > now + max_clock_skew || sent_at < now - max_clock_skew)
            return rejected(403, "timestamp more than 5 minutes from now");
        return std::nullopt;
    }
    if (settings_.webhook_token.empty())
        return rejected(503, "channel has neither signature_secret nor webhook_token set");
    if (!token || token->empty()) return rejected(401, "missing token query parameter");
    if (!token_ok) return rejected(403, "wrong token");
    return std::nullopt;
}

webhook_reading vonage_provider::read_webhook(const http_request& request, std::string_view,
                                              webhook_route route, messages::timestamp now) const {
    std::optional<form_fields> params;
    if (request.method() == http::verb::get) {
        params = query_fields(request.target());
        if (!params) return rejected(400, "malformed query (bad %-escape or invalid UTF-8)");
    } else if (request.method() == http::verb::post) {
        if (is_form_content(request)) {
            params = parse_form(request.body());
            if (!params)
                return rejected(400, "malformed form body (bad %-escape or invalid UTF-8)");
        } else if (is_json_content(request)) {
            params = json_fields(request.body());
            if (!params) return rejected(400, "malformed JSON: expected an object");
        } else {
            return rejected(415, "expected application/x-www-form-urlencoded or application/json");
        }
    } else {
        return rejected(405, "use GET or POST");
    }
    if (auto refusal = authenticate(*params, request.target(), route, now)) return *refusal;
    if (route == webhook_route::status) return read_status(*params, request.target());
    return read_inbound(*params, channel_.id, now);
}

http_response vonage_provider::acknowledge(const http_request& request) const {
    http_response res{http::status::no_content, request.version()};
    res.keep_alive(request.keep_alive());
    return res;
}

http_request_spec vonage_provider::build_send(const messages::outbound_message& message,
                                              const send_context& context) const {
    http_request_spec spec;
    spec.method = "POST";
    spec.target = api_base_path(settings_.api_base) + "/sms/json";
    spec.headers = {
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"},
    };
    form_fields form{{"api_key", settings_.api_key},
                     {"api_secret", settings_.api_secret},
                     {"from", without_plus(channel_.address)},
                     {"to", without_plus(message.to)},
                     {"text", message.text}};
    // Sent as "text", a non-GSM letter would reach the phone as '?'.
    if (messages::count_sms(message.text).encoding == messages::sms_encoding::ucs2)
        form.push_back({"type", "unicode"});
    if (!context.status_callback_url.empty()) {
        std::string callback = context.status_callback_url;
        if (!settings_.webhook_token.empty()) {
            callback += callback.find('?') == std::string::npos ? '?' : '&';
            callback += "token=" + percent_encode(settings_.webhook_token);
        }
        form.push_back({"status-report-req", "1"});
        form.push_back({"callback", std::move(callback)});
    }
    form.push_back({"client-ref", std::to_string(message.id)});
    spec.body = encode_form(form);
    return spec;
}

messages::send_result vonage_provider::interpret_send(const http_result& result,
                                                      messages::timestamp now, int attempts,
                                                      int max_attempts) const {
    if (result.error) return network_failure(now, attempts, max_attempts);
    const int status = static_cast<int>(result.status);
    const std::string http_code = "http_" + std::to_string(status);
    // Vonage's throttling answer may be plain text with any status (courier).
    if (result.body.find("Throughput Rate Exceeded") != std::string::npos)
        return throttled(result.retry_after, "throughput_rate_exceeded", now, attempts,
                         max_attempts);
    if (status == 429) return throttled(result.retry_after, http_code, now, attempts, max_attempts);
    if (status == 401) return credentials_rejected(http_code, now);
    if (status >= 500 && status <= 599)
        return retry_or_dead_letter(backoff_after(now, attempts), http_code, attempts,
                                    max_attempts);
    if (status != 200) return failed_with(http_code);

    const auto json = nlohmann::json::parse(result.body, nullptr, false);
    const auto list = json.is_object() ? json.find("messages") : json.end();
    if (!json.is_object() || list == json.end() || !list->is_array() || list->empty() ||
        !list->front().is_object())
        // 200 without parts we can read: the outcome is unknown, so it is tried again.
        return retry_or_dead_letter(backoff_after(now, attempts), "unreadable_response", attempts,
                                    max_attempts);
    // One entry per SMS part; the first refused part decides (parts before it went out, so a
    // retry may repeat them: better a repeated part than a lost answer).
    for (const auto& part : *list) {
        const std::string code = part.is_object() ? status_of(part) : std::string{};
        if (code == "0") continue;
        if (code == "1") return throttled(result.retry_after, code, now, attempts, max_attempts);
        if (code == "4" || code == "14") return credentials_rejected(code, now);
        if (code == "5")
            return retry_or_dead_letter(backoff_after(now, attempts), code, attempts, max_attempts);
        if (code == "9")
            return retry_or_dead_letter(
                std::max(backoff_after(now, attempts), now + no_credit_wait), code, attempts,
                max_attempts);
        return failed_with(code.empty() ? "no_status" : code);
    }
    const auto id = list->front().find("message-id");
    return sent_as(id != list->front().end() && id->is_string() ? id->get<std::string>()
                                                                : std::string{});
}

std::unique_ptr<provider> make_vonage_provider(const config::channel& channel,
                                               const channel_secrets& secrets,
                                               std::string api_base) {
    auto secret = [&](const char* role) {
        const auto it = secrets.find(role);
        return it == secrets.end() ? std::string{} : it->second;
    };
    return std::make_unique<vonage_provider>(
        channel,
        vonage_settings{secret("api_key"), secret("api_secret"), secret("signature_secret"),
                        secret("webhook_token"), std::move(api_base),
                        parse_vonage_signature_method(channel.option("signature_method"))});
}

}  // namespace cwc::gateway
