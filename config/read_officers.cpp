// Reads the "officers" section: the officers' API listener (apart from the public webhooks),
// the small-cell threshold of its aggregates, token lifetime and the failed-attempt limit.
// An empty listen address turns the listener off; everything else has a safe default.
#include "config/formats.hpp"
#include "config/sections.hpp"

namespace cwc::config {

void read_officers(const json& value, reading& r, config& out) {
    object_reader o(value, "/officers", r);
    if (!o.valid()) return;
    officers_settings& s = out.officers;
    std::string listen;
    // "" is a deliberate choice here (no listener), which read_string refuses as empty.
    if (const json* v = o.find("listen");
        v != nullptr && v->is_string() && v->get_ref<const std::string&>().empty()) {
        s.listen.clear();
    } else if (o.read_string("listen", listen, presence::optional)) {
        if (auto why = listen_problem(listen)) {
            o.error("listen", "'" + listen + "': " + *why + " (or \"\" for no officers' listener)");
        } else {
            s.listen = listen;
        }
    }
    o.read_int("suppression_threshold", s.suppression_threshold, 1, 100, presence::optional);
    o.read_int("token_days", s.token_days, 1, 3650, presence::optional);
    o.read_int("failed_attempts_per_minute", s.failed_attempts_per_minute, 1, 10000,
               presence::optional);
    o.warn_unknown();
}

}  // namespace cwc::config
