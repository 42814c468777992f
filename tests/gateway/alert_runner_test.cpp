// The alert rounds on a real store: a stuck outbox seen through the store's own picture on an
// injected clock is told once to each admin (an SMS at safety priority, audited), not again
// while it holds, even after the store is reopened (a restart), and cleared when it goes.
#include "gateway/alert_runner.hpp"
#include "messages/ops_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <memory>

using namespace cwc::gateway;
using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;
using std::chrono::minutes;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

cwc::config::config alert_config() {
    cwc::config::config cfg;
    cfg.deployment_name = "Red CBO";
    cwc::config::channel sms;
    sms.id = "sms";
    cfg.channels.push_back(sms);
    cfg.operations.admins.push_back({"sms", "+51900000001", ""});
    cfg.operations.admins.push_back({"", "", "http://127.0.0.1:9/hook"});
    cfg.operations.alerts.outbox_age_minutes = 30;
    cfg.operations.alerts.repeat_hours = 24;
    return cfg;
}

// One round as the runner does it, on the injected clock.
std::vector<alert_notice> round(const std::string& path, const cwc::config::config& cfg, timestamp now) {
    ops_reader reader(path);
    const auto holding = conditions_holding(reader.read(now, now - std::chrono::hours(24)), {},
                                            std::uint64_t{100} << 30, cfg.operations.alerts);
    sqlite_store s(path, "key");
    s.begin();
    auto notices = record_alerts(s, cfg, holding, now);
    s.commit();
    return notices;
}

}  // namespace

TEST_CASE("a stuck outbox is told once, survives a restart untold, and is cleared when it goes") {
    temp_db file;
    const auto cfg = alert_config();
    std::int64_t reply = 0;
    {
        sqlite_store s(file.path(), "key");
        const auto person = s.find_or_create_contact("+51987650001", t0);
        outbound_message m;
        m.contact_id = person.id;
        m.channel_id = "sms";
        m.to = person.address;
        m.text = "su caso";
        m.priority = outbound_priority::reply;
        m.created_at = t0;
        m.next_attempt_at = t0;
        reply = s.enqueue(m);
    }
    raw_db raw{file.path()};
    const auto admin_rows = [&] {
        return raw.integer("SELECT COUNT(*) FROM outbox WHERE text LIKE 'Red CBO %'");
    };

    CHECK(round(file.path(), cfg, t0 + minutes{10}).empty());  // young: nothing to tell
    auto notices = round(file.path(), cfg, t0 + minutes{31});
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].what == notice_kind::began);
    CHECK(notices[0].condition.kind == "outbox_age");
    CHECK(notices[0].condition.figure == 31);
    CHECK(admin_rows() == 1);
    CHECK(raw.integer("SELECT priority FROM outbox WHERE text LIKE 'Red CBO %'") == 0);  // safety
    CHECK(raw.text("SELECT text FROM outbox WHERE text LIKE 'Red CBO %'") ==
          "Red CBO ALERT sms: a message has waited 31 minutes to be sent");
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'ops.alert_began' "
                      "AND subject = 'ops:outbox_age:sms'") == 1);
    const auto detail = nlohmann::json::parse(raw.text("SELECT detail FROM audit_log WHERE action = 'ops.alert_began'"));
    CHECK(detail["recipients"] == 2);  // the SMS admin and the webhook

    // Still stuck (the admin's own alert is queued too, but younger): nothing new, and a store
    // opened afresh (a restart) remembers it was told.
    CHECK(round(file.path(), cfg, t0 + minutes{40}).empty());
    CHECK(round(file.path(), cfg, t0 + minutes{60 * 5}).empty());  // within repeat_hours
    CHECK(admin_rows() == 1);

    // Both go out: the condition clears, once.
    raw.exec("UPDATE outbox SET status = 'sent'");
    notices = round(file.path(), cfg, t0 + minutes{60 * 6});
    REQUIRE(notices.size() == 1);
    CHECK(notices[0].what == notice_kind::cleared);
    CHECK(admin_rows() == 2);
    CHECK(raw.text("SELECT text FROM outbox WHERE text LIKE 'Red CBO %' ORDER BY id DESC LIMIT 1") ==
          "Red CBO CLEARED sms: outbox_age no longer holds");
    raw.exec("UPDATE outbox SET status = 'sent'");  // the CLEARED notice went too
    CHECK(round(file.path(), cfg, t0 + minutes{60 * 7}).empty());
    CHECK(raw.integer("SELECT cleared_at FROM ops_alerts WHERE kind = 'outbox_age'") ==
          to_unix_ms(t0 + minutes{60 * 6}));
    (void)reply;
}

TEST_CASE("the webhook body names the alert, channel, state and figure") {
    const auto cfg = alert_config();
    const auto body = nlohmann::json::parse(
        notice_json(cfg, {notice_kind::began, {"channel_paused", "sms", 3}}, t0));
    CHECK(body["deployment"] == "Red CBO");
    CHECK(body["alert"] == "channel_paused");
    CHECK(body["channel"] == "sms");
    CHECK(body["state"] == "began");
    CHECK(body["figure"] == 3);
    CHECK(body["at"] == "2023-11-14T22:13:20Z");
    CHECK(body["text"].get<std::string>().find("3 messages held") != std::string::npos);
}
