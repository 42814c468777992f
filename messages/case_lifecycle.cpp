// The case status rules shared by the officers' API, the STATUS answer and the reports, so a
// status can only ever mean one thing.
#include "messages/case_lifecycle.hpp"

#include <algorithm>

namespace cwc::messages {

bool is_case_status(std::string_view status) {
    return std::find(case_statuses.begin(), case_statuses.end(), status) != case_statuses.end();
}

bool may_move(std::string_view from, std::string_view to) {
    if (!is_case_status(from) || !is_case_status(to) || from == to) return false;
    if (to == "new") return false;
    if (from == "closed") return to == "reopened";
    return to != "reopened";
}

bool is_open(const case_record& c) { return c.status != "closed"; }

void move_to(case_record& c, std::string_view to, timestamp now) {
    const timestamp never{};
    if (c.acknowledged_at == never && c.status == "new" && to != "new") c.acknowledged_at = now;
    if (to == "responded" && c.responded_at == never) c.responded_at = now;
    if (to == "closed") c.closed_at = now;
    if (to == "reopened") c.closed_at = never;
    c.status = std::string(to);
}

bool is_overdue(const case_record& c, timestamp now) {
    if (c.status == "closed" || c.status == "responded") return false;
    if (now > c.due_at) return true;
    const timestamp never{};
    return c.acknowledged_at == never && c.acknowledge_due_at != never &&
           now > c.acknowledge_due_at;
}

}  // namespace cwc::messages
