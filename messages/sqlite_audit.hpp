// The audit chain's append, on any connection to the store's file: the gateway's store and the
// CLI's token commands write through this one function, so their entries form one chain.
// Internal to messages/ (SQLite stays private).
#pragma once

#include "messages/audit.hpp"
#include "messages/sqlite_connection.hpp"

#include <optional>
#include <string>

namespace cwc::messages::sqlite {

// Appends `e` linked to the last entry. Inside the caller's transaction when one is open,
// otherwise in its own BEGIN IMMEDIATE, so the read of the last hash and the insert never
// interleave with another connection's append.
void append_audit_entry(connection& db, const audit_entry& e);
std::optional<std::string> last_audit_hash(connection& db);

}  // namespace cwc::messages::sqlite
