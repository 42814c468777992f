// Shared by the erasure and retention store tests: a person's whole footprint written through
// the store (messages with a voice note, a long SMS part, a raw webhook, a case, replies), and a
// look at the raw bytes of the database file and its WAL, as someone holding the disk would.
#pragma once

#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace cwc::messages::testing {

inline const timestamp erasure_t0 = from_unix_ms(1'700'000'000'000);

// What one person left in the store.
struct footprint {
    std::int64_t contact_id = 0;
    std::int64_t inbound_id = 0;  // the complaint
    std::int64_t reply_id = 0;    // our answer to it
    std::string reference;
};

inline footprint write_footprint(sqlite_store& s, const std::string& number, const std::string& tag,
                                 timestamp at, bool sensitive = false) {
    footprint f;
    const contact c = s.find_or_create_contact(number, at);
    f.contact_id = c.id;
    inbound_message m;
    m.channel_id = "sms";
    m.provider_message_id = "SM-" + tag + "-1";
    m.from = number;
    m.text = "queja " + tag + " sobre el albergue";
    m.received_at = at;
    f.inbound_id = s.insert_inbound(m, c.id, inbound_outcome::handled);
    media_attachment voice{"voice", "", "https://media.example/" + tag, "audio/ogg",
                           "nota " + tag, "nota-" + tag + ".ogg", ""};
    s.insert_media(f.inbound_id, voice, at);
    for (const auto& job : s.claim_due_media(at, 10, at + std::chrono::minutes{5})) {
        media_result stored;
        stored.kind = media_result::outcome::stored;
        stored.content = "VOICE-BYTES-" + tag;
        stored.mime_type = "audio/ogg";
        s.record_media_result(job.id, stored, at);
    }
    inbound_message part = m;
    part.provider_message_id = "SM-" + tag + "-part";
    part.text = "parte " + tag + " pendiente";
    part.part = message_part{"ref-" + tag, 2, 1};
    s.add_message_part(part, number);
    s.quarantine("sms", "unparseable", "From=%2B" + number.substr(1) + "&Body=cuerpo+" + tag, at);
    case_record k;
    k.reference = "R" + tag;
    k.contact_id = c.id;
    k.inbound_id = f.inbound_id;
    k.channel_id = "sms";
    k.type = "complaint";
    k.category = sensitive ? "gbv" : "services";
    k.region = "lima";
    k.language = "es";
    k.description = "descripcion " + tag + " del caso";
    k.sensitive = sensitive;
    k.opened_at = at;
    k.due_at = at + std::chrono::hours{72};
    k.id = s.insert_case(k);
    s.append_case_event({k.id, at, "officer:ana", "status", "new", "acknowledged", "nota interna " + tag});
    f.reference = k.reference;
    outbound_message reply;
    reply.contact_id = c.id;
    reply.channel_id = "sms";
    reply.to = number;
    reply.text = "respuesta " + tag + " para ti";
    reply.inbound_id = f.inbound_id;
    reply.created_at = at;
    reply.next_attempt_at = at;
    f.reply_id = s.enqueue(reply);
    return f;
}

inline std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Which of `needles` occur in the database file or its WAL ("" = none).
inline std::string found_on_disk(const std::string& db_path, const std::vector<std::string>& needles) {
    const std::string bytes = file_bytes(db_path) + file_bytes(db_path + "-wal");
    std::string found;
    for (const auto& n : needles)
        if (bytes.find(n) != std::string::npos) found += (found.empty() ? "" : ", ") + n;
    return found;
}

// A number in every form a file could hold it: E.164, without +, national digits.
inline std::vector<std::string> number_forms(const std::string& e164) {
    return {e164, e164.substr(1), e164.substr(3)};
}

}  // namespace cwc::messages::testing
