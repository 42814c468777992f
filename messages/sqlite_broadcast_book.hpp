// broadcast_book on the store's own SQLite connection (so its writes join the writer's
// transaction). Consent lives in sqlite_consent.cpp, broadcasts and their rows in
// sqlite_broadcasts.cpp.
#pragma once

#include "messages/broadcast_book.hpp"

#include <cstdint>

namespace cwc::messages {

namespace sqlite {
class connection;
}

class sqlite_broadcast_book final : public broadcast_book {
  public:
    // `enqueued`: the store's count of rows made due (store::enqueued_so_far), which the writer
    // watches to wake the dispatcher; resumed rows count too.
    sqlite_broadcast_book(sqlite::connection& db, std::uint64_t& enqueued)
        : db_(db), enqueued_(enqueued) {}

    void apply_consent(std::int64_t contact_id, std::string_view channel_id,
                       const consent_change& change, timestamp now) override;

    std::int64_t create(const broadcast& b) override;
    std::optional<broadcast> load(std::int64_t id) override;
    void save(const broadcast& b) override;
    std::size_t pause_rows(std::int64_t broadcast_id, timestamp now) override;
    std::size_t resume_rows(std::int64_t broadcast_id, timestamp now) override;
    std::size_t cancel_rows(std::int64_t broadcast_id, timestamp now) override;
    std::size_t postpone_rows(std::int64_t broadcast_id, timestamp until, std::string_view reason,
                              timestamp now) override;
    void drop_unconsented(std::int64_t outbound_id, timestamp now) override;
    bool has_pending_rows(std::int64_t broadcast_id) override;
    std::optional<std::int64_t> broadcast_answered_by(std::int64_t contact_id,
                                                      timestamp since) override;
    void link_reply(std::int64_t broadcast_id, std::int64_t inbound_id, std::int64_t contact_id,
                    timestamp at) override;

  private:
    sqlite::connection& db_;
    std::uint64_t& enqueued_;
};

}  // namespace cwc::messages
