// The service directory node (sector -> region -> active services, referrals given), numbered
// SMS pages for long information pages (Arabic, right to left), and the optional sex and age
// questions of complaint flows with the case's organisation. Screens are written out by hand.
#include "config/sms_pages.hpp"
#include "messages/text.hpp"
#include "tests/handlers/screens.hpp"
#include "tests/handlers/test_config.hpp"

#include <doctest/doctest.h>

using namespace cwc;
using namespace cwc::handlers;
using namespace cwc::handlers::test;

namespace {

config::service make_service(std::string id, std::string org, std::string sector,
                             std::vector<std::string> regions, std::string status,
                             std::string name) {
    config::service s;
    s.id = std::move(id);
    s.organisation = std::move(org);
    s.name = lt(name, name);
    s.sector = std::move(sector);
    s.regions = std::move(regions);
    s.eligibility = lt("Todos", "Everyone");
    s.documents = lt("Ninguno", "None");
    s.hours = lt("Lun-vie 9-17", "Mon-Fri 9-17");
    s.contact = "01 640 0" + std::to_string(s.id.size());
    s.status = std::move(status);
    s.last_verified = "2026-11-01";
    return s;
}

// The test deployment with a directory (7th option of the main menu), sex and age answers, and
// two organisations; the complaint flow asks everything and belongs to org_b.
struct directory_conversation : conversation {
    directory_conversation() {
        cfg.sectors = {{"health", lt("Salud", "Health")},
                       {"legal", lt("Legal", "Legal")},
                       {"shelter", lt("Albergue", "Shelter")}};
        cfg.services = {
            make_service("posta_lima", "org_a", "health", {"lima"}, "active", "Posta Lima"),
            make_service("closed_clinic", "org_a", "health", {"lima"}, "suspended", "Cerrada"),
            make_service("posta_tumbes", "org_b", "health", {"tumbes"}, "active", "Posta Tumbes"),
            make_service("legal_lima", "org_b", "legal", {"lima"}, "active", "Abogados Lima"),
            make_service("shelter_lima", "org_a", "shelter", {"lima"}, "suspended", "Refugio"),
        };
        cfg.organisations = {{"org_a", lt("Red A", "Network A"), {}},
                             {"org_b", lt("Unión B", "Union B"), {}}};
        cfg.default_organisation = "org_a";
        auto& d = cfg.nodes["directory"];
        d.id = "directory";
        d.kind = config::node_kind::directory;
        d.text = lt("¿Qué servicio busca?", "Which service?");
        d.ask_region = true;
        cfg.nodes["main"].options.push_back({lt("Directorio", "Directory"), "directory"});
        cfg.sex_options = {{"female", lt("Mujer", "Female")}, {"male", lt("Hombre", "Male")}};
        cfg.age_groups = {{"0-17", lt("Menos de 18", "Under 18")},
                          {"18-24", lt("18 a 24", "18 to 24")}};
        auto& complaint = cfg.nodes["complaint"];
        complaint.ask_sex = true;
        complaint.ask_age_group = true;
        complaint.organisation = "org_b";
        contact.state = at("main");
    }
};

const std::string sectors_es = "¿Qué servicio busca?\n1. Salud\n2. Legal";
const std::string health_regions_es = "¿En qué región?\n1. Lima\n2. Tumbes";
const std::string back_es = "0 para volver.";
std::string entry_es(const std::string& name, const std::string& contact) {
    return name + "\nHorario: Lun-vie 9-17\nContacto: " + contact +
           "\nLlevar: Ninguno\nPara: Todos";
}
const std::string sex_es = "Si quieres, dinos tu sexo:\n1. Mujer\n2. Hombre\n0. Prefiero no decir";
const std::string age_es =
    "Si quieres, dinos tu edad:\n1. Menos de 18\n2. 18 a 24\n0. Prefiero no decir";

std::vector<std::string> referred(const conversation_result& r) {
    std::vector<std::string> ids;
    for (const auto& ref : r.referrals) ids.push_back(ref.service_id);
    return ids;
}

}  // namespace

TEST_CASE("directory steps: a table of one message each") {
    struct row {
        const char* name;
        state before;
        std::string input;
        strings replies;
        state after;
        strings referrals;
    };
    const state sector{"directory", "sector", {}};
    const state health_region{"directory", "region", {{"sector", "health"}}};
    const state lima_list{"directory", "services",
                          {{"sector", "health"}, {"region", "lima"}, {"page", "1"}}};
    const std::string main7 = main_es + "\n7. Directorio";
    const row rows[] = {
        {"the directory offers sectors with an active service only", at("main"), "7",
         {sectors_es}, sector, {}},
        {"a sector with services in two regions asks the region", sector, "1",
         {health_regions_es}, health_region, {}},
        {"the region lists its active services; the suspended one never", health_region, "1",
         {"Salud, Lima:\n" + entry_es("Posta Lima", "01 640 010") + "\n\n" + back_es},
         lima_list, {"posta_lima"}},
        {"another region, another service", health_region, "2",
         {"Salud, Tumbes:\n" + entry_es("Posta Tumbes", "01 640 012") + "\n\n" + back_es},
         {"directory", "services", {{"sector", "health"}, {"region", "tumbes"}, {"page", "1"}}},
         {"posta_tumbes"}},
        {"one region only: no question", sector, "2",
         {"Legal, Lima:\n" + entry_es("Abogados Lima", "01 640 010") + "\n\n" + back_es},
         {"directory", "services", {{"sector", "legal"}, {"region", "lima"}, {"page", "1"}}},
         {"legal_lima"}},
        {"the suspended-only sector is not a choice", sector, "3",
         {unknown_es + "\n" + sectors_es}, sector, {}},
        {"a region the sector is not offered in", health_region, "3",
         {unknown_es + "\n" + health_regions_es}, health_region, {}},
        {"0 leaves at the sector step", sector, "0", {main7}, at("main"), {}},
        {"0 leaves at the region step", health_region, "0", {main7}, at("main"), {}},
        {"0 leaves the list", lima_list, "0", {main7}, at("main"), {}},
        {"9 on the only page passes on to the start", lima_list, "9",
         {main7}, at("main"), {}},
        {"a digit after the list picks from the start menu", lima_list, "4",
         {status_prompt_es}, at("status"), {}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        directory_conversation c;
        c.contact.state = r.before;
        auto result = c.send(r.input);
        CHECK(texts(result) == r.replies);
        CHECK(result.contact.state == r.after);
        CHECK(referred(result) == r.referrals);
    }
}

TEST_CASE("a referral given records who, what, where, in which language and channel") {
    directory_conversation c;
    c.contact.language = "en";
    c.send("7");
    c.send("1");
    const auto shown_at = c.now;
    auto r = c.send("2");
    CHECK(texts(r) == strings{"Health, Tumbes:\nPosta Tumbes\nHours: Mon-Fri 9-17\nContact: "
                              "01 640 012\nBring: None\nFor: Everyone\n\n0 to go back."});
    REQUIRE(r.referrals.size() == 1);
    const auto& ref = r.referrals.front();
    CHECK(ref.contact_id == 7);
    CHECK(ref.service_id == "posta_tumbes");
    CHECK(ref.organisation == "org_b");
    CHECK(ref.sector == "health");
    CHECK(ref.region == "tumbes");
    CHECK(ref.language == "en");
    CHECK(ref.channel_id == "sms-pe");
    CHECK(ref.at == shown_at);
}

TEST_CASE("a directory whose services are all suspended says so and shows the start menu") {
    directory_conversation c;
    for (auto& s : c.cfg.services) s.status = "suspended";
    auto r = c.send("7");
    CHECK(texts(r) == strings{config::optional_text(c.cfg, "no_services", "es") + "\n\n" +
                              main_es + "\n7. Directorio"});
    CHECK(r.contact.state == at("main"));
    CHECK(r.referrals.empty());
}

TEST_CASE("a service suspended while someone looks at it takes its region out of the state") {
    directory_conversation c;
    c.contact.state = {"directory", "region", {{"sector", "health"}}};
    c.cfg.services[2].status = "suspended";  // Tumbes: only Lima is left, no region question
    auto r = c.send("1");
    CHECK(r.contact.state == at("info"));  // the stale step restarted, "1" picked from the start
    CHECK(texts(r) == strings{"El CEBAF abre a las 8.\n\n0 para volver."});
}

TEST_CASE("a page that leads to the directory: 0 opens it, another digit picks from the start") {
    directory_conversation c;
    c.cfg.nodes["info"].next = "directory";
    c.contact.state = at("info");
    auto back = c.send("0");
    CHECK(texts(back) == strings{sectors_es});
    CHECK(back.contact.state == state{"directory", "sector", {}});
    c.contact.state = at("info");
    auto digit = c.send("4");
    CHECK(texts(digit) == strings{status_prompt_es});
    CHECK(digit.contact.state == at("status"));
}

TEST_CASE("many services go out in numbered pages; 9 turns them, each page is a referral") {
    directory_conversation c;
    for (int i = 0; i < 6; ++i) {
        c.cfg.services.push_back(make_service("extra_" + std::to_string(i), "org_a", "legal",
                                              {"lima"}, "active",
                                              "Consultorio jurídico gratuito número " +
                                                  std::to_string(i)));
    }
    c.send("7");
    auto first = c.send("2");
    REQUIRE(first.replies.size() == 1);
    const std::string& page1 = first.replies.front().text;
    CHECK(page1.rfind("(1/", 0) == 0);
    CHECK(page1.ends_with("\n\nResponde 9 para ver más."));
    CHECK(first.contact.state.answers.at("page") == "1");
    std::vector<std::string> all = referred(first);
    std::size_t pages = 1;
    for (auto r = c.send("9"); !r.referrals.empty(); r = c.send("9")) {
        ++pages;
        CHECK(r.replies.front().text.rfind("(" + std::to_string(pages) + "/", 0) == 0);
        CHECK(r.contact.state.answers.at("page") == std::to_string(pages));
        for (const auto& id : referred(r)) all.push_back(id);
    }
    CHECK(pages >= 2);
    CHECK(all.size() == 7);  // each service once, in the config's order
    CHECK(all.front() == "legal_lima");
    CHECK(all.back() == "extra_5");
}

TEST_CASE("a service too long for one page is cut between its lines and referred to once") {
    directory_conversation c;
    std::string who;
    for (int i = 0; i < 12; ++i) who += "Personas con carné de extranjería o CPP vigente. ";
    c.cfg.services[3].eligibility = lt(who, who);  // legal_lima, the only legal service
    c.send("7");
    auto first = c.send("2");
    CHECK(referred(first) == strings{"legal_lima"});
    const std::string& page1 = first.replies.at(0).text;
    CHECK(page1.rfind("(1/", 0) == 0);
    CHECK(page1.find("Contacto: 01 640 010\nLlevar: Ninguno") != std::string::npos);  // lines whole
    auto second = c.send("9");
    CHECK(second.replies.at(0).text.rfind("(2/", 0) == 0);
    CHECK(second.referrals.empty());
    CHECK(second.contact.state.answers.at("page") == "2");
}

TEST_CASE("a long Arabic information page goes out in right-to-left numbered pages") {
    conversation c;
    c.cfg.languages.push_back({"ar", "العربية"});
    c.cfg.texts["back_hint"]["ar"] = "أرسل 0 للعودة.";
    std::string arabic;
    for (int i = 1; i <= 12; ++i) {
        arabic += "يمكنك التسجيل في مكتب الهجرة من الاثنين إلى الجمعة، أحضر جواز سفرك. ";
    }
    arabic.pop_back();
    c.cfg.nodes["info"].text["ar"] = arabic;
    c.contact.language = "ar";
    c.contact.state = at("main");

    std::vector<std::string> pages{texts(c.send("1")).at(0)};
    while (true) {
        auto r = c.send("9");
        if (r.contact.state.node != "info") break;  // past the last page: passed on
        CHECK(r.contact.state.step == "page");
        CHECK(r.contact.state.answers.at("page") == std::to_string(pages.size() + 1));
        pages.push_back(texts(r).at(0));
    }
    REQUIRE(pages.size() >= 3);
    std::string body;
    for (std::size_t k = 0; k < pages.size(); ++k) {
        CAPTURE(k);
        const auto cost = messages::count_sms(pages[k]);
        CHECK(cost.encoding == messages::sms_encoding::ucs2);
        CHECK(cost.segments <= config::max_page_segments);
        const std::string marker =
            "\u200F(" + std::to_string(k + 1) + "/" + std::to_string(pages.size()) + ") ";
        REQUIRE(pages[k].rfind(marker, 0) == 0);
        const bool last = k + 1 == pages.size();
        const std::string footer = last ? "\n\nأرسل 0 للعودة." : "\n\nأرسل 9 للمزيد.";
        REQUIRE(pages[k].ends_with(footer));
        body += (body.empty() ? "" : " ") +
                pages[k].substr(marker.size(), pages[k].size() - marker.size() - footer.size());
    }
    CHECK(body == arabic);  // nothing lost or repeated at the cuts
}

TEST_CASE("complaint flow: optional sex and age steps, prefer-not-to-say, the case's owner") {
    struct row {
        const char* name;
        strings inputs;  // after choosing "Documentos" from the complaint's categories
        std::string sex;
        std::string age_group;
    };
    const row rows[] = {
        {"both given", {"1", "1", "2"}, "female", "18-24"},
        {"sex withheld", {"2", "0", "1"}, "", "0-17"},
        {"nothing given", {"0", "0", "0"}, "", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        directory_conversation c;
        c.send("2");
        auto region = c.send("1");
        CHECK(texts(region) == strings{region_es});
        auto sex = c.send(r.inputs[0]);
        CHECK(texts(sex) == strings{sex_es});
        CHECK(sex.contact.state.step == "sex");
        auto age = c.send(r.inputs[1]);
        CHECK(texts(age) == strings{age_es});
        CHECK(age.contact.state.answers.at("sex") == r.sex);
        auto describe = c.send(r.inputs[2]);
        CHECK(texts(describe) == strings{describe_es});
        auto done = c.send("No me atendieron en la oficina");
        REQUIRE(done.opened_case.has_value());
        CHECK(done.opened_case->sex == r.sex);
        CHECK(done.opened_case->age_group == r.age_group);
        CHECK(done.opened_case->organisation == "org_b");
    }
}

TEST_CASE("sex and age steps: re-prompts, stale answers, and the default organisation") {
    directory_conversation c;
    c.contact.state = {"complaint", "sex", {{"category", "documentation"}, {"region", ""}}};
    auto wrong = c.send("3");
    CHECK(texts(wrong) == strings{unknown_es + "\n" + sex_es});
    CHECK(wrong.contact.state.step == "sex");

    // An answer the config no longer offers: the flow restarts rather than store it.
    c.contact.state = {"complaint",
                       "description",
                       {{"category", "documentation"}, {"region", ""}, {"sex", "removed"}}};
    auto stale = c.send("Tardan mucho con mi carnet");
    CHECK_FALSE(stale.opened_case.has_value());

    // Questions switched off: straight to the description; a node without an organisation
    // gives its cases to the default one.
    directory_conversation d;
    d.cfg.nodes["complaint"].ask_sex = false;
    d.cfg.nodes["complaint"].organisation.clear();
    d.cfg.age_groups.clear();  // asked, but nothing to choose from: skipped
    d.send("2");
    d.send("1");
    CHECK(texts(d.send("0")) == strings{describe_es});
    auto done = d.send("Tardan mucho con mi carnet");
    REQUIRE(done.opened_case.has_value());
    CHECK(done.opened_case->organisation == "org_a");
    CHECK(done.opened_case->sex.empty());
    CHECK(done.opened_case->age_group.empty());
}
