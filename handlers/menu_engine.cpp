// Node navigation and rendering. Digits pick options, "0" goes back, anything else gets the
// unknown-input text with the prompt again: a person is never left with silence. The state ""
// means "at the start with nothing on screen", so a greeting gets the menu without an apology.
#include "handlers/menu_engine.hpp"

#include "config/sms_pages.hpp"
#include "handlers/case_flow.hpp"
#include "handlers/case_status.hpp"
#include "handlers/directory_flow.hpp"
#include "handlers/input.hpp"
#include "handlers/subscriptions.hpp"
#include "messages/case_reference.hpp"

#include <algorithm>

namespace cwc::handlers {

namespace {

using config::node_kind;

bool is_flow(const config::menu_node& node) {
    return node.kind == node_kind::complaint || node.kind == node_kind::feedback;
}

const config::menu_node& start_node(const config::config& cfg) {
    return node_named(cfg, cfg.start_node);
}

// A text page's next node; by default the start.
const std::string& next_of(const config::config& cfg, const config::menu_node& node) {
    return node.next.empty() ? cfg.start_node : node.next;
}

// An information page in SMS pages; its paragraphs are the blocks pages are cut between.
std::vector<config::page> pages_of(turn& t, const config::menu_node& page) {
    const std::string& text = t.local(page.text);
    std::vector<std::string> paragraphs;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find("\n\n", pos);
        if (end == std::string::npos) end = text.size();
        paragraphs.push_back(text.substr(pos, end - pos));
        pos = end + 2;
    }
    return config::paginate(paragraphs, config::frame_for(t.cfg(), t.language));
}

// Rendering offers the numbered options it writes, so the reply they end becomes a menu.
std::string render(turn& t, const config::menu_node& node) {
    switch (node.kind) {
        case node_kind::menu: {
            std::vector<std::string> labels;
            for (const auto& option : node.options) labels.push_back(t.local(option.label));
            return joined(t.local(node.text), "\n", t.offer(labels));
        }
        case node_kind::text: {
            const auto pages = pages_of(t, node);
            return pages[std::clamp<std::size_t>(shown_page(t.state()), 1, pages.size()) - 1].text;
        }
        case node_kind::directory:
            return directory_prompt(t, node);
        case node_kind::subscriptions:
            return subscriptions_prompt(t, node);
        case node_kind::language: {
            std::vector<std::string> names;
            for (const auto& language : t.cfg().languages) names.push_back(language.name);
            return joined(t.local(node.text), "\n", t.offer(names));
        }
        case node_kind::complaint:
        case node_kind::feedback:
            if (t.out.contact.state.node == node.id) {
                return step_prompt(t, node, t.out.contact.state.step);
            }
            return t.local(node.text);
        case node_kind::status:
            break;
    }
    return t.local(node.text);
}

void unknown(turn& t, const std::string& prompt) {
    t.say(joined(t.text("unknown_input"), "\n", prompt));
}

void choose_language(turn& t, const config::language& language) {
    auto& contact = t.out.contact;
    if (contact.language != language.code) {
        contact.language = language.code;
        t.record("language.changed");
    }
    t.language = language.code;
    t.say(joined(t.text("language_changed"), "\n\n", enter_start(t)));
}

void respond_at(turn& t, const config::menu_node& node, std::string_view folded, int depth);

// A text page leaves its input to the node after it, so a digit picks from the parent menu.
void pass_on(turn& t, const config::menu_node& page, std::string_view folded, int depth) {
    const config::menu_node& next = node_named(t.cfg(), next_of(t.cfg(), page));
    // A chain of pages is followed a few steps at most (pages may point at each other); a flow,
    // a directory or the subscriptions cannot be "as if" entered without their first prompt, so
    // all fall back to the start.
    if (depth >= 8 || is_flow(next) || next.kind == node_kind::directory ||
        next.kind == node_kind::subscriptions) {
        t.rest();
        respond(t, folded);
        return;
    }
    t.move_to(next.id);
    respond_at(t, next, folded, depth + 1);
}

void respond_at(turn& t, const config::menu_node& node, std::string_view folded, int depth) {
    auto choice = parse_choice(folded);
    bool back = choice == std::size_t{0} && node.id != t.cfg().start_node;
    switch (node.kind) {
        case node_kind::menu:
            if (choice && *choice >= 1 && *choice <= node.options.size()) {
                t.say(enter(t, node_named(t.cfg(), node.options[*choice - 1].next)));
            } else if (back) {
                t.say(enter_start(t));
            } else {
                unknown(t, render(t, node));
            }
            return;
        case node_kind::text:
            if (choice == std::size_t{0}) {
                t.say(enter(t, node_named(t.cfg(), next_of(t.cfg(), node))));
            } else if (const std::size_t page = shown_page(t.state());
                       choice == config::more_choice && page < pages_of(t, node).size()) {
                t.state().step = "page";
                t.state().answers["page"] = std::to_string(page + 1);
                t.say(render(t, node));
            } else {
                pass_on(t, node, folded, depth);
            }
            return;
        case node_kind::language: {
            const auto& languages = t.cfg().languages;
            if (choice && *choice >= 1 && *choice <= languages.size()) {
                choose_language(t, languages[*choice - 1]);
            } else if (back) {
                t.say(enter_start(t));
            } else {
                unknown(t, render(t, node));
            }
            return;
        }
        case node_kind::status:
            if (back) {
                t.say(enter_start(t));
            } else if (messages::parse_case_reference(folded)) {
                t.say(status_answer(t, folded));
                t.rest();
            } else {
                unknown(t, render(t, node));
            }
            return;
        case node_kind::complaint:
        case node_kind::feedback:
            if (!continue_flow(t, node, folded)) t.say(enter_start(t));
            return;
        case node_kind::subscriptions:
            if (!continue_subscriptions(t, node, folded)) t.say(enter_start(t));
            return;
        case node_kind::directory:
            switch (continue_directory(t, node, folded)) {
                case directory_outcome::answered:
                    return;
                case directory_outcome::leave:
                    t.say(enter_start(t));
                    return;
                case directory_outcome::pass_on:
                    t.rest();
                    respond(t, folded);
                    return;
            }
            return;
    }
}

}  // namespace

std::string enter(turn& t, const config::menu_node& node) {
    if (is_flow(node)) return begin_flow(t, node);
    if (node.kind == node_kind::directory) {
        if (auto shown = begin_directory(t, node)) return *shown;
        // Every service suspended: say so rather than show an empty list.
        const std::string none = config::optional_text(t.cfg(), "no_services", t.language);
        return joined(none, "\n\n", enter_start(t));
    }
    if (node.kind == node_kind::subscriptions) return enter_subscriptions(t, node);
    t.move_to(node.id);
    return render(t, node);
}

std::string enter_start(turn& t) {
    return enter(t, start_node(t.cfg()));
}

std::string current_prompt(turn& t) {
    const auto& state = t.out.contact.state;
    return render(t, state.node.empty() ? start_node(t.cfg()) : node_named(t.cfg(), state.node));
}

void respond(turn& t, std::string_view folded) {
    const auto& node_id = t.state().node;
    if (!node_id.empty()) {
        respond_at(t, node_named(t.cfg(), node_id), folded, 0);
        return;
    }
    // At rest: a digit picks from the start menu (people learn its numbers); anything else, a
    // greeting most often, gets the start menu itself.
    const config::menu_node& start = start_node(t.cfg());
    auto choice = parse_choice(folded);
    if (start.kind == node_kind::menu && choice && *choice >= 1 &&
        *choice <= start.options.size()) {
        t.move_to(start.id);
        respond_at(t, start, folded, 0);
        return;
    }
    t.say(enter(t, start));
}

bool at_start(const config::config& cfg, const messages::conversation_state& state) {
    return state.node.empty() || (state.node == cfg.start_node && state.step.empty());
}

bool state_is_current(const config::config& cfg, const messages::conversation_state& state) {
    if (state.node.empty()) return state.step.empty();
    const config::menu_node* node = cfg.find_node(state.node);
    if (node == nullptr) return false;
    if (is_flow(*node)) return flow_state_is_current(cfg, *node, state);
    if (node->kind == node_kind::directory) return directory_state_is_current(cfg, *node, state);
    if (node->kind == node_kind::subscriptions)
        return subscriptions_state_is_current(cfg, *node, state);
    // An information page remembers the page turned to ("9" for more).
    if (node->kind == node_kind::text && state.step == "page") return shown_page(state) >= 1;
    return state.step.empty();
}

}  // namespace cwc::handlers
