// A configured channel together with what only exists at run time: its secrets and API base,
// read from the environment variables the config names (secrets never live in the file), and
// the provider adapter built from them.
#pragma once

#include "config/config.hpp"
#include "gateway/provider.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cwc::gateway {

struct channel_runtime {
    const config::channel* channel = nullptr;
    channel_secrets secrets;
    std::string api_base;
    std::shared_ptr<const provider> adapter;  // null: the channel is not usable yet
    std::string missing;  // names of unset variables (or why there is no adapter), for the operator
    // The deployment's default language: what the channel sends on its own (WhatsApp's
    // re-engagement template) falls back to it for a person who never chose one.
    std::string default_language;
    // Set when resolved from a shared config: keeps `channel` (and the adapter's reference to
    // it) alive while a lane or a download still uses this runtime after a reload.
    std::shared_ptr<const config::config> config_owner;
};

// Reads each channel's variables with `getenv`-like lookup (tests pass their own). `cfg`
// outlives the runtimes.
std::vector<channel_runtime> resolve_channels(
    const config::config& cfg, const std::function<const char*(const char*)>& lookup);
// The same for a config shared with a reload: each runtime, and each adapter on its own, keeps
// the config alive, so a runtime may outlive the snapshot it came from.
std::vector<channel_runtime> resolve_channels(
    std::shared_ptr<const config::config> cfg, const std::function<const char*(const char*)>& lookup);

// Whether a reload changes how the channel sends: its settings, secrets or API base.
bool same_channel_runtime(const channel_runtime& a, const channel_runtime& b);

}  // namespace cwc::gateway
