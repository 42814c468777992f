// Sensitive-case alerts and directory referrals in the SQLite store: the rows the focal-point
// scheduler walks, and the record of every service a person was pointed to.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

namespace {

sensitive_alert alert_from_row(const sqlite::query& q) {
    sensitive_alert a;
    a.case_id = q.int_at(0);
    a.reference = q.text_at(1);
    a.organisation = q.text_at(2);
    a.category = q.text_at(3);
    a.deadline_at = from_unix_ms(q.int_at(4));
    a.next_alert_at = from_unix_ms(q.int_at(5));
    a.alerts_sent = static_cast<int>(q.int_at(6));
    a.escalated = q.int_at(7) != 0;
    a.settled = q.int_at(8) != 0;
    return a;
}

}  // namespace

sensitive_alert sqlite_store::open_sensitive_alert(const sensitive_alert& a) {
    // A case flagged twice (keyword, then an officer) keeps its first alert and its times. A
    // new alert (the usual case) comes back from the insert itself: no second query.
    constexpr const char* columns =
        "case_id, reference, organisation, category, deadline_at, next_alert_at, alerts_sent, "
        "escalated, settled";
    {
        auto q = db_->prepare(
           "INSERT INTO sensitive_alerts (case_id, reference, organisation, category, "
           "deadline_at, next_alert_at, alerts_sent, escalated, settled) "
           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
           "ON CONFLICT (case_id) DO UPDATE SET settled = excluded.settled, "
           "next_alert_at = MIN(next_alert_at, excluded.next_alert_at) "
           "WHERE settled = 1 AND excluded.settled = 0 RETURNING " + std::string(columns),
           a.case_id, a.reference, a.organisation, a.category, to_unix_ms(a.deadline_at),
           to_unix_ms(a.next_alert_at), a.alerts_sent, a.escalated, a.settled);
        if (q.step()) return alert_from_row(q);
    }
    auto q = db_->prepare("SELECT " + std::string(columns) + " FROM sensitive_alerts WHERE case_id = ?1",
                          a.case_id);
    if (!q.step()) throw store_error("sqlite: open_sensitive_alert: no alert for case " +
                                     std::to_string(a.case_id));
    return alert_from_row(q);
}

std::vector<sensitive_alert> sqlite_store::due_sensitive_alerts(timestamp now,
                                                                std::size_t limit) {
    sqlite::query q = db_->prepare(
        "SELECT case_id, reference, organisation, category, deadline_at, next_alert_at, "
        "alerts_sent, escalated, settled FROM sensitive_alerts "
        "WHERE settled = 0 AND next_alert_at <= ?1 ORDER BY next_alert_at LIMIT ?2",
        to_unix_ms(now), static_cast<std::int64_t>(limit));
    std::vector<sensitive_alert> out;
    while (q.step()) out.push_back(alert_from_row(q));
    return out;
}

void sqlite_store::save_sensitive_alert(const sensitive_alert& a) {
    db_->prepare(
           "UPDATE sensitive_alerts SET organisation = ?2, deadline_at = ?3, next_alert_at = ?4, "
           "alerts_sent = ?5, escalated = ?6, settled = ?7 WHERE case_id = ?1",
           a.case_id, a.organisation, to_unix_ms(a.deadline_at), to_unix_ms(a.next_alert_at),
           a.alerts_sent, a.escalated, a.settled)
        .run();
}

std::optional<timestamp> sqlite_store::next_sensitive_alert() {
    sqlite::query q =
        db_->prepare("SELECT MIN(next_alert_at) FROM sensitive_alerts WHERE settled = 0");
    if (!q.step() || q.is_null(0)) return std::nullopt;
    return from_unix_ms(q.int_at(0));
}

void sqlite_store::record_service_referral(const service_referral& r) {
    db_->prepare(
           "INSERT INTO service_referrals (contact_id, service_id, organisation, sector, region, "
           "language, channel_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
           r.contact_id, r.service_id, r.organisation, r.sector, r.region, r.language,
           r.channel_id, to_unix_ms(r.at))
        .run();
}

}  // namespace cwc::messages
