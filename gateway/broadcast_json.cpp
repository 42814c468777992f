// JSON of broadcasts, their progress and previews. Times are RFC 3339 (UTC) or null.
#include "gateway/broadcast_json.hpp"

#include "gateway/rfc3339.hpp"

namespace cwc::gateway {

namespace {

using nlohmann::json;

json time_or_null(const std::optional<messages::timestamp>& t) {
    return t ? json(rfc3339(*t)) : json(nullptr);
}

json count_or_null(const std::optional<std::int64_t>& n) {
    return n ? json(*n) : json(nullptr);
}

}  // namespace

std::string shown_status(const messages::broadcast& b, messages::timestamp now) {
    if (b.status == messages::broadcast_status::sending && b.scheduled_at && *b.scheduled_at > now)
        return "scheduled";
    return std::string(to_string(b.status));
}

json broadcast_json(const messages::broadcast& b, const messages::officer& o,
                    messages::timestamp now) {
    // The texts are the organisation's own words: an auditor from elsewhere sees counts only.
    const bool own_words = o.what != messages::role::auditor || o.organisation == b.organisation;
    json texts = json::object();
    json templates = json::object();
    if (own_words) {
        for (const auto& [language, text] : b.texts) texts[language] = text;
        for (const auto& [language, t] : b.templates)
            templates[language] = {
                {"name", t.name}, {"language", t.language}, {"body_parameter", t.body_parameter}};
    }
    return {{"id", b.id},
            {"name", b.name},
            {"organisation", b.organisation},
            {"status", shown_status(b, now)},
            {"segment",
             {{"topics", b.segment.topics},
              {"regions", b.segment.regions},
              {"languages", b.segment.languages},
              {"channels", b.segment.channels}}},
            {"texts", own_words ? texts : json(nullptr)},
            {"templates", own_words ? templates : json(nullptr)},
            {"answers_code", b.answers_code.empty() ? json(nullptr) : json(b.answers_code)},
            {"scheduled_at", time_or_null(b.scheduled_at)},
            {"respect_quiet_hours", b.respect_quiet_hours},
            {"created_at", rfc3339(b.created_at)},
            {"confirmed_at", time_or_null(b.confirmed_at)},
            {"finished_at", time_or_null(b.finished_at)},
            {"planned", b.planned}};
}

json progress_json(const messages::broadcast_progress& p) {
    return {{"planned", p.planned},
            {"queued", p.queued},
            {"paused", p.paused},
            {"sent", p.sent},
            {"delivered", p.delivered},
            {"failed", p.failed},
            {"opted_out_since", p.opted_out_since},
            {"cancelled", p.cancelled},
            {"replies", p.replies}};
}

json preview_json(const broadcast_preview& p) {
    json lines = json::array();
    for (const auto& l : p.lines) {
        lines.push_back({{"channel", l.channel_id},
                         {"language", l.language},
                         {"people", count_or_null(l.people)},
                         {"outside_window", count_or_null(l.outside_window)},
                         {"segments_per_message", l.segments_per_message},
                         {"segments", count_or_null(l.segments)}});
    }
    return {{"lines", lines},
            {"people", count_or_null(p.people)},
            {"sms_segments", count_or_null(p.sms_segments)},
            {"estimated_seconds", p.estimated_seconds},
            {"days_for_reach_limit", p.days_for_reach_limit},
            {"starts_at", time_or_null(p.starts_at)},
            {"problems", p.problems}};
}

}  // namespace cwc::gateway
