// Shared by the config tests: the shipped example as JSON (the base every broken variant is
// mutated from) and look-ups over the problems a load reports.
#pragma once

#include "config/load.hpp"

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cwc::config::testing {

inline std::string example_path() {
    return std::string(CWC_SOURCE_DIR) + "/config/example.json";
}

inline nlohmann::json example_json() {
    std::ifstream in(example_path(), std::ios::binary);
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return nlohmann::json::parse(text);
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
