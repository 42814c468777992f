// `cwc-gateway status --config F [--db P] [--json]`: the operations picture in a terminal, read
// from the database on a read-only connection (it works while the gateway runs). Exits 1 when a
// condition an operator must act on holds (cron and monitoring can test that), 0 when none, 2
// when the config or the database cannot be used.
#include "gateway/alert_conditions.hpp"
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/ops_disk.hpp"
#include "gateway/rfc3339.hpp"
#include "messages/ops_reader.hpp"
#include "messages/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <map>
#include <ostream>

namespace cwc::gateway {

namespace {

std::string age_text(std::int64_t ms) {
    const auto minutes = ms / 60'000;
    if (minutes < 1) return std::to_string(ms / 1000) + "s";
    if (minutes < 120) return std::to_string(minutes) + "m";
    return std::to_string(minutes / 60) + "h";
}

nlohmann::json counts_json(const std::vector<messages::ops_count>& rows) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& r : rows) out[r.channel_id][r.key] = r.count;
    return out;
}

nlohmann::json picture_json(const messages::ops_picture& p, std::optional<std::uint64_t> free_bytes,
                            const std::vector<alert_condition>& holding) {
    nlohmann::json pending = nlohmann::json::array();
    for (const auto& r : p.pending)
        pending.push_back({{"channel", r.channel_id}, {"priority", r.priority}, {"count", r.count},
                           {"oldest_age_seconds", r.oldest_age_ms / 1000}});
    nlohmann::json channels = nlohmann::json::object();
    for (const auto& c : p.channels)
        channels[c.channel_id] = {{"dead_letters", c.dead_letters}, {"held_for_pause", c.held_for_pause},
                                  {"quarantined", c.quarantined}, {"quarantined_recently", c.quarantined_recently}};
    nlohmann::json conditions = nlohmann::json::array();
    for (const auto& c : holding)
        conditions.push_back({{"alert", c.kind}, {"channel", c.channel_id}, {"figure", c.figure}});
    return {{"inbound", counts_json(p.inbound)},
            {"outbound", counts_json(p.outbound)},
            {"failed_by_code", counts_json(p.failed_by_code)},
            {"pending", pending},
            {"channels", channels},
            {"cases_overdue", p.overdue_cases},
            {"sensitive_cases_overdue", p.sensitive_overdue_cases},
            {"disk_free_bytes", free_bytes ? nlohmann::json(*free_bytes) : nlohmann::json(nullptr)},
            {"alerts_told_holding", p.alerts_holding.size()},
            {"conditions", conditions}};
}

void print_picture(std::ostream& out, const config::config& cfg, const messages::ops_picture& p,
                   std::optional<std::uint64_t> free_bytes,
                   const std::vector<alert_condition>& holding, messages::timestamp now) {
    out << (cfg.deployment_name.empty() ? "cwc-gateway" : cfg.deployment_name) << " status at "
        << rfc3339(now) << "\n\nmessages by channel and status\n";
    std::map<std::string, std::string> lines;
    for (const auto& r : p.inbound) lines[r.channel_id] += " in:" + r.key + "=" + std::to_string(r.count);
    for (const auto& r : p.outbound) lines[r.channel_id] += " out:" + r.key + "=" + std::to_string(r.count);
    for (const auto& r : p.failed_by_code) lines[r.channel_id] += " failed[" + r.key + "]=" + std::to_string(r.count);
    for (const auto& c : p.channels)
        lines[c.channel_id] += " dead_letters=" + std::to_string(c.dead_letters) + " held_for_pause=" +
                               std::to_string(c.held_for_pause) + " quarantined=" + std::to_string(c.quarantined);
    for (const auto& [id, line] : lines) out << "  " << id << ":" << line << "\n";
    if (lines.empty()) out << "  (none yet)\n";
    out << "\noutbox waiting to be sent\n";
    for (const auto& r : p.pending)
        out << "  " << r.channel_id << " " << r.priority << ": " << r.count << ", oldest "
            << age_text(r.oldest_age_ms) << "\n";
    if (p.pending.empty()) out << "  (empty)\n";
    out << "\ncases overdue: " << p.overdue_cases << " (sensitive: " << p.sensitive_overdue_cases << ")\n";
    if (free_bytes) {
        char text[32];
        std::snprintf(text, sizeof text, "%.1f", static_cast<double>(*free_bytes) / (1024.0 * 1024 * 1024));
        out << "disk free where the database lives: " << text << " GB\n";
    }
    out << "alerts told to the admins that still hold: " << p.alerts_holding.size() << "\n\n";
    if (holding.empty()) {
        out << "OK: nothing needs you now\n";
        return;
    }
    out << holding.size() << (holding.size() == 1 ? " condition needs" : " conditions need") << " you:\n";
    for (const auto& c : holding) {
        const auto text = notice_text("", {notice_kind::began, c});  // "cwc-gateway ALERT ..."
        out << "  " << text.substr(text.find(' ') + 1) << "\n";
    }
}

}  // namespace

int run_status(const status_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "status", true, err);
    if (!context) return 2;
    const auto& cfg = context->cfg;
    const auto now = messages::system_now();
    messages::ops_picture picture;
    try {
        messages::ops_reader reader(context->database);
        picture = reader.read(now, now - std::chrono::hours{cfg.operations.alerts.quarantine_hours});
    } catch (const messages::store_error& e) {
        err << "status: " << e.what() << "\n";
        return 2;
    }
    // This process cannot see the gateway's live pauses: the ones it told the admins of stand in.
    std::vector<std::string> paused;
    for (const auto& a : picture.alerts_holding)
        if (a.kind == "channel_paused") paused.push_back(a.channel_id);
    const auto free_bytes = free_bytes_near(context->database);
    const auto holding = conditions_holding(picture, paused, free_bytes, cfg.operations.alerts);
    if (o.json)
        out << picture_json(picture, free_bytes, holding).dump() << "\n";
    else
        print_picture(out, cfg, picture, free_bytes, holding, now);
    return holding.empty() ? 0 : 1;
}

}  // namespace cwc::gateway
