// SMS cost, UTF-8 validation and keyword folding, checked against the calculators' vectors
// (tests/fixtures/sms_segments.json, PROVIDERS.md §8.4) and hand-made edge cases.
#include "messages/text.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <utility>

using namespace cwc::messages;

namespace {

std::string repeat(std::string_view s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

sms_encoding encoding_named(const std::string& name) {
    REQUIRE((name == "GSM-7" || name == "UCS-2"));
    return name == "GSM-7" ? sms_encoding::gsm7 : sms_encoding::ucs2;
}

}  // namespace

TEST_CASE("count_sms agrees with both calculators on every fixture vector") {
    std::ifstream in(CWC_SOURCE_DIR "/tests/fixtures/sms_segments.json");
    REQUIRE(in.good());
    const auto fixture = nlohmann::json::parse(in);
    const auto& vectors = fixture.at("vectors");
    REQUIRE(vectors.size() >= 20);
    for (const auto& v : vectors) {
        const std::string text = v.at("text");
        CAPTURE(v.at("label").get<std::string>());
        const sms_cost cost = count_sms(text);
        CHECK(cost.encoding == encoding_named(v.at("calc_encoding")));
        CHECK(cost.segments == v.at("calc_segments").get<int>());
        CHECK(cost.segments == v.at("split_parts").get<int>());
        if (cost.encoding == sms_encoding::ucs2) {
            CHECK(cost.units == v.at("jsLength").get<int>());  // UTF-16 code units
        }
    }
}

TEST_CASE("count_sms: PROVIDERS.md §8.4 table") {
    struct row {
        std::string text;
        sms_encoding encoding;
        int units;
        int segments;
    };
    const auto G = sms_encoding::gsm7;
    const auto U = sms_encoding::ucs2;
    const row rows[] = {
        {"Hello, your appointment is on Monday at 10:00.", G, 46, 1},
        {repeat("A", 160), G, 160, 1},
        {repeat("A", 161), G, 161, 2},
        {repeat("B", 306), G, 306, 2},
        {repeat("B", 307), G, 307, 3},
        {"¿Dónde está la clínica? Necesito información útil.", U, 50, 1},
        {"¡Hola! ¿Año nuevo? Señor José, café", G, 35, 1},
        {"Déjà vu à l'école, très bien, où?", G, 33, 1},
        {"Ça va? Fête à la forêt, château", U, 31, 1},
        {"Não, obrigação, informações, avó", U, 32, 1},
        {"مرحبا، كيف يمكننا مساعدتك؟", U, 26, 1},
        {"Thanks 😀", U, 9, 1},
        {"Cost: 5€ [ok] {yes}", G, 24, 1},  // 19 characters; € [ ] { } cost two septets
        {repeat("€", 80), G, 160, 1},
        {repeat("€", 81), G, 162, 2},
        {repeat("á", 70), U, 70, 1},
        {repeat("á", 71), U, 71, 2},
        {repeat("á", 134), U, 134, 2},
        {repeat("á", 135), U, 135, 3},
        {repeat("😀", 35), U, 70, 1},
        {repeat("😀", 36), U, 72, 2},
    };
    for (const row& r : rows) {
        CAPTURE(r.text);
        const sms_cost cost = count_sms(r.text);
        CHECK(cost.encoding == r.encoding);
        CHECK(cost.units == r.units);
        CHECK(cost.segments == r.segments);
    }
}

TEST_CASE("count_sms: edge cases") {
    SUBCASE("empty text costs nothing") {
        const sms_cost cost = count_sms("");
        CHECK(cost.encoding == sms_encoding::gsm7);
        CHECK(cost.units == 0);
        CHECK(cost.segments == 0);
    }
    SUBCASE("one non-GSM letter switches the whole text to UCS-2") {
        CHECK(count_sms(repeat("a", 100)).segments == 1);
        const sms_cost cost = count_sms(repeat("a", 100) + "ç");
        CHECK(cost.encoding == sms_encoding::ucs2);
        CHECK(cost.units == 101);
        CHECK(cost.segments == 2);
    }
    SUBCASE("backtick, tab and lower-case ç are not GSM-7; Greek capitals and Ç are") {
        CHECK(count_sms("`").encoding == sms_encoding::ucs2);
        CHECK(count_sms("a\tb").encoding == sms_encoding::ucs2);
        CHECK(count_sms("ç").encoding == sms_encoding::ucs2);
        CHECK(count_sms("ΔΦΓΛΩΠΨΣΘΞ Ç £¥§¤ ÆæßÉ").encoding == sms_encoding::gsm7);
        CHECK(count_sms("line\nbreak\r").encoding == sms_encoding::gsm7);
    }
    SUBCASE("every extension character costs two septets") {
        for (const char* ext : {"^", "{", "}", "\\", "[", "~", "]", "|", "€", "\f"}) {
            CAPTURE(ext);
            const sms_cost cost = count_sms(ext);
            CHECK(cost.encoding == sms_encoding::gsm7);
            CHECK(cost.units == 2);
        }
    }
    SUBCASE("an escape pair is never split across parts") {
        // 306 septets would fit two 153-septet parts, but the € would straddle the boundary.
        const sms_cost cost = count_sms(repeat("A", 152) + "€" + repeat("A", 152));
        CHECK(cost.units == 306);
        CHECK(cost.segments == 3);
    }
    SUBCASE("a surrogate pair is never split across parts") {
        const sms_cost cost = count_sms(repeat("á", 66) + "😀" + repeat("á", 66));
        CHECK(cost.units == 134);
        CHECK(cost.segments == 3);
    }
    SUBCASE("invalid UTF-8 counts as UCS-2, one unit per bad byte") {
        const sms_cost cost = count_sms("ab\xff\xfe");
        CHECK(cost.encoding == sms_encoding::ucs2);
        CHECK(cost.units == 4);
        CHECK(cost.segments == 1);
        CHECK(count_sms("\xc3").units == 1);  // truncated sequence
    }
}

TEST_CASE("is_valid_utf8 is strict") {
    struct row {
        std::string bytes;
        bool valid;
    };
    const row rows[] = {
        {"", true},
        {"plain ascii", true},
        {"señor, مرحبا, 😀", true},
        {"\x7f", true},
        {"\xc2\x80", true},           // U+0080, smallest two-byte
        {"\xef\xbf\xbf", true},       // U+FFFF
        {"\xf4\x8f\xbf\xbf", true},   // U+10FFFF
        {"\xc0\xaf", false},          // overlong '/'
        {"\xc1\xbf", false},          // overlong
        {"\xe0\x80\xaf", false},      // overlong three-byte
        {"\xf0\x80\x80\xaf", false},  // overlong four-byte
        {"\xed\xa0\x80", false},      // U+D800 high surrogate
        {"\xed\xbf\xbf", false},      // U+DFFF low surrogate
        {"\xf4\x90\x80\x80", false},  // U+110000
        {"\xf5\x80\x80\x80", false},
        {"\xff", false},
        {"\x80", false},      // lone continuation byte
        {"\xc3", false},      // truncated
        {"\xe2\x82", false},  // truncated €
        {"a\xc3(b", false},   // bad continuation
    };
    for (const row& r : rows) {
        CAPTURE(r.bytes);
        CHECK(is_valid_utf8(r.bytes) == r.valid);
    }
}

TEST_CASE("is_valid_utf8 finds a bad byte wherever it stands among long ASCII runs") {
    // The validator skips ASCII eight bytes at a time: a bad or good sequence at every offset
    // and alignment, before, inside and after such runs, must be judged as on its own.
    const std::pair<std::string, bool> sequences[] = {
        {"\xc3\xb1", true}, {"\xf0\x9f\x98\x80", true}, {"\x80", false},
        {"\xc3", false},     {"\xed\xa0\x80", false},     {"\xff", false}};
    for (const auto& [sequence, valid] : sequences) {
        for (std::size_t before = 0; before <= 17; ++before) {
            for (std::size_t after : {0u, 1u, 7u, 8u, 9u, 16u}) {
                const std::string text = std::string(before, 'a') + sequence + std::string(after, 'z');
                CAPTURE(before);
                CAPTURE(after);
                CHECK(is_valid_utf8(text) == valid);
            }
        }
    }
    CHECK(is_valid_utf8(std::string(4096, 'x')));
    CHECK_FALSE(is_valid_utf8(std::string(4095, 'x') + "\xe2\x82"));
}

TEST_CASE("fold_for_matching") {
    struct row {
        std::string in;
        std::string out;
    };
    const row rows[] = {
        {"  MENÚ ", "menu"},
        {"Baja", "baja"},
        {"٣", "3"},
        {"۴", "4"},
        {"٠١٢٣٤٥٦٧٨٩", "0123456789"},
        {"۰۱۲۳۴۵۶۷۸۹", "0123456789"},
        {"ESTADO  q7k-2m4", "estado q7k-2m4"},
        {"مساعدة", "مساعدة"},  // Arabic letters are left alone
        {"", ""},
        {" \t\n ", ""},
        {"\xc2\xa0"
         "Ayuda\xc2\xa0\xc2\xa0"
         "ya\xc2\xa0",
         "ayuda ya"},  // no-break spaces
        {"a \t\r\n b", "a b"},
        {"áàâäãå ÁÀÂÄÃÅ", "aaaaaa aaaaaa"},
        {"éèêë ÉÈÊË", "eeee eeee"},
        {"íìîï ÍÌÎÏ", "iiii iiii"},
        {"óòôöõ ÓÒÔÖÕ", "ooooo ooooo"},
        {"úùûü ÚÙÛÜ", "uuuu uuuu"},
        {"ñÑ çÇ ýÿÝŸ", "nn cc yyyy"},
        {"Æ Ø ß Œ Ł", "æ ø ß œ ł"},  // no base letter: lower-cased only
        {"ČĆŠŽ ĞŞİ", "ccsz gsi"},    // Latin Extended-A
        {"ΣΟΣ", "ΣΟΣ"},              // other scripts unchanged
        {"Stop!", "stop!"},
        {"😀 HI", "😀 hi"},
    };
    for (const row& r : rows) {
        CAPTURE(r.in);
        CHECK(fold_for_matching(r.in) == r.out);
    }
}
