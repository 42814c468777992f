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

std::span<const migration> schema_migrations();

}  // namespace cwc::messages::sqlite
