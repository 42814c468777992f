// Names of broadcast statuses and consent actions as stored and shown.
#include "messages/broadcast.hpp"
#include "messages/consent.hpp"

#include <array>
#include <utility>

namespace cwc::messages {

namespace {

constexpr std::array broadcast_statuses{
    std::pair{broadcast_status::draft, std::string_view{"draft"}},
    std::pair{broadcast_status::sending, std::string_view{"sending"}},
    std::pair{broadcast_status::paused, std::string_view{"paused"}},
    std::pair{broadcast_status::completed, std::string_view{"completed"}},
    std::pair{broadcast_status::cancelled, std::string_view{"cancelled"}},
};

constexpr std::array consent_actions{
    std::pair{consent_action::subscribed, std::string_view{"subscribed"}},
    std::pair{consent_action::unsubscribed, std::string_view{"unsubscribed"}},
    std::pair{consent_action::region_set, std::string_view{"region_set"}},
    std::pair{consent_action::opted_out, std::string_view{"opted_out"}},
    std::pair{consent_action::opted_in, std::string_view{"opted_in"}},
};

template <typename Table, typename Value>
std::string_view name_in(const Table& table, Value v) {
    for (const auto& [value, name] : table)
        if (value == v) return name;
    return {};
}

template <typename Table>
auto value_in(const Table& table, std::string_view s)
    -> std::optional<typename Table::value_type::first_type> {
    for (const auto& [value, name] : table)
        if (name == s) return value;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(broadcast_status s) { return name_in(broadcast_statuses, s); }
std::optional<broadcast_status> parse_broadcast_status(std::string_view s) {
    return value_in(broadcast_statuses, s);
}
std::string_view to_string(consent_action a) { return name_in(consent_actions, a); }
std::optional<consent_action> parse_consent_action(std::string_view s) {
    return value_in(consent_actions, s);
}

}  // namespace cwc::messages
