// The conditions an operator must act on, and when to tell the admins. Pure: given the store's
// picture (messages/ops_reader.hpp), the live pauses, the free disk and the clock, it says what
// holds; given what holds and what was told (ops_alerts), it says which notices go now. A
// condition is told once when it begins, again at most every repeat_hours while it holds, and
// once more when it ends ("cleared"). Texts carry counts and channel ids only.
#pragma once

#include "config/config.hpp"
#include "messages/ops_alert.hpp"
#include "messages/ops_reader.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwc::gateway {

// channel_paused: the provider refused the channel's credentials (paused now, or rows still
//   held for it); outbox_age: a message other than a broadcast has waited longer than
//   outbox_age_minutes; dead_letters: messages failed after their last attempt;
//   sensitive_overdue: sensitive cases past their date; quarantine: webhooks quarantined within
//   quarantine_hours; low_disk: less than min_free_disk_mb free where the database lives.
struct alert_condition {
    std::string kind;
    std::string channel_id;  // "" for the whole gateway
    std::int64_t figure = 0; // held rows, minutes waited, dead letters, cases, webhooks, free MB
};

std::vector<alert_condition> conditions_holding(const messages::ops_picture& picture,
                                                const std::vector<std::string>& paused_channels,
                                                std::optional<std::uint64_t> free_disk_bytes,
                                                const config::alert_settings& settings);

enum class notice_kind { began, reminder, cleared };
std::string_view notice_name(notice_kind k);  // "began", "reminder", "cleared"

struct alert_notice {
    notice_kind what = notice_kind::began;
    alert_condition condition;
};

struct alert_plan {
    std::vector<alert_notice> notices;
    std::vector<messages::ops_alert_state> to_save;  // the rows the notices change
};

// `kept`: every ops_alerts row (cleared ones too). Nothing to do gives an empty plan.
alert_plan plan_alerts(const std::vector<alert_condition>& holding,
                       const std::vector<messages::ops_alert_state>& kept,
                       messages::timestamp now, std::chrono::hours repeat);

// "ALERT sms-main: channel paused, 3 messages held (the provider refused the credentials)".
std::string notice_text(const std::string& deployment, const alert_notice& n);

}  // namespace cwc::gateway
