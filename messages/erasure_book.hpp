// Erasure of personal data, reached through store::erasure() inside a writer unit (same
// transaction as the rest of the unit): a person's erasure on request, erasures held for an open
// sensitive case, the retention purge and the tombstones of erased provider ids. Every record
// erased gets an audit entry "record.redacted" (subject message:<id>, outbound:<id>,
// case:<ref>, contact:<id>; detail {"reason"}), so `audit verify` accepts its content as gone.
// Throws store_error on infrastructure failure.
#pragma once

#include "config/config.hpp"
#include "messages/time.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

// How long the hashed provider ids of an erased person's messages are kept: a provider retries
// a webhook for hours, not weeks.
inline constexpr std::chrono::hours tombstone_lifetime{24 * 7};
// The digest a tombstone keeps: lower-hex SHA-256 of channel id, a 0 byte, provider id.
std::string tombstone_digest(std::string_view channel_id, std::string_view provider_id);

// What one erasure or purge changed (records redacted), for its audit entry and the CLI.
struct erasure_counts {
    std::size_t contacts = 0;     // numbers replaced by "erased:<id>"
    std::size_t messages = 0;     // inbound texts (and their locations) erased
    std::size_t outbound = 0;     // outbox rows' texts (and addresses) erased
    std::size_t cases = 0;        // case descriptions and notes erased
    std::size_t media = 0;        // attachments' bytes, captions and names deleted
    std::size_t parts = 0;        // parts of long SMS deleted
    std::size_t quarantined = 0;  // raw webhooks deleted
    std::size_t tombstones = 0;   // expired tombstones dropped (purge only)
    std::size_t total() const {
        return contacts + messages + outbound + cases + media + parts + quarantined;
    }
    erasure_counts& operator+=(const erasure_counts& o) {
        contacts += o.contacts, messages += o.messages, outbound += o.outbound, cases += o.cases;
        media += o.media, parts += o.parts, quarantined += o.quarantined, tombstones += o.tombstones;
        return *this;
    }
};

// A held erasure ready to run, and the channel the person last wrote on (their last message
// goes there).
struct held_erasure {
    std::int64_t contact_id = 0;
    std::string channel_id;
    bool operator==(const held_erasure&) const = default;
};

class erasure_book {
  public:
    virtual ~erasure_book() = default;

    // --- a person's erasure (reason "erasure_request")
    // Replaces their number by "erased:<id>" (the pseudonym stays, so aggregates still count
    // them) and erases: their messages' texts, locations and media, their parts of long SMS,
    // raw webhooks that hold their number, the texts and addresses of their outbox rows (rows
    // not yet sent are cancelled), their cases' descriptions and notes, their subscriptions
    // (one consent_log "opted_out" with source "erasure"; the log itself holds no text) and
    // their conversation state. The provider ids of their messages become tombstones.
    // Rows marked erase_after_send keep address and text until their send is final. The caller
    // has checked that no sensitive case of theirs is open (case_lookup).
    virtual erasure_counts erase_contact(std::int64_t contact_id, std::string_view actor,
                                         std::string_view reason, timestamp now) = 0;
    // The outbox row (the erasure's confirmation) keeps its address until its send is final;
    // then the row loses address and text and the WAL is checkpointed after that commit.
    virtual void erase_after_send(std::int64_t outbound_id) = 0;
    // Whether the row is such a confirmation still waiting for its final send.
    virtual bool erases_after_send(std::int64_t outbound_id) = 0;

    // Whether `address` belongs to a person erased within the tombstone week and to no contact
    // now: a provider's late report (an opt-out) must not write their number back. Someone who
    // wrote again after their erasure is a contact again (false).
    virtual bool erased_lately(std::string_view address) = 0;

    // --- erasures held while a sensitive case of the person is open
    virtual void hold(std::int64_t contact_id, timestamp now) = 0;  // a repeat keeps the first
    virtual bool is_held(std::int64_t contact_id) = 0;
    virtual void release(std::int64_t contact_id) = 0;
    // Held erasures whose person has no open sensitive case any more (a sweep's work list).
    virtual std::vector<held_erasure> held_ready(std::size_t limit) = 0;

    // --- retention (reason "retention")
    // Up to about `limit` expired records anonymised as config/README.md "retention" says:
    // messages older than messages_days, closed cases older than their type's days, then the
    // numbers of people none of whose messages, cases or subscriptions are left unexpired.
    // Expired tombstones are dropped. Call again while total() reached the limit.
    virtual erasure_counts purge_expired(const config::retention_settings& retention,
                                         timestamp now, std::size_t limit) = 0;

    // --- the bytes really gone: SQLite secure_delete zeroes what a change frees; after the
    // commit of a unit that erased, the WAL is checkpointed with TRUNCATE (asked here, done by
    // the store's commit once no reader holds it back; retried at the next commit otherwise).
    virtual void request_checkpoint() = 0;
    // A checkpoint a reader held back is tried again right after this unit's commit, however
    // recent the last try (the periodic retry, gateway/retention_purge.hpp, calls it so the bytes
    // leave the WAL once the reader is gone, with no new write). True when one is pending.
    virtual bool retry_checkpoint_now() = 0;
};

}  // namespace cwc::messages
