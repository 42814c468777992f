// The SQLite store's contacts (messages/sqlite_store.hpp): a contact row with its conversation
// state and broadcast consent, found by the blind index of the number (or by id), created with
// a pseudonym and a sealed address, and saved.
#include "messages/sqlite_store.hpp"

#include "messages/pseudonym.hpp"
#include "messages/sqlite_connection.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cwc::messages {
namespace {

using sqlite::connection;
using sqlite::query;

std::string state_to_json(const conversation_state& s) {
    return nlohmann::json{{"node", s.node}, {"step", s.step}, {"answers", s.answers}}.dump();
}

// A state that cannot be read restarts the conversation at the main menu rather than failing
// every message the person sends.
conversation_state state_from_json(const std::string& text) {
    conversation_state s;
    const auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return s;
    const auto string_at = [&](const char* key) {
        const auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
    };
    s.node = string_at("node");
    s.step = string_at("step");
    if (const auto it = j.find("answers"); it != j.end() && it->is_object()) {
        for (const auto& [key, value] : it->items()) {
            if (value.is_string()) s.answers[key] = value.get<std::string>();
        }
    }
    return s;
}

// The contact with its broadcast consent in the same statement: the subscriber row and the
// topics are primary-key look-ups that run only when the contact exists, so a person writing
// for the first time pays nothing for them and a known one no extra query.
constexpr std::string_view contact_columns =
    "c.id, c.address, c.pseudonym, c.language, c.notice_given, c.opted_out, c.state_json, "
    "c.last_inbound_at, COALESCE(sb.region, ''), "
    "(SELECT group_concat(topic, ',') FROM subscriptions s WHERE s.contact_id = c.id) "
    "FROM contacts c LEFT JOIN subscribers sb ON sb.contact_id = c.id";

// Topic ids are slugs (config/formats.hpp), so a comma never occurs in one.
std::vector<std::string> topics_from_list(const std::string& list) {
    std::vector<std::string> topics;
    for (std::size_t pos = 0; pos < list.size();) {
        const std::size_t end = std::min(list.find(',', pos), list.size());
        if (end > pos) topics.push_back(list.substr(pos, end - pos));
        pos = end + 1;
    }
    std::sort(topics.begin(), topics.end());
    return topics;
}

// `addresses`: opens the stored number; nullptr when the caller already knows it (looked up by it).
contact contact_from_row(const query& q, const address_cipher* addresses) {
    contact c;
    c.id = q.int_at(0);
    auto stored = q.text_at(1);
    if (addresses != nullptr) c.address = addresses->open(stored);
    if (address_cipher::is_sealed(stored)) c.sealed_address = std::move(stored);
    c.pseudonym = q.text_at(2);
    c.language = q.text_at(3);
    c.notice_given = q.int_at(4) != 0;
    c.opted_out = q.int_at(5) != 0;
    c.state = state_from_json(q.text_at(6));
    c.last_inbound_at = from_unix_ms(q.int_at(7));
    c.region = q.text_at(8);
    c.topics = topics_from_list(q.text_at(9));
    return c;
}

template <typename Key>
std::optional<contact> find_contact_where(connection& db, const address_cipher* addresses,
                                          std::string_view where, const Key& key) {
    std::string sql = "SELECT ";
    sql += contact_columns;
    sql += " WHERE ";
    sql += where;
    query q = db.prepare(sql, key);
    if (!q.step()) return std::nullopt;
    return contact_from_row(q, addresses);
}

// The contact whose blind index (the number itself when encryption is off) is `index`; its
// address is the one asked for, so nothing is decrypted.
std::optional<contact> contact_at_index(connection& db, const address_cipher& addresses,
                                        const std::string& index, std::string_view address) {
    // Off: the plain number, found through the partial index contacts_plain_address.
    const char* where = addresses.on() ? "c.address_index = ?1"
                                       : "c.address = ?1 AND c.address_index IS NULL";
    auto found = find_contact_where(db, nullptr, where, index);
    if (found) found->address = std::string{address};
    return found;
}

}  // namespace

contact sqlite_store::find_or_create_contact(std::string_view address, timestamp now) {
    const auto index = addresses_.index(address);  // one HMAC for the look-up and the insert
    if (auto found = contact_at_index(*db_, addresses_, index, address)) return *std::move(found);
    contact c;
    c.address = std::string{address};
    c.pseudonym = pseudonym(pseudonym_key_, address);
    auto sealed = addresses_.seal(address);
    db_->prepare(
           "INSERT INTO contacts (address, pseudonym, state_json, created_at, address_index) "
           "VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''))",
           sealed, c.pseudonym, state_to_json(c.state), to_unix_ms(now),
           addresses_.on() ? index : std::string{})
        .run();
    c.id = db_->last_insert_id();
    if (address_cipher::is_sealed(sealed)) c.sealed_address = std::move(sealed);
    return c;
}

std::optional<contact> sqlite_store::find_contact(std::int64_t id) {
    return find_contact_where(*db_, &addresses_, "c.id = ?1", id);
}

std::optional<contact> sqlite_store::find_contact_by_address(std::string_view address) {
    return contact_at_index(*db_, addresses_, addresses_.index(address), address);
}

void sqlite_store::save_contact(const contact& c) {
    db_->prepare(
           "UPDATE contacts SET language = ?2, notice_given = ?3, opted_out = ?4, "
           "state_json = ?5, last_inbound_at = ?6 WHERE id = ?1",
           c.id, c.language, c.notice_given, c.opted_out, state_to_json(c.state),
           to_unix_ms(c.last_inbound_at))
        .run();
    if (db_->changes() == 0) {
        throw store_error("sqlite: save_contact: no contact " + std::to_string(c.id));
    }
}

}  // namespace cwc::messages
