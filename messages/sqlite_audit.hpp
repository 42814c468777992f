// The audit chain's append, on any connection to the store's file: the gateway's store and the
// CLI's token commands write through this one function, so their entries form one chain.
// Internal to messages/ (SQLite stays private).
#pragma once

#include "messages/audit.hpp"
#include "messages/sqlite_connection.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace cwc::messages::sqlite {

// Appends `e` linked to the last entry. Inside the caller's transaction when one is open,
// otherwise in its own BEGIN IMMEDIATE, so the read of the last hash and the insert never
// interleave with another connection's append.
void append_audit_entry(connection& db, const audit_entry& e);
std::optional<std::string> last_audit_hash(connection& db);

// The chain's documented formula: lower-hex SHA-256 of
//   prev_hash "\n" at "\n" actor "\n" action "\n" subject "\n" detail
// with `at` in epoch ms; the first entry's prev_hash is 64 zeros (genesis_hash).
extern const std::string genesis_hash;
std::string entry_hash(std::string_view prev_hash, std::int64_t at, std::string_view actor,
                       std::string_view action, std::string_view subject, std::string_view detail);

}  // namespace cwc::messages::sqlite
