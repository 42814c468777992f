// Group commit: one thread owns the store and runs every unit of work that reads or writes it.
// Units queued while a transaction is open share the next one, so many webhooks cost one fsync.
// A unit that throws is undone alone and gets the exception; the others commit. Each unit runs
// inside a savepoint, except replayable ones (replay::allowed), which share one (or none at the
// start of a transaction) and are run again, each in its own, when one of them throws. Pipelined: a second thread makes committed batches durable (one fsync for
// all batches committed meanwhile) while the writer builds the next one. A unit's completion
// runs only once its commit is on disk, on the executor associated with the caller's handler.
#pragma once

#include "messages/store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace cwc::gateway {

class store_writer {
public:
    using unit = std::function<void(messages::store&)>;
    using done_fn = std::function<void(std::exception_ptr)>;
    // allowed: the unit may run twice (its first run undone): it touches nothing outside the
    // store but outputs it sets afresh on each run. Savepoints cost SQLite a copy of every page
    // a unit touches; replayable units skip them while nothing fails.
    enum class replay { never, allowed };

    explicit store_writer(std::unique_ptr<messages::store> store, std::size_t max_batch = 1024);
    ~store_writer();  // drains the queue, then joins the thread
    store_writer(const store_writer&) = delete;
    store_writer& operator=(const store_writer&) = delete;

    // Queues a unit; `done` is called after the durable commit (nullptr) or the failure.
    void submit(unit work, done_fn done, replay r = replay::never);

    // Called after a commit that added outbound messages is durable (to wake the dispatcher).
    // Not after other commits: the dispatcher's own claims would wake it forever.
    void on_outbox_grew(std::function<void()> hook);

    // Where completions run: by default on the sync thread, each posting to its caller's
    // executor (one cross-thread wake-up per unit). Given a poster (e.g. post to the server's
    // io_context), the completions of everything one fsync made durable are handed over in one
    // piece, so a batch costs one wake-up instead of one per webhook.
    void complete_through(std::function<void(std::function<void()>)> poster);

    // Awaitable form: completes with the unit's exception_ptr (null on success).
    template <typename CompletionToken>
    auto async_run(unit work, CompletionToken&& token, replay r = replay::never) {
        return boost::asio::async_initiate<CompletionToken, void(std::exception_ptr)>(
            [this, r](auto handler, unit w) {
                auto h = std::make_shared<decltype(handler)>(std::move(handler));
                auto ex = boost::asio::get_associated_executor(*h);
                submit(std::move(w), [h, ex](std::exception_ptr e) {
                    boost::asio::post(ex, [h, e]() mutable { std::move (*h)(e); });
                }, r);
            },
            token, std::move(work));
    }

    // Coroutine form: the unit's failure as a value (null on success), never thrown.
    boost::asio::awaitable<std::exception_ptr> run(unit work, replay r = replay::never) {
        auto [e] = co_await async_run(std::move(work),
                                      boost::asio::as_tuple(boost::asio::use_awaitable), r);
        co_return e;
    }

    std::size_t commits() const;  // transactions committed so far (for logs and benchmarks)

private:
    struct pending {
        unit work;
        done_fn done;
        bool replayable = false;
    };
    // A committed batch waiting for the disk: its completions and whether it queued messages.
    struct committed {
        std::vector<std::pair<done_fn, std::exception_ptr>> completions;
        bool outbox_grew = false;
    };
    void run();
    void sync_loop();
    void commit_batch(std::deque<pending>& batch);
    void run_alone(pending& p, std::exception_ptr& result);

    std::unique_ptr<messages::store> store_;
    std::size_t max_batch_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<pending> queue_;
    bool stopping_ = false;
    std::size_t commits_ = 0;
    std::function<void()> on_outbox_grew_;
    std::function<void(std::function<void()>)> poster_;
    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    std::deque<committed> to_sync_;
    bool sync_stopping_ = false;
    std::thread sync_thread_;
    std::thread thread_;
};

}  // namespace cwc::gateway
