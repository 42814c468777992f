// The "operations" section: admins (a number on a configured channel, or a webhook URL) and the
// alert thresholds, with defaults when absent; every mistake refused at its JSON pointer.
#include "config/load.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

namespace {

load_result with_operations(const json& section) {
    json doc = example_json();
    doc["operations"] = section;
    return load_from_json(doc);
}

}  // namespace

TEST_CASE("operations: admins and thresholds are read; absent values keep their defaults") {
    const auto loaded = with_operations(
        {{"admins", json::array({{{"channel", "sms"}, {"address", "+51900000001"}},
                                 {{"webhook", "https://alerts.example.org/cwc"}}})},
         {"alerts", {{"outbox_age_minutes", 15}, {"repeat_hours", 6}}}});
    INFO(describe(loaded.errors));
    REQUIRE(loaded.value);
    const auto& ops = loaded.value->operations;
    REQUIRE(ops.admins.size() == 2);
    CHECK(ops.admins[0].channel == "sms");
    CHECK(ops.admins[0].address == "+51900000001");
    CHECK(ops.admins[0].webhook.empty());
    CHECK(ops.admins[1].webhook == "https://alerts.example.org/cwc");
    CHECK(ops.alerts.outbox_age_minutes == 15);
    CHECK(ops.alerts.repeat_hours == 6);
    CHECK(ops.alerts.min_free_disk_mb == 1024);
    CHECK(ops.alerts.check_seconds == 60);

    json doc = example_json();
    doc.erase("operations");
    const auto none = load_from_json(doc);
    REQUIRE(none.value);
    CHECK(none.value->operations.admins.empty());
    CHECK(none.value->operations.alerts.quarantine_hours == 24);
}

TEST_CASE("broken operations settings are reported at their JSON pointer") {
    struct variant {
        const char* name;
        json section;
        const char* path;
    };
    const variant variants[] = {
        {"not an object", json::array(), "/operations"},
        {"admins not a list", {{"admins", {{"channel", "sms"}}}}, "/operations/admins"},
        {"unknown channel", {{"admins", json::array({{{"channel", "fax"}, {"address", "+51900000001"}}})}},
         "/operations/admins/0/channel"},
        {"no address", {{"admins", json::array({{{"channel", "sms"}}})}}, "/operations/admins/0/address"},
        {"empty address", {{"admins", json::array({{{"channel", "sms"}, {"address", ""}}})}},
         "/operations/admins/0/address"},
        {"webhook not a URL", {{"admins", json::array({{{"webhook", "ftp://x"}}})}},
         "/operations/admins/0/webhook"},
        {"webhook and channel", {{"admins", json::array({{{"webhook", "https://x.org/a"}, {"channel", "sms"}}})}},
         "/operations/admins/0/webhook"},
        {"zero age", {{"alerts", {{"outbox_age_minutes", 0}}}}, "/operations/alerts/outbox_age_minutes"},
        {"repeat as text", {{"alerts", {{"repeat_hours", "24"}}}}, "/operations/alerts/repeat_hours"},
        {"negative disk", {{"alerts", {{"min_free_disk_mb", -1}}}}, "/operations/alerts/min_free_disk_mb"},
    };
    for (const auto& v : variants) {
        CAPTURE(v.name);
        const auto result = with_operations(v.section);
        CHECK_FALSE(result.value);
        CHECK_MESSAGE(find_problem(result.errors, v.path) != nullptr, describe(result.errors));
    }
    const auto typo = with_operations({{"alerts", {{"repeat_hour", 3}}}});
    REQUIRE(typo.value);
    CHECK(find_problem(typo.warnings, "/operations/alerts/repeat_hour") != nullptr);
}
