// The value shapes and text checks behind the loader, table-driven: what passes, what does not,
// and the edge cases an operator is likely to type.
#include "config/formats.hpp"

#include <doctest/doctest.h>
#include <string>

using namespace cwc::config;

TEST_CASE("http URLs: scheme, host, optional port and prefix, nothing else") {
    struct row {
        const char* url;
        bool ok;
    };
    const row rows[] = {
        {"http://127.0.0.1:8080", true},        {"https://sms.example.org", true},
        {"https://sms.example.org/cwc", true},  {"https://[::1]:8443/a/b", true},
        {"https://api.twilio.com", true},       {"ftp://example.org", false},
        {"HTTP://example.org", false},          {"https://", false},
        {"https://example.org/", false},        {"https://example.org/cwc/", false},
        {"https://example.org?x=1", false},     {"https://example.org/#top", false},
        {"https://user:pw@example.org", false}, {"https://example.org:0", false},
        {"https://example.org:65536", false},   {"https://example.org:80a", false},
        {"https://exa mple.org", false},        {"https://example.org:", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.url);
        CHECK(http_url_problem(r.url).has_value() == !r.ok);
    }
}

TEST_CASE("listen addresses are host:port") {
    struct row {
        const char* listen;
        bool ok;
    };
    const row rows[] = {
        {"127.0.0.1:8080", true}, {"0.0.0.0:0", true},   {"[::]:443", true},
        {"localhost:80", true},   {"127.0.0.1", false},  {":8080", false},
        {"::1:8080", false},      {"host:65536", false}, {"host:http", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.listen);
        CHECK(listen_problem(r.listen).has_value() == !r.ok);
    }
}

TEST_CASE("identifiers, numbers and names") {
    CHECK(is_slug("info_docs-2"));
    CHECK_FALSE(is_slug(""));
    CHECK_FALSE(is_slug("Info"));
    CHECK_FALSE(is_slug(std::string(33, 'a')));
    CHECK(is_slug(std::string(32, 'a')));

    CHECK(is_e164("+5116409000"));
    CHECK(is_e164("+12025550123"));
    CHECK_FALSE(is_e164("5116409000"));
    CHECK_FALSE(is_e164("+51 1 6409000"));
    CHECK_FALSE(is_e164("+0116409000"));
    CHECK_FALSE(is_e164("+1234567"));           // 7 digits
    CHECK(is_e164("+12345678"));                // 8 digits
    CHECK(is_e164("+123456789012345"));         // 15 digits
    CHECK_FALSE(is_e164("+1234567890123456"));  // 16 digits

    CHECK(is_env_name("TWILIO_AUTH_TOKEN"));
    CHECK(is_env_name("_X1"));
    CHECK_FALSE(is_env_name("1X"));
    CHECK_FALSE(is_env_name("twilio_token"));
    CHECK_FALSE(is_env_name("TWILIO-TOKEN"));
    CHECK_FALSE(is_env_name(""));

    CHECK(is_messaging_service_sid("MG0123456789abcdef0123456789ABCDEF"));
    CHECK_FALSE(is_messaging_service_sid("AC0123456789abcdef0123456789abcdef"));
    CHECK_FALSE(is_messaging_service_sid("MG0123"));

    CHECK(is_language_code("es"));
    CHECK(is_language_code("ckb"));
    CHECK_FALSE(is_language_code("ES"));
    CHECK_FALSE(is_language_code("es-PE"));
    CHECK(is_country_code("PE"));
    CHECK_FALSE(is_country_code("PER"));
    CHECK_FALSE(is_country_code("pe"));
}

TEST_CASE("a keyword of digits alone would be read as a menu choice") {
    CHECK(is_digits_only("12"));
    CHECK(is_digits_only("1 2"));
    CHECK(is_digits_only("٣"));
    CHECK_FALSE(is_digits_only("1a"));
    CHECK_FALSE(is_digits_only(""));
    CHECK_FALSE(is_digits_only(" \t"));
}

TEST_CASE("provider opt-out words are found as whole words in any case") {
    struct row {
        const char* text;
        const char* found;  // "" = none
    };
    const row rows[] = {
        {"Reply CANCEL to stop", "CANCEL"},
        {"reply end.", "END"},
        {"¡QUIT!", "QUIT"},
        {"«Unsubscribe»", "UNSUBSCRIBE"},
        {"Send OPTOUT", "OPTOUT"},
        {"stopall", "STOPALL"},
        {"revoke", "REVOKE"},
        {"Reply STOP to stop", ""},
        {"weekend, ending, cancelled, quite, send", ""},
        {"endé", ""},
        {"", ""},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        const auto found = find_opt_out_word(r.text);
        CHECK(found.value_or("") == r.found);
    }
}

TEST_CASE("placeholders are the names between braces") {
    CHECK(placeholders_in("Ref {reference} in {days} days") ==
          std::vector<std::string>{"reference", "days"});
    CHECK(placeholders_in("no braces").empty());
    CHECK(placeholders_in("{open {inner} close").size() == 1);
    CHECK(placeholders_in("{}") == std::vector<std::string>{""});
}
