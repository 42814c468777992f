// The erasure a person asked for, as writer-unit steps: hold it, or erase now with the
// confirmation still able to reach the number it erases (erase_after_send), and the run of a
// held erasure once the last sensitive case of the person is closed.
#include "gateway/erasure_request.hpp"

#include "config/sms_pages.hpp"
#include "messages/text.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

namespace {

using nlohmann::json;

void audit_completed(messages::store& s, std::int64_t contact_id, const std::string& actor,
                     const messages::erasure_counts& n, messages::timestamp now) {
    json detail{{"reason", "erasure_request"}, {"messages", n.messages}, {"outbound", n.outbound},
                {"cases", n.cases},           {"media", n.media},       {"parts", n.parts},
                {"quarantined", n.quarantined}};
    s.append_audit({now, actor, "erasure.completed", "contact:" + std::to_string(contact_id),
                    detail.dump()});
}

}  // namespace

void apply_erasure_request(messages::store& s, std::int64_t contact_id, bool held,
                           const std::vector<std::int64_t>& replies, const std::string& actor,
                           messages::timestamp now) {
    if (held) {
        s.erasure().hold(contact_id, now);
        s.append_audit({now, actor, "erasure.held", "contact:" + std::to_string(contact_id),
                        json{{"reason", "open_sensitive_case"}}.dump()});
        return;
    }
    for (auto id : replies) s.erasure().erase_after_send(id);
    const auto n = s.erasure().erase_contact(contact_id, actor, "erasure_request", now);
    audit_completed(s, contact_id, actor, n, now);
}

bool run_held_erasure(messages::store& s, const config::config& cfg, std::int64_t contact_id,
                      const std::string& channel_id, messages::timestamp now) {
    if (!s.erasure().is_held(contact_id) || s.has_open_sensitive_case(contact_id)) return false;
    auto person = s.find_contact(contact_id);
    if (!person) {
        s.erasure().release(contact_id);
        return false;
    }
    std::vector<std::int64_t> last;
    if (!person->opted_out && !channel_id.empty() && cfg.find_channel(channel_id) != nullptr) {
        const auto& lang = person->language.empty() ? cfg.default_language : person->language;
        messages::outbound_message m;
        m.contact_id = person->id;
        m.channel_id = channel_id;
        m.to = person->address;
        m.text = config::optional_text(cfg, "erasure_done", lang);
        m.priority = messages::outbound_priority::answer;
        m.segments = messages::count_sms(m.text).segments;
        m.created_at = now;
        m.next_attempt_at = now;
        last.push_back(s.enqueue(m));
    }
    apply_erasure_request(s, contact_id, false, last, "system", now);
    return true;
}

std::size_t run_ready_erasures(messages::store& s, const config::config& cfg,
                               messages::timestamp now, std::size_t limit) {
    std::size_t ran = 0;
    for (const auto& h : s.erasure().held_ready(limit))
        if (run_held_erasure(s, cfg, h.contact_id, h.channel_id, now)) ++ran;
    return ran;
}

}  // namespace cwc::gateway
