// The people who work the cases, and what each role may see (DESIGN.md "Roles"). One place
// decides visibility, so a list, a case page, an export and a summary can never disagree.
#pragma once

#include "messages/case_record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages {

enum class role { admin, aap_officer, protection_focal_point, cbo_broadcaster, auditor };

std::string_view role_name(role r);                        // "aap_officer"
std::optional<role> role_named(std::string_view name);     // nothing for an unknown name

// Whoever a valid API token names.
struct officer {
    std::int64_t token_id = 0;
    std::string name;          // the person: "Lucía Rojas"
    role what = role::auditor;
    std::string organisation;  // config organisation id
    std::string actor() const { return "officer:" + name; }  // in audit entries and case events
};

// The cases an officer may list and read one by one.
struct case_scope {
    bool individual_cases = false;  // false: aggregates only (auditor, broadcaster)
    std::string organisation;       // "" = every organisation (admin)
    bool sensitive = false;         // includes sensitive cases (focal points, own organisation)
};
case_scope scope_of(const officer& o);

// Whether the officer may read this case (its conversation included).
bool may_read(const officer& o, const case_record& c);
// Whether the officer may change it (status, assignment, referral, answer, codes, flag).
// Same as may_read: whoever may read a case handles it; auditors and broadcasters change nothing.
bool may_handle(const officer& o, const case_record& c);
// Only a focal point of the case's organisation may clear its sensitive flag.
bool may_unflag(const officer& o, const case_record& c);
// Aggregated reports (summary figures): everyone but broadcasters, whose counts are their own
// broadcasts'.
bool may_read_reports(const officer& o);
// The CSV export of cases (pseudonymised, never sensitive rows).
bool may_export(const officer& o);

}  // namespace cwc::messages
