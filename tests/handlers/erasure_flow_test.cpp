// DELETE/BORRAR: the question naming the yes word of the person's language, the yes word
// confirming (held while a sensitive case of theirs is open), anything else cancelling, a
// keyword after the question still acted on, and STOP cancelling without a word.
#include "config/sms_pages.hpp"
#include "handlers/conversation.hpp"
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::handlers;
using namespace cwc::handlers::test;

namespace {

conversation with_delete() {
    conversation c;
    c.cfg.keywords.push_back(
        {config::keyword_action::erase, {{"es", {"BORRAR"}}, {"en", {"DELETE"}}}, {}});
    config::fold_keywords(c.cfg);
    return c;
}

std::string builtin(const conversation& c, const char* key, const char* lang) {
    return config::optional_text(c.cfg, key, lang);
}

std::string question(const conversation& c, const char* lang) {
    std::string q = builtin(c, "erasure_confirm", lang);
    q.replace(q.find("{yes}"), 5, builtin(c, "erasure_yes", lang));
    return q;
}

}  // namespace

TEST_CASE("BORRAR asks first; SI (any case, with accent) confirms the erasure") {
    for (const char* yes : {"SI", "si", "Sí", " sí "}) {
        CAPTURE(yes);
        auto c = with_delete();
        auto asked = c.send("borrar");
        CHECK(texts(asked) == strings{question(c, "es")});
        CHECK_FALSE(asked.erasure);
        CHECK(asked.contact.state.step == "erasure_confirm");
        auto confirmed = c.send(yes);
        REQUIRE(confirmed.erasure);
        CHECK_FALSE(confirmed.erasure->held);
        CHECK(texts(confirmed) == strings{builtin(c, "erasure_done", "es")});
        CHECK(confirmed.events == strings{"erasure.confirmed"});
        CHECK(confirmed.contact.state == messages::conversation_state{});
    }
}

TEST_CASE("DELETE in English is answered in English and confirmed by YES, not by SI") {
    auto c = with_delete();
    c.contact.language = "en";
    CHECK(texts(c.send("DELETE")) == strings{question(c, "en")});
    auto other = c.send("si");
    CHECK_FALSE(other.erasure);
    CHECK(texts(other) == strings{builtin(c, "erasure_cancelled", "en")});
    c.send("delete");
    CHECK(c.send("yes").erasure.has_value());
}

TEST_CASE("anything else cancels; a keyword after the question is still acted on") {
    auto c = with_delete();
    c.send("BORRAR");
    auto no = c.send("no, mejor no");
    CHECK_FALSE(no.erasure);
    CHECK(texts(no) == strings{builtin(c, "erasure_cancelled", "es")});
    CHECK(no.events == strings{"erasure.cancelled"});
    CHECK(no.contact.state == messages::conversation_state{});
    // "si" later, out of the question, is just a message: no erasure.
    CHECK_FALSE(c.send("si").erasure);

    c.send("BORRAR");
    auto menu = c.send("menu");
    CHECK_FALSE(menu.erasure);
    REQUIRE(texts(menu).size() == 2);
    CHECK(texts(menu).front() == builtin(c, "erasure_cancelled", "es"));
    CHECK(texts(menu).back() == main_es);
}

TEST_CASE("STOP during the question cancels it without a word more") {
    auto c = with_delete();
    c.send("BORRAR");
    auto stop = c.send("BAJA");
    CHECK_FALSE(stop.erasure);
    CHECK(stop.contact.opted_out);
    for (const auto& t : texts(stop)) CHECK(t != builtin(c, "erasure_cancelled", "es"));
}

TEST_CASE("an open sensitive case holds the erasure, and the person is told") {
    auto c = with_delete();
    c.cases.cases["Q7K-2M4"] = {"Q7K-2M4", c.contact.id, "acknowledged", true};
    c.send("BORRAR");
    auto held = c.send("SI");
    REQUIRE(held.erasure);
    CHECK(held.erasure->held);
    CHECK(texts(held) == strings{builtin(c, "erasure_held", "es")});
    CHECK(held.events == strings{"erasure.held"});

    // Closed, or not sensitive, or someone else's: nothing holds it.
    for (auto [status, sensitive, owner] :
         {std::tuple{"closed", true, c.contact.id}, std::tuple{"new", false, c.contact.id},
          std::tuple{"new", true, std::int64_t{99}}}) {
        c.cases.cases["Q7K-2M4"] = {"Q7K-2M4", owner, status, sensitive};
        c.send("BORRAR");
        auto now = c.send("SI");
        REQUIRE(now.erasure);
        CHECK_FALSE(now.erasure->held);
    }
}

TEST_CASE("the question expires with the conversation: SI after the idle timeout erases nothing") {
    auto c = with_delete();
    c.send("BORRAR");
    c.now += std::chrono::minutes{c.cfg.conversation_timeout_minutes + 1};
    CHECK_FALSE(c.send("SI").erasure);
}
