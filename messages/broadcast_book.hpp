// The write side of consent and broadcasts, reached through store::broadcasts() inside a writer
// unit (same transaction as the rest of the unit). One implementation per database, like store.
// Throws store_error on infrastructure failure.
#pragma once

#include "messages/broadcast.hpp"
#include "messages/consent.hpp"
#include "messages/time.hpp"

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace cwc::messages {

class broadcast_book {
  public:
    virtual ~broadcast_book() = default;

    // --- consent (tables subscribers, subscriptions, consent_log)
    // Applies one change for a contact who wrote on `channel_id` and logs it. subscribed: the
    // topic is added (a repeat is logged but changes nothing) and the subscriber's broadcast
    // channel becomes `channel_id`; unsubscribed: the topic is removed; region_set: the
    // subscriber's region; opted_out: every topic is removed (the contact's opted_out flag is
    // saved by store::save_contact as before); opted_in: logged only.
    virtual void apply_consent(std::int64_t contact_id, std::string_view channel_id,
                               const consent_change& change, timestamp now) = 0;

    // --- broadcasts (table broadcasts)
    virtual std::int64_t create(const broadcast& b) = 0;  // returns the id; b.id ignored
    virtual std::optional<broadcast> load(std::int64_t id) = 0;
    // Saves status, confirmed_at, finished_at, planned, scheduled_at.
    virtual void save(const broadcast& b) = 0;

    // --- its outbox rows (outbox.broadcast_id)
    // Queued rows become 'paused' (resume: back to 'queued', due at `now` or later if they were
    // later); cancel: queued and paused rows become 'cancelled' (error cancelled_code). Rows
    // already sending finish. Each returns how many rows it changed.
    virtual std::size_t pause_rows(std::int64_t broadcast_id, timestamp now) = 0;
    virtual std::size_t resume_rows(std::int64_t broadcast_id, timestamp now) = 0;
    virtual std::size_t cancel_rows(std::int64_t broadcast_id, timestamp now) = 0;
    // The broadcast's queued rows due before `until` become due then (quiet hours began for
    // everyone it reaches), with error code `reason`; returns how many.
    virtual std::size_t postpone_rows(std::int64_t broadcast_id, timestamp until,
                                      std::string_view reason, timestamp now) = 0;
    // A claimed row whose person withdrew consent since planning: 'cancelled', error
    // opted_out_since_code, never sent (the claim does not count as an attempt).
    virtual void drop_unconsented(std::int64_t outbound_id, timestamp now) = 0;
    // Whether rows of the broadcast are still queued, sending, unknown or paused.
    virtual bool has_pending_rows(std::int64_t broadcast_id) = 0;

    // --- replies
    // The broadcast that last reached this contact (a row sent at or after `since`), if the
    // contact has not written since it was sent: their message now is a reply to it.
    virtual std::optional<std::int64_t> broadcast_answered_by(std::int64_t contact_id,
                                                              timestamp since) = 0;
    virtual void link_reply(std::int64_t broadcast_id, std::int64_t inbound_id,
                            std::int64_t contact_id, timestamp at) = 0;
};

}  // namespace cwc::messages
