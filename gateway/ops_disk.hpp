// Free disk space where the database lives (statvfs of its folder): the figure the low-disk
// alert and GET /metrics state. A full disk stops every commit, so acknowledged webhooks stop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cwc::gateway {

// Bytes available to an unprivileged process in the folder of `database_path`; nothing when the
// folder cannot be examined.
std::optional<std::uint64_t> free_bytes_near(const std::string& database_path);

}  // namespace cwc::gateway
