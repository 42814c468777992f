// The operators' alerts in the SQLite store (table ops_alerts, migration 14): read whole (a few
// rows: one per condition kind and channel ever told) and saved one at a time, in the writer's
// transaction, so an alert's notice and its state commit together.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

std::vector<ops_alert_state> sqlite_store::ops_alerts() {
    std::vector<ops_alert_state> out;
    auto q = db_->prepare("SELECT kind, channel_id, began_at, last_sent_at, cleared_at, times_sent, "
                          "figure FROM ops_alerts ORDER BY kind, channel_id");
    while (q.step())
        out.push_back({q.text_at(0), q.text_at(1), from_unix_ms(q.int_at(2)),
                       from_unix_ms(q.int_at(3)), from_unix_ms(q.int_at(4)), q.int_at(5),
                       q.int_at(6)});
    return out;
}

void sqlite_store::save_ops_alert(const ops_alert_state& a) {
    db_->prepare("INSERT OR REPLACE INTO ops_alerts (kind, channel_id, began_at, last_sent_at, "
                 "cleared_at, times_sent, figure) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                 a.kind, a.channel_id, to_unix_ms(a.began_at), to_unix_ms(a.last_sent_at),
                 to_unix_ms(a.cleared_at), a.times_sent, a.figure)
        .run();
}

}  // namespace cwc::messages
