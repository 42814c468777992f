// The /metrics answer: the store's picture (opened per scrape: a scrape every 15 s or so costs
// one open, and no connection is kept between them) and this process's live counters.
#include "gateway/metrics_endpoint.hpp"

#include "gateway/app_log.hpp"
#include "gateway/metrics_text.hpp"
#include "gateway/ops_disk.hpp"
#include "messages/ops_reader.hpp"

#include <chrono>

namespace cwc::gateway {

namespace http = boost::beast::http;

bool is_metrics_target(std::string_view target) {
    return target == "/metrics" || target.rfind("/metrics?", 0) == 0;
}

bool may_read_metrics(const messages::officer& o) {
    return o.what == messages::role::admin || o.what == messages::role::auditor;
}

http_response metrics_answer(const http_request& req, const std::string& database_path,
                             const config::config& cfg) {
    const auto started = std::chrono::steady_clock::now();
    const auto now = messages::system_now();
    messages::ops_picture picture;
    try {
        messages::ops_reader reader(database_path);
        picture = reader.read(now, now - std::chrono::hours(24));
    } catch (const std::exception& e) {
        log_event(log_level::error, "metrics.read_failed", {{"what", e.what()}});
        return json_error(500, "the store could not be read", req.version(), req.keep_alive());
    }
    metrics_inputs in;
    in.picture = &picture;
    for (const auto& c : cfg.channels) in.channels.push_back(c.id);
    in.disk_free_bytes = free_bytes_near(database_path);
    add_process_counters(in, process_metrics());
    in.read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    http_response res{http::status::ok, req.version()};
    res.set(http::field::content_type, metrics_content_type);
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = render_metrics(in);
    res.prepare_payload();
    return res;
}

}  // namespace cwc::gateway
