// `cwc-gateway purge` on a real store filled through the pipeline: --dry-run changes nothing, a
// purge anonymises what the periods say (texts gone from the file and its WAL), a second purge
// finds nothing, and the report summary is the same figure for figure afterwards.
#include "config/load.hpp"
#include "gateway/commands.hpp"
#include "gateway/retention_purge.hpp"
#include "tests/gateway/complaint_walk.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

const std::string description = "Me pidieron dinero en la frontera de Tumbes";

struct purging : pipeline {
    purging() {
        // The pipeline's clock (t0) is more than a year before today.
        std::ifstream in(std::string(CWC_SOURCE_DIR) + "/config/example.json");
        json doc = json::parse(in);
        doc["retention"] = {{"messages_days", 365}, {"case_days", {{"complaint", 30}}}};
        doc["officers"]["suppression_threshold"] = 1;  // two cases: every figure shown
        config_path = file.path() + ".json";
        std::ofstream(config_path) << doc.dump();
    }
    ~purging() { std::remove(config_path.c_str()); }

    json purge(bool dry_run) {
        std::ostringstream out, err;
        purge_options o{config_path, file.path(), dry_run};
        REQUIRE(run_purge(o, out, err) == 0);
        return json::parse(out.str());
    }
    std::string summary() {
        std::ostringstream out, err;
        report_options o;
        o.config_file = config_path;
        o.database = file.path();
        o.action = "summary";
        REQUIRE(run_report(o, out, err) == 0);
        json figures = json::parse(out.str());
        figures.erase("generated_at");
        return figures.dump();
    }
    std::string config_path;
};

}  // namespace

TEST_CASE("purge: dry run, then the periods applied; the report's figures do not move") {
    purging p;
    int sid = 0;
    const auto old_closed = file_complaint(p, "+51987650001", false, description, sid);
    const auto still_open = file_complaint(p, "+51987650002", false, description, sid);
    // One case closed long ago (its 30 days are over), the other still open.
    p.store.begin();
    auto c = *p.store.load_case(old_closed);
    c.status = "closed";
    c.closed_at = p.now;
    p.store.update_case(c);
    p.store.commit();
    // Their replies went out long ago (a row still waiting to be sent keeps its person's number).
    raw_db{p.file.path()}.exec("UPDATE outbox SET status = 'delivered'");
    const auto before = p.summary();
    CAPTURE(before);
    CHECK(json::parse(before)["by"]["category"][0]["count"] == 2);
    const auto messages = p.count("SELECT COUNT(*) FROM inbound_messages");

    const auto dry = p.purge(true);
    CHECK(dry["dry_run"] == true);
    CHECK(dry["messages"] == messages);  // every message is over a year old
    CHECK(dry["cases"] == 1);
    CHECK(dry["contacts"] == 1);  // the person whose case is closed; the other's is open
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text = ''") == 0);
    CHECK(p.audit_count("record.redacted") == 0);

    const auto done = p.purge(false);
    CHECK(done["messages"] == dry["messages"]);
    CHECK(done["cases"] == 1);
    CHECK(done["contacts"] == 1);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text <> ''") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM cases WHERE description = '' AND reference = '" + old_closed + "'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM cases WHERE description <> '' AND reference = '" + still_open + "'") == 1);
    CHECK(p.audit_count("retention.purged") == 1);
    CHECK(p.audit_count("record.redacted") ==
          done["messages"].get<int>() + done["outbound"].get<int>() + 1 + 1);
    CHECK(p.summary() == before);
    CHECK(messages::testing::found_on_disk(p.file.path(), {"+51987650001", "51987650001"}) == "");

    const auto again = p.purge(false);
    CHECK(again["messages"] == 0);
    CHECK(again["contacts"] == 0);
    CHECK(p.audit_count("retention.purged") == 1);  // nothing to do is not audited
}

TEST_CASE("the daily task purges through the store writer as soon as serve starts") {
    purging p;
    int sid = 0;
    file_complaint(p, "+51987650003", false, description, sid);
    REQUIRE(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text <> ''") > 0);
    auto loaded = config::load_from_file(p.config_path);
    REQUIRE(loaded.value);
    const config::config cfg = std::move(*loaded.value);

    boost::asio::io_context io;
    gateway::store_writer writer(std::make_unique<messages::sqlite_store>(p.file.path(), "key"));
    boost::asio::co_spawn(io, run_retention_purge(writer, cfg), boost::asio::detached);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (p.audit_count("retention.purged") == 0 && std::chrono::steady_clock::now() < deadline)
        io.run_for(20ms);
    io.stop();
    CHECK(p.audit_count("retention.purged") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text <> ''") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM cases WHERE description <> ''") == 1);  // still open
}
