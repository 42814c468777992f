// Paging for SMS: every page within max_page_segments in its own encoding, numbered "(k/N)",
// the "more" line on all but the last, the back hint on that one, nothing lost or repeated at the
// cuts, blocks kept whole where they fit, and the optional texts' fallbacks per language.
#include "config/sms_cost.hpp"
#include "config/sms_pages.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace cwc::config;

namespace {

const page_frame frame_en{"Reply 9 for more.", "Reply 0 for the menu.", false};

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// The page's text between its "(k/N) " marker and its footer.
std::string body_of(const std::string& page, std::size_t k, std::size_t n, const page_frame& f) {
    const std::string marker = std::string(f.right_to_left ? "\u200F" : "") + "(" +
                               std::to_string(k) + "/" + std::to_string(n) + ") ";
    const std::string footer = "\n\n" + (k < n ? f.more : f.back);
    REQUIRE(page.rfind(marker, 0) == 0);
    REQUIRE(page.ends_with(footer));
    return page.substr(marker.size(), page.size() - marker.size() - footer.size());
}

}  // namespace

TEST_CASE("pages: a table of texts, each page within the segment limit and nothing lost") {
    struct row {
        const char* name;
        std::string text;
        sms_encoding encoding;
        std::size_t min_pages;
        std::string joiner;  // how the bodies join back into the text
    };
    const row rows[] = {
        {"English prose", repeat("Bring your passport and arrive early. ", 30), sms_encoding::gsm7,
         2, " "},
        {"Spanish with accents is UCS-2", repeat("Aquí recibes orientación legal gratis. ", 20),
         sms_encoding::ucs2, 2, " "},
        {"Arabic", repeat("أحضر جواز سفرك وتعال مبكراً. ", 25), sms_encoding::ucs2, 3, " "},
        {"a word longer than a page", std::string(1000, 'x'), sms_encoding::gsm7, 3, ""},
        {"more than nine pages", repeat("Bring your passport and arrive early. ", 160),
         sms_encoding::gsm7, 10, " "},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        std::string text = r.text;
        while (!text.empty() && text.back() == ' ') text.pop_back();
        const auto pages = paginate({text}, frame_en);
        REQUIRE(pages.size() >= r.min_pages);
        std::string joined;
        for (std::size_t k = 0; k < pages.size(); ++k) {
            CAPTURE(k);
            const sms_cost cost = count_sms(pages[k].text);
            CHECK(cost.encoding == r.encoding);
            CHECK(cost.segments <= max_page_segments);
            CHECK(pages[k].blocks == std::vector<std::size_t>{0});
            joined += (k == 0 ? "" : r.joiner) + body_of(pages[k].text, k + 1, pages.size(), frame_en);
        }
        CHECK(joined == text);
    }
}

TEST_CASE("every length of text, with a back hint longer than the more line, fits its pages") {
    const page_frame long_back{"9: more.", repeat("Reply 0 to go back to the menu. ", 4), false};
    const std::string words = repeat("Bring your passport and arrive early. ", 40);
    for (std::size_t length = 150; length < words.size(); length += 23) {
        CAPTURE(length);
        const auto pages = paginate({words.substr(0, length)}, long_back);
        for (const auto& p : pages) CHECK(count_sms(p.text).segments <= max_page_segments);
    }
}

TEST_CASE("a text that fits is one page, unnumbered, with the back hint") {
    const auto pages = paginate({"Clinic: Av. Sol 1.", "Open 8-17."}, frame_en);
    REQUIRE(pages.size() == 1);
    CHECK(pages[0].text == "Clinic: Av. Sol 1.\n\nOpen 8-17.\n\nReply 0 for the menu.");
    CHECK(pages[0].blocks == std::vector<std::size_t>{0, 1});
    CHECK(paginate({}, frame_en).at(0).text == "Reply 0 for the menu.");
    CHECK(paginate({"", "Only this."}, frame_en).at(0).blocks == std::vector<std::size_t>{1});
}

TEST_CASE("blocks stay whole where they fit, and a long block is cut between its lines") {
    const std::string entry = "Legal aid of the network\nHours: Mon-Sat 9-17\nContact: +51 987 000 401"
                              "\nBring: papers about the case\nFor: anyone";
    std::vector<std::string> blocks(8, entry);
    const auto pages = paginate(blocks, frame_en);
    REQUIRE(pages.size() >= 2);
    std::size_t shown = 0;
    for (std::size_t k = 0; k < pages.size(); ++k) {
        CAPTURE(k);
        const std::string body = body_of(pages[k].text, k + 1, pages.size(), frame_en);
        // Only whole entries on a page: the body is entries joined by blank lines.
        std::string expected;
        for (std::size_t i = 0; i < pages[k].blocks.size(); ++i) {
            expected += (expected.empty() ? "" : "\n\n") + entry;
        }
        CHECK(body == expected);
        shown += pages[k].blocks.size();
    }
    CHECK(shown == blocks.size());

    const std::string long_entry = entry + "\n" + repeat("Notes: bring a pen. ", 25);
    const auto cut = paginate({long_entry}, frame_en);
    REQUIRE(cut.size() >= 2);
    CHECK(body_of(cut[0].text, 1, cut.size(), frame_en).rfind(entry, 0) == 0);  // lines kept
}

TEST_CASE("right-to-left pages start with a right-to-left mark") {
    const page_frame ar{"أرسل 9 للمزيد.", "أرسل 0 للعودة.", true};
    const auto pages = paginate({repeat("أحضر جواز سفرك. ", 40)}, ar);
    REQUIRE(pages.size() >= 2);
    CHECK(pages[0].text.rfind("\u200F(1/", 0) == 0);
    CHECK(is_right_to_left("ar"));
    CHECK(is_right_to_left("fa"));
    CHECK_FALSE(is_right_to_left("es"));
}

TEST_CASE("optional texts: the deployment's wording, else the engine's per language, else English") {
    config cfg;
    cfg.default_language = "es";
    cfg.texts["page_more"] = {{"es", "9: más"}, {"en", "9: more"}};
    struct row {
        std::string key;
        std::string lang;
        std::string expected;
    };
    const row rows[] = {
        {"page_more", "es", "9: más"},
        {"page_more", "fr", "Répondez 9 pour la suite."},
        {"page_more", "ku", "Reply 9 for more."},
        {"no_services", "ar", "لا توجد خدمات متاحة في هذا الدليل حالياً."},
        {"choose_sex", "es", "Si quieres, dinos tu sexo:"},
        {"not_a_text", "es", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.key);
        CAPTURE(r.lang);
        CHECK(optional_text(cfg, r.key, r.lang) == r.expected);
    }
    for (const char* key : optional_texts) {
        CAPTURE(key);
        CHECK_FALSE(optional_text(config{}, key, "en").empty());
        CHECK_FALSE(optional_text(config{}, key, "es").empty());
        CHECK_FALSE(optional_text(config{}, key, "ar").empty());
    }
}
