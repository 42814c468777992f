// Group commit on the store writer thread, on a real SQLite file: units from many threads, many
// units per COMMIT, a failing unit undone alone, completions only once the data is durable and
// visible to another connection, the coroutine form, and draining on destruction.
#include "gateway/store_writer.hpp"

#include "messages/sqlite_store.hpp"
#include "tests/gateway/example_config.hpp"
#include "tests/messages/temp_db.hpp"

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace cwc;
using gateway::store_writer;
using gateway::testing::completions;
using gateway::testing::gate;
using gateway::testing::what_of;
using messages::testing::raw_db;
using messages::testing::temp_db;

namespace net = boost::asio;

namespace {

const messages::timestamp t0 = messages::from_unix_ms(1'760'000'000'000);

std::unique_ptr<messages::store> open_store(const temp_db& file) {
    return std::make_unique<messages::sqlite_store>(file.path(), "writer-test-key");
}

std::string address(int n) {
    return "+5190" + std::to_string(1000000 + n);
}

// A unit with a visible effect: one contact row per address.
store_writer::unit add_contact(std::string addr) {
    return [addr = std::move(addr)](messages::store& s) { s.find_or_create_contact(addr, t0); };
}

std::int64_t contacts_with(raw_db& db, const std::string& addr) {
    return db.integer("SELECT COUNT(*) FROM contacts WHERE address = '" + addr + "'");
}

}  // namespace

TEST_CASE("units queued from several threads all complete, each written once") {
    temp_db file;
    completions done;
    constexpr int threads = 4, per_thread = 50;
    {
        store_writer writer(open_store(file));
        std::vector<std::thread> producers;
        for (int t = 0; t < threads; ++t) {
            producers.emplace_back([&, t] {
                for (int i = 0; i < per_thread; ++i) {
                    writer.submit(add_contact(address(t * per_thread + i)),
                                  [&](std::exception_ptr e) { done.add(e); });
                }
            });
        }
        for (auto& p : producers) p.join();
        REQUIRE(done.wait_for(threads * per_thread));
        CHECK(done.failures() == 0);
        CHECK(writer.commits() >= 1);
        CHECK(writer.commits() <= threads * per_thread);
    }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM contacts") == threads * per_thread);
    CHECK(db.integer("SELECT COUNT(DISTINCT address) FROM contacts") == threads * per_thread);
}

TEST_CASE("units queued while a transaction is open share the next commit") {
    struct row {
        std::size_t max_batch;
        std::size_t expected_commits;  // the slow first unit's, then ceil(200 / max_batch)
    };
    const row rows[] = {{1024, 2}, {50, 5}, {64, 5}};
    for (const auto& r : rows) {
        CAPTURE(r.max_batch);
        temp_db file;
        completions done;
        gate slow;
        std::atomic<int> hook_calls{0};
        {
            store_writer writer(open_store(file), r.max_batch);
            writer.on_outbox_grew([&] { ++hook_calls; });
            writer.submit(
                [&](messages::store& s) {
                    s.find_or_create_contact(address(0), t0);
                    slow.enter_and_wait();
                },
                [&](std::exception_ptr e) { done.add(e); });
            REQUIRE(slow.wait_entered());
            for (int i = 1; i <= 200; ++i) {
                writer.submit(add_contact(address(i)), [&](std::exception_ptr e) { done.add(e); });
            }
            slow.open();
            REQUIRE(done.wait_for(201));
            CHECK(done.failures() == 0);
            CHECK(writer.commits() == r.expected_commits);
        }
        // Only contacts were written: the dispatcher has nothing new to send, so no wake-up.
        CHECK(hook_calls.load() == 0);
        raw_db db{file.path()};
        CHECK(db.integer("SELECT COUNT(*) FROM contacts") == 201);
    }
}

TEST_CASE("with a poster, the completions a sync made durable are handed over in one piece") {
    temp_db file;
    completions done;
    gate slow;
    std::atomic<int> posts{0};
    thread_local bool inside_poster = false;
    std::atomic<int> completed_inside{0};
    {
        store_writer writer(open_store(file));
        writer.complete_through([&](std::function<void()> f) {
            ++posts;
            inside_poster = true;
            f();
            inside_poster = false;
        });
        writer.submit(
            [&](messages::store& s) {
                s.find_or_create_contact(address(0), t0);
                slow.enter_and_wait();
            },
            [&](std::exception_ptr e) {
                if (inside_poster) ++completed_inside;
                done.add(e);
            });
        REQUIRE(slow.wait_entered());
        for (int i = 1; i <= 100; ++i) {
            writer.submit(add_contact(address(i)), [&](std::exception_ptr e) {
                if (inside_poster) ++completed_inside;
                done.add(e);
            });
        }
        slow.open();
        REQUIRE(done.wait_for(101));
        CHECK(done.failures() == 0);
        CHECK(completed_inside.load() == 101);  // every completion ran through the poster
        // At most one hand-over per commit (the slow unit's, then the 100 queued behind it).
        CHECK(posts.load() >= 1);
        CHECK(posts.load() <= static_cast<int>(writer.commits()));
    }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM contacts") == 101);
}

TEST_CASE("the dispatcher is woken after commits that queued messages, and only after those") {
    temp_db file;
    std::atomic<int> wakes{0};
    {
        store_writer writer(open_store(file));
        writer.on_outbox_grew([&] { ++wakes; });
        completions done;
        auto finish = [&](std::exception_ptr e) { done.add(e); };
        writer.submit(add_contact(address(1)), finish);
        REQUIRE(done.wait_for(1));
        CHECK(wakes.load() == 0);  // a claim or a status update must not wake it: it would spin

        writer.submit(
            [](messages::store& s) {
                auto c = s.find_or_create_contact(address(2), t0);
                messages::outbound_message m;
                m.contact_id = c.id;
                m.channel_id = "sms";
                m.to = c.address;
                m.text = "hola";
                m.created_at = t0;
                s.enqueue(m);
            },
            finish);
        REQUIRE(done.wait_for(2));
        for (int i = 0; i < 200 && wakes.load() == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        CHECK(wakes.load() == 1);

        writer.submit([](messages::store& s) { s.claim_due("sms", t0 + std::chrono::hours(1), 10, messages::outbound_priority::broadcast); },
                      finish);
        REQUIRE(done.wait_for(3));
    }
    CHECK(wakes.load() == 1);
}

TEST_CASE("a unit that throws is undone alone and gets its exception; the others commit") {
    temp_db file;
    completions first, good_a, bad, good_c;
    gate slow;
    {
        store_writer writer(open_store(file));
        writer.submit([&](messages::store&) { slow.enter_and_wait(); },
                      [&](std::exception_ptr e) { first.add(e); });
        REQUIRE(slow.wait_entered());
        const auto audit = [](std::string action) {
            return messages::audit_entry{t0, "system", std::move(action), "test", "{}"};
        };
        writer.submit(
            [&](messages::store& s) {
                s.find_or_create_contact(address(1), t0);
                s.append_audit(audit("a.done"));
            },
            [&](std::exception_ptr e) { good_a.add(e); });
        writer.submit(
            [&](messages::store& s) {
                s.find_or_create_contact(address(2), t0);
                s.append_audit(audit("b.done"));
                throw std::runtime_error("unit b refuses");
            },
            [&](std::exception_ptr e) { bad.add(e); });
        writer.submit(
            [&](messages::store& s) {
                s.find_or_create_contact(address(3), t0);
                s.append_audit(audit("c.done"));
            },
            [&](std::exception_ptr e) { good_c.add(e); });
        slow.open();
        REQUIRE(good_c.wait_for(1));
        REQUIRE(bad.wait_for(1));
        REQUIRE(good_a.wait_for(1));
        CHECK(good_a.failures() == 0);
        CHECK(good_c.failures() == 0);
        CHECK(what_of(bad.results().front()) == "unit b refuses");
        CHECK(writer.commits() == 2);  // a, b and c shared one transaction
    }
    raw_db db{file.path()};
    CHECK(contacts_with(db, address(1)) == 1);
    CHECK(contacts_with(db, address(2)) == 0);
    CHECK(contacts_with(db, address(3)) == 1);
    CHECK(
        db.text(
            "SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log ORDER BY seq)") ==
        "a.done,c.done");
    // The rolled-back entry left no gap in the chain: c links to a.
    messages::sqlite_store check{file.path(), "writer-test-key"};
    CHECK_FALSE(check.verify_audit_chain().has_value());
}

TEST_CASE("replayable units: a failing one is undone alone, those before it in its group run again") {
    using replay = store_writer::replay;
    struct row {
        const char* name;
        std::vector<bool> replayable;  // per unit, in queue order
        std::size_t failing;           // index of the unit that throws
        std::vector<int> runs;         // how often each unit ran
    };
    const row rows[] = {
        // The group began the transaction: ROLLBACK, then unit 0 again in its own savepoint.
        {"group at the start", {true, true, true}, 1, {2, 1, 1}},
        {"first unit fails", {true, true}, 0, {1, 1}},
        // Unit 0 is committed work outside the group: the group has a savepoint, and only
        // the group's own units run again.
        {"group after a one-off unit", {false, true, true, true}, 3, {1, 2, 2, 1}},
        // A one-off unit closes the group before it; the failing group is the later one.
        {"two groups", {true, false, true, true, true}, 3, {1, 1, 2, 1, 1}},
        {"a one-off unit fails", {true, false, true}, 1, {1, 1, 1}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        temp_db file;
        completions first, done;
        gate slow;
        const std::size_t n = r.replayable.size();
        std::vector<std::atomic<int>> runs(n);
        std::vector<std::exception_ptr> results(n);
        {
            store_writer writer(open_store(file));
            writer.submit([&](messages::store&) { slow.enter_and_wait(); },
                          [&](std::exception_ptr e) { first.add(e); });
            REQUIRE(slow.wait_entered());  // everything below is queued into one batch
            for (std::size_t i = 0; i < n; ++i) {
                writer.submit(
                    [&, i](messages::store& s) {
                        ++runs[i];
                        s.find_or_create_contact(address(static_cast<int>(i)), t0);
                        s.append_audit({t0, "system", "unit." + std::to_string(i), "test", "{}"});
                        if (i == r.failing) throw std::runtime_error("unit refuses");
                    },
                    [&, i](std::exception_ptr e) {
                        results[i] = e;
                        done.add(e);
                    },
                    r.replayable[i] ? replay::allowed : replay::never);
            }
            slow.open();
            REQUIRE(done.wait_for(n));
            CHECK(done.failures() == 1);
            CHECK(writer.commits() == 2);  // the slow unit's, then the whole batch's
        }
        raw_db db{file.path()};
        std::string expected_actions;
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(i);
            CHECK(runs[i].load() == r.runs[i]);
            CHECK(contacts_with(db, address(static_cast<int>(i))) == (i == r.failing ? 0 : 1));
            CHECK(static_cast<bool>(results[i]) == (i == r.failing));
            if (i != r.failing)
                expected_actions += (expected_actions.empty() ? "" : ",") + ("unit." + std::to_string(i));
        }
        // Each unit's entry once, in queue order, and the chain intact.
        CHECK(db.text("SELECT group_concat(action, ',') FROM (SELECT action FROM audit_log ORDER BY seq)") ==
              expected_actions);
        messages::sqlite_store check{file.path(), "writer-test-key"};
        CHECK_FALSE(check.verify_audit_chain().has_value());
    }
}

TEST_CASE("a completion runs only when another connection already sees the unit's data") {
    temp_db file;
    completions done;
    gate slow;
    std::mutex seen_mutex;
    std::vector<std::int64_t> seen;  // rows of the unit's own address, read in its completion
    {
        store_writer writer(open_store(file));
        writer.submit([&](messages::store&) { slow.enter_and_wait(); },
                      [&](std::exception_ptr e) { done.add(e); });
        REQUIRE(slow.wait_entered());
        for (int i = 1; i <= 10; ++i) {
            writer.submit(add_contact(address(i)), [&, i](std::exception_ptr e) {
                raw_db other{file.path()};
                std::lock_guard lock(seen_mutex);
                seen.push_back(contacts_with(other, address(i)));
                // Later units of the same batch are committed too: one COMMIT for all.
                seen.push_back(contacts_with(other, address(10)));
                done.add(e);
            });
        }
        slow.open();
        REQUIRE(done.wait_for(11));
        CHECK(done.failures() == 0);
    }
    std::lock_guard lock(seen_mutex);
    REQUIRE(seen.size() == 20);
    for (auto n : seen) CHECK(n == 1);
}

TEST_CASE("a store that refuses writes fails every unit and writes nothing") {
    temp_db file;
    { messages::sqlite_store create{file.path(), "writer-test-key"}; }
    completions done;
    {
        store_writer writer(std::make_unique<messages::sqlite_store>(
            file.path(), "writer-test-key", messages::sqlite_access::read_only));
        for (int i = 0; i < 3; ++i) {
            writer.submit(add_contact(address(i)), [&](std::exception_ptr e) { done.add(e); });
        }
        REQUIRE(done.wait_for(3));
        CHECK(done.failures() == 3);
        for (const auto& e : done.results())
            CHECK_THROWS_AS(std::rethrow_exception(e), messages::store_error);
    }
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM contacts") == 0);
}

namespace {

struct coroutine_report {
    std::thread::id unit_thread;
    std::thread::id resumed_after_success;
    std::thread::id resumed_after_failure;
    std::exception_ptr success{std::make_exception_ptr(std::logic_error("not run"))};
    std::exception_ptr failure;
    bool finished = false;
};

net::awaitable<void> two_units(store_writer& writer, coroutine_report& out) {
    out.success = co_await writer.run([&out](messages::store& s) {
        out.unit_thread = std::this_thread::get_id();
        s.find_or_create_contact(address(1), t0);
    });
    out.resumed_after_success = std::this_thread::get_id();
    out.failure = co_await writer.run([](messages::store& s) {
        s.find_or_create_contact(address(2), t0);
        throw std::runtime_error("refused in a coroutine");
    });
    out.resumed_after_failure = std::this_thread::get_id();
    out.finished = true;
}

}  // namespace

TEST_CASE("run() from a coroutine resumes on the io_context's thread with the unit's outcome") {
    temp_db file;
    coroutine_report report;
    std::thread::id io_thread;
    {
        net::io_context io;  // outlives the writer, whose completions are posted to it
        store_writer writer(open_store(file));
        net::co_spawn(io, two_units(writer, report), net::detached);
        // Nothing else keeps this io_context busy while the unit is on the writer thread.
        std::thread runner([&] {
            io_thread = std::this_thread::get_id();
            io.run_for(std::chrono::seconds(10));
        });
        runner.join();
    }
    REQUIRE(report.finished);
    CHECK_FALSE(report.success);
    CHECK(what_of(report.failure) == "refused in a coroutine");
    CHECK(report.resumed_after_success == io_thread);
    CHECK(report.resumed_after_failure == io_thread);
    CHECK(report.unit_thread != io_thread);  // the unit itself ran on the writer thread
    raw_db db{file.path()};
    CHECK(contacts_with(db, address(1)) == 1);
    CHECK(contacts_with(db, address(2)) == 0);
}

TEST_CASE("async_run with a callback completes on the callback's executor") {
    temp_db file;
    net::io_context io;
    store_writer writer(open_store(file));
    auto guard = net::make_work_guard(io);
    std::thread::id io_thread, called_on;
    std::exception_ptr outcome = std::make_exception_ptr(std::logic_error("not called"));
    std::thread runner([&] {
        io_thread = std::this_thread::get_id();
        io.run_for(std::chrono::seconds(10));
    });
    writer.async_run(add_contact(address(1)), net::bind_executor(io, [&](std::exception_ptr e) {
                         outcome = e;
                         called_on = std::this_thread::get_id();
                         guard.reset();
                     }));
    runner.join();
    CHECK_FALSE(outcome);
    CHECK(called_on == io_thread);
}

TEST_CASE("destroying the writer first runs and completes everything still queued") {
    temp_db file;
    completions done;
    gate slow;
    constexpr int queued = 50;
    std::thread opener;
    {
        store_writer writer(open_store(file));
        writer.submit([&](messages::store&) { slow.enter_and_wait(); },
                      [&](std::exception_ptr e) { done.add(e); });
        REQUIRE(slow.wait_entered());
        for (int i = 1; i <= queued; ++i) {
            writer.submit(add_contact(address(i)), [&](std::exception_ptr e) { done.add(e); });
        }
        // Open the gate a moment after the destructor started waiting for the thread.
        opener = std::thread([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            slow.open();
        });
    }  // ~store_writer
    opener.join();
    auto results = done.results();
    CHECK(results.size() == queued + 1);
    CHECK(done.failures() == 0);
    raw_db db{file.path()};
    CHECK(db.integer("SELECT COUNT(*) FROM contacts") == queued);
}
