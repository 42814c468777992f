// Replies to broadcasts through the inbound pipeline on a real SQLite store: a message from a
// person a broadcast reached lately, who had not written since, is linked to it (and still
// answered as usual); a later message, one after reply_link_hours, one from a person who never
// got it or a first message are not.
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

const std::string maria = "+51987650101";
const std::string jose = "+51987650102";

struct reply_fixture : pipeline {
    std::int64_t broadcast_id = 0;

    reply_fixture() {
        messages::broadcast b;
        b.organisation = cfg.default_organisation;
        b.name = "Brigada";
        b.segment.topics = {"health"};
        b.texts = {{cfg.default_language, "Brigada de salud el sábado"}};
        b.status = messages::broadcast_status::sending;
        b.created_at = now;
        broadcast_id = store.broadcasts().create(b);
    }
    // The broadcast reaches `address` now: its row queued, claimed and accepted by the provider.
    void reach(const std::string& address) {
        now += 1min;
        const auto c = store.find_or_create_contact(address, now);
        messages::outbound_message m;
        m.contact_id = c.id;
        m.channel_id = channel().id;
        m.to = address;
        m.text = "Brigada de salud el sábado";
        m.priority = messages::outbound_priority::broadcast;
        m.solicited = false;
        m.created_at = now;
        m.next_attempt_at = now;
        m.broadcast_id = broadcast_id;
        const auto id = store.enqueue(m);
        // Earlier replies to the person first: they were sent, so the row is in turn.
        raw_db{file.path()}.exec("UPDATE outbox SET status = 'delivered' WHERE broadcast_id = 0");
        REQUIRE(store.claim_due(channel().id, now, 100, messages::outbound_priority::broadcast).size() == 1);
        store.record_send_result(id, {messages::send_result::outcome::sent, "SM-b" + std::to_string(id), "", {}}, now);
    }
    std::int64_t linked(std::int64_t inbound_id) {
        return count("SELECT COUNT(*) FROM broadcast_replies WHERE inbound_id = " + std::to_string(inbound_id) +
                     " AND broadcast_id = " + std::to_string(broadcast_id));
    }
};

}  // namespace

TEST_CASE("a message after a broadcast reached the person is linked to it and answered as usual") {
    reply_fixture f;
    const auto first = f.send(maria, "hola", "SM1");
    CHECK(f.linked(first.inbound_id) == 0);
    f.send(jose, "hola", "SM2");
    f.reach(maria);
    const auto reply = f.send(maria, "1", "SM3");
    CHECK(f.linked(reply.inbound_id) == 1);
    CHECK_FALSE(reply.replies.empty());  // the normal conversation goes on
    CHECK(f.count("SELECT COUNT(*) FROM audit_log WHERE action = 'inbound.received' AND "
                  "json_extract(detail, '$.broadcast') = " + std::to_string(f.broadcast_id)) == 1);
    const auto again = f.send(maria, "0", "SM4");  // wrote since: no longer an answer to it
    CHECK(f.linked(again.inbound_id) == 0);
    const auto other = f.send(jose, "1", "SM5");  // never reached by it
    CHECK(f.linked(other.inbound_id) == 0);
    CHECK(f.count("SELECT COUNT(*) FROM broadcast_replies") == 1);
}

TEST_CASE("a message long after the broadcast, or a person's first message, is not linked") {
    reply_fixture f;
    f.send(maria, "hola", "SM1");
    f.reach(maria);
    f.now += std::chrono::hours{f.cfg.broadcasts.reply_link_hours} + 1min;
    const auto late = f.send(maria, "1", "SM2");
    CHECK(f.linked(late.inbound_id) == 0);

    // Reached without ever writing (as a collective answer's row could be): the first message
    // of a contact is never looked up.
    f.reach(jose);
    const auto first = f.send(jose, "hola", "SM3");
    CHECK(f.linked(first.inbound_id) == 0);
}
