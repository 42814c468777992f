// The SQLite store: opening (pragmas, migrations), transactions and savepoints, the health
// probe and inbound messages. Contacts live in sqlite_contacts.cpp; the outbox, cases and audit
// chain in sqlite_outbox.cpp, sqlite_cases.cpp and sqlite_audit.cpp.
#include "messages/sqlite_store.hpp"

#include "messages/sqlite_broadcast_book.hpp"
#include "messages/sqlite_checkpointer.hpp"
#include "messages/sqlite_erasure_book.hpp"

#include "messages/record_digest.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/sqlite_wal_batching.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cwc::messages {
namespace {

using sqlite::connection;
using sqlite::query;

bool is_memory_path(const std::string& path) {
    return path.empty() || path == ":memory:" || path.starts_with("file::memory:");
}

}  // namespace

sqlite_store::sqlite_store(const std::string& path, std::string pseudonym_key, sqlite_access access)
    : db_{access == sqlite_access::read_only
              ? std::make_unique<connection>(path, connection::mode::read_only)
              : std::make_unique<connection>(path, connection::mode::read_write,
                                             sqlite::wal_batching_vfs())},
      pseudonym_key_{std::move(pseudonym_key)} {
    db_->exec("PRAGMA busy_timeout = 5000");
    db_->exec("PRAGMA foreign_keys = ON");
    // journal_mode answers with the mode in effect; a silent fallback would lose durability.
    const auto journal = db_->pragma_text("PRAGMA journal_mode = WAL");
    const bool wal = journal == "wal" || (is_memory_path(path) && journal == "memory");
    if (!wal) {
        throw store_error("sqlite: WAL journal mode not available (got " +
                          journal.value_or("none") + ")");
    }
    db_->exec("PRAGMA synchronous = FULL");
    // Each unit of a group commit runs in a savepoint, whose undo log (the statement journal)
    // would otherwise be a temporary file written page by page; memory is enough for it.
    db_->exec("PRAGMA temp_store = MEMORY");
    // 16 MiB of page cache (default 2 MiB): a batch's pages stay in memory until its commit.
    db_->exec("PRAGMA cache_size = -16384");
    // A checkpoint every 4000 WAL pages (16 MiB) instead of 1000: it syncs twice and blocks the
    // writer each time, and copies each page once however often the batches rewrote it.
    db_->exec("PRAGMA wal_autocheckpoint = 4000");
    // What a change frees (an erased text, a deleted row) is zeroed, not left in free space.
    db_->exec("PRAGMA secure_delete = ON");
    sqlite::migrate(*db_, system_now(), access == sqlite_access::read_only);
    erasure_ = std::make_unique<sqlite_erasure_book>(*db_, addresses_);
    broadcasts_ = std::make_unique<sqlite_broadcast_book>(*db_, enqueued_);
}

broadcast_book& sqlite_store::broadcasts() { return *broadcasts_; }
erasure_book& sqlite_store::erasure() { return *erasure_; }

sqlite_store::~sqlite_store() {
    if (wal_fd_ >= 0) ::close(wal_fd_);
}

void sqlite_store::defer_sync() {
    const char* main_file = sqlite3_db_filename(db_->handle(), "main");
    if (main_file == nullptr || *main_file == '\0') return;  // in memory: nothing to sync
    const char* wal = sqlite3_filename_wal(main_file);
    if (wal == nullptr || *wal == '\0') return;
    db_->exec("PRAGMA synchronous = NORMAL");
    wal_path_ = wal;
    checkpoints_ = std::make_unique<sqlite::wal_checkpointer>(db_->handle(), main_file);
}

void sqlite_store::make_durable() {
    if (wal_path_.empty()) return;
    // The WAL exists once a transaction has been written, and SQLite keeps (never deletes and
    // recreates) it while this connection is open, so one descriptor serves for the process.
    if (wal_fd_ < 0) {
        wal_fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
        if (wal_fd_ < 0) throw store_error("sqlite: cannot open the WAL to sync it: " + std::string(std::strerror(errno)));
    }
    if (::fdatasync(wal_fd_) != 0)
        throw store_error("sqlite: fdatasync of the WAL failed: " + std::string(std::strerror(errno)));
}

std::unique_ptr<store> open_sqlite_store(const std::string& path, std::string pseudonym_key,
                                         std::string record_digest_key,
                                         std::string_view address_key) {
    auto s = std::make_unique<sqlite_store>(path, std::move(pseudonym_key));
    s->set_record_digest_key(std::move(record_digest_key));
    s->set_address_key(address_key);
    return s;
}

int sqlite_store::schema_version() {
    query q = db_->prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    return q.step() ? static_cast<int>(q.int_at(0)) : 0;
}

std::optional<std::string> sqlite_store::read_pragma(std::string_view name) {
    const bool plain = !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") ==
                                            std::string_view::npos;
    if (!plain) throw store_error("sqlite: not a pragma name");
    return db_->pragma_text("PRAGMA " + std::string{name});
}

// --- transactions

// Prepared once and cached like any statement: the writer runs these for every batch and unit,
// and exec() would parse them each time.
void sqlite_store::begin() {
    db_->prepare("BEGIN IMMEDIATE").run();
}
void sqlite_store::commit() {
    db_->prepare("COMMIT").run();
    erasure_->after_commit();
}
void sqlite_store::rollback() {
    db_->exec("ROLLBACK");
}
void sqlite_store::savepoint() {
    db_->prepare("SAVEPOINT unit").run();
}
void sqlite_store::release_savepoint() {
    db_->prepare("RELEASE unit").run();
}
// ROLLBACK TO leaves the savepoint open; releasing it too ends the unit, as the writer expects.
void sqlite_store::rollback_to_savepoint() {
    db_->exec("ROLLBACK TO unit; RELEASE unit");
}

void sqlite_store::probe_writable() {
    const bool own_transaction = !db_->in_transaction();
    if (own_transaction) {
        db_->exec("BEGIN IMMEDIATE");
    } else {
        db_->exec("SAVEPOINT probe");
    }
    try {
        db_->prepare("INSERT INTO health_probe (at) VALUES (?1)", to_unix_ms(system_now())).run();
    } catch (...) {
        try {
            db_->exec(own_transaction ? "ROLLBACK" : "ROLLBACK TO probe; RELEASE probe");
        } catch (...) {
            // The original failure is the one worth reporting.
        }
        throw;
    }
    db_->exec(own_transaction ? "ROLLBACK" : "ROLLBACK TO probe; RELEASE probe");
}

// --- inbound

bool sqlite_store::inbound_exists(std::string_view channel_id, std::string_view provider_id) {
    query q = db_->prepare(
        "SELECT 1 FROM inbound_messages WHERE channel_id = ?1 AND provider_message_id = ?2",
        channel_id, provider_id);
    if (q.step()) return true;
    return erasure_->tombstoned(channel_id, provider_id);
}

std::int64_t sqlite_store::insert_inbound(const inbound_message& m, std::int64_t contact_id,
                                          inbound_outcome outcome) {
    const std::string location = stored_location(m);  // the form its digest reads
    auto q = db_->prepare(
        "INSERT INTO inbound_messages "
        "(channel_id, provider_message_id, contact_id, text, received_at, outcome, kind, "
        "location_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        m.channel_id, m.provider_message_id, contact_id, m.text, to_unix_ms(m.received_at),
        std::string_view{outcome == inbound_outcome::handled ? "handled" : "failed"}, m.kind);
    if (!location.empty())
        q.bind(8, std::string_view{location});
    else
        q.bind_null(8);
    q.run();
    return db_->last_insert_id();
}

std::int64_t sqlite_store::insert_media(std::int64_t inbound_id, const media_attachment& a,
                                        timestamp now) {
    db_->prepare(
           "INSERT INTO media (inbound_id, kind, provider_media_id, url, mime_type, caption, "
           "filename, sha256, next_attempt_at, created_at) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
           inbound_id, a.kind, a.provider_media_id, a.url, a.mime_type, a.caption, a.filename,
           a.sha256, to_unix_ms(now))
        .run();
    return db_->last_insert_id();
}

std::optional<std::string> sqlite_store::add_message_part(const inbound_message& m,
                                                          std::string_view sender) {
    if (!m.part) return std::nullopt;
    const auto& p = *m.part;
    // Grouped by the number's blind index; the number itself is kept sealed.
    const std::string sealed = addresses_.on() ? addresses_.seal(sender) : std::string{};
    const std::string key = addresses_.index(sender);
    sender = key;
    db_->prepare(
           "INSERT OR IGNORE INTO message_parts (channel_id, sender, reference, part, total, "
           "provider_message_id, text, received_at, sender_sealed) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
           m.channel_id, sender, p.reference, p.index, p.total, m.provider_message_id, m.text,
           to_unix_ms(m.received_at), sealed)
        .run();
    if (db_->changes() == 0) return std::nullopt;  // a retry of a part we have
    std::string text;
    int parts = 0, last = 0;
    {
        // The first copy of each part number, in order.
        query q = db_->prepare(
            "SELECT part, text FROM message_parts WHERE channel_id = ?1 AND sender = ?2 AND "
            "reference = ?3 AND assembled = 0 ORDER BY part, id",
            m.channel_id, sender, p.reference);
        while (q.step()) {
            const auto part = static_cast<int>(q.int_at(0));
            if (part == last) continue;
            last = part;
            text += q.text_at(1);
            ++parts;
        }
    }
    if (parts < p.total) return std::nullopt;
    db_->prepare(
           "UPDATE message_parts SET assembled = 1 WHERE channel_id = ?1 AND sender = ?2 AND "
           "reference = ?3 AND assembled = 0",
           m.channel_id, sender, p.reference)
        .run();
    return text;
}

std::vector<inbound_message> sqlite_store::take_stale_parts(timestamp older_than) {
    struct group {
        std::string channel_id, sender, reference, sealed;
    };
    std::vector<group> groups;
    {
        query q = db_->prepare(
            "SELECT channel_id, sender, reference, MAX(sender_sealed) FROM message_parts WHERE "
            "assembled = 0 GROUP BY channel_id, sender, reference HAVING MIN(received_at) < ?1",
            to_unix_ms(older_than));
        while (q.step()) groups.push_back({q.text_at(0), q.text_at(1), q.text_at(2), q.text_at(3)});
    }
    std::vector<inbound_message> out;
    for (const auto& g : groups) {
        inbound_message m;
        m.channel_id = g.channel_id;
        m.from = g.sealed.empty() ? g.sender : addresses_.open(g.sealed);
        int last = 0;
        {
            query q = db_->prepare(
                "SELECT part, text, provider_message_id, received_at FROM message_parts "
                "WHERE channel_id = ?1 AND sender = ?2 AND reference = ?3 AND assembled = 0 "
                "ORDER BY part, id",
                g.channel_id, g.sender, g.reference);
            while (q.step()) {
                const auto part = static_cast<int>(q.int_at(0));
                if (part == last) continue;
                last = part;
                if (m.provider_message_id.empty()) {
                    m.provider_message_id = q.text_at(2);
                    m.received_at = from_unix_ms(q.int_at(3));
                }
                m.text += q.text_at(1);
            }
        }
        db_->prepare(
               "UPDATE message_parts SET assembled = 1 WHERE channel_id = ?1 AND sender = ?2 AND "
               "reference = ?3 AND assembled = 0",
               g.channel_id, g.sender, g.reference)
            .run();
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace cwc::messages
