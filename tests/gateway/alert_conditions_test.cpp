// When the admins are told: each condition once when it begins, again only after repeat_hours
// while it holds, once when it clears, and anew when it recurs; what holds, from the store's
// picture, the live pauses and an injected free-disk figure; texts with counts and ids only.
#include "gateway/alert_conditions.hpp"

#include <doctest/doctest.h>

using namespace cwc::gateway;
using cwc::messages::from_unix_ms;
using cwc::messages::ops_alert_state;
using cwc::messages::timestamp;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);
const alert_condition paused_sms{"channel_paused", "sms", 3};

// Applies a plan's rows to `kept`, as the store does.
void save_rows(std::vector<ops_alert_state>& kept, const alert_plan& plan) {
    for (const auto& row : plan.to_save) {
        bool found = false;
        for (auto& k : kept)
            if (k.kind == row.kind && k.channel_id == row.channel_id) k = row, found = true;
        if (!found) kept.push_back(row);
    }
}

}  // namespace

TEST_CASE("a condition is told once when it begins, reminded after repeat_hours, cleared once, told anew") {
    struct step {
        minutes at;
        bool holds;
        std::vector<notice_kind> expected;
    };
    const step steps[] = {
        {minutes{0}, true, {notice_kind::began}},
        {minutes{1}, true, {}},
        {minutes{60 * 5}, true, {}},
        {minutes{60 * 6}, true, {notice_kind::reminder}},
        {minutes{60 * 6 + 1}, true, {}},
        {minutes{60 * 7}, false, {notice_kind::cleared}},
        {minutes{60 * 8}, false, {}},
        {minutes{60 * 9}, true, {notice_kind::began}},
        {minutes{60 * 9 + 1}, true, {}},
    };
    std::vector<ops_alert_state> kept;
    for (const auto& s : steps) {
        CAPTURE(s.at.count());
        std::vector<alert_condition> holding;
        if (s.holds) holding.push_back(paused_sms);
        const auto plan = plan_alerts(holding, kept, t0 + s.at, hours{6});
        std::vector<notice_kind> got;
        for (const auto& n : plan.notices) got.push_back(n.what);
        CHECK(got == s.expected);
        save_rows(kept, plan);
    }
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].times_sent == 3);  // began, reminder, began again
    CHECK(kept[0].holding());
    CHECK(kept[0].began_at == t0 + minutes{60 * 9});
}

TEST_CASE("conditions per channel are told apart") {
    std::vector<ops_alert_state> kept;
    auto plan = plan_alerts({paused_sms, {"dead_letters", "sms", 2}, {"dead_letters", "wa", 1}}, kept, t0, hours{24});
    CHECK(plan.notices.size() == 3);
    save_rows(kept, plan);
    plan = plan_alerts({paused_sms, {"dead_letters", "sms", 2}}, kept, t0 + minutes{1}, hours{24});
    REQUIRE(plan.notices.size() == 1);
    CHECK(plan.notices[0].what == notice_kind::cleared);
    CHECK(plan.notices[0].condition.channel_id == "wa");
}

TEST_CASE("what holds: pauses (live or held rows), an old outbox, dead letters, sensitive cases, quarantine, low disk") {
    cwc::config::alert_settings settings;
    settings.outbox_age_minutes = 30;
    settings.min_free_disk_mb = 500;
    cwc::messages::ops_picture p;
    CHECK(conditions_holding(p, {}, std::uint64_t{10} << 30, settings).empty());

    p.pending.push_back({"sms", "reply", 4, 31 * 60'000});
    p.pending.push_back({"wa", "broadcast", 900, 5 * 3600'000});  // a long broadcast is no alert
    p.pending.push_back({"wa", "reply", 1, 29 * 60'000});
    p.channels.push_back({"sms", 2, 5, 7, 1});
    p.sensitive_overdue_cases = 1;
    const auto held = conditions_holding(p, {"wa"}, std::uint64_t{499} * 1024 * 1024, settings);
    auto has = [&](const char* kind, const char* channel, std::int64_t figure) {
        for (const auto& c : held)
            if (c.kind == kind && c.channel_id == channel) return c.figure == figure;
        return false;
    };
    CHECK(has("channel_paused", "sms", 5));
    CHECK(has("channel_paused", "wa", 0));  // paused live, nothing held yet
    CHECK(has("outbox_age", "sms", 31));
    CHECK(has("dead_letters", "sms", 2));
    CHECK(has("sensitive_overdue", "", 1));
    CHECK(has("quarantine", "sms", 1));
    CHECK(has("low_disk", "", 499));
    CHECK(held.size() == 7);
    // Free space just enough, and an unknown figure, raise nothing.
    const auto enough = conditions_holding({}, {}, std::uint64_t{500} * 1024 * 1024, settings);
    CHECK(enough.empty());
    CHECK(conditions_holding({}, {}, std::nullopt, settings).empty());
}

TEST_CASE("notice texts carry the channel id and counts, and say when it cleared") {
    const auto began = notice_text("Red CBO Lima", {notice_kind::began, paused_sms});
    CHECK(began == "Red CBO Lima ALERT sms: channel paused, the provider refused its credentials "
                   "(3 messages held); renew them");
    CHECK(notice_text("", {notice_kind::reminder, {"low_disk", "", 99}}) ==
          "cwc-gateway STILL: only 99 MB free where the database lives");
    CHECK(notice_text("X", {notice_kind::cleared, {"outbox_age", "wa", 0}}) ==
          "X CLEARED wa: outbox_age no longer holds");
}
