// What the officers' desk offers in its lists, from the configuration: case types, categories,
// regions, languages, organisations and services (ids with their names in every language), so
// filters and referrals are chosen, not typed. Nothing personal: the same for every role.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

// {"types": [{"id", "name": {lang: text}}], "categories": [{"id", "type", "name"}],
//  "regions", "languages": [{"id", "name"}], "organisations", "services": [{"id",
//  "organisation", "name"}] (active ones only)}
nlohmann::json desk_choices(const config::config& cfg);

}  // namespace cwc::gateway
