// What `cwc-gateway audit verify` checks, on a read-only connection of its own inside one read
// transaction (a running gateway goes on writing meanwhile): the hash chain from its genesis,
// every live record's keyed digest against the latest digest the chain audited for it, every
// signed head, and the anchors an auditor kept. Streaming: entries and records are read a row at
// a time, and the latest digest per record is kept in a temporary table on disk, not in memory.
#pragma once

#include "messages/audit.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

// "SEQ:HASH", a head an auditor noted: the chain's entry SEQ must still have that hash.
struct audit_anchor {
    std::int64_t seq = 0;
    std::string hash;
};
std::optional<audit_anchor> parse_anchor(std::string_view text);

struct audit_verification {
    std::int64_t entries = 0;
    // Live records whose content matches their latest audited digest.
    std::int64_t inbound = 0, outbound = 0, cases = 0;
    std::int64_t broadcasts = 0, satisfaction = 0, alerts = 0, media = 0;
    // Exempt: a "record.redacted" entry (of the record, or "contact:<id>" of its person) came
    // after its latest digest, so its content may lawfully be gone.
    std::int64_t redacted = 0;
    // No entry carries a digest for them: written before digests existed, broadcast rows,
    // staff alerts, attachments not downloaded.
    std::int64_t without_digest = 0;
    std::int64_t heads = 0, anchors = 0;
    // The first broken entry, then the first broken record, head and anchor (one line each).
    std::vector<std::string> problems;
};

// `public_key`: the deployment's head-signing key (hex); a head signed with any other key is a
// problem. Throws store_error when the database cannot be read.
audit_verification verify_audit(const std::string& database, std::string_view record_digest_key,
                                std::string_view public_key,
                                const std::vector<audit_anchor>& anchors);

// Every signed head, oldest first (one a day: few).
std::vector<signed_head> read_signed_heads(const std::string& database);

// A page of the audit log for an auditor's screen: who did what to which record, never the
// detail (it may name counts and digests, never numbers or texts, but the screen needs none).
struct audit_log_row {
    std::int64_t seq = 0;
    timestamp at{};
    std::string actor, action, subject;
};
// Entries before `before_seq` (0 = from the newest), newest first, at most `limit`.
std::vector<audit_log_row> read_audit_log(const std::string& database, std::int64_t before_seq,
                                          std::size_t limit);

}  // namespace cwc::messages
