// How the store finds a contact by number: through the blind index when addresses are sealed,
// through a partial index on the plain number when they are not (tests, simulate), and never
// through the ciphertext, which migration 19 stopped indexing. The migration keeps every row.
#include "messages/sqlite_migrations.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

const timestamp t0 = from_unix_ms(1'790'000'000'000);

std::string plan(raw_db& db, const std::string& query) {
    std::string out;
    for (const auto& step : db.column("EXPLAIN QUERY PLAN " + query, 3)) out += step + "\n";
    return out;
}

// A database as a store of schema version 18 left it.
void create_at_version_18(const std::string& path) {
    raw_db db{path, true};
    db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const auto& m : sqlite::schema_migrations()) {
        if (m.version > 18) break;
        db.exec(std::string{m.sql});
        db.exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 1)");
    }
}

}  // namespace

TEST_CASE("contacts are looked up by index, and the ciphertext column is indexed nowhere") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT count(*) FROM sqlite_master WHERE tbl_name = 'contacts' "
                     "AND name LIKE 'sqlite_autoindex%'") == 0);
    CHECK(plan(db, "SELECT id FROM contacts c WHERE c.address_index = 'x'")
              .find("contacts_address_index") != std::string::npos);
    CHECK(plan(db, "SELECT id FROM contacts c WHERE c.address = 'x' AND c.address_index IS NULL")
              .find("contacts_plain_address") != std::string::npos);
}

TEST_CASE("without an address key, one number is one contact, and the partial index says so") {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    const auto first = s.find_or_create_contact("+51987654321", t0);
    CHECK(s.find_or_create_contact("+51987654321", t0).id == first.id);
    CHECK(s.find_or_create_contact("+51911111111", t0).id != first.id);
    REQUIRE(s.find_contact_by_address("+51987654321"));
    CHECK(s.find_contact_by_address("+51987654321")->id == first.id);
    raw_db db{file.path()};
    CHECK_THROWS(db.exec("INSERT INTO contacts (address, pseudonym, created_at) "
                         "VALUES ('+51987654321', 'p', 1)"));
    // A sealed row is held unique by its blind index, not by what its address column holds.
    db.exec("INSERT INTO contacts (address, pseudonym, created_at, address_index) "
            "VALUES ('+51987654321', 'p', 1, 'i1')");
}

TEST_CASE("migration 19 rebuilds contacts with every row, id and reference kept") {
    temp_db file;
    create_at_version_18(file.path());
    {
        raw_db db{file.path()};
        db.exec("INSERT INTO contacts (id, address, pseudonym, language, notice_given, state_json, "
                "last_inbound_at, created_at, address_index) VALUES "
                "(4, '+51987654321', 'p4', 'es', 1, '{\"menu\":\"main\"}', 7, 3, NULL), "
                "(9, 'a1:00ff', 'p9', 'en', 0, '{}', 8, 5, 'idx9'), "
                "(12, 'erased:12', 'p12', '', 0, '{}', 0, 6, NULL)");
        db.exec("INSERT INTO inbound_messages (channel_id, provider_message_id, contact_id, text, "
                "received_at, outcome) VALUES ('sms', 'SM1', 9, 'hola', 8, 'handled')");
    }
    sqlite_store s{file.path(), "key"};
    REQUIRE(s.find_contact_by_address("+51987654321"));
    CHECK(s.find_contact_by_address("+51987654321")->id == 4);
    CHECK(s.find_contact_by_address("+51987654321")->language == "es");
    CHECK(s.find_or_create_contact("+51987654321", t0).id == 4);
    raw_db db{file.path()};
    CHECK(db.integer("SELECT MAX(version) FROM schema_migrations") >= 19);
    CHECK(db.text("SELECT group_concat(id || ':' || address || ':' || pseudonym || ':' || "
                  "last_inbound_at || ':' || IFNULL(address_index, '-'), ' ') "
                  "FROM (SELECT * FROM contacts WHERE id IN (4, 9, 12) ORDER BY id)") ==
          "4:+51987654321:p4:7:- 9:a1:00ff:p9:8:idx9 12:erased:12:p12:0:-");
    CHECK(db.text("SELECT contact_id FROM inbound_messages WHERE provider_message_id = 'SM1'") == "9");
    CHECK(db.column("PRAGMA foreign_key_check", 0).empty());
    CHECK(db.integer("SELECT count(*) FROM sqlite_master WHERE name = 'contacts_new'") == 0);
}

TEST_CASE("contacts keep no index on the pseudonym, which nothing looks up") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT count(*) FROM sqlite_master WHERE name = 'contacts_pseudonym'") == 0);
    CHECK(db.integer("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = "
                     "'contacts' AND sql LIKE '%pseudonym%'") == 0);
}
