// The closed-window choice for WhatsApp sends and what it does to the outbox. The template goes
// as an outbox row of its own (retried, paced and reported like any send) and carries no text:
// a person's complaint or its answer never leaves in a template.
#include "gateway/whatsapp_window.hpp"

#include "config/channel_kinds.hpp"

#include "gateway/app_log.hpp"
#include "gateway/send_outcomes.hpp"
#include "messages/record_digest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>

namespace cwc::gateway {
namespace {

using messages::outbound_message;
using messages::timestamp;

bool is_phone_number(std::string_view address) {
    return address.size() > 1 && address.front() == '+' &&
           std::all_of(address.begin() + 1, address.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void audit(messages::store& s, timestamp now, std::string action, std::int64_t outbound_id,
           const nlohmann::json& detail) {
    s.append_audit({now, "system", std::move(action), "outbound:" + std::to_string(outbound_id),
                    detail.dump()});
}

// The window is closed for `m`: decides and records it. `last_inbound` is the person's last
// message on the channel (nothing: they never wrote there).
window_event close_for(messages::store& s, const window_rules& w, const outbound_message& m,
                       std::optional<timestamp> last_inbound, timestamp now, bool refused) {
    const auto& channel = *w.channel;
    window_event e{m.id, window_action::send, channel.id, {}, 0, refused};
    // The erasure's confirmation (or a row of a person already erased): a template or a hold
    // would keep the number waiting for a reply that can never come from this contact.
    if (const bool erased = m.to.starts_with("erased:");
        erased || s.erasure().erases_after_send(m.id)) {
        if (!erased && is_phone_number(m.to) && !channel.fallback_channel.empty()) {
            s.reroute(m.id, channel.fallback_channel, now);
            e.action = window_action::reroute;
            e.rerouted_to = channel.fallback_channel;
            audit(s, now, "outbound.rerouted", m.id,
                  {{"from", channel.id}, {"to", channel.fallback_channel}, {"reason", "whatsapp_window_closed"}});
        } else {
            s.record_send_result(m.id, failed_with(std::string{window_erased_error}), now);
            e.action = window_action::fail;
            e.erasing = true;
        }
        return e;
    }
    const auto contact = s.find_contact(m.contact_id);
    const auto* tmpl = w.template_for(contact ? std::string_view{contact->language} : std::string_view{});
    window_facts f;
    f.is_template = !m.template_name.empty();
    f.window_open = false;
    f.phone_address = is_phone_number(m.to);
    f.has_fallback = !channel.fallback_channel.empty();
    f.has_template = tmpl != nullptr;
    f.template_already_queued =
        tmpl != nullptr && s.template_queued_since(m.contact_id, channel.id, last_inbound.value_or(timestamp{}));
    f.holds_without_template = channel.kind == config::channel_kind::twilio_whatsapp;
    e.action = decide_window(f);
    switch (e.action) {
        case window_action::send:
            // Only a template itself gets here; the provider refusing it is a plain failure.
            s.record_send_result(m.id, failed_with(std::string{window_held_reason}), now);
            break;
        case window_action::reroute:
            s.reroute(m.id, channel.fallback_channel, now);
            e.rerouted_to = channel.fallback_channel;
            audit(s, now, "outbound.rerouted", m.id,
                  {{"from", channel.id}, {"to", channel.fallback_channel}, {"reason", "whatsapp_window_closed"}});
            break;
        case window_action::template_and_hold: {
            outbound_message t;
            t.contact_id = m.contact_id;
            t.channel_id = channel.id;
            t.to = m.to;
            t.priority = m.priority;
            t.solicited = m.solicited;
            t.created_at = now;
            t.next_attempt_at = now;
            t.template_name = tmpl->name;
            t.template_language = tmpl->language;
            e.template_id = s.enqueue(t);
            s.hold_for_reply(m.id, window_held_reason, now);
            nlohmann::json detail{{"channel", channel.id}, {"template", tmpl->name},
                                  {"language", tmpl->language}, {"held", m.id}};
            if (const auto key = s.record_digest_key(); !key.empty())
                detail["digest"] = messages::reengagement_digest(key, t, e.template_id);
            audit(s, now, "outbound.reengagement_queued", e.template_id, detail);
            break;
        }
        case window_action::hold:
            s.hold_for_reply(m.id, window_held_reason, now);
            break;
        case window_action::fail:
            s.record_send_result(m.id, failed_with(std::string{window_no_template_error}), now);
            break;
    }
    return e;
}

}  // namespace

std::string_view to_string(window_action a) {
    switch (a) {
        case window_action::send: return "send";
        case window_action::reroute: return "reroute";
        case window_action::template_and_hold: return "template_and_hold";
        case window_action::hold: return "hold";
        case window_action::fail: return "fail";
    }
    return "unknown";
}

window_action decide_window(const window_facts& f) {
    if (f.is_template || f.window_open) return window_action::send;
    if (f.has_fallback && f.phone_address) return window_action::reroute;
    if (f.has_template) return f.template_already_queued ? window_action::hold : window_action::template_and_hold;
    if (f.holds_without_template) return window_action::hold;
    return window_action::fail;
}

bool window_rules::open(std::optional<timestamp> last_inbound, timestamp now) const {
    return last_inbound && now < *last_inbound + std::chrono::hours(channel->window_hours);
}

const config::reengagement_template* window_rules::template_for(std::string_view language) const {
    const auto& all = channel->reengagement_templates;
    for (const auto lang : {language, default_language}) {
        if (lang.empty()) continue;
        if (auto it = all.find(std::string{lang}); it != all.end()) return &it->second;
    }
    return nullptr;
}

std::optional<window_rules> window_rules_for(const channel_runtime& rt) {
    if (rt.channel == nullptr) return std::nullopt;
    if (!config::has_reply_window(rt.channel->kind)) return std::nullopt;
    return window_rules{rt.channel, rt.default_language};
}

std::vector<outbound_message> screen_claimed(messages::store& s, const window_rules& w,
                                             std::vector<outbound_message> rows, timestamp now,
                                             std::vector<window_event>& events) {
    std::vector<outbound_message> to_send;
    to_send.reserve(rows.size());
    // One look per person even when a broadcast claimed many of their rows.
    std::map<std::int64_t, std::optional<timestamp>> last_inbound;
    for (auto& m : rows) {
        if (!m.template_name.empty()) {
            to_send.push_back(std::move(m));
            continue;
        }
        auto it = last_inbound.find(m.contact_id);
        if (it == last_inbound.end())
            it = last_inbound.emplace(m.contact_id, s.last_inbound_on(m.contact_id, w.channel->id)).first;
        if (w.open(it->second, now)) {
            to_send.push_back(std::move(m));
            continue;
        }
        events.push_back(close_for(s, w, m, it->second, now, false));
    }
    return to_send;
}

window_event refused_for_window(messages::store& s, const window_rules& w,
                                const outbound_message& m, timestamp now) {
    return close_for(s, w, m, s.last_inbound_on(m.contact_id, w.channel->id), now, true);
}

void log_window_events(const std::vector<window_event>& events) {
    for (const auto& e : events) {
        nlohmann::json fields{{"outbound", e.outbound_id}, {"channel", e.channel_id},
                              {"action", to_string(e.action)},
                              {"seen_by", e.refused_by_provider ? "provider" : "gateway"}};
        auto level = log_level::info;
        if (e.action == window_action::reroute) fields["to"] = e.rerouted_to;
        if (e.action == window_action::template_and_hold) fields["template_outbound"] = e.template_id;
        if (e.action == window_action::hold)
            fields["effect"] = "delivered when the person writes on this channel again";
        if (e.action == window_action::fail && e.erasing) {
            fields["error_code"] = window_erased_error;
            fields["effect"] = "the erased person's last message was not sent (window closed)";
        } else if (e.action == window_action::fail) {
            level = log_level::error;
            fields["error_code"] = window_no_template_error;
            fields["alert"] = "WhatsApp's window is closed and the channel has neither a "
                              "fallback_channel nor a reengagement_template for the person's "
                              "language: the message was not sent";
        }
        if (e.action == window_action::send) {
            level = log_level::error;
            fields["alert"] = "the provider refused a re-engagement template as outside the window";
        }
        log_event(level, "whatsapp.window_closed", std::move(fields));
    }
}

}  // namespace cwc::gateway
