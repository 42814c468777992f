// The query string of the report endpoints (and of `cwc-gateway report`): the case list's
// filters, checked against the config, and the officer's scope for aggregates and exports.
// Pure: no store, no clock.
#pragma once

#include "config/config.hpp"
#include "messages/case_reader.hpp"
#include "messages/officer.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cwc::gateway {

// Whose cases an officer's reports cover. Admins and auditors see every organisation's
// aggregates (auditors check the whole programme; DESIGN.md "Roles": aggregated reports only),
// AAP officers and focal points their own organisation's. Only a focal point counts its
// organisation's sensitive cases in the tables; everyone else sees them as one "sensitive"
// line. Broadcasters get no reports (their counts are their own broadcasts').
struct report_scope {
    bool allowed = false;
    std::string organisation;  // "" = every organisation
    messages::sensitivity sensitive = messages::sensitivity::exclude;
};
report_scope report_scope_of(const messages::officer& o);

struct report_request {
    messages::case_query cases;  // filters and scope; sensitivity from the scope
    bool include_text = true;    // export: the description column (include_text=0 leaves it out)
    // The parameters as given, in order, echoed in the summary.
    std::vector<std::pair<std::string, std::string>> given;
    unsigned error_status = 0;  // 0 = fine; 400 bad parameter, 403 outside the officer's scope
    std::string error;          // names the parameter
};

// `query` is the part after '?' (a whole target "/path?query" is accepted too). Parameters:
// organisation, type, category, status, region, language, channel (configured ids, statuses of
// messages/case_lifecycle.hpp), from and to (YYYY-MM-DD, UTC, both days included, or RFC 3339
// times as in the case list),
// include_text (0 or 1). Unknown or repeated parameters are refused: a misspelt filter must not
// silently give the figures of everything.
report_request read_report_query(std::string_view query, const config::config& cfg,
                                 const report_scope& scope);

}  // namespace cwc::gateway
