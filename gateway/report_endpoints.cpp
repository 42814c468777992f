// Aggregated reports for the officers' API (being written: see report_endpoints.hpp).
#include "gateway/report_endpoints.hpp"

namespace cwc::gateway {

http_response summary_answer(const std::string&, const config::config&, const messages::officer&,
                             std::string_view, messages::timestamp) {
    return json_error(501, "summary reports are not available yet");
}

http_response export_answer(const std::string&, const config::config&, const messages::officer&,
                            std::string_view, messages::timestamp) {
    return json_error(501, "exports are not available yet");
}

}  // namespace cwc::gateway
