// A complaint filed through the example's menus, read from the config (so a changed example
// does not break the tests that need a case made the way people make one).
#pragma once

#include "tests/gateway/pipeline_fixture.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace cwc::gateway::testing {

// Walks from "hola" to the description (sex and age: prefer not to say) in the first category
// that is sensitive or not; returns the case's reference. `sid` numbers the provider ids.
inline std::string file_complaint(pipeline& p, const std::string& from, bool sensitive,
                                  const std::string& description, int& sid) {
    const config::menu_node* flow = nullptr;
    for (const auto& [id, node] : p.cfg.nodes)
        if (node.kind == config::node_kind::complaint) flow = &node;
    REQUIRE(flow != nullptr);
    std::size_t category = 0;
    while (p.cfg.find_category(flow->categories[category])->sensitive != sensitive) ++category;
    const auto& options = p.cfg.find_node(p.cfg.start_node)->options;
    std::string choice;
    for (std::size_t i = 0; i < options.size(); ++i)
        if (p.cfg.find_node(options[i].next)->kind == config::node_kind::complaint)
            choice = std::to_string(i + 1);
    std::vector<std::string> inputs{"hola", choice, std::to_string(category + 1),
                                    std::to_string(p.cfg.regions.size())};
    if (flow->ask_sex) inputs.push_back("0");
    if (flow->ask_age_group) inputs.push_back("0");
    inputs.push_back(description);
    inbound_result last;
    for (const auto& text : inputs) last = p.send(from, text, "SM" + std::to_string(++sid));
    REQUIRE_FALSE(last.case_reference.empty());
    return last.case_reference;
}

}  // namespace cwc::gateway::testing
