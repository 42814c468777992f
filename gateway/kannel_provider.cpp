// Kannel webhooks and sendsms (PROVIDERS.md §5). The MO's fields come from the query (get-url)
// or from the body and X-Kannel-* headers (post-url); its text is decoded from the charset smsbox
// names. Pure: no I/O, no logging.
#include "gateway/kannel_provider.hpp"

#include "config/text_folding.hpp"
#include "gateway/form_urlencoded.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/webhook_query.hpp"
#include "messages/text.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;
using messages::outbound_status;

constexpr int default_dlr_mask = 27;  // delivered, failed, accepted by the SMSC, SMSC reject

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A small non-negative decimal, nullopt for anything else ("", "2x", "-1", huge).
std::optional<int> small_number(std::string_view s) {
    int n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || n < 0) return std::nullopt;
    return n;
}

// The charset parameter of a Content-Type, unquoted: text/plain; charset="UTF-16BE" → UTF-16BE.
std::string charset_of(std::string_view content_type) {
    const std::string ct = lower(content_type);
    const auto at = ct.find("charset=");
    if (at == std::string::npos) return {};
    std::string value = ct.substr(at + 8);
    value = value.substr(0, value.find(';'));
    while (!value.empty() && (value.back() == ' ' || value.back() == '"')) value.pop_back();
    while (!value.empty() && (value.front() == ' ' || value.front() == '"')) value.erase(0, 1);
    return value;
}

// What a text means: UTF-8 as it should be, UTF-16BE from a UCS-2 MO, Latin-1 from an smsbox
// configured for it. `binary`: 8-bit data (coding 1 without a text charset), not a text at all.
struct decoded_text {
    std::optional<std::string> text;  // nullopt: not valid in its charset
    bool binary = false;
};

decoded_text decode_text(const std::string& raw, std::string_view coding, std::string_view charset_raw) {
    const std::string charset = lower(charset_raw);
    if (charset == "utf-16be" || charset == "ucs-2" || charset == "utf-16" ||
        (charset.empty() && coding == "2"))
        return {utf16be_to_utf8(raw)};
    if (charset == "iso-8859-1" || charset == "latin1") {
        std::string out;
        for (const char c : raw) config::append_utf8(out, static_cast<unsigned char>(c));
        return {out};
    }
    if (coding == "1" && charset != "utf-8") return {std::string{}, true};
    if (!messages::is_valid_utf8(raw)) return {std::nullopt};
    return {raw};
}

std::string header_or_query(const http_request& request, std::string_view header,
                            std::string_view param) {
    if (auto h = request[header]; !h.empty()) return std::string(h);
    return query_param(request.target(), param).value_or("");
}

}  // namespace

std::optional<std::string> utf16be_to_utf8(std::string_view bytes) {
    if (bytes.size() % 2 != 0) return std::nullopt;
    std::string out;
    out.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        char32_t unit = static_cast<char32_t>(static_cast<unsigned char>(bytes[i]) << 8 |
                                              static_cast<unsigned char>(bytes[i + 1]));
        if (unit >= 0xDC00 && unit <= 0xDFFF) return std::nullopt;  // a low surrogate first
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (i + 3 >= bytes.size()) return std::nullopt;
            const auto low = static_cast<char32_t>(static_cast<unsigned char>(bytes[i + 2]) << 8 |
                                                   static_cast<unsigned char>(bytes[i + 3]));
            if (low < 0xDC00 || low > 0xDFFF) return std::nullopt;
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            i += 2;
        }
        config::append_utf8(out, unit);
    }
    return out;
}

std::optional<status_update> kannel_delivery_status(std::int64_t outbound_id, int type) {
    status_update u;
    u.outbound_id = outbound_id;
    // Kannel has no message id: our outbox id stands in for it. interpret_send never sees the
    // outbox id, so a report is what fills it in.
    u.provider_message_id = std::to_string(outbound_id);
    switch (type) {
        case 1: u.status = outbound_status::delivered; break;
        case 4:
        case 8: u.status = outbound_status::sent; break;
        case 2:
        case 16:
            u.status = outbound_status::failed;
            u.error_code = "kannel_" + std::to_string(type);
            break;
        default: return std::nullopt;
    }
    return u;
}

kannel_provider::kannel_provider(const config::channel& channel, kannel_credentials credentials)
    : channel_(channel), credentials_(std::move(credentials)),
      dlr_mask_(small_number(channel.option("dlr_mask")).value_or(default_dlr_mask)) {}

webhook_reading kannel_provider::read_webhook(const http_request& request, std::string_view,
                                              webhook_route route, messages::timestamp now) const {
    const bool post = request.method() == http::verb::post;
    if (!post && request.method() != http::verb::get) return rejected(405, "use GET or POST");
    const auto token = query_param(request.target(), "token");
    if (!token || token->empty()) return rejected(401, "missing token");
    if (!same_secret(credentials_.webhook_token, *token)) return rejected(403, "invalid token");

    webhook_reading out;
    if (route == webhook_route::status) {
        const std::int64_t outbound_id = query_int64(request.target(), "m");
        const auto type = small_number(query_param(request.target(), "type").value_or(""));
        if (outbound_id == 0 || !type) return rejected(400, "delivery report needs m and type=%d");
        if (auto update = kannel_delivery_status(outbound_id, *type))
            out.statuses.push_back(std::move(*update));
        else
            out.skipped.push_back("dlr:" + std::to_string(*type));
        return out;
    }

    messages::inbound_message m;
    m.channel_id = channel_.id;
    m.provider_message_id = query_param(request.target(), "id").value_or("");
    m.from = header_or_query(request, "X-Kannel-From", "from");
    m.to = header_or_query(request, "X-Kannel-To", "to");
    m.received_at = now;
    if (m.provider_message_id.empty()) return rejected(400, "the service URL must carry id=%I");
    if (m.from.empty()) return rejected(400, "the service URL must carry from=%p");
    decoded_text text;
    if (post) {
        text = decode_text(request.body(), header_or_query(request, "X-Kannel-Coding", "coding"),
                           charset_of(request[http::field::content_type]));
    } else {
        text = decode_text(query_param(request.target(), "text").value_or(""),
                           query_param(request.target(), "coding").value_or(""),
                           query_param(request.target(), "charset").value_or(""));
    }
    if (!text.text) return rejected(400, "text is not valid in its charset");
    if (text.binary) {
        m.kind = "unsupported";
        out.skipped.push_back("binary_sms");
    } else {
        m.text = std::move(*text.text);
    }
    out.messages.push_back(std::move(m));
    return out;
}

http_response kannel_provider::acknowledge(const http_request& request) const {
    http_response res{http::status::ok, request.version()};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.keep_alive(request.keep_alive());
    res.prepare_payload();
    return res;
}

http_request_spec kannel_provider::build_send(const messages::outbound_message& message,
                                              const send_context& context) const {
    form_fields query{{"username", credentials_.username}, {"password", credentials_.password}};
    if (!channel_.address.empty()) query.push_back({"from", channel_.address});
    query.push_back({"to", message.to});
    query.push_back({"text", message.text});
    query.push_back({"charset", "UTF-8"});
    if (messages::count_sms(message.text).encoding == messages::sms_encoding::ucs2)
        query.push_back({"coding", "2"});
    if (const auto& smsc = channel_.option("smsc"); !smsc.empty()) query.push_back({"smsc", smsc});
    if (dlr_mask_ != 0 && !context.status_callback_url.empty()) {
        std::string url = context.status_callback_url;
        url += url.find('?') == std::string::npos ? '?' : '&';
        url += "type=%d&token=" + percent_encode(credentials_.webhook_token);
        query.push_back({"dlr-mask", std::to_string(dlr_mask_)});
        query.push_back({"dlr-url", url});
    }
    http_request_spec spec;
    spec.method = "GET";
    // Like every adapter's target, it starts with api_base's own path (smsbox behind a proxy).
    spec.target = api_base_path(credentials_.api_base) + "/cgi-bin/sendsms?" + encode_form(query);
    return spec;
}

messages::send_result kannel_provider::interpret_send(const http_result& result,
                                                      messages::timestamp now, int attempts,
                                                      int max_attempts) const {
    if (result.error) return network_failure(now, attempts, max_attempts);
    const int status = static_cast<int>(result.status);
    const std::string code = "http_" + std::to_string(status);
    // 202 "0: Accepted for delivery", or "3: Queued for later delivery" while no SMSC is
    // connected: smsbox has the message either way. No id comes back; the dlr-url carries ours.
    if (status >= 200 && status <= 299) return sent_as("");
    if (status == 403) return credentials_rejected(code, now);  // "Authorization failed for sendsms"
    if (status == 503) return throttled(result.retry_after, code, now, attempts, max_attempts);
    if (status >= 500 && status <= 599)
        return retry_or_dead_letter(backoff_after(now, attempts), code, attempts, max_attempts);
    // 400 "Missing receiver number, rejected" and other request errors: the same request would
    // be refused again. 1xx/3xx are not part of the contract; retrying might send twice.
    return failed_with(code);
}

std::unique_ptr<provider> make_kannel_provider(const config::channel& channel,
                                               const channel_secrets& secrets,
                                               std::string api_base) {
    const auto secret = [&](const char* role) -> const std::string& {
        const auto it = secrets.find(role);
        if (it == secrets.end()) throw std::logic_error(std::string("secret not resolved: ") + role);
        return it->second;
    };
    return std::make_unique<kannel_provider>(
        channel, kannel_credentials{secret("username"), secret("password"),
                                    secret("webhook_token"), std::move(api_base)});
}

}  // namespace cwc::gateway
