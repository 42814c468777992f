// The case desk: what each officer may do to a case, the moves the lifecycle allows, the event
// and audit entry of every change, an answer queued to the person, referrals needing consent,
// and sensitive flags that only a focal point can clear. Real SQLite store, example config.
#include "gateway/case_desk.hpp"
#include "messages/sqlite_case_reader.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

struct desk : pipeline {
    desk() {
        person = store.find_or_create_contact("+51987654321", t0);
        messages::case_record c;
        c.reference = "Q7K-2M4";
        c.contact_id = person.id;
        c.channel_id = "sms";
        c.type = "complaint";
        c.category = "documentation";
        c.language = "es";
        c.description = "Me cobraron por el CPP, llamen al 987654321";
        c.organisation = "red_cbo";
        c.opened_at = t0;
        c.acknowledge_due_at = t0 + 24h;
        c.due_at = t0 + std::chrono::days{7};
        store.insert_case(c);
    }
    messages::contact person;
    const messages::officer lucia{1, "Lucía", messages::role::aap_officer, "red_cbo"};
    const messages::officer omar{2, "Omar", messages::role::aap_officer, "union_venezolana"};
    const messages::officer rosa{3, "Rosa", messages::role::protection_focal_point, "red_cbo"};
    const messages::officer ada{4, "Ada", messages::role::admin, "red_cbo"};
    const messages::officer iris{5, "Iris", messages::role::auditor, "red_cbo"};
};

}  // namespace

TEST_CASE("an officer moves a case through its life; each change has its event and audit entry") {
    desk d;
    auto r = change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "acknowledged", {"seen"}, t0 + 1h);
    REQUIRE(r.outcome == desk_outcome::done);
    CHECK(r.after->acknowledged_at == t0 + 1h);
    CHECK(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "new", {}, t0 + 2h).outcome ==
          desk_outcome::not_allowed);
    CHECK(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "lost", {}, t0 + 2h).outcome ==
          desk_outcome::invalid);
    CHECK(assign(d.store, d.cfg, d.lucia, "Q7K-2M4", "Lucía", {}, t0 + 2h).outcome == desk_outcome::done);
    CHECK(set_codes(d.store, d.cfg, d.lucia, "Q7K-2M4", {"cpp_delay", "cpp_delay", "appointment"}, {},
                    t0 + 2h)
              .after->codes == std::vector<std::string>{"cpp_delay", "appointment"});
    CHECK(set_codes(d.store, d.cfg, d.lucia, "Q7K-2M4", {"sea"}, {}, t0 + 2h).outcome ==
          desk_outcome::invalid);  // a code of another category

    CHECK(d.count("SELECT COUNT(*) FROM case_events WHERE actor = 'officer:Lucía'") == 3);
    CHECK(d.audit_count("case.status") == 1);
    CHECK(d.audit_count("case.coded") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%seen%'") == 0);  // notes stay internal

    r = change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "closed", {}, t0 + 3h);
    CHECK(r.after->closed_at == t0 + 3h);
    CHECK(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "in_progress", {}, t0 + 4h).outcome ==
          desk_outcome::not_allowed);
    CHECK(respond(d.store, d.cfg, d.lucia, "Q7K-2M4", "Hola", {}, t0 + 4h).outcome ==
          desk_outcome::not_allowed);
    CHECK(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "reopened", {}, t0 + 4h).outcome ==
          desk_outcome::done);
}

TEST_CASE("other organisations, auditors and unknown references get 'not found'") {
    desk d;
    CHECK(change_status(d.store, d.cfg, d.omar, "Q7K-2M4", "acknowledged", {}, t0).outcome ==
          desk_outcome::not_found);
    CHECK(read_case_audited(d.store, d.cfg, d.iris, "Q7K-2M4", t0).outcome == desk_outcome::not_found);
    CHECK(read_case_audited(d.store, d.cfg, d.lucia, "ZZZ-999", t0).outcome == desk_outcome::not_found);
    CHECK(read_case_audited(d.store, d.cfg, d.ada, "Q7K-2M4", t0).outcome == desk_outcome::done);
    CHECK(d.audit_count("case.read") == 1);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'officer:Ada'") == 1);
}

TEST_CASE("an answer goes to the person on the case's channel, with nothing added") {
    desk d;
    auto r = respond(d.store, d.cfg, d.lucia, "Q7K-2M4", "Puede recoger su CPP el lunes.", {"called"},
                     t0 + 1h);
    REQUIRE(r.outcome == desk_outcome::done);
    CHECK(r.after->status == "responded");
    CHECK(r.after->responded_at == t0 + 1h);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE text = 'Puede recoger su CPP el lunes.' AND "
                  "channel_id = 'sms' AND to_address = '+51987654321' AND priority = 2") == 1);
    CHECK(respond(d.store, d.cfg, d.lucia, "Q7K-2M4", "", {}, t0).outcome == desk_outcome::invalid);
    CHECK(respond(d.store, d.cfg, d.lucia, "Q7K-2M4", "\xff\xfe", {}, t0).outcome == desk_outcome::invalid);

    auto person = d.person;
    person.opted_out = true;
    d.store.save_contact(person);
    CHECK(respond(d.store, d.cfg, d.lucia, "Q7K-2M4", "Otra", {}, t0 + 2h).outcome ==
          desk_outcome::opted_out);
    CHECK(d.count("SELECT COUNT(*) FROM outbox") == 1);
}

TEST_CASE("a referral sharing the person's number needs their recorded consent") {
    desk d;
    gateway::referral_request to_union{"union_venezolana", "", true, false};
    CHECK(refer(d.store, d.cfg, d.lucia, "Q7K-2M4", to_union, {}, t0).outcome ==
          desk_outcome::needs_consent);
    CHECK(refer(d.store, d.cfg, d.lucia, "Q7K-2M4", {"nobody", "", false, false}, {}, t0).outcome ==
          desk_outcome::invalid);
    to_union.consent_recorded = true;
    auto r = refer(d.store, d.cfg, d.lucia, "Q7K-2M4", to_union, {}, t0 + 1h);
    REQUIRE(r.outcome == desk_outcome::done);
    CHECK(r.after->status == "referred");
    CHECK(r.after->referred_organisation == "union_venezolana");
    CHECK(r.after->contact_shared);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.referred' AND "
                  "detail LIKE '%\"consent_recorded\":true%'") == 1);
}

TEST_CASE("flagged sensitive, a case leaves every view but its focal points'; only they unflag") {
    desk d;
    auto r = flag_sensitive(d.store, d.cfg, d.lucia, "Q7K-2M4", {"mentions abuse"}, t0 + 1h);
    REQUIRE(r.outcome == desk_outcome::done);
    CHECK(r.after->sensitive);
    CHECK(d.count("SELECT COUNT(*) FROM sensitive_alerts WHERE settled = 0") == 1);
    // Lucía flagged it and can no longer see it; admins neither.
    CHECK(read_case_audited(d.store, d.cfg, d.lucia, "Q7K-2M4", t0).outcome == desk_outcome::not_found);
    CHECK(read_case_audited(d.store, d.cfg, d.ada, "Q7K-2M4", t0).outcome == desk_outcome::not_found);
    CHECK(read_case_audited(d.store, d.cfg, d.rosa, "Q7K-2M4", t0).outcome == desk_outcome::done);

    messages::sqlite_case_reader reader{d.file.path()};
    messages::case_query q;
    q.organisation = "red_cbo";
    CHECK(reader.list_cases(q).empty());

    const messages::officer admin_focal{7, "Ana", messages::role::admin, "red_cbo"};
    CHECK(unflag_sensitive(d.store, d.cfg, admin_focal, "Q7K-2M4", {}, t0).outcome ==
          desk_outcome::not_found);
    CHECK(unflag_sensitive(d.store, d.cfg, d.rosa, "Q7K-2M4", {"not sensitive"}, t0 + 2h).outcome ==
          desk_outcome::done);
    CHECK(reader.list_cases(q).size() == 1);
}

TEST_CASE("closing asks the person's satisfaction (reference only); their 1-5 is the rating") {
    desk d;
    auto person = d.person;
    person.notice_given = true;
    d.store.save_contact(person);
    REQUIRE(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "closed", {}, d.now).outcome ==
            desk_outcome::done);
    {
        raw_db db{d.file.path()};
        const std::string question = db.text("SELECT text FROM outbox");
        CHECK(question.find("Q7K-2M4") != std::string::npos);
        CHECK(question.find("CPP") == std::string::npos);
    }
    const auto waiting = d.store.find_contact(d.person.id);
    REQUIRE(waiting);
    CHECK(waiting->state.step == "rating");

    // Hours later (past the conversation timeout) the person answers.
    d.now += std::chrono::hours{5};
    auto r = d.send("+51987654321", "4", "SM-RATE");
    CHECK(r.replies == std::vector<std::string>{d.cfg.satisfaction.thanks.at("es")});
    CHECK(d.count("SELECT satisfaction FROM cases") == 4);
    CHECK(d.count("SELECT COUNT(*) FROM case_events WHERE action = 'rated' AND actor = 'contact'") == 1);
    CHECK(d.audit_count("case.rated") == 1);
    // Anything else afterwards is an ordinary message.
    auto next = d.send("+51987654321", "5", "SM-NEXT");
    CHECK(d.count("SELECT satisfaction FROM cases") == 4);
    CHECK(next.replies != std::vector<std::string>{d.cfg.satisfaction.thanks.at("es")});
}

TEST_CASE("a reply that is not a rating is read as an ordinary message") {
    desk d;
    REQUIRE(change_status(d.store, d.cfg, d.lucia, "Q7K-2M4", "closed", {}, d.now).outcome ==
            desk_outcome::done);
    auto r = d.send("+51987654321", "hola", "SM-HOLA");
    CHECK(d.count("SELECT satisfaction FROM cases") == 0);
    CHECK_FALSE(r.replies.empty());
    CHECK(d.store.find_contact(d.person.id)->state.step != "rating");
}
