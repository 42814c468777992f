// Role and organisation rules for the officers' API and desk. Sensitive cases belong to the
// protection focal points of their organisation alone: admins included, everyone else sees them
// only as counts in aggregates.
#include "messages/officer.hpp"

#include <array>
#include <utility>

namespace cwc::messages {
namespace {

constexpr std::array<std::pair<role, std::string_view>, 5> names = {{
    {role::admin, "admin"},
    {role::aap_officer, "aap_officer"},
    {role::protection_focal_point, "protection_focal_point"},
    {role::cbo_broadcaster, "cbo_broadcaster"},
    {role::auditor, "auditor"},
}};

}  // namespace

std::string_view role_name(role r) {
    for (const auto& [value, name] : names) {
        if (value == r) return name;
    }
    return "unknown";
}

std::optional<role> role_named(std::string_view name) {
    for (const auto& [value, n] : names) {
        if (n == name) return value;
    }
    return std::nullopt;
}

case_scope scope_of(const officer& o) {
    switch (o.what) {
        case role::admin: return {true, "", false};
        case role::aap_officer: return {true, o.organisation, false};
        case role::protection_focal_point: return {true, o.organisation, true};
        case role::cbo_broadcaster:
        case role::auditor: return {false, o.organisation, false};
    }
    return {};
}

bool may_read(const officer& o, const case_record& c) {
    const case_scope s = scope_of(o);
    if (!s.individual_cases) return false;
    if (!s.organisation.empty() && s.organisation != c.organisation) return false;
    return !c.sensitive || s.sensitive;
}

bool may_handle(const officer& o, const case_record& c) { return may_read(o, c); }

bool may_unflag(const officer& o, const case_record& c) {
    return o.what == role::protection_focal_point && o.organisation == c.organisation;
}

bool may_read_reports(const officer& o) { return o.what != role::cbo_broadcaster; }

bool may_export(const officer& o) {
    return o.what == role::admin || o.what == role::aap_officer ||
           o.what == role::protection_focal_point;
}

}  // namespace cwc::messages
