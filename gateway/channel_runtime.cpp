// Resolution of channel secrets from the environment, once at start-up.
#include "gateway/channel_runtime.hpp"

#include <functional>

namespace cwc::gateway {

std::vector<channel_runtime> resolve_channels(
    const config::config& cfg, const std::function<const char*(const char*)>& lookup) {
    std::vector<channel_runtime> out;
    for (const auto& ch : cfg.channels) {
        channel_runtime rt;
        rt.channel = &ch;
        auto read = [&](const std::string& name) -> std::string {
            const char* v = lookup(name.c_str());
            return v ? std::string(v) : std::string();
        };
        auto sid = read(ch.account_sid_env);
        auto token = read(ch.auth_token_env);
        auto base = read(ch.api_base_env);
        if (base.empty()) base = ch.default_api_base;
        while (!base.empty() && base.back() == '/') base.pop_back();
        if (sid.empty()) rt.missing += ch.account_sid_env;
        if (token.empty()) rt.missing += (rt.missing.empty() ? "" : ", ") + ch.auth_token_env;
        if (rt.missing.empty()) rt.credentials = twilio_credentials{sid, token, base};
        out.push_back(std::move(rt));
    }
    return out;
}

}  // namespace cwc::gateway
