// Broadcasts as the officers' API and `cwc-gateway broadcast` show them: the broadcast (its own
// texts, to its organisation), its progress and its preview. Counts only: no number, no text
// a person sent, no case. Small preview cells are null (suppressed).
#pragma once

#include "gateway/broadcast_plan.hpp"
#include "messages/broadcast.hpp"
#include "messages/officer.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

// "scheduled" for a sending broadcast whose time has not come; else the stored status.
std::string shown_status(const messages::broadcast& b, messages::timestamp now);

nlohmann::json broadcast_json(const messages::broadcast& b, const messages::officer& o,
                              messages::timestamp now);
nlohmann::json progress_json(const messages::broadcast_progress& p);
nlohmann::json preview_json(const broadcast_preview& p);

}  // namespace cwc::gateway
