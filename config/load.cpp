// Entry points of config/load.hpp: parse untrusted JSON without exceptions (finding duplicate
// keys, which JSON silently collapses), read each section in dependency order, run the checks
// that span sections, and hand back every problem at once.
#include "config/load.hpp"

#include "config/sections.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace cwc::config {
namespace {

// Parser callback that reports a key repeated in one object: the parser keeps only the last,
// which silently drops e.g. a node pasted twice under the same id.
class duplicate_key_finder {
  public:
    explicit duplicate_key_finder(std::vector<problem>& out) : out_(out) {}

    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                stack_.push_back({event == json::parse_event_t::object_start,
                                  {},
                                  {},
                                  0,
                                  stack_.empty() ? std::string() : element_path()});
                break;
            case json::parse_event_t::key: {
                frame& f = stack_.back();
                f.key = parsed.is_string() ? parsed.get<std::string>() : std::string();
                if (!f.keys.insert(f.key).second) {
                    out_.push_back({child_path(f.path, f.key),
                                    "the key '" + f.key +
                                        "' appears twice in this object and "
                                        "only the last one would be used; rename or merge them"});
                }
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                stack_.pop_back();
                advance();
                break;
            case json::parse_event_t::value:
                advance();
                break;
        }
        return true;
    }

  private:
    struct frame {
        bool object;
        std::set<std::string> keys;
        std::string key;
        std::size_t index;
        std::string path;
    };

    std::string element_path() const {
        const frame& f = stack_.back();
        return f.object ? child_path(f.path, f.key) : child_path(f.path, f.index);
    }
    void advance() {
        if (!stack_.empty() && !stack_.back().object) ++stack_.back().index;
    }

    std::vector<problem>& out_;
    std::vector<frame> stack_;
};

// A SAX pass whose only job is the parser's own description of a syntax error (line, column,
// what it expected); the non-throwing DOM parse only says "discarded".
class syntax_error_reader : public nlohmann::json_sax<json> {
  public:
    std::string message = "the text is not valid JSON";

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        std::string what = ex.what();
        if (auto bracket = what.find("] ");
            what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) {
            what.erase(0, bracket + 2);
        }
        message = "not valid JSON: " + what + " (check commas, quotes and brackets there)";
        return false;
    }
};

void read_document(const json& document, reading& r, config& cfg) {
    object_reader root(document, "", r);
    if (!root.valid()) return;
    if (const json* v = root.require("languages",
                                     "a list of languages, e.g. [{\"code\": \"es\", "
                                     "\"name\": \"Español\"}]")) {
        read_languages(*v, r, cfg);
    }
    if (const json* v = root.require("deployment", "an object with name and default_language")) {
        read_deployment(*v, r, cfg);
    }
    if (const json* v = root.find("server")) read_server(*v, r, cfg);
    if (const json* v = root.require("channels", "a list with at least one channel")) {
        read_channels(*v, r, cfg);
    }
    if (const json* v = root.require("keywords",
                                     "word lists for menu, help, stop, start, "
                                     "language and status")) {
        read_keywords(*v, r, cfg);
    }
    if (const json* v = root.find("regions")) read_regions(*v, r, cfg);
    if (const json* v = root.find("case_types")) read_case_types(*v, r, cfg);
    if (const json* v = root.find("categories")) read_categories(*v, r, cfg);
    if (const json* v = root.find("organisations")) read_organisations(*v, r, cfg);
    if (const json* v = root.find("default_organisation")) read_default_organisation(*v, r, cfg);
    if (const json* v = root.find("sensitive")) read_sensitive(*v, r, cfg);
    if (const json* v = root.find("satisfaction")) read_satisfaction(*v, r, cfg);
    if (const json* v = root.find("topics")) read_topics(*v, r, cfg);
    if (const json* v = root.find("broadcasts")) read_broadcasts(*v, r, cfg);
    read_directory(root, r, cfg);
    const json* nodes = root.require("nodes", "the menus and flows, starting with \"main\"");
    if (nodes != nullptr) read_nodes(*nodes, r, cfg);
    if (const json* v = root.require("texts", "the gateway's texts in every language")) {
        read_texts(*v, r, cfg);
    }
    if (const json* v = root.require("statuses", "plain words for each case status")) {
        read_statuses(*v, r, cfg);
    }
    if (const json* v = root.find("officers")) read_officers(*v, r, cfg);
    if (const json* v = root.find("retention")) read_retention(*v, r, cfg);
    if (const json* v = root.find("operations")) read_operations(*v, r, cfg);
    root.warn_unknown();
    check_cross_references(r, cfg, nodes != nullptr && nodes->is_object());
    check_directory(r, cfg);
    check_workflow(r, cfg);
    fold_keywords(cfg);
}

load_result finish(problem_log& log, config cfg) {
    load_result result;
    result.errors = log.take_errors();
    result.warnings = log.take_warnings();
    if (result.errors.empty()) result.value = std::move(cfg);
    return result;
}

load_result load_document(const json& document, std::vector<problem> earlier_errors) {
    problem_log log;
    for (auto& p : earlier_errors) log.error(std::move(p.path), std::move(p.message));
    reading r{log, {}};
    config cfg;
    try {
        read_document(document, r, cfg);
    } catch (const json::exception& e) {
        // Every read checks types first; this is a safety net, not a path we expect.
        log.error("", std::string("could not read the configuration: ") + e.what());
    }
    return finish(log, std::move(cfg));
}

}  // namespace

load_result load_from_string(const std::string& json_text) {
    std::vector<problem> duplicates;
    const json document = json::parse(json_text, duplicate_key_finder(duplicates), false);
    if (document.is_discarded()) {
        syntax_error_reader reader;
        json::sax_parse(json_text, &reader);
        load_result result;
        result.errors.push_back({"", reader.message});
        return result;
    }
    return load_document(document, std::move(duplicates));
}

load_result load_from_json(const nlohmann::json& document) {
    return load_document(document, {});
}

load_result load_from_file(const std::string& path) {
    load_result result;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        result.errors.push_back({"", "cannot read config file '" + path + "': it is a directory"});
        return result;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        result.errors.push_back(
            {"", "cannot read config file '" + path + "': " + std::strerror(errno)});
        return result;
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        result.errors.push_back({"", "cannot read config file '" + path + "': read failed"});
        return result;
    }
    return load_from_string(text);
}

// The root (path "") is left out: "cannot read config file ..." reads better than "/: ...".
std::string to_string(const problem& p) {
    return p.path.empty() ? p.message : p.path + ": " + p.message;
}

}  // namespace cwc::config
