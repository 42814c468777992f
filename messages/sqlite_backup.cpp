// The online backup through sqlite3_backup_step, inside one read transaction on the source so a
// writing gateway neither waits for the copy nor makes it start over; and the fitness checks of a
// copy (integrity, a cwc-gateway schema this binary knows).
#include "messages/sqlite_backup.hpp"

#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace cwc::messages {
namespace {

void sync_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw store_error("backup: cannot open " + path + " to sync it");
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw store_error("backup: cannot sync " + path);
}

backup_copy copy_pages(const std::string& source, const std::string& destination,
                       int pages_per_step) {
    sqlite::connection from{source, sqlite::connection::mode::read_only};
    from.exec("PRAGMA busy_timeout = 5000");
    sqlite::connection to{destination, sqlite::connection::mode::read_write};
    // The snapshot: a read transaction held across the steps. Without it each step would open its
    // own, and any commit by the gateway in between would restart the copy from page 1.
    from.exec("BEGIN");
    from.pragma_text("SELECT count(*) FROM sqlite_master");
    sqlite3_backup* b = sqlite3_backup_init(to.handle(), "main", from.handle(), "main");
    if (b == nullptr) sqlite::throw_error(to.handle(), sqlite3_errcode(to.handle()), "backup init");
    backup_copy copy;
    int rc = SQLITE_OK;
    int busy = 0;
    while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        rc = sqlite3_backup_step(b, pages_per_step);
        ++copy.steps;
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            if (++busy > 250) break;  // 5 s of a source we cannot read: give up
            sqlite3_sleep(20);
        }
    }
    copy.pages = sqlite3_backup_pagecount(b);
    const int finished = sqlite3_backup_finish(b);
    from.exec("COMMIT");
    if (rc != SQLITE_DONE) sqlite::throw_error(nullptr, rc, "backup step");
    if (finished != SQLITE_OK) sqlite::throw_error(to.handle(), finished, "backup finish");
    const auto page_size = to.pragma_text("PRAGMA page_size");
    copy.bytes = copy.pages * std::stoll(page_size.value_or("0"));
    return copy;
}

}  // namespace

backup_copy backup_database(const std::string& source, const std::string& destination,
                            int pages_per_step) {
    // Created here, owner-only, so no umask ever leaves the copy readable by others.
    const int fd = ::open(destination.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw store_error("backup: cannot create " + destination + ": " + std::strerror(errno));
    }
    ::close(fd);
    try {
        auto copy = copy_pages(source, destination, pages_per_step);
        sync_file(destination);
        return copy;
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(destination, ignored);
        std::filesystem::remove(destination + "-journal", ignored);
        throw;
    }
}

std::vector<std::string> backup_problems(const std::string& database) {
    std::vector<std::string> problems;
    sqlite::connection db{database, sqlite::connection::mode::read_only};
    {
        auto check = db.prepare("PRAGMA integrity_check(10)");
        while (check.step()) {
            if (auto line = check.text_at(0); line != "ok")
                problems.push_back("integrity: " + line);
        }
    }
    if (!problems.empty()) return problems;
    auto known = db.prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!known.step()) return {"no schema_migrations table: not a cwc-gateway database"};
    const auto version = db.pragma_text("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    const int found = std::stoi(version.value_or("0"));
    if (found > sqlite::latest_schema_version()) {
        problems.push_back("schema version " + std::to_string(found) + " is newer than this " +
                           "binary's " + std::to_string(sqlite::latest_schema_version()) +
                           ": restore it with the version that made it");
    }
    return problems;
}

}  // namespace cwc::messages
