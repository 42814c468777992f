// SQLite outbox: claim order, send results, monotonic status callbacks and provider opt-outs
// (crash recovery and dead letters: sqlite_outbox_recovery_test.cpp).
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

struct outbox_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    contact person = s.find_or_create_contact("+51987654321", t0);
    int people = 0;

    // Each message goes to a person of its own (messages to one person are sent in turn, see
    // the test below); `person` is the last one's recipient.
    std::int64_t add(std::string text, outbound_priority p, timestamp next,
                     timestamp created = t0) {
        person = s.find_or_create_contact("+5198765" + std::to_string(1000 + ++people), t0);
        return add_for(person, std::move(text), p, next, created);
    }
    std::int64_t add_for(const contact& to, std::string text, outbound_priority p,
                         timestamp next, timestamp created = t0) {
        outbound_message m;
        m.contact_id = to.id;
        m.channel_id = "sms";
        m.to = to.address;
        m.text = std::move(text);
        m.priority = p;
        m.created_at = created;
        m.next_attempt_at = next;
        return s.enqueue(m);
    }
    // A message claimed and reported sent with provider id `sid`.
    std::int64_t sent(const std::string& sid) {
        const auto id = add("hi", outbound_priority::reply, t0);
        s.claim_due("sms", t0, 100, outbound_priority::broadcast);
        s.record_send_result(id, {send_result::outcome::sent, sid, "", {}}, t0);
        return id;
    }
    outbound_status status_of(std::int64_t id) { return s.find_outbound(id).value().status; }
};

}  // namespace

TEST_CASE("enqueue stores a queued message; a zero next attempt means now") {
    outbox_fixture f;
    const auto id = f.add("hola", outbound_priority::answer, timestamp{}, t0 + milliseconds{7});
    const auto m = f.s.find_outbound(id);
    REQUIRE(m.has_value());
    CHECK(m->status == outbound_status::queued);
    CHECK(m->attempts == 0);
    CHECK(m->priority == outbound_priority::answer);
    CHECK(m->text == "hola");
    CHECK(m->next_attempt_at == t0 + milliseconds{7});
    CHECK(f.s.next_due("sms") == t0 + milliseconds{7});
    raw_db raw{f.file.path()};
    CHECK(raw.integer("SELECT updated_at FROM outbox") == to_unix_ms(t0) + 7);
}

TEST_CASE("claim_due takes the most urgent priority first, then the oldest") {
    outbox_fixture f;
    const auto broadcast = f.add("broadcast", outbound_priority::broadcast, t0);
    const auto reply_late = f.add("reply late", outbound_priority::reply, t0 + milliseconds{10});
    const auto safety = f.add("safety", outbound_priority::safety, t0 + milliseconds{20});
    const auto reply_early = f.add("reply early", outbound_priority::reply, t0 + milliseconds{5});
    const auto not_due = f.add("later", outbound_priority::safety, t0 + milliseconds{1000});
    CHECK(f.s.next_due("sms") == t0);

    const timestamp now = t0 + milliseconds{100};
    auto first = f.s.claim_due("sms", now, 3, outbound_priority::broadcast);
    REQUIRE(first.size() == 3);
    CHECK(first[0].id == safety);
    CHECK(first[1].id == reply_early);
    CHECK(first[2].id == reply_late);
    for (const auto& m : first) {
        CHECK(m.status == outbound_status::sending);
        CHECK(m.attempts == 1);
        CHECK(f.status_of(m.id) == outbound_status::sending);
    }
    auto second = f.s.claim_due("sms", now, 3, outbound_priority::broadcast);
    REQUIRE(second.size() == 1);
    CHECK(second[0].id == broadcast);
    CHECK(f.s.claim_due("sms", now, 3, outbound_priority::broadcast).empty());
    CHECK(f.s.next_due("sms") == t0 + milliseconds{1000});
    CHECK(f.status_of(not_due) == outbound_status::queued);
    CHECK(f.s.claim_due("sms", t0 + milliseconds{1000}, 0, outbound_priority::broadcast).empty());
}

TEST_CASE("each channel claims its own rows; an urgent-only claim leaves the broadcasts queued") {
    outbox_fixture f;
    const auto broadcast = f.add("campaign", outbound_priority::broadcast, t0);
    const auto answer = f.add("answer", outbound_priority::answer, t0);
    auto whatsapp = f.s.find_outbound(f.add("wa reply", outbound_priority::safety, t0)).value();
    raw_db raw{f.file.path()};
    raw.exec("UPDATE outbox SET channel_id = 'wa' WHERE id = " + std::to_string(whatsapp.id));
    CHECK(f.s.next_due("wa") == t0);

    auto urgent = f.s.claim_due("sms", t0, 10, outbound_priority::answer);
    REQUIRE(urgent.size() == 1);
    CHECK(urgent[0].id == answer);
    CHECK(f.status_of(broadcast) == outbound_status::queued);
    CHECK(f.status_of(whatsapp.id) == outbound_status::queued);  // another channel's row
    auto rest = f.s.claim_due("sms", t0, 10, outbound_priority::broadcast);
    REQUIRE(rest.size() == 1);
    CHECK(rest[0].id == broadcast);
    CHECK(f.s.next_due("sms") == std::nullopt);
    auto wa = f.s.claim_due("wa", t0, 10, outbound_priority::broadcast);
    REQUIRE(wa.size() == 1);
    CHECK(wa[0].id == whatsapp.id);
    CHECK(f.s.claim_due("none", t0, 10, outbound_priority::broadcast).empty());
}

TEST_CASE("one person's messages are sent in turn; a safety reply does not wait behind a broadcast") {
    outbox_fixture f;
    const contact one = f.person;
    const auto notice = f.add_for(one, "notice", outbound_priority::reply, t0);
    const auto menu = f.add_for(one, "menu", outbound_priority::reply, t0);
    const auto broadcast = f.add_for(one, "campaign", outbound_priority::broadcast, t0);
    const auto safety = f.add_for(one, "hotline", outbound_priority::safety, t0);
    const auto other = f.add("someone else", outbound_priority::reply, t0);

    auto first = f.s.claim_due("sms", t0, 10, outbound_priority::broadcast);
    REQUIRE(first.size() == 3);
    CHECK(first[0].id == safety);  // earlier messages are less urgent: it does not wait for them
    CHECK(first[1].id == notice);
    CHECK(first[2].id == other);  // another person is not held up by this one
    CHECK(f.status_of(menu) == outbound_status::queued);  // waits for the notice
    CHECK(f.s.next_due("sms") == std::nullopt);  // nothing can be claimed until a send finishes

    // The notice must be retried: the menu keeps waiting, even once its own time has come.
    const timestamp retry_at = t0 + milliseconds{5000};
    f.s.record_send_result(notice, {send_result::outcome::retry, "", "http_503", retry_at}, t0);
    CHECK(f.s.claim_due("sms", t0 + milliseconds{10}, 10, outbound_priority::broadcast).empty());
    CHECK(f.s.next_due("sms") == retry_at);
    auto retried = f.s.claim_due("sms", retry_at, 10, outbound_priority::broadcast);
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].id == notice);
    f.s.record_send_result(notice, {send_result::outcome::sent, "SM-n", "", {}}, retry_at);

    auto next = f.s.claim_due("sms", retry_at, 10, outbound_priority::broadcast);
    REQUIRE(next.size() == 1);
    CHECK(next[0].id == menu);
    // A failed message does not block the person's later ones for ever.
    f.s.record_send_result(menu, {send_result::outcome::failed, "", "30003", {}}, retry_at);
    auto last = f.s.claim_due("sms", retry_at, 10, outbound_priority::broadcast);
    REQUIRE(last.size() == 1);
    CHECK(last[0].id == broadcast);
}

TEST_CASE("send results: sent, retry, failed") {
    outbox_fixture f;
    const auto a = f.add("a", outbound_priority::reply, t0);
    const auto b = f.add("b", outbound_priority::reply, t0);
    const auto c = f.add("c", outbound_priority::reply, t0);
    REQUIRE(f.s.claim_due("sms", t0, 10, outbound_priority::broadcast).size() == 3);

    f.s.record_send_result(a, {send_result::outcome::sent, "SM-a", "", {}}, t0);
    CHECK(f.status_of(a) == outbound_status::sent);
    CHECK(f.s.find_outbound(a)->provider_message_id == "SM-a");

    const timestamp retry_at = t0 + milliseconds{30'000};
    f.s.record_send_result(b, {send_result::outcome::retry, "", "http_503", retry_at}, t0);
    auto retried = f.s.find_outbound(b).value();
    CHECK(retried.status == outbound_status::queued);
    CHECK(retried.next_attempt_at == retry_at);
    CHECK(retried.error_code == "http_503");
    CHECK(f.s.claim_due("sms", retry_at - milliseconds{1}, 10, outbound_priority::broadcast).empty());
    auto again = f.s.claim_due("sms", retry_at, 10, outbound_priority::broadcast);
    REQUIRE(again.size() == 1);
    CHECK(again[0].attempts == 2);

    f.s.record_send_result(c, {send_result::outcome::failed, "", "21211", {}}, t0);
    CHECK(f.status_of(c) == outbound_status::failed);
    CHECK(f.s.find_outbound(c)->error_code == "21211");
    CHECK_FALSE(f.s.find_contact(f.person.id)->opted_out);  // an ordinary failure is not STOP

    f.s.record_send_result(9999, {send_result::outcome::failed, "", "x", {}}, t0);  // ignored
}

TEST_CASE("delivery statuses only move forward") {
    outbox_fixture f;
    struct row {
        std::vector<outbound_status> callbacks;
        std::vector<bool> applied;
        outbound_status final_status;
    };
    using st = outbound_status;
    const row rows[] = {
        {{st::delivered, st::sent}, {true, false}, st::delivered},  // a late "sent"
        {{st::failed}, {true}, st::failed},                         // sent then failed
        {{st::failed, st::delivered}, {true, false}, st::failed},   // same rank: first wins
        {{st::delivered, st::read}, {true, true}, st::read},
        {{st::read, st::delivered}, {true, false}, st::read},
        {{st::undelivered, st::sent}, {true, false}, st::undelivered},
        {{st::sent, st::queued}, {false, false}, st::sent},  // already sent
    };
    int n = 0;
    for (const row& r : rows) {
        const std::string sid = "SM" + std::to_string(++n);
        const auto id = f.sent(sid);
        CAPTURE(sid);
        for (std::size_t i = 0; i < r.callbacks.size(); ++i) {
            CHECK(f.s.apply_delivery_status("sms", sid, r.callbacks[i], "", t0) == r.applied[i]);
        }
        CHECK(f.status_of(id) == r.final_status);
    }
    CHECK_FALSE(f.s.apply_delivery_status("sms", "SM-unknown", st::delivered, "", t0));
    CHECK_FALSE(f.s.apply_delivery_status("whatsapp", "SM1", st::read, "", t0));
    CHECK_FALSE(f.s.apply_delivery_status("sms", "", st::delivered, "", t0));
}

TEST_CASE("a status callback records its error code") {
    outbox_fixture f;
    const auto id = f.sent("SM1");
    CHECK(f.s.apply_delivery_status("sms", "SM1", outbound_status::undelivered, "30003", t0));
    CHECK(f.s.find_outbound(id)->error_code == "30003");
}

TEST_CASE("a callback addressed by our id may overtake the send result") {
    outbox_fixture f;
    const auto id = f.add("hi", outbound_priority::reply, t0);
    REQUIRE(f.s.claim_due("sms", t0, 1, outbound_priority::broadcast).size() == 1);
    CHECK(f.s.apply_delivery_status_for(id, "SM1", outbound_status::delivered, "", t0));
    CHECK(f.s.find_outbound(id)->provider_message_id == "SM1");
    f.s.record_send_result(id, {send_result::outcome::sent, "SM1", "", {}}, t0);
    CHECK(f.status_of(id) == outbound_status::delivered);  // the late "sent" changes nothing
    CHECK(f.s.apply_delivery_status("sms", "SM1", outbound_status::read, "", t0));
    CHECK_FALSE(f.s.apply_delivery_status_for(id, "SM1", outbound_status::sent, "", t0));
    CHECK_FALSE(f.s.apply_delivery_status_for(id + 50, "SM9", outbound_status::sent, "", t0));
}

TEST_CASE("a provider opt-out (Twilio 21610) fails the message and opts the contact out") {
    outbox_fixture f;
    f.s.broadcasts().apply_consent(f.person.id, "sms",
                                   {consent_action::subscribed, "health", "", "menu"}, t0);
    const auto id = f.add("broadcast", outbound_priority::broadcast, t0);
    REQUIRE(f.s.claim_due("sms", t0, 1, outbound_priority::broadcast).size() == 1);
    f.s.record_send_result(id, {send_result::outcome::recipient_opted_out, "", "21610", {}}, t0);
    // Their broadcast topics end as with a STOP sent to us, logged as the provider's.
    CHECK(f.s.find_contact(f.person.id)->topics.empty());
    CHECK(raw_db{f.file.path()}.text("SELECT source FROM consent_log WHERE action = 'opted_out'") ==
          "provider");
    const auto m = f.s.find_outbound(id).value();
    CHECK(m.status == outbound_status::failed);
    CHECK(m.error_code == "21610");
    CHECK(f.s.find_contact(f.person.id)->opted_out);
    raw_db raw{f.file.path()};
    CHECK(
        raw.text("SELECT subject FROM audit_log WHERE action = 'contact.opted_out_at_provider'") ==
        "contact:" + std::to_string(f.person.id));
    const auto detail = raw.text("SELECT detail FROM audit_log");
    CHECK(detail.find("21610") != std::string::npos);
    CHECK(detail.find("987654321") == std::string::npos);  // no phone number in the audit
    CHECK_FALSE(f.s.verify_audit_chain().has_value());
}

TEST_CASE("count_outbox groups by status") {
    outbox_fixture f;
    f.add("queued", outbound_priority::reply, t0 + milliseconds{5});
    const auto delivered = f.sent("SM1");
    f.sent("SM2");
    const auto read = f.sent("SM3");
    const auto undelivered = f.sent("SM4");
    f.s.apply_delivery_status("sms", "SM1", outbound_status::delivered, "", t0);
    f.s.apply_delivery_status("sms", "SM3", outbound_status::read, "", t0);
    f.s.apply_delivery_status("sms", "SM4", outbound_status::undelivered, "", t0);
    f.add("sending", outbound_priority::reply, t0);
    f.s.claim_due("sms", t0, 10, outbound_priority::broadcast);
    const outbox_counts n = f.s.count_outbox();
    CHECK(n.queued == 1);
    CHECK(n.sending == 1);
    CHECK(n.sent == 1);
    CHECK(n.delivered == 2);  // delivered + read
    CHECK(n.failed == 1);     // undelivered
    (void)delivered, (void)read, (void)undelivered;
}

TEST_CASE("quarantined webhooks are kept raw") {
    outbox_fixture f;
    const auto id = f.s.quarantine("sms", "missing MessageSid", "Body=hi&From=%2B1", t0);
    CHECK(id > 0);
    raw_db raw{f.file.path()};
    CHECK(raw.text("SELECT body FROM quarantine WHERE id = " + std::to_string(id)) ==
          "Body=hi&From=%2B1");
    CHECK(raw.text("SELECT reason FROM quarantine") == "missing MessageSid");
}
