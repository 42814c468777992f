// Alerts that follow a sensitive case: its organisation's protection focal points are told at
// once (reference, category code and deadline only — never the text or the number), reminded
// every few hours until the case is acknowledged, and at the category's deadline the backup
// focal points are alerted too. Time comes in as `now`, so tests drive it with their own clock.
#pragma once

#include "config/config.hpp"
#include "gateway/store_writer.hpp"
#include "messages/case_record.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstddef>
#include <string>

namespace cwc::gateway {

// Opens the alert of a case that has just become sensitive (call in the unit that made it so).
// Returns the alert's keyed digest (messages/record_digest.hpp) for the audit entry of that
// unit to carry as "alert_digest"; "" when the store has no digest key.
std::string open_focal_alert(messages::store& s, const config::config& cfg,
                      const messages::case_record& c, messages::timestamp now);

// What one pass did.
struct alert_pass {
    std::size_t alerts = 0;      // first alerts and reminders sent
    std::size_t escalations = 0; // cases whose deadline passed: backups alerted
    std::size_t settled = 0;     // acknowledged, unflagged or gone: no more alerts
    std::size_t unreachable = 0; // organisations with nobody to alert (logged by the caller)
};

// One pass inside a store-writer unit: every alert due at `now` is sent (queued at safety
// priority) or settled, and scheduled again.
alert_pass send_due_focal_alerts(messages::store& s, const config::config& cfg,
                                 messages::timestamp now);

// "2026-11-25 14:00 UTC": the deadline as the alert states it.
std::string alert_time(messages::timestamp t);

// Runs a pass every minute until the io_context stops.
boost::asio::awaitable<void> run_focal_alerts(store_writer& writer, const config::config& cfg);

}  // namespace cwc::gateway
