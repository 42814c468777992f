// A case's life (DOMAIN.md): new → acknowledged → in progress → referred → responded → closed
// (→ reopened), the moves allowed between those states, and the times promised to the person.
// Pure: time-dependent rules take `now`.
#pragma once

#include "messages/case_record.hpp"

#include <array>
#include <string_view>

namespace cwc::messages {

inline constexpr std::array<std::string_view, 7> case_statuses = {
    "new", "acknowledged", "in_progress", "referred", "responded", "closed", "reopened"};

bool is_case_status(std::string_view status);

// Whether an officer may move a case from one status to another. Anything open may be
// acknowledged, worked on, referred, answered or closed; only a closed case can be reopened;
// nothing goes back to "new" (a case that was seen stays seen).
bool may_move(std::string_view from, std::string_view to);

// Open: not closed (a responded case is still open until someone closes it).
bool is_open(const case_record& c);

// Sets the status and the times that go with it: acknowledged_at on the first move out of
// "new", responded_at on the first "responded", closed_at on closing (cleared on reopening).
// Does not check may_move.
void move_to(case_record& c, std::string_view to, timestamp now);

// Overdue: unanswered past the promised answer date, or never acknowledged past the
// acknowledgement target. Closed and responded cases are never overdue.
bool is_overdue(const case_record& c, timestamp now);

}  // namespace cwc::messages
