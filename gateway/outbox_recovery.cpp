// Start-up reconciliation of interrupted sends, and their re-sending when no callback came.
#include "gateway/outbox_recovery.hpp"

#include "gateway/app_log.hpp"

namespace cwc::gateway {

boost::asio::awaitable<std::optional<messages::timestamp>> reconcile_interrupted(
    store_writer& writer, std::chrono::seconds reconcile_after) {
    const auto now = messages::system_now();
    std::size_t unknown = 0, duplicates_so_far = 0;
    std::optional<messages::timestamp> reconcile_at;
    co_await writer.run([&](messages::store& s) {
        unknown = s.mark_interrupted(now, now + reconcile_after);
        reconcile_at = s.next_unresolved();
        duplicates_so_far = s.count_possible_duplicates();
    });
    log_event(unknown || reconcile_at ? log_level::warn : log_level::info, "outbox.recovered",
              {{"unknown", unknown}, {"reconcile_after_s", reconcile_after.count()},
               {"possible_duplicates_so_far", duplicates_so_far},
               {"effect", "sends a crash interrupted wait for their status callback, then go again "
                          "and count as possible duplicates"}});
    co_return reconcile_at;
}

boost::asio::awaitable<std::optional<messages::timestamp>> resend_unresolved(store_writer& writer) {
    std::size_t resent = 0;
    std::optional<messages::timestamp> reconcile_at;
    co_await writer.run([&](messages::store& s) {
        resent = s.resend_unresolved(messages::system_now());
        reconcile_at = s.next_unresolved();
    });
    if (resent)
        log_event(log_level::warn, "outbox.resent_unknown",
                  {{"count", resent}, {"possible_duplicates", resent},
                   {"reason", "no status callback within the reconcile time"}});
    co_return reconcile_at;
}

}  // namespace cwc::gateway
