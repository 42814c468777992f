// Audit verification against tampering on a real SQLite file: an edited message, reply or case
// is named by its record, a deleted or altered audit row by its entry, a chain recomputed with
// the documented formula is caught by a signed head and by an anchor, and a lawful redaction
// keeps everything green.
#include "messages/sqlite_audit.hpp"
#include "tests/messages/audit_ledger.hpp"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

using namespace cwc::messages;
using cwc::messages::testing::ledger;
using cwc::messages::testing::ledger_t0;
using cwc::messages::testing::raw_db;

namespace {

std::string problems_of(const audit_verification& v) {
    std::string all;
    for (const auto& p : v.problems) all += p + "\n";
    return all;
}

// What an attacker with the file does after deleting or editing entries: every hash recomputed
// with the documented formula, so the chain links up again.
void recompute_chain(const std::string& path) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_stmt* rows = nullptr;
    sqlite3_prepare_v2(db, "SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq",
                       -1, &rows, nullptr);
    struct row {
        std::int64_t seq, at;
        std::string actor, action, subject, detail;
    };
    std::vector<row> all;
    const auto text = [&](int i) { return std::string(reinterpret_cast<const char*>(sqlite3_column_text(rows, i))); };
    while (sqlite3_step(rows) == SQLITE_ROW)
        all.push_back({sqlite3_column_int64(rows, 0), sqlite3_column_int64(rows, 1), text(2), text(3),
                       text(4), text(5)});
    sqlite3_finalize(rows);
    std::string prev = sqlite::genesis_hash;
    for (const auto& r : all) {
        const auto hash = sqlite::entry_hash(prev, r.at, r.actor, r.action, r.subject, r.detail);
        const std::string sql = "UPDATE audit_log SET prev_hash = '" + prev + "', hash = '" + hash +
                                "' WHERE seq = " + std::to_string(r.seq);
        REQUIRE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        prev = hash;
    }
    sqlite3_close(db);
}

}  // namespace

TEST_CASE("audit verify: an untouched store is intact, with every record counted") {
    ledger l;
    const auto first = l.receive("+51987654321", "Hola, necesito ayuda");
    l.receive("+51987654322", "¿Dónde queda el centro?");
    l.open_case("Q7K-2M4", first);
    l.sign(l.keys);
    const auto head = l.s.last_audit_head().value();
    const auto v = l.verify({{head.seq, head.hash}});
    CHECK(problems_of(v) == "");
    CHECK(v.entries == 3);
    CHECK(v.inbound == 2);
    CHECK(v.outbound == 2);
    CHECK(v.cases == 1);
    CHECK(v.heads == 1);
    CHECK(v.anchors == 1);
    CHECK(v.without_digest == 0);
}

TEST_CASE("audit verify: a record edited behind the store's back is named") {
    ledger l;
    l.receive("+51987654321", "Hola");
    const auto second = l.receive("+51987654322", "El funcionario pidió dinero");
    l.open_case("Q7K-2M4", second);
    raw_db raw{l.file.path()};
    SUBCASE("a message's text") {
        raw.exec("UPDATE inbound_messages SET text = 'Todo bien' WHERE id = " + std::to_string(second));
        const auto v = l.verify();
        REQUIRE(v.problems.size() == 1);
        CHECK(v.problems[0].starts_with("record inbound:" + std::to_string(second) + ": "));
        CHECK(v.problems[0].find("entry 2") != std::string::npos);
    }
    SUBCASE("a reply's text") {
        raw.exec("UPDATE outbox SET text = 'Otro texto' WHERE id = 1");
        CHECK(problems_of(l.verify()).starts_with("record outbound:1: "));
    }
    SUBCASE("a case's description, and a later legitimate change audited with its new digest") {
        raw.exec("UPDATE cases SET description = 'Nada' WHERE reference = 'Q7K-2M4'");
        CHECK(problems_of(l.verify()).starts_with("record case:Q7K-2M4: "));
        auto c = l.s.load_case("Q7K-2M4").value();
        c.description += "\nMás detalles";
        l.s.update_case(c);
        l.s.append_audit({ledger_t0, "system", "case.description_added", "case:Q7K-2M4",
                          nlohmann::json{{"digest", case_digest(l.keys.record_digest_key, c)}}.dump()});
        CHECK(problems_of(l.verify()) == "");
    }
    SUBCASE("a record deleted outright") {
        raw.exec("DELETE FROM outbox WHERE id = 2");
        CHECK(problems_of(l.verify()) ==
              "record outbound:2: audited in entry 2 but gone from the database (deleted without a "
              "redaction entry)\n");
    }
    SUBCASE("nothing can be hidden by checking with another digest key") {
        const auto v = verify_audit(l.file.path(), "another key", l.keys.public_key, {});
        CHECK(problems_of(v).starts_with("record inbound:1: "));
    }
}

TEST_CASE("audit verify: a deleted or altered audit row is named by its entry") {
    ledger l;
    for (int i = 0; i < 5; ++i) l.receive("+5198765432" + std::to_string(i), "mensaje");
    raw_db raw{l.file.path()};
    SUBCASE("deleted") {
        raw.exec("DELETE FROM audit_log WHERE seq = 3");
        const auto v = l.verify();
        REQUIRE_FALSE(v.problems.empty());
        CHECK(v.problems[0] ==
              "audit entry 4: does not follow entry 2 (an entry between them was deleted or one of "
              "them altered)");
    }
    SUBCASE("altered") {
        raw.exec("UPDATE audit_log SET actor = 'system' WHERE seq = 2");
        CHECK(l.verify().problems.at(0) == "audit entry 2: altered (its hash does not match its content)");
    }
}

TEST_CASE("audit verify: a chain recomputed after tampering is caught by a signed head and an anchor") {
    ledger l;
    for (int i = 0; i < 4; ++i) l.receive("+5198765432" + std::to_string(i), "mensaje");
    const auto head = l.sign(l.keys);
    const audit_anchor anchor{head.seq, head.hash};
    l.receive("+51911111111", "después de la firma");
    raw_db raw{l.file.path()};
    raw.exec("DELETE FROM audit_log WHERE seq = 2");
    recompute_chain(l.file.path());
    // The chain links up again and every record still matches its digest ...
    CHECK_FALSE(l.s.verify_audit_chain().has_value());

    SUBCASE("the signed head and the anchor no longer match") {
        const auto v = l.verify({anchor});
        CHECK(problems_of(v) ==
              "signed head 1 (entry 4): entry 4 has hash " + raw.text("SELECT hash FROM audit_log WHERE seq = 4") +
                  ", not the one noted (the chain was rewritten)\n"
                  "anchor 4: entry 4 has hash " + raw.text("SELECT hash FROM audit_log WHERE seq = 4") +
                  ", not the one noted (the chain was rewritten)\n");
    }
    SUBCASE("heads deleted too: the anchor the auditor kept still catches it") {
        raw.exec("DELETE FROM audit_heads");
        CHECK(problems_of(l.verify()) == "");
        const auto v = l.verify({anchor});
        REQUIRE(v.problems.size() == 1);
        CHECK(v.problems[0].starts_with("anchor 4: entry 4 has hash "));
    }
    SUBCASE("heads re-signed with a key of the attacker's own") {
        raw.exec("DELETE FROM audit_heads");
        l.sign(derive_audit_keys("attacker"));
        CHECK(problems_of(l.verify()) ==
              "signed head 1 (entry 5): signed with another key than this deployment's\n");
    }
}

TEST_CASE("audit verify: the tail deleted, a forged signature, an anchor past the end") {
    ledger l;
    for (int i = 0; i < 3; ++i) l.receive("+5198765432" + std::to_string(i), "mensaje");
    l.sign(l.keys);
    raw_db raw{l.file.path()};
    SUBCASE("tail") {
        raw.exec("DELETE FROM audit_log WHERE seq = 3");
        const auto problems = problems_of(l.verify());
        CHECK(problems.find("signed head 1 (entry 3): the chain has no entry 3 (entries were deleted)") !=
              std::string::npos);
    }
    SUBCASE("signature") {
        raw.exec("UPDATE audit_heads SET signed_at = signed_at + 1");
        CHECK(problems_of(l.verify()) == "signed head 1 (entry 3): its signature does not verify\n");
    }
    SUBCASE("anchor") {
        CHECK(problems_of(l.verify({{9, std::string(64, 'a')}})) ==
              "anchor 9: the chain has no entry 9 (entries were deleted)\n");
    }
}

TEST_CASE("audit verify: a lawful redaction keeps verification green") {
    ledger l;
    const auto first = l.receive("+51987654321", "Mi número es 987654321");
    const auto second = l.receive("+51987654322", "Otro mensaje");
    l.open_case("Q7K-2M4", first);
    raw_db raw{l.file.path()};
    raw.exec("UPDATE inbound_messages SET text = '' WHERE id = " + std::to_string(first));
    raw.exec("UPDATE cases SET description = '' WHERE reference = 'Q7K-2M4'");
    CHECK(l.verify().problems.size() == 1);
    l.redact("message:" + std::to_string(first));
    l.redact("case:Q7K-2M4");
    auto v = l.verify();
    CHECK(problems_of(v) == "");
    CHECK(v.redacted == 2);
    CHECK(v.inbound == 1);

    // A person's erasure ("contact:<id>") covers what was recorded of them before it ...
    raw.exec("UPDATE inbound_messages SET text = '' WHERE id = " + std::to_string(second));
    raw.exec("UPDATE outbox SET text = '' WHERE contact_id = 2");
    l.redact("contact:2");
    v = l.verify();
    CHECK(problems_of(v) == "");
    CHECK(v.redacted == 4);
    // ... not what is recorded after it.
    const auto later = l.receive("+51987654322", "Vuelvo a escribir");
    raw.exec("UPDATE inbound_messages SET text = 'cambiado' WHERE id = " + std::to_string(later));
    CHECK(problems_of(l.verify()).starts_with("record inbound:" + std::to_string(later) + ": "));
}

TEST_CASE("audit verify: anchors are SEQ:HASH with a 64-digit lower-hex hash") {
    const std::string hash(64, 'a');
    CHECK(parse_anchor("12:" + hash)->seq == 12);
    CHECK(parse_anchor("12:" + hash)->hash == hash);
    for (const std::string& bad : std::vector<std::string>{"", "12", ":" + hash, "0:" + hash, "-1:" + hash, "x:" + hash,
                                  "12:" + hash.substr(1), "12:" + std::string(64, 'A'), "12 :" + hash}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_anchor(bad).has_value());
    }
}
