// What broadcasters send, read strictly before anything is stored: a draft broadcast's JSON
// (one object, known fields only, exact types, UTF-8 texts) and the list's query parameters.
// Shape only: whether the topics, regions and codes are the organisation's to use is the
// broadcast desk's check (gateway/broadcast_desk.hpp). A refusal is a 400 with a public reason.
#pragma once

#include "gateway/officer_requests.hpp"
#include "messages/broadcast.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::gateway {

// A draft as asked for: the broadcast without its id, status and times of its life.
struct broadcast_draft {
    std::string name;
    std::string organisation;  // "" = the officer's own (required from an admin)
    messages::broadcast_segment segment;
    std::map<std::string, std::string> texts;
    std::map<std::string, messages::broadcast_template> templates;
    std::string answers_code;
    std::optional<messages::timestamp> scheduled_at;
    bool respect_quiet_hours = true;
};

inline constexpr std::size_t max_broadcast_name_chars = 200;

// POST /api/v1/broadcasts and `broadcast create --file`: {name, organisation?, topics |
// answers_code, regions?, languages?, channels?, texts{lang: text}, templates?{lang: {name,
// language, body_parameter?}}, scheduled_at? (RFC 3339 or null), respect_quiet_hours?}.
std::optional<request_refusal> read_broadcast_draft(std::string_view body, broadcast_draft& out);

// GET /api/v1/broadcasts?status=&before=&limit=: status is a stored status or "scheduled".
struct broadcast_list_request {
    std::string status;  // "" = any
    std::int64_t before_id = 0;
    std::size_t limit = 50;
};
std::optional<request_refusal> read_broadcast_list(std::string_view encoded_query,
                                                   broadcast_list_request& out);

}  // namespace cwc::gateway
