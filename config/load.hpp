// Turns JSON into a validated config. Every problem is reported with the JSON pointer of the
// value at fault ("/nodes/main/options/2/next"), all at once, so an operator fixes a file in one go.
#pragma once

#include "config/config.hpp"

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cwc::config {

struct problem {
    std::string path;     // JSON pointer, "" for the document root
    std::string message;  // what is wrong and what would be right
};

struct load_result {
    std::optional<config> value;    // set when there are no errors
    std::vector<problem> errors;    // the config is refused
    std::vector<problem> warnings;  // accepted, but an operator should look (e.g. "reply CANCEL")
};

// Never throws on bad input; a JSON syntax error is one problem at path "".
load_result load_from_string(const std::string& json_text);
load_result load_from_json(const nlohmann::json& document);
// Reads the file; an unreadable file is one problem naming the file.
load_result load_from_file(const std::string& path);

std::string to_string(const problem& p);  // "/nodes/main/options/2/next: no node 'infox'"

}  // namespace cwc::config
