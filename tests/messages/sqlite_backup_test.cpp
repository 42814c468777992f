// The online backup on real files: a copy made a few pages at a time holds what was committed
// when it started, is 0600, never overwrites; and the fitness checks a restore relies on.
#include "messages/sqlite_backup.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <sys/stat.h>

#include <fstream>

using namespace cwc::messages;
using namespace cwc::messages::testing;

namespace {

void fill(const std::string& path, int contacts) {
    sqlite_store store{path, std::string(64, 'a')};
    const timestamp t0{std::chrono::milliseconds{1'700'000'000'000}};
    store.begin();
    for (int i = 0; i < contacts; ++i)
        store.find_or_create_contact("+5190" + std::to_string(1000000 + i), t0);
    store.commit();
}

}  // namespace

TEST_CASE("backup: a snapshot copied in steps, owner-only, while another connection writes") {
    temp_db live;
    temp_db copy;
    fill(live.path(), 400);
    raw_db writer{live.path()};
    const auto copied = backup_database(live.path(), copy.path(), 4);
    CHECK(copied.steps > 2);  // really in pages, not one step
    struct stat st {};
    REQUIRE(::stat(copy.path().c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK(copied.bytes == static_cast<std::int64_t>(st.st_size));
    raw_db check{copy.path()};
    CHECK(check.integer("SELECT count(*) FROM contacts") == 400);
    CHECK(backup_problems(copy.path()).empty());
    // The live file goes on taking writes; the copy is not touched by them.
    writer.exec("DELETE FROM contacts WHERE id > 100");
    CHECK(check.integer("SELECT count(*) FROM contacts") == 400);
}

TEST_CASE("backup: an existing file is never overwritten") {
    temp_db live;
    temp_db copy;
    fill(live.path(), 3);
    { std::ofstream{copy.path()} << "keep me"; }
    CHECK_THROWS_AS(backup_database(live.path(), copy.path()), store_error);
    std::ifstream in{copy.path()};
    std::string kept;
    std::getline(in, kept);
    CHECK(kept == "keep me");
}

TEST_CASE("backup_problems: not a cwc database, a newer schema, a damaged file") {
    temp_db other;
    raw_db{other.path(), true}.exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('a')");
    auto problems = backup_problems(other.path());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("not a cwc-gateway database") != std::string::npos);

    temp_db newer;
    fill(newer.path(), 1);
    raw_db{newer.path()}.exec("INSERT INTO schema_migrations VALUES (9999, 0)");
    problems = backup_problems(newer.path());
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].find("newer than this binary") != std::string::npos);

    temp_db damaged;
    fill(damaged.path(), 300);
    std::int64_t offset = 0;
    {
        raw_db db{damaged.path()};
        db.exec("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE");
        offset = (db.integer("SELECT rootpage FROM sqlite_master WHERE name = 'contacts'") - 1) *
                 db.integer("PRAGMA page_size");
    }
    {  // garbage over the contacts table's root page
        std::fstream f{damaged.path(), std::ios::in | std::ios::out | std::ios::binary};
        f.seekp(offset);
        const std::string junk(1000, '\x7f');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    bool refused = false;
    try {
        refused = !backup_problems(damaged.path()).empty();
    } catch (const store_error&) {
        refused = true;  // too damaged even to open: refused all the same
    }
    CHECK(refused);
}
