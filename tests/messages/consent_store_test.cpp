// Consent on a real SQLite file: store.broadcasts().apply_consent keeps subscribers,
// subscriptions and the consent log, and the contact comes back with its topics and region from
// every look-up (by id, by address, find-or-create).
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace cwc::messages;
using namespace std::chrono_literals;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const timestamp t0 = from_unix_ms(1'794'787'200'000);

struct consent_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};

    void apply(const contact& c, const std::string& channel, consent_change change,
               timestamp at = t0) {
        s.broadcasts().apply_consent(c.id, channel, change, at);
    }
    // consent_log as "action topic region channel source" lines, oldest first.
    std::vector<std::string> log(const contact& c) {
        raw_db raw{file.path()};
        const auto n = raw.integer("SELECT COUNT(*) FROM consent_log WHERE contact_id = " +
                                   std::to_string(c.id));
        std::vector<std::string> out;
        for (std::int64_t i = 0; i < n; ++i) {
            out.push_back(raw.text(
                "SELECT action || ' ' || topic || ' ' || region || ' ' || channel_id || ' ' || "
                "source FROM consent_log WHERE contact_id = " + std::to_string(c.id) +
                " ORDER BY id LIMIT 1 OFFSET " + std::to_string(i)));
        }
        return out;
    }
    std::string scalar(const std::string& sql) { return raw_db{file.path()}.text(sql); }
};

consent_change subscribed(const char* topic, const char* source = "menu") {
    return {consent_action::subscribed, topic, "", source};
}

}  // namespace

TEST_CASE("subscriptions, region and the log are kept, and the contact is loaded with them") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000001", t0);
    CHECK(c.topics.empty());
    CHECK(c.region.empty());

    f.apply(c, "sms", subscribed("health_brigades"));
    f.apply(c, "sms", {consent_action::region_set, "", "lima", "menu"}, t0 + 1s);
    f.apply(c, "sms", subscribed("anti_rumour"), t0 + 2s);
    f.apply(c, "sms", subscribed("documentation_drives", "keyword"), t0 + 3s);
    f.apply(c, "sms", {consent_action::unsubscribed, "health_brigades", "", "menu"}, t0 + 4s);

    const std::vector<std::string> topics{"anti_rumour", "documentation_drives"};  // sorted
    for (const auto& loaded : {f.s.find_contact(c.id), f.s.find_contact_by_address(c.address),
                               std::optional{f.s.find_or_create_contact(c.address, t0 + 5s)}}) {
        REQUIRE(loaded);
        CHECK(loaded->id == c.id);
        CHECK(loaded->topics == topics);
        CHECK(loaded->region == "lima");
    }
    CHECK(f.scalar("SELECT channel_id FROM subscribers WHERE contact_id = " +
                   std::to_string(c.id)) == "sms");
    CHECK(f.log(c) == std::vector<std::string>{
                          "subscribed health_brigades  sms menu",
                          "region_set  lima sms menu",
                          "subscribed anti_rumour  sms menu",
                          "subscribed documentation_drives  sms keyword",
                          "unsubscribed health_brigades  sms menu",
                      });
    CHECK(f.scalar("SELECT at FROM consent_log WHERE action = 'unsubscribed'") ==
          std::to_string(to_unix_ms(t0 + 4s)));
}

TEST_CASE("subscribing again on another channel moves broadcasts there; the repeat is logged") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000002", t0);
    f.apply(c, "sms", subscribed("health_brigades"));
    f.apply(c, "sms", {consent_action::region_set, "", "callao", "menu"});
    f.apply(c, "wa", subscribed("health_brigades"), t0 + 1h);
    CHECK(f.scalar("SELECT COUNT(*) FROM subscriptions WHERE contact_id = " +
                   std::to_string(c.id)) == "1");
    CHECK(f.scalar("SELECT since FROM subscriptions") == std::to_string(to_unix_ms(t0)));
    CHECK(f.scalar("SELECT channel_id || ' ' || region FROM subscribers") == "wa callao");
    CHECK(f.log(c).size() == 3);
}

TEST_CASE("opting out removes every subscription; opting in logs and restores none") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000003", t0);
    const auto other = f.s.find_or_create_contact("+51987000004", t0);
    f.apply(c, "sms", subscribed("health_brigades"));
    f.apply(c, "sms", subscribed("gbv_prevention"));
    f.apply(c, "sms", {consent_action::region_set, "", "ica", "menu"});
    f.apply(other, "sms", subscribed("gbv_prevention"));

    f.apply(c, "sms", {consent_action::opted_out, "", "", "stop"}, t0 + 1min);
    auto loaded = f.s.find_contact(c.id);
    REQUIRE(loaded);
    CHECK(loaded->topics.empty());
    CHECK(loaded->region == "ica");  // where they live is not a subscription
    CHECK(f.s.find_contact(other.id)->topics == std::vector<std::string>{"gbv_prevention"});

    f.apply(c, "sms", {consent_action::opted_in, "", "", "start"}, t0 + 2min);
    CHECK(f.s.find_contact(c.id)->topics.empty());
    const auto lines = f.log(c);
    REQUIRE(lines.size() == 5);
    CHECK(lines[3] == "opted_out   sms stop");
    CHECK(lines[4] == "opted_in   sms start");
}

TEST_CASE("a region given before any topic makes the person a subscriber on their channel") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000005", t0);
    f.apply(c, "wa", {consent_action::region_set, "", "arequipa", "menu"});
    CHECK(f.scalar("SELECT channel_id || ' ' || region FROM subscribers") == "wa arequipa");
    CHECK(f.s.find_contact(c.id)->region == "arequipa");
    CHECK(f.s.find_contact(c.id)->topics.empty());
}

TEST_CASE("consent joins the unit's transaction: rolled back with it") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000006", t0);
    f.s.begin();
    f.s.savepoint();
    f.apply(c, "sms", subscribed("health_brigades"));
    f.s.rollback_to_savepoint();
    f.s.commit();
    CHECK(f.scalar("SELECT COUNT(*) FROM subscriptions") == "0");
    CHECK(f.scalar("SELECT COUNT(*) FROM consent_log") == "0");
    CHECK(f.scalar("SELECT COUNT(*) FROM subscribers") == "0");
}

TEST_CASE("a subscription without a topic is refused") {
    consent_fixture f;
    const auto c = f.s.find_or_create_contact("+51987000007", t0);
    CHECK_THROWS_AS(f.apply(c, "sms", subscribed("")), store_error);
}
