// The SQLite C API behind RAII: statement cache, query handles that always reset, error
// mapping to store_error / duplicate_key, and the implicit write transaction for callers that
// did not open one.
#include "messages/sqlite_connection.hpp"

#include "messages/store.hpp"

#include <sqlite3.h>

namespace cwc::messages::sqlite {

void throw_error(sqlite3* db, int rc, std::string_view context) {
    std::string what = "sqlite: ";
    what += context;
    what += ": ";
    what += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    const int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        throw duplicate_key(what);
    }
    throw store_error(what);
}

query::~query() {
    if (stmt_ == nullptr) return;  // moved from
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

void query::bind(int index, std::int64_t value) {
    if (const int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
        throw_error(db_, rc, "bind");
    }
}

void query::bind(int index, std::string_view value) {
    // SQLITE_TRANSIENT: arguments may be temporaries that die before the statement runs.
    const char* data = value.empty() ? "" : value.data();
    if (const int rc =
            sqlite3_bind_text64(stmt_, index, data, value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK) {
        throw_error(db_, rc, "bind");
    }
}

void query::bind_blob(int index, std::string_view bytes) {
    const char* data = bytes.empty() ? "" : bytes.data();
    if (const int rc = sqlite3_bind_blob64(stmt_, index, data, bytes.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
        throw_error(db_, rc, "bind");
    }
}

void query::bind_null(int index) {
    if (const int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
        throw_error(db_, rc, "bind");
    }
}

bool query::step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw_error(db_, rc, "step");
}

void query::run() {
    while (step()) {
    }
}

std::int64_t query::int_at(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string query::text_at(int column) const {
    const auto* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) return {};
    const int size = sqlite3_column_bytes(stmt_, column);
    return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

bool query::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

void connection::finalizer::operator()(sqlite3_stmt* s) const {
    sqlite3_finalize(s);
}

namespace {

// SQLite's allocation statistics take a global mutex on every malloc and free; nothing reads
// them. Must precede SQLite's initialisation (a later call is refused, harmlessly).
const bool memory_statistics_off = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
}();

}  // namespace

connection::connection(const std::string& path, mode m, const char* vfs) {
    (void)memory_statistics_off;
    // NOMUTEX: a connection (and its statement cache) is used by one thread at a time anyway,
    // so SQLite's per-call connection mutex only costs.
    const int flags = SQLITE_OPEN_NOMUTEX | (m == mode::read_only
                                                 ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs);
    if (rc != SQLITE_OK) {
        std::string what = std::string{"sqlite: open: "} +
                           (db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
        sqlite3_close_v2(db_);  // a handle is allocated even when opening fails
        db_ = nullptr;
        throw store_error(what);
    }
    sqlite3_extended_result_codes(db_, 1);
}

connection::~connection() {
    statements_.clear();  // statements must be finalized before the connection closes
    sqlite3_close_v2(db_);
}

void connection::exec(std::string_view sql) {
    const std::string text{sql};
    if (const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
        rc != SQLITE_OK) {
        throw_error(db_, rc, "exec");
    }
}

std::optional<std::string> connection::pragma_text(std::string_view sql) {
    query q = prepare(sql);
    if (!q.step() || q.is_null(0)) return std::nullopt;
    return q.text_at(0);
}

std::int64_t connection::last_insert_id() const {
    return sqlite3_last_insert_rowid(db_);
}

std::int64_t connection::changes() const {
    return sqlite3_changes64(db_);
}

bool connection::in_transaction() const {
    return sqlite3_get_autocommit(db_) == 0;
}

sqlite3_stmt* connection::cached(std::string_view sql) {
    if (const auto it = statements_.find(sql); it != statements_.end()) return it->second.get();
    const std::string key{sql};
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_, key.c_str(), static_cast<int>(key.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) throw_error(db_, rc, "prepare");
    statements_.emplace(key, std::unique_ptr<sqlite3_stmt, finalizer>{stmt});
    return stmt;
}

write_scope::write_scope(connection& db) : db_{db} {
    if (!db_.in_transaction()) {
        db_.exec("BEGIN IMMEDIATE");
        owns_ = true;
    }
}

write_scope::~write_scope() {
    if (owns_ && db_.in_transaction()) {
        try {
            db_.exec("ROLLBACK");
        } catch (...) {
            // Nothing more can be done in a destructor; SQLite rolls back on close anyway.
        }
    }
}

void write_scope::commit() {
    if (owns_) {
        db_.exec("COMMIT");
        owns_ = false;
    }
}

}  // namespace cwc::messages::sqlite
