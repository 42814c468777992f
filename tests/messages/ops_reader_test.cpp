// The operations picture read from a real store file: counts per channel and status, the outbox's
// depth and oldest age per priority, failures by error code, dead letters, rows held for a
// paused channel, quarantined webhooks, overdue cases and the alerts that hold.
#include "messages/ops_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;
using std::chrono::milliseconds;
using std::chrono::minutes;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

struct ops_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    int people = 0;

    std::int64_t enqueue(const std::string& channel, outbound_priority p, timestamp created) {
        const auto person = s.find_or_create_contact("+5198765" + std::to_string(1000 + ++people), t0);
        outbound_message m;
        m.contact_id = person.id;
        m.channel_id = channel;
        m.to = person.address;
        m.text = "hola";
        m.priority = p;
        m.created_at = created;
        m.next_attempt_at = created;
        return s.enqueue(m);
    }
    void inbound(const std::string& channel, inbound_outcome outcome) {
        const auto person = s.find_or_create_contact("+5198765" + std::to_string(1000 + ++people), t0);
        inbound_message m;
        m.channel_id = channel;
        m.provider_message_id = "SM" + std::to_string(people);
        m.from = person.address;
        m.text = "hola";
        m.received_at = t0;
        s.insert_inbound(m, person.id, outcome);
    }
    // Claimed, then the outcome recorded as the dispatcher records it.
    void claim(const std::string& channel) { s.claim_due(channel, t0 + minutes{1}, 100, outbound_priority::broadcast); }
};

std::int64_t count_of(const std::vector<ops_count>& v, const std::string& channel, const std::string& key) {
    for (const auto& c : v)
        if (c.channel_id == channel && c.key == key) return c.count;
    return 0;
}

const ops_channel* channel_of(const ops_picture& p, const std::string& id) {
    for (const auto& c : p.channels)
        if (c.channel_id == id) return &c;
    return nullptr;
}

}  // namespace

TEST_CASE("the picture counts inbound by outcome and outbound by status, per channel") {
    ops_fixture f;
    f.inbound("sms", inbound_outcome::handled);
    f.inbound("sms", inbound_outcome::handled);
    f.inbound("sms", inbound_outcome::failed);
    f.inbound("wa", inbound_outcome::handled);
    const auto a = f.enqueue("sms", outbound_priority::reply, t0);
    f.enqueue("sms", outbound_priority::reply, t0);
    f.claim("sms");
    f.s.record_send_result(a, {send_result::outcome::sent, "SMa", "", {}}, t0);
    f.enqueue("wa", outbound_priority::answer, t0);

    ops_reader reader(f.file.path());
    const auto p = reader.read(t0 + minutes{10}, t0);
    CHECK(count_of(p.inbound, "sms", "handled") == 2);
    CHECK(count_of(p.inbound, "sms", "failed") == 1);
    CHECK(count_of(p.inbound, "wa", "handled") == 1);
    CHECK(count_of(p.outbound, "sms", "sent") == 1);
    CHECK(count_of(p.outbound, "sms", "sending") == 1);
    CHECK(count_of(p.outbound, "wa", "queued") == 1);
    CHECK(p.failed_by_code.empty());
}

TEST_CASE("pending messages per channel and priority with the age of the oldest") {
    ops_fixture f;
    f.enqueue("sms", outbound_priority::reply, t0 + minutes{5});
    f.enqueue("sms", outbound_priority::reply, t0 + minutes{2});
    f.enqueue("sms", outbound_priority::broadcast, t0 + minutes{8});
    const auto done = f.enqueue("wa", outbound_priority::safety, t0);
    f.claim("wa");
    f.s.record_send_result(done, {send_result::outcome::sent, "SMx", "", {}}, t0);

    ops_reader reader(f.file.path());
    const auto p = reader.read(t0 + minutes{30}, t0);
    REQUIRE(p.pending.size() == 2);  // nothing pending on wa: its only message went
    CHECK(p.pending[0].channel_id == "sms");
    CHECK(p.pending[0].priority == "reply");
    CHECK(p.pending[0].count == 2);
    CHECK(p.pending[0].oldest_age_ms == minutes{28} / milliseconds{1});
    CHECK(p.pending[1].priority == "broadcast");
    CHECK(p.pending[1].oldest_age_ms == minutes{22} / milliseconds{1});
}

TEST_CASE("failures by error code, dead letters, rows held for a pause, quarantined webhooks") {
    ops_fixture f;
    const auto failed = f.enqueue("sms", outbound_priority::reply, t0);
    const auto dead = f.enqueue("sms", outbound_priority::reply, t0);
    const auto held = f.enqueue("sms", outbound_priority::reply, t0);
    const auto odd = f.enqueue("wa", outbound_priority::reply, t0);
    f.claim("sms");
    f.claim("wa");
    f.s.record_send_result(failed, {send_result::outcome::failed, "", "21211", {}}, t0);
    f.s.record_dead_letter(dead, "http_503", t0);
    f.s.return_unsent(held, t0 + minutes{5}, "channel_paused", t0);
    // An error code that looks like a phone number (or carries odd characters) is never a label.
    f.s.record_send_result(odd, {send_result::outcome::failed, "", "+51987654321", {}}, t0);
    f.s.quarantine("sms", "unparsable", "raw", t0 - minutes{120});
    f.s.quarantine("sms", "unparsable", "raw", t0 + minutes{1});

    ops_reader reader(f.file.path());
    const auto p = reader.read(t0 + minutes{10}, t0);
    CHECK(count_of(p.failed_by_code, "sms", "21211") == 1);
    CHECK(count_of(p.failed_by_code, "sms", "http_503") == 1);
    CHECK(count_of(p.failed_by_code, "wa", "other") == 1);
    for (const auto& c : p.failed_by_code) CHECK(c.key.find("51987654321") == std::string::npos);
    const auto* sms = channel_of(p, "sms");
    REQUIRE(sms != nullptr);
    CHECK(sms->dead_letters == 1);
    CHECK(sms->held_for_pause == 1);
    CHECK(sms->quarantined == 2);
    CHECK(sms->quarantined_recently == 1);
    REQUIRE(channel_of(p, "wa") != nullptr);
    CHECK(channel_of(p, "wa")->dead_letters == 0);
}

TEST_CASE("overdue and sensitive overdue cases are counted as case_lifecycle says") {
    ops_fixture f;
    raw_db raw{f.file.path()};
    const auto at = [](timestamp t) { return std::to_string(to_unix_ms(t)); };
    auto add = [&](const std::string& ref, const std::string& status, int sensitive, timestamp due,
                   timestamp ack_due, timestamp acked) {
        raw.exec("INSERT INTO cases (reference, contact_id, channel_id, type, category, sensitive, "
                 "status, opened_at, due_at, acknowledge_due_at, acknowledged_at) VALUES ('" + ref +
                 "', 1, 'sms', 'complaint', 'x', " + std::to_string(sensitive) + ", '" + status +
                 "', " + at(t0) + ", " + at(due) + ", " + at(ack_due) + ", " + at(acked) + ")");
    };
    const timestamp never{};
    const timestamp now = t0 + minutes{60};
    add("A", "new", 0, t0 + minutes{30}, never, never);                    // past its due date
    add("B", "new", 1, t0 + minutes{90}, t0 + minutes{10}, never);         // never acknowledged
    add("C", "in_progress", 1, t0 + minutes{30}, never, t0);               // sensitive, past due
    add("D", "responded", 0, t0 + minutes{30}, never, t0);                 // answered: not overdue
    add("E", "closed", 1, t0 + minutes{30}, never, t0);                    // closed: not overdue
    add("F", "acknowledged", 0, t0 + minutes{90}, t0 + minutes{10}, t0);   // in time

    ops_reader reader(f.file.path());
    const auto p = reader.read(now, t0);
    CHECK(p.overdue_cases == 3);
    CHECK(p.sensitive_overdue_cases == 2);
}

TEST_CASE("alerts that still hold are read back; cleared ones are not") {
    ops_fixture f;
    raw_db raw{f.file.path()};
    raw.exec("INSERT INTO ops_alerts VALUES ('channel_paused', 'sms', 1, 2, 0, 1, 3)");
    raw.exec("INSERT INTO ops_alerts VALUES ('low_disk', '', 1, 2, 5, 2, 100)");
    ops_reader reader(f.file.path());
    const auto p = reader.read(t0, t0);
    REQUIRE(p.alerts_holding.size() == 1);
    CHECK(p.alerts_holding[0].kind == "channel_paused");
    CHECK(p.alerts_holding[0].channel_id == "sms");
    CHECK(p.alerts_holding[0].figure == 3);
}

TEST_CASE("publishable_code keeps plain provider codes and hides anything else") {
    CHECK(publishable_code("30003") == "30003");
    CHECK(publishable_code("http_503") == "http_503");
    CHECK(publishable_code("") == "none");
    CHECK(publishable_code("5198765432") == "other");
    CHECK(publishable_code("bad code") == "other");
    CHECK(publishable_code("a\"b") == "other");
    CHECK(publishable_code(std::string(40, 'x')) == "other");
}
