// `cwc-gateway broadcast list|show|preview|create|confirm|pause|resume|cancel`: the broadcast
// desk for an operator at the server, on the database (safe while the gateway runs: SQLite
// WAL; a running dispatcher picks queued rows up within seconds). The operator acts as an
// admin named "cli:<actor>" in the audit. Output is the API's JSON: counts, never a number.
#include "gateway/broadcast_desk.hpp"
#include "gateway/broadcast_json.hpp"
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/store_writer.hpp"
#include "messages/sqlite_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

namespace cwc::gateway {
namespace {

namespace net = boost::asio;
using nlohmann::json;

std::string default_actor() {
    const char* user = std::getenv("USER");
    return user != nullptr && *user != '\0' ? user : "operator";
}

// Exit codes: 0 done, 1 infrastructure, 2 refused (not found, invalid, not allowed).
int refused(const broadcast_result& r, const std::string& action, std::ostream& err) {
    err << "broadcast " << action << ": " << (r.reason.empty() ? "refused" : r.reason) << "\n";
    for (const auto& p : r.problems) err << "  - " << p << "\n";
    return 2;
}

int print(const json& j, std::ostream& out) {
    out << j.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    return out ? 0 : 1;
}

int read_only(const broadcast_options& o, const command_context& c, const messages::officer& who,
              std::ostream& out, std::ostream& err) {
    messages::broadcast_reader reader(c.database);
    const auto now = messages::system_now();
    if (o.action == "list") {
        json items = json::array();
        for (const auto& b : reader.list("", 200, 0)) {
            auto row = broadcast_json(b, who, now);
            row.erase("texts");
            row.erase("templates");
            items.push_back(std::move(row));
        }
        return print(items, out);
    }
    const auto b = reader.load(o.id);
    if (!b) {
        err << "broadcast " << o.action << ": no broadcast " << o.id << "\n";
        return 2;
    }
    if (o.action == "show")
        return print({{"broadcast", broadcast_json(*b, who, now)},
                      {"progress", progress_json(reader.progress(o.id))}},
                     out);
    const auto preview = preview_of(*b, c.cfg, audience_of(reader, c.cfg, *b, now), now);
    return print({{"broadcast", broadcast_json(*b, who, now)}, {"preview", preview_json(preview)}},
                 out);
}

// The writing actions, in a store writer of the command's own (one transaction per unit).
net::awaitable<int> write(const broadcast_options& o, const command_context& c,
                          const messages::officer& who, store_writer& writer, std::ostream& out,
                          std::ostream& err) {
    const auto now = messages::system_now();
    broadcast_result result;
    if (o.action == "confirm") {
        messages::broadcast_reader reader(c.database);
        broadcast_steps steps;
        steps.read = [&reader](broadcast_steps::read_work& work) -> net::awaitable<void> {
            work(reader);
            co_return;
        };
        steps.write = [&writer](broadcast_steps::write_work& work) {
            return writer.run([&work](messages::store& s) { work(s); });
        };
        result = co_await confirm_broadcast(steps, c.cfg, who, o.id, now);
        if (result.outcome != desk_outcome::done || !result.after)
            co_return refused(result, o.action, err);
        co_return print(
            {{"id", o.id}, {"planned", result.after->planned}, {"audience", result.audience}}, out);
    }
    broadcast_draft draft;
    if (o.action == "create") {
        std::ifstream file(o.file, std::ios::binary);
        std::stringstream body;
        body << file.rdbuf();
        if (!file) {
            err << "broadcast create: cannot read " << o.file << "\n";
            co_return 2;
        }
        if (auto bad = read_broadcast_draft(body.str(), draft)) {
            err << "broadcast create: " << o.file << ": " << bad->reason << "\n";
            co_return 2;
        }
        draft.organisation = o.organisation;
    }
    const auto failed = co_await writer.run([&](messages::store& s) {
        if (o.action == "create")
            result = create_broadcast(s, c.cfg, who, draft, now);
        else if (o.action == "pause")
            result = pause_broadcast(s, who, o.id, now);
        else if (o.action == "resume")
            result = resume_broadcast(s, who, o.id, now);
        else
            result = cancel_broadcast(s, who, o.id, now);
    });
    if (failed) std::rethrow_exception(failed);
    if (result.outcome != desk_outcome::done || !result.after)
        co_return refused(result, o.action, err);
    co_return print({{"id", result.after->id},
                     {"status", shown_status(*result.after, now)},
                     {"planned", result.after->planned}},
                    out);
}

}  // namespace

int run_broadcast(const broadcast_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "broadcast", true, err);
    if (!context) return 2;
    const std::string actor = o.actor.empty() ? default_actor() : o.actor;
    const messages::officer who{0, actor, messages::role::admin, o.organisation};
    if (o.action == "list" || o.action == "show" || o.action == "preview")
        return read_only(o, *context, who, out, err);

    // The pseudonym key only names new contacts; a broadcast creates none.
    store_writer writer(std::make_unique<messages::sqlite_store>(context->database, ""));
    net::io_context io;
    int code = 1;
    std::exception_ptr failure;
    net::co_spawn(io, write(o, *context, who, writer, out, err),
                  [&](std::exception_ptr e, int result) {
                      failure = e;
                      code = result;
                  });
    io.run();
    if (failure) std::rethrow_exception(failure);
    return code;
}

}  // namespace cwc::gateway
