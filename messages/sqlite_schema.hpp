// Versioned schema of the SQLite store. Migrations run at open inside one write transaction and
// are recorded in schema_migrations, so re-opening applies nothing twice.
#pragma once

#include "messages/sqlite_connection.hpp"
#include "messages/time.hpp"

namespace cwc::messages::sqlite {

// Brings the schema to the latest version; returns that version. On a read-only connection it
// only checks, and throws store_error if migrations would be needed.
int migrate(connection& db, timestamp now, bool read_only);

int latest_schema_version();

}  // namespace cwc::messages::sqlite
