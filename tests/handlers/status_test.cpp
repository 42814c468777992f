// STATUS look-ups: the person's own case is answered with its plain status; an unknown
// reference, someone else's case and a sensitive case all get the same neutral text.
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::handlers;
using namespace cwc::handlers::test;

namespace {
void add_cases(fake_cases& cases) {
    cases.cases["Q7K-2M4"] = {"Q7K-2M4", 7, "in_progress", false};
    cases.cases["ACD-EFG"] = {"ACD-EFG", 8, "new", false};       // someone else's
    cases.cases["HJK-MNP"] = {"HJK-MNP", 7, "new", true};        // own, sensitive
    cases.cases["RTU-VWX"] = {"RTU-VWX", 7, "referred", false};  // status without words
}
}  // namespace

TEST_CASE("STATUS answers only the person's own non-sensitive case") {
    struct row {
        std::string input;
        std::string reply;
        std::string asked;  // reference looked up, "" = none
    };
    const row rows[] = {
        {"ESTADO Q7K-2M4", "Caso Q7K-2M4: en proceso.", "Q7K-2M4"},
        {"estado q7k2m4", "Caso Q7K-2M4: en proceso.", "Q7K-2M4"},
        {"Estado  q7k 2m4", "Caso Q7K-2M4: en proceso.", "Q7K-2M4"},
        {"ESTADO RTU-VWX", "Caso RTU-VWX: referred.", "RTU-VWX"},
        {"ESTADO ACD-EFG", neutral_es, "ACD-EFG"},
        {"ESTADO HJK-MNP", neutral_es, "HJK-MNP"},
        {"ESTADO 222-222", neutral_es, "222-222"},
        {"ESTADO", usage_es, ""},
        {"estado de mi queja", usage_es, ""},
        {"ESTADO Q7K-2M", usage_es, ""},
        {"ESTADO Q7K-2M4X", usage_es, ""},
        {"ESTADO Q0K-2M4", usage_es, ""},  // 0 is not in the alphabet
    };
    for (const auto& r : rows) {
        CAPTURE(r.input);
        conversation c;
        add_cases(c.cases);
        c.contact.state = at("services");
        auto result = c.send(r.input);
        CHECK(texts(result) == strings{r.reply});
        CHECK(result.contact.state == state{});
        CHECK(result.events.empty());
        if (r.asked.empty()) {
            CHECK(c.cases.asked.empty());
        } else {
            CHECK(c.cases.asked == strings{r.asked});
        }
    }
}

TEST_CASE("the three not-yours answers are one and the same text") {
    strings answers;
    for (const char* input : {"ESTADO ACD-EFG", "ESTADO HJK-MNP", "ESTADO 222-222"}) {
        conversation c;
        add_cases(c.cases);
        auto r = c.send(input);
        REQUIRE(r.replies.size() == 1);
        answers.push_back(r.replies.front().text);
    }
    CHECK(answers[0] == answers[1]);
    CHECK(answers[1] == answers[2]);
}

TEST_CASE("a contact not yet stored owns no case") {
    conversation c;
    c.cases.cases["Q7K-2M4"] = {"Q7K-2M4", 0, "new", false};
    c.contact.id = 0;
    CHECK(texts(c.send("ESTADO Q7K-2M4")) == strings{neutral_es});
}

TEST_CASE("STATUS in English, inferred from the word") {
    conversation c;
    add_cases(c.cases);
    auto r = c.send("status Q7K-2M4");
    CHECK(texts(r) == strings{"Case Q7K-2M4: in progress."});
    CHECK(r.contact.language == "en");
    CHECK(r.events == strings{"language.inferred"});
}

TEST_CASE("the status node reads the next message as a reference") {
    struct row {
        std::string input;
        std::string reply;
    };
    const row rows[] = {
        {"q7k-2m4", "Caso Q7K-2M4: en proceso."},
        {"Q7K 2M4", "Caso Q7K-2M4: en proceso."},
        {"ACD-EFG", neutral_es},
        {"HJK-MNP", neutral_es},
        {"ESTADO Q7K-2M4", "Caso Q7K-2M4: en proceso."},
    };
    for (const auto& r : rows) {
        CAPTURE(r.input);
        conversation c;
        add_cases(c.cases);
        c.contact.state = at("main");
        CHECK(texts(c.send("4")) == strings{status_prompt_es});
        auto result = c.send(r.input);
        CHECK(texts(result) == strings{r.reply});
        CHECK(result.contact.state == state{});
    }
}
