// Officer operations on cases. Each runs inside one store-writer unit: the change, its case
// event and its audit entry commit together or not at all. A case the officer may not see is
// "not found" (its existence is not revealed); notes stay internal; an answer carries only the
// officer's words.
#include "gateway/case_desk.hpp"

#include "gateway/focal_alerts.hpp"
#include "handlers/satisfaction.hpp"
#include "gateway/erasure_request.hpp"
#include "handlers/turn.hpp"
#include "messages/case_lifecycle.hpp"
#include "messages/record_digest.hpp"
#include "messages/text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cwc::gateway {

namespace {

using messages::case_record;
using nlohmann::json;

struct loaded {
    std::optional<case_record> record;
    desk_result refusal;
};

// The case, if the officer may handle it; otherwise the refusal to return.
loaded visible_case(messages::store& s, const messages::officer& o, std::string_view reference) {
    auto c = s.load_case(reference);
    if (!c || !messages::may_handle(o, *c)) return {std::nullopt, {desk_outcome::not_found, "", {}}};
    return {std::move(c), {}};
}

desk_result refused(desk_outcome outcome, std::string reason) {
    return {outcome, std::move(reason), std::nullopt};
}

// Saves the case with its event and the audit entry; returns it as it now is.
desk_result record(messages::store& s, const messages::officer& o, case_record& c,
                   std::string action, std::string from_status, const case_change& change,
                   json detail, messages::timestamp now) {
    s.update_case(c);
    s.append_case_event({c.id, now, o.actor(), action, std::move(from_status), c.status, change.note});
    detail["role"] = std::string(messages::role_name(o.what));
    s.append_audit({now, o.actor(), "case." + action, "case:" + c.reference, detail.dump()});
    return {desk_outcome::done, "", std::move(c)};
}

// On closing: the satisfaction question (reference only) to a person who can receive it, who
// then waits for their rating. Returns the outbox id, 0 when not asked.
std::int64_t ask_satisfaction(messages::store& s, const config::config& cfg, const case_record& c,
                              messages::timestamp now) {
    const std::string& question = config::localize(cfg.satisfaction.question, c.language,
                                                   cfg.default_language);
    if (question.empty() || c.satisfaction != 0) return 0;
    auto person = s.find_contact(c.contact_id);
    if (!person || person->address.empty() || person->opted_out) return 0;
    std::string text = handlers::fill(question, {{"reference", c.reference}});
    messages::outbound_message m;
    m.contact_id = person->id;
    m.channel_id = c.channel_id;
    m.to = person->address;
    m.text = std::move(text);
    m.inbound_id = c.inbound_id;  // about this case: withheld wherever the case is
    m.priority = messages::outbound_priority::answer;
    m.segments = messages::count_sms(m.text).segments;
    m.created_at = now;
    m.next_attempt_at = now;
    const std::int64_t id = s.enqueue(m);
    person->state = handlers::awaiting_rating(c.reference, now);
    s.save_contact(*person);
    return id;
}

}  // namespace

desk_result read_case_audited(messages::store& s, const config::config&,
                              const messages::officer& o, std::string_view reference,
                              messages::timestamp now) {
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    json detail{{"role", std::string(messages::role_name(o.what))}, {"sensitive", c->sensitive}};
    s.append_audit({now, o.actor(), "case.read", "case:" + c->reference, detail.dump()});
    return {desk_outcome::done, "", std::move(c)};
}

desk_result change_status(messages::store& s, const config::config& cfg, const messages::officer& o,
                          std::string_view reference, std::string_view to,
                          const case_change& change, messages::timestamp now) {
    if (!messages::is_case_status(to)) {
        return refused(desk_outcome::invalid, "unknown status '" + std::string(to) + "'");
    }
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    if (!messages::may_move(c->status, to)) {
        return refused(desk_outcome::not_allowed, "a case cannot move from " + c->status + " to " +
                                                      std::string(to));
    }
    std::string from = c->status;
    messages::move_to(*c, to, now);
    json detail{{"to", std::string(to)}};
    // A person whose erasure waited for this case is not asked to rate it: they are erased now.
    const bool erasure_waits = to == "closed" && s.erasure().is_held(c->contact_id);
    if (to == "closed" && !erasure_waits) {
        if (const auto asked = ask_satisfaction(s, cfg, *c, now)) detail["satisfaction_asked"] = asked;
    }
    auto result = record(s, o, *c, "status", std::move(from), change, std::move(detail), now);
    if (erasure_waits && run_held_erasure(s, cfg, result.after->contact_id,
                                          result.after->channel_id, now))
        result.after = s.load_case(result.after->reference);  // as erased
    return result;
}

desk_result assign(messages::store& s, const config::config&, const messages::officer& o,
                   std::string_view reference, std::string_view officer_name,
                   const case_change& change, messages::timestamp now) {
    if (officer_name.size() > 100 || !messages::is_valid_utf8(officer_name)) {
        return refused(desk_outcome::invalid, "an officer's name is at most 100 characters");
    }
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    c->assigned_to = std::string(officer_name);  // "" = unassigned
    return record(s, o, *c, "assigned", c->status, change,
                  json{{"assigned", !officer_name.empty()}}, now);
}

desk_result set_codes(messages::store& s, const config::config& cfg, const messages::officer& o,
                      std::string_view reference, const std::vector<std::string>& codes,
                      const case_change& change, messages::timestamp now) {
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    const config::category* category = cfg.find_category(c->category);
    std::vector<std::string> kept;
    for (const auto& code : codes) {
        const bool known = category != nullptr &&
                           std::any_of(category->codes.begin(), category->codes.end(),
                                       [&](const config::feedback_code& k) { return k.id == code; });
        if (!known) {
            return refused(desk_outcome::invalid, "'" + code + "' is not a code of the category " +
                                                      c->category);
        }
        if (std::find(kept.begin(), kept.end(), code) == kept.end()) kept.push_back(code);
    }
    c->codes = kept;
    return record(s, o, *c, "coded", c->status, change, json{{"codes", kept}}, now);
}

desk_result reassign(messages::store& s, const config::config& cfg, const messages::officer& o,
                     std::string_view reference, std::string_view organisation,
                     const case_change& change, messages::timestamp now) {
    if (cfg.find_organisation(std::string(organisation)) == nullptr) {
        return refused(desk_outcome::invalid, "no organisation '" + std::string(organisation) + "'");
    }
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    json detail{{"from", c->organisation}, {"to", std::string(organisation)}};
    c->organisation = std::string(organisation);
    c->assigned_to.clear();  // the new organisation decides who handles it
    return record(s, o, *c, "reassigned", c->status, change, std::move(detail), now);
}

desk_result refer(messages::store& s, const config::config& cfg, const messages::officer& o,
                  std::string_view reference, const referral_request& r,
                  const case_change& change, messages::timestamp now) {
    if (cfg.find_organisation(r.organisation) == nullptr) {
        return refused(desk_outcome::invalid, "no organisation '" + r.organisation + "'");
    }
    if (!r.service.empty()) {
        const config::service* service = cfg.find_service(r.service);
        if (service == nullptr || service->organisation != r.organisation) {
            return refused(desk_outcome::invalid, "no service '" + r.service + "' of " + r.organisation);
        }
        if (service->status != "active") {
            return refused(desk_outcome::invalid, "the service '" + r.service + "' is suspended");
        }
    }
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    // Sharing a number with another organisation is the person's decision, recorded first.
    if (r.share_contact && !r.consent_recorded) {
        return refused(desk_outcome::needs_consent,
                       "sharing the person's contact details needs their recorded consent");
    }
    if (c->status != "referred" && !messages::may_move(c->status, "referred")) {
        return refused(desk_outcome::not_allowed, "a closed case cannot be referred; reopen it first");
    }
    std::string from = c->status;
    messages::move_to(*c, "referred", now);
    c->referred_organisation = r.organisation;
    c->referred_service = r.service;
    c->contact_shared = c->contact_shared || r.share_contact;
    json detail{{"organisation", r.organisation},
                {"service", r.service},
                {"contact_shared", r.share_contact},
                {"consent_recorded", r.consent_recorded}};
    return record(s, o, *c, "referred", std::move(from), change, std::move(detail), now);
}

desk_result respond(messages::store& s, const config::config&, const messages::officer& o,
                    std::string_view reference, std::string_view answer,
                    const case_change& change, messages::timestamp now) {
    if (answer.empty() || answer.size() > 1600 || !messages::is_valid_utf8(answer)) {
        return refused(desk_outcome::invalid, "an answer is 1 to 1600 bytes of UTF-8 text");
    }
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    if (c->status == "closed") {
        return refused(desk_outcome::not_allowed, "the case is closed; reopen it to answer");
    }
    const auto person = s.find_contact(c->contact_id);
    if (!person || person->address.empty()) {
        return refused(desk_outcome::invalid, "the person's number was erased");
    }
    if (person->opted_out) {
        return refused(desk_outcome::opted_out,
                       "the person sent STOP; an answer can reach them once they send START");
    }
    messages::outbound_message m;
    m.contact_id = person->id;
    m.channel_id = c->channel_id;
    m.to = person->address;
    m.text = std::string(answer);
    m.priority = messages::outbound_priority::answer;
    m.solicited = true;  // the answer to their own complaint or question
    m.inbound_id = c->inbound_id;
    m.segments = messages::count_sms(m.text).segments;
    m.created_at = now;
    m.next_attempt_at = now;
    const std::int64_t outbound_id = s.enqueue(m);

    std::string from = c->status;
    if (c->status != "responded") messages::move_to(*c, "responded", now);
    json detail{{"outbound_id", outbound_id}, {"segments", m.segments}};
    // The answer's keyed digest (messages/record_digest.hpp), for `cwc-gateway audit verify`.
    if (const auto key = s.record_digest_key(); !key.empty())
        detail["outbound_digest"] = messages::outbound_digest(key, m, outbound_id);
    return record(s, o, *c, "responded", std::move(from), change, std::move(detail), now);
}

desk_result flag_sensitive(messages::store& s, const config::config& cfg,
                           const messages::officer& o, std::string_view reference,
                           const case_change& change, messages::timestamp now) {
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    if (c->sensitive) return {desk_outcome::done, "", std::move(c)};
    c->sensitive = true;  // hidden from this officer from now on unless a focal point
    json detail = json::object();
    if (auto d = open_focal_alert(s, cfg, *c, now); !d.empty()) detail["alert_digest"] = d;
    return record(s, o, *c, "flagged", c->status, change, std::move(detail), now);
}

desk_result unflag_sensitive(messages::store& s, const config::config&,
                             const messages::officer& o, std::string_view reference,
                             const case_change& change, messages::timestamp now) {
    auto [c, refusal] = visible_case(s, o, reference);
    if (!c) return refusal;
    if (!messages::may_unflag(o, *c)) {
        return refused(desk_outcome::forbidden, "only a protection focal point can unflag a case");
    }
    if (!c->sensitive) return {desk_outcome::done, "", std::move(c)};
    c->sensitive = false;  // the alert settles itself when next due (the case is no longer sensitive)
    return record(s, o, *c, "unflagged", c->status, change, json::object(), now);
}

}  // namespace cwc::gateway
