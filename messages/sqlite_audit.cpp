// The hash-chained audit log of the SQLite store. Each entry's hash covers its predecessor's
// hash, so editing or deleting any entry breaks every link after it; verification recomputes
// the chain from the start.
#include "messages/sqlite_audit.hpp"

#include "messages/media.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

namespace sqlite {

const std::string genesis_hash(64, '0');

// prev_hash \n at \n actor \n action \n subject \n detail — the documented chain format, so an
// auditor can recompute it with standard tools.
std::string entry_hash(std::string_view prev_hash, std::int64_t at, std::string_view actor,
                       std::string_view action, std::string_view subject, std::string_view detail) {
    std::string material;
    material.reserve(prev_hash.size() + actor.size() + action.size() + subject.size() +
                     detail.size() + 32);
    material.append(prev_hash).append("\n");
    material.append(std::to_string(at)).append("\n");
    material.append(actor).append("\n");
    material.append(action).append("\n");
    material.append(subject).append("\n");
    material.append(detail);
    return sha256_hex(material);
}

std::optional<std::string> last_audit_hash(connection& db) {
    query q = db.prepare("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!q.step()) return std::nullopt;
    return q.text_at(0);
}

void append_audit_entry(connection& db, const audit_entry& e) {
    // The read of the last hash and the insert must not interleave with another writer.
    write_scope tx{db};
    const std::string prev = last_audit_hash(db).value_or(genesis_hash);
    const std::int64_t at = to_unix_ms(e.at);
    db.prepare(
          "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
          at, e.actor, e.action, e.subject, e.detail, prev,
          entry_hash(prev, at, e.actor, e.action, e.subject, e.detail))
        .run();
    tx.commit();
}

}  // namespace sqlite

std::optional<std::string> sqlite_store::last_audit_hash() { return sqlite::last_audit_hash(*db_); }

void sqlite_store::append_audit(const audit_entry& e) { sqlite::append_audit_entry(*db_, e); }

std::optional<audit_head> sqlite_store::last_audit_head() {
    sqlite::query q = db_->prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1");
    if (!q.step()) return std::nullopt;
    return audit_head{q.int_at(0), q.text_at(1)};
}

std::optional<signed_head> sqlite_store::last_signed_head() {
    sqlite::query q = db_->prepare(
        "SELECT seq, hash, signed_at, public_key, signature FROM audit_heads "
        "ORDER BY id DESC LIMIT 1");
    if (!q.step()) return std::nullopt;
    return signed_head{q.int_at(0), q.text_at(1), from_unix_ms(q.int_at(2)), q.text_at(3),
                       q.text_at(4)};
}

void sqlite_store::save_signed_head(const signed_head& h) {
    db_->prepare(
           "INSERT INTO audit_heads (seq, hash, signed_at, public_key, signature) "
           "VALUES (?1, ?2, ?3, ?4, ?5)",
           h.seq, h.hash, to_unix_ms(h.signed_at), h.public_key, h.signature)
        .run();
}

std::optional<std::int64_t> sqlite_store::verify_audit_chain() {
    sqlite::query q = db_->prepare(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log "
        "ORDER BY seq");
    std::string expected_prev = sqlite::genesis_hash;
    while (q.step()) {
        const std::string prev = q.text_at(6);
        std::string hash = q.text_at(7);
        if (prev != expected_prev || hash != sqlite::entry_hash(prev, q.int_at(1), q.text_at(2),
                                                        q.text_at(3), q.text_at(4), q.text_at(5))) {
            return q.int_at(0);
        }
        expected_prev = std::move(hash);
    }
    return std::nullopt;
}

}  // namespace cwc::messages
