// Applies the schema migrations of the SQLite store (messages/sqlite_migrations.hpp) in one
// write transaction and records them in schema_migrations, so re-opening applies nothing twice.
// Foreign keys are off while they run (SQLite's way of rebuilding a table others refer to) and
// checked before the commit.
#include "messages/sqlite_schema.hpp"

#include "messages/sqlite_migrations.hpp"
#include "messages/store.hpp"

namespace cwc::messages::sqlite {
namespace {

int current_version(connection& db) {
    {
        query exists = db.prepare(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        if (!exists.step()) return 0;
    }
    query q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return q.step() ? static_cast<int>(q.int_at(0)) : 0;
}

// Foreign-key enforcement off for the life of the scope (PRAGMA foreign_keys is a no-op inside a
// transaction, so this wraps the migrations' write transaction), as it was afterwards.
class foreign_keys_off {
  public:
    explicit foreign_keys_off(connection& db)
        : db_{db}, was_on_{db.pragma_text("PRAGMA foreign_keys") == "1"} {
        db_.exec("PRAGMA foreign_keys = OFF");
    }
    ~foreign_keys_off() {
        if (!was_on_) return;
        try {
            db_.exec("PRAGMA foreign_keys = ON");
        } catch (...) {  // the connection is failing: its next statement will say so
        }
    }
    foreign_keys_off(const foreign_keys_off&) = delete;
    foreign_keys_off& operator=(const foreign_keys_off&) = delete;

  private:
    connection& db_;
    bool was_on_;
};

void check_foreign_keys(connection& db) {
    query q = db.prepare("PRAGMA foreign_key_check");
    if (q.step()) {
        throw store_error("sqlite: migration left a row in " + q.text_at(0) +
                          " whose foreign key refers to no row of " + q.text_at(2));
    }
}

}  // namespace

int latest_schema_version() {
    return schema_migrations().back().version;
}

int migrate(connection& db, timestamp now, bool read_only) {
    const int latest = latest_schema_version();
    if (current_version(db) >= latest) return latest;
    if (read_only) throw store_error("sqlite: schema is not up to date and the store is read-only");

    foreign_keys_off unchecked{db};
    write_scope tx{db};
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    // Read again under the write lock: another process may have migrated in between.
    const int from = current_version(db);
    for (const migration& m : schema_migrations()) {
        if (m.version <= from) continue;
        db.exec(m.sql);
        db.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)", m.version,
                   to_unix_ms(now))
            .run();
    }
    check_foreign_keys(db);
    tx.commit();
    return latest;
}

}  // namespace cwc::messages::sqlite
