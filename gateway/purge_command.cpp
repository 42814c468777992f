// `cwc-gateway purge`: the retention purge now, on the database, in one transaction — the same
// steps the daily task runs — printing the counts as one JSON line; --dry-run rolls it back.
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/key_file.hpp"
#include "gateway/retention_purge.hpp"
#include "messages/sqlite_store.hpp"

#include <filesystem>
#include <ostream>

namespace cwc::gateway {

int run_purge(const purge_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "purge", true, err);
    if (!context) return 2;
    try {
        messages::sqlite_store store(context->database, "");
        // Erasing a person's parts of long SMS and raw webhooks needs their number opened (a
        // database whose numbers are sealed and no key file: the store says so and nothing runs).
        const auto key_file = address_key_path(context->cfg.server, context->database);
        if (std::filesystem::exists(key_file))
            store.set_address_key(
                load_deployment_key(key_file, "address key (server.address_key_file)", false));
        store.begin();
        const auto totals = purge_all(store, context->cfg, "operator", messages::system_now());
        if (o.dry_run) {
            store.rollback();
        } else {
            store.commit();  // checkpoints the WAL: the erased bytes leave both files
        }
        auto line = counts_json(totals.counts);
        line["held_erasures_run"] = totals.erasures_run;
        line["dry_run"] = o.dry_run;
        out << line.dump() << "\n";
        return 0;
    } catch (const std::exception& e) {  // store_error, or the key file
        err << "purge: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cwc::gateway
