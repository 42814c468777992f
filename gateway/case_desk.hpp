// What an officer can do to a case, as functions run inside one store-writer unit each: check
// the officer's right and the move, change the case, write its event and the audit entry, and
// queue what the person must receive (an answer, a satisfaction question). The officers' API
// maps each desk_outcome to an HTTP answer. Nothing here deletes anything.
#pragma once

#include "config/config.hpp"
#include "messages/case_record.hpp"
#include "messages/officer.hpp"
#include "messages/store.hpp"

#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

enum class desk_outcome {
    done,
    not_found,      // no such case, or one the officer may not see (never say which)
    forbidden,      // seen but not theirs to do (e.g. unflag without being a focal point)
    invalid,        // a bad value: unknown status, organisation, service, code; empty answer
    not_allowed,    // a move the lifecycle refuses (closed → in_progress, anything → new)
    needs_consent,  // a referral sharing the contact without the person's recorded consent
    opted_out,      // the person opted out: an answer cannot reach them
};

struct desk_result {
    desk_outcome outcome = desk_outcome::done;
    std::string reason;                   // for invalid / not_allowed: what was wrong (public)
    std::optional<messages::case_record> after;  // the case as it is now, when done
};

struct case_change {
    std::string note;  // internal, never sent to the person
};

// Every function: `o` is the authenticated officer, `now` the clock, `cfg` the running config.
desk_result read_case_audited(messages::store& s, const config::config& cfg,
                              const messages::officer& o, std::string_view reference,
                              messages::timestamp now);  // audits "case.read"
desk_result change_status(messages::store& s, const config::config& cfg,
                          const messages::officer& o, std::string_view reference,
                          std::string_view to, const case_change& c, messages::timestamp now);
desk_result assign(messages::store& s, const config::config& cfg, const messages::officer& o,
                   std::string_view reference, std::string_view officer_name,
                   const case_change& c, messages::timestamp now);
desk_result set_codes(messages::store& s, const config::config& cfg, const messages::officer& o,
                      std::string_view reference, const std::vector<std::string>& codes,
                      const case_change& c, messages::timestamp now);
desk_result reassign(messages::store& s, const config::config& cfg, const messages::officer& o,
                     std::string_view reference, std::string_view organisation,
                     const case_change& c, messages::timestamp now);
// Referral to an organisation and (optionally) one of its directory services. Sharing the
// person's contact details needs `consent_recorded` (the officer asked and the person agreed).
struct referral_request {
    std::string organisation;
    std::string service;  // "" = none in particular
    bool share_contact = false;
    bool consent_recorded = false;
};
desk_result refer(messages::store& s, const config::config& cfg, const messages::officer& o,
                  std::string_view reference, const referral_request& r, const case_change& c,
                  messages::timestamp now);
// The officer's answer, queued to the person on the case's channel (WhatsApp window rules apply
// in the dispatcher); the case moves to "responded". The text is the officer's: nothing of the
// complaint is added to it.
desk_result respond(messages::store& s, const config::config& cfg, const messages::officer& o,
                    std::string_view reference, std::string_view answer, const case_change& c,
                    messages::timestamp now);
desk_result flag_sensitive(messages::store& s, const config::config& cfg,
                           const messages::officer& o, std::string_view reference,
                           const case_change& c, messages::timestamp now);
desk_result unflag_sensitive(messages::store& s, const config::config& cfg,
                             const messages::officer& o, std::string_view reference,
                             const case_change& c, messages::timestamp now);

}  // namespace cwc::gateway
