// Twilio Messaging ↔ domain translation (PROVIDERS.md §1.1, §1.4, §1.5). Pure functions: the
// dispatcher and the webhook handlers do the I/O and logging; nothing here logs, so no phone
// number or message text can leak from it.
#include "gateway/twilio_adapter.hpp"

#include "gateway/base64.hpp"
#include "gateway/send_outcomes.hpp"

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
constexpr std::string_view whatsapp_prefix = "whatsapp:";

std::string without_whatsapp_prefix(std::string address) {
    if (address.rfind(whatsapp_prefix, 0) == 0) address.erase(0, whatsapp_prefix.size());
    return address;
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

// Twilio's error JSON carries "code" as a number; a string is accepted too. "" when absent.
std::string twilio_error_code(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    const auto it = body.find("code");
    if (it == body.end()) return {};
    if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
    if (it->is_string()) return it->get<std::string>();
    return {};
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
    m.from = without_whatsapp_prefix(*from);
    m.to = without_whatsapp_prefix(field_or_empty(fields, "To"));
    m.text = field_or_empty(fields, "Body");  // absent for media-only messages
    m.received_at = now;
    m.profile_name = field_or_empty(fields, "ProfileName");  // WhatsApp only
    const std::string count = field_or_empty(fields, "NumMedia");
    const int media = count.size() == 1 && count[0] >= '1' && count[0] <= '9' ? count[0] - '0' : 0;
    for (int i = 0; i < media; ++i) {
        messages::media_attachment a;
        a.url = field_or_empty(fields, "MediaUrl" + std::to_string(i));
        a.mime_type = field_or_empty(fields, "MediaContentType" + std::to_string(i));
        if (a.url.empty()) continue;
        a.kind = a.mime_type.substr(0, a.mime_type.find('/'));
        if (a.kind == "application" || a.kind == "text") a.kind = "document";
        m.media.push_back(std::move(a));
    }
    if (m.text.empty() && !m.media.empty()) m.kind = "media";
    const std::string* latitude = find_field(fields, "Latitude");
    const std::string* longitude = find_field(fields, "Longitude");
    if (latitude != nullptr && longitude != nullptr) {
        try {
            m.location = messages::geo_location{std::stod(*latitude), std::stod(*longitude),
                                                field_or_empty(fields, "Label"),
                                                field_or_empty(fields, "Address")};
            if (m.text.empty()) m.kind = "location";
        } catch (const std::exception&) {
            // Not numbers: the message is kept without a location.
        }
    }
    return m;
}

std::optional<status_update> parse_twilio_status(const form_fields& fields) {
    const std::string* sid = find_field(fields, "MessageSid");
    const std::string* twilio_status = find_field(fields, "MessageStatus");
    if (sid == nullptr || sid->empty() || twilio_status == nullptr) return std::nullopt;
    const auto status = map_twilio_status(*twilio_status);
    if (!status) return std::nullopt;
    return status_update{*sid, 0, *status, field_or_empty(fields, "ErrorCode")};
}

http_request_spec build_twilio_send(const twilio_credentials& creds, const config::channel& channel,
                                    const messages::outbound_message& message,
                                    std::string_view status_callback_url) {
    http_request_spec spec;
    spec.method = "POST";
    spec.target = api_base_path(creds.api_base) + "/" + std::string{twilio_api_version} +
                  "/Accounts/" + percent_encode(creds.account_sid) + "/Messages.json";
    spec.headers = {
        {"Authorization", "Basic " + base64(creds.account_sid + ":" + creds.auth_token)},
        {"Content-Type", "application/x-www-form-urlencoded"},
        {"Accept", "application/json"},
    };
    // Twilio WhatsApp addresses both ends as "whatsapp:+E164".
    const std::string prefix{channel.kind == config::channel_kind::twilio_whatsapp ? whatsapp_prefix
                                                                                   : ""};
    form_fields form{{"To", prefix + message.to}};
    if (const auto& service = channel.option("messaging_service_sid"); !service.empty())
        form.push_back({"MessagingServiceSid", service});
    else
        form.push_back({"From", prefix + channel.address});
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
            if (sid != json.end() && sid->is_string() && !sid->get<std::string>().empty())
                return sent_as(sid->get<std::string>());
        }
        // Accepted without a sid we could track: the outcome is unknown, so it is tried again.
        return retry_or_dead_letter(backoff_after(now, attempts), http_code, attempts, max_attempts);
    }
    const std::string code = twilio_error_code(json);
    const std::string reason = code.empty() ? http_code : code;
    if (http_status == 400 && code == "21610") {
        send_result r;
        r.kind = send_result::outcome::recipient_opted_out;
        r.error_code = code;
        return r;
    }
    // 20003: the account SID / auth token pair was refused (rotated or suspended account).
    if (http_status == 401 || code == "20003") return credentials_rejected(reason, now);
    // Twilio never processed a throttled request, so retrying cannot double-send.
    if (http_status == 429 || code == "20429")
        return throttled(retry_after, reason, now, attempts, max_attempts);
    if (http_status >= 500 && http_status <= 599)
        return retry_or_dead_letter(backoff_after(now, attempts), reason, attempts, max_attempts);
    // Other 4xx: permanent. 1xx/3xx/other 2xx are not part of the contract; retrying might
    // send twice. 63016: outside the WhatsApp window (gateway/whatsapp_window.hpp).
    auto failed = failed_with(reason);
    failed.window_closed = code == "63016";
    return failed;
}

}  // namespace cwc::gateway
