// The name of a VFS that writes each WAL transaction with one pwrite instead of two per frame
// (messages/sqlite_wal_batching.cpp), registered on first use. For the store writer's connection.
#pragma once

namespace cwc::messages::sqlite {

const char* wal_batching_vfs();

}  // namespace cwc::messages::sqlite
