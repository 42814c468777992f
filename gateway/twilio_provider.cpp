// Twilio webhooks: the form is decoded first because the signature covers the decoded pairs.
#include "gateway/twilio_provider.hpp"

#include "gateway/base64.hpp"
#include "gateway/media_download.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/twilio_signature.hpp"
#include "gateway/webhook_query.hpp"

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;

}  // namespace

twilio_provider::twilio_provider(const config::channel& channel, twilio_credentials credentials)
    : channel_(channel), credentials_(std::move(credentials)) {}

webhook_reading twilio_provider::read_webhook(const http_request& request,
                                              std::string_view signed_url, webhook_route route,
                                              messages::timestamp now) const {
    if (request.method() != http::verb::post) return rejected(405, "use POST");
    if (!is_form_content(request))
        return rejected(415, "expected application/x-www-form-urlencoded");
    auto fields = parse_form(request.body());
    if (!fields) return rejected(400, "malformed form body (bad %-escape or invalid UTF-8)");
    const auto signature = request["X-Twilio-Signature"];
    if (signature.empty()) return rejected(403, "missing X-Twilio-Signature");
    if (!verify_twilio_signature(credentials_.auth_token, signed_url, *fields, signature))
        return rejected(403, "invalid X-Twilio-Signature");
    webhook_reading out;
    if (route == webhook_route::status) {
        auto update = parse_twilio_status(*fields);
        if (!update) return quarantined("unknown status callback");
        update->outbound_id = query_int64(request.target(), "m");
        out.statuses.push_back(std::move(*update));
        return out;
    }
    auto message = parse_twilio_inbound(*fields, channel_.id, now);
    if (!message) return quarantined("missing MessageSid or From");
    out.messages.push_back(std::move(*message));
    return out;
}

http_response twilio_provider::acknowledge(const http_request& request) const {
    http_response res{http::status::ok, request.version()};
    res.set(http::field::content_type, "text/xml");
    res.body() = std::string(empty_twiml);
    res.keep_alive(request.keep_alive());
    return res;
}

http_request_spec twilio_provider::build_send(const messages::outbound_message& message,
                                              const send_context& context) const {
    return build_twilio_send(credentials_, channel_, message, context.status_callback_url);
}

messages::send_result twilio_provider::interpret_send(const http_result& result,
                                                      messages::timestamp now, int attempts,
                                                      int max_attempts) const {
    if (result.error) return network_failure(now, attempts, max_attempts);
    return interpret_twilio_response(static_cast<int>(result.status), result.body,
                                     result.retry_after, now, attempts, max_attempts);
}

std::optional<media_request> twilio_provider::plan_media_download(
    const messages::media_attachment& attachment) const {
    if (attachment.url.empty() || !split_url(attachment.url)) return std::nullopt;
    media_request r;
    r.url = attachment.url;
    if (same_origin(attachment.url, credentials_.api_base) ||
        https_within(attachment.url, "twilio.com"))
        r.headers.emplace_back("Authorization", "Basic " + base64(credentials_.account_sid + ":" +
                                                                  credentials_.auth_token));
    return r;
}

}  // namespace cwc::gateway
