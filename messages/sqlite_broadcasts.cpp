// Broadcasts and their outbox rows in the SQLite store.
#include "messages/sqlite_broadcast_book.hpp"
#include "messages/sqlite_connection.hpp"
#include "messages/store.hpp"

namespace cwc::messages {

namespace {
[[noreturn]] void not_yet() { throw store_error("sqlite: broadcasts are not implemented yet"); }
}  // namespace

std::int64_t sqlite_broadcast_book::create(const broadcast&) { not_yet(); }
std::optional<broadcast> sqlite_broadcast_book::load(std::int64_t) { not_yet(); }
void sqlite_broadcast_book::save(const broadcast&) { not_yet(); }
std::size_t sqlite_broadcast_book::pause_rows(std::int64_t, timestamp) { not_yet(); }
std::size_t sqlite_broadcast_book::resume_rows(std::int64_t, timestamp) { not_yet(); }
std::size_t sqlite_broadcast_book::cancel_rows(std::int64_t, timestamp) { not_yet(); }
void sqlite_broadcast_book::drop_unconsented(std::int64_t, timestamp) { not_yet(); }
bool sqlite_broadcast_book::has_pending_rows(std::int64_t) { not_yet(); }
std::optional<std::int64_t> sqlite_broadcast_book::broadcast_answered_by(std::int64_t, timestamp) {
    return std::nullopt;
}
void sqlite_broadcast_book::link_reply(std::int64_t, std::int64_t, std::int64_t, timestamp) {
    not_yet();
}

}  // namespace cwc::messages
