// Satisfaction ratings after a case is closed. The question and the thanks carry the reference
// at most, never the complaint; a rating is an effect the gateway stores on the case.
#include "handlers/satisfaction.hpp"

#include "handlers/input.hpp"

#include <chrono>
#include <string>

namespace cwc::handlers {

namespace {
constexpr auto rating_window = std::chrono::days{7};
}

messages::conversation_state awaiting_rating(std::string_view reference, messages::timestamp now) {
    return {"", "rating",
            {{"case", std::string(reference)},
             {"until", std::to_string(messages::to_unix_ms(now + rating_window))}}};
}

bool rating_state_is_current(const messages::conversation_state& state, messages::timestamp now) {
    const auto c = state.answers.find("case");
    const auto until = state.answers.find("until");
    if (state.step != "rating" || c == state.answers.end() || until == state.answers.end() ||
        until->second.empty() || until->second.size() > 18 ||
        until->second.find_first_not_of("0123456789") != std::string::npos) {
        return false;
    }
    return now <= messages::from_unix_ms(std::stoll(until->second));
}

bool take_rating(turn& t, std::string_view folded) {
    const auto choice = parse_choice(folded);
    if (!choice || *choice < 1 || *choice > 5) return false;
    t.out.rating = case_rating{t.state().answers["case"], static_cast<int>(*choice)};
    t.record("case.rated");
    const std::string& thanks = t.local(t.cfg().satisfaction.thanks);
    if (!thanks.empty()) t.say(thanks);
    t.rest();
    return true;
}

}  // namespace cwc::handlers
