// Who holds the database: `serve` keeps an exclusive lock on "<database>.lock" for as long as it
// runs, so `restore` (and a second `serve`) can tell the file is in use instead of replacing it
// under a running gateway. The lock is flock(2): the kernel drops it when the process dies.
#pragma once

#include <optional>
#include <string>

namespace cwc::gateway {

class database_lock {
  public:
    // Takes the lock or returns nothing when another process holds it (`holder` then names it:
    // "pid N" as written in the lock file). Throws std::runtime_error when the lock file cannot
    // be created at all (a folder the process may not write).
    static std::optional<database_lock> try_take(const std::string& database, std::string& holder);
    ~database_lock();
    database_lock(database_lock&& other) noexcept : fd_{other.fd_} { other.fd_ = -1; }
    database_lock(const database_lock&) = delete;
    database_lock& operator=(const database_lock&) = delete;
    database_lock& operator=(database_lock&&) = delete;

  private:
    explicit database_lock(int fd) : fd_{fd} {}
    int fd_ = -1;
};

std::string lock_file_path(const std::string& database);

}  // namespace cwc::gateway
