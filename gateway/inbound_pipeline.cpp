// The order of operations of DESIGN.md steps 3–5 for one message. Handlers are pure, so running
// them again after a case-reference collision is safe.
#include "gateway/inbound_pipeline.hpp"

#include "config/channel_kinds.hpp"
#include "gateway/app_log.hpp"
#include "gateway/erasure_request.hpp"
#include "gateway/focal_alerts.hpp"
#include "handlers/conversation.hpp"
#include "messages/case_reference.hpp"
#include "messages/phone_number.hpp"
#include "messages/record_digest.hpp"
#include "messages/text.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

namespace {

using nlohmann::json;
constexpr int max_reference_attempts = 8;

messages::outbound_message make_reply(const messages::contact& to, const config::channel& channel,
                                      const messages::inbound_message& answered,
                                      std::int64_t inbound_id, const handlers::reply& r,
                                      messages::timestamp now) {
    messages::outbound_message m;
    m.contact_id = to.id;
    m.channel_id = channel.id;
    m.to = to.sealed_address.empty() ? to.address : to.sealed_address;  // enqueue keeps it sealed
    m.text = r.text;
    m.priority = r.priority;
    m.solicited = true;
    m.inbound_id = inbound_id;
    m.segments = messages::count_sms(r.text).segments;
    m.created_at = now;
    m.next_attempt_at = now;
    // Only where it becomes buttons: elsewhere it would be serialised into every row for nothing.
    if (config::has_interactive_menus(channel.kind)) m.menu = r.menu;
    m.reply_token = answered.reply_token;  // premium SMS replies must echo it (AT linkId)
    return m;
}

void audit(messages::store& s, messages::timestamp at, const std::string& actor,
           std::string action, std::string subject, const json& detail) {
    s.append_audit({at, actor, std::move(action), std::move(subject), detail.dump()});
}

// A record's keyed digest in the audit entry that records it (messages/record_digest.hpp): one
// HMAC, no query; none when the store was given no digest key.
template <typename Digest>
void add_digest(json& detail, const messages::store& s, Digest digest_of) {
    if (const auto key = s.record_digest_key(); !key.empty()) detail["digest"] = digest_of(key);
}

// Queues the replies; returns [{id, priority}] for the message's audit entry.
json queue_replies(messages::store& s, const messages::contact& c, const config::channel& channel,
                   const messages::inbound_message& answered, std::int64_t inbound_id,
                   const std::vector<handlers::reply>& replies, messages::timestamp now,
                   inbound_result& out) {
    json queued = json::array();
    for (const auto& r : replies) {
        const auto m = make_reply(c, channel, answered, inbound_id, r, now);
        const auto id = s.enqueue(m);
        json row{{"id", id}, {"priority", static_cast<int>(r.priority)}};
        add_digest(row, s, [&](auto key) { return messages::outbound_digest(key, m, id); });
        queued.push_back(std::move(row));
        out.replies.push_back(r.text);
    }
    return queued;
}

// A tapped button or list row reads as its id typed (the option's number), so the menu engine
// needs nothing of its own for it, and a stale button from a menu the person has left is the
// same number typed in the current step: picked there if it means something, else re-prompted.
const std::string& typed_text(const messages::inbound_message& m) {
    return m.kind == "interactive" && !m.choice_id.empty() ? m.choice_id : m.text;
}

// The person's address, written one way for every channel so one person is one contact: E.164
// when it is a phone number, the WhatsApp user id when the number is withheld, otherwise as the
// provider wrote it (short codes, sender ids).
std::string contact_address(const messages::inbound_message& m, const config::config& cfg) {
    if (m.from.empty()) return m.sender_user_id;
    if (auto e164 = messages::normalize_phone(m.from, cfg.default_country)) return *e164;
    return m.from;
}

// A later SMS of a description: appended to its case; if its words make the case sensitive,
// the case is flagged (by the system) and its focal points are alerted.
void add_to_case(messages::store& s, const config::config& cfg, const handlers::case_addition& a,
                 const std::string& actor, messages::timestamp now) {
    auto c = s.load_case(a.reference);
    if (!c) return;  // gone meanwhile: the message itself is kept all the same
    c->description += "\n" + a.text;
    const bool flagged = a.sensitive && !c->sensitive;
    c->sensitive = c->sensitive || a.sensitive;
    s.update_case(*c);
    json detail{{"sensitive", flagged}};
    if (flagged) {
        s.append_case_event({c->id, now, "system", "flagged", c->status, c->status, "keywords"});
        if (auto d = open_focal_alert(s, cfg, *c, now); !d.empty()) detail["alert_digest"] = d;
    }
    add_digest(detail, s, [&](auto key) { return messages::case_digest(key, *c); });
    audit(s, now, actor, "case.description_added", "case:" + c->reference, detail);
}

// A rating of a closed case, from the person who filed it (a later one replaces it).
void rate_case(messages::store& s, const handlers::case_rating& rating, std::int64_t contact_id,
               const std::string& actor, messages::timestamp now) {
    auto c = s.load_case(rating.reference);
    if (!c || c->contact_id != contact_id) return;
    c->satisfaction = rating.score;
    s.update_case(*c);
    s.append_case_event({c->id, now, "contact", "rated", c->status, c->status, ""});
    json detail{{"score", rating.score}};
    if (const auto key = s.record_digest_key(); !key.empty())
        detail["satisfaction_digest"] = messages::satisfaction_digest(key, *c);
    audit(s, now, actor, "case.rated", "case:" + c->reference, detail);
}

// Consent changes get entries of their own: they are what an auditor looks for first.
bool is_consent_event(const std::string& e) {
    return e == "contact.opted_out" || e == "contact.opted_in";
}

// One broadcast consent change, applied and logged in the message's unit; its audit entry
// names the person by pseudonym only.
void apply_consent(messages::store& s, const messages::contact& c, const std::string& channel_id,
                   const messages::consent_change& change, const std::string& actor,
                   messages::timestamp now) {
    s.broadcasts().apply_consent(c.id, channel_id, change, now);
    json detail{{"channel", channel_id}, {"source", change.source}};
    if (!change.topic.empty()) detail["topic"] = change.topic;
    if (!change.region.empty()) detail["region"] = change.region;
    audit(s, now, actor, "consent." + std::string(messages::to_string(change.action)),
          "contact:" + c.pseudonym, detail);
}

}  // namespace

inbound_result process_inbound(messages::store& store, const config::config& cfg,
                               const config::channel& channel,
                               const messages::inbound_message& received,
                               const std::function<std::uint64_t()>& entropy) {
    inbound_result out;
    if (store.inbound_exists(received.channel_id, received.provider_message_id)) {
        out.duplicate = true;
        return out;
    }
    messages::inbound_message message = received;
    message.from = contact_address(received, cfg);
    if (message.part && message.part->total > 1) {
        auto whole = store.add_message_part(message, message.from);
        if (!whole) {
            out.part_pending = true;  // kept; the handlers see the message once it is whole
            return out;
        }
        message.text = std::move(*whole);
        message.part.reset();
    }
    const auto now = message.received_at;
    auto contact = store.find_or_create_contact(message.from, now);
    out.contact_pseudonym = contact.pseudonym;
    const std::string actor = "contact:" + contact.pseudonym;
    // A broadcast that reached the person lately, before they wrote again, is what this message
    // answers (asked before the contact is saved: its last message is still the previous one).
    // One indexed look-up; none for a person writing for the first time.
    std::optional<std::int64_t> answered;
    if (contact.last_inbound_at != messages::timestamp{})
        answered = store.broadcasts().broadcast_answered_by(
            contact.id, now - std::chrono::hours{cfg.broadcasts.reply_link_hours});
    const auto link_reply = [&](std::int64_t inbound_id) {
        if (answered) store.broadcasts().link_reply(*answered, inbound_id, contact.id, now);
    };
    // The person wrote: WhatsApp's window is open again, and what waited for it goes first, in
    // its order (gateway/whatsapp_window.hpp). Other channels hold nothing for a reply.
    if (const auto released = config::has_reply_window(channel.kind)
                                  ? store.release_held_for_reply(contact.id, channel.id, now)
                                  : 0)
        audit(store, now, actor, "outbound.released", "contact:" + std::to_string(contact.id),
              {{"channel", channel.id}, {"count", released}});

    if (message.kind == "unsupported") {
        // A sticker, a poll, a type we cannot read: kept, and the person is told what works.
        out.inbound_id = store.insert_inbound(message, contact.id, messages::inbound_outcome::handled);
        link_reply(out.inbound_id);
        contact.last_inbound_at = now;
        store.save_contact(contact);
        const auto& lang = contact.language.empty() ? cfg.default_language : contact.language;
        auto queued = queue_replies(store, contact, channel, message, out.inbound_id,
                                    {{cfg.text("unsupported_message", lang)}}, now, out);
        json detail{{"channel", channel.id}, {"kind", message.kind}, {"outbound", std::move(queued)}};
        add_digest(detail, store, [&](auto key) {
            return messages::inbound_digest(key, message, out.inbound_id, contact.id,
                                            messages::inbound_outcome::handled);
        });
        audit(store, now, actor, "inbound.received", "inbound:" + std::to_string(out.inbound_id),
              detail);
        return out;
    }

    std::optional<handlers::conversation_result> result;
    for (int attempt = 0; attempt < max_reference_attempts && !result; ++attempt) {
        try {
            handlers::conversation_input in{cfg,  channel, contact,
                                            typed_text(message), now, messages::make_case_reference(entropy()),
                                            store, static_cast<int>(message.media.size())};
            auto r = handlers::handle_inbound(in);
            if (r.opened_case && store.find_case(r.opened_case->reference)) continue;  // collision
            result = std::move(r);
        } catch (const messages::store_error&) {
            throw;  // infrastructure: the whole unit fails and the provider will retry
        } catch (const std::exception& e) {
            log_event(log_level::error, "handler.failed",
                      {{"channel", channel.id}, {"contact", contact.pseudonym}, {"what", e.what()}});
            break;
        }
    }

    if (!result) {
        // The message is kept and marked failed; the person gets a short apology, not silence.
        out.handler_failed = true;
        out.inbound_id = store.insert_inbound(message, contact.id, messages::inbound_outcome::failed);
        link_reply(out.inbound_id);
        for (const auto& a : message.media) store.insert_media(out.inbound_id, a, now);
        contact.last_inbound_at = now;
        store.save_contact(contact);
        const auto& lang = contact.language.empty() ? cfg.default_language : contact.language;
        auto queued = queue_replies(store, contact, channel, message, out.inbound_id,
                                    {{cfg.text("apology", lang)}}, now, out);
        json detail{{"channel", channel.id}, {"outbound", std::move(queued)}};
        add_digest(detail, store, [&](auto key) {
            return messages::inbound_digest(key, message, out.inbound_id, contact.id,
                                            messages::inbound_outcome::failed);
        });
        audit(store, now, actor, "inbound.failed", "inbound:" + std::to_string(out.inbound_id),
              detail);
        return out;
    }

    // One audit entry tells what the message did (state change, events, replies queued); case
    // openings and consent changes get their own entries.
    auto& r = *result;
    out.inbound_id = store.insert_inbound(message, contact.id, messages::inbound_outcome::handled);
    for (const auto& a : message.media) store.insert_media(out.inbound_id, a, now);
    link_reply(out.inbound_id);
    json detail{{"channel", channel.id}, {"segments", messages::count_sms(message.text).segments}};
    if (answered) detail["broadcast"] = *answered;
    if (message.kind != "text") detail["kind"] = message.kind;
    if (!message.media.empty()) detail["media"] = message.media.size();
    if (!(r.contact.state == contact.state)) {
        detail["state"] = {{"from", contact.state.node + "/" + contact.state.step},
                           {"to", r.contact.state.node + "/" + r.contact.state.step}};
    }
    json events = json::array();
    for (const auto& e : r.events) {
        if (e == "case.opened") continue;  // recorded below with the case's coding and deadline
        if (is_consent_event(e))
            audit(store, now, actor, e, "contact:" + std::to_string(contact.id), json::object());
        else
            events.push_back(e);
    }
    if (!events.empty()) detail["events"] = std::move(events);
    store.save_contact(r.contact);
    for (const auto& change : r.consent)
        apply_consent(store, r.contact, channel.id, change, actor, now);
    if (r.opened_case) {
        auto c = *r.opened_case;
        c.inbound_id = out.inbound_id;
        c.id = store.insert_case(c);
        out.case_reference = c.reference;
        json opened{{"type", c.type}, {"category", c.category}, {"sensitive", c.sensitive},
                    {"due_at", messages::to_unix_ms(c.due_at)}};
        add_digest(opened, store, [&](auto key) { return messages::case_digest(key, c); });
        if (c.sensitive) {
            if (auto d = open_focal_alert(store, cfg, c, now); !d.empty()) opened["alert_digest"] = d;
        }
        audit(store, now, actor, "case.opened", "case:" + c.reference, opened);
    }
    if (r.added_to_case) add_to_case(store, cfg, *r.added_to_case, actor, now);
    if (r.rating) rate_case(store, *r.rating, r.contact.id, actor, now);
    // Directory services the person was shown: each one a referral given (DOMAIN.md).
    for (const auto& referral : r.referrals) store.record_service_referral(referral);
    if (!r.referrals.empty()) detail["referrals"] = r.referrals.size();
    detail["outbound"] =
        queue_replies(store, r.contact, channel, message, out.inbound_id, r.replies, now, out);
    add_digest(detail, store, [&](auto key) {
        return messages::inbound_digest(key, message, out.inbound_id, contact.id,
                                        messages::inbound_outcome::handled);
    });
    audit(store, now, actor, "inbound.received", "inbound:" + std::to_string(out.inbound_id), detail);
    // The person confirmed the erasure of their data: it runs in this unit, after the message
    // and its replies are recorded; those replies (the confirmation) keep the number until sent.
    if (r.erasure) {
        std::vector<std::int64_t> replies;
        for (const auto& q : detail["outbound"]) replies.push_back(q["id"].get<std::int64_t>());
        apply_erasure_request(store, r.contact.id, r.erasure->held, replies, actor, now);
    }
    return out;
}

bool record_provider_opt_out(messages::store& store, const config::config& cfg,
                             const config::channel& channel, std::string_view address,
                             messages::timestamp now) {
    messages::inbound_message as_written;
    as_written.from = std::string(address);
    const auto number = contact_address(as_written, cfg);
    // A person erased lately: a late opt-out must not write their number back.
    if (store.erasure().erased_lately(number)) return false;
    auto contact = store.find_or_create_contact(number, now);
    if (contact.opted_out) return false;
    contact.opted_out = true;
    store.save_contact(contact);
    const std::string actor = "provider:" + channel.id;
    audit(store, now, actor, "contact.opted_out", "contact:" + std::to_string(contact.id),
          {{"contact", contact.pseudonym}});
    // A STOP the provider kept to itself ends every broadcast topic all the same.
    apply_consent(store, contact, channel.id,
                  {messages::consent_action::opted_out, "", "", "provider"}, actor, now);
    return true;
}

}  // namespace cwc::gateway
