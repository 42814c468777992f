// The single place where state changes. One implementation per database (SQLite now, PostgreSQL
// later). Not thread-safe: the gateway gives a store to exactly one writer thread, which batches
// many units of work into one transaction (group commit) and wraps each unit in a savepoint so a
// failing unit is undone alone. Methods throw store_error on infrastructure failure.
#pragma once

#include "messages/audit.hpp"
#include "messages/broadcast_book.hpp"
#include "messages/case_record.hpp"
#include "messages/contact.hpp"
#include "messages/erasure_book.hpp"
#include "messages/media.hpp"
#include "messages/message.hpp"
#include "messages/ops_alert.hpp"
#include "messages/sensitive_alert.hpp"

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

struct store_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};
// A unique key was taken (a case reference collision); the unit may retry with a new value.
struct duplicate_key : store_error {
    using store_error::store_error;
};

struct outbox_counts {
    std::size_t queued = 0, sending = 0, sent = 0, delivered = 0, failed = 0;
};

// One channel's outbox for an operator (`cwc-gateway outbox status`). "unknown": a crash left the
// send's outcome unknown; "dead_letters": failed after the last attempt, re-queueable; "held":
// queued while the channel is paused (credentials refused); "possible_duplicates": sent again
// after a crash although the provider may have had them (delivered or not since).
struct outbox_channel_report {
    std::string channel_id;
    std::size_t queued = 0, sending = 0, unknown = 0, sent = 0, delivered = 0, failed = 0;
    std::size_t dead_letters = 0, held = 0, possible_duplicates = 0;
};

enum class requeue_outcome { requeued, not_found, not_failed, opted_out };

class store : public case_lookup {
public:
    // --- transactions (BEGIN IMMEDIATE … COMMIT; savepoints nest inside)
    virtual void begin() = 0;
    virtual void commit() = 0;  // durable when it returns, unless defer_sync() was called
    virtual void rollback() = 0;
    virtual void savepoint() = 0;
    virtual void release_savepoint() = 0;
    virtual void rollback_to_savepoint() = 0;
    // After defer_sync(), commit() returns once the transaction is written but not yet on disk;
    // make_durable() (callable from another thread) then makes every commit returned so far
    // durable. The store writer uses this to build the next batch while the disk syncs.
    virtual void defer_sync() {}
    virtual void make_durable() {}

    // --- contacts and inbound
    // True if (channel, provider id) was already stored: a provider retry changes nothing.
    virtual bool inbound_exists(std::string_view channel_id, std::string_view provider_id) = 0;
    virtual contact find_or_create_contact(std::string_view address, timestamp now) = 0;
    virtual std::optional<contact> find_contact(std::int64_t id) = 0;
    virtual void save_contact(const contact& c) = 0;  // language, notice, opt-out, state, times
    // Returns the new id. The (channel, provider id) pair is unique: duplicate_key if taken.
    virtual std::int64_t insert_inbound(const inbound_message& m, std::int64_t contact_id,
                                        inbound_outcome outcome) = 0;
    // One attachment of a stored message, to be downloaded after the acknowledgement.
    virtual std::int64_t insert_media(std::int64_t inbound_id, const media_attachment& a,
                                      timestamp now) = 0;
    // Keeps one part of a concatenated SMS (m.part set). When this part completes the message,
    // returns the whole text in part order (once: a provider retry of any part returns nothing).
    virtual std::optional<std::string> add_message_part(const inbound_message& m,
                                                        std::string_view sender) = 0;
    // Long messages still missing a part after their first part arrived before `older_than`:
    // the parts that did come, joined in order, one message each (from = the sender, provider id
    // = the first part's), marked assembled so nothing handles them twice.
    virtual std::vector<inbound_message> take_stale_parts(timestamp older_than) = 0;
    virtual std::int64_t insert_case(const case_record& c) = 0;  // duplicate_key on reference
    virtual std::int64_t enqueue(const outbound_message& m) = 0;
    // How many outbound messages this store object has enqueued since it was opened (rolled back
    // ones included): the writer wakes the dispatcher only when this moved.
    virtual std::uint64_t enqueued_so_far() const = 0;
    virtual void append_audit(const audit_entry& e) = 0;
    // The key of record digests (messages/record_digest.hpp) that the audit entries recording a
    // message, an outbound row or a case carry; "" = none was given, and they carry none.
    virtual std::string_view record_digest_key() const { return {}; }
    // The newest audit entry, the newest signed head, and a new signed head (audit_heads).
    virtual std::optional<audit_head> last_audit_head() = 0;
    virtual std::optional<signed_head> last_signed_head() = 0;
    virtual void save_signed_head(const signed_head& h) = 0;

    // --- case workflow (gateway/case_desk decides what an officer may do)
    // The whole case, description included; nothing if there is no such reference.
    virtual std::optional<case_record> load_case(std::string_view reference) = 0;
    // Writes the mutable fields of an existing case: status and its times, due dates,
    // organisation, codes, sex, age group, assignment, referral, sensitive flag, satisfaction,
    // description (parts that came later). store_error if there is no such case.
    virtual void update_case(const case_record& c) = 0;
    virtual void append_case_event(const case_event& e) = 0;
    // Sensitive cases: the alert is opened with the case (in the same unit), then the
    // scheduler takes the due ones and saves them back with their next time. Returns the alert
    // as it now stands (a case flagged again keeps its first alert's deadline and rounds).
    virtual sensitive_alert open_sensitive_alert(const sensitive_alert& a) = 0;
    virtual std::vector<sensitive_alert> due_sensitive_alerts(timestamp now,
                                                              std::size_t limit) = 0;
    virtual void save_sensitive_alert(const sensitive_alert& a) = 0;  // by case_id
    virtual std::optional<timestamp> next_sensitive_alert() = 0;
    // The directory: a service a person was pointed to.
    virtual void record_service_referral(const service_referral& r) = 0;

    // --- outbox (dispatcher)
    // Marks up to `limit` due queued rows of one channel, no less urgent than `least_urgent`, as
    // sending (attempts + 1) and returns them, most urgent priority first, then oldest. A row is
    // not due while an earlier one to the same person, at least as urgent, is queued, sending or
    // unknown. Call inside a transaction.
    virtual std::vector<outbound_message> claim_due(std::string_view channel_id, timestamp now,
                                                    std::size_t limit,
                                                    outbound_priority least_urgent) = 0;
    // Earliest next_attempt_at among the channel's queued rows that are in turn, if any: lets
    // the dispatcher sleep until then.
    virtual std::optional<timestamp> next_due(std::string_view channel_id) = 0;
    virtual void record_send_result(std::int64_t outbound_id, const send_result& r,
                                    timestamp now) = 0;
    // Applies a provider status callback; returns false if unknown or not a forward move.
    virtual bool apply_delivery_status(std::string_view channel_id,
                                       std::string_view provider_message_id,
                                       outbound_status status, std::string_view error_code,
                                       timestamp now) = 0;
    // The same, addressed by our outbox id (carried in the status-callback URL), so a callback
    // that overtakes the recording of the send result is not lost; also stores the provider id
    // when the row has none yet.
    virtual bool apply_delivery_status_for(std::int64_t outbound_id,
                                           std::string_view provider_message_id,
                                           outbound_status status, std::string_view error_code,
                                           timestamp now) = 0;
    virtual outbox_counts count_outbox() = 0;
    // At start-up: rows left "sending" by a crash may or may not have reached the provider. They
    // become "unknown" until `reconcile_at`, so their status callback can resolve them first;
    // they still hold back later messages to the same person. Returns how many.
    virtual std::size_t mark_interrupted(timestamp now, timestamp reconcile_at) = 0;
    // Unknown rows whose reconcile time has passed are queued again (due now) and counted as
    // possible duplicates. Returns how many.
    virtual std::size_t resend_unresolved(timestamp now) = 0;
    // The earliest reconcile time of the unknown rows, if any.
    virtual std::optional<timestamp> next_unresolved() = 0;
    // Whether a later message to the same person is still queued, sending or unknown (it may
    // have waited for this one): the dispatcher looks for due rows again only then.
    virtual bool waiting_behind(std::int64_t contact_id, std::int64_t outbound_id) = 0;
    // Messages sent again after a crash left them unknown, ever (the start-up log reports it).
    virtual std::size_t count_possible_duplicates() = 0;
    // Failed after the last attempt: status failed, kept as a dead letter for `outbox requeue`.
    virtual void record_dead_letter(std::int64_t outbound_id, std::string_view error_code,
                                    timestamp now) = 0;
    // A claimed row that never reached the provider (shutdown, paused channel) is queued again
    // for `when`, and its claim does not count as an attempt. `reason` becomes its error code.
    virtual void return_unsent(std::int64_t outbound_id, timestamp when, std::string_view reason,
                               timestamp now) = 0;
    // The channel works again: rows held for its pause (error code `reason`) are due now.
    virtual std::size_t release_held(std::string_view channel_id, std::string_view reason,
                                     timestamp now) = 0;
    // Per channel, ordered by channel id; `held_reason` is the error code held rows carry.
    virtual std::vector<outbox_channel_report> report_outbox(std::string_view held_reason) = 0;
    // Dead letters (of one channel, or all when empty) are queued again with fresh attempts.
    virtual std::size_t requeue_dead_letters(std::string_view channel_id, timestamp now) = 0;
    // One failed message queued again with fresh attempts; an unsolicited message to a person
    // who opted out stays failed.
    virtual requeue_outcome requeue_failed(std::int64_t outbound_id, timestamp now) = 0;

    // --- WhatsApp's customer-service window (gateway/whatsapp_window.hpp decides)
    // When the person last wrote to us on this channel, if ever.
    virtual std::optional<timestamp> last_inbound_on(std::int64_t contact_id,
                                                     std::string_view channel_id) = 0;
    // Whether a re-engagement template to this person on this channel was queued at or after
    // `since` (one template per closed window, however many messages wait behind it).
    virtual bool template_queued_since(std::int64_t contact_id, std::string_view channel_id,
                                       timestamp since) = 0;
    // A claimed row waits, status 'held' with `reason`, until the person writes on its channel;
    // the claim does not count as an attempt.
    virtual void hold_for_reply(std::int64_t outbound_id, std::string_view reason,
                                timestamp now) = 0;
    // A claimed row goes out on another channel instead, due now; the claim does not count.
    virtual void reroute(std::int64_t outbound_id, std::string_view channel_id, timestamp now) = 0;
    // The provider reported, after accepting it, that a message failed because WhatsApp's window
    // was closed (Meta 131047, Twilio 63016 in a failed status): the row goes back to 'sending'
    // so the window rules can hold, re-route or replace it. By our id, or else by the provider's
    // id on the channel; nothing when there is no such failed row.
    virtual std::optional<outbound_message> reopen_refused_for_window(
        std::string_view channel_id, std::int64_t outbound_id,
        std::string_view provider_message_id) = 0;
    // The person wrote on the channel: its rows held for them are queued again, due now, in
    // their order. Returns how many.
    virtual std::size_t release_held_for_reply(std::int64_t contact_id,
                                               std::string_view channel_id, timestamp now) = 0;

    // --- media (fetcher)
    // Up to `limit` pending attachments due at `now`, oldest first, with attempts + 1; each is
    // not due again before `reclaim_at` unless its result is recorded first (so a download that
    // a crash interrupted is tried again then). Call inside a transaction, or alone.
    virtual std::vector<media_job> claim_due_media(timestamp now, std::size_t limit,
                                                   timestamp reclaim_at) = 0;
    // Keeps the bytes (status stored, with their size, type and SHA-256), schedules the next
    // attempt, or fails the attachment for good with its reason. Only a pending row changes:
    // false when the row was not pending (nothing changed).
    virtual bool record_media_result(std::int64_t media_id, const media_result& r,
                                     timestamp now) = 0;

    // An authenticated webhook we could not parse: kept raw (table quarantine: id, channel_id,
    // received_at, reason, body) for an operator, so the provider can be answered 2xx.
    virtual std::int64_t quarantine(std::string_view channel_id, std::string_view reason,
                                    std::string_view raw_body, timestamp now) = 0;

    // --- consent and broadcasts, in the same transaction as the rest of the unit
    virtual broadcast_book& broadcasts() = 0;

    // --- erasure on request and retention, in the same transaction as the rest of the unit
    virtual erasure_book& erasure() = 0;

    // --- operators' alerts (gateway/ops_alerts.hpp): every row of ops_alerts, and one saved
    // (inserted, or replaced by kind and channel)
    virtual std::vector<ops_alert_state> ops_alerts() = 0;
    virtual void save_ops_alert(const ops_alert_state& a) = 0;

    // --- health: a real write that is rolled back; throws store_error if the store refuses it
    virtual void probe_writable() = 0;
};

}  // namespace cwc::messages
