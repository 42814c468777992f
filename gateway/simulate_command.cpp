// `cwc-gateway simulate`: a terminal phone for trying the menus before going live. Each typed
// line goes through the same pipeline as a real webhook (handlers, store, outbox), without a
// provider; the replies that would be sent are printed. Commands start with '/'.
#include "config/load.hpp"
#include "gateway/commands.hpp"
#include "gateway/inbound_pipeline.hpp"
#include "messages/sqlite_store.hpp"

#include <openssl/rand.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>

namespace cwc::gateway {

namespace {

const char* simulator_help =
    "  /wait MINUTES   let time pass (e.g. to see an idle conversation restart)\n"
    "  /from NUMBER    continue as another phone number\n"
    "  /quit           leave (Ctrl-D works too)\n";

std::string temporary_db() {
    auto dir = std::filesystem::temp_directory_path();
    std::random_device rd;
    return (dir / ("cwc-simulate-" + std::to_string(rd()) + ".db")).string();
}

void remove_db_files(const std::string& path) {
    std::error_code ec;
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix, ec);
}

}  // namespace

int run_simulate(const simulate_options& options, std::istream& in, std::ostream& out) {
    auto loaded = config::load_from_file(options.config_file);
    if (!loaded.value) {
        for (const auto& e : loaded.errors) out << "config error: " << config::to_string(e) << "\n";
        return 2;
    }
    const auto& cfg = *loaded.value;
    const config::channel* channel = options.channel.empty() ? &cfg.channels.front()
                                                             : cfg.find_channel(options.channel);
    if (!channel) {
        out << "no channel '" << options.channel << "' in " << options.config_file << "\n";
        return 2;
    }
    const bool temporary = options.database.empty();
    const auto db_path = temporary ? temporary_db() : options.database;
    std::random_device rd;
    std::mt19937_64 rng{(static_cast<std::uint64_t>(rd()) << 32) ^ rd()};
    auto store = messages::open_sqlite_store(db_path, "simulator-" + std::to_string(rng()));

    std::string from = options.from;
    auto clock_offset = std::chrono::milliseconds(0);
    out << "cwc-gateway simulator: you are " << from << " texting channel '" << channel->id
        << "'. Type as a person would.\n" << simulator_help;
    std::string line;
    for (int n = 1; (out << "> " << std::flush) && std::getline(in, line); ++n) {
        if (line == "/quit") break;
        if (line.rfind("/wait ", 0) == 0) {
            clock_offset += std::chrono::minutes(std::atoi(line.c_str() + 6));
            out << "  (" << std::chrono::duration_cast<std::chrono::minutes>(clock_offset).count()
                << " minutes have passed)\n";
            continue;
        }
        if (line.rfind("/from ", 0) == 0) {
            from = line.substr(6);
            out << "  (you are now " << from << ")\n";
            continue;
        }
        if (!line.empty() && line[0] == '/') {
            out << simulator_help;
            continue;
        }
        messages::inbound_message m;
        m.channel_id = channel->id;
        m.provider_message_id = "SIM" + std::to_string(n) + "-" + std::to_string(rng());
        m.from = from;
        m.to = channel->address;
        m.text = line;
        m.received_at = messages::system_now() + clock_offset;
        store->begin();
        auto result = process_inbound(*store, cfg, *channel, m, [&rng] { return rng(); });
        store->commit();
        for (const auto& reply : result.replies) out << "\n" << reply << "\n";
        if (!result.case_reference.empty()) out << "  (case " << result.case_reference << " opened)\n";
        out << "\n";
    }
    store.reset();
    if (temporary) remove_db_files(db_path);
    return 0;
}

}  // namespace cwc::gateway
