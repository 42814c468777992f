// The writer thread: takes everything queued, runs it in one transaction with a savepoint per
// unit, commits once, then completes each unit. A failed COMMIT fails every unit of the batch,
// so no caller is ever told "stored" for something that is not on disk.
#include "gateway/store_writer.hpp"

#include "gateway/app_log.hpp"

namespace cwc::gateway {

store_writer::store_writer(std::unique_ptr<messages::store> store, std::size_t max_batch)
    : store_(std::move(store)), max_batch_(max_batch), thread_([this] { run(); }) {}

store_writer::~store_writer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void store_writer::submit(unit work, done_fn done) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back({std::move(work), std::move(done)});
    }
    wake_.notify_one();
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

void store_writer::commit_batch(std::deque<pending>& batch) {
    std::vector<std::exception_ptr> results(batch.size());
    const auto enqueued_before = store_->enqueued_so_far();
    try {
        store_->begin();
    } catch (...) {
        auto e = std::current_exception();
        for (auto& p : batch) p.done(e);
        return;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        try {
            store_->savepoint();
            try {
                batch[i].work(*store_);
                store_->release_savepoint();
            } catch (...) {
                results[i] = std::current_exception();
                store_->rollback_to_savepoint();
            }
        } catch (...) {
            // The savepoint machinery itself failed: the transaction is unusable.
            auto e = std::current_exception();
            try { store_->rollback(); } catch (...) {}
            for (auto& p : batch) p.done(e);
            return;
        }
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
    std::function<void()> hook;
    {
        std::lock_guard lock(mutex_);
        ++commits_;
        if (store_->enqueued_so_far() != enqueued_before) hook = on_outbox_grew_;
    }
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(results[i]);
    if (hook) hook();
}

}  // namespace cwc::gateway
