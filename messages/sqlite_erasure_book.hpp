// erasure_book on the store's own SQLite connection (its writes join the writer's transaction).
// A person's erasure, holds and tombstones live in sqlite_erasure.cpp, the retention purge in
// sqlite_retention.cpp. The store calls after_commit() after each COMMIT: that is where the WAL
// checkpoint an erasure asked for runs.
#pragma once

#include "messages/erasure_book.hpp"

#include <chrono>
#include <string>

namespace cwc::messages {

namespace sqlite {
class connection;
}
class address_cipher;

class sqlite_erasure_book final : public erasure_book {
  public:
    static constexpr std::chrono::seconds checkpoint_retry{10};

    // `addresses`: the store's, which outlives this book.
    sqlite_erasure_book(sqlite::connection& db, const address_cipher& addresses);

    erasure_counts erase_contact(std::int64_t contact_id, std::string_view actor,
                                 std::string_view reason, timestamp now) override;
    void erase_after_send(std::int64_t outbound_id) override;
    bool erased_lately(std::string_view address) override;  // sqlite_addresses.cpp
    bool erases_after_send(std::int64_t outbound_id) override;
    void hold(std::int64_t contact_id, timestamp now) override;
    bool is_held(std::int64_t contact_id) override;
    void release(std::int64_t contact_id) override;
    std::vector<held_erasure> held_ready(std::size_t limit) override;
    erasure_counts purge_expired(const config::retention_settings& retention, timestamp now,
                                 std::size_t limit) override;
    void request_checkpoint() override { checkpoint_wanted_ = true; }
    bool retry_checkpoint_now() override {
        if (checkpoint_wanted_) next_checkpoint_try_ = {};
        return checkpoint_wanted_;
    }

    // Whether (channel, provider id) belongs to an erased message whose tombstone the purge has
    // not dropped yet (a week). Free while no tombstone exists (the usual case): inbound_exists
    // asks it for every new message.
    bool tombstoned(std::string_view channel_id, std::string_view provider_id);
    // After a COMMIT, outside any transaction: a row that was waiting to be erased after its
    // send may have been (by the trigger), and a checkpoint asked for runs now (when a reader
    // held the last one back, not before checkpoint_retry has passed). Never throws.
    void after_commit() noexcept;
    // PRAGMA wal_checkpoint(TRUNCATE); false when a reader held it back (tried again later).
    bool checkpoint();

    // The channel of the tombstone an erased person's number leaves: its blind index as the id.
    static constexpr std::string_view address_tombstone = "contact-address";

  private:
    void tombstone(std::string_view channel_id, std::string_view provider_id, timestamp now);
    void redacted(std::string_view actor, std::string subject, std::string_view reason,
                  timestamp now);
    std::int64_t count_awaiting_send();

    sqlite::connection& db_;
    const address_cipher& addresses_;
    bool tombstones_possible_ = false;  // a row may exist: look; none: skip the query
    std::int64_t awaiting_send_ = 0;    // rows marked erase_after_send at the last look
    bool checkpoint_wanted_ = false;
    std::chrono::steady_clock::time_point next_checkpoint_try_{};
};

}  // namespace cwc::messages
