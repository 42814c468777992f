// Audit verification: one pass over the chain (links, hashes, and the digests and redactions
// its entries carry, kept per record in a temporary table), then one pass per record table
// joined with it, then the signed heads and anchors. Only the first problem of each kind is
// reported: after a broken link every later entry is suspect anyway.
#include "messages/audit_verification.hpp"

#include "messages/audit_keys.hpp"
#include "messages/audit_verification_records.hpp"
#include "messages/sqlite_audit.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

#include <nlohmann/json.hpp>

#include <charconv>

namespace cwc::messages {
namespace {

using nlohmann::json;
using sqlite::connection;
using sqlite::query;

// "message:<id>" is how a redaction names an inbound message; its audit entries say "inbound:".
std::string record_subject(std::string_view subject) {
    if (subject.starts_with("message:")) return "inbound:" + std::string(subject.substr(8));
    return std::string(subject);
}

class chain_pass {
  public:
    explicit chain_pass(connection& db) : db_{db} {}

    // Walks the chain; the first broken entry, if any.
    std::optional<std::string> run(audit_verification& v) {
        query q = db_.prepare(
            "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log "
            "ORDER BY seq");
        std::string expected_prev = sqlite::genesis_hash;
        std::int64_t previous_seq = 0;
        while (q.step()) {
            const std::int64_t seq = q.int_at(0);
            const std::string action = q.text_at(3), subject = q.text_at(4), detail = q.text_at(5);
            std::string hash = q.text_at(7);
            if (q.text_at(6) != expected_prev) {
                return "audit entry " + std::to_string(seq) + ": does not follow entry " +
                       std::to_string(previous_seq) +
                       " (an entry between them was deleted or one of them altered)";
            }
            if (hash != sqlite::entry_hash(expected_prev, q.int_at(1), q.text_at(2), action,
                                           subject, detail)) {
                return "audit entry " + std::to_string(seq) +
                       ": altered (its hash does not match its content)";
            }
            ++v.entries;
            note_records(seq, action, subject, detail);
            expected_prev = std::move(hash);
            previous_seq = seq;
        }
        return std::nullopt;
    }

  private:
    void audited(const std::string& subject, std::int64_t seq, const std::string& digest) {
        db_.prepare(
               "INSERT INTO temp.audited (subject, seq, digest) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (subject) DO UPDATE SET seq = excluded.seq, digest = excluded.digest",
               subject, seq, digest)
            .run();
    }

    // The digests an entry carries (its subject's, and the outbound rows it queued), or the
    // redaction it records ("" as the digest).
    void note_records(std::int64_t seq, const std::string& action, const std::string& subject,
                      const std::string& detail) {
        if (action == "record.redacted") {
            if (subject.starts_with("contact:")) {
                std::int64_t id = 0;
                const auto digits = std::string_view(subject).substr(8);
                if (std::from_chars(digits.data(), digits.data() + digits.size(), id).ec == std::errc{})
                    db_.prepare("INSERT OR REPLACE INTO temp.erased_contacts (contact_id, seq) "
                                "VALUES (?1, ?2)",
                                id, seq)
                        .run();
            } else {
                audited(record_subject(subject), seq, "");
            }
            return;
        }
        if (detail.find("digest") == std::string::npos) return;  // most entries: no parse
        const auto j = json::parse(detail, nullptr, false);
        if (!j.is_object()) return;
        const auto text = [](const json& o, const char* key) -> std::string {
            const auto it = o.find(key);
            return it != o.end() && it->is_string() ? it->get<std::string>() : std::string{};
        };
        if (auto d = text(j, "digest"); !d.empty()) audited(subject, seq, d);
        // A case's entry may also vouch for its rating and its focal-point alert.
        if (subject.starts_with("case:")) {
            const auto reference = subject.substr(5);
            if (auto d = text(j, "satisfaction_digest"); !d.empty())
                audited("satisfaction:" + reference, seq, d);
            if (auto d = text(j, "alert_digest"); !d.empty())
                audited("alert:" + reference, seq, d);
        }
        if (auto d = text(j, "outbound_digest"); !d.empty() && j.contains("outbound_id"))
            audited("outbound:" + j["outbound_id"].dump(), seq, d);
        if (const auto it = j.find("outbound"); it != j.end() && it->is_array()) {
            for (const auto& row : *it) {
                if (!row.is_object() || !row.contains("id")) continue;
                if (auto d = text(row, "digest"); !d.empty())
                    audited("outbound:" + row["id"].dump(), seq, d);
            }
        }
    }

    connection& db_;
};

// The chain's entry `seq` must still have `hash`; else why not, as `who` names it.
std::optional<std::string> check_hash_at(connection& db, std::int64_t seq, const std::string& hash,
                                         const std::string& who) {
    query q = db.prepare("SELECT hash FROM audit_log WHERE seq = ?1", seq);
    if (!q.step())
        return who + ": the chain has no entry " + std::to_string(seq) + " (entries were deleted)";
    if (q.text_at(0) != hash)
        return who + ": entry " + std::to_string(seq) + " has hash " + q.text_at(0) +
               ", not the one noted (the chain was rewritten)";
    return std::nullopt;
}

// A database from before schema 12 has no signed heads yet (verification never migrates).
bool has_heads_table(connection& db) {
    query q = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_heads'");
    return q.step();
}

std::optional<std::string> check_heads(connection& db, std::string_view public_key,
                                       audit_verification& v) {
    if (!has_heads_table(db)) return std::nullopt;
    query q = db.prepare(
        "SELECT id, seq, hash, signed_at, public_key, signature FROM audit_heads ORDER BY id");
    while (q.step()) {
        const std::int64_t seq = q.int_at(1);
        const std::string hash = q.text_at(2), key = q.text_at(4);
        const std::string who = "signed head " + std::to_string(q.int_at(0)) + " (entry " +
                                std::to_string(seq) + ")";
        if (key != public_key) return who + ": signed with another key than this deployment's";
        if (!signature_valid(key, head_statement(seq, hash, q.int_at(3)), q.text_at(5)))
            return who + ": its signature does not verify";
        if (auto problem = check_hash_at(db, seq, hash, who)) return problem;
        ++v.heads;
    }
    return std::nullopt;
}

}  // namespace

std::optional<audit_anchor> parse_anchor(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    audit_anchor a;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + colon, a.seq);
    if (ec != std::errc{} || end != text.data() + colon || a.seq <= 0) return std::nullopt;
    a.hash = std::string(text.substr(colon + 1));
    if (a.hash.size() != 64 || a.hash.find_first_not_of("0123456789abcdef") != std::string::npos)
        return std::nullopt;
    return a;
}

audit_verification verify_audit(const std::string& database, std::string_view record_digest_key,
                                std::string_view public_key,
                                const std::vector<audit_anchor>& anchors) {
    connection db{database, connection::mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    // The per-record table goes to a temporary file: a million records need not fit in memory.
    db.exec("PRAGMA temp_store = FILE");
    db.exec(
        "CREATE TEMP TABLE audited (subject TEXT PRIMARY KEY, seq INTEGER NOT NULL, "
        "digest TEXT NOT NULL);"
        "CREATE TEMP TABLE erased_contacts (contact_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL)");
    db.exec("BEGIN");  // one snapshot for every pass
    audit_verification v;
    const auto report = [&v](std::optional<std::string> problem) {
        if (problem) v.problems.push_back(std::move(*problem));
    };
    report(chain_pass{db}.run(v));
    auto record_problem = check_audited_records(db, record_digest_key, v);
    report(std::move(record_problem));
    report(check_heads(db, public_key, v));
    for (const auto& a : anchors) {
        if (auto problem = check_hash_at(db, a.seq, a.hash, "anchor " + std::to_string(a.seq))) {
            report(std::move(problem));
            break;
        }
        ++v.anchors;
    }
    db.exec("COMMIT");
    return v;
}

std::vector<signed_head> read_signed_heads(const std::string& database) {
    connection db{database, connection::mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    std::vector<signed_head> heads;
    if (!has_heads_table(db)) return heads;
    query q = db.prepare(
        "SELECT seq, hash, signed_at, public_key, signature FROM audit_heads ORDER BY id");
    while (q.step())
        heads.push_back({q.int_at(0), q.text_at(1), from_unix_ms(q.int_at(2)), q.text_at(3),
                         q.text_at(4)});
    return heads;
}

std::vector<audit_log_row> read_audit_log(const std::string& database, std::int64_t before_seq,
                                          std::size_t limit) {
    connection db{database, connection::mode::read_only};
    db.exec("PRAGMA busy_timeout = 5000");
    query q = db.prepare(
        "SELECT seq, at, actor, action, subject FROM audit_log WHERE ?1 = 0 OR seq < ?1 "
        "ORDER BY seq DESC LIMIT ?2",
        before_seq, static_cast<std::int64_t>(limit));
    std::vector<audit_log_row> rows;
    while (q.step())
        rows.push_back({q.int_at(0), from_unix_ms(q.int_at(1)), q.text_at(2), q.text_at(3),
                        q.text_at(4)});
    return rows;
}

}  // namespace cwc::messages
