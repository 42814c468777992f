// Outbound status names (as stored and as the officers' API shows them) and their rank, which
// keeps status updates monotonic when provider callbacks arrive late or out of order.
#include "messages/message.hpp"

#include <array>
#include <utility>

namespace cwc::messages {
namespace {

constexpr std::array<std::pair<outbound_status, std::string_view>, 7> status_names{{
    {outbound_status::queued, "queued"},
    {outbound_status::sending, "sending"},
    {outbound_status::sent, "sent"},
    {outbound_status::delivered, "delivered"},
    {outbound_status::read, "read"},
    {outbound_status::failed, "failed"},
    {outbound_status::undelivered, "undelivered"},
}};

}  // namespace

std::string_view to_string(outbound_status s) {
    for (const auto& [status, name] : status_names) {
        if (status == s) return name;
    }
    return "unknown";
}

std::optional<outbound_status> parse_outbound_status(std::string_view s) {
    for (const auto& [status, name] : status_names) {
        if (name == s) return status;
    }
    return std::nullopt;
}

int status_rank(outbound_status s) {
    switch (s) {
        case outbound_status::queued:
            return 0;
        case outbound_status::sending:
            return 1;
        case outbound_status::sent:
            return 2;
        case outbound_status::delivered:
        case outbound_status::failed:
        case outbound_status::undelivered:
            return 3;
        case outbound_status::read:
            return 4;
    }
    return 0;
}

}  // namespace cwc::messages
