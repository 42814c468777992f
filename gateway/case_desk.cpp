// Officer operations on cases (being written: see case_desk.hpp).
#include "gateway/case_desk.hpp"

namespace cwc::gateway {

namespace {
desk_result unavailable() { return {desk_outcome::not_found, "", std::nullopt}; }
}  // namespace

desk_result read_case_audited(messages::store&, const config::config&, const messages::officer&,
                              std::string_view, messages::timestamp) {
    return unavailable();
}
desk_result change_status(messages::store&, const config::config&, const messages::officer&,
                          std::string_view, std::string_view, const case_change&,
                          messages::timestamp) {
    return unavailable();
}
desk_result assign(messages::store&, const config::config&, const messages::officer&,
                   std::string_view, std::string_view, const case_change&, messages::timestamp) {
    return unavailable();
}
desk_result set_codes(messages::store&, const config::config&, const messages::officer&,
                      std::string_view, const std::vector<std::string>&, const case_change&,
                      messages::timestamp) {
    return unavailable();
}
desk_result reassign(messages::store&, const config::config&, const messages::officer&,
                     std::string_view, std::string_view, const case_change&, messages::timestamp) {
    return unavailable();
}
desk_result refer(messages::store&, const config::config&, const messages::officer&,
                  std::string_view, const referral_request&, const case_change&,
                  messages::timestamp) {
    return unavailable();
}
desk_result respond(messages::store&, const config::config&, const messages::officer&,
                    std::string_view, std::string_view, const case_change&, messages::timestamp) {
    return unavailable();
}
desk_result flag_sensitive(messages::store&, const config::config&, const messages::officer&,
                           std::string_view, const case_change&, messages::timestamp) {
    return unavailable();
}
desk_result unflag_sensitive(messages::store&, const config::config&, const messages::officer&,
                             std::string_view, const case_change&, messages::timestamp) {
    return unavailable();
}

}  // namespace cwc::gateway
