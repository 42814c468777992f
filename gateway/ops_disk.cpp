// statvfs of the database's folder: f_bavail (what a non-root process may still use) times the
// fragment size, as df shows it.
#include "gateway/ops_disk.hpp"

#include <sys/statvfs.h>

#include <filesystem>

namespace cwc::gateway {

std::optional<std::uint64_t> free_bytes_near(const std::string& database_path) {
    std::filesystem::path folder = std::filesystem::path(database_path).parent_path();
    if (folder.empty()) folder = ".";
    struct statvfs fs {};
    if (::statvfs(folder.c_str(), &fs) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(fs.f_bavail) * static_cast<std::uint64_t>(fs.f_frsize);
}

}  // namespace cwc::gateway
