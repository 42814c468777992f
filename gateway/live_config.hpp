// The configuration being served, and the one place a SIGHUP changes it. Everything that reads
// the configuration takes a snapshot when it starts (a request through its service_slot, a claim
// of the dispatcher, a periodic task) and keeps it to its end, so nothing sees half of one file
// and half of another; a refused file changes nothing.
#pragma once

#include "gateway/config_reload.hpp"
#include "gateway/dispatcher.hpp"
#include "gateway/media_fetcher.hpp"
#include "gateway/periodic_tasks.hpp"
#include "gateway/service_slot.hpp"
#include "gateway/store_writer.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace cwc::gateway {

class live_config {
public:
    using service_factory = std::function<std::shared_ptr<http_service>(std::shared_ptr<const config_snapshot>)>;
    // What a reload reaches; each outlives the live_config. Null parts are skipped.
    struct targets {
        service_slot* webhooks = nullptr;
        service_factory webhooks_for;
        service_slot* officers = nullptr;  // null: no officers' listener
        service_factory officers_for;
        dispatcher* sender = nullptr;
        media_fetcher* fetcher = nullptr;
        periodic_tasks* tasks = nullptr;
    };

    live_config(std::string file, std::shared_ptr<const config_snapshot> first, store_writer& writer,
                targets parts);

    std::shared_ptr<const config_snapshot> current() const;

    // Reads the file again with the loader `serve` starts with. Any error: the running config
    // stays, each problem is logged with its JSON path and the refusal audited
    // (config.reload_refused). Otherwise the new one is swapped in everywhere and audited
    // (config.reloaded, with the file's digest); restart-only settings that changed are logged
    // and kept. Returns whether it took effect. Calls must not overlap (serve's signal handler).
    bool reload(const env_lookup& lookup);

private:
    std::string file_;
    store_writer& writer_;
    targets parts_;
    mutable std::mutex mutex_;
    std::shared_ptr<const config_snapshot> current_;
};

}  // namespace cwc::gateway
