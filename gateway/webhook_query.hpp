// Small readers of webhook requests that several adapters share: content types, query
// parameters, and the shared-secret token of providers that do not sign (Africa's Talking,
// Kannel), compared in constant time.
#pragma once

#include "gateway/http_service.hpp"
#include "gateway/provider.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

bool is_form_content(const http_request& request);  // application/x-www-form-urlencoded
bool is_json_content(const http_request& request);  // application/json

// The decoded value of a query parameter of `target`, nullopt when absent or malformed.
std::optional<std::string> query_param(std::string_view target, std::string_view name);
// A positive integer parameter, 0 when absent or not a number.
std::int64_t query_int64(std::string_view target, std::string_view name);

// The two readings every adapter gives for requests it will not store as messages.
webhook_reading rejected(unsigned status, std::string reason);  // 4xx with a JSON reason
webhook_reading quarantined(std::string reason);  // authenticated but unusable: kept raw, 2xx

// Constant-time equality (for tokens and signatures); false when either side is empty.
bool same_secret(std::string_view expected, std::string_view given);

}  // namespace cwc::gateway
