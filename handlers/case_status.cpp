// Case status look-up for the STATUS keyword and the status node. A sensitive case is answered
// with the neutral text even to its owner: the phone may not be in their hands.
#include "handlers/case_status.hpp"

#include "messages/case_reference.hpp"

namespace cwc::handlers {

std::string status_answer(const turn& t, std::string_view typed_reference) {
    auto reference =
        typed_reference.empty() ? std::nullopt : messages::parse_case_reference(typed_reference);
    if (!reference) return t.text("status_usage");

    auto found = t.in.cases.find_case(*reference);
    const auto& contact = t.in.contact;
    bool own = found && contact.id != 0 && found->contact_id == contact.id;
    if (!own || found->sensitive) return t.text("status_unknown");

    std::string words;
    if (auto it = t.cfg().statuses.find(found->status); it != t.cfg().statuses.end()) {
        words = t.local(it->second);
    }
    if (words.empty()) words = found->status;  // a status the config has no words for yet
    return fill(t.text("status_found"), {{"reference", *reference}, {"status", words}});
}

}  // namespace cwc::handlers
