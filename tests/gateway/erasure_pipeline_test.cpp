// BORRAR through the inbound pipeline on a real store: the confirmation is queued to the number
// and the rest of the person erased in the confirming message's unit; the confirmation loses
// the number once sent; a provider retry of an old message id is not stored again; an open
// sensitive case holds the erasure until an officer closes it (case_desk), then it runs.
#include "config/sms_pages.hpp"
#include "gateway/case_desk.hpp"
#include "gateway/erasure_request.hpp"
#include "tests/gateway/complaint_walk.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

const std::string person = "+51987654321";
const std::string description = "El guardia Rodolfo me cobra por entrar al albergue";

struct erasing : pipeline {
    std::string file_complaint(bool sensitive) {
        return testing::file_complaint(*this, person, sensitive, description, sid);
    }
    inbound_result say(const std::string& text) { return send(person, text, "SM" + std::to_string(++sid)); }
    std::int64_t contact_id() { return store.find_or_create_contact(person, now).id; }
    int sid = 0;
};

std::vector<std::string> needles() {
    auto n = messages::testing::number_forms(person);
    n.push_back(description);
    return n;
}

}  // namespace

TEST_CASE("BORRAR, then SI: the confirmation goes to the number, then nothing of them is left") {
    erasing p;
    p.file_complaint(false);
    const auto id = p.contact_id();
    CHECK(p.say("BORRAR").replies.size() == 1);
    CHECK(p.store.find_contact(id)->address == person);  // asking erased nothing
    const auto confirmed = p.say("SI");
    REQUIRE(confirmed.replies.size() == 1);
    CHECK(confirmed.replies.front() == config::optional_text(p.cfg, "erasure_done", "es"));

    CHECK(p.store.find_contact(id)->address == "erased:" + std::to_string(id));
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text <> ''") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM cases WHERE description <> ''") == 0);
    CHECK(p.audit_count("erasure.completed") == 1);
    CHECK(p.audit_count("record.redacted") > 5);
    // The confirmation alone still knows the number, until its send is final.
    const auto rows = p.store.outbound_for_contact(id);
    REQUIRE_FALSE(rows.empty());
    const auto& last = rows.back();
    CHECK(last.text == confirmed.replies.front());
    CHECK(last.to == person);
    for (std::size_t i = 0; i + 1 < rows.size(); ++i) CHECK(rows[i].to != person);

    // A late provider retry of their complaint's message is recognised, not stored again.
    const auto retry = p.send(person, description, "SM1");
    CHECK(retry.duplicate);
    CHECK(p.store.find_contact_by_address(person) == std::nullopt);

    p.store.begin();
    messages::send_result sent;
    sent.provider_message_id = "SM-final";
    p.store.claim_due(p.channel().id, p.now, 100, messages::outbound_priority::broadcast);
    p.store.record_send_result(last.id, sent, p.now);
    p.store.commit();
    CHECK(p.store.find_outbound(last.id)->to == "erased:" + std::to_string(id));
    CHECK(messages::testing::found_on_disk(p.file.path(), needles()) == "");
}

TEST_CASE("an open sensitive case holds the erasure until an officer closes it") {
    erasing p;
    const auto reference = p.file_complaint(true);
    const auto id = p.contact_id();
    p.say("BORRAR");
    const auto held = p.say("SI");
    CHECK(held.replies == std::vector<std::string>{config::optional_text(p.cfg, "erasure_held", "es")});
    CHECK(p.store.erasure().is_held(id));
    CHECK(p.store.find_contact(id)->address == person);
    CHECK(p.audit_count("erasure.held") == 1);
    CHECK(p.store.find_case_record(reference)->description == description);

    // The sweep does nothing while the case is open.
    p.store.begin();
    CHECK(run_ready_erasures(p.store, p.cfg, p.now) == 0);
    p.store.commit();

    const auto organisation = p.store.find_case_record(reference)->organisation;
    const messages::officer rosa{3, "Rosa", messages::role::protection_focal_point, organisation};
    p.store.begin();
    auto closed = change_status(p.store, p.cfg, rosa, reference, "closed", {"referido"}, p.now + 1h);
    p.store.commit();
    REQUIRE(closed.outcome == desk_outcome::done);
    CHECK(closed.after->description.empty());
    CHECK(closed.after->status == "closed");
    CHECK_FALSE(p.store.erasure().is_held(id));
    CHECK(p.store.find_contact(id)->address == "erased:" + std::to_string(id));
    // Their last message is the erasure's, not the satisfaction question.
    const auto rows = p.store.outbound_for_contact(id);
    CHECK(rows.back().text == config::optional_text(p.cfg, "erasure_done", "es"));
    CHECK(rows.back().to == person);
    CHECK(p.audit_count("erasure.completed") == 1);
}
