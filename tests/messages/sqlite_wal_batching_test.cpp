// The WAL-batching VFS must be invisible: every commit is in the file, readable by a connection
// on the default VFS, the moment COMMIT returns — small transactions, ones above the unix VFS's
// 128 KiB write size and ones larger than the batch buffer — a process that dies without
// closing loses nothing it committed, and checkpoints through it (which start the database
// file's writeback as they go) leave the file whole.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_wal_batching.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <memory>
#include <string>

namespace {

using cwc::messages::sqlite::connection;
using cwc::messages::testing::temp_db;

std::unique_ptr<connection> batched(const std::string& path) {
    auto db = std::make_unique<connection>(path, connection::mode::read_write,
                                           cwc::messages::sqlite::wal_batching_vfs());
    db->exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
    return db;
}

std::int64_t count_rows(connection& reader) {
    auto q = reader.prepare("SELECT COUNT(*), COALESCE(SUM(LENGTH(body)), 0) FROM notes");
    REQUIRE(q.step());
    return q.int_at(0);
}

void insert_rows(connection& db, int rows, std::size_t bytes_each, int salt) {
    db.exec("BEGIN IMMEDIATE");
    for (int i = 0; i < rows; ++i) {
        db.prepare("INSERT INTO notes (body) VALUES (?1)",
                   std::string(bytes_each, static_cast<char>('a' + (i + salt) % 26)))
            .run();
    }
    db.exec("COMMIT");
}

}  // namespace

TEST_CASE("wal batching: every commit is visible to a default-VFS reader at once") {
    temp_db file;
    auto db = batched(file.path());
    db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    connection reader(file.path(), connection::mode::read_only);

    std::int64_t expected = 0;
    // 1 row; ~300 KiB (above one 128 KiB write); ~6 MiB (beyond the 4 MiB buffer).
    const struct { int rows; std::size_t bytes; } batches[] = {
        {1, 100}, {30, 10000}, {5, 3000}, {1500, 4000}, {1, 10}, {200, 700}};
    int salt = 0;
    for (const auto& b : batches) {
        insert_rows(*db, b.rows, b.bytes, ++salt);
        expected += b.rows;
        CHECK(count_rows(reader) == expected);
    }
    auto check = db->prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.text_at(0) == "ok");
}

TEST_CASE("wal batching: a checkpoint and a restarted WAL keep the data whole") {
    temp_db file;
    const auto writebacks_before = cwc::messages::sqlite::database_writebacks_started();
    {
        auto db = batched(file.path());
        db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
        for (int round = 0; round < 4; ++round) {
            insert_rows(*db, 400, 2000, round);
            db->exec("PRAGMA wal_checkpoint(RESTART)");  // the next commit rewrites from the start
        }
        insert_rows(*db, 3, 50, 9);
    }
    // The checkpoints wrote about 3 MiB to the database file: its writeback was started as
    // they went, once per MiB, and that changed nothing in what the file holds.
    CHECK(cwc::messages::sqlite::database_writebacks_started() - writebacks_before >= 2);
    connection reader(file.path(), connection::mode::read_only);
    CHECK(count_rows(reader) == 4 * 400 + 3);
    auto check = reader.prepare("PRAGMA integrity_check");
    REQUIRE(check.step());
    CHECK(check.text_at(0) == "ok");
}

TEST_CASE("wal batching: a process that dies without closing keeps what it committed") {
    temp_db file;
    {
        auto db = batched(file.path());
        db->exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    }
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        auto db = batched(file.path());
        for (int i = 0; i < 20; ++i) insert_rows(*db, 7, 900, i);
        db->exec("BEGIN IMMEDIATE");  // an open transaction dies with the process
        db->prepare("INSERT INTO notes (body) VALUES ('lost')").run();
        ::_exit(0);  // no close, no destructor: only what reached the file counts
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    connection reader(file.path(), connection::mode::read_write);
    CHECK(count_rows(reader) == 20 * 7);
    auto lost = reader.prepare("SELECT COUNT(*) FROM notes WHERE body = 'lost'");
    REQUIRE(lost.step());
    CHECK(lost.int_at(0) == 0);
}
