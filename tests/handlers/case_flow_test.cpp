// Complaint and feedback flows end to end: the steps, the case opened, and an acknowledgement
// that carries the reference and the days to an answer but never what the person wrote.
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>

using namespace cwc::handlers;
using namespace cwc::handlers::test;
using cwc::messages::outbound_priority;

namespace {
const std::string ack_complaint_es =
    "Recibimos su queja. Referencia: Q7K-2M4. Le responderemos en 7 días.";

void check_never_repeats(const conversation_result& r, const std::string& secret) {
    for (const auto& reply : r.replies) CHECK(reply.text.find(secret) == std::string::npos);
}
}  // namespace

TEST_CASE("a complaint with a region opens a case acknowledged with reference and days") {
    conversation c;
    c.contact.state = at("main");
    CHECK(texts(c.send("2")) == strings{complaint_es});

    auto category = c.send("1");
    CHECK(texts(category) == strings{region_es});
    CHECK(category.contact.state == state{"complaint", "region", {{"category", "documentation"}}});

    auto region = c.send("۲");  // Tumbes, in Persian digits
    CHECK(texts(region) == strings{describe_es});
    CHECK(region.contact.state ==
          state{"complaint", "description", {{"category", "documentation"}, {"region", "tumbes"}}});

    const std::string description = "  No me dieron el carnet en la oficina de Aguas Verdes.\n";
    const auto sent_at = c.now;
    auto done = c.send(description);
    CHECK(texts(done) == strings{ack_complaint_es});
    CHECK(done.replies.front().priority == outbound_priority::reply);
    // The menu is not re-sent; for a moment, more SMS of the description are added to the case.
    CHECK(done.contact.state.node == "complaint");
    CHECK(done.contact.state.step == "more");
    CHECK(done.contact.state.answers.at("case") == "Q7K-2M4");
    CHECK(done.events == strings{"case.opened"});
    check_never_repeats(done, "carnet");
    check_never_repeats(done, "Aguas Verdes");

    REQUIRE(done.opened_case.has_value());
    const auto& k = *done.opened_case;
    CHECK(k.reference == "Q7K-2M4");
    CHECK(k.contact_id == 7);
    CHECK(k.channel_id == "sms-pe");
    CHECK(k.type == "complaint");
    CHECK(k.category == "documentation");
    CHECK(k.region == "tumbes");
    CHECK(k.language == "es");
    CHECK(k.description == description);  // exactly as sent, untrimmed
    CHECK_FALSE(k.sensitive);
    CHECK(k.status == "new");
    CHECK(k.opened_at == sent_at);
    CHECK(k.due_at == sent_at + std::chrono::days{7});
}

TEST_CASE("flow steps: a table of one message each") {
    struct row {
        const char* name;
        state before;
        std::string input;
        strings replies;
        state after;
    };
    const state category{"complaint", "category", {}};
    const state region{"complaint", "region", {{"category", "distribution"}}};
    const state description{"complaint", "description", {{"category", "distribution"}}};
    const state described_anonymous{
        "complaint", "description", {{"category", "distribution"}, {"region", ""}}};
    const row rows[] = {
        {"category chosen", category, "2", {region_es}, region},
        {"unknown category", category, "4", {unknown_es + "\n" + categories_es}, category},
        {"category as text", category, "documentos", {unknown_es + "\n" + categories_es}, category},
        {"0 leaves at the category step", category, "0", {main_es}, at("main")},
        {"region 1",
         region,
         "1",
         {describe_es},
         {"complaint", "description", {{"category", "distribution"}, {"region", "lima"}}}},
        {"0 is prefer-not-to-say at the region step",
         region,
         "0",
         {describe_es},
         described_anonymous},
        {"unknown region", region, "3", {unknown_es + "\n" + region_es}, region},
        {"region as text", region, "Lima", {unknown_es + "\n" + region_es}, region},
        {"0 leaves at the description step", description, "0", {main_es}, at("main")},
        {"one character is too short",
         description,
         "a",
         {too_short_es + "\n" + describe_es},
         description},
        {"white space is too short",
         description,
         "   ",
         {too_short_es + "\n" + describe_es},
         description},
        {"one emoji is too short",
         description,
         " 👍 ",
         {too_short_es + "\n" + describe_es},
         description},
        {"one accented letter is too short",
         description,
         "ñ",
         {too_short_es + "\n" + describe_es},
         description},
        {"one digit is too short",
         description,
         "7",
         {too_short_es + "\n" + describe_es},
         description},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        conversation c;
        c.contact.state = r.before;
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.state == r.after);
        CHECK_FALSE(result.opened_case.has_value());
    }
}

TEST_CASE("two characters are a description; prefer-not-to-say leaves the region empty") {
    conversation c;
    c.contact.state = {"complaint", "description", {{"category", "distribution"}, {"region", ""}}};
    auto r = c.send("no");
    REQUIRE(r.opened_case.has_value());
    CHECK(r.opened_case->region.empty());
    CHECK(r.opened_case->category == "distribution");
    CHECK(texts(r) == strings{ack_complaint_es});
}

TEST_CASE("a sensitive category is acknowledged with safety priority") {
    conversation c;
    c.contact.state = {"complaint", "category", {}};
    c.send("3");
    c.send("0");
    const auto sent_at = c.now;
    auto r = c.send("Un voluntario me pidió algo a cambio de la ayuda");
    CHECK(texts(r) == strings{"Si está en peligro llame al 105.",
                              "Si está en peligro llame al 111. Referencia Q7K-2M4; le "
                              "contactaremos en 1 día."});
    CHECK(r.replies.front().priority == outbound_priority::safety);
    CHECK(r.replies.back().priority == outbound_priority::safety);
    REQUIRE(r.opened_case.has_value());
    CHECK(r.opened_case->sensitive);
    CHECK(r.opened_case->type == "safeguarding");
    CHECK(r.opened_case->category == "sea");
    CHECK(r.opened_case->due_at == sent_at + std::chrono::days{1});
    check_never_repeats(r, "voluntario");
}

TEST_CASE("feedback: one category, no region, a suggestion acknowledged in its own days") {
    conversation c;
    c.contact.state = at("main");
    auto intro = c.send("3");
    CHECK(texts(intro) == strings{feedback_es});
    auto r = c.send("Más horarios por la tarde");
    CHECK(texts(r) == strings{"Gracias por su sugerencia (Q7K-2M4). Respuesta en 14 días."});
    REQUIRE(r.opened_case.has_value());
    CHECK(r.opened_case->type == "suggestion");
    CHECK(r.opened_case->category == "service");
    CHECK(r.opened_case->region.empty());
    CHECK(r.replies.front().priority == outbound_priority::reply);
}

TEST_CASE("placeholders in the description are never filled into the acknowledgement") {
    conversation c;
    c.contact.state = {"complaint", "description", {{"category", "documentation"}}};
    auto r = c.send("{reference} {days} secreto");
    CHECK(texts(r) == strings{ack_complaint_es});
    CHECK(r.opened_case->description == "{reference} {days} secreto");
}

TEST_CASE("an English complaint is acknowledged in English and filed as English") {
    conversation c;
    c.contact.language = "en";
    c.contact.state = {"complaint", "category", {}};
    CHECK(texts(c.send("2")) == strings{region_en});
    c.send("1");
    auto r = c.send("The food was not delivered");
    CHECK(texts(r) == strings{"We received your complaint. Reference: Q7K-2M4. We will answer "
                              "within 7 days."});
    CHECK(r.opened_case->language == "en");
    CHECK(r.opened_case->region == "lima");
}

TEST_CASE("with no regions configured the region question is skipped") {
    conversation c;
    c.cfg.regions.clear();
    c.contact.state = {"complaint", "category", {}};
    auto r = c.send("1");
    CHECK(texts(r) == strings{describe_es});
    CHECK(r.contact.state == state{"complaint", "description", {{"category", "documentation"}}});
}

TEST_CASE("a flow with one category and a region question starts at the region") {
    conversation c;
    c.cfg.nodes["feedback"].ask_region = true;
    c.contact.state = at("main");
    auto r = c.send("3");
    CHECK(texts(r) == strings{"Sugerencia\n" + region_es});
    CHECK(r.contact.state == state{"feedback", "region", {{"category", "service"}}});
}

TEST_CASE("a case is never opened without a reference to promise") {
    conversation c;
    c.reference.clear();
    c.contact.state = {"complaint", "description", {{"category", "documentation"}}};
    CHECK_THROWS_AS(c.send("Sin referencia"), std::logic_error);
}
