// Test support for audit verification: a real store file whose records are written and audited
// with digests the way the gateway's pipeline does it, heads signed as the daily task does, and
// a raw connection to tamper with the file behind the store's back.
#pragma once

#include "messages/audit_keys.hpp"
#include "messages/audit_verification.hpp"
#include "messages/record_digest.hpp"
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace cwc::messages::testing {

inline const timestamp ledger_t0 = from_unix_ms(1'700'000'000'000);

struct ledger {
    temp_db file;
    audit_keys keys = derive_audit_keys("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    sqlite_store s{file.path(), "pseudonym-key"};
    int received = 0;

    ledger() { s.set_record_digest_key(keys.record_digest_key); }

    // An inbound message and its reply, audited as process_inbound does; returns the message id.
    std::int64_t receive(const std::string& from, const std::string& text) {
        const timestamp at = ledger_t0 + std::chrono::seconds{++received};
        const contact c = s.find_or_create_contact(from, at);
        inbound_message m;
        m.channel_id = "sms";
        m.provider_message_id = "SM" + std::to_string(received);
        m.from = from;
        m.text = text;
        m.received_at = at;
        const auto id = s.insert_inbound(m, c.id, inbound_outcome::handled);
        outbound_message reply;
        reply.contact_id = c.id;
        reply.channel_id = "sms";
        reply.to = from;
        reply.text = "Gracias por escribir";
        reply.inbound_id = id;
        reply.created_at = at;
        const auto reply_id = s.enqueue(reply);
        nlohmann::json detail{
            {"channel", "sms"},
            {"digest", inbound_digest(keys.record_digest_key, m, id, c.id, inbound_outcome::handled)},
            {"outbound", {{{"id", reply_id}, {"priority", 1},
                           {"digest", outbound_digest(keys.record_digest_key, reply, reply_id)}}}}};
        s.append_audit({at, "contact:" + c.pseudonym, "inbound.received",
                        "inbound:" + std::to_string(id), detail.dump()});
        return id;
    }

    case_record open_case(const std::string& reference, std::int64_t inbound_id) {
        case_record c;
        c.reference = reference;
        c.contact_id = 1;
        c.inbound_id = inbound_id;
        c.channel_id = "sms";
        c.type = "complaint";
        c.category = "services";
        c.language = "es";
        c.description = "No me atendieron en el centro";
        c.opened_at = ledger_t0;
        c.due_at = ledger_t0 + std::chrono::hours{72};
        c.id = s.insert_case(c);
        s.append_audit({ledger_t0, "system", "case.opened", "case:" + reference,
                        nlohmann::json{{"digest", case_digest(keys.record_digest_key, c)}}.dump()});
        return c;
    }

    void redact(const std::string& subject) {
        s.append_audit({ledger_t0, "system", "record.redacted", subject,
                        R"({"reason":"erasure_request"})"});
    }

    signed_head sign(const audit_keys& with) {
        const auto head = s.last_audit_head().value();
        const timestamp at = ledger_t0 + std::chrono::hours{24};
        signed_head h{head.seq, head.hash, at, with.public_key,
                      sign_statement(with, head_statement(head.seq, head.hash, to_unix_ms(at)))};
        s.save_signed_head(h);
        return h;
    }

    audit_verification verify(const std::vector<audit_anchor>& anchors = {}) {
        return verify_audit(file.path(), keys.record_digest_key, keys.public_key, anchors);
    }
};

}  // namespace cwc::messages::testing
