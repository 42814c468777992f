// A reload decided before it is applied: the file's digest, refusal with JSON paths, restart-only
// settings kept as running, channels added/changed/removed, runtimes that outlive their snapshot,
// and the dispatcher's lanes matched to the new channels (which need workers, which retire).
#include "gateway/config_reload.hpp"
#include "gateway/lane_reload.hpp"

#include "tests/gateway/example_config.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

using namespace cwc;
using gateway::config_snapshot;

namespace {

const std::map<std::string, std::string> secrets{
    {"TWILIO_ACCOUNT_SID", "AC00000000000000000000000000000000"}, {"TWILIO_AUTH_TOKEN", "tok"}};

const char* lookup(const char* name) {
    auto it = secrets.find(name);
    return it == secrets.end() ? nullptr : it->second.c_str();
}

nlohmann::json example_json() {
    std::ifstream in(std::string(CWC_SOURCE_DIR) + "/config/example.json");
    return nlohmann::json::parse(in);
}

// A config file in a fresh temporary folder, removed at the end of the test.
struct config_file_on_disk {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("cwc-reload-" + std::to_string(std::random_device{}()));
    std::filesystem::path file = dir / "config.json";
    config_file_on_disk() { std::filesystem::create_directories(dir); }
    ~config_file_on_disk() { std::filesystem::remove_all(dir); }
    void write(const std::string& text) const { std::ofstream(file) << text; }
};

std::shared_ptr<const config_snapshot> running_example() {
    return gateway::first_snapshot(gateway::testing::load_example_config(), "d0", lookup);
}

}  // namespace

TEST_CASE("the digest names exactly the bytes read; an unreadable file is one problem") {
    config_file_on_disk disk;
    disk.write(example_json().dump());
    auto a = gateway::read_config_file(disk.file.string());
    REQUIRE(a.loaded.value);
    CHECK(a.digest.size() == 64);
    disk.write(example_json().dump(2));  // the same config, other bytes
    auto b = gateway::read_config_file(disk.file.string());
    REQUIRE(b.loaded.value);
    CHECK(b.digest != a.digest);
    auto missing = gateway::read_config_file((disk.dir / "absent.json").string());
    CHECK_FALSE(missing.loaded.value);
    REQUIRE(missing.loaded.errors.size() == 1);
    CHECK(missing.digest.empty());
}

TEST_CASE("an invalid file is refused with its JSON paths and no snapshot") {
    config_file_on_disk disk;
    auto j = example_json();
    j["nodes"]["main"]["options"][0]["next"] = "nowhere";
    j["channels"][0]["sends_per_second"] = -1;
    disk.write(j.dump());
    const auto outcome = gateway::prepare_reload(disk.file.string(), *running_example(), lookup);
    CHECK_FALSE(outcome.snapshot);
    std::vector<std::string> paths;
    for (const auto& e : outcome.errors) paths.push_back(e.path);
    CHECK(std::find(paths.begin(), paths.end(), "/nodes/main/options/0/next") != paths.end());
    CHECK(std::find(paths.begin(), paths.end(), "/channels/0/sends_per_second") != paths.end());
}

TEST_CASE("restart-only settings are reported and keep their running values") {
    const auto running = running_example();
    struct row {
        const char* pointer;
        nlohmann::json value;
        std::vector<std::string> expected;
    };
    const row rows[] = {
        {"/deployment/name", "Otra red", {}},
        {"/server/listen", "0.0.0.0:9090", {"/server/listen"}},
        {"/server/database", "other.db", {"/server/database"}},
        {"/server/public_url", "https://sms.example.org", {"/server/public_url"}},
        {"/server/read_timeout_seconds", 30, {"/server/read_timeout_seconds"}},
        {"/server/audit_key_file", "/etc/cwc/audit.key", {"/server/audit_key_file"}},
        {"/officers/listen", "127.0.0.1:9091", {"/officers/listen"}},
    };
    for (const auto& r : rows) {
        const std::string pointer = r.pointer;
        CAPTURE(pointer);
        config_file_on_disk disk;
        auto j = example_json();
        j[nlohmann::json::json_pointer(r.pointer)] = r.value;
        disk.write(j.dump());
        const auto outcome = gateway::prepare_reload(disk.file.string(), *running, lookup);
        REQUIRE(outcome.snapshot);
        CHECK(outcome.needs_restart == r.expected);
        CHECK(outcome.snapshot->cfg->server.listen == running->cfg->server.listen);
        CHECK(outcome.snapshot->cfg->server.database == running->cfg->server.database);
        CHECK(outcome.snapshot->cfg->officers.listen == running->cfg->officers.listen);
    }
}

TEST_CASE("the shutdown grace period changes with a reload; out of range it is refused at its path") {
    const auto running = running_example();
    CHECK(running->cfg->server.shutdown_grace_seconds == 10);
    config_file_on_disk disk;
    auto j = example_json();
    j["server"]["shutdown_grace_seconds"] = 25;
    disk.write(j.dump());
    auto outcome = gateway::prepare_reload(disk.file.string(), *running, lookup);
    REQUIRE(outcome.snapshot);
    CHECK(outcome.needs_restart.empty());
    CHECK(outcome.snapshot->cfg->server.shutdown_grace_seconds == 25);
    j["server"]["shutdown_grace_seconds"] = 0;
    disk.write(j.dump());
    outcome = gateway::prepare_reload(disk.file.string(), *running, lookup);
    REQUIRE_FALSE(outcome.snapshot);
    REQUIRE(outcome.errors.size() == 1);
    CHECK(outcome.errors.front().path == "/server/shutdown_grace_seconds");
}

TEST_CASE("channels added, changed and removed are named; unchanged ones are not") {
    const auto running = running_example();
    struct row {
        const char* name;
        std::function<void(nlohmann::json&)> edit;
        std::vector<std::string> added, changed, removed;
    };
    const row rows[] = {
        {"a text only", [](nlohmann::json& j) { j["nodes"]["main"]["text"]["es"] = "Hola otra vez:"; }, {}, {}, {}},
        {"a second number",
         [](nlohmann::json& j) {
             auto c = j["channels"][0];
             c["id"] = "sms2";
             c["address"] = "+5116409111";
             j["channels"].push_back(c);
         },
         {"sms2"}, {}, {}},
        {"a new rate", [](nlohmann::json& j) { j["channels"][0]["sends_per_second"] = 5; }, {}, {"sms"}, {}},
        {"the token read from another variable",
         [](nlohmann::json& j) { j["channels"][0]["auth_token_env"] = "OTHER_TOKEN"; }, {}, {"sms"}, {}},
        {"renamed: one removed, one added",
         [](nlohmann::json& j) {
             j["channels"][0]["id"] = "lima";
             for (auto& o : j["organisations"])
                 for (auto& f : o["focal_points"]) f["channel"] = "lima";
         },
         {"lima"}, {}, {"sms"}},
    };
    for (const auto& r : rows) {
        const std::string name = r.name;
        CAPTURE(name);
        config_file_on_disk disk;
        auto j = example_json();
        r.edit(j);
        disk.write(j.dump());
        const auto outcome = gateway::prepare_reload(disk.file.string(), *running, lookup);
        std::string errors;
        for (const auto& e : outcome.errors) errors += config::to_string(e) + "; ";
        CAPTURE(errors);
        REQUIRE(outcome.snapshot);
        CHECK(outcome.channels_added == r.added);
        CHECK(outcome.channels_changed == r.changed);
        CHECK(outcome.channels_removed == r.removed);
    }
}

TEST_CASE("a runtime and its adapter keep their configuration alive after the snapshot goes") {
    auto snapshot = running_example();
    std::weak_ptr<const config::config> watched = snapshot->cfg;
    auto runtime = snapshot->channels.front();
    auto adapter = runtime.adapter;
    REQUIRE(adapter);
    snapshot.reset();
    CHECK_FALSE(watched.expired());
    runtime = {};
    CHECK_FALSE(watched.expired());  // the adapter refers to its channel's settings
    adapter.reset();
    CHECK(watched.expired());
}

TEST_CASE("lanes after a reload: new and changed channels get workers, removed ones retire") {
    auto first = running_example();
    std::vector<std::unique_ptr<gateway::outbound_lane>> lanes;
    lanes.push_back(std::make_unique<gateway::outbound_lane>(first->channels.front(),
                                                             gateway::size_lane(1, 4, 16)));
    auto& sms = *lanes.front();
    REQUIRE(sms.usable());
    messages::outbound_message claimed;
    claimed.id = 7;
    sms.add(claimed);

    SUBCASE("unchanged: same workers, same generation, the backlog kept") {
        auto same = running_example();
        auto r = gateway::reload_lanes(lanes, same->channels, 4, 16);
        CHECK(r.start_workers.empty());
        CHECK(sms.generation == 0);
        CHECK(sms.backlog.size() == 1);
        CHECK(sms.rt.config_owner == same->cfg);  // it now reads the new configuration
    }
    SUBCASE("changed rate: a new generation of workers, the claimed row stays in the lane") {
        auto cfg = gateway::testing::load_example_config();
        cfg.channels.front().sends_per_second = 50;
        auto next = gateway::first_snapshot(std::move(cfg), "d1", lookup);
        auto r = gateway::reload_lanes(lanes, next->channels, 4, 16);
        REQUIRE(r.start_workers.size() == 1);
        CHECK(r.start_workers.front() == &sms);
        CHECK(sms.generation == 1);
        CHECK(sms.backlog.size() == 1);
        CHECK(sms.pacer.per_second() == doctest::Approx(50));
        CHECK(sms.sizes.workers == gateway::size_lane(50, 4, 16).workers);
    }
    SUBCASE("removed, then back: retired with its claimed rows given back, then taken again") {
        auto cfg = gateway::testing::load_example_config();
        cfg.channels.front().id = "lima";
        auto next = gateway::first_snapshot(std::move(cfg), "d1", lookup);
        auto r = gateway::reload_lanes(lanes, next->channels, 4, 16);
        CHECK(r.retired == std::vector<std::string>{"sms"});
        REQUIRE(r.given_back.size() == 1);
        CHECK(r.given_back.front().id == 7);
        CHECK_FALSE(sms.usable());
        REQUIRE(lanes.size() == 2);
        CHECK(r.start_workers == std::vector<gateway::outbound_lane*>{lanes.back().get()});
        auto back = gateway::reload_lanes(lanes, running_example()->channels, 4, 16);
        CHECK(back.start_workers == std::vector<gateway::outbound_lane*>{&sms});
        CHECK(back.retired == std::vector<std::string>{"lima"});
        CHECK(sms.usable());
        CHECK(lanes.size() == 2);
    }
    SUBCASE("new secrets lift a pause for refused credentials; the same secrets do not") {
        sms.paused_until = messages::system_now() + std::chrono::minutes(5);
        sms.pause_unresolved = true;
        auto cfg = gateway::testing::load_example_config();
        cfg.channels.front().sends_per_second = 2;  // changed, same secrets
        auto r = gateway::reload_lanes(lanes, gateway::first_snapshot(std::move(cfg), "d1", lookup)->channels, 4, 16);
        CHECK(r.lifted_pauses.empty());
        CHECK(sms.paused(messages::system_now()));
        auto other_token = [](const char* name) -> const char* {
            return std::string(name) == "TWILIO_AUTH_TOKEN" ? "renewed" : lookup(name);
        };
        auto renewed = gateway::first_snapshot(gateway::testing::load_example_config(), "d2", other_token);
        r = gateway::reload_lanes(lanes, renewed->channels, 4, 16);
        CHECK(r.lifted_pauses == std::vector<std::string>{"sms"});
        CHECK_FALSE(sms.paused(messages::system_now()));
    }
}
