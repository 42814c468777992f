// `cwc-gateway purge`: the retention purge now, on the database, in one transaction — the same
// steps the daily task runs — printing the counts as one JSON line; --dry-run rolls it back.
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/retention_purge.hpp"
#include "messages/sqlite_store.hpp"

#include <ostream>

namespace cwc::gateway {

int run_purge(const purge_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "purge", true, err);
    if (!context) return 2;
    try {
        messages::sqlite_store store(context->database, "");
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
    } catch (const messages::store_error& e) {
        err << "purge: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace cwc::gateway
