// Resolution of channel secrets from the environment, once at start-up.
#include "gateway/channel_runtime.hpp"

#include "config/channel_kinds.hpp"

namespace cwc::gateway {

std::vector<channel_runtime> resolve_channels(
    const config::config& cfg, const std::function<const char*(const char*)>& lookup) {
    std::vector<channel_runtime> out;
    for (const auto& ch : cfg.channels) {
        channel_runtime rt;
        rt.channel = &ch;
        rt.default_language = cfg.default_language;
        auto read = [&](const std::string& name) -> std::string {
            const char* v = lookup(name.c_str());
            return v ? std::string(v) : std::string();
        };
        for (const auto& role : config::kind_spec(ch.kind).secrets) {
            const std::string key(role.role);
            auto env = ch.secret_env.find(key);
            const std::string name = env == ch.secret_env.end() ? std::string(role.default_env) : env->second;
            auto value = read(name);
            if (value.empty() && role.required) rt.missing += (rt.missing.empty() ? "" : ", ") + name;
            rt.secrets[key] = std::move(value);
        }
        rt.api_base = read(ch.api_base_env);
        if (rt.api_base.empty()) rt.api_base = ch.default_api_base;
        while (!rt.api_base.empty() && rt.api_base.back() == '/') rt.api_base.pop_back();
        if (rt.missing.empty()) {
            rt.adapter = make_provider(ch, rt.secrets, rt.api_base);
            if (!rt.adapter) rt.missing = "this version has no adapter for the channel type yet";
        }
        out.push_back(std::move(rt));
    }
    return out;
}

}  // namespace cwc::gateway
