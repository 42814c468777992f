// Completion of broadcasts whose rows are all final (sent, delivered, failed, cancelled): the
// status moves on the store writer, like every change; which broadcasts to look at is read on a
// connection of its own, so an idle deployment never queues a unit for it.
#include "gateway/broadcast_completion.hpp"

#include "gateway/app_log.hpp"
#include "gateway/broadcast_desk.hpp"
#include "messages/broadcast_reader.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <vector>

namespace cwc::gateway {

bool complete_if_finished(messages::store& s, std::int64_t broadcast_id, messages::timestamp now) {
    auto& book = s.broadcasts();
    auto b = book.load(broadcast_id);
    if (!b || b->status != messages::broadcast_status::sending || book.has_pending_rows(broadcast_id))
        return false;
    b->status = messages::broadcast_status::completed;
    b->finished_at = now;
    book.save(*b);
    s.append_audit({now, "system", "broadcast.completed", "broadcast:" + std::to_string(b->id),
                    nlohmann::json{{"organisation", b->organisation}, {"planned", b->planned}}.dump()});
    return true;
}

boost::asio::awaitable<void> run_broadcast_completion(store_writer& writer, std::string database_path,
                                                      std::chrono::seconds every) {
    boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
    std::unique_ptr<messages::broadcast_reader> reader;
    for (;;) {
        std::vector<std::int64_t> sending;
        try {
            if (!reader) reader = std::make_unique<messages::broadcast_reader>(database_path);
            sending = reader->sending();
        } catch (const std::exception& e) {
            log_event(log_level::error, "broadcast.completion_failed", {{"what", e.what()}});
            reader.reset();  // opened again next time
        }
        if (!sending.empty()) {
            std::vector<std::int64_t> completed;
            auto failure = co_await writer.run([&](messages::store& s) {
                completed.clear();
                const auto now = messages::system_now();
                for (const auto id : sending)
                    if (complete_if_finished(s, id, now)) completed.push_back(id);
            });
            if (failure)
                log_event(log_level::error, "broadcast.completion_failed", {{"broadcasts", sending.size()}});
            else
                for (const auto id : completed) log_event(log_level::info, "broadcast.completed", {{"broadcast", id}});
        }
        timer.expires_after(every);
        auto [ec] = co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
        if (ec) co_return;
    }
}

boost::asio::awaitable<void> resume_interrupted_broadcasts(store_writer& writer,
                                                           const config::config& cfg,
                                                           std::string database_path) {
    try {
        messages::broadcast_reader reader(database_path);
        broadcast_steps steps;
        steps.read = [&reader](broadcast_steps::read_work& work) -> boost::asio::awaitable<void> {
            work(reader);
            co_return;
        };
        steps.write = [&writer](broadcast_steps::write_work& work) {
            return writer.run([&work](messages::store& s) { work(s); });
        };
        const auto resumed = co_await resume_confirmations(steps, cfg, messages::system_now());
        if (resumed > 0)
            log_event(log_level::warn, "broadcast.confirmations_resumed", {{"broadcasts", resumed}});
    } catch (const std::exception& e) {
        log_event(log_level::error, "broadcast.resume_failed", {{"what", e.what()}});
    }
}

}  // namespace cwc::gateway
