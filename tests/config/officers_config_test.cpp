// The "officers" section: the officers' API listener (or none), the small-cell threshold of its
// aggregates, token lifetime and the failed-attempt limit; defaults when absent.
#include "config/load.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

namespace {

load_result with_officers(const json& section) {
    json doc = example_json();
    doc["officers"] = section;
    return load_from_json(doc);
}

}  // namespace

TEST_CASE("the officers section is read, with defaults for what it leaves out") {
    json doc = example_json();
    doc.erase("officers");
    const auto defaults = load_from_json(doc);
    INFO(describe(defaults.errors));
    REQUIRE(defaults.value);
    CHECK(defaults.value->officers.listen == "127.0.0.1:8081");
    CHECK(defaults.value->officers.suppression_threshold == 5);
    CHECK(defaults.value->officers.token_days == 90);
    CHECK(defaults.value->officers.failed_attempts_per_minute == 10);

    const auto set = with_officers({{"listen", "0.0.0.0:9443"},
                                    {"suppression_threshold", 10},
                                    {"token_days", 30},
                                    {"failed_attempts_per_minute", 3}});
    INFO(describe(set.errors));
    REQUIRE(set.value);
    CHECK(set.value->officers.listen == "0.0.0.0:9443");
    CHECK(set.value->officers.suppression_threshold == 10);
    CHECK(set.value->officers.token_days == 30);
    CHECK(set.value->officers.failed_attempts_per_minute == 3);

    const auto off = with_officers({{"listen", ""}});
    REQUIRE(off.value);
    CHECK(off.value->officers.listen.empty());
}

TEST_CASE("broken officers settings are reported at their JSON pointer") {
    struct variant {
        const char* name;
        json section;
        const char* path;
    };
    const variant variants[] = {
        {"not an object", json::array(), "/officers"},
        {"listen without a port", {{"listen", "127.0.0.1"}}, "/officers/listen"},
        {"listen not a string", {{"listen", 8081}}, "/officers/listen"},
        {"threshold zero", {{"suppression_threshold", 0}}, "/officers/suppression_threshold"},
        {"threshold above 100",
         {{"suppression_threshold", 101}},
         "/officers/suppression_threshold"},
        {"token_days zero", {{"token_days", 0}}, "/officers/token_days"},
        {"attempts as text",
         {{"failed_attempts_per_minute", "10"}},
         "/officers/failed_attempts_per_minute"},
    };
    for (const auto& v : variants) {
        CAPTURE(v.name);
        const auto result = with_officers(v.section);
        CHECK_FALSE(result.value);
        CHECK_MESSAGE(find_problem(result.errors, v.path) != nullptr, describe(result.errors));
    }
    // A misspelt key is a warning, not silently ignored.
    const auto typo = with_officers({{"suppresion_threshold", 5}});
    REQUIRE(typo.value);
    CHECK(find_problem(typo.warnings, "/officers/suppresion_threshold") != nullptr);
}
