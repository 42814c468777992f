// A case: a complaint or piece of feedback with a reference the person can quote later.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

struct case_record {
    std::int64_t id = 0;
    std::string reference;  // "Q7K-2M4"
    std::int64_t contact_id = 0;
    std::int64_t inbound_id = 0;  // the message that completed the flow
    std::string channel_id;
    std::string type;      // config case_type id
    std::string category;  // config category id
    std::string region;    // "" = not given
    std::string language;
    std::string description;
    bool sensitive = false;
    std::string status = "new";  // messages/case_lifecycle.hpp: case_statuses
    timestamp opened_at{};
    timestamp due_at{};  // the answer promised to the person (case type's response_days)

    // --- coding and ownership (officers' API)
    std::string organisation;         // config organisation id; reassignable
    std::vector<std::string> codes;   // codebook ids of the category, several allowed
    std::string sex;                  // only when the person chose to say: config sex option id
    std::string age_group;            // likewise; "" = not asked or prefer not to say
    std::string assigned_to;          // the officer handling it ("" = nobody)
    std::string referred_organisation;  // set by a referral
    std::string referred_service;
    bool contact_shared = false;  // the referral shared the person's number (with consent)
    timestamp acknowledge_due_at{};   // opened_at + the type's acknowledge_hours
    timestamp acknowledged_at{};      // epoch = not yet: the first move out of "new"
    timestamp responded_at{};         // epoch = not yet: the first answer sent to the person
    timestamp closed_at{};            // epoch = open (cleared on reopening)
    int satisfaction = 0;             // 1-5 given after closing, 0 = none
};

// One step of a case's life: who did what, when, and why (the note stays internal).
struct case_event {
    std::int64_t case_id = 0;
    timestamp at{};
    std::string actor;   // "system", "contact", "officer:<name>"
    std::string action;  // "opened", "status", "assigned", "referred", "responded", "flagged",
                         // "unflagged", "coded", "reassigned", "rated"
    std::string from_status;
    std::string to_status;
    std::string note;
};

struct case_summary {
    std::string reference;
    std::int64_t contact_id = 0;
    std::string status;
    bool sensitive = false;
};

// Read-only look-up handed to the (pure) handlers.
class case_lookup {
public:
    virtual ~case_lookup() = default;
    virtual std::optional<case_summary> find_case(std::string_view reference) = 0;
    // Whether a sensitive case of this person is not closed (their erasure waits for it).
    virtual bool has_open_sensitive_case(std::int64_t contact_id) = 0;
};

}  // namespace cwc::messages
