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

std::vector<channel_runtime> resolve_channels(
    std::shared_ptr<const config::config> cfg, const std::function<const char*(const char*)>& lookup) {
    auto out = resolve_channels(*cfg, lookup);
    for (auto& rt : out) {
        rt.config_owner = cfg;
        // The adapter refers to its channel: its deleter holds the config, so a media download
        // that still has the adapter after a reload reads valid settings.
        if (rt.adapter)
            rt.adapter = std::shared_ptr<const provider>(rt.adapter.get(),
                                                         [keep = rt.adapter, cfg](const provider*) {});
    }
    return out;
}

bool same_channel_runtime(const channel_runtime& a, const channel_runtime& b) {
    if (!a.channel || !b.channel) return a.channel == b.channel;
    const auto& x = *a.channel;
    const auto& y = *b.channel;
    auto templates = [](const config::channel& c) {
        std::vector<std::string> out;
        for (const auto& [lang, t] : c.reengagement_templates)
            out.push_back(lang + "|" + t.name + "|" + t.language + "|" + t.body_parameter);
        return out;
    };
    return x.id == y.id && x.kind == y.kind && x.address == y.address && x.secret_env == y.secret_env &&
           x.api_base_env == y.api_base_env && x.options == y.options &&
           x.provider_enforces_stop == y.provider_enforces_stop && x.max_body_bytes == y.max_body_bytes &&
           x.sends_per_second == y.sends_per_second && x.broadcast_share == y.broadcast_share &&
           x.window_hours == y.window_hours && x.fallback_channel == y.fallback_channel &&
           templates(x) == templates(y) && x.daily_reach_limit == y.daily_reach_limit &&
           a.secrets == b.secrets && a.api_base == b.api_base && a.missing == b.missing &&
           a.default_language == b.default_language;
}

}  // namespace cwc::gateway
