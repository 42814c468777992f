// The name of a VFS that writes each WAL transaction with one pwrite instead of two per frame,
// and starts the database file's writeback as a checkpoint writes it rather than all at its
// closing sync (messages/sqlite_wal_batching.cpp), registered on first use. For the store
// writer's and the checkpointer's connections.
#pragma once

#include <cstdint>

namespace cwc::messages::sqlite {

const char* wal_batching_vfs();

// How many times (in this process) the shim asked the kernel to start writing a database file
// back: tests and diagnostics.
std::uint64_t database_writebacks_started();

}  // namespace cwc::messages::sqlite
