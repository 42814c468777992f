// The broadcast desk on a real SQLite store: a draft created and audited, confirmation planning
// the people subscribed now (STOP and other regions left out) into broadcast rows, confirmed only
// once, pause/resume/cancel moving the rows, another organisation's broadcast not found, an
// auditor refused, and a collective answer marking its cases responded.
#include "gateway/broadcast_desk.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

namespace net = boost::asio;

struct desk : pipeline {
    desk() {
        for (int i = 0; i < 4; ++i) {
            auto c = store.find_or_create_contact("+5198700000" + std::to_string(i), t0);
            people.push_back(c.id);
            subscribe(c.id, "health_brigades", i == 3 ? "callao" : "lima");
        }
        auto stopped = *store.find_contact(people[2]);  // STOP: no topics left, opted out
        stopped.opted_out = true;
        store.save_contact(stopped);
        store.broadcasts().apply_consent(people[2], "sms",
                                         {messages::consent_action::opted_out, "", "", "stop"}, t0);
    }
    void subscribe(std::int64_t contact, const std::string& topic, const std::string& region) {
        store.broadcasts().apply_consent(
            contact, "sms", {messages::consent_action::subscribed, topic, "", "menu"}, t0);
        store.broadcasts().apply_consent(
            contact, "sms", {messages::consent_action::region_set, "", region, "menu"}, t0);
    }
    broadcast_draft lima() const {
        broadcast_draft d;
        d.name = "Brigada";
        d.segment.topics = {"health_brigades"};
        d.segment.regions = {"lima"};
        d.texts = {{"es", "Brigada de salud el sábado"}, {"en", "Health brigade on Saturday"}};
        d.respect_quiet_hours = false;
        return d;
    }
    // Runs a confirmation (or a resumption) to its end: reads inline, each writer unit in a
    // transaction of its own.
    template <typename Result, typename Start>
    Result run(Start start) {
        messages::broadcast_reader reader(file.path());
        broadcast_steps steps;
        steps.read = [&reader](broadcast_steps::read_work& work) -> net::awaitable<void> {
            work(reader);
            co_return;
        };
        steps.write =
            [this](broadcast_steps::write_work& work) -> net::awaitable<std::exception_ptr> {
            store.begin();
            work(store);
            store.commit();
            ++units;
            co_return nullptr;
        };
        net::io_context io;
        Result result{};
        net::co_spawn(io, start(steps), [&](std::exception_ptr e, Result r) {
            if (e) std::rethrow_exception(e);
            result = std::move(r);
        });
        io.run();
        return result;
    }
    broadcast_result confirm(const messages::officer& o, std::int64_t id) {
        return run<broadcast_result>(
            [&](broadcast_steps& steps) { return confirm_broadcast(steps, cfg, o, id, now); });
    }
    std::size_t resume() {
        return run<std::size_t>(
            [&](broadcast_steps& steps) { return resume_confirmations(steps, cfg, now); });
    }
    std::vector<std::int64_t> people;
    int units = 0;
    const messages::officer rosa{1, "Rosa", messages::role::cbo_broadcaster, "red_cbo"};
    const messages::officer ana{2, "Ana", messages::role::cbo_broadcaster, "union_venezolana"};
    const messages::officer iris{3, "Iris", messages::role::auditor, "red_cbo"};
    const messages::officer lucia{4, "Lucía", messages::role::aap_officer, "red_cbo"};
};

}  // namespace

TEST_CASE("a draft is confirmed once into rows for the people subscribed in its segment now") {
    desk d;
    d.now = t0 + 1h;
    const auto created = create_broadcast(d.store, d.cfg, d.rosa, d.lima(), d.now);
    REQUIRE(created.outcome == desk_outcome::done);
    const auto id = created.after->id;
    CHECK(created.after->created_by == "officer:Rosa");
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE action = 'broadcast.created' AND subject = "
                  "'broadcast:" +
                  std::to_string(id) + "'") == 1);
    CHECK(pause_broadcast(d.store, d.rosa, id, d.now).outcome ==
          desk_outcome::not_allowed);  // a draft

    const auto foreign = d.confirm(d.ana, id);
    CHECK(foreign.outcome == desk_outcome::not_found);
    CHECK(d.confirm(d.iris, id).outcome == desk_outcome::forbidden);
    CHECK(d.units == 0);

    const auto confirmed = d.confirm(d.rosa, id);
    REQUIRE(confirmed.outcome == desk_outcome::done);
    CHECK(confirmed.audience == 2);  // Lima, not opted out: people 0 and 1
    CHECK(confirmed.after->planned == 2);
    CHECK(confirmed.after->status == messages::broadcast_status::sending);
    CHECK(d.units == 3);  // claim, one page, sending
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id) +
                  " AND priority = 3 AND status = 'queued' AND contact_id IN (" +
                  std::to_string(d.people[0]) + ", " + std::to_string(d.people[1]) + ")") == 2);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE action = 'broadcast.confirmed' AND "
                  "json_extract(detail, '$.planned') = 2") == 1);
    CHECK(d.confirm(d.rosa, id).outcome == desk_outcome::not_allowed);  // once only
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id)) == 2);

    CHECK(pause_broadcast(d.store, d.ana, id, d.now).outcome == desk_outcome::not_found);
    CHECK(pause_broadcast(d.store, d.iris, id, d.now).outcome == desk_outcome::forbidden);
    const auto paused = pause_broadcast(d.store, d.rosa, id, d.now);
    REQUIRE(paused.outcome == desk_outcome::done);
    CHECK(paused.after->status == messages::broadcast_status::paused);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id) +
                  " AND status = 'paused'") == 2);
    CHECK(pause_broadcast(d.store, d.rosa, id, d.now).outcome == desk_outcome::not_allowed);
    CHECK(resume_broadcast(d.store, d.rosa, id, d.now).after->status ==
          messages::broadcast_status::sending);
    const auto cancelled = cancel_broadcast(d.store, d.rosa, id, d.now + 1min);
    REQUIRE(cancelled.outcome == desk_outcome::done);
    CHECK(cancelled.after->finished_at == d.now + 1min);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id) +
                  " AND status = 'cancelled'") == 2);
    CHECK(cancel_broadcast(d.store, d.rosa, id, d.now).outcome == desk_outcome::not_allowed);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE subject = 'broadcast:" +
                  std::to_string(id) + "' AND actor = 'officer:Rosa'") ==
          6);  // created, confirmation started, confirmed, paused, resumed, cancelled
}

TEST_CASE("a confirmation a crash cut short is finished at start, nobody queued twice") {
    desk d;
    d.now = t0 + 1h;
    const auto id = create_broadcast(d.store, d.cfg, d.rosa, d.lima(), d.now).after->id;
    CHECK(d.resume() == 0);  // a draft nobody confirmed stays a draft
    // The crash: confirmed (claimed) and the first person's page queued, then nothing.
    auto b = *d.store.broadcasts().load(id);
    b.confirmed_at = d.now;
    d.store.broadcasts().save(b);
    messages::outbound_message first;
    first.contact_id = d.people[0];
    first.channel_id = "sms";
    first.to = "+51987000000";
    first.text = "Brigada de salud el sábado";
    first.priority = messages::outbound_priority::broadcast;
    first.solicited = false;
    first.broadcast_id = id;
    first.created_at = first.next_attempt_at = d.now;
    d.store.enqueue(first);

    d.now += 1min;
    CHECK(d.resume() == 1);
    const auto after = *d.store.broadcasts().load(id);
    CHECK(after.status == messages::broadcast_status::sending);
    CHECK(after.planned == 2);
    for (const auto person : {d.people[0], d.people[1]})
        CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id) +
                      " AND contact_id = " + std::to_string(person)) == 1);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id)) == 2);
    CHECK(d.count("SELECT COUNT(*) FROM audit_log WHERE action = 'broadcast.confirmed' AND actor = "
                  "'system' AND json_extract(detail, '$.planned') = 2") == 1);
    CHECK(d.resume() == 0);  // finished: nothing to resume any more
}

TEST_CASE("a confirmation with problems is refused with them, and nothing is queued") {
    desk d;
    auto draft = d.lima();
    draft.texts = {{"en", "English only"}};  // no text in the default language
    const auto id = create_broadcast(d.store, d.cfg, d.rosa, draft, d.now).after->id;
    const auto r = d.confirm(d.rosa, id);
    CHECK(r.outcome == desk_outcome::invalid);
    CHECK_FALSE(r.problems.empty());
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id > 0") == 0);
    auto nobody = d.lima();
    nobody.segment.regions = {"arequipa"};
    const auto empty =
        d.confirm(d.rosa, create_broadcast(d.store, d.cfg, d.rosa, nobody, d.now).after->id);
    CHECK(empty.outcome == desk_outcome::invalid);
    CHECK(std::find(empty.problems.begin(), empty.problems.end(),
                    "nobody is in the audience now") != empty.problems.end());
}

TEST_CASE(
    "a collective answer reaches the people of the open cases with the code and marks them "
    "responded") {
    desk d;
    auto file_case = [&](const std::string& reference, std::int64_t contact,
                         const std::string& code) {
        messages::case_record c;
        c.reference = reference;
        c.contact_id = contact;
        c.channel_id = "sms";
        c.type = "rumour";
        c.category = "rumour";
        c.language = "es";
        c.organisation = "red_cbo";
        c.codes = {code};
        c.opened_at = t0;
        c.acknowledge_due_at = t0 + 24h;
        c.due_at = t0 + std::chrono::days{7};
        d.store.insert_case(c);
    };
    file_case("AAA-AAA", d.people[0], "fee_rumour");
    file_case("CCC-CCC", d.people[3], "fee_rumour");
    file_case("DDD-DDD", d.people[1], "deportation_rumour");
    broadcast_draft answer;
    answer.name = "El carnet es gratis";
    answer.answers_code = "fee_rumour";
    answer.texts = {{"es", "El carnet es gratuito"}};
    answer.respect_quiet_hours = false;
    CHECK(create_broadcast(d.store, d.cfg, d.rosa, answer, d.now).outcome ==
          desk_outcome::forbidden);
    const auto id = create_broadcast(d.store, d.cfg, d.lucia, answer, d.now).after->id;
    const auto r = d.confirm(d.lucia, id);
    REQUIRE(r.outcome == desk_outcome::done);
    CHECK(r.after->planned == 2);
    CHECK(d.count("SELECT COUNT(*) FROM cases WHERE status = 'responded'") == 2);
    CHECK(d.count("SELECT COUNT(*) FROM cases WHERE reference = 'DDD-DDD' AND status = 'new'") ==
          1);
    CHECK(d.count("SELECT COUNT(*) FROM case_events WHERE to_status = 'responded' AND actor = "
                  "'officer:Lucía' AND note = 'collective answer: broadcast " +
                  std::to_string(id) + "'") == 2);
    CHECK(d.count("SELECT COUNT(*) FROM outbox WHERE broadcast_id = " + std::to_string(id) +
                  " AND solicited = 1 AND text = 'El carnet es gratuito'") == 2);
}
