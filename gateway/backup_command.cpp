// `cwc-gateway backup --to FILE` and `restore --from FILE`: the online copy of the store while the
// gateway runs, and its return — only when no gateway holds the database, only a copy that passes
// integrity_check and `audit verify`, and with the file it replaces kept aside.
#include "gateway/audit_signing.hpp"
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/database_lock.hpp"
#include "messages/audit_verification.hpp"
#include "messages/sqlite_backup.hpp"
#include "messages/store.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <ostream>

namespace cwc::gateway {
namespace {

namespace fs = std::filesystem;

std::string utc_stamp() {
    const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &tm);
    return text;
}

// Everything that would make `from` the wrong file to restore, one line each.
std::vector<std::string> restore_problems(const std::string& from, const command_context& c) {
    auto problems = messages::backup_problems(from);
    if (!problems.empty()) return problems;
    // The deployment's audit key (kept apart from the database) vouches for the copy's records.
    const auto keys = load_audit_keys(audit_key_path(c.cfg.server, c.database), false);
    const auto v = messages::verify_audit(from, keys.record_digest_key, keys.public_key, {});
    for (const auto& p : v.problems) problems.push_back("audit: " + p);
    return problems;
}

// The live file and its WAL move aside together (the WAL may hold its newest commits); the
// shared-memory index is rebuilt at the next open.
std::string keep_aside(const std::string& database) {
    if (!fs::exists(database)) return {};
    const auto aside = database + ".before-restore-" + utc_stamp();
    fs::rename(database, aside);
    if (fs::exists(database + "-wal")) fs::rename(database + "-wal", aside + "-wal");
    std::error_code ignored;
    fs::remove(database + "-shm", ignored);
    return aside;
}

}  // namespace

int run_backup(const backup_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "backup", true, err);
    if (!context) return 2;
    if (fs::exists(o.to)) {
        err << "backup: " << o.to
            << " exists; a backup never overwrites a file (rotate it first)\n";
        return 2;
    }
    try {
        const auto started = std::chrono::steady_clock::now();
        const auto copy = messages::backup_database(context->database, o.to);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        out << "backup: " << context->database << " -> " << o.to << "\n"
            << "pages: " << copy.pages << "\n"
            << "bytes: " << copy.bytes << "\n"
            << "seconds: " << took.count() << "\n";
        return 0;
    } catch (const messages::store_error& e) {
        err << "backup: " << e.what() << "\n";
        return 1;
    }
}

int run_restore(const restore_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "restore", false, err);
    if (!context) return 2;
    if (!fs::exists(o.from)) {
        err << "restore: no backup at " << o.from << "\n";
        return 2;
    }
    try {
        std::string holder;
        const auto lock = database_lock::try_take(context->database, holder);
        if (!lock) {
            err << "restore: a gateway is running on " << context->database << " (" << holder
                << "); stop it first\n";
            return 1;
        }
        const auto problems = restore_problems(o.from, *context);
        if (!problems.empty()) {
            err << "restore: " << o.from << " is not restored:\n";
            for (const auto& p : problems) err << "  " << p << "\n";
            return 1;
        }
        // Copied beside the live file first, so the swap itself is two renames on one file system.
        const auto incoming = context->database + ".restoring";
        std::error_code ignored;
        fs::remove(incoming, ignored);
        const auto copy = messages::backup_database(o.from, incoming);
        const auto aside = keep_aside(context->database);
        fs::rename(incoming, context->database);
        out << "restore: " << o.from << " -> " << context->database << " (" << copy.pages
            << " pages, " << copy.bytes << " bytes; integrity and audit chain checked)\n";
        if (!aside.empty()) out << "the previous database is kept at " << aside << "\n";
        return 0;
    } catch (const std::exception& e) {
        err << "restore: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cwc::gateway
