// The subscriptions node and the consent it produces: topics switched on and off by number, the
// region asked at the first subscription, the SUBSCRIBE keyword, STOP ending every topic and
// START restoring none. Replies are written out by hand from the built-in Spanish wording.
#include "handlers/conversation.hpp"
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::handlers;
using namespace cwc::handlers::test;
using messages::consent_action;
using messages::consent_change;

namespace {

// The test deployment with three topics, a news node as option 7 and SUSCRIBIR / SUBSCRIBE.
conversation with_news(bool ask_region = true) {
    conversation c;
    c.cfg.topics = {{"health", lt("Salud", "Health"), {}},
                    {"docs", lt("Documentos", "Documents"), {}},
                    {"rumours", lt("Rumores", "Rumours"), {}}};
    config::menu_node news;
    news.id = "news";
    news.kind = config::node_kind::subscriptions;
    news.text = lt("Noticias por SMS.", "News by SMS.");
    news.ask_region = ask_region;
    c.cfg.nodes["news"] = news;
    c.cfg.nodes["main"].options.push_back({lt("Noticias", "News"), "news"});
    c.cfg.keywords.push_back(
        {config::keyword_action::subscribe, {{"es", {"SUSCRIBIR"}}, {"en", {"SUBSCRIBE"}}}, {}});
    config::fold_keywords(c.cfg);
    return c;
}

const std::string choose_es = "Elige un tema para activar o desactivar sus noticias (0 para volver):";
const std::string choose_en = "Choose a topic to switch its news on or off (0 to go back):";

// The topic list with each topic's switch, in the test config's order.
std::string topics_es(bool health, bool docs, bool rumours) {
    auto line = [](int n, const char* name, bool on) {
        return std::to_string(n) + ". " + name + (on ? ": SI" : ": NO");
    };
    return choose_es + "\n" + line(1, "Salud", health) + "\n" + line(2, "Documentos", docs) + "\n" +
           line(3, "Rumores", rumours);
}

const std::string region_prompt_es =
    "¿De qué lugar quieres recibir noticias?\n1. Lima\n2. Tumbes\n0. Prefiero no decir";

consent_change sub(const char* topic, const char* source = "menu") {
    return {consent_action::subscribed, topic, "", source};
}
consent_change unsub(const char* topic, const char* source = "menu") {
    return {consent_action::unsubscribed, topic, "", source};
}
consent_change region_set(const char* region, const char* source = "menu") {
    return {consent_action::region_set, "", region, source};
}

struct step {
    const char* what;
    std::string input;
    strings replies;
    std::vector<consent_change> consent;
    std::vector<std::string> topics;  // the snapshot's topics after the message
    std::string region;
};

void play(conversation& c, const std::vector<step>& steps) {
    for (const auto& s : steps) {
        CAPTURE(s.what);
        const auto r = c.send(s.input);
        CHECK(texts(r) == s.replies);
        CHECK(r.consent == s.consent);
        CHECK(r.contact.topics == s.topics);
        CHECK(r.contact.region == s.region);
    }
}

}  // namespace

TEST_CASE("a person subscribes by menu, gives the region once, and switches a topic off") {
    auto c = with_news();
    play(c, {
        {"the main menu's 7 opens the topics, all off", "7",
         {"Noticias por SMS.\n" + topics_es(false, false, false)}, {}, {}, ""},
        {"the first subscription asks where news are for", "2",
         {"Te enviaremos noticias de Documentos.\n\n" + region_prompt_es}, {sub("docs")}, {"docs"},
         ""},
        {"a word is not a region: asked again", "lima",
         {unknown_es + "\n" + region_prompt_es}, {}, {"docs"}, ""},
        {"the region is set and the topics shown again", "1",
         {"Anotado: noticias para Lima.\n\n" + topics_es(false, true, false)},
         {region_set("lima")}, {"docs"}, "lima"},
        {"a second topic does not ask the region again", "1",
         {"Te enviaremos noticias de Salud.\n\n" + topics_es(true, true, false)}, {sub("health")},
         {"docs", "health"}, "lima"},
        {"the same number switches it off", "2",
         {"Ya no te enviaremos noticias de Documentos.\n\n" + topics_es(true, false, false)},
         {unsub("docs")}, {"health"}, "lima"},
        {"the last topic off says no news any more", "1",
         {"Ya no te enviaremos noticias de Salud. Ahora no recibes noticias de nosotros.\n\n" +
          topics_es(false, false, false)},
         {unsub("health")}, {}, "lima"},
        {"a number beyond the topics is re-prompted", "4",
         {unknown_es + "\n" + topics_es(false, false, false)}, {}, {}, "lima"},
        {"0 goes back to the main menu", "0", {main_es + "\n7. Noticias"}, {}, {}, "lima"},
    });
}

TEST_CASE("prefer not to say leaves the region empty and logs nothing for it") {
    auto c = with_news();
    play(c, {
        {"open", "7", {"Noticias por SMS.\n" + topics_es(false, false, false)}, {}, {}, ""},
        {"subscribe", "3", {"Te enviaremos noticias de Rumores.\n\n" + region_prompt_es},
         {sub("rumours")}, {"rumours"}, ""},
        {"0: prefer not to say", "0", {topics_es(false, false, true)}, {}, {"rumours"}, ""},
    });
}

TEST_CASE("the region is not asked when the node does not ask or the person already said") {
    auto quiet = with_news(false);
    quiet.send("7");
    auto r = quiet.send("1");
    CHECK(texts(r) == strings{"Te enviaremos noticias de Salud.\n\n" + topics_es(true, false, false)});

    auto known = with_news(true);
    known.contact.region = "tumbes";
    known.send("7");
    r = known.send("1");
    CHECK(texts(r) == strings{"Te enviaremos noticias de Salud.\n\n" + topics_es(true, false, false)});
    CHECK(r.contact.region == "tumbes");
}

TEST_CASE("the SUBSCRIBE keyword opens the topics from anywhere, its changes logged as keyword") {
    auto c = with_news(false);
    c.send("2");  // in the complaint flow
    c.contact.topics = {"rumours"};  // subscribed earlier
    play(c, {
        {"SUSCRIBIR in the middle of a complaint", "suscribir",
         {"Noticias por SMS.\n" + topics_es(false, false, true)}, {}, {"rumours"}, ""},
        {"a switch after the keyword", "2",
         {"Te enviaremos noticias de Documentos.\n\n" + topics_es(false, true, true)},
         {sub("docs", "keyword")}, {"docs", "rumours"}, ""},
    });
}

TEST_CASE("SUBSCRIBE in English switches the language and answers in it") {
    auto c = with_news(false);
    const auto r = c.send("Subscribe");
    CHECK(r.contact.language == "en");
    CHECK(texts(r) ==
          strings{"News by SMS.\n" + choose_en + "\n1. Health: OFF\n2. Documents: OFF\n3. Rumours: OFF"});
    const auto on = c.send("3");
    CHECK(texts(on) == strings{"You will get news on Rumours.\n\n" + choose_en +
                               "\n1. Health: OFF\n2. Documents: OFF\n3. Rumours: ON"});
    CHECK(on.consent == std::vector<consent_change>{sub("rumours", "keyword")});
}

TEST_CASE("STOP ends every topic; START answers but restores none") {
    auto c = with_news(false);
    c.contact.topics = {"docs", "health"};
    c.contact.region = "lima";
    auto r = c.send("BAJA");
    CHECK(r.contact.opted_out);
    CHECK(r.contact.topics.empty());
    CHECK(r.contact.region == "lima");  // where they live is not a subscription
    CHECK(r.consent == std::vector<consent_change>{{consent_action::opted_out, "", "", "stop"}});
    CHECK(texts(r) == strings{"No recibirá más mensajes."});

    r = c.send("BAJA");  // again: nothing left to end
    CHECK(r.consent.empty());

    // A topic chosen while out: nothing is subscribed, the person is told how to come back.
    c.send("SUSCRIBIR");
    r = c.send("1");
    CHECK(texts(r) == strings{"Pediste no recibir mensajes. Envía ALTA y vuelve a elegir.\n\n" +
                              topics_es(false, false, false)});
    CHECK(r.consent.empty());
    CHECK(r.contact.topics.empty());

    r = c.send("ALTA");
    CHECK_FALSE(r.contact.opted_out);
    CHECK(r.contact.topics.empty());
    CHECK(r.consent == std::vector<consent_change>{{consent_action::opted_in, "", "", "start"}});
    REQUIRE_FALSE(r.replies.empty());
    CHECK(r.replies.front().text.starts_with("Bienvenido de nuevo."));

    r = c.send("ALTA");  // not opted out: nothing to log
    CHECK(r.consent.empty());
}

TEST_CASE("a STOP from someone never subscribed and already out logs nothing new") {
    auto c = with_news(false);
    c.contact.opted_out = true;
    const auto r = c.send("STOP");
    CHECK(r.consent.empty());
}

TEST_CASE("HELP on the topics repeats them; the region step survives only while it fits") {
    auto c = with_news();
    c.send("7");
    auto r = c.send("AYUDA");
    CHECK(texts(r) == strings{help_es + "\n\nNoticias por SMS.\n" + topics_es(false, false, false)});
    c.send("1");
    CHECK(c.contact.state.step == "region");
    r = c.send("AYUDA");
    CHECK(texts(r) == strings{help_es + "\n\n" + region_prompt_es});

    // The config changed: no region question any more, so the stored step starts again.
    c.cfg.nodes["news"].ask_region = false;
    r = c.send("1");
    CHECK(r.consent.empty());
    CHECK(r.contact.state.node == "info");  // "1" read at the start: the main menu's first
}

TEST_CASE("a node listing some topics offers only those, in its order") {
    auto c = with_news(false);
    c.cfg.nodes["news"].topics = {"rumours", "health"};
    auto r = c.send("7");
    CHECK(texts(r) == strings{"Noticias por SMS.\n" + choose_es + "\n1. Rumores: NO\n2. Salud: NO"});
    r = c.send("1");
    CHECK(r.consent == std::vector<consent_change>{sub("rumours")});
    REQUIRE(r.replies.size() == 1);
    CHECK(r.replies[0].menu.choices.size() == 2);  // WhatsApp shows the switches as a list
    CHECK(r.replies[0].menu.choices[0].label == "Rumores: SI");
}
