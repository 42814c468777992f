// Officers' API tokens on a real SQLite file: the secret's shape and randomness, only its hash
// stored, expiry and revocation refusing it, the last use recorded at most once a minute, and
// creation/revocation appended to the store's one audit chain (with the store open too).
#include "messages/api_tokens.hpp"
#include "messages/media.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <set>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;
using namespace std::chrono_literals;

namespace {

const timestamp t0 = from_unix_ms(1'790'000'000'000);

officer lucia() {
    return {0, "Lucía Rojas", role::aap_officer, "red_cbo"};
}

}  // namespace

TEST_CASE("a new token is cwc_ plus 43 base64url characters, random, and only its hash is kept") {
    temp_db file;
    api_tokens tokens(file.path());
    std::set<std::string> secrets;
    for (int i = 0; i < 20; ++i) {
        const auto t = tokens.create(lucia(), t0, t0 + 24h * 90, "operator:test");
        CHECK(t.secret.size() == token_length);
        CHECK(t.secret.rfind("cwc_", 0) == 0);
        CHECK(t.secret.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4) ==
              std::string::npos);
        secrets.insert(t.secret);
    }
    CHECK(secrets.size() == 20);
    const std::string one = *secrets.begin();
    CHECK(token_hash(one) == sha256_hex(one));
    CHECK(token_hash(one).size() == 64);

    raw_db raw(file.path());
    CHECK(raw.integer("SELECT COUNT(*) FROM api_tokens") == 20);
    CHECK(raw.integer("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = '" + token_hash(one) +
                      "'") == 1);
    // The secret itself, or any tail of it, is nowhere in the file's rows.
    CHECK(raw.integer("SELECT COUNT(*) FROM api_tokens WHERE secret_hash LIKE '%" +
                      one.substr(4, 20) + "%' OR name LIKE '%" + one.substr(4, 20) + "%'") == 0);
}

TEST_CASE(
    "authenticate: the officer for a valid token; nothing when unknown, malformed, expired "
    "or revoked") {
    temp_db file;
    api_tokens tokens(file.path());
    const auto t = tokens.create(lucia(), t0, t0 + 48h, "operator:test");

    const auto o = tokens.authenticate(t.secret, t0 + 1h);
    REQUIRE(o);
    CHECK(o->token_id == t.info.id);
    CHECK(o->name == "Lucía Rojas");
    CHECK(o->what == role::aap_officer);
    CHECK(o->organisation == "red_cbo");

    struct refused {
        const char* name;
        std::string secret;
        timestamp at;
    };
    std::string flipped = t.secret;
    flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
    const refused cases[] = {
        {"empty", "", t0},
        {"garbage", "not-a-token", t0},
        {"one character changed", flipped, t0 + 1h},
        {"without the prefix", t.secret.substr(4), t0 + 1h},
        {"with a trailing space", t.secret + " ", t0 + 1h},
        {"at the expiry instant", t.secret, t0 + 48h},
        {"after expiry", t.secret, t0 + 49h},
    };
    for (const auto& c : cases) {
        CAPTURE(c.name);
        CHECK_FALSE(tokens.authenticate(c.secret, c.at));
    }
    CHECK(tokens.authenticate(t.secret, t0 + 48h - 1ms));

    CHECK(tokens.revoke(t.info.id, t0 + 2h, "operator:test") == revoke_outcome::revoked);
    CHECK_FALSE(tokens.authenticate(t.secret, t0 + 3h));
    CHECK(tokens.revoke(t.info.id, t0 + 4h, "operator:test") == revoke_outcome::already_revoked);
    CHECK(tokens.revoke(t.info.id + 100, t0 + 4h, "operator:test") == revoke_outcome::not_found);

    // A revoked token stays listed, with its revocation time; no list entry carries a secret.
    const auto listed = tokens.list();
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].revoked_at == t0 + 2h);
    CHECK(listed[0].expires_at == t0 + 48h);
}

TEST_CASE("a token's use is recorded at most once a minute") {
    temp_db file;
    api_tokens tokens(file.path());
    const auto t = tokens.create(lucia(), t0, t0 + 24h, "operator:test");
    CHECK_FALSE(tokens.find(t.info.id)->last_used_at);
    REQUIRE(tokens.authenticate(t.secret, t0 + 10s));
    CHECK(tokens.find(t.info.id)->last_used_at == t0 + 10s);
    REQUIRE(tokens.authenticate(t.secret, t0 + 50s));
    CHECK(tokens.find(t.info.id)->last_used_at == t0 + 10s);
    REQUIRE(tokens.authenticate(t.secret, t0 + 71s));
    CHECK(tokens.find(t.info.id)->last_used_at == t0 + 71s);
}

TEST_CASE("creating and revoking tokens extends the store's audit chain, with the store open") {
    temp_db file;
    sqlite_store store(file.path(), std::string(32, 'k'));
    store.append_audit({t0, "system", "test.before", "x", "{}"});
    api_tokens tokens(file.path());
    const auto t = tokens.create(lucia(), t0, t0 + 24h, "operator:ana");
    store.append_audit({t0 + 1s, "system", "test.between", "x", "{}"});
    REQUIRE(tokens.revoke(t.info.id, t0 + 2s, "operator:ana") == revoke_outcome::revoked);
    store.append_audit({t0 + 3s, "system", "test.after", "x", "{}"});

    CHECK_FALSE(store.verify_audit_chain());
    raw_db raw(file.path());
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'token.created' AND "
                      "actor = 'operator:ana' AND subject = 'token:" +
                      std::to_string(t.info.id) + "'") == 1);
    CHECK(raw.integer("SELECT COUNT(*) FROM audit_log WHERE action = 'token.revoked'") == 1);
    // The audit detail names the person, role and organisation; never the secret.
    const std::string detail =
        raw.text("SELECT detail FROM audit_log WHERE action = 'token.created'");
    CHECK(detail.find("aap_officer") != std::string::npos);
    CHECK(detail.find(t.secret.substr(4)) == std::string::npos);
    // Tampering with a token entry breaks the chain.
    raw.exec("UPDATE audit_log SET actor = 'operator:eve' WHERE action = 'token.created'");
    CHECK(store.verify_audit_chain());
}
