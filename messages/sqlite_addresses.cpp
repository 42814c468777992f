// Sealing the numbers an older store left in plain, at the first open with the address key; the
// erasure's search of quarantined bodies (which only the key can read); and whether a number
// belongs to someone erased lately (by its blind index's tombstone).
#include "messages/sqlite_addresses.hpp"

#include "messages/sqlite_erasure_book.hpp"
#include "messages/sqlite_store.hpp"

#include <string>
#include <utility>
#include <vector>

namespace cwc::messages::sqlite {
namespace {

using rows = std::vector<std::pair<std::int64_t, std::string>>;

rows select_rows(connection& db, std::string_view sql) {
    rows out;
    query q = db.prepare(sql);
    while (q.step()) out.emplace_back(q.int_at(0), q.text_at(1));
    return out;
}

}  // namespace

std::size_t seal_plain_addresses(connection& db, const address_cipher& addresses) {
    if (!addresses.on()) return 0;
    write_scope tx{db};
    std::size_t changed = 0;
    for (const auto& [id, address] :
         select_rows(db,
                     "SELECT id, address FROM contacts WHERE address_index IS NULL AND "
                     "address NOT LIKE 'erased:%'")) {
        const auto plain = addresses.open(address);
        db.prepare("UPDATE contacts SET address = ?2, address_index = ?3 WHERE id = ?1", id,
                   addresses.seal(plain), addresses.index(plain))
            .run();
        ++changed;
    }
    for (const auto& [id, to] :
         select_rows(db,
                     "SELECT id, to_address FROM outbox WHERE to_address <> '' AND "
                     "to_address NOT LIKE 'a1:%' AND to_address NOT LIKE 'erased:%'")) {
        db.prepare("UPDATE outbox SET to_address = ?2 WHERE id = ?1", id, addresses.seal(to)).run();
        ++changed;
    }
    for (const auto& [id, sender] :
         select_rows(db, "SELECT id, sender FROM message_parts WHERE sender_sealed = ''")) {
        db.prepare("UPDATE message_parts SET sender = ?2, sender_sealed = ?3 WHERE id = ?1", id,
                   addresses.index(sender), addresses.seal(sender))
            .run();
        ++changed;
    }
    for (const auto& [id, body] :
         select_rows(db, "SELECT id, body FROM quarantine WHERE body NOT LIKE 'a1:%'")) {
        db.prepare("UPDATE quarantine SET body = ?2 WHERE id = ?1", id, addresses.seal(body)).run();
        ++changed;
    }
    tx.commit();
    return changed;
}

std::size_t delete_quarantined_holding(connection& db, const address_cipher& addresses,
                                       std::string_view digits) {
    std::vector<std::int64_t> holding;
    for (const auto& [id, body] : select_rows(db, "SELECT id, body FROM quarantine")) {
        if (addresses.open(body).find(digits) != std::string::npos) holding.push_back(id);
    }
    for (const auto id : holding) db.prepare("DELETE FROM quarantine WHERE id = ?1", id).run();
    return holding.size();
}

}  // namespace cwc::messages::sqlite

namespace cwc::messages {

void sqlite_store::set_address_key(std::string_view key) {
    addresses_ = address_cipher{key};
    // The plain bytes leave the WAL too (secure_delete zeroes them in the file).
    if (sqlite::seal_plain_addresses(*db_, addresses_) > 0)
        db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

bool sqlite_erasure_book::erased_lately(std::string_view address) {
    const bool known =
        addresses_.on() ? db_.prepare("SELECT 1 FROM contacts WHERE address_index = ?1",
                                      addresses_.index(address))
                              .step()
                        : db_.prepare("SELECT 1 FROM contacts WHERE address = ?1 AND address_index IS NULL",
                                      address)
                              .step();
    return !known && tombstoned(address_tombstone, addresses_.index(address));
}

}  // namespace cwc::messages
