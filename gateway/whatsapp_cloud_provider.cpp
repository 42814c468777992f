// WhatsApp Cloud API adapter: the signature covers the raw body bytes, so it is checked before
// any parsing (re-serialised JSON would not match, PROVIDERS.md §2.3); sends and their outcomes
// follow Graph's documented codes, which courier's handling confirms (§2.7, §2.8).
#include "gateway/whatsapp_cloud_provider.hpp"

#include "gateway/media_download.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/webhook_query.hpp"
#include "gateway/whatsapp_cloud_payload.hpp"
#include "gateway/whatsapp_interactive.hpp"
#include "messages/hex.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/url.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;
using messages::send_result;

constexpr std::string_view signature_prefix = "sha256=";

// A phone number in E.164 is sent as its digits; anything else is a business-scoped user id.
bool is_phone_number(std::string_view address) {
    if (!address.empty() && address.front() == '+') address.remove_prefix(1);
    return !address.empty() &&
           std::all_of(address.begin(), address.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Graph's error code (a number; a string is taken as well), "" when the body has none.
std::string graph_error_code(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    const auto error = body.find("error");
    if (error == body.end() || !error->is_object()) return {};
    const auto code = error->find("code");
    if (code == error->end()) return {};
    if (code->is_number_integer()) return std::to_string(code->get<std::int64_t>());
    if (code->is_string()) return code->get<std::string>();
    return {};
}

std::string sent_message_id(const nlohmann::json& body) {
    if (!body.is_object()) return {};
    const auto list = body.find("messages");
    if (list == body.end() || !list->is_array() || list->empty()) return {};
    const auto& first = list->front();
    if (!first.is_object()) return {};
    const auto id = first.find("id");
    return id != first.end() && id->is_string() ? id->get<std::string>() : std::string{};
}

// PROVIDERS.md §2.5. The body parameter, if any, is the row's own (a broadcast's approved
// template carries its fixed text), else the channel's fixed text for a re-engagement template,
// looked up here so such a row holds nothing but the template's name and language.
nlohmann::ordered_json reengagement_template_json(const config::channel& channel,
                                                  const messages::outbound_message& message) {
    nlohmann::ordered_json t{
        {"name", message.template_name},
        {"language", {{"code", message.template_language}, {"policy", "deterministic"}}}};
    std::string parameter = message.template_parameter;
    for (const auto& [lang, spec] : channel.reengagement_templates) {
        if (!parameter.empty()) break;
        if (spec.name == message.template_name && spec.language == message.template_language)
            parameter = spec.body_parameter;
    }
    if (!parameter.empty())
        t["components"] = nlohmann::ordered_json::array(
            {{{"type", "body"},
              {"parameters", nlohmann::ordered_json::array({{{"type", "text"}, {"text", parameter}}})}}});
    return t;
}

bool one_of(std::string_view code, std::initializer_list<std::string_view> codes) {
    return std::find(codes.begin(), codes.end(), code) != codes.end();
}

}  // namespace

std::string hub_signature(std::string_view app_secret, std::string_view body) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    const unsigned char* ok = HMAC(
        EVP_sha256(), app_secret.data(), static_cast<int>(app_secret.size()),
        reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data(), &length);
    if (ok == nullptr) return {};
    return std::string{signature_prefix} + messages::lower_hex({digest.data(), length});
}

bool verify_hub_signature(std::string_view app_secret, std::string_view body,
                          std::string_view header) {
    if (app_secret.empty() || !header.starts_with(signature_prefix)) return false;
    std::string given{header};
    // Hex digits are compared lower-cased: the spelling of a digit is not part of the secret.
    std::transform(given.begin(), given.end(), given.begin(),
                   [](char c) { return c >= 'A' && c <= 'F' ? static_cast<char>(c + 32) : c; });
    return same_secret(hub_signature(app_secret, body), given);
}

std::string_view truncate_code_points(std::string_view utf8, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < utf8.size(); ++i) {
        // A code point starts at every byte that is not a continuation byte (10xxxxxx).
        if ((static_cast<unsigned char>(utf8[i]) & 0xC0) != 0x80 && chars++ == max_chars)
            return utf8.substr(0, i);
    }
    return utf8;
}

whatsapp_cloud_provider::whatsapp_cloud_provider(const config::channel& channel,
                                                 whatsapp_credentials credentials)
    : channel_(channel), credentials_(std::move(credentials)) {}

webhook_reading whatsapp_cloud_provider::handshake(const http_request& request) const {
    const auto target = request.target();
    const auto mode = query_param(target, "hub.mode");
    const auto token = query_param(target, "hub.verify_token");
    if (!mode || *mode != "subscribe" || !token || !same_secret(credentials_.verify_token, *token))
        return rejected(403, "verification refused: wrong hub.mode or hub.verify_token");
    const auto challenge = query_param(target, "hub.challenge");
    if (!challenge) return rejected(400, "verification without hub.challenge");
    http_response res{http::status::ok, request.version()};
    res.set(http::field::content_type, "text/plain");
    res.set(http::field::cache_control, "no-store");
    res.body() = *challenge;
    res.prepare_payload();
    res.keep_alive(request.keep_alive());
    webhook_reading r;
    r.what = webhook_reading::verdict::answered;
    r.answer = std::move(res);
    return r;
}

webhook_reading whatsapp_cloud_provider::read_webhook(const http_request& request, std::string_view,
                                                      webhook_route route,
                                                      messages::timestamp now) const {
    if (request.method() == http::verb::get && route == webhook_route::inbound)
        return handshake(request);
    if (request.method() != http::verb::post) return rejected(405, "use POST");
    const auto signature = request["X-Hub-Signature-256"];
    if (signature.empty()) return rejected(401, "missing X-Hub-Signature-256");
    if (!verify_hub_signature(credentials_.app_secret, request.body(), signature))
        return rejected(403, "invalid X-Hub-Signature-256");
    auto notification = read_whatsapp_notification(
        request.body(),
        whatsapp_channel_view{channel_.id, channel_.option("phone_number_id"), channel_.address},
        now);
    webhook_reading r;
    if (!notification.usable) {
        r.what = webhook_reading::verdict::quarantine;
        r.reason = std::move(notification.reason);
        return r;
    }
    r.messages = std::move(notification.messages);
    r.statuses = std::move(notification.statuses);
    r.skipped = std::move(notification.skipped);
    return r;
}

http_response whatsapp_cloud_provider::acknowledge(const http_request& request) const {
    http_response res{http::status::ok, request.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"status":"ok"})";
    res.prepare_payload();
    res.keep_alive(request.keep_alive());
    return res;
}

http_request_spec whatsapp_cloud_provider::build_send(const messages::outbound_message& message,
                                                      const send_context&) const {
    // Statuses come back through the app's one webhook, not a per-message URL; our id rides
    // in biz_opaque_callback_data instead.
    const auto& version = channel_.option("api_version");
    http_request_spec spec;
    spec.method = "POST";
    spec.target = api_base_path(credentials_.api_base) + "/" +
                  (version.empty() ? std::string{default_graph_api_version} : version) + "/" +
                  channel_.option("phone_number_id") + "/messages";
    spec.headers = {
        {"Authorization", "Bearer " + credentials_.access_token},
        {"Content-Type", "application/json"},
        {"Accept", "application/json"},
    };
    nlohmann::ordered_json body{{"messaging_product", "whatsapp"},
                                {"recipient_type", "individual"}};
    if (is_phone_number(message.to))
        body["to"] = message.to.front() == '+' ? message.to.substr(1) : message.to;
    else
        body["recipient"] = message.to;
    // A re-engagement template (the window is closed) carries only what the config fixed for
    // it; a menu goes as buttons or a list where it fits them; otherwise, and for every other
    // reply, the text, whose numbered lines carry the same choices.
    if (!message.template_name.empty()) {
        body["type"] = "template";
        body["template"] = reengagement_template_json(channel_, message);
    } else if (auto interactive = whatsapp_interactive(message.menu)) {
        body["type"] = "interactive";
        body["interactive"] = std::move(*interactive);
    } else {
        body["type"] = "text";
        body["text"] = {{"body", truncate_code_points(message.text, whatsapp_max_text_chars)},
                        {"preview_url", false}};
    }
    if (message.id > 0) body["biz_opaque_callback_data"] = std::to_string(message.id);
    // Invalid UTF-8 must not throw in the dispatcher: it is replaced, the message still goes.
    spec.body = body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return spec;
}

messages::send_result whatsapp_cloud_provider::interpret_send(const http_result& result,
                                                              messages::timestamp now, int attempts,
                                                              int max_attempts) const {
    if (result.error) return network_failure(now, attempts, max_attempts);
    const auto body = nlohmann::json::parse(result.body, nullptr, false);
    const auto status = result.status;
    const std::string http_code = "http_" + std::to_string(status);
    if (status >= 200 && status <= 299) {
        if (auto id = sent_message_id(body); !id.empty()) return sent_as(std::move(id));
        // Accepted without an id we could track: the outcome is unknown, so it is tried again.
        return retry_or_dead_letter(backoff_after(now, attempts), http_code, attempts,
                                    max_attempts);
    }
    const std::string code = graph_error_code(body);
    const std::string reason = code.empty() ? http_code : code;
    // 190: the access token expired or was revoked; 0: Graph's generic authentication failure.
    if (one_of(code, {"190", "0"}) || (code.empty() && status == 401))
        return credentials_rejected(reason, now);
    if (one_of(code, {"4", "80007", "130429", "131048", "131056", "133016"}) || status == 429)
        return throttled(result.retry_after, reason, now, attempts, max_attempts);
    // 131000: "something went wrong"; 131053: Meta could not fetch or upload media.
    if (one_of(code, {"131000", "131053"}) || (status >= 500 && status <= 599))
        return retry_or_dead_letter(backoff_after(now, attempts), reason, attempts, max_attempts);
    // 131047: outside the 24 h window; the dispatcher re-routes, holds or re-engages instead.
    auto failed = failed_with(reason);
    failed.window_closed = code == "131047";
    // 131026 (undeliverable), 100 (bad parameter) and every other refusal are permanent; the
    // exact code tells the caller what to do instead.
    return failed;
}

std::optional<media_request> whatsapp_cloud_provider::plan_media_download(
    const messages::media_attachment& attachment) const {
    const auto& id = attachment.provider_media_id;
    if (id.empty()) return std::nullopt;
    std::string base = credentials_.api_base;
    while (!base.empty() && base.back() == '/') base.pop_back();
    const auto& version = channel_.option("api_version");
    media_request r;
    r.url = base + "/" + (version.empty() ? std::string{default_graph_api_version} : version) + "/";
    for (const char c : id) {
        const bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                           (c >= 'A' && c <= 'Z') || c == '-' || c == '_' || c == '.' || c == '~';
        if (plain) {
            r.url += c;
        } else {
            static constexpr char digits[] = "0123456789ABCDEF";
            const auto b = static_cast<unsigned char>(c);
            r.url += '%';
            r.url += digits[b >> 4];
            r.url += digits[b & 0x0F];
        }
    }
    if (!split_url(r.url)) return std::nullopt;
    r.headers = {{"Authorization", "Bearer " + credentials_.access_token}};
    r.locates = true;
    return r;
}

std::optional<media_request> whatsapp_cloud_provider::follow_media_locator(
    std::string_view answer_body) const {
    const auto body = nlohmann::json::parse(answer_body, nullptr, false);
    if (!body.is_object()) return std::nullopt;
    const auto url = body.find("url");
    if (url == body.end() || !url->is_string()) return std::nullopt;
    media_request r;
    r.url = url->get<std::string>();
    if (!split_url(r.url)) return std::nullopt;
    const bool meta_host = https_within(r.url, "fbsbx.com") || https_within(r.url, "facebook.com") ||
                           https_within(r.url, "whatsapp.net");
    if (meta_host || same_origin(r.url, credentials_.api_base))
        r.headers = {{"Authorization", "Bearer " + credentials_.access_token}};
    return r;
}

std::unique_ptr<provider> make_whatsapp_cloud_provider(const config::channel& channel,
                                                       const channel_secrets& secrets,
                                                       std::string api_base) {
    const auto secret = [&secrets](const char* role) {
        const auto it = secrets.find(role);
        return it == secrets.end() ? std::string{} : it->second;
    };
    whatsapp_credentials credentials{secret("access_token"), secret("app_secret"),
                                     secret("verify_token"), std::move(api_base)};
    if (credentials.access_token.empty() || credentials.app_secret.empty() ||
        credentials.verify_token.empty())
        return nullptr;
    return std::make_unique<whatsapp_cloud_provider>(channel, std::move(credentials));
}

}  // namespace cwc::gateway
