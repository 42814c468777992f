// `cwc-gateway check-config`: every error and warning with its JSON path, for an operator.
#include "config/load.hpp"
#include "gateway/commands.hpp"

#include <ostream>

namespace cwc::gateway {

int run_check_config(const std::string& config_file, std::ostream& out) {
    auto loaded = config::load_from_file(config_file);
    for (const auto& e : loaded.errors) out << "error: " << config::to_string(e) << "\n";
    for (const auto& w : loaded.warnings) out << "warning: " << config::to_string(w) << "\n";
    if (!loaded.value) {
        out << config_file << ": " << loaded.errors.size() << " error(s), " << loaded.warnings.size()
            << " warning(s)\n";
        return 1;
    }
    out << config_file << ": OK (" << loaded.value->channels.size() << " channel(s), "
        << loaded.value->languages.size() << " language(s), " << loaded.value->nodes.size()
        << " menu node(s), " << loaded.warnings.size() << " warning(s))\n";
    return 0;
}

}  // namespace cwc::gateway
