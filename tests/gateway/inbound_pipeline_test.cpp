// One inbound message as one unit of writes, on a real SQLite file with the example deployment:
// replies queued in the outbox, provider retries ignored, a complaint that ends in a case and an
// audit trail, reference collisions retried, and a handler failure stored with an apology.
#include "gateway/inbound_pipeline.hpp"

#include "config/config.hpp"
#include "messages/case_reference.hpp"
#include "messages/sqlite_store.hpp"
#include "messages/text.hpp"
#include "tests/gateway/example_config.hpp"
#include "tests/gateway/pipeline_fixture.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cwc;
using gateway::inbound_result;
using gateway::process_inbound;
using messages::testing::raw_db;
using messages::testing::temp_db;
using gateway::testing::entropy_script;
using gateway::testing::make_inbound;
using gateway::testing::pipeline;
using gateway::testing::t0;

namespace {

const std::string person = "+51987654321";
const std::string other_person = "+51912345678";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

// The example's numbered menus, read from the config so a changed example does not break this.
std::string choice_leading_to(const config::config& cfg, config::node_kind kind) {
    const auto& options = cfg.find_node(cfg.start_node)->options;
    for (std::size_t i = 0; i < options.size(); ++i) {
        if (cfg.find_node(options[i].next)->kind == kind) return std::to_string(i + 1);
    }
    throw std::logic_error("the example's start menu has no such option");
}

const config::menu_node& complaint_node(const config::config& cfg) {
    for (const auto& [id, node] : cfg.nodes)
        if (node.kind == config::node_kind::complaint) return node;
    throw std::logic_error("the example has no complaint node");
}

std::string main_menu_es(const config::config& cfg) {
    const auto& main = *cfg.find_node(cfg.start_node);
    std::string text = main.text.at("es");
    for (std::size_t i = 0; i < main.options.size(); ++i)
        text += "\n" + std::to_string(i + 1) + ". " + main.options[i].label.at("es");
    return text;
}

}  // namespace

TEST_CASE("a first message queues the first-contact notice and the main menu") {
    pipeline p;
    auto r = p.send(person, "hola", "SM0001");
    CHECK_FALSE(r.duplicate);
    CHECK_FALSE(r.handler_failed);
    CHECK(r.inbound_id > 0);
    CHECK(r.case_reference.empty());
    const std::vector<std::string> expected{p.cfg.text("first_contact_notice", "es"),
                                            main_menu_es(p.cfg)};
    CHECK(r.replies == expected);

    auto contact = p.store.find_contact_by_address(person);
    REQUIRE(contact.has_value());
    CHECK(contact->pseudonym == r.contact_pseudonym);
    CHECK(contact->notice_given);
    CHECK(contact->last_inbound_at == p.now);

    auto queued = p.store.outbound_for_contact(contact->id);
    REQUIRE(queued.size() == 2);
    for (std::size_t i = 0; i < queued.size(); ++i) {
        CAPTURE(i);
        const auto& m = queued[i];
        CHECK(m.text == expected[i]);
        CHECK(m.channel_id == p.channel().id);
        CHECK(m.contact_id == contact->id);
        CHECK(m.to == person);
        CHECK(m.inbound_id == r.inbound_id);
        CHECK(m.segments == messages::count_sms(expected[i]).segments);
        CHECK(m.status == messages::outbound_status::queued);
        CHECK(m.solicited);
        CHECK(m.next_attempt_at == p.now);
    }
    CHECK(queued[0].segments > 1);  // the notice is long and accented: several UCS-2 segments
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE outcome = 'handled'") == 1);
    // One entry says what the message did: notice given, state moved, both replies queued.
    CHECK(p.audit_count("inbound.received") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log") == 1);
    CHECK(p.count("SELECT json_array_length(detail, '$.outbound') FROM audit_log WHERE action = "
                  "'inbound.received'") == 2);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log, json_each(audit_log.detail, '$.events') e "
                  "WHERE e.value = 'contact.notice_given'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE json_extract(detail, '$.state.to') "
                  "IS NOT NULL") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%" + person + "%'") ==
          0);  // pseudonyms only
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}

TEST_CASE("a provider retry of the same MessageSid changes nothing") {
    pipeline p;
    auto first = p.send(person, "hola", "SM0001");
    const char* tables[] = {"contacts", "inbound_messages", "outbox", "audit_log", "cases"};
    std::vector<std::int64_t> before;
    const auto state_before = p.store.find_contact_by_address(person)->state;
    for (const char* t : tables)
        before.push_back(p.count(std::string("SELECT COUNT(*) FROM ") + t));

    auto again = p.send(person, "2", "SM0001");  // even with another text: the id decides
    CHECK(again.duplicate);
    CHECK(again.replies.empty());
    CHECK(again.inbound_id == 0);
    for (std::size_t i = 0; i < std::size(tables); ++i) {
        CAPTURE(tables[i]);
        CHECK(p.count(std::string("SELECT COUNT(*) FROM ") + tables[i]) == before[i]);
    }
    auto contact = p.store.find_contact_by_address(person);
    REQUIRE(contact.has_value());
    CHECK(contact->state == state_before);  // the "2" was not acted on

    // A different MessageSid with the same text is a new message.
    auto next = p.send(person, "hola", "SM0002");
    CHECK_FALSE(next.duplicate);
    CHECK(next.inbound_id > first.inbound_id);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages") == 2);
}

TEST_CASE("the same MessageSid on another channel is not a duplicate") {
    pipeline p;
    auto second_channel = p.cfg.channels.front();
    second_channel.id = "sms-backup";
    p.cfg.channels.push_back(second_channel);
    p.send(person, "hola", "SM0001");
    messages::inbound_message m = make_inbound("sms-backup", "SM0001", person, "+5116409001", "hola", p.now);
    p.store.begin();
    auto r = process_inbound(p.store, p.cfg, p.cfg.channels.back(), m, [] { return 1u; });
    p.store.commit();
    CHECK_FALSE(r.duplicate);
    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE provider_message_id = 'SM0001'") ==
          2);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE channel_id = 'sms-backup'") == 1);
}

TEST_CASE(
    "a complaint walk ends in a case, an acknowledgement with its reference and an audit trail") {
    pipeline p;
    const auto& flow = complaint_node(p.cfg);
    REQUIRE(flow.ask_region);
    REQUIRE(flow.categories.size() > 1);
    REQUIRE_FALSE(p.cfg.regions.empty());
    const auto* complaint_type = p.cfg.find_case_type("complaint");
    REQUIRE(complaint_type != nullptr);

    struct walk {
        std::string from;
        bool sensitive;  // pick the first category of this kind
    };
    const walk walks[] = {{person, false}, {other_person, true}};
    int messages_sent = 0, replies_sent = 0, sid = 0;
    std::vector<std::string> references;
    for (const auto& w : walks) {
        CAPTURE(w.sensitive);
        std::size_t category = 0;
        while (p.cfg.find_category(flow.categories[category])->sensitive != w.sensitive) ++category;
        const auto& region = p.cfg.regions.back();
        const std::string description = "No me atendieron en la oficina el martes.";
        std::vector<std::string> inputs{
            "hola", choice_leading_to(p.cfg, config::node_kind::complaint),
            std::to_string(category + 1), std::to_string(p.cfg.regions.size()), description};
        // The optional sex and age questions: prefer not to say.
        if (flow.ask_sex) inputs.insert(inputs.end() - 1, "0");
        if (flow.ask_age_group) inputs.insert(inputs.end() - 1, "0");
        inbound_result last;
        for (const auto& text : inputs) {
            last = p.send(w.from, text, "SM" + std::to_string(++sid));
            CHECK_FALSE(last.handler_failed);
            ++messages_sent;
            replies_sent += static_cast<int>(last.replies.size());
        }
        const std::string reference = messages::make_case_reference(p.entropy.last);
        CHECK(last.case_reference == reference);
        references.push_back(reference);
        const std::string ack = replace_all(
            replace_all(complaint_type->acknowledgement.at("es"), "{reference}", reference),
            "{days}", std::to_string(complaint_type->response_days));
        // A sensitive complaint gets the safe answer (hotline, where to go now) first.
        const auto expected = w.sensitive ? std::vector<std::string>{p.cfg.sensitive.safe_reply.at("es"), ack}
                                          : std::vector<std::string>{ack};
        CHECK(last.replies == expected);

        auto record = p.store.find_case_record(reference);
        REQUIRE(record.has_value());
        auto contact = p.store.find_contact_by_address(w.from);
        REQUIRE(contact.has_value());
        CHECK(record->contact_id == contact->id);
        CHECK(record->inbound_id == last.inbound_id);
        CHECK(record->channel_id == p.channel().id);
        CHECK(record->type == "complaint");
        CHECK(record->category == flow.categories[category]);
        CHECK(record->region == region.id);
        CHECK(record->description == description);
        CHECK(record->sensitive == w.sensitive);
        CHECK(record->status == "new");
        CHECK(record->due_at == p.now + std::chrono::days{complaint_type->response_days});
        CHECK(contact->state.step == "more");  // later SMS of the description join the case
        CHECK(contact->state.answers.at("case") == reference);

        auto queued = p.store.outbound_for_contact(contact->id);
        REQUIRE_FALSE(queued.empty());
        CHECK(queued.back().text == ack);
        CHECK(queued.back().inbound_id == last.inbound_id);
        CHECK(queued.back().priority == (w.sensitive ? messages::outbound_priority::safety
                                                     : messages::outbound_priority::reply));
        CHECK(
            p.count(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'case.opened' AND subject = 'case:" +
                reference + "'") == 1);
    }
    CHECK(references[0] != references[1]);
    CHECK(p.count("SELECT COUNT(*) FROM cases") == 2);
    CHECK(p.audit_count("case.opened") == 2);  // one per case, not one from the handler too
    CHECK(p.audit_count("inbound.received") == messages_sent);
    CHECK(p.count("SELECT SUM(json_array_length(detail, '$.outbound')) FROM audit_log") ==
          replies_sent);
    CHECK(p.count("SELECT COUNT(*) FROM outbox") == replies_sent);
    // Descriptions stay in the case: neither the audit log nor the outbox repeats them.
    CHECK(p.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%oficina%'") == 0);
    CHECK(p.count("SELECT COUNT(*) FROM outbox WHERE text LIKE '%oficina%'") == 0);
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}

TEST_CASE("a case reference already taken is retried with the next entropy value") {
    pipeline p;
    const std::uint64_t taken = 123'456, fresh = 654'321;
    REQUIRE(messages::make_case_reference(taken) != messages::make_case_reference(fresh));
    const std::string to_complaint = choice_leading_to(p.cfg, config::node_kind::complaint);
    std::vector<std::string> walk{"hola", to_complaint, "1", "0", "Me cobraron por un trámite."};
    const auto& flow = complaint_node(p.cfg);  // sex and age asked: prefer not to say
    if (flow.ask_sex) walk.insert(walk.end() - 1, "0");
    if (flow.ask_age_group) walk.insert(walk.end() - 1, "0");
    int sid = 0;

    inbound_result first;
    for (std::size_t i = 0; i < walk.size(); ++i) {
        if (i + 1 == walk.size()) p.entropy.next = {taken};
        first = p.send(person, walk[i], "SM" + std::to_string(++sid));
    }
    REQUIRE(first.case_reference == messages::make_case_reference(taken));

    inbound_result second;
    for (std::size_t i = 0; i < walk.size(); ++i) {
        if (i + 1 == walk.size()) {
            p.entropy.next = {taken, taken, fresh};
            p.entropy.calls = 0;
        }
        second = p.send(other_person, walk[i], "SM" + std::to_string(++sid));
    }
    CHECK(p.entropy.calls == 3);
    CHECK_FALSE(second.handler_failed);
    CHECK(second.case_reference == messages::make_case_reference(fresh));
    REQUIRE(second.replies.size() == 1);
    CHECK(second.replies[0].find(messages::make_case_reference(fresh)) != std::string::npos);
    CHECK(second.replies[0].find(messages::make_case_reference(taken)) == std::string::npos);

    auto original = p.store.find_case_record(messages::make_case_reference(taken));
    REQUIRE(original.has_value());
    CHECK(original->contact_id == p.store.find_contact_by_address(person)->id);
    CHECK(original->inbound_id == first.inbound_id);
    auto retried = p.store.find_case_record(messages::make_case_reference(fresh));
    REQUIRE(retried.has_value());
    CHECK(retried->contact_id == p.store.find_contact_by_address(other_person)->id);
    CHECK(p.count("SELECT COUNT(*) FROM cases") == 2);
    CHECK(p.audit_count("case.opened") == 2);
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}

TEST_CASE("a handler failure stores the message as failed and queues only the apology") {
    pipeline p;
    // A config validation would refuse: the complaint flow offers a category that does not exist.
    for (auto& [id, node] : p.cfg.nodes)
        if (node.kind == config::node_kind::complaint)
            node.categories.push_back("no_such_category");

    auto r = p.send(person, choice_leading_to(p.cfg, config::node_kind::complaint), "SM0001");
    CHECK(r.handler_failed);
    CHECK_FALSE(r.duplicate);
    CHECK(r.inbound_id > 0);
    CHECK(r.case_reference.empty());
    const std::string apology = p.cfg.text("apology", "es");
    REQUIRE_FALSE(apology.empty());
    CHECK(r.replies == std::vector<std::string>{apology});

    CHECK(p.count("SELECT COUNT(*) FROM inbound_messages WHERE id = " +
                  std::to_string(r.inbound_id) + " AND outcome = 'failed'") == 1);
    auto contact = p.store.find_contact_by_address(person);
    REQUIRE(contact.has_value());
    auto queued = p.store.outbound_for_contact(contact->id);
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].text == apology);
    CHECK(queued[0].inbound_id == r.inbound_id);
    CHECK(queued[0].segments == messages::count_sms(apology).segments);
    CHECK(queued[0].status == messages::outbound_status::queued);
    CHECK(contact->state == messages::conversation_state{});  // nothing of the failed turn kept
    CHECK(contact->last_inbound_at == p.now);
    CHECK(p.audit_count("inbound.failed") == 1);
    CHECK(p.audit_count("inbound.received") == 0);
    CHECK(p.count("SELECT json_array_length(detail, '$.outbound') FROM audit_log WHERE action = "
                  "'inbound.failed'") == 1);
    CHECK(p.count("SELECT COUNT(*) FROM cases") == 0);

    // The same message retried by the provider is a duplicate, not a second apology.
    auto again = p.send(person, choice_leading_to(p.cfg, config::node_kind::complaint), "SM0001");
    CHECK(again.duplicate);
    CHECK(p.count("SELECT COUNT(*) FROM outbox") == 1);
    CHECK_FALSE(p.store.verify_audit_chain().has_value());
}

TEST_CASE("a store failure is not a handler failure: the whole unit throws") {
    temp_db file;
    { messages::sqlite_store create{file.path(), "pipeline-key"}; }
    messages::sqlite_store read_only{file.path(), "pipeline-key",
                                     messages::sqlite_access::read_only};
    const auto cfg = gateway::testing::load_example_config();
    messages::inbound_message m = make_inbound("sms", "SM0001", person, "+5116409000", "hola", t0);
    CHECK_THROWS_AS(process_inbound(read_only, cfg, cfg.channels.front(), m, [] { return 1u; }),
                    messages::store_error);
}
