// Completion of broadcasts on a real SQLite file: a sending broadcast becomes completed once no
// row can still be sent (queued, sending, unknown or paused), with its time and an audit entry;
// other statuses never; and the periodic check on a real store writer finds it by itself.
#include "gateway/broadcast_completion.hpp"

#include "messages/broadcast_reader.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <chrono>
#include <string>

using namespace cwc;
using namespace std::chrono_literals;
using messages::broadcast_status;
using messages::testing::raw_db;
using messages::testing::temp_db;

namespace {

const messages::timestamp t0 = messages::from_unix_ms(1'794'787'200'000);

std::int64_t add_broadcast(messages::store& s, broadcast_status status) {
    messages::broadcast b;
    b.organisation = "red_cbo";
    b.name = "Brigada";
    b.segment.topics = {"health"};
    b.texts = {{"es", "Brigada de salud"}};
    b.status = status;
    b.planned = 2;
    b.created_at = t0;
    return s.broadcasts().create(b);
}

std::int64_t add_row(messages::store& s, std::int64_t broadcast_id, int person) {
    const auto c = s.find_or_create_contact("+5198722" + std::to_string(1000 + person), t0);
    messages::outbound_message m;
    m.contact_id = c.id;
    m.channel_id = "sms";
    m.to = c.address;
    m.text = "Brigada de salud";
    m.priority = messages::outbound_priority::broadcast;
    m.solicited = false;
    m.created_at = t0;
    m.broadcast_id = broadcast_id;
    return s.enqueue(m);
}

void set_row(const temp_db& file, std::int64_t row, const std::string& status) {
    raw_db{file.path()}.exec("UPDATE outbox SET status = '" + status + "' WHERE id = " + std::to_string(row));
}

}  // namespace

TEST_CASE("a sending broadcast completes once none of its rows can still be sent") {
    temp_db file;
    messages::sqlite_store s{file.path(), "key"};
    const auto id = add_broadcast(s, broadcast_status::sending);
    const auto a = add_row(s, id, 1), b = add_row(s, id, 2);
    messages::broadcast_reader reader{file.path()};
    CHECK(reader.sending() == std::vector<std::int64_t>{id});
    for (const char* waiting : {"queued", "sending", "unknown", "paused"}) {
        INFO(waiting);
        set_row(file, b, waiting);
        CHECK_FALSE(gateway::complete_if_finished(s, id, t0 + 1h));
    }
    set_row(file, a, "delivered");
    set_row(file, b, "cancelled");
    CHECK(gateway::complete_if_finished(s, id, t0 + 2h));
    const auto done = s.broadcasts().load(id).value();
    CHECK(done.status == broadcast_status::completed);
    CHECK(done.finished_at == t0 + 2h);
    CHECK_FALSE(gateway::complete_if_finished(s, id, t0 + 3h));  // once
    CHECK(s.broadcasts().load(id)->finished_at == t0 + 2h);
    CHECK(reader.sending().empty());
    raw_db raw{file.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'broadcast.completed' AND actor = 'system' "
                      "AND subject = 'broadcast:" + std::to_string(id) + "'") == 1);

    // Drafts, paused and cancelled broadcasts are not completed, rows or none.
    for (const auto status : {broadcast_status::draft, broadcast_status::paused, broadcast_status::cancelled}) {
        const auto other = add_broadcast(s, status);
        CHECK_FALSE(gateway::complete_if_finished(s, other, t0));
        CHECK(s.broadcasts().load(other)->status == status);
    }
    CHECK_FALSE(gateway::complete_if_finished(s, id + 100, t0));  // no such broadcast
}

TEST_CASE("the periodic check completes a finished broadcast through the store writer") {
    temp_db file;
    std::int64_t finished = 0, running = 0;
    {
        messages::sqlite_store s{file.path(), "key"};
        finished = add_broadcast(s, broadcast_status::sending);
        running = add_broadcast(s, broadcast_status::sending);
        set_row(file, add_row(s, finished, 1), "sent");
        add_row(s, running, 2);
    }
    // The io_context outlives the writer: a unit still queued completes onto it.
    boost::asio::io_context io;
    gateway::store_writer writer(std::make_unique<messages::sqlite_store>(file.path(), "key"));
    boost::asio::co_spawn(io, gateway::run_broadcast_completion(writer, file.path(), 1s), boost::asio::detached);
    raw_db raw{file.path()};
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    std::string status;
    while (status != "completed" && std::chrono::steady_clock::now() < deadline) {
        io.run_for(20ms);
        status = raw.text("SELECT status FROM broadcasts WHERE id = " + std::to_string(finished));
    }
    CHECK(status == "completed");
    CHECK(raw.text("SELECT status FROM broadcasts WHERE id = " + std::to_string(running)) == "sending");
    io.stop();
}
