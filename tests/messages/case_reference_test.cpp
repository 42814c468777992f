// Case references: generation from entropy, lenient parsing, rejection of look-alikes.
#include "messages/case_reference.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace cwc::messages;

TEST_CASE("make_case_reference formats six alphabet characters as XXX-XXX") {
    CHECK(make_case_reference(0) == "222-222");
    // entropy % 26 picks each character in turn: 1 -> '3', then 25 -> 'Y'.
    CHECK(make_case_reference(1 + 25 * 26) == "3Y2-222");
    std::set<std::string> seen;
    for (std::uint64_t e = 0; e < 2000; ++e) {
        const std::string ref = make_case_reference(e * 2654435761u);
        REQUIRE(ref.size() == 7);
        CHECK(ref[3] == '-');
        for (std::size_t i = 0; i < ref.size(); ++i) {
            if (i != 3) CHECK(case_reference_alphabet.find(ref[i]) != std::string_view::npos);
        }
        CHECK(parse_case_reference(ref) == ref);  // round trip
        seen.insert(ref);
    }
    CHECK(seen.size() > 1990);  // distinct entropy gives (almost always) distinct references
}

TEST_CASE("parse_case_reference accepts what people type") {
    struct row {
        const char* typed;
        const char* canonical;
    };
    const row rows[] = {
        {"Q7K-2M4", "Q7K-2M4"}, {"q7k-2m4", "Q7K-2M4"},      {"q7k2m4", "Q7K-2M4"},
        {"Q7K 2M4", "Q7K-2M4"}, {"  q7k - 2m4 ", "Q7K-2M4"}, {"Q7K\t2M4\n", "Q7K-2M4"},
    };
    for (const row& r : rows) {
        CAPTURE(r.typed);
        CHECK(parse_case_reference(r.typed) == std::optional<std::string>{r.canonical});
    }
}

TEST_CASE("parse_case_reference rejects what cannot be a reference") {
    for (const char* typed :
         {"", "Q0K-2M4", "Q7K-2M", "Q7K-2M4X", "O7K-2M4", "Q1K-2M4", "QLK-2M4", "Q5K-2M4",
          "Q8K-2M4", "Q7Z-2M4", "Q7K_2M4", "Q7K-2MÁ", "estado Q7K-2M4", "------"}) {
        CAPTURE(typed);
        CHECK_FALSE(parse_case_reference(typed).has_value());
    }
}
