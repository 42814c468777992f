// The store writer alone, without HTTP: first-contact messages as the Twilio adapter reads them
// (own MessageSid and sender, the three bodies of make_requests.js) go through process_inbound
// on a store_writer with CONCURRENCY units in flight, as 64 wrk connections would keep them.
// Usage: writer_bench [CONFIG [MESSAGES [CONCURRENCY [DB [savepoints]]]]]
// Prints the CPU time of the writer and sync threads and the bytes written per message: the
// serial part of the inbound path, measured far more steadily than msg/s on a shared machine.
// Built by hand against a Release build B (not part of the product):
//   c++ -O3 -DNDEBUG -std=gnu++20 -DBOOST_ASIO_SEPARATE_COMPILATION -DBOOST_BEAST_SEPARATE_COMPILATION
//       -DBOOST_URL_DYN_LINK -DBOOST_URL_NO_LIB -DFMT_SHARED -DSPDLOG_COMPILED_LIB
//       -DSPDLOG_FMT_EXTERNAL -DSPDLOG_SHARED_LIB -I. bench/writer_bench.cpp -o writer_bench
//       B/gateway/libcwc_gateway.a B/handlers/libcwc_handlers.a B/messages/libcwc_messages.a
//       -lsqlite3 B/config/libcwc_config.a -lboost_url -lssl -lcrypto -lspdlog -lfmt -ldate-tz
//       -lpthread
#include "config/load.hpp"
#include "gateway/inbound_pipeline.hpp"
#include "gateway/store_writer.hpp"
#include "messages/audit_keys.hpp"
#include "messages/sqlite_store.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <sstream>
#include <string>

namespace {

// utime+stime ticks per thread name, from /proc/self/task/*/stat.
double thread_seconds(const std::string& name) {
    double ticks = 0;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
        std::ifstream f(task.path() / "stat");
        std::string line;
        std::getline(f, line);
        const auto open = line.find('('), close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        if (line.substr(open + 1, close - open - 1) != name) continue;
        std::istringstream rest(line.substr(close + 2));
        std::string field;
        for (int i = 3; i <= 15 && rest >> field; ++i)
            if (i == 14 || i == 15) ticks += std::stod(field);
    }
    return ticks / 100.0;
}

std::string sender(std::uint64_t i) {
    const auto n = (i * 7919 + 31415926) % 100000000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "+519%08llu", static_cast<unsigned long long>(n));
    return buf;
}

// Bytes this process caused to be written to storage so far (/proc/self/io).
double written_bytes() {
    std::ifstream io("/proc/self/io");
    std::string key;
    double value = 0;
    while (io >> key >> value) {
        if (key == "write_bytes:") return value;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string config_file = argc > 1 ? argv[1] : "config/example.json";
    const std::size_t count = argc > 2 ? std::stoul(argv[2]) : 50000;
    const std::size_t concurrency = argc > 3 ? std::stoul(argv[3]) : 64;
    const std::string db = argc > 4 ? argv[4] : "/tmp/cwc-writer-bench.db";
    // As the webhook service submits them (replayable), or each in its own savepoint.
    const auto replay = argc > 5 && std::string(argv[5]) == "savepoints"
                            ? cwc::gateway::store_writer::replay::never
                            : cwc::gateway::store_writer::replay::allowed;
    for (const char* s : {"", "-wal", "-shm"}) std::filesystem::remove(db + s);

    auto loaded = cwc::config::load_from_file(config_file);
    if (!loaded.value) {
        std::fprintf(stderr, "config errors in %s\n", config_file.c_str());
        return 2;
    }
    const auto& cfg = *loaded.value;
    const auto& channel = cfg.channels.front();
    const char* bodies[] = {"hola", "1",
                            "Hola, buenas tardes. Necesito información sobre los documentos para "
                            "mi familia, por favor. Gracias"};
    std::mt19937_64 rng{42};          // message ids: under the mutex
    std::mt19937_64 references{7};    // case references: the writer thread only
    auto entropy = [&references] { return references(); };

    std::mutex m;
    std::condition_variable cv;
    std::size_t submitted = 0, completed = 0, failed = 0;
    {
        // With record digests and sealed addresses, as serve writes: one HMAC per message and per
        // reply, a blind index and AES-GCM per number.
        cwc::gateway::store_writer writer(cwc::messages::open_sqlite_store(
            db, "bench-key", cwc::messages::derive_audit_keys("bench-audit-secret").record_digest_key,
            "bench-address-key"));
        std::function<void()> submit_one;
        submit_one = [&] {
            const auto i = submitted++;
            cwc::messages::inbound_message msg;
            msg.channel_id = channel.id;
            char sid[40];
            std::snprintf(sid, sizeof sid, "SM%016llx%016llx", static_cast<unsigned long long>(rng()),
                          static_cast<unsigned long long>(rng()));
            msg.provider_message_id = sid;
            msg.from = sender(i);
            msg.to = "+15005550006";
            msg.text = bodies[i % 3];
            msg.received_at = cwc::messages::system_now();
            writer.submit(
                [msg = std::move(msg), &cfg, &channel, &entropy](cwc::messages::store& s) {
                    auto r = cwc::gateway::process_inbound(s, cfg, channel, msg, entropy);
                    if (r.replies.size() != 2) throw std::runtime_error("expected two replies");
                },
                [&](std::exception_ptr e) {
                    std::lock_guard lock(m);
                    ++completed;
                    if (e) ++failed;
                    if (submitted < count) submit_one();
                    cv.notify_all();
                },
                replay);
        };
        const auto t0 = std::chrono::steady_clock::now();
        const double w0 = thread_seconds("store-writer"), s0 = thread_seconds("store-sync");
        const double b0 = written_bytes();
        {
            std::lock_guard lock(m);
            while (submitted < std::min(concurrency, count)) submit_one();
        }
        {
            std::unique_lock lock(m);
            cv.wait(lock, [&] { return completed == count; });
        }
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        const double w = thread_seconds("store-writer") - w0, s = thread_seconds("store-sync") - s0;
        const double written = written_bytes() - b0;
        std::printf("RESULT messages=%zu failed=%zu concurrency=%zu seconds=%.2f msg_per_s=%.0f "
                    "writer_us_per_msg=%.1f writer_busy=%.2f sync_us_per_msg=%.1f bytes_per_msg=%.0f "
                    "commits=%zu%s\n",
                    count, failed, concurrency, secs, static_cast<double>(count) / secs,
                    w / static_cast<double>(count) * 1e6, w / secs,
                    s / static_cast<double>(count) * 1e6, written / static_cast<double>(count),
                    writer.commits(),
                    replay == cwc::gateway::store_writer::replay::never ? " savepoints" : "");
    }
    return failed == 0 ? 0 : 1;
}
