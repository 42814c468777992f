// Test support for the SQLite store: a uniquely named database file under /tmp that is removed
// (with its WAL and shared-memory files) afterwards, and a raw second connection for checking
// and tampering with what the store wrote, as an operator or an attacker with the file could.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace cwc::messages::testing {

class temp_db {
  public:
    temp_db() {
        static std::atomic<int> counter{0};
        std::random_device rd;
        path_ = "/tmp/cwc-messages-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++) + "-" + std::to_string(rd()) + ".db";
    }
    ~temp_db() {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
            std::filesystem::remove(path_ + suffix, ec);
        }
    }
    temp_db(const temp_db&) = delete;
    temp_db& operator=(const temp_db&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

// A plain connection of its own, independent of the store under test.
class raw_db {
  public:
    explicit raw_db(const std::string& path, bool create = false) {
        const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
            sqlite3_close_v2(db_);
            throw std::runtime_error("raw_db: cannot open " + path);
        }
        sqlite3_busy_timeout(db_, 5000);
    }
    ~raw_db() { sqlite3_close_v2(db_); }
    raw_db(const raw_db&) = delete;
    raw_db& operator=(const raw_db&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string what = error != nullptr ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error("raw_db: " + what);
        }
    }
    // First column of the first row as text ("" when there is no row or it is NULL).
    std::string text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string{"raw_db: "} + sqlite3_errmsg(db_));
        }
        std::string out;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
            out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return out;
    }
    std::int64_t integer(const std::string& sql) { return std::stoll(text(sql)); }
    // One column of every row, as text (e.g. the opcodes of an EXPLAIN).
    std::vector<std::string> column(const std::string& sql, int index) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string{"raw_db: "} + sqlite3_errmsg(db_));
        }
        std::vector<std::string> out;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            const auto* v = sqlite3_column_text(stmt, index);
            out.emplace_back(v != nullptr ? reinterpret_cast<const char*>(v) : "");
        }
        sqlite3_finalize(stmt);
        return out;
    }

  private:
    sqlite3* db_ = nullptr;
};

}  // namespace cwc::messages::testing
