// Reads the "retention" section: how many days messages and each case type's closed cases keep
// their personal content before the purge anonymises them (0 = keep). Periods are per case type
// because agencies keep protection cases longer than questions (DOMAIN.md).
#include "config/sections.hpp"

namespace cwc::config {

namespace {
// A hundred years: beyond that "keep" (0) says what is meant.
constexpr long long max_days = 36500;
}  // namespace

void read_retention(const json& value, reading& r, config& out) {
    object_reader o(value, "/retention", r);
    if (!o.valid()) return;
    retention_settings& s = out.retention;
    o.read_int("messages_days", s.messages_days, 0, max_days, presence::optional);
    if (const json* days = o.find("case_days")) {
        object_reader per_type(*days, o.path_of("case_days"), r);
        if (per_type.valid()) {
            std::set<std::string> types;
            for (const auto& t : out.case_types) types.insert(t.id);
            for (const auto& key : per_type.keys()) {
                if (types.count(key) == 0) {
                    per_type.mark_known(key);
                    per_type.error(key, "no case type '" + key +
                                            "' in /case_types; use one of: " + join_names(types));
                    continue;
                }
                int n = 0;
                if (per_type.read_int(key, n, 0, max_days, presence::required))
                    s.case_days[key] = n;
            }
        }
    }
    o.warn_unknown("retention: messages_days, case_days");
}

}  // namespace cwc::config
