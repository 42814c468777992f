// A case: a complaint or piece of feedback with a reference the person can quote later.
#pragma once

#include "messages/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

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
    std::string status = "new";
    timestamp opened_at{};
    timestamp due_at{};
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
};

}  // namespace cwc::messages
