// Record digests where the gateway writes records (a complaint walked through the pipeline, an
// officer's answer from the case desk) verified end to end on a real file, an erasure the person
// asked for still verifying, the daily signing rule, and signed heads as auditors read them.
#include "gateway/audit_signing.hpp"
#include "gateway/case_desk.hpp"
#include "messages/audit_verification.hpp"
#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

struct audited_pipeline : pipeline {
    messages::audit_keys keys = messages::derive_audit_keys("audit-test-secret-of-32-characters!");
    audited_pipeline() { store.set_record_digest_key(keys.record_digest_key); }

    // A complaint walked through the example's menus; returns its reference.
    std::string complain(const std::string& from, const std::string& description) {
        const auto& start = cfg.find_node(cfg.start_node)->options;
        std::size_t choice = 0;
        while (cfg.find_node(start[choice].next)->kind != config::node_kind::complaint) ++choice;
        const auto& flow = *cfg.find_node(start[choice].next);
        std::size_t category = 0;
        while (cfg.find_category(flow.categories[category])->sensitive) ++category;
        std::vector<std::string> inputs{"hola", std::to_string(choice + 1),
                                        std::to_string(category + 1),
                                        std::to_string(cfg.regions.size())};
        if (flow.ask_sex) inputs.push_back("0");
        if (flow.ask_age_group) inputs.push_back("0");
        inputs.push_back(description);
        inbound_result last;
        for (const auto& text : inputs) last = send(from, text, "SM" + std::to_string(++sid));
        if (last.case_reference.empty()) throw std::logic_error("the walk opened no case");
        return last.case_reference;
    }
    messages::audit_verification verify(const std::vector<messages::audit_anchor>& anchors = {}) {
        return messages::verify_audit(file.path(), keys.record_digest_key, keys.public_key, anchors);
    }
    int sid = 0;
};

}  // namespace

TEST_CASE("records the gateway writes carry digests that verify, and an edit is named") {
    audited_pipeline p;
    const auto reference = p.complain("+51987654321", "Me cobraron por el trámite");
    const messages::officer lucia{1, "Lucía", messages::role::aap_officer,
                                  p.store.find_case_record(reference)->organisation};
    p.store.begin();
    REQUIRE(respond(p.store, p.cfg, lucia, reference, "Lo revisamos esta semana", {}, p.now).outcome ==
            desk_outcome::done);
    p.store.commit();

    const auto messages_in = p.count("SELECT COUNT(*) FROM inbound_messages");
    const auto rows_out = p.count("SELECT COUNT(*) FROM outbox");
    // Every message's entry carries its digest, and so do the replies it queued and the case.
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'inbound.received' AND "
                  "length(json_extract(detail, '$.digest')) = 64") == messages_in);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.opened' AND "
                  "length(json_extract(detail, '$.digest')) = 64") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.responded' AND "
                  "length(json_extract(detail, '$.outbound_digest')) = 64") == 1);
    auto v = p.verify();
    CHECK(v.problems.empty());
    CHECK(v.inbound == messages_in);
    CHECK(v.outbound == rows_out);
    CHECK(v.cases == 1);
    CHECK(v.without_digest == 0);

    raw_db raw{p.file.path()};
    SUBCASE("the officer's answer") {
        const auto answer = raw.text("SELECT id FROM outbox WHERE text = 'Lo revisamos esta semana'");
        raw.exec("UPDATE outbox SET text = 'Caso cerrado' WHERE id = " + answer);
        v = p.verify();
        REQUIRE(v.problems.size() == 1);
        CHECK(v.problems[0].starts_with("record outbound:" + answer + ": "));
    }
    SUBCASE("the description") {
        raw.exec("UPDATE cases SET description = 'Todo bien'");
        CHECK(p.verify().problems.at(0).starts_with("record case:" + reference + ": "));
    }
}

TEST_CASE("the daily head: signed when a day has passed and the chain has moved") {
    const auto at = t0;
    const messages::audit_head head{10, std::string(64, 'a')};
    const messages::signed_head last{8, std::string(64, 'b'), at, "", ""};
    struct row {
        std::optional<messages::audit_head> head;
        std::optional<messages::signed_head> last;
        messages::timestamp now;
        bool due;
    };
    const row rows[] = {
        {std::nullopt, std::nullopt, at, false},         // nothing to sign
        {head, std::nullopt, at, true},                  // the first head at once
        {head, last, at + 23h, false},                   // signed less than a day ago
        {head, last, at + 24h, true},                    // a day later, the chain has moved
        {messages::audit_head{8, last.hash}, last, at + 72h, false},  // nothing new since
    };
    for (const auto& r : rows) {
        CAPTURE(r.due);
        CHECK(head_signing_due(r.head, r.last, r.now) == r.due);
    }
}

TEST_CASE("a signed head: the newest entry, stored, exported and verified") {
    audited_pipeline p;
    p.send("+51987654321", "hola", "SM1");
    CHECK_FALSE(p.store.last_signed_head().has_value());
    const auto h = sign_audit_head(p.store, p.keys, t0 + 1h);
    REQUIRE(h.has_value());
    const auto newest = p.store.last_audit_head().value();
    CHECK(h->seq == newest.seq);
    CHECK(h->hash == newest.hash);
    CHECK(p.store.last_signed_head()->signature == h->signature);
    CHECK(messages::signature_valid(
        p.keys.public_key, messages::head_statement(h->seq, h->hash, messages::to_unix_ms(t0 + 1h)),
        h->signature));

    const auto line = head_json(*h);
    CHECK(line["seq"] == h->seq);
    CHECK(line["hash"] == h->hash);
    CHECK(line["signed_at_ms"] == messages::to_unix_ms(t0 + 1h));
    CHECK(line["public_key"] == p.keys.public_key);
    const auto exported = messages::read_signed_heads(p.file.path());
    REQUIRE(exported.size() == 1);
    CHECK(exported[0].signature == h->signature);

    const auto v = p.verify({{h->seq, h->hash}});
    CHECK(v.problems.empty());
    CHECK(v.heads == 1);
    CHECK(v.anchors == 1);
}

TEST_CASE("the audit key path: the config's file, else beside the database") {
    config::server_settings server;
    CHECK(audit_key_path(server, "/var/lib/cwc/gw.db") == "/var/lib/cwc/gw.db.audit-key");
    server.audit_key_file = "/etc/cwc/audit-key";
    CHECK(audit_key_path(server, "/var/lib/cwc/gw.db") == "/etc/cwc/audit-key");
}

TEST_CASE("an erasure the person asked for (BORRAR, SI) keeps verification green") {
    audited_pipeline p;
    const std::string person = "+51987654321";
    p.complain(person, "El guardia me cobra por entrar al albergue");
    p.send(person, "BORRAR", "SM" + std::to_string(++p.sid));
    p.send(person, "SI", "SM" + std::to_string(++p.sid));
    REQUIRE(p.count("SELECT COUNT(*) FROM inbound_messages WHERE text <> ''") == 0);
    p.send("+51912345678", "hola", "SM" + std::to_string(++p.sid));

    const auto v = p.verify();
    CHECK(v.problems.empty());
    // Each of their messages, their case (and the replies to them) redacted since its digest.
    CHECK(v.redacted >= p.count("SELECT COUNT(*) FROM inbound_messages WHERE contact_id = 1") + 1);
    CHECK(v.inbound == 1);  // the other person's message still vouched for
    CHECK(v.without_digest == 0);

    // Their records were emptied lawfully; someone else's edited is still caught.
    raw_db raw{p.file.path()};
    raw.exec("UPDATE inbound_messages SET text = 'cambiado' WHERE text = 'hola' AND contact_id <> 1");
    CHECK(p.verify().problems.at(0).starts_with("record inbound:"));
}
