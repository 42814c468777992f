// Query, content-type and token checks shared by the webhook adapters.
#include "gateway/webhook_query.hpp"

#include <boost/url/parse.hpp>
#include <openssl/crypto.h>

#include <charconv>

namespace cwc::gateway {
namespace {

namespace http = boost::beast::http;

// The media type without parameters, lower-cased: "Application/JSON; charset=utf-8" → "application/json".
std::string media_type(const http_request& request) {
    std::string_view ct = request[http::field::content_type];
    ct = ct.substr(0, ct.find(';'));
    while (!ct.empty() && ct.back() == ' ') ct.remove_suffix(1);
    std::string out(ct);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace

bool is_form_content(const http_request& request) {
    return media_type(request) == "application/x-www-form-urlencoded";
}

bool is_json_content(const http_request& request) { return media_type(request) == "application/json"; }

std::optional<std::string> query_param(std::string_view target, std::string_view name) {
    auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return std::nullopt;
    auto params = parsed->params();
    auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    return std::string((*it).value);
}

std::int64_t query_int64(std::string_view target, std::string_view name) {
    auto v = query_param(target, name);
    if (!v) return 0;
    std::int64_t id = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), id);
    return ec == std::errc{} && p == v->data() + v->size() && id > 0 ? id : 0;
}

webhook_reading rejected(unsigned status, std::string reason) {
    webhook_reading r;
    r.what = webhook_reading::verdict::rejected;
    r.status = status;
    r.reason = std::move(reason);
    return r;
}

webhook_reading quarantined(std::string reason) {
    webhook_reading r;
    r.what = webhook_reading::verdict::quarantine;
    r.reason = std::move(reason);
    return r;
}

bool same_secret(std::string_view expected, std::string_view given) {
    if (expected.empty() || given.empty() || expected.size() != given.size()) return false;
    return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0;
}

}  // namespace cwc::gateway
