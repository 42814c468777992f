// Running the gateway (part of config/config.hpp): how long personal content is kept, and who is
// alerted, and when, if the gateway needs a person.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cwc::config {

// How long personal content is kept (DOMAIN.md "Data responsibility"), in days; 0 = keep.
// Expired messages and closed cases keep their aggregates (type, category, region, language,
// dates, status, codes) and lose their texts, media and, when nothing of theirs is left
// unexpired, the person's number.
struct retention_settings {
    int messages_days = 0;                    // inbound and outbound messages
    std::map<std::string, int> case_days;     // by case type id; absent = keep
    // Days for a case type, 0 (keep) when not set.
    int days_for(const std::string& case_type) const {
        auto it = case_days.find(case_type);
        return it == case_days.end() ? 0 : it->second;
    }
};

// Operators' alerts (config/read_operations.cpp; gateway/alert_runner.hpp): who is told when the
// gateway needs a person (a paused channel, a stuck outbox, a full disk...) and the thresholds.
struct admin_contact {
    std::string channel;  // with `address`: an SMS/WhatsApp through the outbox on this channel
    std::string address;
    std::string webhook;  // or: a JSON POST to this http(s) URL
};
struct alert_settings {
    int outbox_age_minutes = 30;  // a reply waiting longer than this (broadcasts excepted)
    int min_free_disk_mb = 1024;  // free space where the database lives
    int repeat_hours = 24;        // a condition that holds is told again at most this often
    int quarantine_hours = 24;    // quarantined webhooks count while this recent
    int check_seconds = 60;       // how often the conditions are checked
};
struct operations_settings {
    std::vector<admin_contact> admins;
    alert_settings alerts;
};

}  // namespace cwc::config
