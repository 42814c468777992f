// Checks that span sections once every section is read: the conversation has a menu to start
// from, every node can be reached from it, and the language keyword has a node to open.
#include "config/sections.hpp"

#include <deque>

namespace cwc::config {
namespace {

bool has_words(const config& cfg, keyword_action action) {
    for (const auto& set : cfg.keywords) {
        if (set.action != action) continue;
        for (const auto& [lang, words] : set.words) {
            if (!words.empty()) return true;
        }
    }
    return false;
}

const char* kind_name(node_kind kind) {
    switch (kind) {
        case node_kind::menu:
            return "menu";
        case node_kind::text:
            return "text";
        case node_kind::complaint:
            return "complaint";
        case node_kind::feedback:
            return "feedback";
        case node_kind::language:
            return "language";
        case node_kind::status:
            return "status";
        case node_kind::directory:
            return "directory";
        case node_kind::subscriptions:
            return "subscriptions";
    }
    return "unknown";
}

// Nodes reached from the start through options and page links; keywords open language and
// status nodes from anywhere, so those count as reached when their keyword is configured.
std::set<std::string> reachable_nodes(const config& cfg) {
    std::set<std::string> reached;
    std::deque<std::string> queue{cfg.start_node};
    for (const auto& [id, node] : cfg.nodes) {
        if ((node.kind == node_kind::language && has_words(cfg, keyword_action::language)) ||
            (node.kind == node_kind::status && has_words(cfg, keyword_action::status)) ||
            (node.kind == node_kind::subscriptions && has_words(cfg, keyword_action::subscribe))) {
            queue.push_back(id);
        }
    }
    while (!queue.empty()) {
        const std::string id = queue.front();
        queue.pop_front();
        const menu_node* node = cfg.find_node(id);
        if (node == nullptr || !reached.insert(id).second) continue;
        for (const auto& option : node->options) queue.push_back(option.next);
        if (node->kind == node_kind::text) queue.push_back(node->next);
    }
    return reached;
}

}  // namespace

std::string join_names(const std::set<std::string>& names) {
    return join_names(std::vector<std::string>(names.begin(), names.end()));
}

std::string join_names(const std::vector<std::string>& names) {
    if (names.empty()) return "(none defined)";
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
}

void check_cross_references(reading& r, const config& cfg, bool nodes_present) {
    // A WhatsApp channel's fallback for a closed window must be an SMS channel of this file.
    for (std::size_t i = 0; i < cfg.channels.size(); ++i) {
        const auto& c = cfg.channels[i];
        if (c.fallback_channel.empty()) continue;
        const auto path = child_path(child_path("/channels", i), "fallback_channel");
        const channel* to = cfg.find_channel(c.fallback_channel);
        if (to == nullptr) {
            std::vector<std::string> ids;
            for (const auto& other : cfg.channels) ids.push_back(other.id);
            r.log.error(path, "no channel '" + c.fallback_channel + "'; use one of: " +
                                  join_names(ids));
        } else if (to->kind == channel_kind::whatsapp_cloud ||
                   to->kind == channel_kind::twilio_whatsapp) {
            r.log.error(path, "'" + c.fallback_channel + "' is a WhatsApp channel; the fallback "
                              "for a closed window must be an SMS channel");
        }
    }
    if (has_words(cfg, keyword_action::subscribe) && nodes_present) {
        bool has_subscriptions = false;
        for (const auto& [id, node] : cfg.nodes)
            has_subscriptions = has_subscriptions || node.kind == node_kind::subscriptions;
        if (!has_subscriptions) {
            r.log.error("/keywords/subscribe",
                        "the subscribe keyword opens the topics people choose, but /nodes has no "
                        "node of type \"subscriptions\"; add one (e.g. as an option of the main "
                        "menu) or remove the keyword");
        }
    }
    if (has_words(cfg, keyword_action::language) && nodes_present) {
        bool has_language_node = false;
        for (const auto& [id, node] : cfg.nodes) {
            has_language_node = has_language_node || node.kind == node_kind::language;
        }
        if (!has_language_node) {
            r.log.error("/keywords/language",
                        "the language keyword opens the language choice, but /nodes has no node "
                        "of type \"language\"; add one (e.g. as an option of the main menu)");
        }
    }
    if (!nodes_present || cfg.nodes.empty()) return;  // already reported

    const menu_node* start = cfg.find_node(cfg.start_node);
    if (start == nullptr) {
        std::set<std::string> ids;
        for (const auto& [id, node] : cfg.nodes) ids.insert(id);
        r.log.error("/deployment/start_node",
                    "no node '" + cfg.start_node +
                        "' in /nodes; every conversation starts there "
                        "(start_node defaults to \"main\"); use one of: " +
                        join_names(ids));
        return;
    }
    if (start->kind != node_kind::menu) {
        r.log.error("/deployment/start_node", "'" + cfg.start_node + "' is a " +
                                                  kind_name(start->kind) +
                                                  " node; the start node must be a menu");
    }
    const std::set<std::string> reached = reachable_nodes(cfg);
    for (const auto& [id, node] : cfg.nodes) {
        if (reached.count(id) != 0) continue;
        r.log.warning(child_path("/nodes", id),
                      "no menu option or page leads here from the start node '" + cfg.start_node +
                          "', so nobody will see it; link it from a menu or remove it");
    }
}

}  // namespace cwc::config
