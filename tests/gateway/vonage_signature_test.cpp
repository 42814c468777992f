// Vonage webhook signatures: the vectors of PROVIDERS.md §4.2 (verified there with the official
// SDK), the other HMACs of the same string, Vonage's own SDK test, and the method names.
#include "gateway/vonage_signature.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <string>

using namespace cwc;
using gateway::form_fields;
using gateway::vonage_signature_method;

namespace {

const form_fields vector_params{
    {"msisdn", "447700900001"},
    {"to", "447700900000"},
    {"messageId", "0A0000000123ABCD1"},
    {"text", "Hello world & more=stuff"},
    {"type", "text"},
    {"keyword", "HELLO"},
    {"message-timestamp", "2020-01-01 12:00:00"},
    {"timestamp", "1577880000"},
    {"nonce", "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"},
};
constexpr const char* vector_secret = "mySignatureSecret";
constexpr const char* vector_md5hash = "bd4da644b559088965e1a9d8620614ad";
constexpr const char* vector_sha256 =
    "7a4d655aec023b8e5b097c0e4e5b200bc858166883d9cf03d9384751c6fc5c52";

form_fields with(form_fields fields, const std::string& name, const std::string& value) {
    for (auto& f : fields)
        if (f.name == name) {
            f.value = value;
            return fields;
        }
    fields.push_back({name, value});
    return fields;
}

}  // namespace

TEST_CASE("vonage signature: the signing string and every method's vector") {
    CHECK(gateway::vonage_signing_string(with(vector_params, "sig", "ignored")) ==
          "&keyword=HELLO&message-timestamp=2020-01-01 12:00:00&messageId=0A0000000123ABCD1"
          "&msisdn=447700900001&nonce=aaaaaaaa-bbbb-cccc-dddd-0123456789ab"
          "&text=Hello world _ more_stuff&timestamp=1577880000&to=447700900000&type=text");
    struct row {
        vonage_signature_method method;
        const char* hex;
    };
    // md5hash and sha256 from PROVIDERS.md; the other HMACs of the same string by `openssl dgst`.
    const row rows[] = {
        {vonage_signature_method::md5hash, vector_md5hash},
        {vonage_signature_method::md5_hmac, "a2439a11b32e8d4993ce74b86904fa92"},
        {vonage_signature_method::sha1_hmac, "3aaffba1a103f4b250f67f28a2d359ba3a3c3162"},
        {vonage_signature_method::sha256_hmac, vector_sha256},
        {vonage_signature_method::sha512_hmac,
         "ec963fc0a01dabc74744b91a96b6cffcffe9d69721adbb58fb0a61c81a1b30c9581fd0a8e43d59c9bf2e8f81"
         "daaf19f0441c7ccd8127170643593093ef27ec19"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.hex);
        CHECK(gateway::vonage_signature(vector_params, vector_secret, r.method) == r.hex);
        CHECK(gateway::verify_vonage_signature(vector_params, vector_secret, r.method, r.hex));
        std::string upper{r.hex};
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        CHECK(gateway::verify_vonage_signature(vector_params, vector_secret, r.method, upper));
        CHECK_FALSE(
            gateway::verify_vonage_signature(vector_params, "otherSecret", r.method, r.hex));
        CHECK_FALSE(gateway::verify_vonage_signature(with(vector_params, "text", "Hello"),
                                                     vector_secret, r.method, r.hex));
        CHECK_FALSE(gateway::verify_vonage_signature(vector_params, "", r.method, r.hex));
        CHECK_FALSE(gateway::verify_vonage_signature(vector_params, vector_secret, r.method, ""));
    }
    // Vonage's Python SDK test: {a: 1, b: 2, timestamp: 1461605396}, secret "secret".
    CHECK(gateway::vonage_signature({{"b", "2"}, {"timestamp", "1461605396"}, {"a", "1"}}, "secret",
                                    vonage_signature_method::md5hash) ==
          "6af838ef94998832dbfc29020b564830");
}

TEST_CASE("vonage signature: method names") {
    using m = vonage_signature_method;
    CHECK(gateway::parse_vonage_signature_method("") == m::md5hash);
    CHECK(gateway::parse_vonage_signature_method("md5hash") == m::md5hash);
    CHECK(gateway::parse_vonage_signature_method("md5") == m::md5_hmac);
    CHECK(gateway::parse_vonage_signature_method("sha1") == m::sha1_hmac);
    CHECK(gateway::parse_vonage_signature_method("sha256") == m::sha256_hmac);
    CHECK(gateway::parse_vonage_signature_method("sha512") == m::sha512_hmac);
    CHECK_FALSE(gateway::parse_vonage_signature_method("SHA256").has_value());
    CHECK_FALSE(gateway::parse_vonage_signature_method("sha384").has_value());
}
