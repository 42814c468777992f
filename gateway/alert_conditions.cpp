// What holds (from counts), what to tell (from what was told), and the words of a notice. The
// outbox age leaves broadcasts out: a large one rightly takes hours at the channel's rate.
#include "gateway/alert_conditions.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace cwc::gateway {

std::vector<alert_condition> conditions_holding(const messages::ops_picture& picture,
                                                const std::vector<std::string>& paused_channels,
                                                std::optional<std::uint64_t> free_disk_bytes,
                                                const config::alert_settings& settings) {
    std::vector<alert_condition> out;
    std::map<std::string, std::int64_t> held;
    for (const auto& id : paused_channels) held[id];
    for (const auto& c : picture.channels)
        if (c.held_for_pause > 0) held[c.channel_id] = c.held_for_pause;
    for (const auto& [id, n] : held) out.push_back({"channel_paused", id, n});

    std::map<std::string, std::int64_t> oldest_ms;
    for (const auto& p : picture.pending)
        if (p.priority != "broadcast") oldest_ms[p.channel_id] = std::max(oldest_ms[p.channel_id], p.oldest_age_ms);
    const std::int64_t limit_ms = std::int64_t{settings.outbox_age_minutes} * 60'000;
    for (const auto& [id, ms] : oldest_ms)
        if (ms > limit_ms) out.push_back({"outbox_age", id, ms / 60'000});

    for (const auto& c : picture.channels)
        if (c.dead_letters > 0) out.push_back({"dead_letters", c.channel_id, c.dead_letters});
    if (picture.sensitive_overdue_cases > 0)
        out.push_back({"sensitive_overdue", "", picture.sensitive_overdue_cases});
    for (const auto& c : picture.channels)
        if (c.quarantined_recently > 0) out.push_back({"quarantine", c.channel_id, c.quarantined_recently});
    if (free_disk_bytes) {
        const auto free_mb = static_cast<std::int64_t>(*free_disk_bytes / (1024 * 1024));
        if (free_mb < settings.min_free_disk_mb) out.push_back({"low_disk", "", free_mb});
    }
    return out;
}

std::string_view notice_name(notice_kind k) {
    switch (k) {
        case notice_kind::began: return "began";
        case notice_kind::reminder: return "reminder";
        case notice_kind::cleared: return "cleared";
    }
    return "began";
}

alert_plan plan_alerts(const std::vector<alert_condition>& holding,
                       const std::vector<messages::ops_alert_state>& kept,
                       messages::timestamp now, std::chrono::hours repeat) {
    alert_plan plan;
    using key = std::pair<std::string, std::string>;
    std::map<key, const messages::ops_alert_state*> told;
    for (const auto& k : kept) told[{k.kind, k.channel_id}] = &k;
    std::set<key> still;
    for (const auto& c : holding) {
        const key k{c.kind, c.channel_id};
        still.insert(k);
        const auto it = told.find(k);
        if (it == told.end() || !it->second->holding()) {
            messages::ops_alert_state s;
            s.kind = c.kind;
            s.channel_id = c.channel_id;
            s.began_at = s.last_sent_at = now;
            s.times_sent = (it == told.end() ? 0 : it->second->times_sent) + 1;
            s.figure = c.figure;
            plan.to_save.push_back(s);
            plan.notices.push_back({notice_kind::began, c});
        } else if (now - it->second->last_sent_at >= repeat) {
            auto s = *it->second;
            s.last_sent_at = now;
            ++s.times_sent;
            s.figure = c.figure;
            plan.to_save.push_back(s);
            plan.notices.push_back({notice_kind::reminder, c});
        }
    }
    for (const auto& k : kept) {
        if (!k.holding() || still.count({k.kind, k.channel_id}) > 0) continue;
        auto s = k;
        s.cleared_at = now;
        plan.to_save.push_back(s);
        plan.notices.push_back({notice_kind::cleared, {k.kind, k.channel_id, 0}});
    }
    return plan;
}

namespace {

std::string what_holds(const alert_condition& c) {
    const std::string n = std::to_string(c.figure);
    if (c.kind == "channel_paused")
        return "channel paused, the provider refused its credentials (" + n + " messages held); renew them";
    if (c.kind == "outbox_age") return "a message has waited " + n + " minutes to be sent";
    if (c.kind == "dead_letters") return n + " messages failed after their last attempt (outbox requeue)";
    if (c.kind == "sensitive_overdue") return n + " sensitive cases past their date";
    if (c.kind == "quarantine") return n + " webhooks quarantined recently";
    if (c.kind == "low_disk") return "only " + n + " MB free where the database lives";
    return c.kind + " " + n;
}

}  // namespace

std::string notice_text(const std::string& deployment, const alert_notice& n) {
    std::string text = deployment.empty() ? std::string("cwc-gateway") : deployment;
    const std::string where = n.condition.channel_id.empty() ? "" : " " + n.condition.channel_id;
    if (n.what == notice_kind::cleared)
        return text + " CLEARED" + where + ": " + n.condition.kind + " no longer holds";
    text += n.what == notice_kind::began ? " ALERT" : " STILL";
    return text + where + ": " + what_holds(n.condition);
}

}  // namespace cwc::gateway
