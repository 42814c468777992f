// WhatsApp's window against an erasure on a real store: the erasure's confirmation, queued days
// after the person last wrote (a held erasure run when its sensitive case closed), is neither
// held nor replaced by a re-engagement template (either would keep the number waiting for a
// reply that can never come from this contact): it fails, or goes by the SMS fallback, and the
// number leaves the file. A confirmation the provider refuses for the window after it was sent
// and erased is not reopened into a template either.
#include "gateway/erasure_request.hpp"
#include "gateway/send_outcomes.hpp"
#include "gateway/whatsapp_window.hpp"
#include "tests/gateway/pipeline_fixture.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

const std::string person = "+51987650042";

struct erasing_on_whatsapp : pipeline {
    explicit erasing_on_whatsapp(bool fallback) {
        auto c = whatsapp_channel();
        if (fallback) c.fallback_channel = "sms";
        cfg.channels.push_back(c);
        auto m = make_inbound("whatsapp", "wamid.1", person, c.address, "hola", now);
        store.begin();
        process_inbound(store, cfg, wa(), m, [this] { return entropy(); });
        store.commit();
        contact_id = store.find_or_create_contact(person, now).id;
    }
    const config::channel& wa() const { return cfg.channels.back(); }
    // The erasure runs `later`, its confirmation queued on WhatsApp; returns the row's id.
    std::int64_t erase(messages::timestamp later) {
        now = later;
        store.begin();
        store.erasure().hold(contact_id, now);
        REQUIRE(run_held_erasure(store, cfg, contact_id, "whatsapp", now));
        store.commit();
        const auto rows = store.outbound_for_contact(contact_id);
        REQUIRE_FALSE(rows.empty());
        REQUIRE(rows.back().to == person);  // kept until its send is final
        return rows.back().id;
    }
    std::vector<window_event> claim() {
        channel_runtime rt;
        rt.channel = &wa();
        rt.default_language = cfg.default_language;
        std::vector<window_event> events;
        store.begin();
        auto rows = store.claim_due("whatsapp", now, 50, messages::outbound_priority::broadcast);
        screen_claimed(store, *window_rules_for(rt), std::move(rows), now, events);
        store.commit();
        return events;
    }
    std::string on_disk() { return messages::testing::found_on_disk(file.path(), messages::testing::number_forms(person)); }
    std::int64_t contact_id = 0;
};

}  // namespace

TEST_CASE("a closed window fails the erasure's confirmation: no template, no hold, the number gone") {
    erasing_on_whatsapp p{false};
    const auto confirmation = p.erase(p.now + 48h);
    const auto events = p.claim();
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::fail);
    CHECK(events[0].erasing);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE template_name <> ''") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE status = 'held'") == 0);
    CHECK(p.store.find_outbound(confirmation)->to == "erased:" + std::to_string(p.contact_id));
    CHECK(p.on_disk() == "");

    // The person writes again on WhatsApp: a new contact; nothing of the old one comes back.
    auto m = make_inbound("whatsapp", "wamid.2", person, p.wa().address, "hola otra vez", p.now + 1h);
    p.store.begin();
    process_inbound(p.store, p.cfg, p.wa(), m, [&p] { return p.entropy(); });
    p.store.commit();
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE contact_id = " + std::to_string(p.contact_id) +
                  " AND status IN ('queued', 'held', 'sending')") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE template_name <> ''") == 0);
}

TEST_CASE("with an SMS fallback the erasure's confirmation goes by SMS, then loses the number") {
    erasing_on_whatsapp p{true};
    const auto confirmation = p.erase(p.now + 48h);
    const auto events = p.claim();
    REQUIRE(events.size() == 1);
    CHECK(events[0].action == window_action::reroute);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE template_name <> ''") == 0);
    p.store.begin();
    p.store.claim_due("sms", p.now, 50, messages::outbound_priority::broadcast);
    messages::send_result sent;
    sent.provider_message_id = "SM-confirmation";
    p.store.record_send_result(confirmation, sent, p.now);
    p.store.commit();
    CHECK(p.store.find_outbound(confirmation)->channel_id == "sms");
    CHECK(p.on_disk() == "");
}

TEST_CASE("a sent confirmation the provider then refuses for the window is not reopened into a template") {
    erasing_on_whatsapp p{false};
    const auto confirmation = p.erase(p.now + 1h);  // inside the window: it goes
    CHECK(p.claim().empty());
    p.store.begin();
    messages::send_result sent;
    sent.provider_message_id = "wamid.out";
    p.store.record_send_result(confirmation, sent, p.now);
    p.store.commit();
    CHECK(p.on_disk() == "");
    // Meta reports 131047 for it later (a failed status): the row is erased already.
    p.store.begin();
    REQUIRE(p.store.apply_delivery_status_for(confirmation, "wamid.out", messages::outbound_status::failed,
                                              "131047", p.now + 1min));
    channel_runtime rt;
    rt.channel = &p.wa();
    rt.default_language = p.cfg.default_language;
    if (auto m = p.store.reopen_refused_for_window("whatsapp", confirmation, "wamid.out")) {
        const auto e = refused_for_window(p.store, *window_rules_for(rt), *m, p.now + 1min);
        CHECK(e.action == window_action::fail);
    }
    p.store.commit();
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE template_name <> ''") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE status IN ('held', 'sending', 'queued')") == 0);
    CHECK(p.on_disk() == "");
}
