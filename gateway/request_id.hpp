// The id of one HTTP request, in every log line about it and in the X-Request-Id answer header,
// so an operator can follow one webhook from nginx's log to ours without any number or text.
#pragma once

#include "gateway/http_service.hpp"

#include <string>
#include <string_view>

namespace cwc::gateway {

inline constexpr std::string_view request_id_header = "X-Request-Id";

// The id a reverse proxy gave the request (nginx's $request_id) when it is 1-64 characters of
// [A-Za-z0-9._-], else 16 new random hex digits: a header is attacker-controlled text, and a
// log line must not carry what a client chose to put there.
std::string request_id_for(const http_request& request);

// The id the server set on the request ("" before it did).
std::string request_id_of(const http_request& request);

}  // namespace cwc::gateway
