// What SIGHUP does to the configuration, apart from swapping it in (serve_command.cpp): read the
// file and validate it as `serve` and `check-config` do, resolve the channels' secrets again, keep
// the settings only a restart can change (and say which changed), and tell how the channels moved.
#pragma once

#include "config/config.hpp"
#include "config/load.hpp"
#include "gateway/channel_runtime.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cwc::gateway {

// One configuration and what was resolved from it, shared by everything that took it: a request,
// a claim of the dispatcher, a periodic task keeps its snapshot from start to end.
struct config_snapshot {
    std::shared_ptr<const config::config> cfg;
    std::vector<channel_runtime> channels;  // each keeps `cfg` alive (config_owner)
    std::string digest;                     // SHA-256 of the file's bytes, lower hex
};

// The file read once: its digest and the loader's verdict on exactly those bytes.
struct config_file {
    config::load_result loaded;
    std::string digest;  // "" when the file could not be read
};
config_file read_config_file(const std::string& path);

// The JSON paths of the settings that differ between `running` and `next` and that only a restart
// applies: listeners, database, key files, TLS files, header and time limits, media fetching.
std::vector<std::string> restart_only_changes(const config::config& running, const config::config& next);

struct reload_outcome {
    std::shared_ptr<const config_snapshot> snapshot;  // null: refused, the running one stays
    std::vector<config::problem> errors;
    std::vector<config::problem> warnings;
    std::vector<std::string> needs_restart;  // kept as running (JSON paths)
    std::vector<std::string> channels_added, channels_removed, channels_changed;
};

using env_lookup = std::function<const char*(const char*)>;

// Loads `path` as the next configuration. The new config carries the running one's `server` and
// `officers.listen` (they keep serving until a restart) except the shutdown grace period.
reload_outcome prepare_reload(const std::string& path, const config_snapshot& running,
                              const env_lookup& lookup);

// The first snapshot at start, from a config already loaded and checked.
std::shared_ptr<const config_snapshot> first_snapshot(config::config cfg, std::string digest,
                                                      const env_lookup& lookup);

}  // namespace cwc::gateway
