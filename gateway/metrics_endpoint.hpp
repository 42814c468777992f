// GET /metrics on the officers' listener. It needs an API token of an admin or an auditor (both
// may see aggregates; a scraper gets one of its own: `cwc-gateway token create --role auditor`),
// because that listener may be published behind a reverse proxy for the desk. The figures are
// read on the caller's thread (the officers' report thread), from a connection of their own.
#pragma once

#include "config/config.hpp"
#include "gateway/http_service.hpp"
#include "messages/officer.hpp"

#include <string>
#include <string_view>

namespace cwc::gateway {

// "/metrics", with or without a query.
bool is_metrics_target(std::string_view target);
bool may_read_metrics(const messages::officer& o);

// The exposition (200), or 500 {"error"} when the store cannot be read. Blocking: a read thread.
http_response metrics_answer(const http_request& req, const std::string& database_path,
                             const config::config& cfg);

}  // namespace cwc::gateway
