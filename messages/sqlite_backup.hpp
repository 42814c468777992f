// Copies of the SQLite store for an operator: the online backup (a snapshot copied a few pages at
// a time while the gateway goes on writing) and the checks a copy passes before `restore` may put
// it in the live file's place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cwc::messages {

struct backup_copy {
    std::int64_t pages = 0;
    std::int64_t bytes = 0;
    std::int64_t steps = 0;  // sqlite3_backup_step calls it took
};

// Copies `source` into `destination`, a new file created 0600 before any byte is written (it holds
// the same personal data as the store). The copy is the database as of the start: one read
// transaction on the source spans every step, so commits made meanwhile (WAL) neither block nor
// restart it. The file is synced before returning; on failure it is removed. Throws store_error
// (also when `destination` exists).
backup_copy backup_database(const std::string& source, const std::string& destination,
                            int pages_per_step = 256);

// What would make `database` unfit to be restored: PRAGMA integrity_check's findings, no
// schema_migrations table (not a cwc-gateway database), or a schema newer than this binary's.
// Empty when it is fit. Opens it read-only; throws store_error when it cannot be opened at all.
std::vector<std::string> backup_problems(const std::string& database);

}  // namespace cwc::messages
