// Broadcasts on a real SQLite file, the write side (store.broadcasts()): create/load/save,
// pausing, resuming and cancelling rows, consent dropped since planning, reply linking, and the
// outbox columns of broadcast rows.
#include "messages/broadcast_reader.hpp"
#include "tests/messages/broadcast_fixture.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace cwc::messages;
using namespace cwc::messages::testing;
using namespace std::chrono_literals;

TEST_CASE("a broadcast keeps its segment, texts and templates; save changes its progress fields") {
    broadcast_fixture f;
    const broadcast b = campaign();
    const auto id = f.s.broadcasts().create(b);
    auto loaded = f.s.broadcasts().load(id);
    REQUIRE(loaded.has_value());
    CHECK(loaded->id == id);
    CHECK(loaded->segment == b.segment);
    CHECK(loaded->texts == b.texts);
    CHECK(loaded->templates == b.templates);
    CHECK(loaded->scheduled_at == b.scheduled_at);
    CHECK_FALSE(loaded->respect_quiet_hours);
    CHECK(loaded->status == broadcast_status::draft);
    CHECK_FALSE(loaded->confirmed_at.has_value());

    loaded->status = broadcast_status::sending;
    loaded->confirmed_at = t0 + 1h;
    loaded->planned = 42;
    loaded->scheduled_at.reset();
    loaded->name = "not saved";
    f.s.broadcasts().save(*loaded);
    const auto again = f.s.broadcasts().load(id).value();
    CHECK(again.status == broadcast_status::sending);
    CHECK(again.confirmed_at == t0 + 1h);
    CHECK(again.planned == 42);
    CHECK_FALSE(again.scheduled_at.has_value());
    CHECK(again.name == b.name);
    CHECK_FALSE(f.s.broadcasts().load(id + 1).has_value());
    loaded->id = id + 1;
    CHECK_THROWS_AS(f.s.broadcasts().save(*loaded), store_error);
}

TEST_CASE("pause, resume and cancel change only the broadcast's waiting rows") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto other = f.s.broadcasts().create(campaign());
    const auto a = f.person(), b = f.person(), c = f.person();
    const auto now_due = f.row(a, id);
    const auto later = f.row(b, id, t0 + 10h);
    const auto claimed = f.row(c, id);
    const auto elsewhere = f.row(a, other);
    REQUIRE(f.s.claim_due("sms", t0, 100, outbound_priority::broadcast).size() >= 1);
    // Only c's row and a's first were due and in turn; make the test independent of which:
    raw_db{f.file.path()}.exec("UPDATE outbox SET status = 'queued' WHERE id != " + std::to_string(claimed));
    CHECK(f.s.broadcasts().has_pending_rows(id));

    CHECK(f.s.broadcasts().pause_rows(id, t0 + 1h) == 2);
    CHECK(f.status_of(now_due) == "paused/");
    CHECK(f.status_of(claimed) == "sending/");  // already sending: it finishes
    CHECK(f.status_of(elsewhere) == "queued/");
    CHECK(f.s.find_outbound(now_due)->status == outbound_status::queued);  // paused reads as waiting
    const auto report = f.s.report_outbox("");
    REQUIRE(report.size() == 1);
    CHECK(report[0].queued == 3);  // two paused, one of the other broadcast
    CHECK(report[0].sending == 1);
    CHECK(report[0].failed == 0);
    CHECK(f.s.claim_due("sms", t0 + 20h, 100, outbound_priority::broadcast).size() == 1);  // `elsewhere`

    const auto made_due = f.s.enqueued_so_far();
    CHECK(f.s.broadcasts().resume_rows(id, t0 + 2h) == 2);
    CHECK(f.s.enqueued_so_far() == made_due + 2);  // so the writer wakes the dispatcher
    CHECK(f.s.find_outbound(now_due)->next_attempt_at == t0 + 2h);
    CHECK(f.s.find_outbound(later)->next_attempt_at == t0 + 10h);  // due later: keeps its time

    CHECK(f.s.broadcasts().pause_rows(id, t0 + 3h) == 2);
    CHECK(f.s.broadcasts().cancel_rows(id, t0 + 4h) == 2);
    CHECK(f.status_of(now_due) == "cancelled/" + std::string{cancelled_code});
    CHECK(f.status_of(later) == "cancelled/" + std::string{cancelled_code});
    CHECK(f.s.find_outbound(later)->status == outbound_status::failed);
    CHECK(f.s.broadcasts().has_pending_rows(id));  // the claimed row is still sending
    f.s.record_send_result(claimed, {send_result::outcome::sent, "SM1", "", {}}, t0 + 4h);
    CHECK_FALSE(f.s.broadcasts().has_pending_rows(id));
    CHECK(f.s.broadcasts().cancel_rows(id, t0 + 5h) == 0);
}

TEST_CASE("a row whose person withdrew consent is dropped without counting as an attempt") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto a = f.person(), b = f.person();
    const auto dropped = f.row(a, id);
    const auto kept = f.row(b, id);
    REQUIRE(f.s.claim_due("sms", t0, 100, outbound_priority::broadcast).size() == 2);
    f.s.broadcasts().drop_unconsented(dropped, t0 + 1s);
    CHECK(f.status_of(dropped) == "cancelled/" + std::string{opted_out_since_code});
    CHECK(f.s.find_outbound(dropped)->attempts == 0);
    CHECK(f.status_of(kept) == "sending/");
    // Not a broadcast row: never touched.
    outbound_message reply;
    reply.contact_id = a.id;
    reply.channel_id = "sms";
    reply.to = a.address;
    reply.text = "answer";
    reply.created_at = t0;
    const auto reply_id = f.s.enqueue(reply);
    f.s.broadcasts().drop_unconsented(reply_id, t0 + 1s);
    CHECK(f.status_of(reply_id) == "queued/");
}

TEST_CASE("a message after a broadcast reached the person is linked to it, once and in time") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    auto a = f.person();
    f.wrote(a, "sms", t0 - 1h);
    const auto r = f.row(a, id, t0);
    auto& book = f.s.broadcasts();
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 - 72h).has_value());  // queued: not reached
    REQUIRE(f.s.claim_due("sms", t0, 10, outbound_priority::broadcast).size() == 1);
    f.s.record_send_result(r, {send_result::outcome::sent, "SM1", "", {}}, t0 + 1s);
    CHECK(book.broadcast_answered_by(a.id, t0 - 72h) == id);
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 + 1h).has_value());  // sent before `since`
    f.s.apply_delivery_status("sms", "SM1", outbound_status::delivered, "", t0 + 5h);
    CHECK(book.broadcast_answered_by(a.id, t0 + 1h - 72h) == id);

    book.link_reply(id, 77, a.id, t0 + 2h);
    book.link_reply(id, 77, a.id, t0 + 2h);  // a provider retry links nothing twice
    f.wrote(a, "sms", t0 + 2h);
    CHECK_FALSE(book.broadcast_answered_by(a.id, t0 - 72h).has_value());  // wrote since
    broadcast_reader reader{f.file.path()};
    CHECK(reader.progress(id).replies == 1);
    CHECK(reader.progress(id).delivered == 1);
}

TEST_CASE("an outbox row keeps its broadcast and its template's body parameter") {
    broadcast_fixture f;
    const auto id = f.s.broadcasts().create(campaign());
    const auto a = f.person();
    outbound_message m;
    m.contact_id = a.id;
    m.channel_id = "wa";
    m.to = a.address;
    m.priority = outbound_priority::broadcast;
    m.created_at = t0;
    m.template_name = "brigada_salud";
    m.template_language = "es";
    m.template_parameter = "Callao, sábado 9:00";
    m.broadcast_id = id;
    const auto row = f.s.enqueue(m);
    const auto stored = f.s.find_outbound(row).value();
    CHECK(stored.broadcast_id == id);
    CHECK(stored.template_parameter == "Callao, sábado 9:00");
    const auto claimed = f.s.claim_due("wa", t0, 10, outbound_priority::broadcast);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].broadcast_id == id);
    CHECK(claimed[0].template_parameter == "Callao, sábado 9:00");
    CHECK(f.s.find_outbound(f.row(a, 0))->broadcast_id == 0);
}
