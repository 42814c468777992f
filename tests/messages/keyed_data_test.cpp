// When serve may make keys: only while the database holds no contact and no signed head.
#include "messages/keyed_data.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <fstream>

using namespace cwc::messages;
using namespace cwc::messages::testing;

TEST_CASE("holds_keyed_data: no file, an empty file or store, then a contact") {
    temp_db db;
    CHECK_FALSE(holds_keyed_data(db.path()));
    { std::ofstream{db.path()}; }
    CHECK_FALSE(holds_keyed_data(db.path()));
    std::filesystem::remove(db.path());
    {
        sqlite_store store{db.path(), std::string(64, 'a')};  // schema, tokens: nothing keyed
    }
    CHECK_FALSE(holds_keyed_data(db.path()));
    {
        sqlite_store store{db.path(), std::string(64, 'a')};
        store.find_or_create_contact("+51911222333", timestamp{std::chrono::milliseconds{1}});
    }
    CHECK(holds_keyed_data(db.path()));
}

TEST_CASE("holds_keyed_data: a signed head alone, or a file that is no database, counts") {
    temp_db heads;
    { sqlite_store store{heads.path(), std::string(64, 'a')}; }
    raw_db{heads.path()}.exec("INSERT INTO audit_heads (seq, hash, signed_at, public_key, signature) "
                              "VALUES (1, 'h', 1, 'k', 's')");
    CHECK(holds_keyed_data(heads.path()));

    temp_db junk;
    { std::ofstream{junk.path()} << std::string(8192, 'x'); }
    CHECK(holds_keyed_data(junk.path()));
}
