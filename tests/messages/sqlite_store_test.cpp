// SQLite store: opening (pragmas, migrations), contacts, inbound de-duplication, transactions
// and savepoints, the write probe, and durability across close and reopen.
#include "messages/sqlite_store.hpp"
#include "messages/pseudonym.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const std::string key = "test-key";
const timestamp t0 = from_unix_ms(1'700'000'000'000);

outbound_message reply_to(std::int64_t contact_id, std::string text) {
    outbound_message m;
    m.contact_id = contact_id;
    m.channel_id = "sms";
    m.to = "+51987654321";
    m.text = std::move(text);
    m.created_at = t0;
    return m;
}

inbound_message inbound(std::string provider_id, std::string text = "hola") {
    inbound_message m;
    m.channel_id = "sms";
    m.provider_message_id = std::move(provider_id);
    m.from = "+51987654321";
    m.to = "+5115550000";
    m.text = std::move(text);
    m.received_at = t0;
    return m;
}

}  // namespace

TEST_CASE("opening sets WAL, synchronous=FULL, foreign keys and the busy timeout") {
    temp_db file;
    sqlite_store s{file.path(), key};
    CHECK(s.read_pragma("journal_mode") == "wal");
    CHECK(s.read_pragma("synchronous") == "2");  // FULL
    CHECK(s.read_pragma("foreign_keys") == "1");
    CHECK(s.read_pragma("busy_timeout") == "5000");
    CHECK_THROWS_AS(s.read_pragma("synchronous = OFF"), store_error);
    raw_db raw{file.path()};
    CHECK(raw.text("PRAGMA journal_mode") == "wal");  // persistent in the file
}

TEST_CASE("migrations are versioned and re-opening applies nothing twice") {
    temp_db file;
    int version = 0;
    {
        sqlite_store s{file.path(), key};
        version = s.schema_version();
        CHECK(version >= 2);
        s.find_or_create_contact("+51987654321", t0);
    }
    {
        sqlite_store again{file.path(), key};
        CHECK(again.schema_version() == version);
        CHECK(again.find_contact_by_address("+51987654321").has_value());
    }
    raw_db raw{file.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM schema_migrations") == version);
    CHECK(raw.integer("SELECT COUNT(DISTINCT version) FROM schema_migrations") == version);
    for (const char* table : {"contacts", "inbound_messages", "outbox", "cases", "case_events",
                              "audit_log", "quarantine"}) {
        CAPTURE(table);
        CHECK(raw.integer(std::string{"SELECT COUNT(*) FROM sqlite_master WHERE name = '"} + table +
                          "'") == 1);
    }
}

TEST_CASE("an in-memory store works for quick tests") {
    sqlite_store s{":memory:", key};
    const contact c = s.find_or_create_contact("+51987654321", t0);
    CHECK(s.find_contact(c.id).has_value());
}

TEST_CASE("contacts: created once, pseudonymised, saved and read back") {
    temp_db file;
    sqlite_store s{file.path(), key};
    const contact created = s.find_or_create_contact("+51987654321", t0);
    CHECK(created.id > 0);
    CHECK(created.address == "+51987654321");
    CHECK(created.pseudonym == pseudonym(key, "+51987654321"));
    CHECK_FALSE(created.opted_out);
    CHECK(created.state == conversation_state{});
    CHECK(s.find_or_create_contact("+51987654321", t0).id == created.id);
    CHECK(s.find_or_create_contact("+51900000000", t0).id != created.id);

    contact changed = created;
    changed.language = "es";
    changed.notice_given = true;
    changed.opted_out = true;
    changed.state = {"complaint", "description", {{"category", "health"}, {"region", "lima"}}};
    changed.last_inbound_at = t0 + std::chrono::minutes{5};
    changed.address = "+1000";  // the address is the identity: save_contact never changes it
    s.save_contact(changed);

    const auto read = s.find_contact(created.id);
    REQUIRE(read.has_value());
    CHECK(read->address == "+51987654321");
    CHECK(read->language == "es");
    CHECK(read->notice_given);
    CHECK(read->opted_out);
    CHECK(read->state == changed.state);
    CHECK(read->last_inbound_at == changed.last_inbound_at);
    CHECK_FALSE(s.find_contact(created.id + 100).has_value());
    CHECK_FALSE(s.find_contact_by_address("+1000").has_value());

    contact ghost = created;
    ghost.id = created.id + 100;
    CHECK_THROWS_AS(s.save_contact(ghost), store_error);
}

TEST_CASE("an unreadable conversation state restarts at the start node") {
    temp_db file;
    sqlite_store s{file.path(), key};
    const contact c = s.find_or_create_contact("+51987654321", t0);
    raw_db raw{file.path()};
    raw.exec("UPDATE contacts SET state_json = 'not json' WHERE id = " + std::to_string(c.id));
    CHECK(s.find_contact(c.id)->state == conversation_state{});
}

TEST_CASE("inbound messages are de-duplicated on (channel, provider id)") {
    temp_db file;
    sqlite_store s{file.path(), key};
    const contact c = s.find_or_create_contact("+51987654321", t0);
    CHECK_FALSE(s.inbound_exists("sms", "SM1"));
    const auto id = s.insert_inbound(inbound("SM1"), c.id, inbound_outcome::handled);
    CHECK(id > 0);
    CHECK(s.inbound_exists("sms", "SM1"));
    CHECK_FALSE(s.inbound_exists("whatsapp", "SM1"));
    CHECK_THROWS_AS(s.insert_inbound(inbound("SM1", "secret words"), c.id, inbound_outcome::failed),
                    duplicate_key);
    try {
        s.insert_inbound(inbound("SM1", "secret words"), c.id, inbound_outcome::handled);
    } catch (const store_error& e) {
        CHECK(std::string{e.what()}.find("secret") == std::string::npos);  // no texts in errors
    }
    auto other_channel = inbound("SM1");
    other_channel.channel_id = "whatsapp";
    CHECK(s.insert_inbound(other_channel, c.id, inbound_outcome::handled) > id);

    // A foreign-key failure is an infrastructure error, not a duplicate to retry.
    try {
        s.insert_inbound(inbound("SM2"), c.id + 100, inbound_outcome::handled);
        FAIL("expected a foreign key failure");
    } catch (const duplicate_key&) {
        FAIL("a foreign key failure is not a duplicate key");
    } catch (const store_error&) {
    }
    raw_db raw{file.path()};
    CHECK(raw.text("SELECT outcome FROM inbound_messages WHERE id = " + std::to_string(id)) ==
          "handled");
}

TEST_CASE("a savepoint rollback undoes its unit only") {
    temp_db file;
    sqlite_store s{file.path(), key};
    const contact c = s.find_or_create_contact("+51987654321", t0);
    s.begin();
    s.savepoint();
    s.enqueue(reply_to(c.id, "first"));
    s.release_savepoint();
    s.savepoint();
    s.enqueue(reply_to(c.id, "second"));
    s.insert_inbound(inbound("SM9"), c.id, inbound_outcome::handled);
    s.rollback_to_savepoint();
    s.savepoint();
    s.enqueue(reply_to(c.id, "third"));
    s.release_savepoint();
    s.commit();

    const auto rows = s.outbound_for_contact(c.id);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].text == "first");
    CHECK(rows[1].text == "third");
    CHECK_FALSE(s.inbound_exists("sms", "SM9"));

    s.begin();
    s.enqueue(reply_to(c.id, "rolled back"));
    s.rollback();
    CHECK(s.outbound_for_contact(c.id).size() == 2);
    CHECK_THROWS_AS(s.commit(), store_error);  // no transaction is open
}

TEST_CASE("probe_writable writes nothing and keeps the caller's work") {
    temp_db file;
    sqlite_store s{file.path(), key};
    const contact c = s.find_or_create_contact("+51987654321", t0);
    s.probe_writable();  // outside a transaction
    s.begin();
    s.enqueue(reply_to(c.id, "pending"));
    s.probe_writable();  // inside one: a savepoint, rolled back alone
    s.commit();
    CHECK(s.outbound_for_contact(c.id).size() == 1);
    raw_db raw{file.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM health_probe") == 0);
}

TEST_CASE("probe_writable fails when the database cannot be written") {
    temp_db file;
    {
        sqlite_store s{file.path(), key};
        s.find_or_create_contact("+51987654321", t0);
    }
    // As root a chmod would not stop writes, so the file is opened read-only instead.
    sqlite_store read_only{file.path(), key, sqlite_access::read_only};
    CHECK(read_only.find_contact_by_address("+51987654321").has_value());  // reads still work
    CHECK_THROWS_AS(read_only.probe_writable(), store_error);
    CHECK_THROWS_AS(read_only.find_or_create_contact("+51900000000", t0), store_error);
}

TEST_CASE("a read-only open of a database that needs migrations fails") {
    temp_db file;
    {
        raw_db raw{file.path(), true};
        raw.exec("PRAGMA journal_mode = WAL; CREATE TABLE unrelated (a INTEGER)");
    }
    CHECK_THROWS_AS(sqlite_store(file.path(), key, sqlite_access::read_only), store_error);
}

TEST_CASE("committed data survives closing and reopening") {
    temp_db file;
    std::int64_t contact_id = 0;
    std::int64_t outbound_id = 0;
    {
        sqlite_store s{file.path(), key};
        s.begin();
        contact c = s.find_or_create_contact("+51987654321", t0);
        contact_id = c.id;
        c.language = "ar";
        c.state.node = "services";
        s.save_contact(c);
        s.insert_inbound(inbound("SM1"), c.id, inbound_outcome::handled);
        outbound_id = s.enqueue(reply_to(c.id, "مرحبا"));
        s.append_audit({t0, "system", "inbound.received", "contact:1", "{}"});
        s.commit();
        s.begin();
        s.enqueue(reply_to(c.id, "never committed"));
    }  // closed with a transaction open: it is rolled back
    sqlite_store s{file.path(), key};
    const auto c = s.find_contact(contact_id);
    REQUIRE(c.has_value());
    CHECK(c->language == "ar");
    CHECK(c->state.node == "services");
    CHECK(s.inbound_exists("sms", "SM1"));
    const auto rows = s.outbound_for_contact(contact_id);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].id == outbound_id);
    CHECK(rows[0].text == "مرحبا");
    CHECK(s.last_audit_hash().has_value());
    CHECK_FALSE(s.verify_audit_chain().has_value());
}
