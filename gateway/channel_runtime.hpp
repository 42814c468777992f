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
};

// Reads each channel's variables with `getenv`-like lookup (tests pass their own).
std::vector<channel_runtime> resolve_channels(
    const config::config& cfg, const std::function<const char*(const char*)>& lookup);

}  // namespace cwc::gateway
