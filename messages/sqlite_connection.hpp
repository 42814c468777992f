// RAII over the SQLite C API for the SQLite store: one connection, its cached prepared
// statements, and a query handle that resets its statement when it goes out of scope (an
// unreset statement would keep a read transaction open and block WAL checkpoints).
// Internal to messages/: SQLite stays a private dependency. Errors throw store_error carrying
// SQLite's message (which names tables and columns, never bound values); unique-key violations
// throw duplicate_key.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace cwc::messages::sqlite {

[[noreturn]] void throw_error(sqlite3* db, int rc, std::string_view context);

// A borrowed cached statement with its parameters bound; reset on destruction.
class query {
  public:
    query(sqlite3* db, sqlite3_stmt* stmt) : db_{db}, stmt_{stmt} {}
    ~query();
    query(query&& other) noexcept : db_{other.db_}, stmt_{other.stmt_} { other.stmt_ = nullptr; }
    query(const query&) = delete;
    query& operator=(const query&) = delete;
    query& operator=(query&&) = delete;

    void bind(int index, std::int64_t value);
    void bind(int index, std::string_view value);
    void bind_blob(int index, std::string_view bytes);  // bytes kept as they are (no text)
    void bind_null(int index);

    bool step();  // true while a row is available
    void run();   // runs a statement that returns no rows (or ignores them)
    std::int64_t int_at(int column) const;
    std::string text_at(int column) const;
    bool is_null(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
};

class connection {
  public:
    enum class mode { read_write, read_only };
    // `vfs`: a registered VFS name, nullptr = SQLite's default.
    connection(const std::string& path, mode m, const char* vfs = nullptr);
    ~connection();
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;

    // Runs one or more statements without parameters (schema, pragmas, transaction control).
    void exec(std::string_view sql);
    // Prepares `sql` once, then binds `args` positionally (?1, ?2 …) on every use.
    template <typename... Args>
    query prepare(std::string_view sql, const Args&... args) {
        query q{db_, cached(sql)};
        int index = 0;
        (bind_one(q, ++index, args), ...);
        return q;
    }
    // First column of the first row, or nothing (no row, or NULL).
    std::optional<std::string> pragma_text(std::string_view sql);
    std::int64_t last_insert_id() const;
    std::int64_t changes() const;
    bool in_transaction() const;
    sqlite3* handle() const { return db_; }

  private:
    template <typename T>
    static void bind_one(query& q, int index, const T& value) {
        if constexpr (std::is_same_v<T, bool>) {
            q.bind(index, std::int64_t{value ? 1 : 0});
        } else if constexpr (std::is_integral_v<T>) {
            q.bind(index, static_cast<std::int64_t>(value));
        } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
            q.bind_null(index);
        } else {
            q.bind(index, std::string_view{value});
        }
    }
    sqlite3_stmt* cached(std::string_view sql);

    struct finalizer {
        void operator()(sqlite3_stmt* s) const;
    };
    // Found by the SQL text as a string_view: no key string is built for each statement run.
    struct sql_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const {
            return std::hash<std::string_view>{}(sql);
        }
    };
    sqlite3* db_ = nullptr;
    std::unordered_map<std::string, std::unique_ptr<sqlite3_stmt, finalizer>, sql_hash,
                       std::equal_to<>>
        statements_;
};

// BEGIN IMMEDIATE … COMMIT around a multi-statement operation when the caller has not opened a
// transaction; inside the caller's transaction it does nothing (the caller's unit decides).
class write_scope {
  public:
    explicit write_scope(connection& db);
    ~write_scope();  // rolls back if commit() was not reached
    write_scope(const write_scope&) = delete;
    write_scope& operator=(const write_scope&) = delete;
    void commit();

  private:
    connection& db_;
    bool owns_ = false;
};

}  // namespace cwc::messages::sqlite
