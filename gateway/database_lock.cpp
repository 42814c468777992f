// The "<database>.lock" file: flock(LOCK_EX | LOCK_NB), then our pid written into it so the one
// refused can say who holds it. The file stays behind after exit; only the lock matters.
#include "gateway/database_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace cwc::gateway {

std::string lock_file_path(const std::string& database) {
    return database + ".lock";
}

std::optional<database_lock> database_lock::try_take(const std::string& database,
                                                     std::string& holder) {
    const auto path = lock_file_path(database);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char text[32] = {};
        const auto n = ::pread(fd, text, sizeof text - 1, 0);
        holder =
            n > 0 ? "pid " + std::string(text, static_cast<std::size_t>(n)) : "another process";
        while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' '))
            holder.pop_back();
        ::close(fd);
        return std::nullopt;
    }
    const auto pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.data(), pid.size(), 0) < 0) {
        // The lock is what counts; a pid we could not write only makes the refusal vaguer.
    }
    return database_lock{fd};
}

database_lock::~database_lock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace cwc::gateway
