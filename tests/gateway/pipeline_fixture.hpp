// A real SQLite store and the example deployment, for tests that push inbound messages through
// process_inbound one transaction at a time, as the store writer would.
#pragma once

#include "config/config.hpp"
#include "gateway/inbound_pipeline.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/gateway/example_config.hpp"
#include "tests/messages/temp_db.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

namespace cwc::gateway::testing {

using messages::testing::raw_db;
using messages::testing::temp_db;

inline const messages::timestamp t0 = messages::from_unix_ms(1'760'000'000'000);

inline messages::inbound_message make_inbound(std::string channel, std::string sid, std::string from,
                                       std::string to, std::string text, messages::timestamp at) {
    messages::inbound_message m;
    m.channel_id = std::move(channel);
    m.provider_message_id = std::move(sid);
    m.from = std::move(from);
    m.to = std::move(to);
    m.text = std::move(text);
    m.received_at = at;
    return m;
}

// A WhatsApp Cloud channel (id "whatsapp") with a Spanish re-engagement template, as the window
// and erasure tests add it to the example deployment.
inline config::channel whatsapp_channel(config::channel_kind kind = config::channel_kind::whatsapp_cloud) {
    config::channel c;
    c.id = "whatsapp";
    c.kind = kind;
    c.address = "+5116409001";
    c.options = {{"phone_number_id", "106540352242922"}};
    c.reengagement_templates = {{"es", {"respuesta_pendiente", "es", ""}}};
    return c;
}

// Scripted randomness: the queued values first, then distinct values of its own.
struct entropy_script {
    std::deque<std::uint64_t> next;
    std::uint64_t counter = 900'000;
    int calls = 0;
    std::uint64_t last = 0;
    std::uint64_t operator()() {
        ++calls;
        if (next.empty()) {
            last = counter++;
        } else {
            last = next.front();
            next.pop_front();
        }
        return last;
    }
};

class pipeline {
  public:
    pipeline() : cfg(gateway::testing::load_example_config()), store(file.path(), "pipeline-key") {}

    // One message as the gateway commits it: one transaction around process_inbound.
    inbound_result send(const std::string& from, const std::string& text, const std::string& sid) {
        now += std::chrono::minutes(1);
        messages::inbound_message m = make_inbound(channel().id, sid, from, channel().address, text, now);
        store.begin();
        auto r = process_inbound(store, cfg, channel(), m, [this] { return entropy(); });
        store.commit();
        return r;
    }
    // Any message (media, parts, WhatsApp ids…) on the example's channel, a minute later.
    inbound_result deliver(messages::inbound_message m) {
        now += std::chrono::minutes(1);
        m.channel_id = channel().id;
        m.received_at = now;
        store.begin();
        auto r = process_inbound(store, cfg, channel(), m, [this] { return entropy(); });
        store.commit();
        return r;
    }
    const config::channel& channel() const { return cfg.channels.front(); }
    std::int64_t count(const std::string& sql) {
        raw_db db{file.path()};
        return db.integer(sql);
    }
    std::int64_t audit_count(const std::string& action) {
        return count("SELECT COUNT(*) FROM audit_log WHERE action = '" + action + "'");
    }

    temp_db file;
    config::config cfg;
    messages::sqlite_store store;
    entropy_script entropy;
    messages::timestamp now = t0;
};

}  // namespace cwc::gateway::testing
