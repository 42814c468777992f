// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a COMMIT that
// returned survives a power cut. Same contract as store.hpp (one writer thread; throws
// store_error); the extra read helpers serve tests, the CLI and audit verification.
#pragma once

#include "messages/address_cipher.hpp"
#include "messages/store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::messages {

namespace sqlite {
class connection;
class wal_checkpointer;
}
class sqlite_erasure_book;

enum class sqlite_access {
    read_write,  // creates the file and applies migrations
    read_only,   // SQLITE_OPEN_READONLY: for inspection, and to test probe_writable's failure
};

class sqlite_store final : public store {
  public:
    // Opens (creating if needed) and migrates; throws store_error if the file cannot be opened,
    // WAL mode does not take, or the schema cannot be brought up to date. `pseudonym_key` is
    // the deployment's HMAC key for contact pseudonyms.
    sqlite_store(const std::string& path, std::string pseudonym_key,
                 sqlite_access access = sqlite_access::read_write);
    ~sqlite_store() override;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    void begin() override;
    void commit() override;
    void rollback() override;
    // One level: a second savepoint() before release/rollback nests under the same name.
    void savepoint() override;
    void release_savepoint() override;
    void rollback_to_savepoint() override;  // undoes the unit and ends it (no release after)
    // synchronous=NORMAL (WAL: commits are written, not synced; checkpoints still sync), and
    // make_durable() fdatasyncs the WAL file; checkpoints move to a thread of their own
    // (messages/sqlite_checkpointer.hpp).
    void defer_sync() override;
    void make_durable() override;

    bool inbound_exists(std::string_view channel_id, std::string_view provider_id) override;
    contact find_or_create_contact(std::string_view address, timestamp now) override;
    std::optional<contact> find_contact(std::int64_t id) override;
    void save_contact(const contact& c) override;  // store_error if the contact does not exist
    std::int64_t insert_inbound(const inbound_message& m, std::int64_t contact_id,
                                inbound_outcome outcome) override;
    std::int64_t insert_media(std::int64_t inbound_id, const media_attachment& a,
                              timestamp now) override;
    std::optional<std::string> add_message_part(const inbound_message& m,
                                                std::string_view sender) override;
    std::vector<inbound_message> take_stale_parts(timestamp older_than) override;
    std::int64_t insert_case(const case_record& c) override;  // also writes its first event
    std::int64_t enqueue(const outbound_message& m) override;
    std::uint64_t enqueued_so_far() const override { return enqueued_; }
    void append_audit(const audit_entry& e) override;
    std::string_view record_digest_key() const override { return record_digest_key_; }
    // The gateway's and the CLI's stores that write records are given it (from the audit key).
    void set_record_digest_key(std::string key) { record_digest_key_ = std::move(key); }
    // Phone numbers sealed at rest from now on (messages/address_cipher.hpp): the rows an older
    // version or a store without the key left in plain are sealed at once, in one transaction,
    // and the WAL checkpointed. Without a key the store keeps numbers as given (tests, simulate).
    void set_address_key(std::string_view key);  // sqlite_addresses.cpp
    std::optional<audit_head> last_audit_head() override;
    std::optional<signed_head> last_signed_head() override;
    void save_signed_head(const signed_head& h) override;

    std::vector<outbound_message> claim_due(std::string_view channel_id, timestamp now,
                                            std::size_t limit,
                                            outbound_priority least_urgent) override;
    std::optional<timestamp> next_due(std::string_view channel_id) override;
    // An unknown id is ignored (the row may have been removed by retention meanwhile).
    void record_send_result(std::int64_t outbound_id, const send_result& r, timestamp now) override;
    bool apply_delivery_status(std::string_view channel_id, std::string_view provider_message_id,
                               outbound_status status, std::string_view error_code,
                               timestamp now) override;
    bool apply_delivery_status_for(std::int64_t outbound_id, std::string_view provider_message_id,
                                   outbound_status status, std::string_view error_code,
                                   timestamp now) override;
    // read counts as delivered and undelivered as failed.
    outbox_counts count_outbox() override;
    std::size_t mark_interrupted(timestamp now, timestamp reconcile_at) override;
    std::size_t resend_unresolved(timestamp now) override;
    std::optional<timestamp> next_unresolved() override;
    std::size_t count_possible_duplicates() override;
    bool waiting_behind(std::int64_t contact_id, std::int64_t outbound_id) override;
    void record_dead_letter(std::int64_t outbound_id, std::string_view error_code,
                            timestamp now) override;
    void return_unsent(std::int64_t outbound_id, timestamp when, std::string_view reason,
                       timestamp now) override;
    std::size_t release_held(std::string_view channel_id, std::string_view reason,
                             timestamp now) override;
    std::vector<outbox_channel_report> report_outbox(std::string_view held_reason) override;
    std::size_t requeue_dead_letters(std::string_view channel_id, timestamp now) override;
    requeue_outcome requeue_failed(std::int64_t outbound_id, timestamp now) override;
    std::optional<timestamp> last_inbound_on(std::int64_t contact_id,
                                             std::string_view channel_id) override;
    bool template_queued_since(std::int64_t contact_id, std::string_view channel_id,
                               timestamp since) override;
    void hold_for_reply(std::int64_t outbound_id, std::string_view reason, timestamp now) override;
    void reroute(std::int64_t outbound_id, std::string_view channel_id, timestamp now) override;
    std::optional<outbound_message> reopen_refused_for_window(
        std::string_view channel_id, std::int64_t outbound_id,
        std::string_view provider_message_id) override;
    std::size_t release_held_for_reply(std::int64_t contact_id, std::string_view channel_id,
                                       timestamp now) override;
    std::vector<media_job> claim_due_media(timestamp now, std::size_t limit,
                                           timestamp reclaim_at) override;
    bool record_media_result(std::int64_t media_id, const media_result& r,
                             timestamp now) override;
    std::int64_t quarantine(std::string_view channel_id, std::string_view reason,
                            std::string_view raw_body, timestamp now) override;
    void probe_writable() override;
    std::vector<ops_alert_state> ops_alerts() override;  // messages/ops_alert_store.cpp
    void save_ops_alert(const ops_alert_state& a) override;
    broadcast_book& broadcasts() override;
    erasure_book& erasure() override;

    std::optional<case_summary> find_case(std::string_view reference) override;
    bool has_open_sensitive_case(std::int64_t contact_id) override;  // sqlite_erasure.cpp
    std::optional<case_record> load_case(std::string_view reference) override;
    void update_case(const case_record& c) override;
    void append_case_event(const case_event& e) override;
    sensitive_alert open_sensitive_alert(const sensitive_alert& a) override;
    std::vector<sensitive_alert> due_sensitive_alerts(timestamp now, std::size_t limit) override;
    void save_sensitive_alert(const sensitive_alert& a) override;
    std::optional<timestamp> next_sensitive_alert() override;
    void record_service_referral(const service_referral& r) override;

    // --- read helpers beyond the store interface
    std::optional<contact> find_contact_by_address(std::string_view address);
    std::optional<outbound_message> find_outbound(std::int64_t id);
    std::vector<outbound_message> outbound_for_contact(std::int64_t contact_id);  // by id
    std::optional<case_record> find_case_record(std::string_view reference);
    // Walks the audit chain; returns the seq of the first entry whose hash or link to its
    // predecessor does not match, or nothing if the chain is intact. Truncating the tail
    // leaves a valid chain: compare the last hash with one kept elsewhere to detect that.
    std::optional<std::int64_t> verify_audit_chain();
    std::optional<std::string> last_audit_hash();
    int schema_version();
    // Value of a connection setting, e.g. "journal_mode", "synchronous" (2 = FULL); only plain
    // pragma names are accepted (store_error otherwise).
    std::optional<std::string> read_pragma(std::string_view name);

  private:
    std::unique_ptr<sqlite::connection> db_;
    std::unique_ptr<broadcast_book> broadcasts_;  // on db_
    std::unique_ptr<sqlite_erasure_book> erasure_;  // on db_; checkpoints after commit()
    std::string pseudonym_key_;
    std::string record_digest_key_;
    address_cipher addresses_;  // erasure_ holds a reference
    std::uint64_t enqueued_ = 0;
    std::string wal_path_;  // set by defer_sync(); "" = commits sync themselves
    int wal_fd_ = -1;       // opened by the first make_durable()
    // Set by defer_sync(): the writer's checkpoints on a thread of their own; stopped before
    // db_ closes (declared after it).
    std::unique_ptr<sqlite::wal_checkpointer> checkpoints_;
};

// The store the gateway uses for an embedded deployment.
// `record_digest_key`: messages/audit_keys.hpp ("" = records are not digested).
std::unique_ptr<store> open_sqlite_store(const std::string& path, std::string pseudonym_key,
                                         std::string record_digest_key = {},
                                         std::string_view address_key = {});

}  // namespace cwc::messages
