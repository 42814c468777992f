// The steps of a complaint or feedback flow and the case it opens. Do no harm: the state keeps
// only ids (category, region), the description goes straight into the case, and no reply ever
// repeats what the person wrote — phones are shared, lost and seized.
#include "handlers/case_flow.hpp"

#include "config/sms_pages.hpp"
#include "handlers/input.hpp"
#include "handlers/sensitive_words.hpp"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace cwc::handlers {

namespace {

const config::category& category_named(const config::config& cfg, const std::string& id) {
    const config::category* c = cfg.find_category(id);
    if (c == nullptr) throw std::logic_error("flow refers to a missing category: " + id);
    return *c;
}

bool asks_region(const config::config& cfg, const config::menu_node& node) {
    return node.ask_region && !cfg.regions.empty();  // nothing to choose from: skip the question
}

bool asks_sex(const config::config& cfg, const config::menu_node& node) {
    return node.ask_sex && !cfg.sex_options.empty();
}

bool asks_age_group(const config::config& cfg, const config::menu_node& node) {
    return node.ask_age_group && !cfg.age_groups.empty();
}

// The optional steps in their order; "description" always comes last.
std::string step_after(const config::config& cfg, const config::menu_node& node,
                       const std::string& step) {
    if (step == "category" && asks_region(cfg, node)) return "region";
    if ((step == "category" || step == "region") && asks_sex(cfg, node)) return "sex";
    if (step != "age_group" && asks_age_group(cfg, node)) return "age_group";
    return "description";
}

// The answers of an optional question ("sex" or "age_group"), numbered from 1.
const std::vector<config::answer_option>& options_of(const config::config& cfg,
                                                     const std::string& step) {
    return step == "sex" ? cfg.sex_options : cfg.age_groups;
}

bool is_optional_question(const std::string& step) {
    return step == "region" || step == "sex" || step == "age_group";
}

// An answer kept in the state is still one the config offers ("" = prefer not to say).
bool answer_is_current(const config::config& cfg, const messages::conversation_state& state,
                       const std::string& step) {
    auto it = state.answers.find(step);
    if (it == state.answers.end() || it->second.empty()) return true;
    if (step == "region") return cfg.find_region(it->second) != nullptr;
    const auto& options = options_of(cfg, step);
    return std::any_of(options.begin(), options.end(),
                       [&](const config::answer_option& o) { return o.id == it->second; });
}

bool offers(const config::menu_node& node, const std::string& category_id) {
    return std::find(node.categories.begin(), node.categories.end(), category_id) !=
           node.categories.end();
}

void open_case(turn& t, const config::menu_node& node) {
    auto& answers = t.state().answers;
    const config::category& category = category_named(t.cfg(), answers["category"]);
    const config::case_type* type = t.cfg().find_case_type(category.type);
    if (type == nullptr) throw std::logic_error("category has a missing case type: " + category.id);
    // The acknowledgement promises a reference; without one that promise would be broken.
    if (t.in.proposed_reference.empty()) throw std::logic_error("no case reference proposed");

    messages::case_record record;
    record.reference = t.in.proposed_reference;
    record.contact_id = t.in.contact.id;
    record.channel_id = t.in.channel.id;
    record.type = type->id;
    record.category = category.id;
    record.region = answers["region"];
    record.language = t.language;
    record.description = t.in.text;  // exactly as sent
    // Sensitive by the category chosen, or by the words used whatever the category.
    record.sensitive = category.sensitive || mentions_sensitive(t.cfg(), t.in.text);
    record.status = "new";
    record.sex = answers["sex"];              // "" when not asked or not given
    record.age_group = answers["age_group"];
    record.organisation =
        node.organisation.empty() ? t.cfg().default_organisation : node.organisation;
    record.opened_at = t.in.now;
    record.due_at = t.in.now + std::chrono::days{type->response_days};
    record.acknowledge_due_at = t.in.now + std::chrono::hours{type->acknowledge_hours};

    std::string ack =
        fill(t.local(type->acknowledgement),
             {{"reference", record.reference}, {"days", std::to_string(type->response_days)}});
    if (ack.empty()) throw std::logic_error("case type without acknowledgement: " + type->id);

    const bool sensitive = record.sensitive;
    const std::string reference = record.reference;
    t.out.opened_case = std::move(record);
    t.record("case.opened");
    // The safe answer first (hotline, where to go now), then the reference: both at once.
    if (sensitive) t.say(t.local(t.cfg().sensitive.safe_reply), messages::outbound_priority::safety);
    t.say(std::move(ack), sensitive ? messages::outbound_priority::safety
                                    : messages::outbound_priority::reply);
    // The menu is not re-sent, the acknowledgement stands alone. A description sent as several
    // SMS keeps arriving for a moment: those parts are added to the case (see continue_description).
    t.rest();
    if (t.cfg().description_quiet_seconds > 0) {
        t.move_to(node.id);
        t.state().step = "more";
        t.state().answers["case"] = reference;
        t.state().answers["until"] = std::to_string(
            messages::to_unix_ms(t.in.now + std::chrono::seconds{t.cfg().description_quiet_seconds}));
    }
}

}  // namespace

bool continue_description(turn& t, std::string_view folded) {
    auto& answers = t.state().answers;
    const auto until = messages::from_unix_ms(std::stoll(answers["until"]));
    if (t.in.now > until || parse_choice(folded) || visible_characters(t.in.text) == 0) return false;
    const std::string reference = answers["case"];
    handlers::case_addition addition{reference, t.in.text, false};
    if (mentions_sensitive(t.cfg(), t.in.text)) {
        auto known = t.in.cases.find_case(reference);
        if (known && !known->sensitive) {
            addition.sensitive = true;
            t.say(t.local(t.cfg().sensitive.safe_reply), messages::outbound_priority::safety);
        }
    }
    t.out.added_to_case = std::move(addition);
    t.record("case.description_added");
    answers["until"] = std::to_string(messages::to_unix_ms(
        t.in.now + std::chrono::seconds{t.cfg().description_quiet_seconds}));
    return true;
}

namespace {

void reprompt(turn& t, const config::menu_node& node, const std::string& lead) {
    t.say(joined(lead, "\n", step_prompt(t, node, t.state().step)));
}

void advance(turn& t, const config::menu_node& node, std::string step) {
    t.state().step = std::move(step);
    t.say(step_prompt(t, node, t.state().step));
}

}  // namespace

std::string begin_flow(turn& t, const config::menu_node& node) {
    if (node.categories.empty()) throw std::logic_error("flow without categories: " + node.id);
    t.move_to(node.id);
    auto& state = t.state();
    if (node.categories.size() > 1) {
        state.step = "category";
    } else {
        state.answers["category"] = category_named(t.cfg(), node.categories.front()).id;
        state.step = step_after(t.cfg(), node, "category");
    }
    return joined(t.local(node.text), "\n", step_prompt(t, node, state.step));
}

std::string step_prompt(turn& t, const config::menu_node& node, const std::string& step) {
    if (step == "category") {
        std::vector<std::string> names;
        for (const auto& id : node.categories) {
            names.push_back(t.local(category_named(t.cfg(), id).name));
        }
        return t.text("choose_category") + "\n" + t.offer(names);
    }
    if (step == "region") {
        std::vector<messages::menu_choice> choices;
        for (const auto& region : t.cfg().regions)
            choices.push_back({std::to_string(choices.size() + 1), t.local(region.name)});
        choices.push_back({"0", t.text("prefer_not_to_say")});  // 0 is "prefer not to say" here
        return t.text("choose_region") + "\n" + t.offer(std::move(choices));
    }
    if (step == "sex" || step == "age_group") {
        std::vector<messages::menu_choice> choices;
        for (const auto& option : options_of(t.cfg(), step))
            choices.push_back({std::to_string(choices.size() + 1), t.local(option.name)});
        choices.push_back({"0", t.text("prefer_not_to_say")});
        return config::optional_text(t.cfg(), step == "sex" ? "choose_sex" : "choose_age_group",
                                     t.language) +
               "\n" + t.offer(std::move(choices));
    }
    const std::string& prompt = t.local(node.ask_description);
    if (prompt.empty()) throw std::logic_error("flow without description prompt: " + node.id);
    return prompt;
}

bool continue_flow(turn& t, const config::menu_node& node, std::string_view folded) {
    const std::string step = t.state().step;
    if (step == "more") {  // the conversation engine handles this step before the flow
        t.rest();
        return false;
    }
    auto choice = parse_choice(folded);

    // The optional questions: 0 is "prefer not to say", not "leave".
    if (is_optional_question(step)) {
        std::vector<std::string> ids;
        if (step == "region") {
            for (const auto& region : t.cfg().regions) ids.push_back(region.id);
        } else {
            for (const auto& option : options_of(t.cfg(), step)) ids.push_back(option.id);
        }
        if (choice && *choice <= ids.size()) {
            t.state().answers[step] = *choice == 0 ? std::string() : ids[*choice - 1];
            advance(t, node, step_after(t.cfg(), node, step));
        } else {
            reprompt(t, node, t.text("unknown_input"));
        }
        return true;
    }
    if (choice == std::size_t{0}) return false;

    if (step == "category") {
        if (choice && *choice <= node.categories.size()) {
            t.state().answers["category"] = node.categories[*choice - 1];
            advance(t, node, step_after(t.cfg(), node, "category"));
        } else {
            reprompt(t, node, t.text("unknown_input"));
        }
        return true;
    }
    // description: a single character (or none) is a slip, not a complaint; a voice note or a
    // photo is a description (people who cannot write well complain that way).
    if (visible_characters(t.in.text) < 2 && t.in.attachments == 0) {
        reprompt(t, node, t.text("description_too_short"));
        return true;
    }
    open_case(t, node);
    return true;
}

bool flow_state_is_current(const config::config& cfg, const config::menu_node& node,
                           const messages::conversation_state& state) {
    if (state.step == "category") return node.categories.size() > 1;
    if (state.step == "more") {
        const auto until = state.answers.find("until");
        return state.answers.count("case") == 1 && until != state.answers.end() &&
               !until->second.empty() &&
               until->second.find_first_not_of("0123456789") == std::string::npos;
    }
    if (!is_optional_question(state.step) && state.step != "description") return false;

    auto category = state.answers.find("category");
    if (category == state.answers.end() || !offers(node, category->second) ||
        cfg.find_category(category->second) == nullptr) {
        return false;
    }
    if (state.step == "region" && !asks_region(cfg, node)) return false;
    if (state.step == "sex" && !asks_sex(cfg, node)) return false;
    if (state.step == "age_group" && !asks_age_group(cfg, node)) return false;
    for (const char* answer : {"region", "sex", "age_group"}) {
        if (!answer_is_current(cfg, state, answer)) return false;
    }
    return true;
}

}  // namespace cwc::handlers
