// One inbound message as one unit of work on the store: de-duplicate, find the contact, run the
// conversation handlers on its current state, and write the message, the new state, the case,
// the replies (outbox) and the audit entries. Runs on the store writer thread, inside the
// caller's savepoint; the gateway answers the provider only after the commit.
#pragma once

#include "config/config.hpp"
#include "messages/message.hpp"
#include "messages/store.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

struct inbound_result {
    bool duplicate = false;       // (channel, provider id) was already stored: nothing changed
    bool handler_failed = false;  // stored as failed; the person gets an apology
    bool part_pending = false;    // one part of a concatenated SMS kept; the rest is awaited
    std::int64_t inbound_id = 0;
    std::string contact_pseudonym;
    std::string case_reference;      // set when the message completed a case
    std::vector<std::string> replies;  // texts queued, in order (the simulator prints them)
};

// `entropy` supplies randomness for case references (tests pass a fixed sequence).
inbound_result process_inbound(messages::store& store, const config::config& cfg,
                               const config::channel& channel,
                               const messages::inbound_message& message,
                               const std::function<std::uint64_t()>& entropy);

// The provider says this person opted out (e.g. of a bulk sender id): the contact, created if
// needed, is marked opted out, and the audit log says who reported it. False if it already was.
bool record_provider_opt_out(messages::store& store, const config::config& cfg,
                             const config::channel& channel, std::string_view address,
                             messages::timestamp now);

}  // namespace cwc::gateway
