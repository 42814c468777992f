// Background WAL checkpoints (messages/sqlite_checkpointer.hpp): a writer that never pauses keeps
// a bounded WAL, every committed row is in the database, and the file stays sound; the store
// writer's connection gets them with defer_sync().
#include "messages/sqlite_checkpointer.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>

using cwc::messages::sqlite::checkpoint_thresholds;
using cwc::messages::sqlite::wal_checkpointer;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

struct writer_connection {
    sqlite3* db = nullptr;
    explicit writer_connection(const std::string& path) {
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = NORMAL");
        exec("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    }
    ~writer_connection() { sqlite3_close_v2(db); }
    void exec(const std::string& sql) {
        REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    }
};

}  // namespace

TEST_CASE("a writer that never pauses keeps a bounded WAL, and nothing committed is lost") {
    temp_db file;
    constexpr int commits = 3000;
    std::uint64_t passes = 0, by_writer = 0;
    int largest = 0;
    {
        writer_connection w{file.path()};
        wal_checkpointer checkpoints{w.db, file.path(), {.pages_between = 50, .pages_most = 400}};
        // Each commit adds about one page (and rewrites the table's last one).
        for (int i = 0; i < commits; ++i) w.exec("INSERT INTO rows (body) VALUES (randomblob(3000))");
        passes = checkpoints.background_passes();
        by_writer = checkpoints.writer_checkpoints();
        largest = checkpoints.largest_wal_pages();
    }
    CAPTURE(passes);
    CAPTURE(by_writer);
    // Without checkpoints the WAL would end with more pages than there were commits; the
    // writer's automatic checkpoint is replaced, so every one that ran was ours. (How far past
    // pages_most it gets depends on how long a background pass, syncs included, holds the
    // checkpoint while the writer goes on: a loaded machine's figure, not a fixed one.)
    CHECK(passes + by_writer > 0);
    CHECK(largest < commits);
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM rows") == commits);
    CHECK(db.text("PRAGMA integrity_check") == "ok");
}

TEST_CASE("the store writer's connection checkpoints in the background once it defers syncs") {
    temp_db file;
    {
        cwc::messages::sqlite_store s{file.path(), "key"};
        s.defer_sync();
        const auto t0 = cwc::messages::from_unix_ms(1'700'000'000'000);
        for (int i = 0; i < 400; ++i) {
            s.begin();
            s.find_or_create_contact("+5198700" + std::to_string(1000 + i), t0);
            s.commit();
            s.make_durable();
        }
    }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM contacts") == 400);
    CHECK(db.text("PRAGMA integrity_check") == "ok");
}
