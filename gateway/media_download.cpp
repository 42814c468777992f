// Media download decisions, without sockets. A redirect off the origin drops the credentials
// (Twilio's media URL redirects to a pre-signed CDN URL that needs none), so a token never goes
// to a host the provider did not name as its own.
#include "gateway/media_download.hpp"

#include "gateway/send_outcomes.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <algorithm>

namespace cwc::gateway {
namespace {

using messages::media_result;

std::string lower(std::string_view s) {
    std::string out{s};
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
    return out;
}

struct url_key {
    std::string scheme, host, port;
};

std::optional<url_key> key_of(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u || !u->has_authority()) return std::nullopt;
    url_key k{lower(u->scheme()), lower(u->host()), std::string(u->port())};
    if (k.scheme != "http" && k.scheme != "https") return std::nullopt;
    if (k.host.empty()) return std::nullopt;
    if (k.port.empty()) k.port = k.scheme == "https" ? "443" : "80";
    return k;
}

media_result failed(std::string reason) {
    media_result r;
    r.kind = media_result::outcome::failed;
    r.error = std::move(reason);
    return r;
}

media_answer result_of(media_result r) {
    media_answer a;
    a.what = media_answer::meaning::result;
    a.result = std::move(r);
    return a;
}

media_answer follow(media_request next) {
    media_answer a;
    a.what = media_answer::meaning::follow;
    a.next = std::move(next);
    return a;
}

bool is_redirect(unsigned status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

}  // namespace

media_result retry_or_fail(std::string reason, messages::timestamp when, int attempts,
                           int max_attempts) {
    if (attempts >= max_attempts) return failed(std::move(reason));
    media_result r;
    r.kind = media_result::outcome::retry;
    r.retry_at = when;
    r.error = std::move(reason);
    return r;
}

std::optional<url_target> split_url(std::string_view url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return std::nullopt;
    auto origin = parse_origin(std::string(u->scheme()) + "://" + std::string(u->encoded_authority()));
    if (!origin || u->has_userinfo()) return std::nullopt;
    url_target t{*origin, std::string(u->encoded_path())};
    if (t.target.empty()) t.target = "/";
    if (u->has_query()) t.target += "?" + std::string(u->encoded_query());
    return t;
}

bool same_origin(std::string_view a, std::string_view b) {
    const auto x = key_of(a), y = key_of(b);
    return x && y && x->scheme == y->scheme && x->host == y->host && x->port == y->port;
}

bool https_within(std::string_view url, std::string_view domain) {
    const auto k = key_of(url);
    if (!k || k->scheme != "https" || domain.empty()) return false;
    const std::string d = lower(domain);
    return k->host == d || (k->host.size() > d.size() && k->host.ends_with("." + d));
}

media_plan plan_download(const provider& adapter, const messages::media_job& job) {
    media_plan plan;
    const auto declared = messages::bare_media_type(job.attachment.mime_type);
    if (!declared.empty() && !messages::allowed_media_type(declared)) {
        plan.refused = failed("type_not_allowed");
        return plan;
    }
    plan.request = adapter.plan_media_download(job.attachment);
    if (!plan.request) plan.refused = failed("no_media_download");
    return plan;
}

media_answer read_media_answer(const provider& adapter, const media_request& asked,
                               const http_result& answer, messages::timestamp now, int attempts,
                               int max_attempts) {
    const auto backoff = backoff_after(now, attempts);
    if (answer.error == boost::beast::http::error::body_limit) return result_of(failed("too_large"));
    if (answer.error) return result_of(retry_or_fail("network", backoff, attempts, max_attempts));
    const unsigned status = answer.status;
    const std::string http_code = "http_" + std::to_string(status);
    if (status >= 200 && status <= 299) {
        if (!asked.locates) {
            media_answer a;
            a.what = media_answer::meaning::content;
            return a;
        }
        if (auto next = adapter.follow_media_locator(answer.body)) return follow(std::move(*next));
        return result_of(retry_or_fail("no_media_url", backoff, attempts, max_attempts));
    }
    if (is_redirect(status)) {
        if (answer.location.empty()) return result_of(failed(http_code));
        boost::urls::url resolved;
        auto base = boost::urls::parse_absolute_uri(asked.url);
        auto ref = boost::urls::parse_uri_reference(answer.location);
        if (!base || !ref || !boost::urls::resolve(*base, *ref, resolved))
            return result_of(failed("bad_redirect"));
        media_request next;
        next.url = std::string(resolved.buffer());
        next.locates = asked.locates;
        if (same_origin(next.url, asked.url)) next.headers = asked.headers;
        return follow(std::move(next));
    }
    if (status == 404 || status == 410 || (asked.locates && status == 400))
        return result_of(failed("gone"));
    if (status == 429) {
        const auto wait = parse_retry_after(answer.retry_after);
        return result_of(retry_or_fail(http_code, wait ? now + *wait : backoff, attempts,
                                       max_attempts));
    }
    if (status == 401 || status == 403 || status == 408 || (status >= 500 && status <= 599))
        return result_of(retry_or_fail(http_code, backoff, attempts, max_attempts));
    return result_of(failed(http_code));
}

}  // namespace cwc::gateway
