// Campaign broadcasts in the config: topics and who may broadcast on them, the audience's time
// zone and quiet hours, region zones, WhatsApp reach limits, the subscribe keyword and the
// subscriptions node; every mistake named by its JSON path.
#include "config/load.hpp"
#include "config/sms_pages.hpp"
#include "tests/config/example_config.hpp"

#include <doctest/doctest.h>

using namespace cwc::config;
using namespace cwc::config::testing;
using nlohmann::json;

namespace {

// The example with a WhatsApp channel, for the reach limit.
json with_whatsapp(json doc) {
    doc["channels"].push_back({{"id", "wa"},
                               {"type", "whatsapp_cloud"},
                               {"address", "+5116409001"},
                               {"phone_number_id", "1234567890"}});
    return doc;
}

}  // namespace

TEST_CASE("the example's topics, broadcast settings, zones and subscriptions node are read") {
    const auto result = load_from_json(example_json());
    INFO(describe(result.errors));
    REQUIRE(result.value);
    const config& cfg = *result.value;
    REQUIRE(cfg.topics.size() == 4);
    const topic* docs = cfg.find_topic("documentation_drives");
    REQUIRE(docs != nullptr);
    CHECK(docs->organisations == std::vector<std::string>{"red_cbo", "union_venezolana"});
    CHECK(docs->name.at("es") == "Jornadas de documentación");
    CHECK(cfg.find_topic("weather") == nullptr);

    CHECK(cfg.broadcasts.time_zone == "America/Lima");
    CHECK(cfg.broadcasts.quiet.start_minute == 21 * 60);
    CHECK(cfg.broadcasts.quiet.end_minute == 8 * 60);
    CHECK(cfg.broadcasts.reply_link_hours == 72);
    CHECK(cfg.find_region("lima")->time_zone == "America/Lima");
    CHECK(cfg.find_region("other")->time_zone.empty());  // the broadcasts' zone applies

    const menu_node* news = cfg.find_node("news");
    REQUIRE(news != nullptr);
    CHECK(news->kind == node_kind::subscriptions);
    CHECK(news->ask_region);
    CHECK(news->topics.size() == 4);
    // Appended to the main menu: the numbers people learnt stay the same.
    const auto& main_options = cfg.find_node("main")->options;
    REQUIRE(main_options.size() == 7);
    CHECK(main_options[5].next == "services");
    CHECK(main_options[6].next == "news");

    bool subscribe = false;
    for (const auto& set : cfg.keywords) {
        if (set.action != keyword_action::subscribe) continue;
        subscribe = true;
        CHECK(set.folded.at("es").front() == "suscribir");
        CHECK(set.folded.at("en").front() == "subscribe");
    }
    CHECK(subscribe);
}

TEST_CASE("broadcast values are read as written") {
    json doc = with_whatsapp(example_json());
    doc["broadcasts"] = {{"time_zone", "Asia/Baghdad"},
                         {"quiet_hours", {{"start", "22:30"}, {"end", "06:15"}}},
                         {"reply_link_hours", 24}};
    doc["regions"][1]["time_zone"] = "Europe/Berlin";
    doc["channels"][1]["daily_reach_limit"] = 1000;
    doc["nodes"]["news"].erase("topics");  // every topic
    const auto result = load_from_json(doc);
    INFO(describe(result.errors));
    REQUIRE(result.value);
    CHECK(result.value->broadcasts.time_zone == "Asia/Baghdad");
    CHECK(result.value->broadcasts.quiet.start_minute == 22 * 60 + 30);
    CHECK(result.value->broadcasts.quiet.end_minute == 6 * 60 + 15);
    CHECK(result.value->broadcasts.reply_link_hours == 24);
    CHECK(result.value->regions[1].time_zone == "Europe/Berlin");
    CHECK(result.value->find_channel("wa")->daily_reach_limit == 1000);
    CHECK(result.value->find_channel("sms")->daily_reach_limit == 0);
    CHECK(result.value->find_node("news")->topics.empty());
}

TEST_CASE("a config without broadcasts keeps the defaults and needs no subscribe keyword") {
    json doc = example_json();
    doc.erase("topics");
    doc.erase("broadcasts");
    doc["keywords"].erase("subscribe");
    doc["nodes"].erase("news");
    doc["nodes"]["main"]["options"].erase(6);
    const auto result = load_from_json(doc);
    INFO(describe(result.errors));
    REQUIRE(result.value);
    CHECK(result.value->topics.empty());
    CHECK(result.value->broadcasts.time_zone == "America/Lima");
    CHECK(result.value->broadcasts.quiet.start_minute == 21 * 60);
}

TEST_CASE("broadcast and subscription mistakes are named by their JSON path") {
    struct mistake {
        const char* what;
        void (*edit)(json&);
        const char* path;
    };
    const mistake mistakes[] = {
        {"an unknown IANA zone", [](json& d) { d["broadcasts"]["time_zone"] = "America/Lim"; },
         "/broadcasts/time_zone"},
        {"a UTC offset instead of a zone", [](json& d) { d["broadcasts"]["time_zone"] = "-05:00"; },
         "/broadcasts/time_zone"},
        {"an unknown region zone", [](json& d) { d["regions"][2]["time_zone"] = "Peru/Trujillo"; },
         "/regions/2/time_zone"},
        {"quiet hours past midnight",
         [](json& d) { d["broadcasts"]["quiet_hours"]["start"] = "24:00"; },
         "/broadcasts/quiet_hours/start"},
        {"quiet hours without the minutes",
         [](json& d) { d["broadcasts"]["quiet_hours"]["end"] = "8"; },
         "/broadcasts/quiet_hours/end"},
        {"quiet hours without an end",
         [](json& d) { d["broadcasts"]["quiet_hours"].erase("end"); },
         "/broadcasts/quiet_hours/end"},
        {"a negative reply link", [](json& d) { d["broadcasts"]["reply_link_hours"] = -1; },
         "/broadcasts/reply_link_hours"},
        {"a topic of an organisation that does not exist",
         [](json& d) { d["topics"][1]["organisations"][1] = "unhcr"; },
         "/topics/1/organisations/1"},
        {"a topic id used twice", [](json& d) { d["topics"][2]["id"] = "health_brigades"; },
         "/topics/2/id"},
        {"a topic without a name in English", [](json& d) { d["topics"][0]["name"].erase("en"); },
         "/topics/0/name/en"},
        {"a subscriptions node offering a topic that does not exist",
         [](json& d) { d["nodes"]["news"]["topics"][3] = "weather"; }, "/nodes/news/topics/3"},
        {"a subscriptions node offering a topic twice",
         [](json& d) { d["nodes"]["news"]["topics"][1] = "health_brigades"; },
         "/nodes/news/topics/1"},
        {"a subscriptions node without any topic in the config",
         [](json& d) {
             d.erase("topics");
             d["nodes"]["news"].erase("topics");
         },
         "/nodes/news/type"},
        {"a subscriptions node asking the region without regions",
         [](json& d) { d.erase("regions"); },
         "/nodes/news/ask_region"},
        {"a subscribe keyword without a subscriptions node",
         [](json& d) {
             d["nodes"].erase("news");
             d["nodes"]["main"]["options"].erase(6);
         },
         "/keywords/subscribe"},
        {"a subscribe word that is a digit",
         [](json& d) { d["keywords"]["subscribe"]["es"][0] = "7"; }, "/keywords/subscribe/es/0"},
        {"a subscribe word that is also the help word",
         [](json& d) { d["keywords"]["subscribe"]["en"][1] = "help"; },
         "/keywords/subscribe/en/1"},
        {"a daily reach limit on an SMS channel",
         [](json& d) { d["channels"][0]["daily_reach_limit"] = 250; },
         "/channels/0/daily_reach_limit"},
        {"a subscribed text without its topic",
         [](json& d) {
             d["texts"]["subscribed"] = {{"es", "Listo."}, {"en", "Done."}};
         },
         "/texts/subscribed/es"},
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

TEST_CASE("a provider's stop word as the subscribe keyword is a warning") {
    json doc = example_json();
    doc["keywords"]["subscribe"]["en"].push_back("unsubscribe");
    const auto result = load_from_json(doc);
    // Also the stop keyword: one word, two actions.
    CHECK(find_problem(result.errors, "/keywords/subscribe/en/2") != nullptr);
    CHECK(find_problem(result.warnings, "/keywords/subscribe/en/2") != nullptr);
}

TEST_CASE("subscription texts have built-in wording and the deployment's own wins") {
    json doc = example_json();
    doc["texts"]["subscribed"] = {{"es", "Alta en {topic}."}, {"en", "On: {topic}."}};
    const auto result = load_from_json(doc);
    INFO(describe(result.errors));
    REQUIRE(result.value);
    const config& cfg = *result.value;
    CHECK(optional_text(cfg, "subscribed", "es") == "Alta en {topic}.");
    for (const char* key : {"choose_topics", "topic_on", "topic_off", "unsubscribed",
                            "subscriptions_none", "choose_news_region", "news_region_set",
                            "subscriptions_opted_out"}) {
        CAPTURE(key);
        for (const char* lang : {"es", "en", "fr", "pt", "ar"}) {
            CAPTURE(lang);
            CHECK_FALSE(optional_text(cfg, key, lang).empty());
        }
        CHECK(optional_text(cfg, key, "qu") == optional_text(cfg, key, "en"));  // no Quechua yet
    }
    CHECK(optional_text(cfg, "topic_on", "es").find("{topic}") != std::string::npos);
    CHECK(optional_text(cfg, "news_region_set", "fr").find("{region}") != std::string::npos);
}
