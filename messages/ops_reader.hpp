// The operations picture an operator watches (GET /metrics, `cwc-gateway status`, alerts): how
// many messages per channel and status, how deep and how old the outbox is, what failed and why,
// what waits on a paused channel, quarantined webhooks, overdue cases — counts only, never a
// number or a text. Read on a read-only connection of its own (WAL: the last commit), so it never
// holds up the writer thread. Not thread-safe: one per reading thread. Throws store_error.
#pragma once

#include "messages/ops_alert.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cwc::messages {

namespace sqlite {
class connection;
}

// A count under a channel and one more key (a status, an error code, a priority name).
struct ops_count {
    std::string channel_id;
    std::string key;
    std::int64_t count = 0;
};

// Messages still to be sent (queued, sending, or unknown after a crash) of one channel and
// priority, and how long the oldest has waited since it was queued.
struct ops_pending {
    std::string channel_id;
    std::string priority;  // safety, reply, answer, broadcast
    std::int64_t count = 0;
    std::int64_t oldest_age_ms = 0;
};

// Per channel: dead letters (re-queueable by `outbox requeue`), rows held while the channel is
// paused (refused credentials), quarantined webhooks ever and since `quarantine_since`.
struct ops_channel {
    std::string channel_id;
    std::int64_t dead_letters = 0;
    std::int64_t held_for_pause = 0;
    std::int64_t quarantined = 0;
    std::int64_t quarantined_recently = 0;
};

struct ops_picture {
    std::vector<ops_count> inbound;         // key: outcome (handled, failed)
    std::vector<ops_count> outbound;        // key: status
    std::vector<ops_count> failed_by_code;  // key: the provider's error code (or "other")
    std::vector<ops_pending> pending;
    std::vector<ops_channel> channels;  // every channel met in the outbox or the quarantine
    std::int64_t overdue_cases = 0;
    std::int64_t sensitive_overdue_cases = 0;
    std::vector<ops_alert_state> alerts_holding;
};

// A label value safe to publish: an error code as the provider gave it when it is short and
// plain ([A-Za-z0-9_.-], up to 32 characters, no run of 7 digits or more that could be a phone
// number), else "other".
std::string publishable_code(const std::string& code);

class ops_reader {
  public:
    // Throws store_error if the file cannot be opened or its schema is older than this build.
    explicit ops_reader(const std::string& database_path);
    ~ops_reader();
    ops_reader(const ops_reader&) = delete;
    ops_reader& operator=(const ops_reader&) = delete;

    // The picture at `now`; quarantined_recently counts webhooks quarantined at or after
    // `quarantine_since`. One read transaction: the figures agree with each other.
    ops_picture read(timestamp now, timestamp quarantine_since);

  private:
    std::unique_ptr<sqlite::connection> db_;
};

}  // namespace cwc::messages
