// One row of ops_alerts: an alert condition the admins were told of (gateway/ops_alerts.hpp
// decides when), kept so a restart neither repeats an alert nor forgets one that holds.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <string>

namespace cwc::messages {

struct ops_alert_state {
    std::string kind;        // channel_paused, outbox_age, dead_letters, sensitive_overdue, ...
    std::string channel_id;  // "" for the whole gateway
    timestamp began_at{};
    timestamp last_sent_at{};
    timestamp cleared_at{};  // the epoch while the condition holds
    std::int64_t times_sent = 0;
    std::int64_t figure = 0;  // the count (or minutes, MB) the last notice stated
    bool holding() const { return cleared_at == timestamp{}; }
};

}  // namespace cwc::messages
