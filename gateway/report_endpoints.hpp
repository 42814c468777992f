// The officers' API answers for aggregated reports: summary figures and the CSV/HXL export.
// Called by the officers' service on its read thread (never the store writer): they read
// through a report reader on a read-only connection. The officer is authenticated already;
// these check the role (may_read_reports / may_export) and answer 403 themselves.
#pragma once

#include "config/config.hpp"
#include "gateway/http_service.hpp"
#include "messages/officer.hpp"
#include "messages/time.hpp"

#include <string>
#include <string_view>

namespace cwc::gateway {

// GET /api/v1/summary?<filters>: counts by type, category, region, language, sex, age group and
// channel, median times to acknowledge and to respond, share answered within target; every cell
// below cfg.officers.suppression_threshold (and any cell it could be derived from) suppressed.
http_response summary_answer(const std::string& database_path, const config::config& cfg,
                             const messages::officer& o, std::string_view query,
                             messages::timestamp now);

// GET /api/v1/export.csv?<filters>: one row per case visible to the officer, never a sensitive
// one; pseudonymous contact key; a second header row of HXL hashtags; number-like runs in free
// text redacted; cells starting with = + - @ tab or CR escaped.
http_response export_answer(const std::string& database_path, const config::config& cfg,
                            const messages::officer& o, std::string_view query,
                            messages::timestamp now);

}  // namespace cwc::gateway
