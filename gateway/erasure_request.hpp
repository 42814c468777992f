// A person's erasure of their data (keyword "delete", confirmed): run in the unit of their
// confirming message once its replies are queued, or held while a sensitive case of theirs is
// open and run when it closes (case_desk) or by the daily sweep. Writer-thread functions: they
// take the store of a writer unit.
#pragma once

#include "config/config.hpp"
#include "messages/store.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cwc::gateway {

// After the confirming message's replies were queued (their outbox ids, in order): held → the
// hold is recorded (audited erasure.held); otherwise those replies keep the number until their
// send is final, everything else of the person is erased now (audited erasure.completed with
// the counts, each record record.redacted).
void apply_erasure_request(messages::store& s, std::int64_t contact_id, bool held,
                           const std::vector<std::int64_t>& replies, const std::string& actor,
                           messages::timestamp now);

// A held erasure whose person has no open sensitive case left: their last message
// (erasure_done in their language, on `channel_id`, unless they sent STOP) is queued and their
// data erased. False when nothing was held or a sensitive case of theirs is still open.
bool run_held_erasure(messages::store& s, const config::config& cfg, std::int64_t contact_id,
                      const std::string& channel_id, messages::timestamp now);

// The daily sweep: up to `limit` held erasures whose cases were closed meanwhile. Returns how many
// ran.
std::size_t run_ready_erasures(messages::store& s, const config::config& cfg,
                               messages::timestamp now, std::size_t limit = 100);

}  // namespace cwc::gateway
