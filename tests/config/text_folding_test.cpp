// The shared folding as the config loader uses it (keyword identity), and the lenient code point
// walk behind the loader's word checks. The full folding table is in tests/messages/text_test.cpp,
// through the name the handlers use.
#include "config/text_folding.hpp"

#include <doctest/doctest.h>
#include <string>
#include <vector>

using namespace cwc::config;

TEST_CASE("keyword identity folds case, accents, spaces and digits like the matcher") {
    struct row {
        const char* in;
        const char* folded;
    };
    const row rows[] = {
        {"Menú", "menu"}, {"  INICIO ", "inicio"},         {"Ayúdame", "ayudame"},
        {"Niño", "nino"}, {"start\t  over", "start over"}, {"ÇA", "ca"},
        {"Čas", "cas"},    // Latin Extended-A, as the matcher folds it
        {"Łódź", "łodz"},  // no base letter for Ł: lower-cased only
        {"Øst", "øst"},   {"٣ مساعدة", "3 مساعدة"},        {"Straße", "straße"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.in);
        CHECK(fold_for_matching(r.in) == r.folded);
    }
}

TEST_CASE("next_code_point decodes UTF-8 and lets an invalid byte stand for itself") {
    struct row {
        std::string bytes;
        std::vector<char32_t> code_points;
    };
    const row rows[] = {
        {"a", {U'a'}},
        {"č€😀", {0x10D, 0x20AC, 0x1F600}},
        {"\xff"
         "a",
         {0xFF, U'a'}},
        {"\xc3", {0xC3}},                      // truncated
        {"\xe2\x82", {0xE2, 0x82}},            // truncated €
        {"\xc0\xaf", {0xC0, 0xAF}},            // overlong '/'
        {"\xed\xa0\x80", {0xED, 0xA0, 0x80}},  // UTF-16 surrogate
        {"\xc3(", {0xC3, U'('}},               // bad continuation
        {"", {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.bytes);
        std::vector<char32_t> got;
        for (std::size_t i = 0; i < r.bytes.size();) {
            const std::size_t before = i;
            got.push_back(next_code_point(r.bytes, i));
            REQUIRE(i > before);
        }
        CHECK(got == r.code_points);
    }
}

TEST_CASE("white space for folding is ASCII white space and the no-break space") {
    for (char32_t cp : {U' ', U'\t', U'\n', U'\r', U'\v', U'\f', char32_t{0xA0}}) {
        CHECK(is_fold_space(cp));
    }
    for (char32_t cp : {U'a', U'_', char32_t{0x85}, char32_t{0x2003}, char32_t{0x3000}}) {
        CHECK_FALSE(is_fold_space(cp));
    }
}
