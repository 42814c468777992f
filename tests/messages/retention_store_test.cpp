// The retention purge on a real SQLite file: expired messages and closed cases lose their
// content, people with nothing unexpired lose their number, and nothing recent, open or
// subscribed is touched; aggregates stay and the bytes are gone from the file and its WAL.
#include "messages/sqlite_store.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc::messages;
using namespace cwc::messages::testing;
using std::chrono::hours;

namespace {

constexpr hours days(int n) { return hours{24 * n}; }

cwc::config::retention_settings year_and_two() {
    cwc::config::retention_settings r;
    r.messages_days = 365;
    r.case_days = {{"complaint", 730}};
    return r;
}

void close_case(sqlite_store& s, const std::string& reference, timestamp at) {
    auto c = *s.load_case(reference);
    c.status = "closed";
    c.closed_at = at;
    s.update_case(c);
}

void wrote_at(sqlite_store& s, std::int64_t contact_id, timestamp at) {
    auto c = *s.find_contact(contact_id);
    c.last_inbound_at = at;
    s.save_contact(c);
}

// The replies must be final (sent) to expire; queued ones wait for their send.
void sent(sqlite_store& s, std::int64_t outbound_id, timestamp at) {
    s.claim_due("sms", at, 100, outbound_priority::broadcast);
    send_result r;
    r.provider_message_id = "SM-out-" + std::to_string(outbound_id);
    s.record_send_result(outbound_id, r, at);
}

}  // namespace

TEST_CASE("retention: what expired is anonymised, what is recent, open or subscribed stays") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const timestamp now = erasure_t0 + days(1000);
    const timestamp old = now - days(800);
    s.begin();
    const auto gone = write_footprint(s, "+51900000001", "vieja", old);
    wrote_at(s, gone.contact_id, old);
    sent(s, gone.reply_id, old);
    close_case(s, gone.reference, old + days(10));  // closed 790 days ago: past 730
    const auto open = write_footprint(s, "+51900000002", "abierta", old);
    wrote_at(s, open.contact_id, old);
    sent(s, open.reply_id, old);  // its case stays open
    const auto recent = write_footprint(s, "+51900000003", "reciente", now - days(10));
    wrote_at(s, recent.contact_id, now - days(10));
    close_case(s, recent.reference, now - days(5));
    const auto subscribed = write_footprint(s, "+51900000004", "suscrita", old);
    wrote_at(s, subscribed.contact_id, old);
    sent(s, subscribed.reply_id, old);
    close_case(s, subscribed.reference, old + days(1));
    s.broadcasts().apply_consent(subscribed.contact_id, "sms",
                                 {consent_action::subscribed, "salud", "", "menu"}, old);
    s.commit();

    erasure_counts total;
    int rounds = 0;
    for (;;) {  // as the daily task runs it: small units until nothing is left
        s.begin();
        const auto n = s.erasure().purge_expired(year_and_two(), now, 2);
        s.commit();
        ++rounds;
        if (n.total() == 0) break;
        total.messages += n.messages;
        total.outbound += n.outbound;
        total.cases += n.cases;
        total.contacts += n.contacts;
        total.media += n.media;
        total.parts += n.parts;
        total.quarantined += n.quarantined;
    }
    CHECK(rounds > 2);  // the limit cut the work into several units
    CHECK(total.messages == 3);  // gone, open, subscribed: all older than a year
    CHECK(total.media == 3);
    CHECK(total.outbound == 3);
    CHECK(total.parts == 3);
    CHECK(total.quarantined == 3);
    CHECK(total.cases == 2);     // gone's and subscribed's, closed over two years ago
    CHECK(total.contacts == 1);  // only gone has nothing left

    raw_db raw{file.path()};
    const auto id = [](std::int64_t v) { return std::to_string(v); };
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + id(gone.contact_id)) ==
          "erased:" + id(gone.contact_id));
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + id(open.contact_id)) == "+51900000002");
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + id(subscribed.contact_id)) ==
          "+51900000004");
    CHECK(raw.text("SELECT description FROM cases WHERE reference = '" + open.reference + "'") ==
          "descripcion abierta del caso");
    CHECK(raw.text("SELECT description FROM cases WHERE reference = '" + recent.reference + "'") ==
          "descripcion reciente del caso");
    CHECK(raw.text("SELECT text FROM inbound_messages WHERE id = " + id(recent.inbound_id)) ==
          "queja reciente sobre el albergue");
    // Aggregates stay for the reports.
    CHECK(raw.integer("SELECT COUNT(*) FROM cases WHERE type = 'complaint' AND region = 'lima' "
                      "AND category = 'services'") == 4);
    CHECK(raw.integer("SELECT COUNT(*) FROM inbound_messages") == 4);
    // Each record audited with the reason, and only them: 3 messages, their 3 voice notes,
    // 3 replies, 2 cases, 1 person.
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'record.redacted' AND "
                      "detail = '{\"reason\":\"retention\"}'") == 3 + 3 + 3 + 2 + 1);
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'record.redacted' AND "
                      "subject LIKE 'media:%'") == 3);
    CHECK(s.verify_audit_chain() == std::nullopt);

    std::vector<std::string> needles = number_forms("+51900000001");
    for (const char* tag : {"vieja", "abierta", "suscrita"}) {
        for (const std::string text : {"queja {} sobre", "VOICE-BYTES-{}", "parte {} pendiente",
                                       "cuerpo+{}", "respuesta {} para ti"}) {
            std::string t = text;
            t.replace(t.find("{}"), 2, tag);
            needles.push_back(t);
        }
    }
    needles.push_back("descripcion vieja del caso");
    needles.push_back("nota interna vieja");
    CHECK(found_on_disk(file.path(), needles) == "");
}

TEST_CASE("retention: 0 days keeps everything") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const timestamp now = erasure_t0 + days(5000);
    s.begin();
    const auto f = write_footprint(s, "+51900000001", "vieja", erasure_t0);
    wrote_at(s, f.contact_id, erasure_t0);
    close_case(s, f.reference, erasure_t0);
    const auto n = s.erasure().purge_expired({}, now, 100);
    s.commit();
    CHECK(n.total() == 0);
    CHECK(s.find_contact(f.contact_id)->address == "+51900000001");
    CHECK(s.load_case(f.reference)->description == "descripcion vieja del caso");
}

TEST_CASE("retention: people who never wrote are anonymised once nothing of theirs is unexpired; staff stay") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const timestamp now = erasure_t0 + days(1000);
    const timestamp old = now - days(800);
    const auto consent = [&](std::int64_t id, consent_action action, timestamp at) {
        s.broadcasts().apply_consent(id, "sms", {action, "health_brigades", "", "import"}, at);
    };
    const auto to = [&](std::int64_t id, const std::string& address, std::int64_t broadcast, timestamp at) {
        outbound_message m;
        m.contact_id = id;
        m.channel_id = "sms";
        m.to = address;
        m.text = "Brigada de salud el sábado";
        m.broadcast_id = broadcast;
        m.priority = broadcast > 0 ? outbound_priority::broadcast : outbound_priority::safety;
        m.created_at = at;
        m.next_attempt_at = at;
        sent(s, s.enqueue(m), at);
    };
    s.begin();
    // Imported, then left the list long ago; received one broadcast before that.
    const auto imported = s.find_or_create_contact("+51900000011", old);
    consent(imported.id, consent_action::subscribed, old);
    to(imported.id, imported.address, 7, old);
    consent(imported.id, consent_action::unsubscribed, old + days(1));
    // Only ever received a broadcast (no consent line of their own here).
    const auto reached = s.find_or_create_contact("+51900000012", old);
    to(reached.id, reached.address, 7, old);
    // Imported and still subscribed: their consent is unexpired.
    const auto subscribed = s.find_or_create_contact("+51900000013", old);
    consent(subscribed.id, consent_action::subscribed, old);
    // Left the list recently: the consent change is within the period.
    const auto left_lately = s.find_or_create_contact("+51900000014", old);
    consent(left_lately.id, consent_action::subscribed, old);
    consent(left_lately.id, consent_action::unsubscribed, now - days(30));
    // A focal point the gateway alerted long ago: staff, never written, no consent line.
    const auto staff = s.find_or_create_contact("+51900000015", old);
    to(staff.id, staff.address, 0, old);
    const auto n = s.erasure().purge_expired(year_and_two(), now, 100);
    s.commit();

    CHECK(n.contacts == 2);
    CHECK(s.find_contact(imported.id)->address == "erased:" + std::to_string(imported.id));
    CHECK(s.find_contact(reached.id)->address == "erased:" + std::to_string(reached.id));
    CHECK(s.find_contact(subscribed.id)->address == "+51900000013");
    CHECK(s.find_contact(left_lately.id)->address == "+51900000014");
    CHECK(s.find_contact(staff.id)->address == "+51900000015");
    CHECK(s.find_contact(imported.id)->pseudonym == imported.pseudonym);  // aggregates still count them
    CHECK(found_on_disk(file.path(), {"+51900000011", "51900000011", "+51900000012", "51900000012"}) == "");
}
