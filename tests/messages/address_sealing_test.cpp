// Numbers encrypted at rest: the cipher itself (round trip, fresh nonce, wrong key and altered
// bytes refused, the blind index), and the store with an address key on a real file: no number
// in the bytes of the database or its WAL, yet every look-up, send, long SMS and erasure works;
// rows an older store left in plain are sealed at the first open with the key.
#include "messages/address_cipher.hpp"
#include "tests/messages/erasure_fixture.hpp"

#include <doctest/doctest.h>

using namespace cwc::messages;
using namespace cwc::messages::testing;

namespace {

const std::string key_a(64, 'a');
const std::string key_b(64, 'b');
const std::string ana = "+51987650001";
const std::string luis = "+51911220002";

std::vector<std::string> needles() {
    auto all = number_forms(ana);
    for (const auto& f : number_forms(luis)) all.push_back(f);
    return all;
}

}  // namespace

TEST_CASE("address cipher: sealed values open with their key only, and never look alike") {
    const address_cipher a{key_a};
    const address_cipher b{key_b};
    const address_cipher off;
    const auto sealed = a.seal(ana);
    CHECK(address_cipher::is_sealed(sealed));
    CHECK(sealed.find(ana.substr(3)) == std::string::npos);
    CHECK(a.open(sealed) == ana);
    CHECK(a.seal(ana) != sealed);  // a fresh nonce each time
    CHECK_THROWS_AS(b.open(sealed), store_error);
    CHECK_THROWS_AS(off.open(sealed), store_error);
    auto altered = sealed;
    altered[10] = altered[10] == '0' ? '1' : '0';
    CHECK_THROWS_AS(a.open(altered), store_error);
    CHECK_THROWS_AS(a.open("a1:zz"), store_error);
    // Values that were never sealed pass as they are: erased markers, rows from before.
    CHECK(a.open("erased:12") == "erased:12");
    CHECK(a.open(ana) == ana);
    // Off: nothing changes.
    CHECK(off.seal(ana) == ana);
    CHECK(off.index(ana) == ana);
    // The blind index: stable, 64 hex digits, per key, not the number.
    CHECK(a.index(ana) == a.index(ana));
    CHECK(a.index(ana).size() == 64);
    CHECK(a.index(ana) != a.index(luis));
    CHECK(a.index(ana) != b.index(ana));
}

TEST_CASE("a store with an address key keeps no number in its file or WAL, and still works") {
    temp_db db;
    sqlite_store s{db.path(), key_b};
    s.set_address_key(key_a);
    const auto f = write_footprint(s, ana, "ana", erasure_t0);
    write_footprint(s, luis, "luis", erasure_t0);
    CHECK(found_on_disk(db.path(), needles()) == "");

    // The same person is found again by number (blind index), and by id with the number opened.
    CHECK(s.find_or_create_contact(ana, erasure_t0).id == f.contact_id);
    CHECK(s.find_contact(f.contact_id)->address == ana);
    CHECK(s.find_outbound(f.reply_id)->to == ana);
    const auto due = s.claim_due("sms", erasure_t0 + std::chrono::minutes{1}, 10,
                                 outbound_priority::broadcast);
    REQUIRE(due.size() == 2);
    CHECK((due[0].to == ana || due[0].to == luis));
    // A long SMS whose last part never came is handed back with its sender's number.
    const auto stale = s.take_stale_parts(erasure_t0 + std::chrono::hours{1});
    REQUIRE(stale.size() == 2);
    CHECK((stale[0].from == ana || stale[0].from == luis));

    // Erasure finds the sealed rows: the part and the quarantined webhook holding the number go.
    raw_db raw{db.path()};
    CHECK(raw.integer("SELECT COUNT(*) FROM quarantine") == 2);
    s.begin();
    const auto n = s.erasure().erase_contact(f.contact_id, "test", "erasure_request", erasure_t0);
    s.commit();
    CHECK(n.quarantined == 1);
    CHECK(raw.integer("SELECT COUNT(*) FROM quarantine") == 1);
    CHECK(raw.text("SELECT address FROM contacts WHERE id = " + std::to_string(f.contact_id)) ==
          "erased:" + std::to_string(f.contact_id));
    CHECK(raw.text("SELECT address_index FROM contacts WHERE id = " + std::to_string(f.contact_id)) == "");
    // A late provider report must not bring the number back; a contact or a stranger is not that.
    CHECK(s.erasure().erased_lately(ana));
    CHECK_FALSE(s.erasure().erased_lately(luis));
    CHECK_FALSE(s.erasure().erased_lately("+51900000000"));
    // Writing again after the erasure is a new person.
    CHECK(s.find_or_create_contact(ana, erasure_t0).id != f.contact_id);
    CHECK_FALSE(s.erasure().erased_lately(ana));
}

TEST_CASE("rows an older store wrote in plain are sealed at the first open with the key") {
    temp_db db;
    std::int64_t contact_id = 0, reply_id = 0;
    {
        sqlite_store plain{db.path(), key_b};  // no address key: numbers as given
        const auto f = write_footprint(plain, ana, "ana", erasure_t0);
        contact_id = f.contact_id;
        reply_id = f.reply_id;
    }
    CHECK(found_on_disk(db.path(), number_forms(ana)) != "");
    {
        sqlite_store s{db.path(), key_b};
        s.set_address_key(key_a);
        CHECK(found_on_disk(db.path(), number_forms(ana)) == "");
        CHECK(s.find_or_create_contact(ana, erasure_t0).id == contact_id);
        CHECK(s.find_outbound(reply_id)->to == ana);
        const auto stale = s.take_stale_parts(erasure_t0 + std::chrono::hours{1});
        REQUIRE(stale.size() == 1);
        CHECK(stale[0].from == ana);
    }
    // A second open has nothing left to seal, and a store without the key cannot read them.
    sqlite_store again{db.path(), key_b};
    again.set_address_key(key_a);
    CHECK(again.find_contact(contact_id)->address == ana);
    sqlite_store keyless{db.path(), key_b};
    CHECK_THROWS_AS(keyless.find_contact(contact_id), store_error);
}

TEST_CASE("a contact carries its stored ciphertext, and a reply queued with it is kept as is") {
    temp_db db;
    sqlite_store s{db.path(), key_b};
    s.set_address_key(key_a);
    const auto created = s.find_or_create_contact(ana, erasure_t0);
    REQUIRE(address_cipher::is_sealed(created.sealed_address));
    const auto found = s.find_or_create_contact(ana, erasure_t0);
    CHECK(found.sealed_address == created.sealed_address);
    CHECK(s.find_contact(created.id)->sealed_address == created.sealed_address);
    outbound_message m;
    m.contact_id = created.id;
    m.channel_id = "sms";
    m.to = created.sealed_address;  // no second encryption
    m.text = "hola";
    m.created_at = m.next_attempt_at = erasure_t0;
    const auto id = s.enqueue(m);
    raw_db raw{db.path()};
    CHECK(raw.text("SELECT to_address FROM outbox WHERE id = " + std::to_string(id)) ==
          created.sealed_address);
    CHECK(s.find_outbound(id)->to == ana);
    // Without an address key nothing is sealed, and the field stays empty.
    temp_db plain_db;
    sqlite_store plain{plain_db.path(), key_b};
    CHECK(plain.find_or_create_contact(ana, erasure_t0).sealed_address.empty());
}
