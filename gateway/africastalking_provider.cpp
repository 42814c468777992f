// Africa's Talking: the token in the callback URL is checked before the body is read (AT signs
// nothing); inbound messages, opt-out notices and delivery reports are forms; sends are forms
// answered by JSON with one entry per recipient (we always send to one).
#include "gateway/africastalking_provider.hpp"

#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/webhook_query.hpp"

#include <boost/url.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;
using messages::outbound_status;
using namespace std::chrono_literals;

// Topping up the account is a person's job: no point knocking every few seconds meanwhile.
constexpr auto no_credit_wait = std::chrono::milliseconds{15min};

// Delivery report statuses (PROVIDERS.md §3.2). courier leaves out Submitted; it only means the
// operator has the message, which for us is still "sent".
std::optional<outbound_status> map_status(std::string_view s) {
    if (s == "Sent" || s == "Submitted" || s == "Buffered") return outbound_status::sent;
    if (s == "Success") return outbound_status::delivered;
    if (s == "Rejected" || s == "Failed" || s == "Expired") return outbound_status::failed;
    return std::nullopt;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_short_code(std::string_view address) {
    return address.size() <= 8 && all_digits(address);
}

// A per-recipient statusCode, as a number or a numeric string; -1 when absent or junk.
int status_code_of(const nlohmann::json& recipient) {
    const auto it = recipient.find("statusCode");
    if (it == recipient.end()) return -1;
    if (it->is_number_integer()) return it->get<int>();
    if (it->is_string()) {
        const auto& s = it->get_ref<const std::string&>();
        if (s.size() > 4 || !all_digits(s)) return -1;
        return std::stoi(s);
    }
    return -1;
}

std::string string_at(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// SMSMessageData.Message when it is a bare reason ("InvalidSenderId"), else `fallback`: a
// summary sentence carries numbers and costs that do not belong in an error code.
std::string reason_word(const nlohmann::json& data, std::string fallback) {
    const std::string message = string_at(data, "Message");
    const bool word = !message.empty() && message.size() <= 40 &&
                      std::all_of(message.begin(), message.end(), [](char c) {
                          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
                      });
    return word ? message : fallback;
}

messages::send_result interpret_recipients(const nlohmann::json& json, messages::timestamp now,
                                           int attempts, int max_attempts) {
    const auto data = json.is_object() ? json.find("SMSMessageData") : json.end();
    if (!json.is_object() || data == json.end() || !data->is_object())
        // Accepted without a body we can read: the outcome is unknown, so it is tried again.
        return retry_or_dead_letter(backoff_after(now, attempts), "unreadable_response", attempts,
                                    max_attempts);
    const auto recipients = data->find("Recipients");
    if (recipients == data->end() || !recipients->is_array() || recipients->empty() ||
        !recipients->front().is_object())
        return failed_with(reason_word(*data, "no_recipients"));
    const auto& first = recipients->front();
    const int code = status_code_of(first);
    const std::string code_text = code < 0 ? "no_status_code" : std::to_string(code);
    switch (code) {
        case 100:  // Processed
        case 101:  // Sent
        case 102:  // Queued
        {
            std::string id = string_at(first, "messageId");
            if (id == "None") id.clear();
            return sent_as(std::move(id));
        }
        case 405:  // InsufficientBalance: retried once someone may have topped up
            return retry_or_dead_letter(
                std::max(backoff_after(now, attempts), now + no_credit_wait), code_text, attempts,
                max_attempts);
        case 500:  // InternalServerError, GatewayError, RejectedByGateway: AT's side, transient
        case 501:
        case 502:
            return retry_or_dead_letter(backoff_after(now, attempts), code_text, attempts,
                                        max_attempts);
        default:
            // 401 RiskHold, 402 InvalidSenderId, 403 InvalidPhoneNumber, 404
            // UnsupportedNumberType, 406 UserInBlacklist, 407 CouldNotRoute, 409
            // DoNotDisturbRejection: permanent for this message. 406 is not documented as the
            // person's own opt-out, so it is not recorded as one.
            return failed_with(code_text);
    }
}

}  // namespace

africastalking_provider::africastalking_provider(const config::channel& channel,
                                                 africastalking_settings settings)
    : channel_(channel), settings_(std::move(settings)) {}

webhook_reading africastalking_provider::read_webhook(const http_request& request, std::string_view,
                                                      webhook_route route,
                                                      messages::timestamp now) const {
    const auto token = query_param(request.target(), "token");
    if (!token || token->empty()) return rejected(401, "missing token query parameter");
    if (!same_secret(settings_.webhook_token, *token)) return rejected(403, "wrong token");
    if (request.method() != http::verb::post) return rejected(405, "use POST");
    if (!is_form_content(request))
        return rejected(415, "expected application/x-www-form-urlencoded");
    const auto fields = parse_form(request.body());
    if (!fields) return rejected(400, "malformed form body (bad %-escape or invalid UTF-8)");

    webhook_reading out;
    if (route == webhook_route::status) {
        const std::string id = field_or_empty(*fields, "id");
        if (id.empty()) return quarantined("delivery report without id");
        const auto status = map_status(field_or_empty(*fields, "status"));
        if (!status) return quarantined("unknown delivery report status");
        status_update update{id, 0, *status, {}};
        if (*status == outbound_status::failed)
            update.error_code = field_or_empty(*fields, "failureReason");
        out.statuses.push_back(std::move(update));
        return out;
    }

    const std::string* id = find_field(*fields, "id");
    if (id == nullptr && find_field(*fields, "senderId") != nullptr &&
        find_field(*fields, "phoneNumber") != nullptr) {
        const std::string number = field_or_empty(*fields, "phoneNumber");
        if (number.empty()) return quarantined("bulk SMS opt-out without phoneNumber");
        out.opted_out.push_back(number);
        return out;
    }
    const std::string from = field_or_empty(*fields, "from");
    if (id == nullptr || id->empty() || from.empty()) return quarantined("missing id or from");
    messages::inbound_message m;
    m.channel_id = channel_.id;
    m.provider_message_id = *id;
    m.from = from;
    m.to = field_or_empty(*fields, "to");
    m.text = field_or_empty(*fields, "text");  // may be empty: the person still gets an answer
    // The pipeline's clock, not AT's `date` (which comes in two formats and may be late).
    m.received_at = now;
    m.reply_token = field_or_empty(*fields, "linkId");
    out.messages.push_back(std::move(m));
    return out;
}

http_response africastalking_provider::acknowledge(const http_request& request) const {
    http_response res{http::status::ok, request.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = "OK";
    res.keep_alive(request.keep_alive());
    return res;
}

http_request_spec africastalking_provider::build_send(const messages::outbound_message& message,
                                                      const send_context&) const {
    // No per-message callback exists: delivery reports go to the dashboard's URL and are matched
    // by the messageId the send response gives.
    http_request_spec spec;
    spec.method = "POST";
    spec.target = api_base_path(settings_.api_base) + "/version1/messaging";
    spec.headers = {
        {"apiKey", settings_.api_key},
        {"Accept", "application/json"},
        {"Content-Type", "application/x-www-form-urlencoded"},
    };
    form_fields form{
        {"username", channel_.option("username")}, {"to", message.to}, {"message", message.text}};
    if (const auto& sender = channel_.option("sender_id"); !sender.empty())
        form.push_back({"from", sender});
    else if (is_short_code(channel_.address))
        form.push_back({"from", channel_.address});
    // Otherwise AT sends from the account's default sender.
    form.push_back({"bulkSMSMode", "1"});
    // A reply to a premium (on-demand) message must echo the inbound's linkId (§3.3).
    if (!message.reply_token.empty()) form.push_back({"linkId", message.reply_token});
    spec.body = encode_form(form);
    return spec;
}

messages::send_result africastalking_provider::interpret_send(const http_result& result,
                                                              messages::timestamp now, int attempts,
                                                              int max_attempts) const {
    if (result.error) return network_failure(now, attempts, max_attempts);
    const int status = static_cast<int>(result.status);
    const std::string http_code = "http_" + std::to_string(status);
    if (status == 200 || status == 201)
        return interpret_recipients(nlohmann::json::parse(result.body, nullptr, false), now,
                                    attempts, max_attempts);
    if (status == 401) return credentials_rejected(http_code, now);
    if (status == 429) return throttled(result.retry_after, http_code, now, attempts, max_attempts);
    if (status >= 500 && status <= 599)
        return retry_or_dead_letter(backoff_after(now, attempts), http_code, attempts,
                                    max_attempts);
    // Other 4xx: AT refused the request itself (bad username, missing field): permanent.
    return failed_with(http_code);
}

std::unique_ptr<provider> make_africastalking_provider(const config::channel& channel,
                                                       const channel_secrets& secrets,
                                                       std::string api_base) {
    auto secret = [&](const char* role) {
        const auto it = secrets.find(role);
        return it == secrets.end() ? std::string{} : it->second;
    };
    return std::make_unique<africastalking_provider>(
        channel,
        africastalking_settings{secret("api_key"), secret("webhook_token"), std::move(api_base)});
}

}  // namespace cwc::gateway
