// The schema migrations of the SQLite store, in order. Table and column names are a contract:
// integration tests and operators read them with the sqlite3 CLI. Add a migration at the end;
// never edit a shipped one. messages/sqlite_schema.cpp applies them.
#pragma once

#include <span>
#include <string_view>

namespace cwc::messages::sqlite {

struct migration {
    int version;
    std::string_view sql;
};

// All of them, in order.
std::span<const migration> schema_migrations();

// Its two parts, by file: 1–10 (sqlite_migrations.cpp) and 11 onwards (sqlite_migrations_later.cpp).
std::span<const migration> workflow_migrations();
std::span<const migration> later_migrations();

}  // namespace cwc::messages::sqlite
