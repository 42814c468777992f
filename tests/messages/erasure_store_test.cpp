// A person's erasure on a real SQLite file: afterwards neither their number (in any form) nor
// their texts are anywhere in the bytes of the database or its WAL, aggregates stay, each record
// is audited, a provider retry of their old message id is recognised, and the confirmation row
// keeps its address only until its send is final.
#include "messages/sqlite_store.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc::messages;
using namespace cwc::messages::testing;

namespace {

const std::string erased_number = "+51987654321";
const std::string kept_number = "+51911222333";

std::vector<std::string> erased_needles() {
    auto needles = number_forms(erased_number);
    for (const char* text : {"queja ana sobre", "VOICE-BYTES-ana", "nota ana", "nota-ana.ogg",
                             "parte ana pendiente", "cuerpo+ana", "descripcion ana del caso",
                             "nota interna ana", "respuesta ana para ti"})
        needles.emplace_back(text);
    return needles;
}

outbound_message confirmation_to(const footprint& f, const std::string& number) {
    outbound_message m;
    m.contact_id = f.contact_id;
    m.channel_id = "sms";
    m.to = number;
    m.text = "Listo: borramos tu numero";
    m.created_at = erasure_t0 + std::chrono::hours{1};
    m.next_attempt_at = m.created_at;
    return m;
}

}  // namespace

TEST_CASE("erasure: nothing of the person is left in the file or its WAL, others are untouched") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    s.defer_sync();  // as the gateway's writer runs it
    s.begin();
    const auto ana = write_footprint(s, erased_number, "ana", erasure_t0);
    const auto other = write_footprint(s, kept_number, "otra", erasure_t0);
    s.commit();
    REQUIRE(found_on_disk(file.path(), erased_needles()) != "");  // the test can see them

    const auto pseudonym = s.find_contact(ana.contact_id)->pseudonym;
    const auto now = erasure_t0 + std::chrono::hours{1};
    s.begin();
    const auto confirmation = s.enqueue(confirmation_to(ana, erased_number));
    s.erasure().erase_after_send(confirmation);
    const auto n = s.erasure().erase_contact(ana.contact_id, "contact:" + pseudonym,
                                             "erasure_request", now);
    s.commit();
    CHECK(n.contacts == 1);
    CHECK(n.messages == 1);
    CHECK(n.media == 1);
    CHECK(n.parts == 1);
    CHECK(n.quarantined == 1);
    CHECK(n.cases == 1);
    CHECK(n.outbound == 2);  // the answer, and the confirmation (redacted once sent)

    // Until its send is final the confirmation still knows where to go.
    auto row = s.find_outbound(confirmation);
    REQUIRE(row);
    CHECK(row->to == erased_number);
    s.begin();
    send_result sent;
    sent.provider_message_id = "SM-confirmation";
    s.record_send_result(confirmation, sent, now);
    s.commit();
    row = s.find_outbound(confirmation);
    CHECK(row->to == "erased:" + std::to_string(ana.contact_id));
    CHECK(row->text.empty());

    CHECK(found_on_disk(file.path(), erased_needles()) == "");
    raw_db raw{file.path()};
    // The aggregates and the pseudonym stay; the number is a placeholder.
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + std::to_string(ana.contact_id)) ==
          "erased:" + std::to_string(ana.contact_id));
    CHECK(raw.text("SELECT pseudonym FROM contacts WHERE id = " + std::to_string(ana.contact_id)) ==
          pseudonym);
    CHECK(raw.text("SELECT type || '/' || category || '/' || region || '/' || status FROM cases "
                   "WHERE reference = '" + ana.reference + "'") == "complaint/services/lima/new");
    CHECK(raw.text("SELECT status || '/' || error_code FROM outbox WHERE id = " +
                   std::to_string(ana.reply_id)) == "cancelled/erased");
    // The other person's record is whole.
    CHECK(raw.text("SELECT text FROM inbound_messages WHERE id = " + std::to_string(other.inbound_id)) ==
          "queja otra sobre el albergue");
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + std::to_string(other.contact_id)) ==
          kept_number);
    CHECK(raw.integer("SELECT COUNT(*) FROM quarantine") == 1);
    CHECK(raw.text("SELECT description FROM cases WHERE reference = '" + other.reference + "'") ==
          "descripcion otra del caso");
    // Every record erased is audited, with the reason and no content.
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'record.redacted' AND "
                      "detail = '{\"reason\":\"erasure_request\"}'") == 5);
    for (const auto& subject :
         {"message:" + std::to_string(ana.inbound_id), "outbound:" + std::to_string(ana.reply_id),
          "outbound:" + std::to_string(confirmation), "case:" + ana.reference,
          "contact:" + std::to_string(ana.contact_id)})
        CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'record.redacted' AND "
                          "subject = '" + subject + "'") == 1);
    CHECK(s.verify_audit_chain() == std::nullopt);
}

TEST_CASE("erasure: a provider retry of an erased message id is recognised for a week only") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const auto now = system_now();
    CHECK_FALSE(s.inbound_exists("sms", "SM-ana-1"));
    s.begin();
    const auto ana = write_footprint(s, erased_number, "ana", now - std::chrono::hours{2});
    s.erasure().erase_contact(ana.contact_id, "system", "erasure_request", now);
    s.commit();
    CHECK(s.inbound_exists("sms", "SM-ana-1"));
    CHECK(s.inbound_exists("sms", "SM-ana-part"));  // a part of a long SMS too
    CHECK_FALSE(s.inbound_exists("whatsapp", "SM-ana-1"));
    CHECK_FALSE(s.inbound_exists("sms", "SM-ana-2"));
    raw_db raw{file.path()};
    CHECK(raw.text("SELECT group_concat(provider_message_id) FROM inbound_messages") ==
          "erased:" + std::to_string(ana.inbound_id));
    CHECK(raw.integer("SELECT COUNT(*) FROM tombstones WHERE digest = '" +
                      tombstone_digest("sms", "SM-ana-1") + "'") == 1);

    // A store opened later still knows (the check is skipped only while none exist).
    sqlite_store reopened{file.path(), "key"};
    CHECK(reopened.inbound_exists("sms", "SM-ana-1"));
    // Eight days on, the daily purge drops the tombstones: the ids are forgotten.
    reopened.begin();
    const auto purged = reopened.erasure().purge_expired({}, now + std::chrono::hours{24 * 8}, 100);
    reopened.commit();
    CHECK(purged.tombstones == 3);  // two message ids, and the number (for erased_lately)
    CHECK(raw.integer("SELECT COUNT(*) FROM tombstones") == 0);
    CHECK_FALSE(reopened.inbound_exists("sms", "SM-ana-1"));
}

TEST_CASE("erasure held for an open sensitive case until it is closed") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    s.begin();
    const auto ana = write_footprint(s, erased_number, "ana", erasure_t0, true);
    const auto other = write_footprint(s, kept_number, "otra", erasure_t0, false);
    s.commit();
    CHECK(s.has_open_sensitive_case(ana.contact_id));
    CHECK_FALSE(s.has_open_sensitive_case(other.contact_id));  // not sensitive
    s.erasure().hold(ana.contact_id, erasure_t0);
    s.erasure().hold(ana.contact_id, erasure_t0 + std::chrono::hours{1});  // a repeat: one hold
    CHECK(s.erasure().is_held(ana.contact_id));
    CHECK_FALSE(s.erasure().is_held(other.contact_id));
    CHECK(s.erasure().held_ready(10).empty());

    auto c = *s.load_case(ana.reference);
    c.status = "closed";
    c.closed_at = erasure_t0 + std::chrono::hours{2};
    s.update_case(c);
    CHECK_FALSE(s.has_open_sensitive_case(ana.contact_id));
    CHECK(s.erasure().held_ready(10) == std::vector<held_erasure>{{ana.contact_id, "sms"}});
    s.erasure().erase_contact(ana.contact_id, "system", "erasure_request", erasure_t0);
    CHECK_FALSE(s.erasure().is_held(ana.contact_id));  // done: the hold is gone with the data
    CHECK(s.erasure().held_ready(10).empty());
}

TEST_CASE("erasure: the store connection zeroes what it frees") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    CHECK(s.read_pragma("secure_delete") == "1");
}

TEST_CASE("erasure: a reader on the WAL delays the checkpoint, it does not stall the commit") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    s.begin();
    const auto ana = write_footprint(s, erased_number, "ana", erasure_t0);
    s.commit();
    raw_db reader{file.path()};
    reader.exec("BEGIN");
    CHECK(reader.integer("SELECT COUNT(*) FROM contacts") == 1);  // a snapshot on the WAL

    s.begin();
    s.erasure().erase_contact(ana.contact_id, "system", "erasure_request", erasure_t0);
    const auto started = std::chrono::steady_clock::now();
    s.commit();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds{2});
    CHECK(s.find_contact(ana.contact_id)->address == "erased:" + std::to_string(ana.contact_id));
    // The reader still sees its snapshot, so the old frames could not go yet.
    CHECK(reader.text("SELECT address FROM contacts") == erased_number);
    CHECK(found_on_disk(file.path(), {erased_number}) != "");
    reader.exec("COMMIT");
}
