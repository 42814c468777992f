// The operations picture from SQLite: a handful of GROUP BY queries in one read transaction.
// Each is served by an index (inbound counts by the unique index and a partial one of failures,
// outbox_claim covers channel and status; dead letters and held rows have indexes of their own).
#include "messages/ops_reader.hpp"

#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_schema.hpp"
#include "messages/store.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace cwc::messages {
namespace {

const char* priority_name(std::int64_t p) {
    static constexpr const char* names[] = {"safety", "reply", "answer", "broadcast"};
    return p >= 0 && p < 4 ? names[p] : "other";
}

// Only plain statuses reach a label ([a-z_]); anything else the store might hold one day is
// counted under "other".
std::string plain_status(const std::string& s) {
    if (s.empty() || s.size() > 24) return "other";
    for (const char c : s)
        if (!(std::islower(static_cast<unsigned char>(c)) || c == '_')) return "other";
    return s;
}

void require_current_schema(sqlite::connection& db) {
    sqlite::query q = db.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!q.step() || q.int_at(0) < sqlite::latest_schema_version()) {
        throw store_error("sqlite: the database schema is older than this gateway; start the "
                          "gateway once to migrate it");
    }
}

// Ends the read transaction however the reading ends.
struct read_transaction {
    explicit read_transaction(sqlite::connection& db) : db_(db) { db_.exec("BEGIN"); }
    ~read_transaction() {
        try {
            db_.exec("COMMIT");
        } catch (...) {  // a read transaction has nothing to lose
        }
    }
    read_transaction(const read_transaction&) = delete;
    read_transaction& operator=(const read_transaction&) = delete;
    sqlite::connection& db_;
};

}  // namespace

std::string publishable_code(const std::string& code) {
    if (code.empty()) return "none";
    if (code.size() > 32) return "other";
    std::size_t digits = 0;
    for (const char c : code) {
        const auto u = static_cast<unsigned char>(c);
        if (!(std::isalnum(u) || c == '_' || c == '.' || c == '-')) return "other";
        digits = std::isdigit(u) ? digits + 1 : 0;
        if (digits >= 7) return "other";
    }
    return code;
}

ops_reader::ops_reader(const std::string& database_path)
    : db_(std::make_unique<sqlite::connection>(database_path, sqlite::connection::mode::read_only)) {
    require_current_schema(*db_);
}

ops_reader::~ops_reader() = default;

ops_picture ops_reader::read(timestamp now, timestamp quarantine_since) {
    ops_picture p;
    read_transaction transaction(*db_);
    const auto now_ms = to_unix_ms(now);
    {
        // From indexes only: the total per channel from the unique (channel, provider id) index,
        // the failed ones from their partial index (migration 17); handled is the rest.
        std::map<std::string, std::int64_t> failed;
        auto f = db_->prepare("SELECT channel_id, COUNT(*) FROM inbound_messages "
                              "WHERE outcome = 'failed' GROUP BY channel_id");
        while (f.step()) failed[f.text_at(0)] = f.int_at(1);
        auto q = db_->prepare("SELECT channel_id, COUNT(*) FROM inbound_messages GROUP BY channel_id");
        while (q.step()) {
            const auto id = q.text_at(0);
            const auto n = failed.count(id) ? failed[id] : 0;
            if (n > 0) p.inbound.push_back({id, "failed", n});
            if (q.int_at(1) > n) p.inbound.push_back({id, "handled", q.int_at(1) - n});
        }
    }
    {
        auto q = db_->prepare("SELECT channel_id, status, COUNT(*) FROM outbox "
                              "GROUP BY channel_id, status");
        std::map<std::pair<std::string, std::string>, std::int64_t> merged;
        while (q.step()) merged[{q.text_at(0), plain_status(q.text_at(1))}] += q.int_at(2);
        for (auto& [key, n] : merged) p.outbound.push_back({key.first, key.second, n});
    }
    // The outbox's channels came with the counts above (a covering index scan); each channel is
    // then looked up by seeks on outbox_due (channel, status), never by a scan of the outbox.
    std::vector<std::string> outbox_channels;
    for (const auto& o : p.outbound)
        if (outbox_channels.empty() || outbox_channels.back() != o.channel_id) outbox_channels.push_back(o.channel_id);
    for (const auto& id : outbox_channels) {
        auto q = db_->prepare("SELECT error_code, COUNT(*) FROM outbox WHERE channel_id = ?1 "
                              "AND (status = 'failed' OR status = 'undelivered') GROUP BY error_code",
                              id);
        std::map<std::string, std::int64_t> merged;
        while (q.step()) merged[publishable_code(q.text_at(0))] += q.int_at(1);
        for (auto& [code, n] : merged) p.failed_by_code.push_back({id, code, n});
    }
    for (const auto& id : outbox_channels) {
        auto q = db_->prepare("SELECT priority, COUNT(*), MIN(created_at) FROM outbox "
                              "WHERE channel_id = ?1 AND (status = 'queued' OR status = 'sending' "
                              "OR status = 'unknown') GROUP BY priority ORDER BY priority",
                              id);
        while (q.step())
            p.pending.push_back({id, priority_name(q.int_at(0)), q.int_at(1),
                                 std::max<std::int64_t>(0, now_ms - q.int_at(2))});
    }
    std::map<std::string, ops_channel> channels;
    auto channel = [&channels](const std::string& id) -> ops_channel& {
        auto& c = channels[id];
        c.channel_id = id;
        return c;
    };
    {
        auto q = db_->prepare("SELECT channel_id, COUNT(*) FROM outbox WHERE dead_letter = 1 "
                              "AND status = 'failed' GROUP BY channel_id");
        while (q.step()) channel(q.text_at(0)).dead_letters = q.int_at(1);
    }
    for (const auto& id : outbox_channels) {
        // Held rows are queued with the pause's error code (gateway/dispatcher.hpp).
        auto q = db_->prepare("SELECT COUNT(*) FROM outbox WHERE channel_id = ?1 AND status = 'queued' "
                              "AND error_code = 'channel_paused'",
                              id);
        if (q.step() && q.int_at(0) > 0) channel(id).held_for_pause = q.int_at(0);
    }
    {
        auto q = db_->prepare("SELECT channel_id, COUNT(*), SUM(received_at >= ?1) FROM quarantine "
                              "GROUP BY channel_id",
                              to_unix_ms(quarantine_since));
        while (q.step()) {
            auto& c = channel(q.text_at(0));
            c.quarantined = q.int_at(1);
            c.quarantined_recently = q.int_at(2);
        }
    }
    for (const auto& o : p.outbound) channel(o.channel_id);
    for (auto& [id, c] : channels) p.channels.push_back(std::move(c));
    {
        // case_lifecycle.hpp is_overdue: unanswered past the due date, or never acknowledged
        // past the acknowledgement target; closed and responded cases never are.
        auto q = db_->prepare(
            "SELECT COUNT(*), COALESCE(SUM(sensitive), 0) FROM cases "
            "WHERE status NOT IN ('closed', 'responded') AND (due_at < ?1 OR (acknowledged_at = 0 "
            "AND acknowledge_due_at != 0 AND acknowledge_due_at < ?1))",
            now_ms);
        if (q.step()) {
            p.overdue_cases = q.int_at(0);
            p.sensitive_overdue_cases = q.int_at(1);
        }
    }
    {
        auto q = db_->prepare("SELECT kind, channel_id, began_at, last_sent_at, cleared_at, "
                              "times_sent, figure FROM ops_alerts WHERE cleared_at = 0 "
                              "ORDER BY kind, channel_id");
        while (q.step())
            p.alerts_holding.push_back({q.text_at(0), q.text_at(1), from_unix_ms(q.int_at(2)),
                                        from_unix_ms(q.int_at(3)), from_unix_ms(q.int_at(4)),
                                        q.int_at(5), q.int_at(6)});
    }
    return p;
}

}  // namespace cwc::messages
