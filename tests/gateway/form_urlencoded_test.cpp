// Form bodies as providers send them: decoding rules, malformed input, and the encoder that
// build_twilio_send relies on (RFC 3986 unreserved kept, the rest %XX upper-case).
#include "gateway/form_urlencoded.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using cwc::gateway::encode_form;
using cwc::gateway::find_field;
using cwc::gateway::form_field;
using cwc::gateway::form_fields;
using cwc::gateway::parse_form;
using cwc::gateway::percent_encode;

TEST_CASE("parse_form decodes fields in received order") {
    struct row {
        std::string body;
        form_fields expected;
    };
    const std::vector<row> rows{
        {"", {}},
        {"a=1", {{"a", "1"}}},
        {"a=1&b=2", {{"a", "1"}, {"b", "2"}}},
        {"b=2&a=1", {{"b", "2"}, {"a", "1"}}},
        {"a=1&&b=2", {{"a", "1"}, {"b", "2"}}},
        {"&a=1&", {{"a", "1"}}},
        {"flag", {{"flag", ""}}},
        {"a=", {{"a", ""}}},
        {"=v", {{"", "v"}}},
        {"a=x=y", {{"a", "x=y"}}},
        {"Body=Hola+mundo", {{"Body", "Hola mundo"}}},
        {"To=%2B12028831111", {{"To", "+12028831111"}}},
        {"x=%2b%2B", {{"x", "++"}}},
        {"x=a%26b%3Dc", {{"x", "a&b=c"}}},
        {"My+Name=1", {{"My Name", "1"}}},
        {"x=%C2%BFd%C3%B3nde",
         {{"x",
           "\xC2\xBF"
           "d\xC3\xB3nde"}}},
        {"x=%F0%9F%98%80", {{"x", "\xF0\x9F\x98\x80"}}},
        {"x=\xC3\xB3", {{"x", "\xC3\xB3"}}},  // raw UTF-8 passes through
        {"a=1&a=2", {{"a", "1"}, {"a", "2"}}},
    };
    for (const auto& r : rows) {
        CAPTURE(r.body);
        const auto parsed = parse_form(r.body);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == r.expected);
    }
}

TEST_CASE("parse_form refuses bad escapes and invalid UTF-8") {
    const std::vector<std::string> bodies{
        "x=%G1", "x=%1G",    "x=%4",   "x=%",         "%=1",   "a=1&b=%zz", "x=%C3",
        "x=%FF", "x=%C0%AF", "x=\xFF", "x=%ED%A0%80", "%80=1", "a=%%41",    "x=%C3%28",
    };
    for (const auto& body : bodies) {
        CAPTURE(body);
        CHECK_FALSE(parse_form(body).has_value());
    }
}

TEST_CASE("percent_encode keeps unreserved characters only") {
    struct row {
        std::string raw, encoded;
    };
    const std::vector<row> rows{
        {"", ""},
        {"AZaz09-._~", "AZaz09-._~"},
        {" ", "%20"},
        {"+14155550100", "%2B14155550100"},
        {"whatsapp:+1", "whatsapp%3A%2B1"},
        {"a&b=c/d?e#f", "a%26b%3Dc%2Fd%3Fe%23f"},
        {"\xC3\xB3", "%C3%B3"},
        {"%", "%25"},
        {std::string{"\x00\x7F", 2}, "%00%7F"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.raw);
        CHECK(percent_encode(r.raw) == r.encoded);
    }
}

TEST_CASE("encode_form joins fields and round-trips through parse_form") {
    const form_fields fields{{"To", "+14155550100"},
                             {"Body", "¿Dónde está la clínica? 1+1=2 & más 😀"},
                             {"Empty", ""},
                             {"", "no name"},
                             {"To", "repeated"}};
    const std::string body = encode_form(fields);
    CHECK(body.find(' ') == std::string::npos);
    CHECK(body.rfind("To=%2B14155550100&Body=%C2%BFD", 0) == 0);
    CHECK(body.find("&Empty=&=no%20name&To=repeated") != std::string::npos);
    const auto parsed = parse_form(body);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == fields);
    CHECK(encode_form({}).empty());
}

TEST_CASE("find_field returns the first value of a name") {
    const form_fields fields{{"a", "1"}, {"b", ""}, {"a", "2"}};
    REQUIRE(find_field(fields, "a") != nullptr);
    CHECK(*find_field(fields, "a") == "1");
    REQUIRE(find_field(fields, "b") != nullptr);
    CHECK(find_field(fields, "b")->empty());
    CHECK(find_field(fields, "A") == nullptr);
    CHECK(find_field(fields, "") == nullptr);
}
