// A contact is a person (one phone number across channels) with their conversation state.
// The address is personal data: outside the store and the dispatcher only the pseudonym is used.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cwc::messages {

struct conversation_state {
    std::string node;  // current menu node id; "" = the start node
    std::string step;  // inside a complaint/feedback flow: "category", "region", "description"
    std::map<std::string, std::string> answers;  // flow answers so far: "category", "region"
    bool operator==(const conversation_state&) const = default;
};

struct contact {
    std::int64_t id = 0;
    std::string address;    // E.164, e.g. "+51987654321"
    // The address as the store keeps it (messages/address_cipher.hpp), so a reply queued to it
    // is not encrypted again; "" when the store keeps numbers in plain or was not asked.
    std::string sealed_address;
    std::string pseudonym;  // keyed HMAC of the address: logs, reports and exports use this
    std::string language;   // "" = never chose: the deployment's default applies
    bool notice_given = false;  // the first-contact notice was sent
    bool opted_out = false;     // STOP: nothing the person did not ask for
    conversation_state state;
    timestamp last_inbound_at{};  // epoch = never wrote
    // Broadcast consent (messages/consent.hpp): the topics subscribed to, sorted, and the
    // region they want news for. Loaded with the contact; changed only through consent changes.
    std::vector<std::string> topics;
    std::string region;
};

}  // namespace cwc::messages
