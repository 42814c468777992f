// The sub-commands of the cwc-gateway executable; main() only parses the command line.
#pragma once

#include <iosfwd>
#include <cstdint>
#include <string>
#include <vector>

namespace cwc::gateway {

struct serve_options {
    std::string config_file;
    std::string listen;      // overrides server.listen
    std::string database;    // overrides server.database
    std::string public_url;  // overrides server.public_url
    std::string officers_listen;  // overrides officers.listen
    std::string log_level = "info";
    // After a crash, how long a send whose outcome is unknown waits for its status callback.
    int reconcile_seconds = 10;
    // How long a channel pauses after the provider refused its credentials (0: 5 minutes).
    int credentials_pause_seconds = 0;
    std::string web_dir;  // the officers' desk files ("" = installed or source web/)
};
// Runs until SIGINT/SIGTERM; returns the process exit code.
int run_serve(const serve_options& options);

// Prints every problem with its JSON path; 0 when there are no errors (warnings allowed).
int run_check_config(const std::string& config_file, std::ostream& out);

struct simulate_options {
    std::string config_file;
    std::string database;  // "" = a temporary file removed at exit
    std::string from = "+51900000001";
    std::string channel;   // "" = the first configured channel
};
// A terminal phone: each line typed is an inbound message; the replies are printed.
int run_simulate(const simulate_options& options, std::istream& in, std::ostream& out);

struct outbox_options {
    std::string config_file;
    std::string database;  // overrides server.database
    std::string action;    // "status" or "requeue"
    bool json = false;     // status as JSON
    bool dead = false;     // requeue every dead letter (of `channel` if set)
    std::string channel;
    std::vector<std::int64_t> ids;  // requeue these failed messages
};
// The outbox for an operator: status, or re-queueing dead letters / failed messages.
int run_outbox(const outbox_options& options, std::ostream& out, std::ostream& err);

struct token_options {
    std::string config_file;
    std::string database;  // overrides server.database
    std::string action;    // "create", "list" or "revoke"
    std::string name, role, organisation;  // create
    int days = 0;                          // create: 0 = officers.token_days
    std::string expires_at;                // create: an RFC 3339 time instead of --days
    std::int64_t id = 0;                   // revoke
    bool json = false;
};
// Officers' API tokens: create (printed once), list (never secrets), revoke.
int run_token(const token_options& options, std::ostream& out, std::ostream& err);

struct report_options {
    std::string config_file;
    std::string database;          // overrides server.database
    std::string action;            // "summary" or "export"
    std::string role = "admin";    // whose view: the rules of the officers' API apply
    std::string organisation;      // the officer's organisation (roles bound to one)
    std::string query;             // the API's filters: "type=complaint&from=2026-11-01"
    std::string output;            // "" = stdout
    bool buffered = false;         // export built in memory like the HTTP answer (benchmarks)
};
// Summary figures (JSON) or the CSV/HXL export, as the officers' API gives them.
int run_report(const report_options& options, std::ostream& out, std::ostream& err);

struct broadcast_options {
    std::string config_file;
    std::string database;  // overrides server.database
    std::string action;    // list, show, preview, create, confirm, pause, resume, cancel
    std::int64_t id = 0;   // every action but list and create
    std::string file;          // create: the draft's JSON, as the API's POST body
    std::string organisation;  // create: whose broadcast it is
    std::string actor;         // the audit's "cli:<actor>"; default $USER
};
// Broadcasts for an operator: the officers' API's broadcast actions as an admin, on the database.
int run_broadcast(const broadcast_options& options, std::ostream& out, std::ostream& err);

struct audit_options {
    std::string config_file;
    std::string database;              // overrides server.database
    std::string action;                // "verify", "heads" or "sign"
    std::vector<std::string> anchors;  // verify: "SEQ:HASH" heads an auditor kept
};
// The audit chain: verify it (exit 0 intact, 1 broken, 2 unusable input), print the signed
// heads as JSON lines, or sign the head now.
int run_audit(const audit_options& options, std::ostream& out, std::ostream& err);

struct purge_options {
    std::string config_file;
    std::string database;  // overrides server.database
    bool dry_run = false;  // count only: the transaction is rolled back
};
// The retention purge now (gateway/retention_purge.hpp), counts printed as one JSON line.
int run_purge(const purge_options& options, std::ostream& out, std::ostream& err);

struct status_options {
    std::string config_file;
    std::string database;  // overrides server.database
    bool json = false;     // one JSON object instead of the text
};
// The operations picture (status_command.cpp): exit 1 while an alert condition holds, 0 when
// none does, 2 when the config or the database cannot be used.
int run_status(const status_options& options, std::ostream& out, std::ostream& err);

struct backup_options {
    std::string config_file;
    std::string database;  // overrides server.database
    std::string to;        // a new file (never overwritten)
};
// The online backup while the gateway runs: a 0600 copy, pages, bytes and seconds printed.
int run_backup(const backup_options& options, std::ostream& out, std::ostream& err);

struct restore_options {
    std::string config_file;
    std::string database;  // overrides server.database
    std::string from;      // a file `backup` made
};
// Puts a backup in the database's place: refused while a gateway holds the database or when the
// backup fails integrity_check or audit verification; the replaced file is kept aside.
int run_restore(const restore_options& options, std::ostream& out, std::ostream& err);

}  // namespace cwc::gateway
