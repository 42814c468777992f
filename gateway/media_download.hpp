// The pure half of downloading attachments: where a URL points, whose credentials may go there,
// what an answer means (the file, a redirect or locator to follow, a retry, or a failure for
// good), and the first request of a job. media_fetcher.cpp does the I/O around these.
#pragma once

#include "gateway/http_client.hpp"
#include "gateway/http_exchange.hpp"
#include "gateway/provider.hpp"
#include "messages/media.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

// An absolute http(s) URL as a connection origin (no base path) and the request target.
struct url_target {
    http_origin origin;
    std::string target;  // path and query, at least "/"
};
std::optional<url_target> split_url(std::string_view url);

// Same scheme, host (any case) and port (defaults spelled out or not).
bool same_origin(std::string_view a, std::string_view b);

// An https URL on `domain` or one of its subdomains ("twilio.com": media.twilio.com, not
// eviltwilio.com).
bool https_within(std::string_view url, std::string_view domain);

// The first request of a job, or the result when nothing is to be fetched: the provider has no
// media, or the declared type is refused before any byte is fetched.
struct media_plan {
    std::optional<media_request> request;
    messages::media_result refused;
};
media_plan plan_download(const provider& adapter, const messages::media_job& job);

// Retried at `when`, or failed with the same reason once `attempts` reached `max_attempts`.
messages::media_result retry_or_fail(std::string reason, messages::timestamp when, int attempts,
                                     int max_attempts);

// What one answer in a download means.
struct media_answer {
    enum class meaning { content, follow, result };
    meaning what = meaning::result;
    media_request next;            // follow: a redirect, or the file a locator named
    messages::media_result result;  // result: retry (backoff, Retry-After) or failed
};

// 2xx: the content, or (for a locating request) the file the provider names; 3xx: follow
// Location, with the credentials only if it stays on the same origin; 404/410 (and 400 to a
// locating request: Graph's answer for an expired media id): failed "gone"; a body over the
// limit: failed "too_large"; network errors, 401/403/408/429/5xx: retried until `max_attempts`,
// then failed with the same reason; any other status: failed "http_<status>".
media_answer read_media_answer(const provider& adapter, const media_request& asked,
                               const http_result& answer, messages::timestamp now, int attempts,
                               int max_attempts);

}  // namespace cwc::gateway
