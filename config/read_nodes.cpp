// Reads the menus and flows under /nodes. Every reference (an option's next, a page's next, a
// flow's categories) is checked against what the file defines, and fields that a node's type
// does not use are flagged, because a "text" node with options is usually a mistyped menu.
#include "config/formats.hpp"
#include "config/sections.hpp"

#include <algorithm>
#include <utility>

namespace cwc::config {
namespace {

constexpr std::pair<node_kind, const char*> node_kinds[] = {
    {node_kind::menu, "menu"},           {node_kind::text, "text"},
    {node_kind::complaint, "complaint"}, {node_kind::feedback, "feedback"},
    {node_kind::language, "language"},   {node_kind::status, "status"},
    {node_kind::directory, "directory"},   {node_kind::subscriptions, "subscriptions"},
};

constexpr std::size_t max_options = 9;  // people answer with one digit

struct known_ids {
    std::set<std::string> nodes;
    std::set<std::string> categories;
    std::set<std::string> sectors;
    std::set<std::string> topics;
    bool has_regions = false;
    bool has_sex_options = false;
    bool has_age_groups = false;
};

void check_node_ref(object_reader& o, std::string_view key, const std::string& id,
                    const known_ids& known) {
    if (known.nodes.count(id) != 0) return;
    o.error(key, "no node '" + id + "' in /nodes; use one of: " + join_names(known.nodes));
}

void read_options(const json& value, const std::string& path, reading& r, const known_ids& known,
                  menu_node& node) {
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    if (items->empty() || items->size() > max_options) {
        r.log.error(path, "a menu has 1 to " + std::to_string(max_options) +
                              " options, because people reply with one digit; found " +
                              std::to_string(items->size()) +
                              (items->empty() ? "" : ": move some into a sub-menu"));
    }
    for (std::size_t i = 0; i < items->size(); ++i) {
        object_reader o((*items)[i], child_path(path, i), r);
        if (!o.valid()) continue;
        menu_option option;
        o.read_localized("label", option.label, presence::required);
        if (o.read_string("next", option.next, presence::required)) {
            check_node_ref(o, "next", option.next, known);
        }
        o.warn_unknown();
        node.options.push_back(std::move(option));
    }
}

// A node's ids from one section (categories, sectors, topics): each one defined there, none
// listed twice, at least one (if_empty says what to do instead).
void read_id_refs(const json& value, const std::string& path, reading& r,
                  const std::set<std::string>& known, const std::string& kind,
                  const std::string& section, const std::string& if_empty,
                  std::vector<std::string>& out) {
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    if (items->empty()) r.log.error(path, if_empty);
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string item_path = child_path(path, i);
        auto id = read_string_value((*items)[i], item_path, r.log);
        if (!id) continue;
        if (known.count(*id) == 0) {
            r.log.error(item_path, "no " + kind + " '" + *id + "' in /" + section +
                                       "; use one of: " + join_names(known));
        } else if (std::find(out.begin(), out.end(), *id) != out.end()) {
            r.log.error(item_path, kind + " '" + *id + "' is listed twice; list it once");
        }
        out.push_back(std::move(*id));
    }
}

// The topics a subscriptions node offers (none listed: every topic), one digit each.
void read_topics_list(object_reader& o, reading& r, const known_ids& known, menu_node& node) {
    const json* listed = o.find("topics");
    if (listed != nullptr) {
        read_id_refs(*listed, o.path_of("topics"), r, known.topics, "topic", "topics",
                     "list at least one topic id from /topics, or leave \"topics\" out to offer "
                     "every topic",
                     node.topics);
    }
    const std::size_t offered = listed != nullptr ? node.topics.size() : known.topics.size();
    if (known.topics.empty()) {
        o.error("type", "a subscriptions node needs topics in /topics, e.g. [{\"id\": "
                        "\"health_brigades\", \"name\": {...}}]");
    } else if (offered > max_options) {
        o.error(listed != nullptr ? "topics" : "type",
                "a subscriptions node offers 1 to " + std::to_string(max_options) +
                    " topics, because people reply with one digit; " + std::to_string(offered) +
                    " would be offered: list the topics of this node in \"topics\"");
    }
}

// ask_sex / ask_age_group: true needs the answers to offer.
void read_demographic_question(object_reader& o, std::string_view key, bool& out,
                               bool has_options, const char* section) {
    if (o.read_bool(key, out, presence::optional) && out && !has_options) {
        o.error(key, std::string("true needs the answers in /") + section + "; add " + section +
                         " or set " + std::string(key) + " to false");
    }
}

void read_node(const json& value, const std::string& path, reading& r, const known_ids& known,
               const std::string& start_node, menu_node& node) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    std::string type;
    const char* type_name = nullptr;
    if (o.read_string("type", type, presence::required)) {
        for (const auto& [kind, name] : node_kinds) {
            if (type == name) {
                node.kind = kind;
                type_name = name;
            }
        }
        if (type_name == nullptr) {
            o.error("type", "unknown node type '" + type +
                                "'; use menu, text, complaint, feedback, language, status, "
                                "directory or subscriptions");
        }
    }
    o.read_localized("text", node.text, presence::required);
    const bool known_type = type_name != nullptr;
    const bool is_menu = known_type && node.kind == node_kind::menu;
    const bool is_page = known_type && node.kind == node_kind::text;
    const bool is_flow =
        known_type && (node.kind == node_kind::complaint || node.kind == node_kind::feedback);
    const bool is_directory = known_type && node.kind == node_kind::directory;
    const bool is_subscriptions = known_type && node.kind == node_kind::subscriptions;
    auto misplaced = [&](std::string_view key, const char* used_by) {
        if (!known_type || o.find(key) == nullptr) return false;
        // Appended piece by piece: GCC 12 -O2 misreads the chained operator+ (-Wrestrict).
        std::string message = "'";
        message.append(key);
        message.append("' is only used by ").append(used_by).append(" nodes; this ");
        message.append(type_name).append(" node ignores it");
        o.warning(key, std::move(message));
        return true;
    };

    if (is_menu) {
        const json* options =
            o.require("options", "a list of 1 to 9 {\"label\", \"next\"} options");
        if (options != nullptr) read_options(*options, o.path_of("options"), r, known, node);
    } else {
        misplaced("options", "menu");
    }

    if (is_page) {
        node.next = start_node;
        if (o.read_string("next", node.next, presence::optional)) {
            check_node_ref(o, "next", node.next, known);
        }
    } else {
        misplaced("next", "text");
    }

    if (is_flow || is_directory || is_subscriptions) {
        if (is_directory) node.ask_region = true;  // a directory narrows by region unless told
        if (o.read_bool("ask_region", node.ask_region, presence::optional) && node.ask_region &&
            !is_directory && !known.has_regions) {
            o.error("ask_region",
                    "true needs at least one region in /regions; add regions or "
                    "set ask_region to false");
        }
    } else {
        misplaced("ask_region", "complaint, feedback, directory and subscriptions");
    }

    if (is_flow) {
        const json* categories = o.require("categories", "a list of category ids from /categories");
        if (categories != nullptr) {
            read_id_refs(*categories, o.path_of("categories"), r, known.categories, "category",
                         "categories",
                         "needs at least one category id from /categories", node.categories);
        }
        o.read_localized("ask_description", node.ask_description, presence::required);
        read_demographic_question(o, "ask_sex", node.ask_sex, known.has_sex_options,
                                  "sex_options");
        read_demographic_question(o, "ask_age_group", node.ask_age_group, known.has_age_groups,
                                  "age_groups");
        // Checked against /organisations once every section is read (check_workflow).
        o.read_string("organisation", node.organisation, presence::optional);
    } else {
        for (const char* key : {"categories", "ask_description", "ask_sex", "ask_age_group",
                                "organisation"}) {
            misplaced(key, "complaint and feedback");
        }
    }

    if (is_directory) {
        if (const json* sectors = o.find("sectors")) {
            read_id_refs(*sectors, o.path_of("sectors"), r, known.sectors, "sector", "sectors",
                         "list at least one sector id from /sectors, or leave \"sectors\" out "
                         "to offer every sector",
                         node.sectors);
        }
    } else {
        misplaced("sectors", "directory");
    }

    if (is_subscriptions) {
        read_topics_list(o, r, known, node);
    } else {
        misplaced("topics", "subscriptions");
    }
    o.warn_unknown();
}

}  // namespace

void read_nodes(const json& value, reading& r, config& out) {
    object_reader o(value, "/nodes", r);
    if (!o.valid()) return;
    known_ids known;
    for (const auto& key : o.keys()) known.nodes.insert(key);
    for (const auto& c : out.categories) known.categories.insert(c.id);
    for (const auto& s : out.sectors) known.sectors.insert(s.id);
    for (const auto& t : out.topics) known.topics.insert(t.id);
    known.has_regions = !out.regions.empty();
    known.has_sex_options = !out.sex_options.empty();
    known.has_age_groups = !out.age_groups.empty();
    if (known.nodes.empty()) {
        r.log.error("/nodes", "needs at least the start menu, e.g. {\"" + out.start_node +
                                  "\": {\"type\": \"menu\", ...}}");
    }
    for (const auto& id : o.keys()) {
        const std::string path = o.path_of(id);
        if (!is_slug(id)) {
            r.log.error(path, "'" + id + "' is not a node id: use 1-32 of a-z, 0-9, _ and -");
        }
        menu_node node;
        node.id = id;
        read_node(*o.find(id), path, r, known, out.start_node, node);
        out.nodes[id] = std::move(node);
    }
}

}  // namespace cwc::config
