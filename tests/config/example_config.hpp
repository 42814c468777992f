// Shared by the config tests: the shipped example as JSON (the base every broken variant is
// mutated from) and look-ups over the problems a load reports.
#pragma once

#include "config/load.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cwc::config::testing {

inline std::string example_path() {
    return std::string(CWC_SOURCE_DIR) + "/config/example.json";
}

// Today as YYYY-MM-DD (UTC).
inline std::string today_iso() {
    const std::chrono::year_month_day d{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    char out[16];
    std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(d.year()) % 10000,
                  static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
    return out;
}

// The example as JSON, its services verified today: the file's dates age (and rightly warn an
// operator after 180 days), the tests must not.
inline nlohmann::json example_json() {
    std::ifstream in(example_path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    nlohmann::json doc = nlohmann::json::parse(text);
    if (doc.contains("services")) {
        for (auto& service : doc["services"]) service["last_verified"] = today_iso();
    }
    return doc;
}

// Warnings but the "verify this service" reminders, which depend on today's date.
inline std::vector<problem> without_verification_reminders(std::vector<problem> warnings) {
    std::erase_if(warnings, [](const problem& p) {
        return p.path.size() >= 14 && p.path.compare(p.path.size() - 14, 14, "/last_verified") == 0;
    });
    return warnings;
}

inline const problem* find_problem(const std::vector<problem>& problems, const std::string& path) {
    for (const auto& p : problems) {
        if (p.path == path) return &p;
    }
    return nullptr;
}

// "path: message" per line, for failure output.
inline std::string describe(const std::vector<problem>& problems) {
    std::string out;
    for (const auto& p : problems) out += to_string(p) + "\n";
    return out;
}

}  // namespace cwc::config::testing
