// cwc-gateway: command-line entry point; each sub-command is one run_* of gateway/commands.hpp.
#include "gateway/commands.hpp"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"cwc-gateway — two-way SMS/WhatsApp gateway for communicating with communities"};
    app.require_subcommand(1);

    cwc::gateway::serve_options serve;
    auto* serve_cmd = app.add_subcommand("serve", "Receive webhooks and send replies");
    serve_cmd->add_option("--config", serve.config_file, "JSON configuration file")->required();
    serve_cmd->add_option("--listen", serve.listen, "HOST:PORT for the public webhooks (port 0 = any free port)");
    serve_cmd->add_option("--db", serve.database, "SQLite database file");
    serve_cmd->add_option("--public-url", serve.public_url,
                          "URL the providers call, e.g. https://sms.example.org (signatures are checked against it)");
    serve_cmd->add_option("--officers-listen", serve.officers_listen,
                          "HOST:PORT for the officers' API (port 0 = any free port)");
    serve_cmd->add_option("--log-level", serve.log_level, "debug, info, warn or error")
        ->check(CLI::IsMember({"debug", "info", "warn", "error"}));
    serve_cmd->add_option("--reconcile-seconds", serve.reconcile_seconds,
                          "after a crash, how long an interrupted send waits for its status callback before it is sent again")
        ->check(CLI::Range(0, 86400));
    serve_cmd->add_option("--credentials-pause-seconds", serve.credentials_pause_seconds,
                          "how long a channel pauses when the provider refuses its credentials (default 300)")
        ->check(CLI::Range(0, 86400));
    serve_cmd->add_option("--web-dir", serve.web_dir,
                          "folder of the officers' desk files (default: installed share/cwc-gateway/web, else the source tree's web/)")
        ->check(CLI::ExistingDirectory);

    std::string check_file;
    auto* check_cmd = app.add_subcommand("check-config", "Validate a configuration file");
    check_cmd->add_option("--config", check_file, "JSON configuration file")->required();

    cwc::gateway::simulate_options sim;
    auto* sim_cmd = app.add_subcommand("simulate", "Try the menus from a terminal, as a person would");
    sim_cmd->add_option("--config", sim.config_file, "JSON configuration file")->required();
    sim_cmd->add_option("--db", sim.database, "SQLite file to keep the conversation in (default: temporary)");
    sim_cmd->add_option("--from", sim.from, "the phone number you pretend to be");
    sim_cmd->add_option("--channel", sim.channel, "channel id (default: the first one)");

    cwc::gateway::outbox_options outbox;
    auto* outbox_cmd = app.add_subcommand("outbox", "Inspect the outbox and queue failed messages again");
    outbox_cmd->add_option("--config", outbox.config_file, "JSON configuration file")->required();
    outbox_cmd->add_option("--db", outbox.database, "SQLite database file (default: server.database)");
    outbox_cmd->require_subcommand(1);
    auto* outbox_status = outbox_cmd->add_subcommand("status", "Counts by channel and state, dead letters, possible duplicates");
    outbox_status->add_flag("--json", outbox.json, "print JSON");
    auto* outbox_requeue = outbox_cmd->add_subcommand("requeue", "Queue dead letters (--dead) or failed messages (IDs) again");
    outbox_requeue->add_flag("--dead", outbox.dead, "every dead letter (failed after the last attempt)");
    outbox_requeue->add_option("--channel", outbox.channel, "only this channel's dead letters")->needs("--dead");
    outbox_requeue->add_option("ids", outbox.ids, "outbox ids of failed messages");

    cwc::gateway::token_options token;
    auto* token_cmd = app.add_subcommand("token", "Officers' API tokens: create, list, revoke");
    token_cmd->add_option("--config", token.config_file, "JSON configuration file")->required();
    token_cmd->add_option("--db", token.database, "SQLite database file (default: server.database)");
    token_cmd->require_subcommand(1);
    auto* token_create = token_cmd->add_subcommand("create", "A new token, printed once");
    token_create->add_option("--name", token.name, "the person it is for")->required();
    token_create->add_option("--role", token.role,
                             "admin, aap_officer, protection_focal_point, cbo_broadcaster or auditor")
        ->required();
    token_create->add_option("--organisation", token.organisation, "a configured organisation id")
        ->required();
    auto* days = token_create->add_option("--days", token.days, "lifetime in days (default: officers.token_days)")
                     ->check(CLI::Range(1, 3650));
    token_create->add_option("--expires-at", token.expires_at,
                             "expiry as an RFC 3339 time instead of --days (a past time makes a token "
                             "that is already expired: for tests)")
        ->excludes(days);
    token_create->add_flag("--json", token.json, "print JSON");
    auto* token_list = token_cmd->add_subcommand("list", "Every token: holder, role, state, expiry, last use");
    token_list->add_flag("--json", token.json, "print JSON");
    auto* token_revoke = token_cmd->add_subcommand("revoke", "Revoke a token by id (it stays listed)");
    token_revoke->add_option("id", token.id, "token id")->required();

    cwc::gateway::report_options report;
    auto* report_cmd = app.add_subcommand("report", "Summary figures (JSON) or the CSV/HXL export of cases");
    report_cmd->add_option("--config", report.config_file, "JSON configuration file")->required();
    report_cmd->add_option("--db", report.database, "SQLite database file (default: server.database)");
    report_cmd->add_option("--role", report.role, "whose view (default admin: every organisation, sensitive cases one line)")
        ->check(CLI::IsMember({"admin", "aap_officer", "protection_focal_point", "auditor"}));
    report_cmd->add_option("--organisation", report.organisation, "the organisation of --role (officers, focal points)");
    report_cmd->add_option("--query", report.query, "filters as in the API: type=complaint&region=lima&from=2026-11-01&to=2026-11-30");
    report_cmd->add_option("--output", report.output, "write to this file instead of stdout");
    report_cmd->require_subcommand(1);
    auto* report_summary = report_cmd->add_subcommand("summary", "Counts, times and shares, small cells suppressed");
    auto* report_export = report_cmd->add_subcommand("export", "One CSV row per case (never sensitive), HXL row");
    report_export->add_flag("--buffered", report.buffered, "build the whole file in memory as the HTTP answer does (benchmarks)");

    cwc::gateway::broadcast_options broadcast;
    auto* broadcast_cmd = app.add_subcommand("broadcast", "Campaign broadcasts: list, show, preview, create, confirm, pause, resume, cancel");
    broadcast_cmd->add_option("--config", broadcast.config_file, "JSON configuration file")->required();
    broadcast_cmd->add_option("--db", broadcast.database, "SQLite database file (default: server.database)");
    broadcast_cmd->add_option("--actor", broadcast.actor, "your name in the audit log (default: $USER)");
    broadcast_cmd->require_subcommand(1);
    broadcast_cmd->add_subcommand("list", "The newest 200 broadcasts, every organisation");
    for (const auto* name : {"show", "preview", "confirm", "pause", "resume", "cancel"}) {
        const std::string what = std::string(name) == "show"      ? "A broadcast and its progress"
                                 : std::string(name) == "preview" ? "Audience, cost and duration counted now"
                                 : std::string(name) == "confirm" ? "Plan and queue its messages"
                                                                  : std::string(name) + " it";
        broadcast_cmd->add_subcommand(name, what)->add_option("id", broadcast.id, "broadcast id")->required();
    }
    auto* broadcast_create = broadcast_cmd->add_subcommand("create", "A draft from a JSON file (the API's POST body)");
    broadcast_create->add_option("--file", broadcast.file, "the draft's JSON")->required();
    broadcast_create->add_option("--organisation", broadcast.organisation, "whose broadcast it is")->required();

    cwc::gateway::audit_options audit;
    auto* audit_cmd = app.add_subcommand("audit", "The audit chain: verify it, export its signed heads, sign its head now");
    audit_cmd->add_option("--config", audit.config_file, "JSON configuration file")->required();
    audit_cmd->add_option("--db", audit.database, "SQLite database file (default: server.database)");
    audit_cmd->require_subcommand(1);
    audit_cmd->fallthrough();  // `audit verify --config F` as well as `audit --config F verify`
    audit_cmd->add_subcommand("verify", "Check the chain, every record's digest, the signed heads and the anchors given")
        ->add_option("--anchor", audit.anchors, "SEQ:HASH of a head you kept (repeatable)");
    audit_cmd->add_subcommand("heads", "The signed heads as JSON lines, with the public key");
    audit_cmd->add_subcommand("sign", "Sign the chain's head now (the gateway does it daily)");

    cwc::gateway::purge_options purge;
    auto* purge_cmd = app.add_subcommand("purge", "Apply the retention periods now (the gateway does it daily); prints the counts");
    purge_cmd->add_option("--config", purge.config_file, "JSON configuration file")->required();
    purge_cmd->add_option("--db", purge.database, "SQLite database file (default: server.database)");
    purge_cmd->add_flag("--dry-run", purge.dry_run, "count what would be anonymised, change nothing");

    cwc::gateway::status_options status;
    auto* status_cmd = app.add_subcommand("status", "The operations picture; exit 1 while an alert condition holds");
    status_cmd->add_option("--config", status.config_file, "JSON configuration file")->required();
    status_cmd->add_option("--db", status.database, "SQLite database file (default: server.database)");
    status_cmd->add_flag("--json", status.json, "one JSON object instead of text");

    cwc::gateway::backup_options backup;
    auto* backup_cmd = app.add_subcommand("backup", "Copy the database while the gateway runs (SQLite online backup)");
    backup_cmd->add_option("--config", backup.config_file, "JSON configuration file")->required();
    backup_cmd->add_option("--db", backup.database, "SQLite database file (default: server.database)");
    backup_cmd->add_option("--to", backup.to, "the backup file to create (mode 0600; never overwritten)")->required();

    cwc::gateway::restore_options restore;
    auto* restore_cmd = app.add_subcommand("restore", "Put a backup in the database's place (the gateway stopped)");
    restore_cmd->add_option("--config", restore.config_file, "JSON configuration file")->required();
    restore_cmd->add_option("--db", restore.database, "SQLite database file (default: server.database)");
    restore_cmd->add_option("--from", restore.from, "a file `backup` made")->required();

    CLI11_PARSE(app, argc, argv);
    try {
        if (*serve_cmd) return cwc::gateway::run_serve(serve);
        if (*check_cmd) return cwc::gateway::run_check_config(check_file, std::cout);
        if (*sim_cmd) return cwc::gateway::run_simulate(sim, std::cin, std::cout);
        if (*outbox_cmd) {
            outbox.action = *outbox_status ? "status" : "requeue";
            return cwc::gateway::run_outbox(outbox, std::cout, std::cerr);
        }
        if (*token_cmd) {
            token.action = *token_create ? "create" : *token_list ? "list" : "revoke";
            return cwc::gateway::run_token(token, std::cout, std::cerr);
        }
        if (*broadcast_cmd) {
            broadcast.action = broadcast_cmd->get_subcommands().front()->get_name();
            return cwc::gateway::run_broadcast(broadcast, std::cout, std::cerr);
        }
        if (*audit_cmd) {
            audit.action = audit_cmd->get_subcommands().front()->get_name();
            return cwc::gateway::run_audit(audit, std::cout, std::cerr);
        }
        if (*backup_cmd) return cwc::gateway::run_backup(backup, std::cout, std::cerr);
        if (*restore_cmd) return cwc::gateway::run_restore(restore, std::cout, std::cerr);
        if (*purge_cmd) return cwc::gateway::run_purge(purge, std::cout, std::cerr);
        if (*status_cmd) return cwc::gateway::run_status(status, std::cout, std::cerr);
        if (*report_cmd) {
            report.action = *report_summary ? "summary" : "export";
            return cwc::gateway::run_report(report, std::cout, std::cerr);
        }
    } catch (const std::exception& e) {
        std::cerr << "cwc-gateway: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
