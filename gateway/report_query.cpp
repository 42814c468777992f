// Reading and checking the report endpoints' filters; scoping by role.
#include "gateway/report_query.hpp"

#include "gateway/rfc3339.hpp"
#include "messages/case_lifecycle.hpp"

#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <optional>

namespace cwc::gateway {
namespace {

bool known(const config::config& cfg, std::string_view name, const std::string& value) {
    if (name == "type") return cfg.find_case_type(value) != nullptr;
    if (name == "category") return cfg.find_category(value) != nullptr;
    if (name == "status") return messages::is_case_status(value);
    if (name == "region") return cfg.find_region(value) != nullptr;
    if (name == "language") return cfg.has_language(value);
    if (name == "channel") return cfg.find_channel(value) != nullptr;
    if (name == "organisation") return cfg.find_organisation(value) != nullptr;
    return false;
}

report_request refused(report_request r, unsigned status, std::string reason) {
    r.error_status = status;
    r.error = std::move(reason);
    return r;
}

}  // namespace

report_scope report_scope_of(const messages::officer& o) {
    using messages::role;
    switch (o.what) {
        case role::admin:
        case role::auditor: return {true, "", messages::sensitivity::exclude};
        case role::aap_officer: return {true, o.organisation, messages::sensitivity::exclude};
        case role::protection_focal_point:
            return {true, o.organisation, messages::sensitivity::include};
        case role::cbo_broadcaster: return {};
    }
    return {};
}

report_request read_report_query(std::string_view query, const config::config& cfg,
                                 const report_scope& scope) {
    report_request r;
    r.cases.organisation = scope.organisation;
    r.cases.sensitive = scope.sensitive;
    if (query.starts_with('/')) {
        const std::size_t mark = query.find('?');
        query = mark == std::string_view::npos ? std::string_view{} : query.substr(mark + 1);
    }
    if (query.empty()) return r;
    const auto parsed = boost::urls::parse_query(query);
    if (!parsed) return refused(std::move(r), 400, "the query string is malformed");

    constexpr std::array<std::string_view, 10> names = {
        "organisation", "type", "category", "status", "region", "language", "channel",
        "from", "to", "include_text"};
    std::optional<messages::timestamp> from, to;
    // Percent-decoded, '+' read as a space (form encoding).
    const boost::urls::encoding_opts form{true};
    for (const auto& param : *parsed) {
        std::string name = param.key.decode(form);
        std::string value = param.value.decode(form);
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            return refused(std::move(r), 400, "unknown parameter: " + name.substr(0, 40));
        }
        const bool repeated = std::any_of(r.given.begin(), r.given.end(),
                                          [&](const auto& g) { return g.first == name; });
        if (repeated) return refused(std::move(r), 400, "parameter given twice: " + name);
        if (name == "from" || name == "to") {
            const auto at = parse_rfc3339(value);
            if (!at) {
                return refused(std::move(r), 400,
                               name + " must be a date YYYY-MM-DD or an RFC 3339 time");
            }
            // As in the case list: a plain date `to` means the whole of that day.
            if (name == "from") {
                from = *at;
            } else {
                to = value.size() == 10 ? *at + std::chrono::days{1} : *at;
            }
        } else if (name == "include_text") {
            if (value != "0" && value != "1") {
                return refused(std::move(r), 400, "include_text must be 0 or 1");
            }
            r.include_text = value == "1";
        } else if (!known(cfg, name, value)) {
            return refused(std::move(r), 400, "unknown " + name + " (not in the configuration)");
        }
        if (name == "organisation") {
            if (!scope.organisation.empty() && value != scope.organisation) {
                return refused(std::move(r), 403, "organisation: outside your organisation");
            }
            r.cases.organisation = value;
        }
        if (name == "type") r.cases.type = value;
        if (name == "category") r.cases.category = value;
        if (name == "status") r.cases.status = value;
        if (name == "region") r.cases.region = value;
        if (name == "language") r.cases.language = value;
        if (name == "channel") r.cases.channel = value;
        r.given.emplace_back(std::move(name), std::move(value));
    }
    if (from) r.cases.opened_from = *from;
    if (to) r.cases.opened_to = *to;
    if (from && to && *from >= *to) return refused(std::move(r), 400, "from is after to");
    return r;
}

}  // namespace cwc::gateway
