// The conversation engine's entry point. Pure: given the contact's snapshot, one inbound text,
// the config and the time, it returns the new snapshot and the effects (replies, a case, audit
// events). It performs no I/O; the gateway commits the result in one transaction.
#pragma once

#include "config/config.hpp"
#include "messages/case_record.hpp"
#include "messages/consent.hpp"
#include "messages/contact.hpp"
#include "messages/message.hpp"
#include "messages/sensitive_alert.hpp"
#include "messages/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cwc::handlers {

struct conversation_input {
    const config::config& cfg;
    const config::channel& channel;      // the channel the message came in on
    messages::contact contact;           // snapshot before this message
    std::string text;                    // the inbound text, valid UTF-8
    messages::timestamp now;
    std::string proposed_reference;      // used if this message completes a case
    messages::case_lookup& cases;        // read-only look-up for STATUS
    int attachments = 0;  // photos, voice notes, documents: a description may be only these
};

struct reply {
    std::string text;  // the whole reply, numbered options included: SMS sends exactly this
    messages::outbound_priority priority = messages::outbound_priority::reply;
    // The numbered options `text` ends with and the text above them, for channels that show
    // buttons or lists; empty when the reply offers no numbered choice.
    messages::outbound_menu menu{};
};

// A later SMS of a description sent in several parts, for the case just opened.
struct case_addition {
    std::string reference;
    std::string text;        // as sent, appended to the case's description
    bool sensitive = false;  // its words made a case that was not sensitive sensitive
};

// A 1-5 answer to the satisfaction question asked when the case was closed.
struct case_rating {
    std::string reference;
    int score = 0;
};

struct conversation_result {
    messages::contact contact;  // the new snapshot: state, language, notice, opt-out, last_inbound_at
    std::vector<reply> replies;  // in the order the person should read them
    std::optional<messages::case_record> opened_case;  // reference = proposed_reference
    // Directory services the person was pointed to (recorded as referrals given).
    std::vector<messages::service_referral> referrals;
    std::optional<case_addition> added_to_case;
    std::optional<case_rating> rating;
    // Subscriptions, region and opt-out/in for broadcasts, in order; the gateway applies and
    // logs each (store::broadcasts().apply_consent) in the message's transaction.
    std::vector<messages::consent_change> consent;
    // The person confirmed the erasure of their data (keyword "delete", then the yes word): the
    // gateway erases it in this unit once the replies are queued, the last of them keeping the
    // number until it is sent; held when a sensitive case of theirs is open (erased at closing).
    struct erasure_request {
        bool held = false;
    };
    std::optional<erasure_request> erasure;
    std::vector<std::string> events;  // audit actions, e.g. "contact.opted_out", "language.changed"
};

// Never throws for any text; throws std::logic_error only for a config that validation would
// have refused (the gateway then stores the message as failed and apologises).
conversation_result handle_inbound(const conversation_input& in);

}  // namespace cwc::handlers
