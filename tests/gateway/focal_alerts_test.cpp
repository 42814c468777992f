// Focal-point alerts of a sensitive case on an injected clock: the first alert at once, a
// reminder every reminder_hours, the backup alerted at the category's deadline, nothing after
// a focal point acknowledges; alerts carry the reference, category and deadline, never the text.
#include "gateway/case_desk.hpp"
#include "gateway/focal_alerts.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

struct sensitive_case : pipeline {
    sensitive_case() {
        const auto person = store.find_or_create_contact("+51911222333", t0);
        messages::case_record c;
        c.reference = "H4P-7RT";
        c.contact_id = person.id;
        c.channel_id = "sms";
        c.type = "complaint";
        c.category = "staff_misconduct";  // deadline_hours 24 in the example
        c.language = "es";
        c.description = "El voluntario Juan me pidió sexo a cambio de la canasta";
        c.sensitive = true;
        c.organisation = "red_cbo";
        c.opened_at = t0;
        c.acknowledge_due_at = t0 + 24h;
        c.due_at = t0 + std::chrono::days{7};
        c.id = store.insert_case(c);
        open_focal_alert(store, cfg, c, t0);
    }
    std::int64_t alerts_to(const std::string& number) {
        return count("SELECT COUNT(*) FROM outbox WHERE to_address = '" + number +
                     "' AND priority = 0");
    }
    alert_pass at(messages::timestamp when) {
        store.begin();
        auto pass = send_due_focal_alerts(store, cfg, when);
        store.commit();
        return pass;
    }
    const std::string primary = "+51987000101";
    const std::string backup = "+51987000102";
};

}  // namespace

TEST_CASE("a sensitive case alerts, reminds, then escalates at its deadline") {
    sensitive_case s;
    auto pass = s.at(t0);
    CHECK(pass.alerts == 1);
    CHECK(s.alerts_to(s.primary) == 1);
    CHECK(s.alerts_to(s.backup) == 0);
    CHECK(s.alerts_to("+51987000201") == 0);  // another organisation's focal point

    const std::string text = [&] {
        raw_db db{s.file.path()};
        return db.text("SELECT text FROM outbox WHERE to_address = '" + s.primary + "'");
    }();
    CHECK(text.find("H4P-7RT") != std::string::npos);
    CHECK(text.find("staff_misconduct") != std::string::npos);
    CHECK(text.find(alert_time(t0 + 24h)) != std::string::npos);
    CHECK(text.find("canasta") == std::string::npos);
    CHECK(text.find("911222333") == std::string::npos);

    CHECK(s.at(t0 + 3h).alerts == 0);  // not yet due
    CHECK(s.at(t0 + 4h).alerts == 1);  // reminder
    CHECK(s.alerts_to(s.primary) == 2);
    for (int h = 8; h <= 20; h += 4) s.at(t0 + std::chrono::hours{h});
    CHECK(s.alerts_to(s.primary) == 6);
    CHECK(s.alerts_to(s.backup) == 0);

    pass = s.at(t0 + 24h);  // the deadline: the backup too
    CHECK(pass.escalations == 1);
    CHECK(s.alerts_to(s.backup) == 1);
    CHECK(s.alerts_to(s.primary) == 7);
    CHECK(s.audit_count("case.alert_escalated") == 1);
    s.at(t0 + 28h);  // reminders go on to both until someone acts
    CHECK(s.alerts_to(s.backup) == 2);
}

TEST_CASE("once a focal point acknowledges the case, the alerts stop") {
    sensitive_case s;
    s.at(t0);
    const messages::officer rosa{3, "Rosa", messages::role::protection_focal_point, "red_cbo"};
    REQUIRE(change_status(s.store, s.cfg, rosa, "H4P-7RT", "acknowledged", {}, t0 + 1h).outcome ==
            desk_outcome::done);
    auto pass = s.at(t0 + 4h);
    CHECK(pass.settled == 1);
    CHECK(pass.alerts == 0);
    s.at(t0 + 30h);
    CHECK(s.alerts_to(s.primary) == 1);
    CHECK(s.alerts_to(s.backup) == 0);
    CHECK(s.count("SELECT settled FROM sensitive_alerts") == 1);
}

TEST_CASE("alert times read the same everywhere") {
    CHECK(alert_time(messages::from_unix_ms(0)) == "1970-01-01 00:00 UTC");
    CHECK(alert_time(messages::from_unix_ms(1'764'081'296'000)) == "2025-11-25 14:34 UTC");
}

TEST_CASE("a description's later SMS join its case; sensitive words there flag it and alert") {
    pipeline p;
    auto person = p.store.find_or_create_contact("+51922333444", t0);
    person.notice_given = true;
    person.last_inbound_at = p.now;
    person.state = {"complaint", "description", {{"category", "documentation"}, {"region", ""}}};
    p.store.save_contact(person);

    const auto opened = p.send("+51922333444", "En la oficina no me entregan el CPP", "SM-A");
    REQUIRE_FALSE(opened.case_reference.empty());
    CHECK(p.count("SELECT sensitive FROM cases") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM sensitive_alerts") == 0);

    const auto part = p.send("+51922333444", "y el guardia quiere sexo a cambio", "SM-B");
    CHECK(part.case_reference.empty());
    CHECK(p.count("SELECT COUNT(*) FROM cases") == 1);
    {
        raw_db db{p.file.path()};
        CHECK(db.text("SELECT description FROM cases") ==
              "En la oficina no me entregan el CPP\ny el guardia quiere sexo a cambio");
    }
    CHECK(p.count("SELECT sensitive FROM cases") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM sensitive_alerts WHERE settled = 0") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM case_events WHERE action = 'flagged' AND actor = 'system'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE priority = 0 AND to_address = '+51922333444'") == 1);
    CHECK(p.audit_count("case.description_added") == 1);
    // The alert round finds it at once.
    p.store.begin();
    const auto pass = send_due_focal_alerts(p.store, p.cfg, p.now);
    p.store.commit();
    CHECK(pass.alerts == 1);
}
