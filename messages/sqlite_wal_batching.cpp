// A VFS shim for the store's writing connections (the writer's and the checkpointer's).
// WAL: SQLite writes each frame with two pwrite calls (its 24-byte header, then the page), a
// dozen frames or more per group commit. The shim gathers a transaction's consecutive frame
// writes in memory and hands them to the kernel in one pwrite when the commit frame is complete —
// before SQLite publishes the commit in the WAL index, so readers on other connections never
// look for a frame that is not in the file yet — and before anything else touches the file
// (read, sync, truncate, size, close, file control).
// Database file: a checkpoint writes thousands of pages there and then syncs them all at once;
// that sync held the disk long enough to stall the writer's WAL syncs behind it (the p99 of a
// webhook). The shim asks the kernel to start writing them back every `writeback_every` bytes
// (sync_file_range, which does not wait), so the closing sync finds little left to do.
#include "messages/sqlite_wal_batching.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <vector>

namespace cwc::messages::sqlite {

namespace {

constexpr std::size_t frame_header_bytes = 24;
constexpr std::size_t most_buffered = 4 * 1024 * 1024;  // a huge transaction writes as it goes
constexpr std::size_t writeback_every = 1024 * 1024;

std::atomic<std::uint64_t> writebacks_started{0};

sqlite3_vfs* base_vfs = nullptr;
sqlite3_vfs batching_vfs{};

struct batching_file {
    sqlite3_file header;  // pMethods: ours
    sqlite3_file* real;   // the base VFS's file, allocated right after this struct
    bool wal;
    bool commit_pending;  // the last write was the header of a commit frame
    sqlite3_int64 start;  // file offset of buffered[0]
    std::vector<unsigned char>* buffered;
    int writeback_fd;             // the main database file, for sync_file_range; -1 otherwise
    std::size_t written_unstarted;  // bytes written since writeback was last started
};

batching_file* self(sqlite3_file* f) { return reinterpret_cast<batching_file*>(f); }

// The unix VFS writes at most 128 KiB - 1 per call (it masks larger sizes and then reports a
// full disk), so a batch goes in slices below that.
constexpr std::size_t largest_write = 31 * 4096;

int flush(batching_file* f) {
    if (f->buffered == nullptr || f->buffered->empty()) return SQLITE_OK;
    const auto& buf = *f->buffered;
    int rc = SQLITE_OK;
    for (std::size_t done = 0; done < buf.size() && rc == SQLITE_OK; done += largest_write) {
        const auto slice = std::min(largest_write, buf.size() - done);
        rc = f->real->pMethods->xWrite(f->real, buf.data() + done, static_cast<int>(slice),
                                       f->start + static_cast<sqlite3_int64>(done));
    }
    f->buffered->clear();
    return rc;
}

// A frame header's bytes 4-7 hold the database size after a commit, 0 for other frames.
bool is_commit_frame_header(const void* data, int amount) {
    if (amount != static_cast<int>(frame_header_bytes)) return false;
    const auto* b = static_cast<const unsigned char*>(data);
    return (b[4] | b[5] | b[6] | b[7]) != 0;
}

// The database file's pages go to the kernel as they are written; every writeback_every bytes
// the kernel is asked to start writing the file's dirty pages back, without waiting for them.
int database_write(batching_file* f, const void* data, int amount, sqlite3_int64 offset) {
    const int rc = f->real->pMethods->xWrite(f->real, data, amount, offset);
    if (rc != SQLITE_OK || f->writeback_fd < 0) return rc;
    f->written_unstarted += static_cast<std::size_t>(amount);
    if (f->written_unstarted >= writeback_every) {
        f->written_unstarted = 0;
        // Only a hint: if it fails, the checkpoint's own sync still writes everything.
        if (::sync_file_range(f->writeback_fd, 0, 0, SYNC_FILE_RANGE_WRITE) == 0)
            writebacks_started.fetch_add(1, std::memory_order_relaxed);
    }
    return rc;
}

int batch_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
    auto* f = self(file);
    if (!f->wal) return database_write(f, data, amount, offset);
    auto& buf = *f->buffered;
    const auto size = static_cast<std::size_t>(amount);
    if (!buf.empty() && (offset != f->start + static_cast<sqlite3_int64>(buf.size()) ||
                         buf.size() + size > most_buffered)) {
        if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    }
    if (buf.empty()) f->start = offset;
    const auto* bytes = static_cast<const unsigned char*>(data);
    buf.insert(buf.end(), bytes, bytes + size);
    if (f->commit_pending) {  // this was the commit frame's page: the transaction is whole
        f->commit_pending = false;
        return flush(f);
    }
    f->commit_pending = is_commit_frame_header(data, amount);
    return SQLITE_OK;
}

int batch_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
    auto* f = self(file);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xRead(f->real, data, amount, offset);
}

int batch_close(sqlite3_file* file) {
    auto* f = self(file);
    const int flushed = flush(f);
    const int rc = f->real->pMethods->xClose(f->real);
    delete f->buffered;
    f->buffered = nullptr;
    if (f->writeback_fd >= 0) ::close(f->writeback_fd);
    f->writeback_fd = -1;
    return flushed != SQLITE_OK ? flushed : rc;
}

int batch_truncate(sqlite3_file* file, sqlite3_int64 size) {
    auto* f = self(file);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xTruncate(f->real, size);
}

int batch_sync(sqlite3_file* file, int flags) {
    auto* f = self(file);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xSync(f->real, flags);
}

int batch_file_size(sqlite3_file* file, sqlite3_int64* size) {
    auto* f = self(file);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileSize(f->real, size);
}

int batch_file_control(sqlite3_file* file, int op, void* arg) {
    auto* f = self(file);
    if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

// The rest only forwards.
int batch_lock(sqlite3_file* f, int l) { return self(f)->real->pMethods->xLock(self(f)->real, l); }
int batch_unlock(sqlite3_file* f, int l) {
    return self(f)->real->pMethods->xUnlock(self(f)->real, l);
}
int batch_check_reserved(sqlite3_file* f, int* out) {
    return self(f)->real->pMethods->xCheckReservedLock(self(f)->real, out);
}
int batch_sector_size(sqlite3_file* f) {
    return self(f)->real->pMethods->xSectorSize(self(f)->real);
}
int batch_device(sqlite3_file* f) {
    return self(f)->real->pMethods->xDeviceCharacteristics(self(f)->real);
}
int batch_shm_map(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
    return self(f)->real->pMethods->xShmMap(self(f)->real, page, size, extend, out);
}
int batch_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return self(f)->real->pMethods->xShmLock(self(f)->real, offset, n, flags);
}
void batch_shm_barrier(sqlite3_file* f) { self(f)->real->pMethods->xShmBarrier(self(f)->real); }
int batch_shm_unmap(sqlite3_file* f, int remove) {
    return self(f)->real->pMethods->xShmUnmap(self(f)->real, remove);
}
int batch_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    if (const int rc = flush(self(f)); rc != SQLITE_OK) return rc;
    return self(f)->real->pMethods->xFetch(self(f)->real, offset, amount, out);
}
int batch_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
    return self(f)->real->pMethods->xUnfetch(self(f)->real, offset, page);
}

const sqlite3_io_methods batch_methods = {
    3,           batch_close,     batch_read,          batch_write,        batch_truncate,
    batch_sync,  batch_file_size, batch_lock,          batch_unlock,       batch_check_reserved,
    batch_file_control, batch_sector_size, batch_device, batch_shm_map,   batch_shm_lock,
    batch_shm_barrier, batch_shm_unmap, batch_fetch,  batch_unfetch,
};

int batch_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* f = self(file);
    f->real = reinterpret_cast<sqlite3_file*>(f + 1);
    f->wal = (flags & SQLITE_OPEN_WAL) != 0;
    f->commit_pending = false;
    f->start = 0;
    f->buffered = nullptr;
    f->writeback_fd = -1;
    f->written_unstarted = 0;
    const int rc = base_vfs->xOpen(base_vfs, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || f->real->pMethods == nullptr) {
        f->header.pMethods = nullptr;  // SQLite calls no method of a file that failed to open
        return rc;
    }
    // Our methods need the base file's to offer version 3 (WAL index and memory mapping).
    if (f->real->pMethods->iVersion < 3) {
        f->real->pMethods->xClose(f->real);
        f->header.pMethods = nullptr;
        return SQLITE_CANTOPEN;
    }
    if (f->wal) f->buffered = new (std::nothrow) std::vector<unsigned char>();
    if (f->wal && f->buffered == nullptr) {
        f->real->pMethods->xClose(f->real);
        f->header.pMethods = nullptr;
        return SQLITE_NOMEM;
    }
    if (f->buffered != nullptr) f->buffered->reserve(256 * 1024);
    // A descriptor of our own for sync_file_range (the base VFS keeps its own private); a read
    // one is enough, and without it the file is only written as before.
    if ((flags & SQLITE_OPEN_MAIN_DB) != 0 && name != nullptr)
        f->writeback_fd = ::open(name, O_RDONLY | O_CLOEXEC);
    f->header.pMethods = &batch_methods;
    return SQLITE_OK;
}

// Paths and deletion are the base VFS's business, called with its own object.
int batch_delete(sqlite3_vfs*, const char* name, int sync_dir) {
    return base_vfs->xDelete(base_vfs, name, sync_dir);
}
int batch_access(sqlite3_vfs*, const char* name, int flags, int* out) {
    return base_vfs->xAccess(base_vfs, name, flags, out);
}
int batch_full_pathname(sqlite3_vfs*, const char* name, int size, char* out) {
    return base_vfs->xFullPathname(base_vfs, name, size, out);
}

}  // namespace

const char* wal_batching_vfs() {
    static std::once_flag registered;
    std::call_once(registered, [] {
        base_vfs = sqlite3_vfs_find(nullptr);
        batching_vfs = *base_vfs;  // everything but opening files is the base VFS's own
        batching_vfs.iVersion = std::min(base_vfs->iVersion, 3);
        batching_vfs.szOsFile = static_cast<int>(sizeof(batching_file)) + base_vfs->szOsFile;
        batching_vfs.zName = "cwc-wal-batching";
        batching_vfs.pNext = nullptr;
        batching_vfs.xOpen = batch_open;
        batching_vfs.xDelete = batch_delete;
        batching_vfs.xAccess = batch_access;
        batching_vfs.xFullPathname = batch_full_pathname;
        sqlite3_vfs_register(&batching_vfs, 0);
    });
    return batching_vfs.zName;
}

std::uint64_t database_writebacks_started() {
    return writebacks_started.load(std::memory_order_relaxed);
}

}  // namespace cwc::messages::sqlite
