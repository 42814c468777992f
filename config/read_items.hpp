// Internal to config/load: the reader of a list of {"id", "name", ...} items (regions, case
// types, categories, codes, organisations, sectors, services …), one definition for all.
#pragma once

#include "config/formats.hpp"
#include "config/json_reader.hpp"

#include <map>
#include <string>
#include <vector>

namespace cwc::config {

// A list of {"id", "name", ...} items with unique slug ids; read_item reads the rest.
template <typename Item, typename ReadRest>
void read_items(const json& value, const std::string& path, reading& r, std::vector<Item>& out,
                const char* kind, ReadRest read_rest) {
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    std::map<std::string, std::string> seen;
    for (std::size_t i = 0; i < items->size(); ++i) {
        object_reader o((*items)[i], child_path(path, i), r);
        if (!o.valid()) continue;
        Item item;
        if (o.read_string("id", item.id, presence::required)) {
            if (!is_slug(item.id)) {
                o.error("id", "'" + item.id + "' is not a valid " + kind +
                                  " id: use 1-32 of a-z, 0-9, _ and -");
            } else if (auto it = seen.find(item.id); it != seen.end()) {
                o.error("id", std::string(kind) + " id '" + item.id + "' is used twice (also at " +
                                  it->second + "); ids must be unique");
            } else {
                seen[item.id] = o.path_of("id");
            }
        }
        o.read_localized("name", item.name, presence::required);
        read_rest(o, item);
        o.warn_unknown();
        out.push_back(std::move(item));
    }
}

}  // namespace cwc::config
