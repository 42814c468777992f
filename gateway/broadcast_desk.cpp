// Broadcast operations inside store-writer units: a draft checked against the config and the
// officer's organisation before it is stored, and the pause, resume and cancel moves with their
// outbox rows. A broadcast the officer may not see is "not found" (never say it exists).
#include "gateway/broadcast_desk.hpp"

#include "messages/case_lifecycle.hpp"
#include "messages/record_digest.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace cwc::gateway {

namespace {

using messages::broadcast;
using messages::broadcast_status;
using messages::role;
using nlohmann::json;

broadcast_result refused(desk_outcome outcome, std::string reason) {
    broadcast_result r;
    r.outcome = outcome;
    r.reason = std::move(reason);
    return r;
}

bool topic_is_for(const config::topic& t, const std::string& organisation) {
    return t.organisations.empty() || std::find(t.organisations.begin(), t.organisations.end(),
                                                organisation) != t.organisations.end();
}

bool is_code(const config::config& cfg, const std::string& code) {
    for (const auto& category : cfg.categories) {
        if (category.sensitive) continue;  // sensitive cases never get a broadcast answer
        for (const auto& c : category.codes)
            if (c.id == code) return true;
    }
    return false;
}

std::optional<broadcast_result> segment_refusal(const config::config& cfg,
                                                const messages::broadcast_segment& s,
                                                const std::string& organisation) {
    for (const auto& id : s.topics) {
        const config::topic* t = cfg.find_topic(id);
        if (t == nullptr) return refused(desk_outcome::invalid, "no topic '" + id + "'");
        if (!topic_is_for(*t, organisation))
            return refused(desk_outcome::invalid,
                           "the topic '" + id + "' is not one " + organisation + " broadcasts on");
    }
    for (const auto& id : s.regions)
        if (cfg.find_region(id) == nullptr)
            return refused(desk_outcome::invalid, "no region '" + id + "'");
    for (const auto& id : s.languages)
        if (!cfg.has_language(id))
            return refused(desk_outcome::invalid, "no language '" + id + "'");
    for (const auto& id : s.channels)
        if (cfg.find_channel(id) == nullptr)
            return refused(desk_outcome::invalid, "no channel '" + id + "'");
    return std::nullopt;
}

// Loads the broadcast the officer may see, or the refusal to give.
std::optional<broadcast> visible(messages::store& s, const messages::officer& o, std::int64_t id,
                                 broadcast_result& refusal) {
    auto b = s.broadcasts().load(id);
    if (!b || !may_see(o, *b)) {
        refusal = refused(desk_outcome::not_found, "no such broadcast");
        return std::nullopt;
    }
    if (!may_change(o, *b)) {
        refusal = refused(desk_outcome::forbidden, "this role cannot change broadcasts");
        return std::nullopt;
    }
    return b;
}

broadcast_result recorded(messages::store& s, const messages::officer& o, broadcast b,
                          const std::string& action, json detail, messages::timestamp now) {
    detail["role"] = std::string(messages::role_name(o.what));
    detail["organisation"] = b.organisation;
    if (const auto key = s.record_digest_key(); !key.empty())
        detail["digest"] = messages::broadcast_digest(key, b);
    s.append_audit({now, actor_of(o), "broadcast." + action, "broadcast:" + std::to_string(b.id),
                    detail.dump()});
    broadcast_result r;
    r.after = std::move(b);
    return r;
}

// A confirmation in progress: confirmed_at is set while the rows are planned, the status is
// still draft (a sending broadcast with no rows yet would look finished).
bool being_planned(const broadcast& b) {
    return b.status == broadcast_status::draft && b.confirmed_at.has_value();
}

}  // namespace

bool has_broadcasts(const messages::officer& o) {
    return o.what != role::protection_focal_point;
}

bool may_see(const messages::officer& o, const broadcast& b) {
    switch (o.what) {
        case role::admin:
        case role::auditor:
            return true;
        case role::aap_officer:
        case role::cbo_broadcaster:
            return o.organisation == b.organisation;
        case role::protection_focal_point:
            return false;
    }
    return false;
}

bool may_change(const messages::officer& o, const broadcast& b) {
    return o.what != role::auditor && may_see(o, b);
}

std::string actor_of(const messages::officer& o) {
    if (o.token_id < 0) return o.name;  // the gateway itself
    return o.token_id == 0 ? "cli:" + o.name : o.actor();
}

std::optional<broadcast_result> draft_refusal(const config::config& cfg, const messages::officer& o,
                                              const broadcast_draft& d, messages::timestamp now) {
    if (o.what == role::auditor || o.what == role::protection_focal_point)
        return refused(desk_outcome::forbidden, "this role cannot create broadcasts");
    std::string organisation = d.organisation;
    if (o.what == role::admin) {
        if (organisation.empty())
            return refused(desk_outcome::invalid, "an admin names the broadcast's organisation");
    } else if (organisation.empty()) {
        organisation = o.organisation;
    } else if (organisation != o.organisation) {
        return refused(desk_outcome::forbidden, "you broadcast for your own organisation only");
    }
    if (cfg.find_organisation(organisation) == nullptr)
        return refused(desk_outcome::invalid, "no organisation '" + organisation + "'");
    if (!d.answers_code.empty()) {
        if (o.what != role::admin && o.what != role::aap_officer)
            return refused(desk_outcome::forbidden, "only AAP officers answer cases collectively");
        if (!is_code(cfg, d.answers_code))
            return refused(desk_outcome::invalid, "'" + d.answers_code +
                                                      "' is not a code of a "
                                                      "non-sensitive category");
    }
    if (auto r = segment_refusal(cfg, d.segment, organisation)) return r;
    for (const auto& [language, text] : d.texts)
        if (!cfg.has_language(language))
            return refused(desk_outcome::invalid, "texts: no language '" + language + "'");
    for (const auto& [language, t] : d.templates)
        if (!cfg.has_language(language))
            return refused(desk_outcome::invalid, "templates: no language '" + language + "'");
    if (d.scheduled_at) {
        // A minute's grace for clocks and typing; a year ahead is a typo, not a plan.
        if (*d.scheduled_at < now - std::chrono::minutes(1))
            return refused(desk_outcome::invalid, "scheduled_at is in the past");
        if (*d.scheduled_at > now + std::chrono::days(366))
            return refused(desk_outcome::invalid, "scheduled_at is more than a year ahead");
    }
    return std::nullopt;
}

broadcast_result create_broadcast(messages::store& s, const config::config& cfg,
                                  const messages::officer& o, const broadcast_draft& d,
                                  messages::timestamp now) {
    if (auto r = draft_refusal(cfg, o, d, now)) return *r;
    broadcast b;
    b.organisation = d.organisation.empty() ? o.organisation : d.organisation;
    b.name = d.name;
    b.created_by = actor_of(o);
    b.segment = d.segment;
    b.texts = d.texts;
    b.templates = d.templates;
    b.answers_code = d.answers_code;
    b.scheduled_at = d.scheduled_at;
    b.respect_quiet_hours = d.respect_quiet_hours;
    b.status = broadcast_status::draft;
    b.created_at = now;
    b.id = s.broadcasts().create(b);
    json detail{{"name", b.name},
                {"kind", b.answers_code.empty() ? "campaign" : "collective_answer"}};
    return recorded(s, o, std::move(b), "created", std::move(detail), now);
}

namespace {

// Pause and resume: one stored status to the other, the outbox rows with it.
broadcast_result toggle(messages::store& s, const messages::officer& o, std::int64_t id,
                        messages::timestamp now, bool pause) {
    broadcast_result refusal;
    auto b = visible(s, o, id, refusal);
    if (!b) return refusal;
    const auto from = pause ? broadcast_status::sending : broadcast_status::paused;
    if (b->status != from) {
        const std::string is =
            being_planned(*b) ? "being planned" : std::string(to_string(b->status));
        return refused(desk_outcome::not_allowed,
                       "only a " + std::string(to_string(from)) + " broadcast can be " +
                           (pause ? "paused" : "resumed") + " (it is " + is + ")");
    }
    const auto rows =
        pause ? s.broadcasts().pause_rows(id, now) : s.broadcasts().resume_rows(id, now);
    b->status = pause ? broadcast_status::paused : broadcast_status::sending;
    s.broadcasts().save(*b);
    return recorded(s, o, std::move(*b), pause ? "paused" : "resumed", json{{"rows", rows}}, now);
}

}  // namespace

broadcast_result pause_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                 messages::timestamp now) {
    return toggle(s, o, id, now, true);
}

broadcast_result resume_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                  messages::timestamp now) {
    return toggle(s, o, id, now, false);
}

broadcast_result cancel_broadcast(messages::store& s, const messages::officer& o, std::int64_t id,
                                  messages::timestamp now) {
    broadcast_result refusal;
    auto b = visible(s, o, id, refusal);
    if (!b) return refusal;
    if (b->status == broadcast_status::completed || b->status == broadcast_status::cancelled)
        return refused(desk_outcome::not_allowed,
                       "the broadcast is already " + std::string(to_string(b->status)));
    // A confirmation still planning sees the status and cancels what it queued.
    const auto rows = s.broadcasts().cancel_rows(id, now);
    b->status = broadcast_status::cancelled;
    b->finished_at = now;
    s.broadcasts().save(*b);
    return recorded(s, o, std::move(*b), "cancelled", json{{"rows", rows}}, now);
}

std::vector<messages::audience_cell> audience_of(messages::broadcast_reader& r,
                                                 const config::config& cfg, const broadcast& b,
                                                 messages::timestamp now) {
    // One window for the count: the longest configured (24 hours unless a channel says more).
    int window_hours = 24;
    for (const auto& c : cfg.channels) window_hours = std::max(window_hours, c.window_hours);
    const auto window_since = now - std::chrono::hours(window_hours);
    if (!b.answers_code.empty())
        return r.collective_audience(b.organisation, b.answers_code, cfg.default_language,
                                     window_since);
    return r.campaign_audience(b.segment, cfg.default_language, window_since);
}

}  // namespace cwc::gateway
