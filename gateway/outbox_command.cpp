// `cwc-gateway outbox`: the operator's view of the outbox (counts by channel and state, dead
// letters, rows held by a paused channel, possible duplicates after crashes) and re-queueing of
// dead letters or single failed messages. Safe while the gateway runs (SQLite WAL); a running
// dispatcher picks re-queued rows up within a few seconds.
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/dispatcher.hpp"
#include "messages/sqlite_store.hpp"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <ostream>

namespace cwc::gateway {

namespace {

using messages::outbox_channel_report;

nlohmann::json as_json(const outbox_channel_report& r) {
    return {{"channel", r.channel_id}, {"queued", r.queued}, {"sending", r.sending},
            {"unknown", r.unknown}, {"sent", r.sent}, {"delivered", r.delivered},
            {"failed", r.failed}, {"dead_letters", r.dead_letters}, {"held", r.held},
            {"possible_duplicates", r.possible_duplicates}};
}

void add_to(outbox_channel_report& total, const outbox_channel_report& r) {
    total.queued += r.queued;
    total.sending += r.sending;
    total.unknown += r.unknown;
    total.sent += r.sent;
    total.delivered += r.delivered;
    total.failed += r.failed;
    total.dead_letters += r.dead_letters;
    total.held += r.held;
    total.possible_duplicates += r.possible_duplicates;
}

// Every configured channel appears, with zeros if it has no rows; rows of channels no longer
// configured appear too, marked.
std::vector<outbox_channel_report> with_configured(std::vector<outbox_channel_report> rows,
                                                   const config::config& cfg) {
    for (const auto& c : cfg.channels) {
        const bool present = std::any_of(rows.begin(), rows.end(),
                                         [&](const auto& r) { return r.channel_id == c.id; });
        if (!present) rows.push_back({c.id});
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.channel_id < b.channel_id; });
    return rows;
}

void print_table(const std::vector<outbox_channel_report>& rows, const outbox_channel_report& total,
                 const config::config& cfg, std::ostream& out) {
    const char* heads[] = {"channel", "queued", "sending", "unknown", "sent", "delivered",
                           "failed", "dead", "held", "duplicates"};
    out << std::left << std::setw(20) << heads[0] << std::right;
    for (std::size_t i = 1; i < std::size(heads); ++i) out << std::setw(11) << heads[i];
    out << "\n";
    auto line = [&](const outbox_channel_report& r, std::string name) {
        out << std::left << std::setw(20) << name << std::right;
        for (const auto n : {r.queued, r.sending, r.unknown, r.sent, r.delivered, r.failed,
                             r.dead_letters, r.held, r.possible_duplicates})
            out << std::setw(11) << n;
        out << "\n";
    };
    for (const auto& r : rows)
        line(r, cfg.find_channel(r.channel_id) ? r.channel_id : r.channel_id + " (not configured)");
    line(total, "total");
}

int show_status(messages::sqlite_store& store, const outbox_options& o, const config::config& cfg,
                const std::string& db_path, std::ostream& out) {
    const auto rows = with_configured(store.report_outbox(held_for_pause), cfg);
    outbox_channel_report total{"total"};
    for (const auto& r : rows) add_to(total, r);
    if (o.json) {
        nlohmann::json channels = nlohmann::json::array();
        for (const auto& r : rows) channels.push_back(as_json(r));
        out << nlohmann::json{{"database", db_path}, {"channels", channels}, {"total", as_json(total)}}.dump(2)
            << "\n";
        return 0;
    }
    out << "outbox of " << db_path << "\n";
    print_table(rows, total, cfg, out);
    out << "\ndead letters (failed after the last attempt): " << total.dead_letters;
    if (total.dead_letters > 0)
        out << "; queue them again with: cwc-gateway outbox --config " << o.config_file
            << " requeue --dead [--channel ID]";
    out << "\npossible duplicates (sent again after a crash left them unknown): "
        << total.possible_duplicates << "\n";
    if (total.unknown > 0)
        out << "unknown (a crash interrupted their send): " << total.unknown
            << "; the gateway waits for their status callbacks, then sends them again\n";
    if (total.held > 0)
        out << "held: " << total.held << " queued while their channel is paused (the provider "
            << "refused its credentials; see the channel.paused alert in the log)\n";
    return 0;
}

const char* outcome_text(messages::requeue_outcome r) {
    switch (r) {
        case messages::requeue_outcome::requeued: return "requeued";
        case messages::requeue_outcome::not_found: return "not found";
        case messages::requeue_outcome::not_failed: return "not requeued: it has not failed";
        case messages::requeue_outcome::opted_out:
            return "not requeued: unsolicited, and the person opted out";
    }
    return "?";
}

int requeue(messages::sqlite_store& store, const outbox_options& o, std::ostream& out,
            std::ostream& err) {
    const auto now = messages::system_now();
    if (o.dead == !o.ids.empty()) {
        err << "outbox requeue: give either --dead [--channel ID] or message ids\n";
        return 2;
    }
    if (o.dead) {
        const auto n = store.requeue_dead_letters(o.channel, now);
        out << "requeued " << n << " dead letter" << (n == 1 ? "" : "s")
            << (o.channel.empty() ? "" : " of channel " + o.channel)
            << " (unsolicited ones to people who opted out stay failed)\n";
        return 0;
    }
    int code = 0;
    for (const auto id : o.ids) {
        const auto r = store.requeue_failed(id, now);
        out << id << ": " << outcome_text(r) << "\n";
        if (r != messages::requeue_outcome::requeued) code = 1;
    }
    return code;
}

}  // namespace

int run_outbox(const outbox_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "outbox", true, err);
    if (!context) return 2;
    const config::config& cfg = context->cfg;
    const std::string& db_path = context->database;
    // The pseudonym key only names new contacts; these commands create none.
    messages::sqlite_store store(db_path, "");
    if (o.action == "status") return show_status(store, o, cfg, db_path, out);
    return requeue(store, o, out, err);
}

}  // namespace cwc::gateway
