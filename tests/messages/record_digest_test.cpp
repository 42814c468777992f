// Record digests: the documented canonical forms (known answers computed with Python's hmac
// from the formula in messages/record_digest.hpp), and that every digested field matters while
// the columns left out (status, routing) do not.
#include "messages/record_digest.hpp"

#include "messages/audit_keys.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;

namespace {

std::string key() {
    std::string k;
    const std::string hex = "33d2b87039339b9d7a6e027b640e22dd247a761098d50133d10299e16b732d80";
    for (std::size_t i = 0; i < hex.size(); i += 2)
        k += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return k;
}

const timestamp t0 = from_unix_ms(1'700'000'000'000);

inbound_message message() {
    inbound_message m;
    m.channel_id = "sms";
    m.provider_message_id = "SM1";
    m.received_at = t0;
    m.kind = "text";
    m.text = "Hola\nmundo ñ";
    return m;
}

case_record complaint() {
    case_record c;
    c.reference = "Q7K-2M4";
    c.contact_id = 3;
    c.inbound_id = 7;
    c.channel_id = "sms";
    c.type = "complaint";
    c.category = "sea";
    c.region = "lima";
    c.language = "es";
    c.opened_at = t0;
    c.description = "descripción";
    return c;
}

}  // namespace

TEST_CASE("record digest: canonical content is length-prefixed fields after the kind") {
    CHECK(canonical_content(outbound_content{9, 3, 7, 0, 1'700'000'000'000, "Gracias"}) ==
          "outbound\n1:9\n1:3\n1:7\n1:0\n13:1700000000000\n7:Gracias\n");
    // A newline inside a text cannot pass for a field boundary: the length says where it ends.
    CHECK(canonical_content(outbound_content{1, 2, 3, 4, 5, "a\n1:b"}) !=
          canonical_content(outbound_content{1, 2, 3, 4, 5, "a"}));
}

TEST_CASE("record digest: known answers for each record kind") {
    CHECK(inbound_digest(key(), message(), 7, 3, inbound_outcome::handled) ==
          "b640dca054274e4f650c9302add367c38766802547d81df88eed110b7268c2a3");
    outbound_message reply;
    reply.contact_id = 3;
    reply.inbound_id = 7;
    reply.created_at = t0;
    reply.text = "Gracias";
    CHECK(outbound_digest(key(), reply, 9) ==
          "49ea2ccf51f30667aa1289ee28d1be671432cb2d559bbc13c743903d645c6394");
    CHECK(case_digest(key(), complaint()) ==
          "7a65342b327e2e88b64bfc90e9792357d1f3aa0040bf9e42c89b9d3996556510");
}

TEST_CASE("record digest: every digested field changes it; workflow columns do not") {
    const auto base = case_digest(key(), complaint());
    for (auto change : {+[](case_record& c) { c.description += "."; },
                        +[](case_record& c) { c.category = "fraud"; },
                        +[](case_record& c) { c.contact_id = 4; },
                        +[](case_record& c) { c.opened_at += std::chrono::milliseconds{1}; },
                        +[](case_record& c) { c.region = ""; }}) {
        auto c = complaint();
        change(c);
        CHECK(case_digest(key(), c) != base);
    }
    auto c = complaint();
    c.status = "closed";
    c.sensitive = true;
    c.assigned_to = "ana";
    c.codes = {"rumour"};
    CHECK(case_digest(key(), c) == base);
    CHECK(case_digest(key() + "x", complaint()) != base);

    const auto inbound = inbound_digest(key(), message(), 7, 3, inbound_outcome::handled);
    CHECK(inbound_digest(key(), message(), 7, 3, inbound_outcome::failed) != inbound);
    auto located = message();
    located.location = geo_location{-12.05, -77.04, "Plaza", ""};
    CHECK(stored_location(located) ==
          R"({"address":"","latitude":-12.05,"longitude":-77.04,"name":"Plaza"})");
    CHECK(stored_location(message()).empty());
    CHECK(inbound_digest(key(), located, 7, 3, inbound_outcome::handled) != inbound);
}

TEST_CASE("record digest: HMAC-SHA256 as RFC 4231 defines it, whatever the key's length") {
    // RFC 4231 test cases 2 (a short key) and 6 (a key longer than a block, hashed first).
    CHECK(record_digest("Jefe", "what do ya want for nothing?") ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(record_digest(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First") ==
          "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    // Alternating keys: the prepared key state follows the key asked for.
    for (const std::size_t length : {0u, 1u, 32u, 63u, 64u, 65u, 200u}) {
        CAPTURE(length);
        const std::string k(length, 'k');
        std::string expected;
        for (const unsigned char b : hmac_sha256(k, "outbound\n1:9\n")) {
            expected += "0123456789abcdef"[b >> 4];
            expected += "0123456789abcdef"[b & 0x0F];
        }
        CHECK(record_digest(k, "outbound\n1:9\n") == expected);
        CHECK(record_digest("Jefe", "what do ya want for nothing?") ==
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }
}
