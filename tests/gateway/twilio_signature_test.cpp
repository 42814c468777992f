// X-Twilio-Signature against the vectors of PROVIDERS.md §1.2 (V1, older doc editions, V3–V6,
// port variants), and the ways a signature must fail: any change to URL, fields or token.
#include "gateway/twilio_signature.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using cwc::gateway::form_fields;
using cwc::gateway::parse_form;
using cwc::gateway::twilio_signature;
using cwc::gateway::verify_twilio_signature;

namespace {

const std::string v1_url = "https://example.com/myapp.php?foo=1&bar=2";

form_fields doc_example_fields(const std::string& number) {
    // Deliberately not in sorted order: the signature sorts them itself.
    return {{"To", "+18005551212"},
            {"From", number},
            {"CallSid", "CA1234567890ABCDE"},
            {"Digits", "1234"},
            {"Caller", number}};
}

const std::string test_token = "test_token_0123456789abcdef";

form_fields v4_fields() {
    return {{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
            {"MessageStatus", "undelivered"},
            {"ErrorCode", "30003"},
            {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
            {"From", "+14155550199"},
            {"To", "+14155550100"},
            {"ApiVersion", "2010-04-01"},
            {"SmsSid", "SM0123456789abcdef0123456789abcdef"},
            {"SmsStatus", "undelivered"}};
}

form_fields v5_fields() {
    return {{"MessageSid", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
            {"AccountSid", "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
            {"From", "whatsapp:+5215550001111"},
            {"To", "whatsapp:+14155238886"},
            {"Body", "Hola, ¿dónde está el centro? 1+1=2"},
            {"NumMedia", "1"},
            {"MediaUrl0",
             "https://api.twilio.com/2010-04-01/Accounts/ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb/"
             "Messages/MMcc/Media/MEdd"},
            {"MediaContentType0", "image/jpeg"},
            {"ProfileName", "María"},
            {"WaId", "5215550001111"}};
}

form_fields v6_fields() {
    return {{"MessageSid", "SM0123456789abcdef0123456789abcdef"},
            {"AccountSid", "AC0123456789abcdef0123456789abcdef"},
            {"From", "+14155550100"},
            {"To", "+14155550199"},
            {"Body", "¿Dónde está la clínica? 😀"},
            {"NumMedia", "0"}};
}

const std::string v3_url =
    "https://gw.example.org/c/t/8eb23e93-5ecb-45ba-b726-3b064e0c56ab/receive";
const std::string v3_body =
    "ToCountry=US&ToState=District+Of+Columbia&SmsMessageSid=SMe287d7109a5a925f182f0e07fe5b223b&"
    "NumMedia=0&ToCity=&FromZip=01022&SmsSid=SMe287d7109a5a925f182f0e07fe5b223b&FromState=MA&"
    "SmsStatus=received&FromCity=CHICOPEE&Body=Msg&FromCountry=US&To=%2B12028831111&ToZip=&"
    "NumSegments=1&MessageSid=SMe287d7109a5a925f182f0e07fe5b223b&AccountSid=acctid&"
    "From=%2B14133881111&ApiVersion=2010-04-01";

}  // namespace

TEST_CASE("twilio_signature reproduces the documented and recorded vectors") {
    struct row {
        const char* name;
        std::string token, url;
        form_fields fields;
        std::string expected;
    };
    const std::vector<row> rows{
        {"V1", "12345", v1_url, doc_example_fields("+14158675310"), "L/OH5YylLD5NRKLltdqwSvS0BnU="},
        {"older doc, +14158675310", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
         doc_example_fields("+14158675310"), "GvWf1cFY/Q7PnoempGyD5oXAezc="},
        {"older doc, +12349013030", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
         doc_example_fields("+12349013030"), "0/KCTR6DLpKmkAf8muzZqo1nDgQ="},
        {"twilio-node vector", "12345", "https://mycompany.com/myapp.php?foo=1&bar=2",
         doc_example_fields("+14158675309"), "RSOYDt4T1cUTdK1PDd93/VVr8B8="},
        {"V1 with :443", "12345", "https://example.com:443/myapp.php?foo=1&bar=2",
         doc_example_fields("+14158675310"), "nbjTKFXyL7SOTAXZi6MWqyIuq40="},
        {"V4", test_token, "https://gw.example.org/twilio/status?msg=42&ch=abc", v4_fields(),
         "C/NMmKEVMQ+AorlS0k7rZ/FTOxc="},
        {"V5", test_token, "https://gw.example.org/twilio/wa", v5_fields(),
         "MzlZWPgIDTImmMxtwxePNZ4odM0="},
        {"V6", test_token, "https://gw.example.org:8443/twilio/sms?ch=abc", v6_fields(),
         "SMLbv//pI6nTv3bjvy5ibtHfKjg="},
        {"V6 without port", test_token, "https://gw.example.org/twilio/sms?ch=abc", v6_fields(),
         "g+bsWgdkqnjzOWVXfcoAggdJUvs="},
    };
    for (const auto& r : rows) {
        CAPTURE(r.name);
        CHECK(twilio_signature(r.token, r.url, r.fields) == r.expected);
        CHECK(verify_twilio_signature(r.token, r.url, r.fields, r.expected));
    }
}

TEST_CASE("V3: a raw courier body parsed with parse_form, empty values included") {
    const auto fields = parse_form(v3_body);
    REQUIRE(fields.has_value());
    CHECK(fields->size() == 19);
    CHECK(twilio_signature("6789", v3_url, *fields) == "libkdaqtc691APOxdlRN5tED6Oo=");
    CHECK(verify_twilio_signature("6789", v3_url, *fields, "libkdaqtc691APOxdlRN5tED6Oo="));

    // "ToCity=" contributes "ToCity": dropping an empty field breaks the signature.
    form_fields without_empty;
    for (const auto& f : *fields)
        if (f.name != "ToCity") without_empty.push_back(f);
    CHECK_FALSE(
        verify_twilio_signature("6789", v3_url, without_empty, "libkdaqtc691APOxdlRN5tED6Oo="));
}

TEST_CASE("verify accepts the port variants Twilio's SDK accepts") {
    const auto fields = doc_example_fields("+14158675310");
    // Signed with :443, validated against the URL without a port: the default port is added.
    CHECK(verify_twilio_signature("12345", v1_url, fields, "nbjTKFXyL7SOTAXZi6MWqyIuq40="));
    // Signed without a port, validated against the URL with :443: the port is removed.
    CHECK(verify_twilio_signature("12345", "https://example.com:443/myapp.php?foo=1&bar=2", fields,
                                  "L/OH5YylLD5NRKLltdqwSvS0BnU="));
    // http: the default port is :80, not :443.
    const std::string http_url = "http://example.com/myapp.php?foo=1&bar=2";
    const std::string http_80 =
        twilio_signature("12345", "http://example.com:80/myapp.php?foo=1&bar=2", fields);
    CHECK(verify_twilio_signature("12345", http_url, fields, http_80));
    const std::string http_443 =
        twilio_signature("12345", "http://example.com:443/myapp.php?foo=1&bar=2", fields);
    CHECK_FALSE(verify_twilio_signature("12345", http_url, fields, http_443));
    // V6: a non-default port must be present; Twilio signed with it.
    CHECK(verify_twilio_signature(test_token, "https://gw.example.org:8443/twilio/sms?ch=abc",
                                  v6_fields(), "SMLbv//pI6nTv3bjvy5ibtHfKjg="));
    CHECK_FALSE(verify_twilio_signature(test_token, "https://gw.example.org/twilio/sms?ch=abc",
                                        v6_fields(), "SMLbv//pI6nTv3bjvy5ibtHfKjg="));
    CHECK_FALSE(verify_twilio_signature(test_token, "https://gw.example.org:443/twilio/sms?ch=abc",
                                        v6_fields(), "SMLbv//pI6nTv3bjvy5ibtHfKjg="));
}

TEST_CASE("verify refuses any change to the signed material") {
    const std::string good = "C/NMmKEVMQ+AorlS0k7rZ/FTOxc=";
    const std::string url = "https://gw.example.org/twilio/status?msg=42&ch=abc";
    REQUIRE(verify_twilio_signature(test_token, url, v4_fields(), good));

    SUBCASE("one character changed in a value") {
        auto fields = v4_fields();
        fields[2].value = "30004";
        CHECK_FALSE(verify_twilio_signature(test_token, url, fields, good));
    }
    SUBCASE("a field added") {
        auto fields = v4_fields();
        fields.push_back({"ErrorMessage", ""});
        CHECK_FALSE(verify_twilio_signature(test_token, url, fields, good));
    }
    SUBCASE("a field removed") {
        auto fields = v4_fields();
        fields.pop_back();
        CHECK_FALSE(verify_twilio_signature(test_token, url, fields, good));
    }
    SUBCASE("wrong token") {
        CHECK_FALSE(verify_twilio_signature("test_token_0123456789abcdeF", url, v4_fields(), good));
        CHECK_FALSE(verify_twilio_signature("", url, v4_fields(), good));
    }
    SUBCASE("http instead of https") {
        CHECK_FALSE(verify_twilio_signature(
            test_token, "http://gw.example.org/twilio/status?msg=42&ch=abc", v4_fields(), good));
    }
    SUBCASE("trailing slash, query order, query encoding") {
        CHECK_FALSE(verify_twilio_signature(
            test_token, "https://gw.example.org/twilio/status/?msg=42&ch=abc", v4_fields(), good));
        CHECK_FALSE(verify_twilio_signature(
            test_token, "https://gw.example.org/twilio/status?ch=abc&msg=42", v4_fields(), good));
        CHECK_FALSE(verify_twilio_signature(
            test_token, "https://gw.example.org/twilio/status?msg=%34%32&ch=abc", v4_fields(),
            good));
    }
    SUBCASE("header tampered, truncated, empty or lower-cased") {
        std::string flipped = good;
        flipped[5] = 'X';
        CHECK_FALSE(verify_twilio_signature(test_token, url, v4_fields(), flipped));
        CHECK_FALSE(verify_twilio_signature(test_token, url, v4_fields(), good.substr(0, 27)));
        CHECK_FALSE(verify_twilio_signature(test_token, url, v4_fields(), good + "="));
        CHECK_FALSE(verify_twilio_signature(test_token, url, v4_fields(), ""));
        CHECK_FALSE(
            verify_twilio_signature(test_token, url, v4_fields(), "c/nmmkevmq+aorls0k7rz/ftoxc="));
    }
    SUBCASE("trimmed whitespace in a value") {
        auto fields = v5_fields();
        fields[4].value += " ";
        CHECK_FALSE(verify_twilio_signature(test_token, "https://gw.example.org/twilio/wa", fields,
                                            "MzlZWPgIDTImmMxtwxePNZ4odM0="));
    }
}

TEST_CASE("fields sort byte-wise by name, stable for repeated names") {
    // Byte order: upper case before lower case, "MediaUrl10" before "MediaUrl2".
    const form_fields a{{"b", "1"}, {"B", "2"}, {"MediaUrl2", "x"}, {"MediaUrl10", "y"}};
    const form_fields b{{"MediaUrl10", "y"}, {"B", "2"}, {"MediaUrl2", "x"}, {"b", "1"}};
    CHECK(twilio_signature("k", "https://h/p", a) == twilio_signature("k", "https://h/p", b));
    // Exactly url + name + value in that order, nothing between: the same as signing the
    // string-to-sign as a bare URL.
    CHECK(twilio_signature("k", "https://h/p", a) ==
          twilio_signature("k", "https://h/pB2MediaUrl10yMediaUrl2xb1", {}));
    // Repeated names keep their received order, so swapping their values changes the signature.
    const form_fields r1{{"MediaUrl", "one"}, {"Body", "x"}, {"MediaUrl", "two"}};
    const form_fields r2{{"MediaUrl", "two"}, {"Body", "x"}, {"MediaUrl", "one"}};
    CHECK(twilio_signature("k", "https://h/p", r1) ==
          twilio_signature("k", "https://h/p",
                           {{"Body", "x"}, {"MediaUrl", "one"}, {"MediaUrl", "two"}}));
    CHECK(twilio_signature("k", "https://h/p", r1) != twilio_signature("k", "https://h/p", r2));
    // Non-ASCII names sort after ASCII ones (unsigned bytes).
    const form_fields u1{{"\xC3\xA9", "1"}, {"z", "2"}};
    const form_fields u2{{"z", "2"}, {"\xC3\xA9", "1"}};
    CHECK(twilio_signature("k", "https://h/p", u1) == twilio_signature("k", "https://h/p", u2));
    CHECK(twilio_signature("k", "https://h/p", u1) == twilio_signature("k",
                                                                       "https://h/pz2\xC3\xA9"
                                                                       "1",
                                                                       {}));
}

TEST_CASE("signatures are 28-character padded base64") {
    for (const auto& token : {std::string{}, std::string{"12345"}, std::string(100, 'k')}) {
        const std::string sig = twilio_signature(token, "https://h/p", {});
        CHECK(sig.size() == 28);
        CHECK(sig.back() == '=');
        CHECK(verify_twilio_signature(token, "https://h/p", {}, sig));
    }
    CHECK(twilio_signature("a", "https://h/p", {}) != twilio_signature("b", "https://h/p", {}));
}
