// The desk's choices from the configuration, in the configuration's order.
#include "gateway/desk_choices.hpp"

namespace cwc::gateway {

namespace {

template <typename Items>
nlohmann::json named(const Items& items) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : items) out.push_back({{"id", item.id}, {"name", item.name}});
    return out;
}

}  // namespace

nlohmann::json desk_choices(const config::config& cfg) {
    nlohmann::json categories = nlohmann::json::array();
    for (const auto& c : cfg.categories)
        categories.push_back({{"id", c.id}, {"type", c.type}, {"name", c.name}, {"codes", named(c.codes)}});
    nlohmann::json languages = nlohmann::json::array();
    for (const auto& l : cfg.languages)
        languages.push_back({{"id", l.code}, {"name", {{l.code, l.name}}}});
    nlohmann::json services = nlohmann::json::array();
    for (const auto& s : cfg.services) {
        if (s.status != "active") continue;  // a referral to a suspended service is refused
        services.push_back({{"id", s.id}, {"organisation", s.organisation}, {"name", s.name}});
    }
    return {{"types", named(cfg.case_types)},
            {"categories", categories},
            {"regions", named(cfg.regions)},
            {"languages", languages},
            {"organisations", named(cfg.organisations)},
            {"services", services}};
}

}  // namespace cwc::gateway
