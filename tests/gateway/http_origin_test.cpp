// parse_origin: the provider API base URL split into what a connection needs.
#include "gateway/http_client.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>

using cwc::gateway::http_origin;
using cwc::gateway::parse_origin;

TEST_CASE("parse_origin accepts http(s) URLs with host, optional port and path prefix") {
    struct row {
        const char* url;
        bool tls;
        std::string host;
        std::string port;
        std::string base_path;
    };
    const row rows[] = {
        {"https://api.twilio.com", true, "api.twilio.com", "443", ""},
        {"https://api.twilio.com/", true, "api.twilio.com", "443", ""},
        {"http://api.twilio.com", false, "api.twilio.com", "80", ""},
        {"http://127.0.0.1:4010", false, "127.0.0.1", "4010", ""},
        {"https://gw.example.org:8443/twilio", true, "gw.example.org", "8443", "/twilio"},
        {"http://localhost:8080/fake/twilio/", false, "localhost", "8080", "/fake/twilio"},
        // RFC 3986 §3.2.3: an empty port is the scheme's default, not "".
        {"https://api.twilio.com:", true, "api.twilio.com", "443", ""},
        {"http://127.0.0.1:/fake", false, "127.0.0.1", "80", "/fake"},
    };
    for (const auto& r : rows) {
        const std::string url = r.url;
        CAPTURE(url);
        auto o = parse_origin(r.url);
        REQUIRE(o.has_value());
        CHECK(o->tls == r.tls);
        CHECK(o->host == r.host);
        CHECK(o->port == r.port);
        CHECK(o->base_path == r.base_path);
    }
}

TEST_CASE("parse_origin refuses what is not an http(s) origin") {
    const char* rejected[] = {
        "ftp://api.twilio.com",
        "file:///etc/passwd",
        "mailto:ops@example.org",
        "api.twilio.com",
        "/2010-04-01/Accounts",
        "https://",
        "http:///path-only",
        "garbage",
        "",
        // Boost.URL 1.81 reads this as host, empty port and the path "notaport".
        "https://api.twilio.com:notaport",
        "http://127.0.0.1:40x0",
    };
    for (const std::string url : rejected) {
        CAPTURE(url);
        CHECK_FALSE(parse_origin(url).has_value());
    }
}
