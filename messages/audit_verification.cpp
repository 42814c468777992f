// Audit verification: one pass over the chain (links, hashes, and the digests and redactions
// its entries carry, kept per record in a temporary table), then one pass per record table
// joined with it, then the signed heads and anchors. Only the first problem of each kind is
// reported: after a broken link every later entry is suspect anyway.
#include "messages/audit_verification.hpp"

#include "messages/audit_keys.hpp"
#include "messages/record_digest.hpp"
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

// The columns of each record table in its canonical order (messages/record_digest.hpp), then
// the latest audited digest, its entry, and the person's erasure (0 = none).
constexpr std::string_view inbound_sql =
    "SELECT r.id, r.channel_id, r.provider_message_id, r.contact_id, r.received_at, r.outcome, "
    "r.kind, COALESCE(r.location_json, ''), r.text, a.digest, a.seq, COALESCE(e.seq, 0), "
    "'inbound:' || r.id FROM inbound_messages r "
    "LEFT JOIN temp.audited a ON a.subject = 'inbound:' || r.id "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";
constexpr std::string_view outbound_sql =
    "SELECT r.id, r.contact_id, r.inbound_id, r.broadcast_id, r.created_at, r.text, a.digest, "
    "a.seq, COALESCE(e.seq, 0), 'outbound:' || r.id FROM outbox r "
    "LEFT JOIN temp.audited a ON a.subject = 'outbound:' || r.id "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";
constexpr std::string_view case_sql =
    "SELECT r.reference, r.contact_id, r.inbound_id, r.channel_id, r.type, r.category, r.region, "
    "r.language, r.opened_at, r.description, a.digest, a.seq, COALESCE(e.seq, 0), "
    "'case:' || r.reference FROM cases r "
    "LEFT JOIN temp.audited a ON a.subject = 'case:' || r.reference "
    "LEFT JOIN temp.erased_contacts e ON e.contact_id = r.contact_id ORDER BY r.id";

// One record table; `canonical` builds a row's canonical content, `first` is the column of the
// audited digest. Returns the first record whose content no longer matches.
template <typename Canonical>
std::optional<std::string> check_records(connection& db, std::string_view sql, int first,
                                         std::string_view key, std::int64_t& matched,
                                         audit_verification& v, Canonical canonical) {
    query q = db.prepare(sql);
    while (q.step()) {
        if (q.is_null(first)) {
            ++v.without_digest;
            continue;
        }
        const std::string digest = q.text_at(first);
        const std::int64_t seq = q.int_at(first + 1);
        if (digest.empty() || q.int_at(first + 2) > seq) {
            ++v.redacted;
            continue;
        }
        if (record_digest(key, canonical(q)) != digest) {
            return "record " + q.text_at(first + 3) +
                   ": its content does not match the digest audited in entry " +
                   std::to_string(seq) + " (edited after it was recorded)";
        }
        ++matched;
    }
    return std::nullopt;
}

// A record the chain vouches for (not redacted) that is gone from its table.
std::optional<std::string> missing_record(connection& db) {
    query q = db.prepare(
        "SELECT subject, seq FROM temp.audited a WHERE digest <> '' AND ("
        "(subject LIKE 'inbound:%' AND NOT EXISTS (SELECT 1 FROM inbound_messages r "
        "  WHERE r.id = CAST(substr(a.subject, 9) AS INTEGER))) OR "
        "(subject LIKE 'outbound:%' AND NOT EXISTS (SELECT 1 FROM outbox r "
        "  WHERE r.id = CAST(substr(a.subject, 10) AS INTEGER))) OR "
        "(subject LIKE 'case:%' AND NOT EXISTS (SELECT 1 FROM cases r "
        "  WHERE r.reference = substr(a.subject, 6)))) ORDER BY seq LIMIT 1");
    if (!q.step()) return std::nullopt;
    return "record " + q.text_at(0) + ": audited in entry " + std::to_string(q.int_at(1)) +
           " but gone from the database (deleted without a redaction entry)";
}

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
    auto record_problem = check_records(
        db, inbound_sql, 9, record_digest_key, v.inbound, v, [](const query& q) {
            const auto id = q.int_at(0), contact = q.int_at(3), at = q.int_at(4);
            const auto channel = q.text_at(1), provider_id = q.text_at(2), outcome = q.text_at(5),
                       kind = q.text_at(6), location = q.text_at(7), text = q.text_at(8);
            return canonical_content(inbound_content{id, channel, provider_id, contact, at,
                                                     outcome, kind, location, text});
        });
    if (!record_problem)
        record_problem = check_records(
            db, outbound_sql, 6, record_digest_key, v.outbound, v, [](const query& q) {
                const auto text = q.text_at(5);
                return canonical_content(outbound_content{q.int_at(0), q.int_at(1), q.int_at(2),
                                                          q.int_at(3), q.int_at(4), text});
            });
    if (!record_problem)
        record_problem = check_records(
            db, case_sql, 10, record_digest_key, v.cases, v, [](const query& q) {
                const auto reference = q.text_at(0), channel = q.text_at(3), type = q.text_at(4),
                           category = q.text_at(5), region = q.text_at(6),
                           language = q.text_at(7), description = q.text_at(9);
                return canonical_content(case_content{reference, q.int_at(1), q.int_at(2),
                                                      channel, type, category, region, language,
                                                      q.int_at(8), description});
            });
    if (!record_problem) record_problem = missing_record(db);
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

}  // namespace cwc::messages
