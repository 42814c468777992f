// What officers send, read strictly before anything touches a case: the case list's query
// parameters (every value checked against the config, unknown parameters refused) and the JSON
// bodies of case changes (one object, known fields only, exact types, UTF-8 texts of at most
// 1,600 characters). A refusal carries its HTTP status and a public reason.
#pragma once

#include "config/config.hpp"
#include "messages/case_reader.hpp"
#include "messages/officer.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

struct request_refusal {
    unsigned status = 400;
    std::string reason;
};

inline constexpr std::size_t max_page = 200;
inline constexpr std::size_t max_text_chars = 1600;

// GET /api/v1/cases?…: the filters as a case_query scoped to what the officer may see.
// type, category, status, region, language, channel: ids of the config; from, to: YYYY-MM-DD
// (a date `to` includes that day) or RFC 3339; overdue=1; sensitive=include|only (403 unless
// the officer's scope has sensitive cases; focal points get include by default);
// limit 1..200 (default 50); before: a case id for the next page.
struct case_list_request {
    messages::case_query query;
};
std::optional<request_refusal> read_case_list(std::string_view encoded_query,
                                              const config::config& cfg,
                                              const messages::case_scope& scope,
                                              messages::timestamp now, case_list_request& out);

// A case change's JSON body. Reads report the first problem; finish() refuses unknown fields.
class change_body {
  public:
    // An empty body reads as {} (flag and unflag need nothing but an optional note).
    explicit change_body(std::string_view body);
    std::string text(std::string_view key, bool required, bool may_be_empty = false);
    bool flag(std::string_view key);                           // absent = false
    std::vector<std::string> text_list(std::string_view key);  // required, may be empty
    // The first problem met, unknown fields included; nothing when the body was right.
    std::optional<request_refusal> finish();

  private:
    void refuse(std::string reason);
    nlohmann::json body_;
    std::vector<std::string> read_;
    std::optional<request_refusal> refusal_;
};

// A text fit for a case: valid UTF-8 (the JSON parser checks), no control characters but
// newline and tab, at most max_text_chars characters. The reason when it is not.
std::optional<std::string> text_problem(std::string_view text);

}  // namespace cwc::gateway
