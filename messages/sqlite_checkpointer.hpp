// The WAL checkpoints of the store writer's connection, on a thread of their own: copying the
// WAL's pages into the database file (and syncing it) no longer holds up the commits queued
// behind it, which is what SQLite's automatic checkpoint does, inside the COMMIT that crossed its
// threshold.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace cwc::messages::sqlite {

struct checkpoint_thresholds {
    // A background pass each time the WAL has grown by this many pages (16 MiB of 4 KiB pages).
    // Larger passes copy a page the batches keep rewriting fewer times; their closing sync
    // stays short because the pages' writeback starts as they are written (the VFS shim).
    int pages_between = 4000;
    // The WAL starts over only once all of it is in the database file while no transaction is
    // open; a writer that never pauses leaves the background passes always one batch behind.
    // At this size the writer finishes the copy itself after a commit (a short tail, the
    // background having copied the rest), so the WAL cannot grow without bound.
    int pages_most = 32768;
};

class wal_checkpointer {
  public:
    // Takes over the checkpoints of `writer` (a connection to `path` in WAL mode; its automatic
    // checkpoint is replaced) until destroyed; passes run on a connection of its own.
    wal_checkpointer(sqlite3* writer, const std::string& path, checkpoint_thresholds t = {});
    ~wal_checkpointer();
    wal_checkpointer(const wal_checkpointer&) = delete;
    wal_checkpointer& operator=(const wal_checkpointer&) = delete;

    // For tests and benchmarks: background passes run, checkpoints the writer ran itself, and
    // the largest WAL (in pages) seen after a commit.
    std::uint64_t background_passes() const { return background_passes_.load(); }
    std::uint64_t writer_checkpoints() const { return writer_checkpoints_.load(); }
    int largest_wal_pages() const { return largest_wal_pages_.load(); }

  private:
    static int after_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void run();

    sqlite3* writer_;
    sqlite3* own_ = nullptr;
    checkpoint_thresholds thresholds_;
    int next_pass_at_;  // WAL pages; written on the writer's thread only
    std::mutex mutex_;
    std::condition_variable wake_;
    bool wanted_ = false, stopping_ = false;
    std::atomic<std::uint64_t> background_passes_{0}, writer_checkpoints_{0};
    std::atomic<int> largest_wal_pages_{0};
    std::thread thread_;
};

}  // namespace cwc::messages::sqlite
