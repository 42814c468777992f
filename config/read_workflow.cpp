// The AAP workflow's sections: organisations with their protection focal points, the default
// owner of cases, how sensitive complaints are recognised and answered. Channels are read
// before, so a focal point's channel can be checked here.
#include "config/read_items.hpp"
#include "config/sections.hpp"
#include "config/text_folding.hpp"


namespace cwc::config {
namespace {

void read_focal_points(const json& value, const std::string& path, reading& r,
                       const config& cfg, std::vector<focal_point>& out) {
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    for (std::size_t i = 0; i < items->size(); ++i) {
        object_reader o((*items)[i], child_path(path, i), r);
        if (!o.valid()) continue;
        focal_point f;
        o.read_string("name", f.name, presence::required);
        if (o.read_string("channel", f.channel, presence::required) &&
            cfg.find_channel(f.channel) == nullptr) {
            o.error("channel", "no channel '" + f.channel + "' in /channels");
        }
        if (o.read_string("address", f.address, presence::required) && f.address.empty()) {
            o.error("address", "the number (or WhatsApp id) alerts are sent to is empty");
        }
        if (o.read_string("language", f.language, presence::optional) && !cfg.has_language(f.language)) {
            o.error("language", "'" + f.language + "' is not one of /languages");
        }
        if (f.language.empty()) f.language = cfg.default_language;
        o.read_bool("backup", f.backup, presence::optional);
        o.warn_unknown("fields: name, channel, address, language, backup");
        out.push_back(std::move(f));
    }
}

}  // namespace

void read_organisations(const json& value, reading& r, config& out) {
    read_items(value, "/organisations", r, out.organisations, "organisation",
               [&](object_reader& o, organisation& org) {
                   if (const json* f = o.find("focal_points")) {
                       read_focal_points(*f, o.path_of("focal_points"), r, out, org.focal_points);
                   }
               });
}

void read_default_organisation(const json& value, reading& r, config& out) {
    auto id = read_string_value(value, "/default_organisation", r.log);
    if (!id) return;
    if (out.find_organisation(*id) == nullptr) {
        r.log.error("/default_organisation", "no organisation '" + *id + "' in /organisations");
        return;
    }
    out.default_organisation = *id;
}

void read_sensitive(const json& value, reading& r, config& out) {
    object_reader o(value, "/sensitive", r);
    if (!o.valid()) return;
    sensitive_settings& s = out.sensitive;
    if (const json* words = o.find("keywords")) {
        object_reader w(*words, o.path_of("keywords"), r);
        if (w.valid()) {
            for (const auto& lang : w.keys()) {
                const json* list = w.find(lang);
                const std::string path = w.path_of(lang);
                if (!out.has_language(lang)) {
                    w.error(lang, "'" + lang + "' is not one of /languages");
                    continue;
                }
                const auto* items = read_array(*list, path, r.log);
                if (items == nullptr) continue;
                for (std::size_t i = 0; i < items->size(); ++i) {
                    auto word = read_string_value((*items)[i], child_path(path, i), r.log);
                    if (!word) continue;
                    std::string folded = fold_for_matching(*word);
                    if (folded.empty()) {
                        r.log.error(child_path(path, i), "an empty keyword would match nothing");
                        continue;
                    }
                    s.keywords[lang].push_back(*word);
                    s.folded[lang].push_back(std::move(folded));
                }
            }
        }
    }
    o.read_localized("safe_reply", s.safe_reply, presence::required);
    o.read_localized("alert", s.alert, presence::required,
                     text_rules{{"reference"}, {"code", "deadline"}});
    o.read_int("reminder_hours", s.reminder_hours, 1, 168, presence::optional);
    o.warn_unknown("fields: keywords, safe_reply, alert, reminder_hours");
}

void read_satisfaction(const json& value, reading& r, config& out) {
    object_reader o(value, "/satisfaction", r);
    if (!o.valid()) return;
    o.read_localized("question", out.satisfaction.question, presence::required,
                     text_rules{{}, {"reference"}});
    o.read_localized("thanks", out.satisfaction.thanks, presence::required);
    o.warn_unknown("fields: question, thanks");
}

void check_workflow(reading& r, const config& cfg) {
    bool any_sensitive = !cfg.sensitive.folded.empty();
    for (std::size_t i = 0; i < cfg.categories.size(); ++i) {
        if (cfg.categories[i].sensitive) any_sensitive = true;
    }
    if (any_sensitive && cfg.sensitive.safe_reply.empty()) {
        r.log.error("/sensitive", "sensitive categories need a \"sensitive\" section with the "
                                  "safe reply people get at once and the focal points' alert");
    }
    if (!cfg.organisations.empty() && cfg.default_organisation.empty()) {
        r.log.error("/default_organisation",
                    "name the organisation that owns cases from menus that name none");
    }
    for (const auto& [id, node] : cfg.nodes) {
        if (node.organisation.empty() || cfg.find_organisation(node.organisation) != nullptr) continue;
        r.log.error(child_path(child_path("/nodes", id), "organisation"),
                    "no organisation '" + node.organisation + "' in /organisations");
    }
    if (!any_sensitive) return;
    for (std::size_t i = 0; i < cfg.organisations.size(); ++i) {
        bool primary = false;
        for (const auto& f : cfg.organisations[i].focal_points) primary |= !f.backup;
        if (!primary) {
            r.log.warning(child_path(child_path("/organisations", i), "focal_points"),
                          "no protection focal point: sensitive cases of '" +
                              cfg.organisations[i].id + "' would alert nobody");
        }
    }
}

}  // namespace cwc::config
