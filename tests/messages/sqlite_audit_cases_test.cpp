// SQLite store: cases (reference uniqueness, first event, look-up) and the hash-chained audit
// log, including detection of edits and deletions made behind the store's back.
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

case_record complaint(std::int64_t contact_id, std::string reference) {
    case_record c;
    c.reference = std::move(reference);
    c.contact_id = contact_id;
    c.inbound_id = 3;
    c.channel_id = "sms";
    c.type = "complaint";
    c.category = "sea";
    c.region = "lima";
    c.language = "es";
    c.description = "descripción";
    c.sensitive = true;
    c.opened_at = t0;
    c.due_at = t0 + std::chrono::hours{72};
    return c;
}

}  // namespace

TEST_CASE("cases: inserted with a first event, found by reference, references unique") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const contact person = s.find_or_create_contact("+51987654321", t0);
    const auto id = s.insert_case(complaint(person.id, "Q7K-2M4"));
    CHECK(id > 0);

    const auto summary = s.find_case("Q7K-2M4");
    REQUIRE(summary.has_value());
    CHECK(summary->reference == "Q7K-2M4");
    CHECK(summary->contact_id == person.id);
    CHECK(summary->status == "new");
    CHECK(summary->sensitive);
    CHECK_FALSE(s.find_case("Q7K-2M6").has_value());

    const auto record = s.find_case_record("Q7K-2M4");
    REQUIRE(record.has_value());
    CHECK(record->id == id);
    CHECK(record->category == "sea");
    CHECK(record->description == "descripción");
    CHECK(record->due_at == t0 + std::chrono::hours{72});

    CHECK_THROWS_AS(s.insert_case(complaint(person.id, "Q7K-2M4")), duplicate_key);
    raw_db raw{file.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM cases") == 1);
    CHECK(raw.integer("SELECT COUNT(*) FROM case_events") == 1);  // the failed insert left none
    CHECK(raw.text("SELECT to_status FROM case_events WHERE case_id = " + std::to_string(id)) ==
          "new");
}

TEST_CASE("audit entries are chained by SHA-256") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    CHECK_FALSE(s.last_audit_hash().has_value());
    CHECK_FALSE(s.verify_audit_chain().has_value());  // an empty chain is intact
    s.append_audit({t0, "system", "case.opened", "case:Q7K-2M4", R"({"category":"health"})"});

    raw_db raw{file.path()};
    CHECK(raw.text("SELECT prev_hash FROM audit_log WHERE seq = 1") == std::string(64, '0'));
    // Computed independently in a shell:
    //   printf '%s\n%s\n%s\n%s\n%s\n%s' 0000…0000 1700000000000 system case.opened
    //     case:Q7K-2M4 '{"category":"health"}' | openssl dgst -sha256   (one line, 64 zeros)
    CHECK(raw.text("SELECT hash FROM audit_log WHERE seq = 1") ==
          "6db480a3b14a487053c566a6651315f4319b4c9ddc3bda1c934c58b6111bb7d9");

    s.append_audit({t0, "system", "inbound.received", "inbound:1", "{}"});
    CHECK(raw.text("SELECT prev_hash FROM audit_log WHERE seq = 2") ==
          raw.text("SELECT hash FROM audit_log WHERE seq = 1"));
    CHECK(s.last_audit_hash() == raw.text("SELECT hash FROM audit_log WHERE seq = 2"));
    CHECK_FALSE(s.verify_audit_chain().has_value());
}

TEST_CASE("verify_audit_chain finds the first edited or deleted entry") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    for (int i = 0; i < 6; ++i) {
        s.append_audit({t0 + std::chrono::seconds{i}, "system", "outbound.queued",
                        "message:" + std::to_string(i), "{}"});
    }
    REQUIRE_FALSE(s.verify_audit_chain().has_value());
    raw_db raw{file.path()};

    SUBCASE("an edited detail") {
        raw.exec("UPDATE audit_log SET detail = '{\"x\":1}' WHERE seq = 3");
        CHECK(s.verify_audit_chain() == 3);
    }
    SUBCASE("an edit that recomputes its own hash still breaks the next link") {
        raw.exec("UPDATE audit_log SET actor = 'officer:mallory', hash = 'f00' WHERE seq = 4");
        CHECK(s.verify_audit_chain() == 4);
    }
    SUBCASE("a deleted entry") {
        raw.exec("DELETE FROM audit_log WHERE seq = 2");
        CHECK(s.verify_audit_chain() == 3);
    }
    SUBCASE("a deleted first entry") {
        raw.exec("DELETE FROM audit_log WHERE seq = 1");
        CHECK(s.verify_audit_chain() == 2);
    }
    SUBCASE("a rolled-back entry leaves the chain intact") {
        s.begin();
        s.append_audit({t0, "system", "x", "y", "{}"});
        s.rollback();
        s.append_audit({t0, "system", "after", "rollback", "{}"});
        CHECK_FALSE(s.verify_audit_chain().has_value());
    }
}
