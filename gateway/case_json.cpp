// JSON views for the officers' API. Internal ids stay out except the case id (the paging key)
// and message ids (to name a message when talking about it); the contact appears only as its
// keyed pseudonym.
#include "gateway/case_json.hpp"

#include "gateway/rfc3339.hpp"

#include <algorithm>

namespace cwc::gateway {
namespace {

nlohmann::json time_or_null(messages::timestamp t) {
    if (t.time_since_epoch().count() == 0) return nullptr;
    return rfc3339(t);
}

nlohmann::json text_or_null(const std::string& s) {
    if (s.empty()) return nullptr;
    return s;
}

}  // namespace

nlohmann::json case_json(const messages::case_record& c) {
    return {
        {"id", c.id},
        {"reference", c.reference},
        {"type", c.type},
        {"category", c.category},
        {"codes", c.codes},
        {"status", c.status},
        {"sensitive", c.sensitive},
        {"organisation", c.organisation},
        {"channel", c.channel_id},
        {"language", c.language},
        {"region", text_or_null(c.region)},
        {"sex", text_or_null(c.sex)},
        {"age_group", text_or_null(c.age_group)},
        {"description", c.description},
        {"assigned_to", text_or_null(c.assigned_to)},
        {"referral", c.referred_organisation.empty()
                         ? nlohmann::json(nullptr)
                         : nlohmann::json{{"organisation", c.referred_organisation},
                                          {"service", text_or_null(c.referred_service)},
                                          {"contact_shared", c.contact_shared}}},
        {"opened_at", time_or_null(c.opened_at)},
        {"acknowledge_due_at", time_or_null(c.acknowledge_due_at)},
        {"acknowledged_at", time_or_null(c.acknowledged_at)},
        {"due_at", time_or_null(c.due_at)},
        {"responded_at", time_or_null(c.responded_at)},
        {"closed_at", time_or_null(c.closed_at)},
        {"satisfaction",
         c.satisfaction == 0 ? nlohmann::json(nullptr) : nlohmann::json(c.satisfaction)},
    };
}

nlohmann::json case_json(const messages::case_row& row) {
    auto j = case_json(row.record);
    j["contact_key"] = row.contact_key;
    j["overdue"] = row.overdue;
    return j;
}

nlohmann::json event_json(const messages::case_event& e) {
    return {{"at", rfc3339(e.at)},
            {"actor", e.actor},
            {"action", e.action},
            {"from_status", text_or_null(e.from_status)},
            {"to_status", text_or_null(e.to_status)},
            {"note", e.note}};
}

void withhold(std::vector<messages::conversation_entry>& entries,
              const std::vector<messages::case_record>& unseen) {
    constexpr std::size_t shortest_part = 8;  // menu digits and "0" stay: they tell nothing
    for (auto& m : entries) {
        if (!m.inbound) continue;
        const bool hidden = std::any_of(unseen.begin(), unseen.end(), [&](const auto& c) {
            return c.inbound_id == m.id || (m.text.size() >= shortest_part &&
                                            c.description.find(m.text) != std::string::npos);
        });
        if (!hidden) continue;
        m.text.clear();
        m.kind = "withheld";
        m.media_ids.clear();
    }
    // What we sent in reply to a withheld message (a safe reply, an acknowledgement) or about
    // such a case (an answer, the satisfaction question) tells as much: withheld too.
    std::vector<std::int64_t> answered;
    for (const auto& m : entries)
        if (m.inbound && m.kind == "withheld") answered.push_back(m.id);
    for (const auto& c : unseen) answered.push_back(c.inbound_id);
    for (auto& m : entries) {
        if (m.inbound || m.in_reply_to == 0) continue;
        if (std::find(answered.begin(), answered.end(), m.in_reply_to) == answered.end()) continue;
        m.text.clear();
        m.kind = "withheld";
    }
}

nlohmann::json conversation_json(const std::vector<messages::conversation_entry>& entries) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : entries) {
        out.push_back({{"id", m.id},
                       {"at", rfc3339(m.at)},
                       {"direction", m.inbound ? "in" : "out"},
                       {"channel", m.channel_id},
                       {"kind", m.kind},
                       {"text", m.text},
                       {"status", text_or_null(m.status)},
                       {"media_ids", m.media_ids}});
    }
    return out;
}

}  // namespace cwc::gateway
