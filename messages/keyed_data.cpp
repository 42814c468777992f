// A read-only look at a database before serve loads its keys: does anything in it depend on them?
#include "messages/keyed_data.hpp"

#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

#include <filesystem>

namespace cwc::messages {

bool holds_keyed_data(const std::string& database) {
    std::error_code ec;
    if (!std::filesystem::exists(database, ec) || std::filesystem::file_size(database, ec) == 0) {
        return ec ? true : false;
    }
    try {
        sqlite::connection db{database, sqlite::connection::mode::read_only};
        db.exec("PRAGMA busy_timeout = 5000");
        for (const char* table : {"contacts", "audit_heads"}) {
            const auto exists = db.pragma_text(
                std::string("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '") +
                table + "'");
            if (!exists) continue;
            if (db.pragma_text(std::string("SELECT 1 FROM ") + table + " LIMIT 1")) return true;
        }
        return false;
    } catch (const store_error&) {
        return true;
    }
}

}  // namespace cwc::messages
