// The officers' API's JSON for cases, their events and a person's conversation. Times are RFC
// 3339 in UTC, "not yet" is null; a case carries its contact's pseudonym, never a number.
#pragma once

#include "messages/case_reader.hpp"
#include "messages/case_record.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cwc::gateway {

nlohmann::json case_json(const messages::case_record& c);
// A list row or a case page's case: the case with its contact key and overdue flag.
nlohmann::json case_json(const messages::case_row& row);
nlohmann::json event_json(const messages::case_event& e);
// Blanks, in place, the person's messages that filed cases the reader may not see: the message
// that completed each flow, and any other inbound text of 8 characters or more that is part of
// such a case's description (the parts of a description sent as several SMS).
void withhold(std::vector<messages::conversation_entry>& entries,
              const std::vector<messages::case_record>& unseen);
nlohmann::json conversation_json(const std::vector<messages::conversation_entry>& entries);

}  // namespace cwc::gateway
