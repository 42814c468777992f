// Reads what people see and type: global keywords, regions, case types with their promised
// answer times, categories, the engine's texts and the plain words for case statuses. Keyword
// identity is folded ("Menú" = "menu") because that is how the engine will match replies.
#include "config/formats.hpp"
#include "config/read_items.hpp"
#include "config/sections.hpp"
#include "config/text_folding.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace cwc::config {
namespace {

struct action_name {
    keyword_action action;
    const char* name;
};
constexpr action_name actions[] = {
    {keyword_action::menu, "menu"},         {keyword_action::help, "help"},
    {keyword_action::stop, "stop"},         {keyword_action::start, "start"},
    {keyword_action::language, "language"}, {keyword_action::status, "status"},
    {keyword_action::subscribe, "subscribe"}, {keyword_action::erase, "delete"},
};
// Optional: a deployment without broadcasts has no subscriptions to open; without "delete"
// people ask for erasure through the officers.
constexpr keyword_action optional_actions[] = {keyword_action::subscribe, keyword_action::erase};

// Where a folded keyword was first seen, to name both places in a collision.
struct keyword_origin {
    keyword_action action;
    std::string path;
};

void read_words(const json& value, const std::string& path, const action_name& a, reading& r,
                keyword_set& set, std::map<std::string, keyword_origin>& seen) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    for (const auto& key : o.keys()) {
        if (std::find(r.languages.begin(), r.languages.end(), key) != r.languages.end()) continue;
        o.mark_known(key);
        if (!r.languages.empty()) {
            o.warning(key, "language '" + key +
                               "' is not in /languages, so these words are "
                               "never matched; add the language or remove them");
        }
    }
    for (const auto& code : r.languages) {
        const json* words = o.require(code, "a list of words, e.g. [\"menu\"]");
        if (words == nullptr) continue;
        const auto* items = read_array(*words, o.path_of(code), r.log);
        if (items == nullptr) continue;
        if (items->empty()) o.error(code, "needs at least one word in this language");
        std::vector<std::string>& out = set.words[code];
        for (std::size_t i = 0; i < items->size(); ++i) {
            const std::string word_path = child_path(o.path_of(code), i);
            auto word = read_string_value((*items)[i], word_path, r.log);
            if (!word) continue;
            const std::string folded = fold_for_matching(*word);
            if (is_digits_only(folded)) {
                r.log.error(word_path, "'" + *word +
                                           "' is only digits, and digits choose menu "
                                           "options; use a word");
                continue;
            }
            const std::string upper = [&] {
                std::string u = folded;
                for (char& c : u)
                    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                return u;
            }();
            const auto& opt_out = provider_opt_out_words();
            const bool provider_stops = upper == "STOP" || std::find(opt_out.begin(), opt_out.end(),
                                                                     upper) != opt_out.end();
            if (provider_stops && a.action != keyword_action::stop) {
                r.log.warning(word_path, "a person who sends '" + *word +
                                             "' is opted out by the provider, not sent to '" +
                                             a.name + "'; pick another word");
            }
            auto [it, inserted] = seen.try_emplace(folded, keyword_origin{a.action, word_path});
            if (!inserted && it->second.action != a.action) {
                r.log.error(word_path, "'" + *word + "' is also a keyword at " + it->second.path +
                                           "; one word can trigger only one action (compared "
                                           "without case or accents)");
            }
            out.push_back(std::move(*word));
        }
    }
}

void read_text_map(const json& value, const std::string& path, reading& r,
                   std::map<std::string, localized_text>& out,
                   const std::vector<std::string>& required, const char* unknown_hint,
                   const std::map<std::string, text_rules>& rules,
                   const std::vector<std::string>& optional = {}) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    for (const auto& key : required) {
        auto rule = rules.find(key);
        o.read_localized(key, out[key], presence::required,
                         rule == rules.end() ? text_rules{} : rule->second);
    }
    for (const auto& key : optional) {
        if (o.find(key) == nullptr) continue;
        auto rule = rules.find(key);
        o.read_localized(key, out[key], presence::optional,
                         rule == rules.end() ? text_rules{} : rule->second);
    }
    for (const auto& key : o.keys()) {
        if (out.count(key) != 0) continue;
        o.mark_known(key);
        o.warning(key, "'" + key + "' is not used by the gateway and is ignored (" + unknown_hint +
                           "); check the spelling");
    }
}

}  // namespace

void read_keywords(const json& value, reading& r, config& out) {
    object_reader o(value, "/keywords", r);
    if (!o.valid()) return;
    std::map<std::string, keyword_origin> seen;  // folded word -> first place
    for (const auto& a : actions) {
        const bool optional = std::find(std::begin(optional_actions), std::end(optional_actions),
                                        a.action) != std::end(optional_actions);
        const json* words = optional ? o.find(a.name)
                                     : o.require(a.name,
                                                 "an object of word lists per language, e.g. "
                                                 "{\"es\": [\"ayuda\"], \"en\": [\"help\"]}");
        if (optional && words == nullptr) continue;
        keyword_set set{a.action, {}, {}};
        if (words != nullptr) read_words(*words, o.path_of(a.name), a, r, set, seen);
        out.keywords.push_back(std::move(set));
    }
    o.warn_unknown("actions: menu, help, stop, start, language, status, subscribe, delete");
}

void read_regions(const json& value, reading& r, config& out) {
    read_items(value, "/regions", r, out.regions, "region", [](object_reader& o, region& g) {
        // Broadcasts' quiet hours are kept in this zone; "" = /broadcasts/time_zone.
        if (o.read_string("time_zone", g.time_zone, presence::optional))
            check_time_zone(o, "time_zone", g.time_zone);
    });
}

void read_case_types(const json& value, reading& r, config& out) {
    read_items(
        value, "/case_types", r, out.case_types, "case type", [](object_reader& o, case_type& t) {
            // No defaults: these are promises made to people.
            o.read_int("acknowledge_hours", t.acknowledge_hours, 1, 8760, presence::required);
            o.read_int("response_days", t.response_days, 1, 365, presence::required);
            o.read_localized("acknowledgement", t.acknowledgement, presence::required,
                             text_rules{{"reference", "days"}, {}});
        });
}

void read_categories(const json& value, reading& r, config& out) {
    std::set<std::string> types;
    for (const auto& t : out.case_types) types.insert(t.id);
    read_items(
        value, "/categories", r, out.categories, "category", [&](object_reader& o, category& c) {
            if (o.read_string("type", c.type, presence::required) && types.count(c.type) == 0) {
                o.error("type", "no case type '" + c.type +
                                    "' in /case_types; use one of: " + join_names(types));
            }
            o.read_bool("sensitive", c.sensitive, presence::optional);
            o.read_int("deadline_hours", c.deadline_hours, 1, 720, presence::optional);
            if (const json* codes = o.find("codes")) {
                read_items(*codes, o.path_of("codes"), r, c.codes, "code",
                           [](object_reader&, feedback_code&) {});
            }
        });
}

void read_texts(const json& value, reading& r, config& out) {
    const std::vector<std::string> required(std::begin(required_texts), std::end(required_texts));
    const std::vector<std::string> optional(std::begin(optional_texts), std::end(optional_texts));
    read_text_map(value, "/texts", r, out.texts, required,
                  "the gateway sends the required texts and the optional ones in "
                  "config/README.md",
                  {{"status_found", text_rules{{"reference", "status"}, {}}},
                   {"subscribed", text_rules{{"topic"}, {}}},
                   {"unsubscribed", text_rules{{"topic"}, {}}},
                   {"topic_on", text_rules{{"topic"}, {}}},
                   {"topic_off", text_rules{{"topic"}, {}}},
                   {"news_region_set", text_rules{{"region"}, {}}},
                   {"subscriptions_opted_out", text_rules{{"start"}, {}}},
                   {"erasure_confirm", text_rules{{"yes"}, {}}},
                   {"directory_entry",
                    text_rules{{"name", "contact"},
                               {"organisation", "hours", "documents", "eligibility", "cost",
                                "languages"}}}},
                  optional);
}

void read_statuses(const json& value, reading& r, config& out) {
    const std::vector<std::string> required(std::begin(case_status_ids), std::end(case_status_ids));
    read_text_map(value, "/statuses", r, out.statuses, required,
                  "statuses: new, acknowledged, in_progress, referred, responded, closed, reopened",
                  {});
}

}  // namespace cwc::config
