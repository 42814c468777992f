// The "retention" section (days per case type and for messages, 0 = keep), the "delete" keyword
// and the erasure texts: read from the example, refused at their JSON pointer when wrong.
#include "config/load.hpp"
#include "config/sms_pages.hpp"
#include "config/text_folding.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

namespace {

load_result with_retention(const json& section) {
    json doc = example_json();
    doc["retention"] = section;
    return load_from_json(doc);
}

const keyword_set* erase_words(const config& cfg) {
    for (const auto& set : cfg.keywords)
        if (set.action == keyword_action::erase) return &set;
    return nullptr;
}

}  // namespace

TEST_CASE("the example keeps messages a year and cases two, and has DELETE/BORRAR") {
    const auto loaded = load_from_json(example_json());
    INFO(describe(loaded.errors));
    REQUIRE(loaded.value);
    const auto& cfg = *loaded.value;
    CHECK(cfg.retention.messages_days == 365);
    CHECK(cfg.retention.days_for("complaint") == 730);
    CHECK(cfg.retention.days_for("suggestion") == 365);
    CHECK(cfg.retention.days_for("no_such_type") == 0);  // keep
    const auto* words = erase_words(cfg);
    REQUIRE(words != nullptr);
    CHECK(words->folded.at("es").front() == "borrar");
    CHECK(words->folded.at("en").front() == "delete");
}

TEST_CASE("without a retention section everything is kept, and delete is optional") {
    json doc = example_json();
    doc.erase("retention");
    doc["keywords"].erase("delete");
    const auto loaded = load_from_json(doc);
    INFO(describe(loaded.errors));
    REQUIRE(loaded.value);
    CHECK(loaded.value->retention.messages_days == 0);
    CHECK(loaded.value->retention.case_days.empty());
    CHECK(erase_words(*loaded.value) == nullptr);
}

TEST_CASE("broken retention settings are reported at their JSON pointer") {
    struct variant {
        const char* name;
        json section;
        const char* path;
    };
    const variant variants[] = {
        {"not an object", json::array(), "/retention"},
        {"negative days", {{"messages_days", -1}}, "/retention/messages_days"},
        {"days as text", {{"messages_days", "365"}}, "/retention/messages_days"},
        {"beyond a century", {{"messages_days", 40000}}, "/retention/messages_days"},
        {"case_days not an object", {{"case_days", 730}}, "/retention/case_days"},
        {"unknown case type", {{"case_days", {{"complaints", 730}}}}, "/retention/case_days/complaints"},
        {"case days negative", {{"case_days", {{"complaint", -5}}}}, "/retention/case_days/complaint"},
    };
    for (const auto& v : variants) {
        CAPTURE(v.name);
        const auto result = with_retention(v.section);
        CHECK_FALSE(result.value);
        CHECK_MESSAGE(find_problem(result.errors, v.path) != nullptr, describe(result.errors));
    }
    const auto typo = with_retention({{"message_days", 30}});
    REQUIRE(typo.value);
    CHECK(find_problem(typo.warnings, "/retention/message_days") != nullptr);
    const auto keep = with_retention({{"messages_days", 0}, {"case_days", {{"complaint", 0}}}});
    REQUIRE(keep.value);
    CHECK(keep.value->retention.days_for("complaint") == 0);
}

TEST_CASE("a delete word may not be another keyword's word") {
    json doc = example_json();
    doc["keywords"]["delete"]["es"] = json::array({"baja"});  // the Spanish STOP word
    const auto result = load_from_json(doc);
    CHECK_FALSE(result.value);
    const bool at_either = find_problem(result.errors, "/keywords/delete/es/0") != nullptr ||
                           find_problem(result.errors, "/keywords/stop/es/0") != nullptr;
    CHECK_MESSAGE(at_either, describe(result.errors));
    // A word the provider treats as STOP is flagged: the person would be opted out instead.
    json provider = example_json();
    provider["keywords"]["delete"]["en"] = json::array({"delete", "unsubscribe"});
    provider["keywords"]["stop"]["en"] = json::array({"stop"});
    provider["keywords"]["stop"]["es"] = json::array({"baja", "stop"});
    const auto warned = load_from_json(provider);
    CHECK(find_problem(warned.warnings, "/keywords/delete/en/1") != nullptr);
}

TEST_CASE("the erasure texts have built-in wording, and the confirm question names its word") {
    const auto loaded = load_from_json(example_json());
    REQUIRE(loaded.value);
    const auto& cfg = *loaded.value;
    CHECK(fold_for_matching(optional_text(cfg, "erasure_yes", "es")) == "si");
    CHECK(fold_for_matching(optional_text(cfg, "erasure_yes", "en")) == "yes");
    CHECK(optional_text(cfg, "erasure_confirm", "es").find("{yes}") != std::string::npos);
    for (const char* key : {"erasure_done", "erasure_held", "erasure_cancelled"})
        CHECK_FALSE(optional_text(cfg, key, "ar").empty());
    // A deployment's own question must keep the placeholder of its word.
    json doc = example_json();
    doc["texts"]["erasure_confirm"] = {{"es", "¿Borrar? Responde SI."}, {"en", "Erase? Reply YES."}};
    const auto result = load_from_json(doc);
    CHECK_FALSE(result.value);
    CHECK_MESSAGE(find_problem(result.errors, "/texts/erasure_confirm/es") != nullptr,
                  describe(result.errors));
}
