// Writes the exposition: one family at a time (HELP, TYPE, then its samples), label values
// escaped as the format asks (backslash, double quote, newline), numbers in plain decimal.
#include "gateway/metrics_text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>

namespace cwc::gateway {
namespace {

using labels = std::vector<std::pair<std::string_view, std::string>>;

class exposition {
  public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        out_ += "# HELP ";
        out_ += name;
        out_ += ' ';
        out_ += help;
        out_ += "\n# TYPE ";
        out_ += name;
        out_ += ' ';
        out_ += type;
        out_ += '\n';
    }
    void sample(std::string_view name, const labels& ls, double value) {
        out_ += name;
        if (!ls.empty()) {
            out_ += '{';
            for (std::size_t i = 0; i < ls.size(); ++i) {
                if (i > 0) out_ += ',';
                out_ += ls[i].first;
                out_ += "=\"";
                escape(ls[i].second);
                out_ += '"';
            }
            out_ += '}';
        }
        out_ += ' ';
        char number[64];  // the shortest text that reads back as the same double
        const auto end = std::to_chars(number, number + sizeof number, value).ptr;
        out_.append(number, end);
        out_ += '\n';
    }
    std::string take() { return std::move(out_); }

  private:
    void escape(std::string_view v) {
        for (const char c : v) {
            if (c == '\\') out_ += "\\\\";
            else if (c == '"') out_ += "\\\"";
            else if (c == '\n') out_ += "\\n";
            else out_ += c;
        }
    }
    std::string out_;
};

void histogram(exposition& e, std::string_view name, std::string_view help,
               const latency_histogram::snapshot& s) {
    e.family(name, "histogram", help);
    const std::string bucket = std::string(name) + "_bucket";
    for (std::size_t i = 0; i < latency_histogram::bounds.size(); ++i) {
        char le[32];
        std::snprintf(le, sizeof le, "%g", latency_histogram::bounds[i]);
        e.sample(bucket, {{"le", le}}, static_cast<double>(s.cumulative[i]));
    }
    e.sample(bucket, {{"le", "+Inf"}}, static_cast<double>(s.count));
    e.sample(std::string(name) + "_sum", {}, s.sum_seconds);
    e.sample(std::string(name) + "_count", {}, static_cast<double>(s.count));
}

void counts(exposition& e, std::string_view name, std::string_view key_label, std::string_view help,
            const std::vector<messages::ops_count>& rows) {
    e.family(name, "gauge", help);
    for (const auto& r : rows)
        e.sample(name, {{"channel", r.channel_id}, {key_label, r.key}}, static_cast<double>(r.count));
}

}  // namespace

void add_process_counters(metrics_inputs& in, const process_counters& counters) {
    in.commit = counters.commit.read();
    in.sync = counters.sync.read();
    in.open_connections = counters.open_connections();
    in.requests = counters.requests_by_class();
    in.paused = counters.paused_channels(messages::system_now());
}

std::string render_metrics(const metrics_inputs& in) {
    const messages::ops_picture empty;
    const auto& p = in.picture != nullptr ? *in.picture : empty;
    exposition e;
    counts(e, "cwc_inbound_messages", "status",
           "Inbound messages in the store, by channel and outcome (handled, failed).", p.inbound);
    counts(e, "cwc_outbound_messages", "status",
           "Outbound messages in the store, by channel and status.", p.outbound);
    counts(e, "cwc_outbound_failed", "code",
           "Outbound messages failed, by channel and the provider's error code.", p.failed_by_code);

    e.family("cwc_outbox_pending", "gauge",
             "Messages waiting to be sent (queued, sending, unknown), by channel and priority.");
    for (const auto& r : p.pending)
        e.sample("cwc_outbox_pending", {{"channel", r.channel_id}, {"priority", r.priority}},
                 static_cast<double>(r.count));
    e.family("cwc_outbox_oldest_pending_seconds", "gauge",
             "Age of the oldest message waiting to be sent, by channel and priority.");
    for (const auto& r : p.pending)
        e.sample("cwc_outbox_oldest_pending_seconds",
                 {{"channel", r.channel_id}, {"priority", r.priority}},
                 static_cast<double>(r.oldest_age_ms) / 1000.0);

    // Per channel: every configured channel, and any other the store still holds rows of.
    std::map<std::string, messages::ops_channel> per_channel;
    for (const auto& id : in.channels) per_channel[id].channel_id = id;
    for (const auto& c : p.channels) per_channel[c.channel_id] = c;
    const std::set<std::string> paused(in.paused.begin(), in.paused.end());
    struct per_channel_family {
        const char* name;
        const char* help;
        std::int64_t messages::ops_channel::*field;
    };
    static constexpr per_channel_family families[] = {
        {"cwc_outbox_dead_letters", "Messages failed after their last attempt (re-queueable).",
         &messages::ops_channel::dead_letters},
        {"cwc_outbox_held_for_pause", "Messages held while their channel is paused.",
         &messages::ops_channel::held_for_pause},
        {"cwc_quarantined_webhooks", "Authenticated webhooks that could not be parsed, kept.",
         &messages::ops_channel::quarantined},
    };
    for (const auto& f : families) {
        e.family(f.name, "gauge", f.help);
        for (const auto& [id, c] : per_channel)
            e.sample(f.name, {{"channel", id}}, static_cast<double>(c.*f.field));
    }
    e.family("cwc_channel_paused", "gauge",
             "1 while the dispatcher holds the channel paused (the provider refused its credentials).");
    std::set<std::string> channel_ids;
    for (const auto& [id, c] : per_channel) channel_ids.insert(id);
    channel_ids.insert(paused.begin(), paused.end());
    for (const auto& id : channel_ids)
        e.sample("cwc_channel_paused", {{"channel", id}}, paused.count(id) ? 1.0 : 0.0);

    e.family("cwc_cases_overdue", "gauge", "Open cases past their answer or acknowledgement date.");
    e.sample("cwc_cases_overdue", {}, static_cast<double>(p.overdue_cases));
    e.family("cwc_sensitive_cases_overdue", "gauge", "Sensitive cases among the overdue ones.");
    e.sample("cwc_sensitive_cases_overdue", {}, static_cast<double>(p.sensitive_overdue_cases));
    e.family("cwc_alerts_holding", "gauge", "Alert conditions the admins were told of that still hold.");
    e.sample("cwc_alerts_holding", {}, static_cast<double>(p.alerts_holding.size()));
    if (in.disk_free_bytes) {
        e.family("cwc_disk_free_bytes", "gauge", "Free space where the database lives.");
        e.sample("cwc_disk_free_bytes", {}, static_cast<double>(*in.disk_free_bytes));
    }

    histogram(e, "cwc_store_commit_seconds",
              "Store writer transactions, from BEGIN until COMMIT returned.", in.commit);
    histogram(e, "cwc_store_sync_seconds",
              "Making committed transactions durable (one fsync covers several).", in.sync);
    e.family("cwc_http_open_connections", "gauge", "HTTP connections open on both listeners.");
    e.sample("cwc_http_open_connections", {}, static_cast<double>(in.open_connections));
    e.family("cwc_http_requests_total", "counter", "HTTP requests answered, by status class.");
    for (std::size_t i = 0; i < status_classes.size(); ++i)
        e.sample("cwc_http_requests_total", {{"status", std::string(status_classes[i])}},
                 static_cast<double>(in.requests[i]));
    e.family("cwc_metrics_read_seconds", "gauge", "How long reading these figures from the store took.");
    e.sample("cwc_metrics_read_seconds", {}, in.read_seconds);
    return e.take();
}

}  // namespace cwc::gateway
