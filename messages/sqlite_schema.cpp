// Applies the schema migrations of the SQLite store (messages/sqlite_migrations.hpp) in one
// write transaction and records them in schema_migrations, so re-opening applies nothing twice.
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

}  // namespace

int latest_schema_version() {
    return schema_migrations().back().version;
}

int migrate(connection& db, timestamp now, bool read_only) {
    const int latest = latest_schema_version();
    if (current_version(db) >= latest) return latest;
    if (read_only) throw store_error("sqlite: schema is not up to date and the store is read-only");

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
    tx.commit();
    return latest;
}

}  // namespace cwc::messages::sqlite
