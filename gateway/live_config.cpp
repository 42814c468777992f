// Applying a reload (see live_config.hpp): the refusal or the swap, logged for the operator and
// audited. Logs carry JSON paths, channel ids and a digest: never secrets, numbers or texts.
#include "gateway/live_config.hpp"

#include "gateway/app_log.hpp"

#include <nlohmann/json.hpp>

namespace cwc::gateway {

live_config::live_config(std::string file, std::shared_ptr<const config_snapshot> first,
                         store_writer& writer, targets parts)
    : file_(std::move(file)), writer_(writer), parts_(std::move(parts)), current_(std::move(first)) {}

std::shared_ptr<const config_snapshot> live_config::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

namespace {

void audit(store_writer& writer, std::string action, nlohmann::json detail) {
    writer.submit(
        [action = std::move(action), detail = detail.dump()](messages::store& s) {
            s.append_audit({messages::system_now(), "system", action, "config", detail});
        },
        [](std::exception_ptr e) {
            if (e) log_event(log_level::error, "config.audit_failed", {{"what", "the store refused the audit entry"}});
        });
}

}  // namespace

bool live_config::reload(const env_lookup& lookup) {
    const auto running = current();
    auto outcome = prepare_reload(file_, *running, lookup);
    for (const auto& w : outcome.warnings)
        log_event(log_level::warn, "config.warning", {{"path", w.path}, {"problem", w.message}});
    if (!outcome.snapshot) {
        nlohmann::json paths = nlohmann::json::array();
        for (const auto& e : outcome.errors) {
            log_event(log_level::error, "config.reload_error", {{"path", e.path}, {"problem", e.message}});
            paths.push_back(e.path);
        }
        log_event(log_level::error, "config.reload_refused",
                  {{"file", file_}, {"errors", outcome.errors.size()}, {"paths", paths},
                   {"effect", "the running configuration stays; fix the file (cwc-gateway check-config) and reload again"}});
        audit(writer_, "config.reload_refused", {{"errors", outcome.errors.size()}, {"paths", paths}});
        return false;
    }
    const auto& next = outcome.snapshot;
    if (parts_.webhooks && parts_.webhooks_for) parts_.webhooks->replace(parts_.webhooks_for(next));
    if (parts_.officers && parts_.officers_for) parts_.officers->replace(parts_.officers_for(next));
    if (parts_.sender) parts_.sender->reload(next->channels, next->cfg);
    if (parts_.fetcher) parts_.fetcher->reload(next->channels);
    if (parts_.tasks) parts_.tasks->run_on(next);
    {
        std::lock_guard lock(mutex_);
        current_ = next;
    }
    if (!outcome.needs_restart.empty())
        log_event(log_level::warn, "config.needs_restart",
                  {{"settings", outcome.needs_restart},
                   {"effect", "these keep their running values until the gateway is restarted"}});
    nlohmann::json detail{{"digest", next->digest},
                          {"previous_digest", running->digest},
                          {"channels_added", outcome.channels_added},
                          {"channels_removed", outcome.channels_removed},
                          {"channels_changed", outcome.channels_changed},
                          {"needs_restart", outcome.needs_restart}};
    log_event(log_level::info, "config.reloaded", detail);
    audit(writer_, "config.reloaded", std::move(detail));
    return true;
}

}  // namespace cwc::gateway
