// Test support for the broadcast store and reader tests: a real SQLite store with people who
// write, subscribe and get broadcast rows, and a campaign to create.
#pragma once

#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace cwc::messages::testing {

inline const timestamp t0 = from_unix_ms(1'794'787'200'000);

struct broadcast_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    int people = 0;

    contact person(const std::string& language = "", bool opted_out = false) {
        auto c = s.find_or_create_contact("+5198700" + std::to_string(1000 + ++people), t0);
        c.language = language;
        c.opted_out = opted_out;
        s.save_contact(c);
        return c;
    }
    // A person who wrote on `channel` at `at` (their WhatsApp window opens then).
    void wrote(contact& c, const std::string& channel, timestamp at) {
        inbound_message m;
        m.channel_id = channel;
        m.provider_message_id = "in-" + std::to_string(c.id) + "-" + std::to_string(to_unix_ms(at));
        m.from = c.address;
        m.text = "hola";
        m.received_at = at;
        s.insert_inbound(m, c.id, inbound_outcome::handled);
        c.last_inbound_at = at;
        s.save_contact(c);
    }
    void subscribe(const contact& c, const std::string& channel, const std::vector<std::string>& topics,
                   const std::string& region = "") {
        for (const auto& topic : topics)
            s.broadcasts().apply_consent(c.id, channel, {consent_action::subscribed, topic, "", "menu"}, t0);
        if (!region.empty())
            s.broadcasts().apply_consent(c.id, channel, {consent_action::region_set, "", region, "menu"}, t0);
    }
    std::int64_t row(const contact& c, std::int64_t broadcast_id, timestamp due = t0) {
        outbound_message m;
        m.contact_id = c.id;
        m.channel_id = "sms";
        m.to = c.address;
        m.text = "Brigada de salud";
        m.priority = outbound_priority::broadcast;
        m.solicited = false;
        m.created_at = t0;
        m.next_attempt_at = due;
        m.broadcast_id = broadcast_id;
        return s.enqueue(m);
    }
    std::string status_of(std::int64_t id) {
        raw_db raw{file.path()};
        return raw.text("SELECT status || '/' || error_code FROM outbox WHERE id = " + std::to_string(id));
    }
};

inline std::vector<std::string> split(const std::string& codes) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= codes.size()) {
        const auto comma = std::min(codes.find(',', start), codes.size());
        if (comma > start) out.push_back(codes.substr(start, comma - start));
        start = comma + 1;
    }
    return out;
}

inline broadcast campaign(const std::string& org = "red_cbo") {
    broadcast b;
    b.organisation = org;
    b.name = "Brigada de salud Callao";
    b.created_by = "officer:Lucía";
    b.segment = {{"health", "documentation"}, {"lima"}, {"es", "ar"}, {"sms", "wa"}};
    b.texts = {{"es", "Brigada de salud el sábado"}, {"ar", "حملة صحية يوم السبت"}};
    b.templates = {{"es", {"brigada_salud", "es", "Callao"}}};
    b.scheduled_at = t0 + std::chrono::hours{2};
    b.respect_quiet_hours = false;
    b.created_at = t0;
    return b;
}

}  // namespace cwc::messages::testing
