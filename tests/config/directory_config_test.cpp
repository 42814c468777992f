// The service directory, the demographic answers and the directory node as the loader reads them:
// the example's directory as shipped, and each mistake reported at the JSON pointer of the value
// at fault (errors refuse, warnings accept); last-verified dates relative to today.
#include "config/load.hpp"

#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <functional>

using nlohmann::json;
using namespace cwc::config;
using namespace cwc::config::testing;

namespace {

// "YYYY-MM-DD" of today plus days (negative: in the past), as the loader's clock sees it.
std::string day_from_today(int days) {
    const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
                     std::chrono::days{days};
    const std::chrono::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

struct broken_variant {
    const char* name;
    std::function<void(json&)> mutate;
    const char* path;
    bool warning;
    const char* message_has;
};

json& service_at(json& d, std::size_t i) {
    return d["services"][i];
}

const broken_variant variants[] = {
    {"a sector id that is not a slug", [](json& d) { d["sectors"][0]["id"] = "Salud Mental"; },
     "/sectors/0/id", false, "not a valid sector id"},
    {"a sector without a name in English", [](json& d) { d["sectors"][1]["name"].erase("en"); },
     "/sectors/1/name/en", false, ""},
    {"a service id used twice", [](json& d) { service_at(d, 1)["id"] = service_at(d, 0)["id"]; },
     "/services/1/id", false, "used twice"},
    {"a service in an unknown sector", [](json& d) { service_at(d, 0)["sector"] = "food"; },
     "/services/0/sector", false, "no sector 'food'"},
    {"a service in an unknown region", [](json& d) { service_at(d, 0)["regions"][1] = "tumbes"; },
     "/services/0/regions/1", false, "no region 'tumbes'"},
    {"a service in no region", [](json& d) { service_at(d, 0)["regions"] = json::array(); },
     "/services/0/regions", false, "at least one region"},
    {"a service without regions", [](json& d) { service_at(d, 0).erase("regions"); },
     "/services/0/regions", false, ""},
    {"a region listed twice", [](json& d) { service_at(d, 0)["regions"][1] = "lima"; },
     "/services/0/regions/1", false, "listed twice"},
    {"a service of an unknown organisation",
     [](json& d) { service_at(d, 2)["organisation"] = "acnur"; }, "/services/2/organisation", false,
     "no organisation 'acnur'"},
    {"a service without hours", [](json& d) { service_at(d, 0).erase("hours"); },
     "/services/0/hours", false, ""},
    {"eligibility missing in Spanish", [](json& d) { service_at(d, 3)["eligibility"].erase("es"); },
     "/services/3/eligibility/es", false, ""},
    {"an empty contact", [](json& d) { service_at(d, 0)["contact"] = ""; }, "/services/0/contact",
     false, "must not be empty"},
    {"a status that is neither", [](json& d) { service_at(d, 0)["status"] = "closed"; },
     "/services/0/status", false, "active or suspended"},
    {"a date that is not a date", [](json& d) { service_at(d, 0)["last_verified"] = "3/11/2026"; },
     "/services/0/last_verified", false, "YYYY-MM-DD"},
    {"a year with a sign", [](json& d) { service_at(d, 0)["last_verified"] = "+026-11-03"; },
     "/services/0/last_verified", false, "not a date"},
    {"a day that does not exist", [](json& d) { service_at(d, 0)["last_verified"] = "2026-02-30"; },
     "/services/0/last_verified", false, "not a date"},
    {"a date in the future",
     [](json& d) { service_at(d, 0)["last_verified"] = day_from_today(2); },
     "/services/0/last_verified", false, "in the future"},
    {"no last-verified date", [](json& d) { service_at(d, 0).erase("last_verified"); },
     "/services/0/last_verified", false, ""},
    {"a date older than 180 days",
     [](json& d) { service_at(d, 4)["last_verified"] = day_from_today(-181); },
     "/services/4/last_verified", true, "verify it"},
    {"a language that is not a code", [](json& d) { service_at(d, 0)["languages"][0] = "Spanish"; },
     "/services/0/languages/0", false, "not a language code"},
    {"referral days past a year", [](json& d) { service_at(d, 0)["referral_days"] = 400; },
     "/services/0/referral_days", false, ""},
    {"an unknown key in a service", [](json& d) { service_at(d, 0)["opening"] = "9-5"; },
     "/services/0/opening", true, "unknown key"},
    {"an age group id that is not a slug", [](json& d) { d["age_groups"][3]["id"] = "60+"; },
     "/age_groups/3/id", false, "not a valid age group id"},
    {"a sex option id used twice", [](json& d) { d["sex_options"][1]["id"] = "female"; },
     "/sex_options/1/id", false, "used twice"},
    {"ask_sex without sex options",
     [](json& d) {
         d.erase("sex_options");
         d["nodes"]["complaint"]["ask_sex"] = true;
     },
     "/nodes/complaint/ask_sex", false, "/sex_options"},
    {"ask_age_group without age groups",
     [](json& d) {
         d.erase("age_groups");
         d["nodes"]["complaint"]["ask_age_group"] = true;
     },
     "/nodes/complaint/ask_age_group", false, "/age_groups"},
    {"ask_sex on a menu", [](json& d) { d["nodes"]["info"]["ask_sex"] = true; },
     "/nodes/info/ask_sex", true, "only used by complaint and feedback"},
    {"a flow of an unknown organisation",
     [](json& d) { d["nodes"]["feedback"]["organisation"] = "acnur"; },
     "/nodes/feedback/organisation", false, "no organisation 'acnur'"},
    {"a directory restricted to an unknown sector",
     [](json& d) { d["nodes"]["services"]["sectors"] = {"health", "food"}; },
     "/nodes/services/sectors/1", false, "no sector 'food'"},
    {"a directory restricted to no sector",
     [](json& d) { d["nodes"]["services"]["sectors"] = json::array(); },
     "/nodes/services/sectors", false, "at least one sector"},
    {"a directory sector listed twice",
     [](json& d) { d["nodes"]["services"]["sectors"] = {"health", "health"}; },
     "/nodes/services/sectors/1", false, "listed twice"},
    {"a directory without any service",
     [](json& d) { d["services"] = json::array(); }, "/nodes/services", false,
     "needs services in /services"},
    {"a directory whose services are all suspended",
     [](json& d) {
         for (auto& s : d["services"]) s["status"] = "suspended";
     },
     "/nodes/services", true, "suspended"},
    {"sectors on a menu", [](json& d) { d["nodes"]["info"]["sectors"] = {"health"}; },
     "/nodes/info/sectors", true, "only used by directory"},
    {"categories on a directory",
     [](json& d) { d["nodes"]["services"]["categories"] = {"documentation"}; },
     "/nodes/services/categories", true, "only used by complaint and feedback"},
    {"a directory entry without its contact",
     [](json& d) {
         d["texts"]["directory_entry"] = {{"es", "{name}: {hours}"}, {"en", "{name}: {hours}"}};
     },
     "/texts/directory_entry/es", false, "{contact}"},
    {"an information page far longer than a few SMS",
     [](json& d) {
         std::string text;
         for (int i = 0; i < 40; ++i) text += "Lleva tu documento y llega temprano. ";
         d["nodes"]["info_gbv"]["text"]["es"] = text;
     },
     "/nodes/info_gbv/text/es", true, "SMS pages"},
};

}  // namespace

TEST_CASE("the example's directory: sectors, services, demographic answers, the node") {
    const load_result result = load_from_file(example_path());
    REQUIRE(result.value.has_value());
    const config& cfg = *result.value;
    CHECK(cfg.sectors.size() == 5);
    REQUIRE(cfg.find_service("cem") != nullptr);
    const service& cem = *cfg.find_service("cem");
    CHECK(cem.sector == "gbv");
    CHECK(cem.regions.size() == 5);
    CHECK(cem.status == "active");
    CHECK_FALSE(cem.hours.at("es").empty());
    CHECK(cfg.find_service("migraciones_desk_lima")->referral_days == 3);
    CHECK(cfg.find_service("shelter_lima")->status == "suspended");
    CHECK(cfg.sex_options.size() == 3);
    CHECK(cfg.age_groups.size() == 4);
    const menu_node* directory = cfg.find_node("services");
    REQUIRE(directory != nullptr);
    CHECK(directory->kind == node_kind::directory);
    CHECK(directory->ask_region);
    CHECK(directory->sectors.empty());
    CHECK(cfg.find_node("main")->options.at(5).next == "services");
    CHECK(cfg.find_node("complaint")->ask_sex);
    CHECK(cfg.find_node("complaint")->ask_age_group);
}

TEST_CASE("a directory node may leave the region out and overrides the optional texts") {
    json doc = example_json();
    doc["nodes"]["services"]["ask_region"] = false;
    doc["nodes"]["services"]["sectors"] = {"gbv"};
    doc["texts"]["page_more"] = {{"es", "9: más"}, {"en", "9: more"}};
    const load_result result = load_from_json(doc);
    INFO((describe(result.errors) + describe(result.warnings)));
    REQUIRE(result.value.has_value());
    CHECK(result.warnings.empty());
    CHECK_FALSE(result.value->find_node("services")->ask_region);
    CHECK(result.value->find_node("services")->sectors == std::vector<std::string>{"gbv"});
    CHECK(result.value->texts.at("page_more").at("es") == "9: más");
}

TEST_CASE("a service verified today, or exactly 180 days ago, is fine") {
    for (int days : {0, -180}) {
        CAPTURE(days);
        json doc = example_json();
        doc["services"][0]["last_verified"] = day_from_today(days);
        const load_result result = load_from_json(doc);
        INFO((describe(result.errors) + describe(result.warnings)));
        CHECK(result.errors.empty());
        CHECK(result.warnings.empty());
    }
}

TEST_CASE("each directory mistake is reported at its JSON pointer") {
    const json base = example_json();
    for (const auto& v : variants) {
        INFO(v.name);
        json doc = base;
        v.mutate(doc);
        const load_result result = load_from_json(doc);
        INFO((describe(result.errors) + describe(result.warnings)));
        const problem* p = find_problem(v.warning ? result.warnings : result.errors, v.path);
        REQUIRE(p != nullptr);
        CHECK(p->message.find(v.message_has) != std::string::npos);
        if (v.warning) {
            CHECK(result.errors.empty());
            CHECK(result.value.has_value());
        } else {
            CHECK_FALSE(result.value.has_value());
        }
    }
}
