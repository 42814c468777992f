// Reading numbered choices and measuring free text, table-driven.
#include "handlers/input.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using cwc::handlers::parse_choice;
using cwc::handlers::visible_characters;

TEST_CASE("a choice is just a number, optionally followed by '.' or ')'") {
    struct row {
        std::string folded;
        std::optional<std::size_t> expected;
    };
    const row rows[] = {
        {"1", 1},
        {"12", 12},
        {"0", 0},
        {"02", 2},
        {"3.", 3},
        {"4)", 4},
        {"", std::nullopt},
        {".", std::nullopt},
        {"1..", std::nullopt},
        {"1 2", std::nullopt},
        {"1a", std::nullopt},
        {"opcion 1", std::nullopt},
        {"-1", std::nullopt},
        {"1234", std::nullopt},
        {"١", std::nullopt},  // not folded yet: the engine folds before choosing
    };
    for (const auto& r : rows) {
        CAPTURE(r.folded);
        CHECK(parse_choice(r.folded) == r.expected);
    }
}

TEST_CASE("visible characters count code points that are not white space") {
    struct row {
        std::string text;
        std::size_t expected;
    };
    const row rows[] = {
        {"", 0},
        {"   ", 0},
        {"a", 1},
        {" a ", 1},
        {"ab", 2},
        {"a b", 2},
        {"\tx\n", 1},
        {"ñ", 1},
        {"añ", 2},
        {"ب", 1},
        {"بب", 2},
        {"👍", 1},
        {"\xC2\xA0x\xC2\xA0", 1},
        {"日本", 2},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(visible_characters(r.text) == r.expected);
    }
}
