// Operators' alerts while the gateway serves: every check_seconds the conditions are read (the
// store's picture on a thread of its own, the dispatcher's pauses, the free disk), the notices
// due are recorded in one store-writer unit with the state they change (so a restart neither
// repeats nor forgets them), SMS/WhatsApp notices queued at safety priority to the admins with a
// channel, each audited; then admins with a webhook get a JSON POST each (logged if refused;
// not retried: the next reminder comes after repeat_hours, the outbox is the durable path).
#pragma once

#include "config/config.hpp"
#include "gateway/alert_conditions.hpp"
#include "gateway/store_writer.hpp"
#include "messages/store.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>
#include <vector>

namespace cwc::gateway {

// Inside a writer unit: plans against ops_alerts, saves the changed rows, queues the notices to
// the admins with a channel and audits each ("ops.alert_began", "ops.alert_reminder",
// "ops.alert_cleared"; subject "ops:<kind>[:<channel>]"; detail: figure, recipients). Returns
// the notices, for the webhooks.
std::vector<alert_notice> record_alerts(messages::store& s, const config::config& cfg,
                                        const std::vector<alert_condition>& holding,
                                        messages::timestamp now);

// The JSON a webhook admin receives: {"deployment", "alert", "channel", "state", "figure", "at",
// "text"}.
std::string notice_json(const config::config& cfg, const alert_notice& n, messages::timestamp now);

// Checks until the io_context stops; nothing to do when no admin is configured.
boost::asio::awaitable<void> run_ops_alerts(store_writer& writer, const config::config& cfg,
                                            std::string database_path);

}  // namespace cwc::gateway
