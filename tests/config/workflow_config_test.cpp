// The AAP workflow's sections: organisations and their focal points, the default owner of cases,
// sensitive keywords, the safe reply and the focal points' alert, category codes and deadlines.
#include "config/load.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

TEST_CASE("the example's organisations, focal points, codes and sensitive settings are read") {
    const auto result = load_from_json(example_json());
    INFO(describe(result.errors));
    REQUIRE(result.value);
    const config& cfg = *result.value;
    REQUIRE(cfg.organisations.size() == 2);
    CHECK(cfg.default_organisation == "red_cbo");
    const organisation* org = cfg.find_organisation("union_venezolana");
    REQUIRE(org != nullptr);
    REQUIRE(org->focal_points.size() == 2);
    CHECK_FALSE(org->focal_points[0].backup);
    CHECK(org->focal_points[1].backup);
    CHECK(org->focal_points[0].channel == "sms");

    const category* sea = cfg.find_category("staff_misconduct");
    REQUIRE(sea != nullptr);
    CHECK(sea->sensitive);
    CHECK(sea->deadline_hours == 24);
    REQUIRE(sea->codes.size() == 2);
    CHECK(sea->codes[0].id == "sea");
    CHECK(cfg.find_category("fraud")->deadline_hours == 72);

    // Keywords are folded once at load: no case, no accents.
    const auto& es = cfg.sensitive.folded.at("es");
    CHECK(std::find(es.begin(), es.end(), "violacion") != es.end());
    CHECK(cfg.sensitive.reminder_hours == 4);
    CHECK_FALSE(cfg.sensitive.safe_reply.at("en").empty());
}

TEST_CASE("workflow mistakes are named by their JSON path") {
    struct mistake {
        const char* what;
        void (*edit)(json&);
        const char* path;
    };
    const mistake mistakes[] = {
        {"a focal point on a channel that does not exist",
         [](json& d) { d["organisations"][0]["focal_points"][0]["channel"] = "whatsapp"; },
         "/organisations/0/focal_points/0/channel"},
        {"a focal point without a number",
         [](json& d) { d["organisations"][1]["focal_points"][1].erase("address"); },
         "/organisations/1/focal_points/1/address"},
        {"an organisation id used twice",
         [](json& d) { d["organisations"][1]["id"] = "red_cbo"; }, "/organisations/1/id"},
        {"a default organisation that is not listed",
         [](json& d) { d["default_organisation"] = "unhcr"; }, "/default_organisation"},
        {"organisations without a default", [](json& d) { d.erase("default_organisation"); },
         "/default_organisation"},
        {"sensitive categories without the sensitive section",
         [](json& d) { d.erase("sensitive"); }, "/sensitive"},
        {"an alert without the case reference",
         [](json& d) { d["sensitive"]["alert"]["en"] = "A sensitive case needs you."; },
         "/sensitive/alert/en"},
        {"keywords in a language that is not configured",
         [](json& d) { d["sensitive"]["keywords"]["ar"] = json::array({"اعتداء"}); },
         "/sensitive/keywords/ar"},
        {"a deadline of zero hours",
         [](json& d) { d["categories"][3]["deadline_hours"] = 0; }, "/categories/3/deadline_hours"},
        {"a code id that is not a slug",
         [](json& d) { d["categories"][0]["codes"][0]["id"] = "CPP delay"; },
         "/categories/0/codes/0/id"},
    };
    for (const auto& m : mistakes) {
        const std::string what = m.what;
        CAPTURE(what);
        json doc = example_json();
        m.edit(doc);
        const auto result = load_from_json(doc);
        CHECK_FALSE(result.value);
        CHECK_MESSAGE(find_problem(result.errors, m.path) != nullptr, describe(result.errors));
    }
}
