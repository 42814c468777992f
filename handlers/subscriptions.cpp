// Subscriptions to broadcast topics, switched one number at a time. The contact snapshot in the
// result carries the new topics and region (so the replies and the store agree), and each change
// is also a consent_change that the gateway applies and logs in the message's transaction.
#include "handlers/subscriptions.hpp"

#include "config/sms_pages.hpp"
#include "handlers/input.hpp"
#include "handlers/menu_engine.hpp"

#include <algorithm>
#include <cctype>

namespace cwc::handlers {

namespace {

using messages::consent_action;

// The topics the node offers, in the config's order (the node's list, or every topic).
std::vector<const config::topic*> offered(const config::config& cfg,
                                          const config::menu_node& node) {
    std::vector<const config::topic*> out;
    if (node.topics.empty()) {
        for (const auto& topic : cfg.topics) out.push_back(&topic);
        return out;
    }
    for (const auto& id : node.topics) {
        if (const config::topic* topic = cfg.find_topic(id)) out.push_back(topic);
    }
    return out;
}

bool subscribed(const messages::contact& c, const std::string& topic) {
    return std::binary_search(c.topics.begin(), c.topics.end(), topic);
}

const std::string& wording(turn& t, const char* key) {
    return config::optional_text(t.cfg(), key, t.language);
}

// "Elige un tema…\n1. Brigadas de salud: SI\n2. …"
std::string topics_prompt(turn& t, const config::menu_node& node) {
    std::vector<std::string> labels;
    for (const auto* topic : offered(t.cfg(), node)) {
        const char* key = subscribed(t.out.contact, topic->id) ? "topic_on" : "topic_off";
        labels.push_back(fill(wording(t, key), {{"topic", t.local(topic->name)}}));
    }
    return wording(t, "choose_topics") + "\n" + t.offer(labels);
}

std::string region_prompt(turn& t) {
    std::vector<messages::menu_choice> choices;
    for (const auto& region : t.cfg().regions)
        choices.push_back({std::to_string(choices.size() + 1), t.local(region.name)});
    choices.push_back({"0", t.text("prefer_not_to_say")});
    return wording(t, "choose_news_region") + "\n" + t.offer(std::move(choices));
}

// How the person reached the node: its changes are logged with this source.
std::string source_of(turn& t) {
    auto it = t.state().answers.find("source");
    return it != t.state().answers.end() ? it->second : "menu";
}

void change(turn& t, consent_action action, std::string topic, std::string region) {
    t.out.consent.push_back({action, std::move(topic), std::move(region), source_of(t)});
}

// The first start word in the turn's language, in capitals ("ALTA"), for "send START first".
std::string start_word(turn& t) {
    std::string word = "START";
    for (const auto& set : t.cfg().keywords) {
        if (set.action != config::keyword_action::start) continue;
        auto it = set.words.find(t.language);
        if (it == set.words.end() || it->second.empty()) continue;
        word = it->second.front();
        for (char& ch : word) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    return word;
}

// Switches one topic and says so; the first subscription may ask the region next. Someone who
// sent STOP is told to send START first: a subscription would promise news nobody may send them.
std::string toggle(turn& t, const config::menu_node& node, const config::topic& topic) {
    auto& topics = t.out.contact.topics;
    const std::string name = t.local(topic.name);
    if (subscribed(t.out.contact, topic.id)) {
        topics.erase(std::lower_bound(topics.begin(), topics.end(), topic.id));
        change(t, consent_action::unsubscribed, topic.id, "");
        std::string said = fill(wording(t, "unsubscribed"), {{"topic", name}});
        if (topics.empty()) said = joined(said, " ", wording(t, "subscriptions_none"));
        return joined(said, "\n\n", topics_prompt(t, node));
    }
    if (t.out.contact.opted_out) {
        return joined(fill(wording(t, "subscriptions_opted_out"), {{"start", start_word(t)}}),
                      "\n\n", topics_prompt(t, node));
    }
    const bool first = topics.empty();
    topics.insert(std::lower_bound(topics.begin(), topics.end(), topic.id), topic.id);
    change(t, consent_action::subscribed, topic.id, "");
    const std::string said = fill(wording(t, "subscribed"), {{"topic", name}});
    if (first && node.ask_region && t.out.contact.region.empty() && !t.cfg().regions.empty()) {
        t.state().step = "region";
        return joined(said, "\n\n", region_prompt(t));
    }
    return joined(said, "\n\n", topics_prompt(t, node));
}

}  // namespace

std::string enter_subscriptions(turn& t, const config::menu_node& node) {
    t.move_to(node.id);
    return joined(t.local(node.text), "\n", topics_prompt(t, node));
}

std::string open_subscriptions(turn& t) {
    // nodes is ordered by id, so "the first subscriptions node" is stable across loads.
    for (const auto& [id, node] : t.cfg().nodes) {
        if (node.kind != config::node_kind::subscriptions) continue;
        std::string screen = enter_subscriptions(t, node);
        t.state().answers["source"] = "keyword";
        return screen;
    }
    return enter_start(t);
}

std::string subscriptions_prompt(turn& t, const config::menu_node& node) {
    if (t.state().step == "region") return region_prompt(t);
    return joined(t.local(node.text), "\n", topics_prompt(t, node));
}

bool continue_subscriptions(turn& t, const config::menu_node& node, std::string_view folded) {
    const auto choice = parse_choice(folded);
    auto& state = t.state();
    if (state.step == "region") {
        const auto& regions = t.cfg().regions;
        if (choice && *choice <= regions.size()) {
            state.step.clear();
            if (*choice == 0) {  // prefer not to say: nothing changes
                t.say(topics_prompt(t, node));
                return true;
            }
            const config::region& region = regions[*choice - 1];
            t.out.contact.region = region.id;
            change(t, consent_action::region_set, "", region.id);
            t.say(joined(fill(wording(t, "news_region_set"), {{"region", t.local(region.name)}}),
                         "\n\n", topics_prompt(t, node)));
            return true;
        }
        t.say(joined(t.text("unknown_input"), "\n", region_prompt(t)));
        return true;
    }
    if (choice == std::size_t{0}) return false;
    const auto topics = offered(t.cfg(), node);
    if (choice && *choice <= topics.size()) {
        t.say(toggle(t, node, *topics[*choice - 1]));
        return true;
    }
    t.say(joined(t.text("unknown_input"), "\n", topics_prompt(t, node)));
    return true;
}

bool subscriptions_state_is_current(const config::config& cfg, const config::menu_node& node,
                                    const messages::conversation_state& state) {
    if (state.step.empty()) return true;
    return state.step == "region" && node.ask_region && !cfg.regions.empty();
}

void record_opt_out(turn& t) {
    auto& contact = t.out.contact;
    if (contact.opted_out && contact.topics.empty()) return;  // nothing left to end
    contact.topics.clear();
    t.out.consent.push_back({consent_action::opted_out, "", "", "stop"});
}

void record_opt_in(turn& t) {
    if (!t.out.contact.opted_out) return;  // START without a STOP before: nothing to log
    t.out.consent.push_back({consent_action::opted_in, "", "", "start"});
}

}  // namespace cwc::handlers
