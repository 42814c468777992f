// A provider's opt-out that arrives after the person's erasure (e.g. Twilio refusing the
// erasure's own confirmation with 21610) must not bring their number back into the store; once
// they write again they are a contact like any other, and an opt-out applies to them.
#include "gateway/inbound_pipeline.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using cwc::gateway::testing::pipeline;

TEST_CASE("a late provider opt-out after an erasure does not re-create the contact") {
    for (const bool sealed : {false, true}) {
        CAPTURE(sealed);
        pipeline p;
        if (sealed) p.store.set_address_key(std::string(64, 'c'));
        const std::string number = "+51987333444";
        p.send(number, "hola", "e1");
        const auto id = p.count("SELECT id FROM contacts");
        p.store.begin();
        p.store.erasure().erase_contact(id, "system", "erasure_request", p.now);
        CHECK_FALSE(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), number, p.now));
        p.store.commit();
        CHECK(p.count("SELECT COUNT(*) FROM contacts") == 1);  // only the erased one
        CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE address LIKE 'erased:%'") == 1);
        CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.opted_out'") == 0);

        // They write again: a new contact, and a provider opt-out now marks them.
        p.send(number, "hola otra vez", "e2");
        p.store.begin();
        CHECK(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), number, p.now));
        p.store.commit();
        CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE opted_out = 1 AND "
                      "address NOT LIKE 'erased:%'") == 1);
        // Someone never seen is still recorded (nothing unsolicited reaches them later).
        p.store.begin();
        CHECK(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), "+51987000999", p.now));
        p.store.commit();
    }
}
