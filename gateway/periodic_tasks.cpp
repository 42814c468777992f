// Spawning the configuration's periodic tasks with a cancellation slot each, so a reload can
// replace them (see periodic_tasks.hpp). The tasks end a cancelled wait by returning.
#include "gateway/periodic_tasks.hpp"

#include "gateway/alert_runner.hpp"
#include "gateway/app_log.hpp"
#include "gateway/focal_alerts.hpp"
#include "gateway/part_sweeper.hpp"
#include "gateway/retention_purge.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>

namespace cwc::gateway {

namespace net = boost::asio;

namespace {

// Holds the snapshot for as long as the task runs: the task itself only has a reference.
template <typename Task>
net::awaitable<void> keeping(std::shared_ptr<const config_snapshot> snapshot, Task task) {
    co_await task(*snapshot->cfg);
}

}  // namespace

void periodic_tasks::run_on(std::shared_ptr<const config_snapshot> snapshot) {
    net::post(strand_, [this, snapshot = std::move(snapshot)] { replace_tasks(snapshot); });
}

void periodic_tasks::replace_tasks(const std::shared_ptr<const config_snapshot>& snapshot) {
    // Signals are kept, even emitted ones: a task's slot refers to its signal until the task
    // ends (a few bytes per reload).
    for (auto& s : signals_) s.emit(net::cancellation_type::terminal);
    auto spawn = [&](const char* name, auto task) {
        auto& signal = signals_.emplace_back();
        net::co_spawn(strand_, keeping(snapshot, std::move(task)),
                      net::bind_cancellation_slot(signal.slot(), [name](std::exception_ptr e) {
                          if (!e) return;
                          try {
                              std::rethrow_exception(e);
                          } catch (const boost::system::system_error& x) {
                              if (x.code() == net::error::operation_aborted) return;  // a reload
                              log_event(log_level::error, "task.failed", {{"task", name}, {"what", x.what()}});
                          } catch (const std::exception& x) {
                              log_event(log_level::error, "task.failed", {{"task", name}, {"what", x.what()}});
                          }
                      }));
    };
    auto& writer = writer_;
    spawn("sweep_stale_parts", [&writer](const config::config& cfg) { return sweep_stale_parts(writer, cfg); });
    spawn("focal_alerts", [&writer](const config::config& cfg) { return run_focal_alerts(writer, cfg); });
    spawn("retention_purge", [&writer](const config::config& cfg) { return run_retention_purge(writer, cfg); });
    spawn("ops_alerts", [&writer, database = database_](const config::config& cfg) {
        return run_ops_alerts(writer, cfg, database);  // admins and thresholds follow a reload
    });
}

}  // namespace cwc::gateway
