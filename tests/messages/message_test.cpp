// Outbound status names and ranks: the rank is what keeps callbacks from moving a status back.
#include "messages/message.hpp"

#include <doctest/doctest.h>

using namespace cwc::messages;

TEST_CASE("outbound status names round-trip") {
    struct row {
        outbound_status status;
        const char* name;
        int rank;
    };
    const row rows[] = {
        {outbound_status::queued, "queued", 0}, {outbound_status::sending, "sending", 1},
        {outbound_status::sent, "sent", 2},     {outbound_status::delivered, "delivered", 3},
        {outbound_status::failed, "failed", 3}, {outbound_status::undelivered, "undelivered", 3},
        {outbound_status::read, "read", 4},
    };
    for (const row& r : rows) {
        CAPTURE(r.name);
        CHECK(to_string(r.status) == r.name);
        CHECK(parse_outbound_status(r.name) == r.status);
        CHECK(status_rank(r.status) == r.rank);
    }
    for (const char* bad : {"", "Queued", "SENT", "delivered ", "unknown", "accepted"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_outbound_status(bad).has_value());
    }
}

TEST_CASE("a late sent never overwrites a final status") {
    for (const auto final_status :
         {outbound_status::delivered, outbound_status::failed, outbound_status::undelivered}) {
        CHECK(status_rank(outbound_status::sent) < status_rank(final_status));
        CHECK(status_rank(final_status) < status_rank(outbound_status::read));
    }
}
