// The case workflow in the SQLite store and its read side: lifecycle rules, role scopes, case
// updates and events, officers' lists with filters and paging, overdue flags, a person's
// conversation across channels, and the sensitive-case alert rows.
#include "messages/case_lifecycle.hpp"
#include "messages/officer.hpp"
#include "messages/sqlite_case_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <chrono>

using namespace cwc::messages;
using cwc::messages::testing::temp_db;
using namespace std::chrono_literals;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

case_record make_case(std::int64_t contact_id, std::string reference, std::string organisation,
                      bool sensitive, timestamp opened) {
    case_record c;
    c.reference = std::move(reference);
    c.contact_id = contact_id;
    c.channel_id = "sms";
    c.type = "complaint";
    c.category = sensitive ? "sea" : "documentation";
    c.region = "lima";
    c.language = "es";
    c.description = "texto";
    c.sensitive = sensitive;
    c.organisation = std::move(organisation);
    c.codes = {"cpp_delay", "appointment"};
    c.opened_at = opened;
    c.acknowledge_due_at = opened + 24h;
    c.due_at = opened + std::chrono::days{7};
    return c;
}

inbound_message inbound(std::string id, std::string text, timestamp at) {
    inbound_message m;
    m.channel_id = "sms";
    m.provider_message_id = std::move(id);
    m.from = "+51987654321";
    m.text = std::move(text);
    m.received_at = at;
    return m;
}

}  // namespace

TEST_CASE("case lifecycle: allowed moves and the times that go with them") {
    CHECK(may_move("new", "acknowledged"));
    CHECK(may_move("new", "closed"));
    CHECK(may_move("referred", "responded"));
    CHECK(may_move("closed", "reopened"));
    CHECK_FALSE(may_move("closed", "in_progress"));
    CHECK_FALSE(may_move("acknowledged", "new"));
    CHECK_FALSE(may_move("new", "reopened"));
    CHECK_FALSE(may_move("new", "new"));
    CHECK_FALSE(may_move("new", "lost"));

    case_record c = make_case(1, "A", "red_cbo", false, t0);
    CHECK_FALSE(is_overdue(c, t0 + 23h));
    CHECK(is_overdue(c, t0 + 25h));  // never acknowledged past its target
    move_to(c, "in_progress", t0 + 2h);
    CHECK(c.acknowledged_at == t0 + 2h);  // the first move out of "new" acknowledges
    CHECK_FALSE(is_overdue(c, t0 + 25h));
    CHECK(is_overdue(c, t0 + std::chrono::days{8}));
    move_to(c, "responded", t0 + 3h);
    move_to(c, "closed", t0 + 4h);
    CHECK(c.responded_at == t0 + 3h);
    CHECK(c.closed_at == t0 + 4h);
    CHECK_FALSE(is_overdue(c, t0 + std::chrono::days{30}));
    move_to(c, "reopened", t0 + 5h);
    CHECK(c.closed_at == timestamp{});
    CHECK(c.responded_at == t0 + 3h);  // the first answer stays on record
    CHECK(c.acknowledged_at == t0 + 2h);
}

TEST_CASE("role scopes: sensitive cases only for their organisation's focal points") {
    const case_record plain = make_case(1, "A", "red_cbo", false, t0);
    const case_record sensitive = make_case(1, "B", "red_cbo", true, t0);
    const case_record other_org = make_case(1, "C", "union_venezolana", false, t0);
    const officer admin{1, "Ada", role::admin, "red_cbo"};
    const officer aap{2, "Lucía", role::aap_officer, "red_cbo"};
    const officer focal{3, "Rosa", role::protection_focal_point, "red_cbo"};
    const officer other_focal{4, "Omar", role::protection_focal_point, "union_venezolana"};
    const officer auditor{5, "Iris", role::auditor, "red_cbo"};
    const officer broadcaster{6, "Beto", role::cbo_broadcaster, "red_cbo"};

    CHECK(may_read(admin, plain));
    CHECK(may_read(admin, other_org));
    CHECK_FALSE(may_read(admin, sensitive));
    CHECK(may_read(aap, plain));
    CHECK_FALSE(may_read(aap, sensitive));
    CHECK_FALSE(may_read(aap, other_org));
    CHECK(may_read(focal, sensitive));
    CHECK_FALSE(may_read(other_focal, sensitive));
    CHECK_FALSE(may_read(auditor, plain));
    CHECK_FALSE(may_read(broadcaster, plain));
    CHECK(may_unflag(focal, sensitive));
    CHECK_FALSE(may_unflag(aap, sensitive));
    CHECK_FALSE(may_unflag(other_focal, sensitive));
    CHECK(may_read_reports(auditor));
    CHECK_FALSE(may_read_reports(broadcaster));
    CHECK_FALSE(may_export(auditor));
    CHECK(role_named("protection_focal_point") == role::protection_focal_point);
    CHECK_FALSE(role_named("root").has_value());
}

TEST_CASE("cases are updated with their events and listed by the officers' filters") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const contact person = s.find_or_create_contact("+51987654321", t0);
    const contact other = s.find_or_create_contact("+51911111111", t0);
    s.insert_case(make_case(person.id, "AAA-111", "red_cbo", false, t0));
    s.insert_case(make_case(person.id, "BBB-222", "red_cbo", true, t0 + 1h));
    s.insert_case(make_case(other.id, "CCC-333", "union_venezolana", false, t0 + 2h));
    s.insert_case(make_case(other.id, "DDD-444", "red_cbo", false, t0 + 3h));

    auto loaded = s.load_case("AAA-111");
    REQUIRE(loaded);
    CHECK(loaded->codes == std::vector<std::string>{"cpp_delay", "appointment"});
    CHECK(loaded->acknowledge_due_at == t0 + 24h);
    move_to(*loaded, "referred", t0 + 5h);
    loaded->referred_organisation = "union_venezolana";
    loaded->assigned_to = "Lucía";
    s.update_case(*loaded);
    s.append_case_event({loaded->id, t0 + 5h, "officer:Lucía", "referred", "new", "referred",
                         "to legal aid"});
    case_record ghost = *loaded;
    ghost.id = 999;
    CHECK_THROWS_AS(s.update_case(ghost), store_error);

    sqlite_case_reader reader{file.path()};
    case_query q;
    q.now = t0 + 28h;
    q.organisation = "red_cbo";
    auto rows = reader.list_cases(q);
    REQUIRE(rows.size() == 2);  // the sensitive one and the other organisation's are left out
    CHECK(rows[0].record.reference == "DDD-444");  // newest first
    CHECK(rows[1].record.reference == "AAA-111");
    CHECK(rows[1].record.status == "referred");
    CHECK(rows[1].record.assigned_to == "Lucía");
    CHECK(rows[1].contact_key == person.pseudonym);
    CHECK(rows[1].contact_key.find("987654321") == std::string::npos);
    CHECK(rows[0].overdue);  // never acknowledged after 24 h
    CHECK_FALSE(rows[1].overdue);

    q.overdue_only = true;
    rows = reader.list_cases(q);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].record.reference == "DDD-444");

    q.overdue_only = false;
    q.sensitive = sensitivity::only;
    CHECK(reader.count_cases(q) == 1);
    q.sensitive = sensitivity::include;
    CHECK(reader.count_cases(q) == 3);
    q.limit = 2;
    rows = reader.list_cases(q);
    REQUIRE(rows.size() == 2);
    q.before_id = rows.back().record.id;
    rows = reader.list_cases(q);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].record.reference == "AAA-111");

    case_query everyone;
    everyone.now = t0;
    everyone.status = "referred";
    CHECK(reader.count_cases(everyone) == 1);
    everyone.status.clear();
    everyone.opened_from = t0 + 1h;
    everyone.opened_to = t0 + 3h;
    rows = reader.list_cases(everyone);
    REQUIRE(rows.size() == 1);  // BBB is sensitive (excluded), DDD opened at 3h (excluded)
    CHECK(rows[0].record.reference == "CCC-333");

    const auto events = reader.case_events(loaded->id);
    REQUIRE(events.size() == 2);
    CHECK(events[0].action == "opened");
    CHECK(events[1].actor == "officer:Lucía");
    CHECK(events[1].note == "to legal aid");
    CHECK_FALSE(reader.read_case("ZZZ-999", t0));
}

TEST_CASE("a person's conversation reads both ways, in order, across channels") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const contact person = s.find_or_create_contact("+51987654321", t0);
    s.insert_inbound(inbound("SM1", "hola", t0), person.id, inbound_outcome::handled);
    outbound_message reply;
    reply.contact_id = person.id;
    reply.channel_id = "sms";
    reply.to = person.address;
    reply.text = "menú";
    reply.created_at = t0 + 1s;
    reply.next_attempt_at = t0 + 1s;
    s.enqueue(reply);
    s.insert_inbound(inbound("SM2", "2", t0 + 2s), person.id, inbound_outcome::handled);

    sqlite_case_reader reader{file.path()};
    const auto all = reader.conversation(person.id, 100);
    REQUIRE(all.size() == 3);
    CHECK(all[0].text == "hola");
    CHECK(all[0].inbound);
    CHECK(all[1].text == "menú");
    CHECK_FALSE(all[1].inbound);
    CHECK(all[1].status == "queued");
    CHECK(all[2].text == "2");
    const auto last = reader.conversation(person.id, 2);
    REQUIRE(last.size() == 2);
    CHECK(last[0].text == "menú");  // the most recent two, oldest first
}

TEST_CASE("sensitive alerts: due ones in order, settled ones never again") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const contact person = s.find_or_create_contact("+51987654321", t0);
    const auto a = s.insert_case(make_case(person.id, "AAA-111", "red_cbo", true, t0));
    const auto b = s.insert_case(make_case(person.id, "BBB-222", "red_cbo", true, t0));
    s.open_sensitive_alert({a, "AAA-111", "red_cbo", "sea", t0 + 24h, t0, 0, false, false});
    s.open_sensitive_alert({b, "BBB-222", "red_cbo", "sea", t0 + 24h, t0 + 1h, 0, false, false});
    CHECK(s.next_sensitive_alert() == t0);
    auto due = s.due_sensitive_alerts(t0 + 30min, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].reference == "AAA-111");
    due[0].alerts_sent = 1;
    due[0].next_alert_at = t0 + 4h;
    s.save_sensitive_alert(due[0]);
    due = s.due_sensitive_alerts(t0 + 2h, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].reference == "BBB-222");
    due[0].settled = true;
    s.save_sensitive_alert(due[0]);
    CHECK(s.due_sensitive_alerts(t0 + 100h, 10).size() == 1);
    // Opening again (an officer flags it) keeps the first alert's rounds.
    s.open_sensitive_alert({a, "AAA-111", "red_cbo", "sea", t0 + 48h, t0 + 10h, 0, false, false});
    due = s.due_sensitive_alerts(t0 + 5h, 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].alerts_sent == 1);
    CHECK(due[0].deadline_at == t0 + 24h);
}
