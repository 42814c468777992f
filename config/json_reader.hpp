// Internal to config/load: typed reads from untrusted JSON that never throw. Every read that fails
// records a problem at the JSON pointer of the value at fault and leaves the target untouched, so a
// loader can keep going and report everything at once.
#pragma once

#include "config/config.hpp"
#include "config/load.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::config {

using json = nlohmann::json;

class problem_log {
  public:
    void error(std::string path, std::string message);
    void warning(std::string path, std::string message);
    std::size_t error_count() const { return errors_.size(); }
    std::vector<problem> take_errors() { return std::move(errors_); }
    std::vector<problem> take_warnings() { return std::move(warnings_); }

  private:
    std::vector<problem> errors_;
    std::vector<problem> warnings_;
};

// JSON pointer of a member or element below parent (RFC 6901 escapes: "~" -> "~0", "/" -> "~1").
std::string child_path(const std::string& parent, std::string_view key);
std::string child_path(const std::string& parent, std::size_t index);

// "a string", "an integer", "an object"...: for "expected X, found Y" messages.
std::string type_phrase(const json& value);

enum class presence { optional, required };

// What a localized text must satisfy beyond "every configured language, non-empty".
struct text_rules {
    std::vector<std::string> required_placeholders;  // e.g. {"reference", "days"}
    std::vector<std::string> allowed_placeholders;   // required ones are allowed implicitly
};

// The state every section reader shares: where problems go and which languages are configured.
struct reading {
    problem_log& log;
    std::vector<language_code> languages;  // valid, unique codes from /languages
};

// Reads one JSON object: each read marks its key as known; warn_unknown() then flags the rest,
// which catches typos such as "acknowledgment". A non-object is one error and every read fails.
class object_reader {
  public:
    object_reader(const json& value, std::string path, reading& r);

    bool valid() const { return object_ != nullptr; }
    const std::string& path() const { return path_; }
    std::string path_of(std::string_view key) const { return child_path(path_, key); }

    // The member, marked as known; nullptr when absent. A required absent key is an error.
    const json* find(std::string_view key);
    const json* require(std::string_view key, std::string_view expected);
    void mark_known(std::string_view key) { known_.insert(std::string(key)); }
    std::vector<std::string> keys() const;
    // A problem with the member key (present or not).
    void error(std::string_view key, std::string message);
    void warning(std::string_view key, std::string message);

    // Typed reads: true when out was set. Absent optional keys leave out at its default.
    bool read_string(std::string_view key, std::string& out, presence p);
    bool read_int(std::string_view key, int& out, long long lo, long long hi, presence p);
    bool read_size(std::string_view key, std::size_t& out, long long lo, long long hi, presence p);
    bool read_number(std::string_view key, double& out, double lo, double hi, presence p);
    bool read_bool(std::string_view key, bool& out, presence p);
    bool read_localized(std::string_view key, localized_text& out, presence p,
                        const text_rules& rules = {});

    void warn_unknown(std::string_view where_hint = {});

  private:
    // Shared by read_int and read_size: the member as an integer in [lo, hi]; empty when absent
    // or refused (a refusal is logged).
    std::optional<long long> read_integer(std::string_view key, long long lo, long long hi,
                                          presence p);

    const json* object_ = nullptr;
    std::string path_;
    reading& reading_;
    std::set<std::string, std::less<>> known_;
};

// Value-level reads, for array elements and map values.
std::optional<std::string> read_string_value(const json& value, const std::string& path,
                                             problem_log& log);
std::optional<long long> read_integer_value(const json& value, const std::string& path,
                                            long long lo, long long hi, problem_log& log);
// A localized text: an object with a non-empty string for every configured language. Keys for
// other languages are warnings; opt-out words and unknown placeholders are warnings too.
localized_text read_localized_value(const json& value, const std::string& path, reading& r,
                                    const text_rules& rules = {});

// An array's elements, or one error if value is not an array.
const json::array_t* read_array(const json& value, const std::string& path, problem_log& log);

}  // namespace cwc::config
