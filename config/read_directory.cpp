// Reads the service directory (sectors, services) and the answers of the optional demographic
// questions (sex_options, age_groups), then checks what spans sections once all is read: each
// service's organisation, directories with nothing to offer, information pages too long for SMS.
#include "config/formats.hpp"
#include "config/read_items.hpp"
#include "config/sections.hpp"
#include "config/sms_pages.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>

namespace cwc::config {
namespace {

// A service not verified for this long may have moved or closed: people would be sent to it.
constexpr int verify_after_days = 180;

// A list of strings, none twice; each one must pass check (which logs at the element's path).
template <typename Check>
std::vector<std::string> read_id_list(const json& value, const std::string& path, reading& r,
                                      Check check) {
    std::vector<std::string> out;
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return out;
    for (std::size_t i = 0; i < items->size(); ++i) {
        const std::string item_path = child_path(path, i);
        auto id = read_string_value((*items)[i], item_path, r.log);
        if (!id) continue;
        if (std::find(out.begin(), out.end(), *id) != out.end()) {
            r.log.error(item_path, "'" + *id + "' is listed twice; list it once");
            continue;
        }
        if (check(*id, item_path)) out.push_back(std::move(*id));
    }
    return out;
}

std::optional<std::chrono::sys_days> parse_date(const std::string& s) {
    int y = 0;
    unsigned m = 0;
    unsigned d = 0;
    char tail = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return std::nullopt;
    }
    if (s.size() != 10 || std::sscanf(s.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
        return std::nullopt;
    }
    const std::chrono::year_month_day date{std::chrono::year{y}, std::chrono::month{m},
                                           std::chrono::day{d}};
    if (!date.ok()) return std::nullopt;
    return std::chrono::sys_days{date};
}

void check_last_verified(object_reader& o, const std::string& value, std::chrono::sys_days today) {
    const auto date = parse_date(value);
    if (!date) {
        o.error("last_verified", "'" + value + "' is not a date; write it as YYYY-MM-DD");
    } else if (*date > today) {
        o.error("last_verified", "'" + value +
                                     "' is in the future; write the day the service was last "
                                     "checked (YYYY-MM-DD)");
    } else if (today - *date > std::chrono::days{verify_after_days}) {
        o.warning("last_verified",
                  "last verified " + std::to_string((today - *date).count()) +
                      " days ago: verify it (hours, contact, status) and update the date");
    }
}

void read_service_fields(object_reader& o, reading& r, service& s, const config& cfg,
                         std::chrono::sys_days today) {
    o.read_string("organisation", s.organisation, presence::required);
    std::set<std::string> sectors;
    for (const auto& sector : cfg.sectors) sectors.insert(sector.id);
    if (o.read_string("sector", s.sector, presence::required) && sectors.count(s.sector) == 0) {
        o.error("sector",
                "no sector '" + s.sector + "' in /sectors; use one of: " + join_names(sectors));
    }
    std::set<std::string> regions;
    for (const auto& region : cfg.regions) regions.insert(region.id);
    if (const json* v = o.require("regions", "the region ids where it is offered, e.g. [\"lima\"]")) {
        s.regions = read_id_list(*v, o.path_of("regions"), r, [&](const std::string& id,
                                                               const std::string& path) {
            if (regions.count(id) != 0) return true;
            r.log.error(path, "no region '" + id + "' in /regions; use one of: " +
                                  join_names(regions));
            return false;
        });
        if (v->is_array() && v->empty()) o.error("regions", "needs at least one region id from /regions");
    }
    o.read_localized("eligibility", s.eligibility, presence::required);
    o.read_localized("documents", s.documents, presence::required);
    o.read_localized("hours", s.hours, presence::required);
    o.read_string("contact", s.contact, presence::required);  // phone, address or URL
    if (const json* v = o.find("languages")) {
        s.languages = read_id_list(*v, o.path_of("languages"), r, [&](const std::string& code,
                                                                   const std::string& path) {
            if (is_language_code(code)) return true;
            r.log.error(path, "'" + code +
                                  "' is not a language code: 2-3 lower-case letters, e.g. \"qu\"");
            return false;
        });
    }
    o.read_localized("cost", s.cost, presence::optional);
    if (o.read_string("status", s.status, presence::optional) && s.status != "active" &&
        s.status != "suspended") {
        o.error("status", "'" + s.status + "' is not a service status; use active or suspended");
    }
    if (o.read_string("last_verified", s.last_verified, presence::required)) {
        check_last_verified(o, s.last_verified, today);
    }
    o.read_int("referral_days", s.referral_days, 0, 365, presence::optional);
}

std::chrono::sys_days today() {
    return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
}

bool offers(const menu_node& node, const std::string& sector) {
    return node.sectors.empty() ||
           std::find(node.sectors.begin(), node.sectors.end(), sector) != node.sectors.end();
}

void check_directory_node(reading& r, const config& cfg, const std::string& id,
                          const menu_node& node) {
    const std::string path = child_path("/nodes", id);
    bool any = false;
    bool active = false;
    for (const auto& s : cfg.services) {
        if (!offers(node, s.sector)) continue;
        any = true;
        active = active || s.status == "active";
    }
    if (!any) {
        r.log.error(path, cfg.services.empty()
                              ? "a directory node needs services in /services"
                              : "no service in /services is in this node's sectors");
    } else if (!active) {
        r.log.warning(path, "every service of this directory is suspended: people will be told "
                            "that nothing is open");
    }
}

void check_page_lengths(reading& r, const config& cfg, const std::string& id,
                        const menu_node& node) {
    for (const auto& [lang, text] : node.text) {
        if (cfg.text("back_hint", lang).empty()) return;  // reported with /texts
        const auto pages = paginate({text}, frame_for(cfg, lang)).size();
        if (pages <= pages_before_warning) continue;
        r.log.warning(child_path(child_path(child_path("/nodes", id), "text"), lang),
                      "this page goes out as " + std::to_string(pages) + " SMS pages of up to " +
                          std::to_string(max_page_segments) +
                          " segments; few people read past " +
                          std::to_string(pages_before_warning) +
                          ": shorten it or split it into a menu of pages");
    }
}

}  // namespace

void read_directory(object_reader& root, reading& r, config& out) {
    if (const json* v = root.find("sectors")) {
        read_items(*v, "/sectors", r, out.sectors, "sector", [](object_reader&, sector&) {});
    }
    if (const json* v = root.find("services")) {
        const auto day = today();
        read_items(*v, "/services", r, out.services, "service",
                         [&](object_reader& o, service& s) {
                             read_service_fields(o, r, s, out, day);
                         });
    }
    if (const json* v = root.find("sex_options")) {
        read_items(*v, "/sex_options", r, out.sex_options, "sex option",
                         [](object_reader&, answer_option&) {});
    }
    if (const json* v = root.find("age_groups")) {
        read_items(*v, "/age_groups", r, out.age_groups, "age group",
                         [](object_reader&, answer_option&) {});
    }
}

void check_directory(reading& r, const config& cfg) {
    // Organisations come from their own section; a config without any names none to check.
    if (!cfg.organisations.empty()) {
        std::set<std::string> ids;
        for (const auto& org : cfg.organisations) ids.insert(org.id);
        for (std::size_t i = 0; i < cfg.services.size(); ++i) {
            const auto& s = cfg.services[i];
            if (s.organisation.empty() || ids.count(s.organisation) != 0) continue;
            r.log.error(child_path(child_path("/services", i), "organisation"),
                        "no organisation '" + s.organisation +
                            "' in /organisations; use one of: " + join_names(ids));
        }
    }
    for (const auto& [id, node] : cfg.nodes) {
        if (node.kind == node_kind::directory) check_directory_node(r, cfg, id, node);
        if (node.kind == node_kind::text) check_page_lengths(r, cfg, id, node);
    }
}

}  // namespace cwc::config
