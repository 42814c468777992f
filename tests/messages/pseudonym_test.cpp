// Pseudonyms against HMAC-SHA256 values computed independently with the openssl CLI.
#include "messages/pseudonym.hpp"

#include <doctest/doctest.h>

using namespace cwc::messages;

TEST_CASE("pseudonym is p_ + the first 16 hex digits of HMAC-SHA256(key, address)") {
    // Expected values computed in a shell, e.g.
    //   echo -n "+51987654321" | openssl dgst -sha256 -hmac "test-deployment-key"
    //   -> 39752b4a283587305f29f80d4df994cda560a52099ce1d758890d2f77cc4b0c9
    CHECK(pseudonym("test-deployment-key", "+51987654321") == "p_39752b4a28358730");
    //   echo -n "+9647701234567" | openssl dgst -sha256 -hmac "another key"
    //   -> 9456567d5093b305bba578fbeb327591339c0ae28f6376f5942227d6ad5b3b87
    CHECK(pseudonym("another key", "+9647701234567") == "p_9456567d5093b305");
    //   echo -n "" | openssl dgst -sha256 -hmac "k"
    //   -> 8bb990c40a7d61cb97597a942125025be50ac8beb74436e3735b98893a7f6620
    CHECK(pseudonym("k", "") == "p_8bb990c40a7d61cb");
}

TEST_CASE("pseudonym depends on both key and address") {
    const std::string a = pseudonym("key-1", "+51987654321");
    CHECK(a.size() == 18);
    CHECK(a == pseudonym("key-1", "+51987654321"));
    CHECK(a != pseudonym("key-2", "+51987654321"));
    CHECK(a != pseudonym("key-1", "+51987654322"));
}
