// The entry of the conversation engine: it puts the steps of one inbound message in order —
// stale or idle state, the language, the first-contact notice, then a global keyword or the
// current node's answer. Everything it needs comes in conversation_input; nothing is done here.
#include "handlers/conversation.hpp"

#include "handlers/case_status.hpp"
#include "handlers/case_flow.hpp"
#include "config/sms_pages.hpp"
#include "handlers/keywords.hpp"
#include "handlers/satisfaction.hpp"
#include "handlers/menu_engine.hpp"
#include "handlers/subscriptions.hpp"
#include "handlers/turn.hpp"
#include "messages/case_reference.hpp"
#include "messages/text.hpp"

#include <algorithm>
#include <chrono>

namespace cwc::handlers {

namespace {

using config::keyword_action;

constexpr const char* erasure_step = "erasure_confirm";

bool chose_language(const config::config& cfg, const messages::contact& contact) {
    return !contact.language.empty() && cfg.has_language(contact.language);
}

bool idle_too_long(const conversation_input& in) {
    auto last = in.contact.last_inbound_at;
    // A non-positive timeout means conversations never expire.
    if (last == messages::timestamp{} || in.cfg.conversation_timeout_minutes <= 0) return false;
    return in.now - last > std::chrono::minutes{in.cfg.conversation_timeout_minutes};
}

// A word that names the language it is written in switches a person who never chose one.
void infer_language(turn& t, const keyword_match& match) {
    auto& contact = t.out.contact;
    if (chose_language(t.cfg(), contact) || match.languages.size() != 1) return;
    const auto& code = match.languages.front();
    if (code == t.language || !t.cfg().has_language(code)) return;
    contact.language = code;
    t.language = code;
    t.record("language.inferred");
}

// In the description step the person writes freely: "Estado de salud..." starts with a status
// word but is their complaint, not a look-up. Only a real reference after it makes it STATUS.
bool is_description(const turn& t, const keyword_match& match) {
    const auto& state = t.out.contact.state;
    return match.action == keyword_action::status && (state.step == "description" || state.step == "more") &&
           !messages::parse_case_reference(match.rest);
}

// Whether the provider itself answers this STOP (it only acts on its own words, alone).
bool provider_confirms_stop(const config::channel& channel, const std::string& folded) {
    const auto& words = channel.provider_stop_words;
    return channel.provider_enforces_stop &&
           std::find(words.begin(), words.end(), folded) != words.end();
}

const std::string& erasure_text(const turn& t, const char* key) {
    return config::optional_text(t.cfg(), key, t.language);
}

// DELETE/BORRAR: nothing is erased before the person confirms with the yes word of their
// language; the question names it.
void ask_erasure(turn& t) {
    t.say(fill(erasure_text(t, "erasure_confirm"),
               {{"yes", erasure_text(t, "erasure_yes")}}));
    t.state() = {"", erasure_step, {}};
    t.record("erasure.asked");
}

// The answer to the question: the yes word confirms (held while a sensitive case of theirs is
// open: the protection team may still need to reach them); anything else cancels. True when the
// answer was consumed; a keyword after the cancellation is still acted on.
bool answer_erasure(turn& t, const std::string& folded, bool keyword) {
    t.rest();
    if (folded == messages::fold_for_matching(erasure_text(t, "erasure_yes"))) {
        const bool held = t.in.cases.has_open_sensitive_case(t.out.contact.id);
        t.out.erasure = conversation_result::erasure_request{held};
        t.say(erasure_text(t, held ? "erasure_held" : "erasure_done"));
        t.record(held ? "erasure.held" : "erasure.confirmed");
        return true;
    }
    t.record("erasure.cancelled");
    t.say(erasure_text(t, "erasure_cancelled"));
    return !keyword;
}

void act(turn& t, const keyword_match& match, const std::string& folded) {
    auto& contact = t.out.contact;
    switch (match.action) {
        case keyword_action::stop:
            record_opt_out(t);  // every topic ends with it, on every channel
            if (!contact.opted_out) t.record("contact.opted_out");
            contact.opted_out = true;
            t.rest();
            // Where the provider confirms this word itself, a second confirmation would only
            // cost the person (and fail: the provider blocks sends until START). Our own words
            // (BAJA) the provider never sees as opt-outs: we confirm them.
            if (!provider_confirms_stop(t.in.channel, folded)) t.say(t.text("opted_out"));
            return;
        case keyword_action::start:
            record_opt_in(t);  // no topic comes back: the person subscribes again if they wish
            if (contact.opted_out) t.record("contact.opted_in");
            contact.opted_out = false;
            t.say(joined(t.text("opted_in"), "\n\n", enter_start(t)));
            return;
        case keyword_action::status:
            t.say(status_answer(t, match.rest));
            t.rest();
            return;
        case keyword_action::menu:
            t.say(enter_start(t));
            return;
        case keyword_action::language:
            // nodes is ordered by id, so "the first language node" is stable across loads.
            for (const auto& [id, node] : t.cfg().nodes) {
                if (node.kind == config::node_kind::language) {
                    t.say(enter(t, node));
                    return;
                }
            }
            t.say(enter_start(t));  // one language only: nothing to choose
            return;
        case keyword_action::help:
            t.say(joined(t.text("help"), "\n\n", current_prompt(t)));
            return;
        case keyword_action::subscribe:
            t.say(open_subscriptions(t));
            return;
        case keyword_action::erase:
            ask_erasure(t);
            return;
    }
}

}  // namespace

conversation_result handle_inbound(const conversation_input& in) {
    conversation_result out;
    out.contact = in.contact;
    out.contact.last_inbound_at = in.now;
    turn t{in, out,
           chose_language(in.cfg, in.contact) ? in.contact.language : in.cfg.default_language};

    // The config may have changed since the state was stored: start again without a word.
    // A rating comes whenever the person gets to it (within a week), not within the idle timeout.
    const bool rating = t.state().step == "rating" && rating_state_is_current(t.state(), in.now);
    // The erasure question is answered within the idle timeout, like any other.
    const bool erasing = t.state().node.empty() && t.state().step == erasure_step;
    if (!rating && !erasing && !state_is_current(in.cfg, t.state())) t.rest();
    if (!rating && idle_too_long(in)) {
        // After a long pause nothing is "on screen" any more, not even the menu: a greeting then
        // gets the menu, not "we did not understand".
        if (!at_start(in.cfg, t.state())) t.record("conversation.restarted");
        t.rest();
    }

    const std::string folded = messages::fold_for_matching(in.text);
    auto keyword = match_keyword(in.cfg, folded);
    if (keyword && is_description(t, *keyword)) keyword.reset();
    if (keyword) infer_language(t, *keyword);

    // The notice goes before anything else, in the language the person writes in; not to a
    // STOP, which asked for no messages.
    bool stopping = keyword && keyword->action == keyword_action::stop;
    if (!out.contact.notice_given && !stopping) {
        t.say(t.text("first_contact_notice"));
        out.contact.notice_given = true;
        t.record("contact.notice_given");
    }

    if (t.state().step == erasure_step) {
        // STOP cancels without a word more: the person asked for no messages.
        if (stopping) t.rest();
        else if (answer_erasure(t, folded, keyword.has_value())) return out;
    }
    if (t.state().step == "rating") {
        if (!keyword && take_rating(t, folded)) return out;
        t.rest();  // not a rating: read from the start
    }
    if (t.state().step == "more") {
        if (!keyword && continue_description(t, folded)) return out;
        t.rest();  // the description is complete: this message is read from the start
    }
    if (keyword) {
        act(t, *keyword, folded);
    } else {
        respond(t, folded);
    }
    return out;
}

}  // namespace cwc::handlers
