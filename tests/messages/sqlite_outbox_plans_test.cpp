// What SQLite does for the store writer's hottest statements: putting a message in the outbox and
// changing its status must not build temporary b-trees (an IN list in a partial index's condition
// did, on every row), and the in-turn look-up must still be answered by its partial index.
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;

namespace {

bool builds_temporary_btree(raw_db& db, const std::string& statement) {
    const auto opcodes = db.column("EXPLAIN " + statement, 1);
    return std::find(opcodes.begin(), opcodes.end(), "OpenEphemeral") != opcodes.end();
}

std::string plan(raw_db& db, const std::string& query) {
    std::string out;
    for (const auto& step : db.column("EXPLAIN QUERY PLAN " + query, 3)) out += step + "\n";
    return out;
}

}  // namespace

TEST_CASE("queuing a message and moving its status build no temporary b-tree") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    CHECK_FALSE(builds_temporary_btree(
        db, "INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, "
            "segments, status, created_at, next_attempt_at, updated_at) "
            "VALUES (1, 'sms', 'x', 'hola', 1, 1, 1, 'queued', 1, 1, 1)"));
    for (const char* status : {"sending", "sent", "delivered", "failed", "unknown"}) {
        CAPTURE(status);
        CHECK_FALSE(builds_temporary_btree(
            db, std::string{"UPDATE outbox SET status = '"} + status + "', updated_at = 2 WHERE id = 1"));
    }
}

TEST_CASE("the in-turn look-up of a contact's earlier messages uses the pending index") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    const auto p = plan(db,
                        "SELECT 1 FROM outbox WHERE contact_id = 1 AND id > 5 "
                        "AND (status = 'queued' OR status = 'sending' OR status = 'unknown') LIMIT 1");
    CHECK(p.find("outbox_pending_contact") != std::string::npos);
}

TEST_CASE("the next due time per priority and a provider's id are read from indexes, unsorted") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    const auto due = plan(db,
                          "SELECT next_attempt_at FROM outbox INDEXED BY outbox_claim "
                          "WHERE channel_id = 'sms' AND status = 'queued' AND priority = 1 "
                          "ORDER BY next_attempt_at LIMIT 1");
    CHECK(due.find("outbox_claim") != std::string::npos);
    CHECK(due.find("TEMP B-TREE") == std::string::npos);
    const auto callback = plan(db,
                               "SELECT id, status FROM outbox WHERE channel_id = 'sms' AND "
                               "provider_message_id = 'SM1' AND provider_message_id <> '' "
                               "ORDER BY id DESC LIMIT 1");
    CHECK(callback.find("outbox_provider") != std::string::npos);
}

TEST_CASE("a contact's inbound messages are found through the one index that starts with it") {
    temp_db file;
    { sqlite_store created{file.path(), "key"}; }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT count(*) FROM sqlite_master WHERE name = 'inbound_messages_contact'") == 0);
    const auto p = plan(db, "SELECT id FROM inbound_messages WHERE contact_id = 7");
    CHECK(p.find("inbound_messages_contact_channel") != std::string::npos);
    CHECK(p.find("SCAN") == std::string::npos);
}
