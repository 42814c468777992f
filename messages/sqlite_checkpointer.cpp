// Background WAL checkpoints for the store writer (messages/sqlite_checkpointer.hpp). PASSIVE
// passes never wait for the writer nor make it wait; what they leave (the frames committed while
// they copied) is finished by the writer itself only when the WAL has grown large.
#include "messages/sqlite_checkpointer.hpp"

#include "messages/sqlite_wal_batching.hpp"
#include "messages/store.hpp"

#include <pthread.h>

namespace cwc::messages::sqlite {

wal_checkpointer::wal_checkpointer(sqlite3* writer, const std::string& path,
                                   checkpoint_thresholds t)
    : writer_{writer}, thresholds_{t}, next_pass_at_{t.pages_between} {
    // The store's VFS shim: the pages a pass writes to the database file start going to the
    // disk as it goes, not all at its closing sync (messages/sqlite_wal_batching.hpp).
    if (sqlite3_open_v2(path.c_str(), &own_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        wal_batching_vfs()) != SQLITE_OK) {
        const std::string why = own_ != nullptr ? sqlite3_errmsg(own_) : "out of memory";
        sqlite3_close_v2(own_);
        throw store_error("sqlite: cannot open a connection for checkpoints: " + why);
    }
    // Checkpoints sync the WAL before copying and the database file after: FULL is the default
    // and is what makes the copy safe against a power cut.
    sqlite3_exec(own_, "PRAGMA synchronous = FULL", nullptr, nullptr, nullptr);
    thread_ = std::thread([this] { run(); });
    sqlite3_wal_hook(writer_, &wal_checkpointer::after_commit, this);
}

wal_checkpointer::~wal_checkpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
    sqlite3_close_v2(own_);
}

// Runs on the writer's thread after each commit, with the WAL's size in pages.
int wal_checkpointer::after_commit(void* self, sqlite3* db, const char* schema, int wal_pages) {
    auto& c = *static_cast<wal_checkpointer*>(self);
    if (wal_pages > c.largest_wal_pages_.load(std::memory_order_relaxed))
        c.largest_wal_pages_.store(wal_pages, std::memory_order_relaxed);
    if (wal_pages < c.next_pass_at_ - c.thresholds_.pages_between)
        c.next_pass_at_ = c.thresholds_.pages_between;  // the WAL started over
    if (wal_pages >= c.thresholds_.pages_most) {
        // PASSIVE: if a background pass holds the checkpoint, this one returns at once and the
        // next commit tries again.
        if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
            SQLITE_OK)
            c.writer_checkpoints_.fetch_add(1, std::memory_order_relaxed);
        return SQLITE_OK;
    }
    if (wal_pages >= c.next_pass_at_) {
        c.next_pass_at_ = wal_pages + c.thresholds_.pages_between;
        {
            std::lock_guard lock(c.mutex_);
            c.wanted_ = true;
        }
        c.wake_.notify_one();
    }
    return SQLITE_OK;
}

void wal_checkpointer::run() {
    pthread_setname_np(pthread_self(), "store-checkpt");  // for top, perf and bench/inbound.sh
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [this] { return wanted_ || stopping_; });
            if (stopping_) return;
            wanted_ = false;
        }
        // A failure (busy: another checkpoint runs; I/O) leaves the frames in the WAL, where
        // they are as safe as before: the next pass or the writer copies them.
        if (sqlite3_wal_checkpoint_v2(own_, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr) ==
            SQLITE_OK)
            background_passes_.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace cwc::messages::sqlite
