// Internal to the SQLite store and the broadcast reader: the columns a broadcast is read from,
// in one order, and its segment, texts and templates as the JSON the table keeps them in.
#pragma once

#include "messages/broadcast.hpp"
#include "messages/sqlite_connection.hpp"

#include <string>

namespace cwc::messages::sqlite {

inline constexpr const char* broadcast_columns =
    "id, organisation, name, created_by, segment_json, texts_json, templates_json, answers_code, "
    "scheduled_at, respect_quiet_hours, status, created_at, confirmed_at, finished_at, planned";

broadcast broadcast_from_row(const query& q);

std::string segment_to_json(const broadcast_segment& s);
std::string texts_to_json(const std::map<std::string, std::string>& texts);
std::string templates_to_json(const std::map<std::string, broadcast_template>& templates);

// Outbox statuses of a broadcast's rows that may still be sent (paused ones once resumed).
inline constexpr const char* pending_broadcast_statuses =
    "('queued', 'sending', 'unknown', 'paused')";

}  // namespace cwc::messages::sqlite
