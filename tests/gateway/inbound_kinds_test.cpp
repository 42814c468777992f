// What arrives besides plain SMS text: numbers written the provider's way, WhatsApp users with
// a withheld number, media, stickers we cannot read, and long SMS in parts. Real SQLite file,
// example deployment.
#include "gateway/part_sweeper.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using gateway::testing::make_inbound;
using gateway::testing::pipeline;
using gateway::testing::t0;

namespace {

messages::inbound_message text_from(std::string from, std::string sid, std::string text) {
    return make_inbound("", std::move(sid), std::move(from), "+5116409000", std::move(text), t0);
}

messages::inbound_message part(std::string sid, std::string text, int index, int total,
                               std::string reference = "A1") {
    auto m = text_from("51987654321", std::move(sid), std::move(text));
    m.part = messages::message_part{std::move(reference), total, index};
    return m;
}

}  // namespace

TEST_CASE("one person is one contact however the provider writes the number") {
    pipeline p;
    // WhatsApp and Vonage send digits without '+', Kannel may send the national format.
    for (const auto& [from, sid] : std::vector<std::pair<std::string, std::string>>{
             {"+51987654321", "a"}, {"51987654321", "b"}, {"987654321", "c"},
             {"0051 987 654 321", "d"}}) {
        CAPTURE(from);
        auto r = p.deliver(text_from(from, sid, "hola"));
        CHECK_FALSE(r.duplicate);
    }
    CHECK(p.count("SELECT COUNT(*) FROM contacts") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE address = '+51987654321'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages") == 4);
    // Replies go to the one normalised address.
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE to_address <> '+51987654321'") == 0);
}

TEST_CASE("a short code sender stays as written, and a WhatsApp user without a number is a contact") {
    pipeline p;
    p.deliver(text_from("600", "s1", "hola"));
    auto bsuid = text_from("", "wamid.1", "hola");
    bsuid.sender_user_id = "PE.13491208655302741918";
    auto r = p.deliver(bsuid);
    CHECK_FALSE(r.contact_pseudonym.empty());
    CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE address = '600'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE address = 'PE.13491208655302741918'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE to_address = 'PE.13491208655302741918'") >= 1);
}

TEST_CASE("a sticker is kept and answered with what we can read; nothing else changes") {
    pipeline p;
    p.send("+51987654321", "hola", "first");
    const auto before = p.count("SELECT COUNT(*) FROM outbox");
    auto sticker = text_from("+51987654321", "sticker", "");
    sticker.kind = "unsupported";
    auto r = p.deliver(sticker);
    REQUIRE(r.replies.size() == 1);
    CHECK(r.replies[0] == p.cfg.text("unsupported_message", "es"));
    CHECK(p.count("SELECT COUNT(*) FROM outbox") == before + 1);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE kind = 'unsupported'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE json_extract(detail, '$.kind') = "
                  "'unsupported'") == 1);
}

TEST_CASE("media is recorded for download and a voice note can be a complaint's description") {
    pipeline p;
    p.send("+51987654321", "hola", "m1");
    // Into the complaint flow as far as its description, by the example's own menus.
    const auto& main = *p.cfg.find_node(p.cfg.start_node);
    std::string complaint_choice;
    for (std::size_t i = 0; i < main.options.size(); ++i)
        if (p.cfg.find_node(main.options[i].next)->kind == config::node_kind::complaint)
            complaint_choice = std::to_string(i + 1);
    REQUIRE_FALSE(complaint_choice.empty());
    p.send("+51987654321", complaint_choice, "m2");
    std::string reference;
    for (int step = 0; step < 6 && reference.empty(); ++step) {
        auto voice = text_from("+51987654321", "voice" + std::to_string(step), "");
        voice.kind = "media";
        voice.media.push_back({"voice", "MEDIA123", "", "audio/ogg; codecs=opus", "", "", "abc"});
        auto r = p.deliver(voice);
        if (!r.case_reference.empty()) {
            reference = r.case_reference;
        } else {
            // category, region, sex, age group
            p.send("+51987654321", "1", "answer" + std::to_string(step));
        }
    }
    REQUIRE_FALSE(reference.empty());  // the voice note alone was accepted as the description
    CHECK(p.count("SELECT COUNT(*) FROM media WHERE status = 'pending' AND kind = 'voice' AND "
                  "provider_media_id = 'MEDIA123'") >= 1);
    CHECK(p.count("SELECT COUNT(*) FROM cases c JOIN media m ON m.inbound_id = c.inbound_id "
                  "WHERE c.reference = '" + reference + "'") == 1);
}

TEST_CASE("long SMS parts wait for each other, in any order, and retries change nothing") {
    pipeline p;
    auto r3 = p.deliver(part("v3", " tres", 3, 3));
    CHECK(r3.part_pending);
    auto r1 = p.deliver(part("v1", "uno", 1, 3));
    CHECK(r1.part_pending);
    CHECK(p.deliver(part("v1", "uno", 1, 3)).part_pending);  // a retry of part 1
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages") == 0);
    auto r2 = p.deliver(part("v2", " dos", 2, 3));
    CHECK_FALSE(r2.part_pending);
    CHECK(r2.inbound_id > 0);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text = 'uno dos tres'") == 1);
    // Retries of any part after assembly: nothing new.
    CHECK(p.deliver(part("v2", " dos", 2, 3)).duplicate);
    CHECK(p.deliver(part("v3", " tres", 3, 3)).part_pending);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages") == 1);
    // The phone reuses the reference for a later message: a new message.
    p.deliver(part("w1", "otra", 1, 2));
    auto again = p.deliver(part("w2", " vez", 2, 2));
    CHECK(again.inbound_id > 0);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text = 'otra vez'") == 1);
}

TEST_CASE("a provider-reported opt-out marks the person, once, and says who reported it") {
    pipeline p;
    p.send("+254711082000", "hola", "k1");
    p.store.begin();
    CHECK(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), "254711082000", p.now));
    CHECK_FALSE(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), "+254711082000", p.now));
    // Someone who never wrote: a contact is created so nothing unsolicited reaches them later.
    CHECK(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), "+254722000111", p.now));
    p.store.commit();
    CHECK(p.count("SELECT COUNT(*) FROM contacts WHERE opted_out = 1") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'contact.opted_out' AND actor = "
                  "'provider:sms'") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%254711082000%'") == 0);
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}

TEST_CASE("a long SMS whose last part never comes is handled with what came, after the wait") {
    pipeline p;
    CHECK(p.deliver(part("x1", "me robaron ", 1, 3, "B7")).part_pending);
    CHECK(p.deliver(part("x3", " en Lima", 3, 3, "B7")).part_pending);
    p.store.begin();
    // Not yet: the wait has not passed.
    CHECK(gateway::handle_stale_parts(p.store, p.cfg, p.now, std::chrono::minutes(5)) == 0);
    CHECK(gateway::handle_stale_parts(p.store, p.cfg, p.now + std::chrono::minutes(10),
                                      std::chrono::minutes(5)) == 1);
    // Once only.
    CHECK(gateway::handle_stale_parts(p.store, p.cfg, p.now + std::chrono::minutes(20),
                                      std::chrono::minutes(5)) == 0);
    p.store.commit();
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text = 'me robaron  en Lima'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM outbox") >= 1);  // the person is answered
    // A part that comes later is not folded into the message already handled.
    CHECK(p.deliver(part("x2", "el pasaporte", 2, 3, "B7")).part_pending);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages") == 1);
}

TEST_CASE("subscriptions by SMS are applied in the message's unit; a provider opt-out ends them") {
    pipeline p;
    const std::string number = "+51987111222";
    p.send(number, "suscribir", "s1");
    p.send(number, "1", "s2");  // the first topic, then the region question
    p.send(number, "0", "s3");  // prefer not to say
    p.send(number, "4", "s4");
    CHECK(p.count("SELECT COUNT(*) FROM subscriptions") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM consent_log WHERE source = 'keyword' AND "
                  "channel_id = 'sms'") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'consent.subscribed' AND "
                  "subject LIKE 'contact:p_%'") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%987111222%' OR subject "
                  "LIKE '%987111222%'") == 0);

    p.store.begin();
    CHECK(gateway::record_provider_opt_out(p.store, p.cfg, p.channel(), number, p.now));
    p.store.commit();
    CHECK(p.count("SELECT COUNT(*) FROM subscriptions") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM consent_log WHERE action = 'opted_out' AND "
                  "source = 'provider'") == 1);
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}
