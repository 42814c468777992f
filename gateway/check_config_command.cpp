// `cwc-gateway check-config`: every error and warning with its JSON path, for an operator. Beyond
// what the loader checks, it looks at the files the config names (TLS), as `serve` would.
#include "config/load.hpp"
#include "gateway/commands.hpp"

#include <fstream>
#include <ostream>

namespace cwc::gateway {

namespace {

// Files `serve` will open: a missing one is an error now rather than a failed start later.
std::vector<config::problem> unreadable_files(const config::config& cfg) {
    std::vector<config::problem> out;
    auto check = [&](const std::string& path, const std::string& file) {
        if (!file.empty() && !std::ifstream(file)) out.push_back({path, "cannot read " + file});
    };
    check("/server/tls/certificate_file", cfg.server.tls.certificate_file);
    check("/server/tls/private_key_file", cfg.server.tls.private_key_file);
    return out;
}

}  // namespace

int run_check_config(const std::string& config_file, std::ostream& out) {
    auto loaded = config::load_from_file(config_file);
    if (loaded.value) {
        for (auto& p : unreadable_files(*loaded.value)) loaded.errors.push_back(std::move(p));
    }
    for (const auto& e : loaded.errors) out << "error: " << config::to_string(e) << "\n";
    for (const auto& w : loaded.warnings) out << "warning: " << config::to_string(w) << "\n";
    if (!loaded.errors.empty()) {
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
