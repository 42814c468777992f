// Look-ups over the validated config. Linear scans: configs hold tens of entries, not thousands.
#include "config/config.hpp"

#include "config/text_folding.hpp"

#include <algorithm>

namespace cwc::config {

namespace {
template <typename T>
const T* find_by_id(const std::vector<T>& items, const std::string& id) {
    auto it = std::find_if(items.begin(), items.end(), [&](const T& x) { return x.id == id; });
    return it == items.end() ? nullptr : &*it;
}
const std::string empty_text;
}  // namespace

const std::string& channel::option(const std::string& name) const {
    static const std::string none;
    auto it = options.find(name);
    return it == options.end() ? none : it->second;
}

void fold_keywords(config& cfg) {
    for (auto& set : cfg.keywords) {
        set.folded.clear();
        for (const auto& [language, words] : set.words)
            for (const auto& word : words) set.folded[language].push_back(fold_for_matching(word));
    }
}

const channel* config::find_channel(const std::string& id) const { return find_by_id(channels, id); }
const case_type* config::find_case_type(const std::string& id) const {
    return find_by_id(case_types, id);
}
const category* config::find_category(const std::string& id) const {
    return find_by_id(categories, id);
}
const region* config::find_region(const std::string& id) const { return find_by_id(regions, id); }
const organisation* config::find_organisation(const std::string& id) const {
    return find_by_id(organisations, id);
}
const service* config::find_service(const std::string& id) const {
    return find_by_id(services, id);
}
const topic* config::find_topic(const std::string& id) const { return find_by_id(topics, id); }

const menu_node* config::find_node(const std::string& id) const {
    auto it = nodes.find(id);
    return it == nodes.end() ? nullptr : &it->second;
}

bool config::has_language(const std::string& code) const {
    return std::any_of(languages.begin(), languages.end(),
                       [&](const language& l) { return l.code == code; });
}

const std::string& config::text(const std::string& key, const language_code& lang) const {
    auto it = texts.find(key);
    return it == texts.end() ? empty_text : localize(it->second, lang, default_language);
}

const std::string& localize(const localized_text& t, const language_code& lang,
                            const language_code& fallback) {
    if (auto it = t.find(lang); it != t.end()) return it->second;
    if (auto it = t.find(fallback); it != t.end()) return it->second;
    return empty_text;
}

}  // namespace cwc::config
