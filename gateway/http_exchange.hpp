// One outbound HTTP exchange as plain data: the request an adapter builds and the answer the
// client got. Adapters stay pure (they build and read these); http_client does the I/O.
#pragma once

#include <boost/system/error_code.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwc::gateway {

struct http_request_spec {
    std::string method;  // "POST", "GET"
    std::string target;  // path and query, e.g. "/2010-04-01/Accounts/AC…/Messages.json"
    std::vector<std::pair<std::string, std::string>> headers;  // incl. Authorization, Content-Type
    std::string body;
};

// The path of a provider's API base without a trailing '/': "https://proxy.example.org/twilio/"
// → "/twilio", "https://api.twilio.com" → "". Adapters put it in front of their targets, so an
// API behind a path prefix keeps it. "" when the base does not parse.
std::string api_base_path(std::string_view api_base);

struct http_result {
    boost::system::error_code error;  // network/TLS/timeout failure; then status is 0
    unsigned status = 0;
    std::string body;
    std::string retry_after;  // the Retry-After header as received, "" if absent
    std::string content_type;  // the Content-Type header (media downloads), "" if absent
    std::string location;      // the Location header (redirects of media downloads)
};

}  // namespace cwc::gateway
