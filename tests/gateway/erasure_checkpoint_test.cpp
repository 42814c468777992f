// The WAL checkpoint after an erasure, when a reader held it back: the periodic retry (as serve
// runs it, through the store writer) takes the erased number and texts out of the -wal file once
// the reader has ended, with no message or other write coming in meanwhile.
#include "gateway/retention_purge.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <filesystem>

using namespace cwc;
using namespace cwc::messages::testing;
using namespace std::chrono_literals;

namespace {

const std::string number = "+51987650777";

template <typename Unit>
void run_unit(boost::asio::io_context& io, gateway::store_writer& writer, Unit unit) {
    bool done = false;
    boost::asio::co_spawn(io, [&]() -> boost::asio::awaitable<void> {
        auto failure = co_await writer.run(unit);
        CHECK_FALSE(failure);
        done = true;
    }, boost::asio::detached);
    while (!done) {
        io.restart();  // run out of work after the last unit: runnable again
        io.run_for(10ms);
    }
}

}  // namespace

TEST_CASE("a checkpoint a reader held back is retried on a timer: the bytes leave the WAL with no new write") {
    temp_db file;
    boost::asio::io_context io;
    gateway::store_writer writer(std::make_unique<messages::sqlite_store>(file.path(), "key"));
    footprint ana;
    run_unit(io, writer, [&](messages::store& s) {
        ana = write_footprint(dynamic_cast<messages::sqlite_store&>(s), number, "ana", erasure_t0);
    });
    raw_db reader{file.path()};
    reader.exec("BEGIN");
    REQUIRE(reader.integer("SELECT COUNT(*) FROM contacts") == 1);  // a snapshot on the WAL

    run_unit(io, writer, [&](messages::store& s) {
        s.erasure().erase_contact(ana.contact_id, "system", "erasure_request", erasure_t0);
    });
    CHECK(found_on_disk(file.path(), number_forms(number)) != "");  // held back by the reader
    reader.exec("COMMIT");
    const auto audited = reader.integer("SELECT COUNT(*) FROM audit_log");

    // Nothing else is written from here: only the retry timer runs.
    boost::asio::co_spawn(io, gateway::run_checkpoint_retries(writer, 100ms), boost::asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (found_on_disk(file.path(), number_forms(number)) != "" &&
           std::chrono::steady_clock::now() < deadline) {
        io.restart();
        io.run_for(50ms);
    }
    io.stop();
    CHECK(found_on_disk(file.path(), number_forms(number)) == "");
    CHECK(found_on_disk(file.path(), {"queja ana", "respuesta ana", "VOICE-BYTES-ana"}) == "");
    CHECK(std::filesystem::file_size(file.path() + "-wal") == 0);  // TRUNCATE: the WAL emptied
    CHECK(reader.integer("SELECT COUNT(*) FROM audit_log") == audited);
}
