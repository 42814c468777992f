// Audit keys and head signatures: known answers computed with Python's hmac and the
// `cryptography` package (an independent implementation), RFC 8032's first Ed25519 vector, and
// refusal of every altered statement, signature and key.
#include "messages/audit_keys.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

using namespace cwc::messages;

namespace {

const std::string secret = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const std::string hash_ab(64, 'a');

std::string hex_of(const std::string& raw) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (const unsigned char b : raw) {
        out += digits[b >> 4];
        out += digits[b & 0x0F];
    }
    return out;
}

}  // namespace

TEST_CASE("audit keys: derived from the secret with labelled HMACs (known answers)") {
    const auto keys = derive_audit_keys(secret);
    CHECK(hex_of(keys.record_digest_key) ==
          "33d2b87039339b9d7a6e027b640e22dd247a761098d50133d10299e16b732d80");
    CHECK(hex_of(keys.signing_seed) ==
          "97fe62abf12ee803e86a241e5c488f3d791e15ca8ce2b6c2f97db76e0a80d3ff");
    CHECK(keys.public_key == "6c995eacbcc77e6d291234c3b0bae28118704aa9f6db2317336e7578454060a9");
    // Another secret, other keys; the same secret, the same keys.
    const auto other = derive_audit_keys(secret + "0");
    CHECK(other.record_digest_key != keys.record_digest_key);
    CHECK(other.public_key != keys.public_key);
    CHECK(derive_audit_keys(secret).public_key == keys.public_key);
    CHECK_THROWS_AS(derive_audit_keys(""), std::invalid_argument);
}

TEST_CASE("audit keys: a head statement signed with Ed25519 (known answer) and checked") {
    const auto keys = derive_audit_keys(secret);
    CHECK(head_statement(42, hash_ab, 1'700'000'000'000) ==
          "cwc-gateway audit head v1\n42\n" + hash_ab + "\n1700000000000");
    std::string abab;
    for (int i = 0; i < 32; ++i) abab += "ab";
    const std::string statement_ab = head_statement(42, abab, 1'700'000'000'000);
    const auto signature = sign_statement(keys, statement_ab);
    CHECK(signature ==
          "5231a3c9254350eb9134828bd3d36d265972f95e976191a6b9d0ef3c2a48eaa0"
          "18caabfc0cf2505ee60971f15a7c19f15e92a58a4cd30e1b6cdd70d0a3d0d20b");
    CHECK(signature_valid(keys.public_key, statement_ab, signature));

    SUBCASE("any change is refused") {
        CHECK_FALSE(signature_valid(keys.public_key, head_statement(43, hash_ab, 1), signature));
        CHECK_FALSE(signature_valid(keys.public_key, statement_ab + "0", signature));
        std::string flipped = signature;
        flipped[10] = flipped[10] == '0' ? '1' : '0';
        CHECK_FALSE(signature_valid(keys.public_key, statement_ab, flipped));
        CHECK_FALSE(signature_valid(derive_audit_keys("other").public_key, statement_ab, signature));
    }
    SUBCASE("malformed keys and signatures are refused, not thrown") {
        CHECK_FALSE(signature_valid("zz", statement_ab, signature));
        CHECK_FALSE(signature_valid(keys.public_key.substr(2), statement_ab, signature));
        CHECK_FALSE(signature_valid(keys.public_key, statement_ab, signature.substr(1)));
        CHECK_FALSE(signature_valid(keys.public_key, statement_ab, ""));
    }
}

TEST_CASE("audit keys: RFC 8032 Ed25519 test vector 1") {
    audit_keys keys;
    const std::string seed_hex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    for (std::size_t i = 0; i < seed_hex.size(); i += 2)
        keys.signing_seed += static_cast<char>(std::stoi(seed_hex.substr(i, 2), nullptr, 16));
    const std::string expected =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
        "1cf9b46bd25bf5f0595bbe24655141438e7a100b";
    CHECK(sign_statement(keys, "") == expected);
    CHECK(signature_valid("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                          expected));
}
