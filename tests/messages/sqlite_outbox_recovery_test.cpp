// SQLite outbox after failures: sends a crash left unknown (resolved by a callback, or sent again
// and counted), claims given back without using an attempt, rows held by a paused channel, dead
// letters, the operator's report and re-queueing.
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;
using std::chrono::milliseconds;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

struct recovery_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    int people = 0;

    contact new_person() {
        return s.find_or_create_contact("+5198766" + std::to_string(1000 + ++people), t0);
    }
    std::int64_t add_for(const contact& to, std::string channel = "sms",
                         outbound_priority p = outbound_priority::reply, bool solicited = true) {
        outbound_message m;
        m.contact_id = to.id;
        m.channel_id = std::move(channel);
        m.to = to.address;
        m.text = "text";
        m.priority = p;
        m.solicited = solicited;
        m.created_at = t0;
        m.next_attempt_at = t0;
        return s.enqueue(m);
    }
    std::int64_t add(std::string channel = "sms") { return add_for(new_person(), std::move(channel)); }
    // Claims on both channels the tests use.
    std::vector<outbound_message> claim(timestamp now, std::size_t limit) {
        auto rows = s.claim_due("sms", now, limit, outbound_priority::broadcast);
        auto more = s.claim_due("wa", now, limit - rows.size(), outbound_priority::broadcast);
        rows.insert(rows.end(), more.begin(), more.end());
        return rows;
    }
    std::string raw_status(std::int64_t id) {
        raw_db raw{file.path()};
        return raw.text("SELECT status FROM outbox WHERE id = " + std::to_string(id));
    }
    std::int64_t raw_int(std::int64_t id, const std::string& column) {
        raw_db raw{file.path()};
        return raw.integer("SELECT " + column + " FROM outbox WHERE id = " + std::to_string(id));
    }
    void fail_for_good(std::int64_t id, const std::string& code) {
        s.record_dead_letter(id, code, t0);
    }
};

}  // namespace

TEST_CASE("the schema (version 4 or later) has the outbox's recovery columns") {
    recovery_fixture f;
    CHECK(f.s.schema_version() >= 4);
    const auto id = f.add();
    CHECK(f.raw_int(id, "possible_duplicate") == 0);
    CHECK(f.raw_int(id, "dead_letter") == 0);
}

TEST_CASE("a send a crash interrupted stays unknown until its reconcile time, then goes again") {
    recovery_fixture f;
    const contact one = f.new_person();
    const auto interrupted = f.add_for(one);
    const auto queued_late = f.add_for(one);  // the same person's next message
    const auto other = f.add();
    REQUIRE(f.claim(t0, 1).size() == 1);  // `interrupted` only: the others wait or are later
    const timestamp restart = t0 + milliseconds{5'000};
    const timestamp reconcile = restart + milliseconds{60'000};

    CHECK(f.s.mark_interrupted(restart, reconcile) == 1);
    CHECK(f.raw_status(interrupted) == "unknown");
    CHECK(f.s.find_outbound(interrupted)->status == outbound_status::sending);  // neither queued nor reported
    CHECK(f.raw_status(other) == "queued");
    CHECK(f.s.mark_interrupted(restart, reconcile) == 0);  // only rows left "sending"

    // Meanwhile the person's later message keeps waiting; another person's does not.
    auto claimed = f.claim(restart, 10);
    REQUIRE(claimed.size() == 1);
    CHECK(claimed[0].id == other);
    CHECK(f.s.next_due("sms") == std::nullopt);  // the later message waits for the unknown one
    CHECK(f.s.next_unresolved() == reconcile);
    CHECK(f.s.resend_unresolved(reconcile - milliseconds{1}) == 0);

    CHECK(f.s.resend_unresolved(reconcile) == 1);
    CHECK(f.raw_int(interrupted, "possible_duplicate") == 1);
    CHECK(f.s.count_possible_duplicates() == 1);
    auto again = f.claim(reconcile, 10);
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == interrupted);
    CHECK(again[0].attempts == 2);  // the interrupted attempt counted
    f.s.record_send_result(interrupted, {send_result::outcome::sent, "SM-2", "", {}}, reconcile);
    CHECK(f.s.waiting_behind(one.id, interrupted));  // queued_late
    CHECK_FALSE(f.s.waiting_behind(one.id, queued_late));
    auto next = f.claim(reconcile, 10);
    REQUIRE(next.size() == 1);
    CHECK(next[0].id == queued_late);
    CHECK(f.raw_int(queued_late, "possible_duplicate") == 0);
}

TEST_CASE("a status callback resolves an unknown send: it is not sent again") {
    recovery_fixture f;
    const auto by_our_id = f.add();
    const auto by_provider_id = f.add();
    REQUIRE(f.claim(t0, 10).size() == 2);
    // The provider id of the second was recorded before the crash, the first's never was.
    f.s.record_send_result(by_provider_id, {send_result::outcome::sent, "SM-b", "", {}}, t0);
    raw_db raw{f.file.path()};
    raw.exec("UPDATE outbox SET status = 'sending' WHERE id = " + std::to_string(by_provider_id));
    const timestamp reconcile = t0 + milliseconds{60'000};
    CHECK(f.s.mark_interrupted(t0, reconcile) == 2);

    CHECK(f.s.apply_delivery_status_for(by_our_id, "SM-a", outbound_status::sent, "", t0));
    CHECK(f.s.apply_delivery_status("sms", "SM-b", outbound_status::delivered, "", t0));
    CHECK(f.raw_status(by_our_id) == "sent");
    CHECK(f.raw_status(by_provider_id) == "delivered");
    CHECK(f.s.resend_unresolved(reconcile) == 0);
    CHECK(f.claim(reconcile, 10).empty());
    CHECK(f.s.next_unresolved() == std::nullopt);
}

TEST_CASE("claims given back and refused credentials do not use up attempts") {
    recovery_fixture f;
    const auto paused = f.add();
    const auto unsent = f.add();
    const auto retried = f.add();
    REQUIRE(f.claim(t0, 10).size() == 3);
    const timestamp later = t0 + milliseconds{300'000};

    f.s.record_send_result(paused, {send_result::outcome::credentials_rejected, "", "20003", later}, t0);
    f.s.return_unsent(unsent, later, "channel_paused", t0);
    f.s.record_send_result(retried, {send_result::outcome::retry, "", "http_503", later}, t0);
    struct expectation {
        std::int64_t id;
        int attempts;
        const char* error_code;
    };
    for (const auto& e : {expectation{paused, 0, "20003"}, expectation{unsent, 0, "channel_paused"},
                          expectation{retried, 1, "http_503"}}) {
        CAPTURE(e.id);
        const auto m = f.s.find_outbound(e.id).value();
        CHECK(m.status == outbound_status::queued);
        CHECK(m.attempts == e.attempts);
        CHECK(m.error_code == e.error_code);
        CHECK(m.next_attempt_at == later);
    }
    // Only a claimed row can be given back.
    f.s.return_unsent(unsent, t0, "again", t0);
    CHECK(f.s.find_outbound(unsent)->error_code == "channel_paused");
}

TEST_CASE("release_held makes a channel's held rows due now, and only those") {
    recovery_fixture f;
    const auto held = f.add("sms");
    const auto other_channel = f.add("wa");
    const auto backing_off = f.add("sms");
    REQUIRE(f.claim(t0, 10).size() == 3);
    const timestamp until = t0 + milliseconds{300'000};
    f.s.return_unsent(held, until, "channel_paused", t0);
    f.s.return_unsent(other_channel, until, "channel_paused", t0);
    f.s.record_send_result(backing_off, {send_result::outcome::retry, "", "http_503", until}, t0);

    const timestamp resumed = t0 + milliseconds{1'000};
    CHECK(f.s.release_held("sms", "channel_paused", resumed) == 1);
    CHECK(f.s.find_outbound(held)->next_attempt_at == resumed);
    CHECK(f.s.find_outbound(other_channel)->next_attempt_at == until);
    CHECK(f.s.find_outbound(backing_off)->next_attempt_at == until);
    CHECK(f.s.release_held("sms", "channel_paused", resumed) == 0);
}

TEST_CASE("report_outbox counts by channel and state, with dead letters, held rows and duplicates") {
    recovery_fixture f;
    const auto sent = f.add("sms");
    const auto dead = f.add("sms");
    const auto failed = f.add("sms");
    const auto held = f.add("wa");
    const auto unknown = f.add("wa");
    const auto duplicate = f.add("wa");
    f.add("wa");  // stays queued: claimed below only up to the limit
    REQUIRE(f.claim(t0, 6).size() == 6);
    f.s.record_send_result(sent, {send_result::outcome::sent, "SM1", "", {}}, t0);
    f.fail_for_good(dead, "http_503");
    f.s.record_send_result(failed, {send_result::outcome::failed, "", "21211", {}}, t0);
    f.s.return_unsent(held, t0 + milliseconds{300'000}, "channel_paused", t0);
    f.s.record_send_result(duplicate, {send_result::outcome::retry, "", "x", t0}, t0);
    CHECK(f.s.mark_interrupted(t0, t0) == 1);  // `unknown`
    raw_db raw{f.file.path()};
    raw.exec("UPDATE outbox SET possible_duplicate = 1 WHERE id = " + std::to_string(duplicate));
    (void)unknown;

    const auto report = f.s.report_outbox("channel_paused");
    REQUIRE(report.size() == 2);
    const auto& sms = report[0];
    CHECK(sms.channel_id == "sms");
    CHECK(sms.sent == 1);
    CHECK(sms.failed == 2);
    CHECK(sms.dead_letters == 1);
    CHECK(sms.queued == 0);
    const auto& wa = report[1];
    CHECK(wa.channel_id == "wa");
    CHECK(wa.queued == 3);  // held, duplicate, the unclaimed one
    CHECK(wa.held == 1);
    CHECK(wa.unknown == 1);
    CHECK(wa.possible_duplicates == 1);
    CHECK(wa.failed == 0);
}

TEST_CASE("dead letters are queued again with fresh attempts, by channel, never against an opt-out") {
    recovery_fixture f;
    const auto sms_dead = f.add("sms");
    const auto wa_dead = f.add("wa");
    const auto permanent = f.add("sms");
    contact stopped = f.new_person();
    const auto unsolicited = f.add_for(stopped, "sms", outbound_priority::broadcast, false);
    const auto solicited = f.add_for(f.new_person(), "sms");
    REQUIRE(f.claim(t0, 10).size() == 5);
    for (const auto id : {sms_dead, wa_dead, unsolicited, solicited}) f.fail_for_good(id, "http_503");
    f.s.record_send_result(permanent, {send_result::outcome::failed, "", "21211", {}}, t0);
    stopped.opted_out = true;
    f.s.save_contact(stopped);

    const timestamp later = t0 + milliseconds{9'000};
    CHECK(f.s.requeue_dead_letters("sms", later) == 2);  // sms_dead and solicited
    for (const auto id : {sms_dead, solicited}) {
        CAPTURE(id);
        const auto m = f.s.find_outbound(id).value();
        CHECK(m.status == outbound_status::queued);
        CHECK(m.attempts == 0);
        CHECK(m.next_attempt_at == later);
        CHECK(f.raw_int(id, "dead_letter") == 0);
    }
    CHECK(f.raw_status(wa_dead) == "failed");
    CHECK(f.raw_status(permanent) == "failed");     // not a dead letter
    CHECK(f.raw_status(unsolicited) == "failed");   // the person said STOP since
    CHECK(f.raw_int(unsolicited, "dead_letter") == 1);
    CHECK(f.s.requeue_dead_letters("", later) == 1);  // wa_dead, any channel
    raw_db raw{f.file.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'outbox.dead_letters_requeued'") == 2);
    CHECK_FALSE(f.s.verify_audit_chain().has_value());
}

TEST_CASE("requeue_failed: one failed message, by id") {
    recovery_fixture f;
    const auto failed = f.add();
    const auto sent = f.add();
    contact stopped = f.new_person();
    const auto unsolicited = f.add_for(stopped, "sms", outbound_priority::broadcast, false);
    REQUIRE(f.claim(t0, 10).size() == 3);
    f.s.record_send_result(failed, {send_result::outcome::failed, "SM-f", "21211", {}}, t0);
    f.s.record_send_result(sent, {send_result::outcome::sent, "SM-s", "", {}}, t0);
    f.s.record_send_result(unsolicited, {send_result::outcome::recipient_opted_out, "", "21610", {}}, t0);

    const struct {
        std::int64_t id;
        requeue_outcome expected;
    } rows[] = {
        {failed, requeue_outcome::requeued},
        {failed, requeue_outcome::not_failed},  // already queued
        {sent, requeue_outcome::not_failed},
        {unsolicited, requeue_outcome::opted_out},  // 21610 opted the contact out
        {9999, requeue_outcome::not_found},
    };
    for (const auto& r : rows) {
        CAPTURE(r.id);
        CHECK(f.s.requeue_failed(r.id, t0) == r.expected);
    }
    const auto m = f.s.find_outbound(failed).value();
    CHECK(m.status == outbound_status::queued);
    CHECK(m.provider_message_id.empty());
    raw_db raw{f.file.path()};
    CHECK(raw.text("SELECT subject FROM audit_log WHERE action = 'outbox.requeued'") ==
          "outbox:" + std::to_string(failed));
}
