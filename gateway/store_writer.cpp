// The writer thread: takes everything queued, runs it in one transaction (a savepoint per unit,
// or per run of replayable units), commits once, and hands the batch to the sync thread, which
// completes each unit after the fsync. A failed COMMIT or fsync fails every unit of the batch, so no caller is ever told
// "stored" for something that is not on disk.
#include "gateway/store_writer.hpp"

#include "gateway/app_log.hpp"
#include "gateway/metrics_counters.hpp"

#include <pthread.h>

namespace cwc::gateway {

store_writer::store_writer(std::unique_ptr<messages::store> store, std::size_t max_batch)
    : store_((store->defer_sync(), std::move(store))), max_batch_(max_batch),
      sync_thread_([this] { sync_loop(); }), thread_([this] { run(); }) {}

store_writer::~store_writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(sync_mutex_);
        sync_stopping_ = true;
    }
    sync_wake_.notify_all();
    if (sync_thread_.joinable()) sync_thread_.join();
}

void store_writer::sync_loop() {
    pthread_setname_np(pthread_self(), "store-sync");  // named for top, perf and bench/inbound.sh
    for (;;) {
        std::deque<committed> batches;
        {
            std::unique_lock lock(sync_mutex_);
            sync_wake_.wait(lock, [this] { return sync_stopping_ || !to_sync_.empty(); });
            if (to_sync_.empty()) return;  // stopping and drained
            batches.swap(to_sync_);
        }
        // Everything committed before the swap is in the WAL: one fsync covers all of it.
        std::exception_ptr failure;
        const auto sync_began = std::chrono::steady_clock::now();
        try {
            store_->make_durable();
            process_metrics().sync.observe(std::chrono::steady_clock::now() - sync_began);
        } catch (...) {
            failure = std::current_exception();
            log_event(log_level::error, "store.sync_failed", {{"batches", batches.size()}});
        }
        bool grew = false;
        for (const auto& b : batches) grew = grew || b.outbox_grew;
        std::function<void()> hook;
        std::function<void(std::function<void()>)> poster;
        {
            std::lock_guard lock(mutex_);
            if (grew && !failure) hook = on_outbox_grew_;
            poster = poster_;
        }
        auto complete = [batches = std::move(batches), failure, hook = std::move(hook)]() mutable {
            for (auto& b : batches)
                for (auto& [done, result] : b.completions) done(failure ? failure : result);
            if (hook) hook();
        };
        if (poster)
            poster(std::move(complete));
        else
            complete();
    }
}

void store_writer::submit(unit work, done_fn done, replay r) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(work), std::move(done), r == replay::allowed});
    }
    wake_.notify_one();
}

void store_writer::complete_through(std::function<void(std::function<void()>)> poster) {
    std::lock_guard lock(mutex_);
    poster_ = std::move(poster);
}

void store_writer::on_outbox_grew(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    on_outbox_grew_ = std::move(hook);
}

std::size_t store_writer::commits() const {
    std::lock_guard lock(mutex_);
    return commits_;
}

void store_writer::run() {
    pthread_setname_np(pthread_self(), "store-writer");
    for (;;) {
        std::deque<pending> batch;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            while (!queue_.empty() && batch.size() < max_batch_) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        commit_batch(batch);
    }
}

// In its own savepoint: undone alone if it throws. Savepoint failures propagate (the
// transaction is then unusable).
void store_writer::run_alone(pending& p, std::exception_ptr& result) {
    store_->savepoint();
    try {
        p.work(*store_);
        store_->release_savepoint();
    } catch (...) {
        result = std::current_exception();
        store_->rollback_to_savepoint();
    }
}

void store_writer::commit_batch(std::deque<pending>& batch) {
    std::vector<std::exception_ptr> results(batch.size());
    const auto enqueued_before = store_->enqueued_so_far();
    const auto began = std::chrono::steady_clock::now();
    try {
        store_->begin();
    } catch (...) {
        auto e = std::current_exception();
        for (auto& p : batch) p.done(e);
        return;
    }
    // Consecutive replayable units form a group under one savepoint, or under none when the
    // group began the transaction (ROLLBACK then undoes exactly the group).
    constexpr std::size_t no_group = static_cast<std::size_t>(-1);
    std::size_t group = no_group;
    bool group_savepoint = false;
    bool written = false;  // units outside the open group ran in this transaction
    const auto close_group = [&] {
        if (group == no_group) return;
        if (group_savepoint) store_->release_savepoint();
        group = no_group;
        written = true;
    };
    try {
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!batch[i].replayable) {
                close_group();
                run_alone(batch[i], results[i]);
                written = true;
                continue;
            }
            if (group == no_group) {
                group = i;
                group_savepoint = written;
                if (group_savepoint) store_->savepoint();
            }
            try {
                batch[i].work(*store_);
            } catch (...) {
                results[i] = std::current_exception();
                // Undo the whole group, then run its earlier units again, each alone.
                if (group_savepoint) {
                    store_->rollback_to_savepoint();
                } else {
                    try { store_->rollback(); } catch (...) {}  // SQLite may have ended it already
                    store_->begin();
                }
                const auto first = group;
                group = no_group;
                for (std::size_t j = first; j < i; ++j) run_alone(batch[j], results[j]);
                written = written || first < i;
            }
        }
        close_group();
    } catch (...) {
        // The savepoint machinery itself failed: the transaction is unusable.
        auto e = std::current_exception();
        try { store_->rollback(); } catch (...) {}
        for (auto& p : batch) p.done(e);
        return;
    }
    try {
        store_->commit();
    } catch (...) {
        auto e = std::current_exception();
        try { store_->rollback(); } catch (...) {}
        log_event(log_level::error, "store.commit_failed", {{"units", batch.size()}});
        for (auto& p : batch) p.done(e);
        return;
    }
    process_metrics().commit.observe(std::chrono::steady_clock::now() - began);
    {
        std::lock_guard lock(mutex_);
        ++commits_;
    }
    committed c;
    c.outbox_grew = store_->enqueued_so_far() != enqueued_before;
    c.completions.reserve(batch.size());
    for (std::size_t i = 0; i < batch.size(); ++i)
        c.completions.emplace_back(std::move(batch[i].done), results[i]);
    {
        std::lock_guard lock(sync_mutex_);
        to_sync_.push_back(std::move(c));
    }
    sync_wake_.notify_one();
}

}  // namespace cwc::gateway
