// A configured channel together with what only exists at run time: its secrets and API base,
// read from the environment variables the config names (secrets never live in the file).
#pragma once

#include "config/config.hpp"
#include "gateway/twilio_adapter.hpp"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

struct channel_runtime {
    const config::channel* channel = nullptr;
    std::optional<twilio_credentials> credentials;  // empty: the channel is not usable yet
    std::string missing;  // names of unset variables, for the operator
};

// Reads each channel's variables with `getenv`-like lookup (tests pass their own).
std::vector<channel_runtime> resolve_channels(
    const config::config& cfg, const std::function<const char*(const char*)>& lookup);

}  // namespace cwc::gateway
