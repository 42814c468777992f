// `cwc-gateway audit verify | heads | sign`: what an auditor runs against the database (verify
// and heads only read it, on their own connection, while the gateway may run) and how an
// operator signs the chain's head outside the daily schedule.
#include "gateway/audit_signing.hpp"
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "messages/audit_verification.hpp"
#include "messages/sqlite_store.hpp"

#include <ostream>

namespace cwc::gateway {
namespace {

int verify(const audit_options& o, const command_context& c, const messages::audit_keys& keys,
           std::ostream& out, std::ostream& err) {
    std::vector<messages::audit_anchor> anchors;
    for (const auto& text : o.anchors) {
        auto a = messages::parse_anchor(text);
        if (!a) {
            err << "audit verify: --anchor '" << text
                << "' is not SEQ:HASH (a sequence number, a colon, 64 lower-case hex digits)\n";
            return 2;
        }
        anchors.push_back(std::move(*a));
    }
    const auto v = messages::verify_audit(c.database, keys.record_digest_key, keys.public_key, anchors);
    out << "audit entries: " << v.entries << "\n"
        << "records matching their digest: " << v.inbound << " inbound, " << v.outbound
        << " outbound, " << v.cases << " cases, " << v.broadcasts << " broadcasts, "
        << v.satisfaction << " ratings, " << v.alerts << " alerts, " << v.media << " media\n"
        << "records redacted: " << v.redacted << "\n"
        << "records without a digest: " << v.without_digest << "\n"
        << "signed heads: " << v.heads << "\n"
        << "anchors: " << v.anchors << "\n";
    for (const auto& problem : v.problems) out << "BROKEN: " << problem << "\n";
    out << (v.problems.empty() ? "audit chain intact\n" : "audit chain BROKEN\n");
    return v.problems.empty() ? 0 : 1;
}

int heads(const command_context& c, std::ostream& out) {
    for (const auto& h : messages::read_signed_heads(c.database)) out << head_json(h).dump() << "\n";
    return 0;
}

int sign(const command_context& c, const messages::audit_keys& keys, std::ostream& out,
         std::ostream& err) {
    messages::sqlite_store store{c.database, ""};
    store.begin();  // the head read and its row written under one write lock
    const auto h = sign_audit_head(store, keys, messages::system_now());
    store.commit();
    if (!h) {
        err << "audit sign: the audit chain is empty\n";
        return 1;
    }
    out << head_json(*h).dump() << "\n";
    return 0;
}

}  // namespace

int run_audit(const audit_options& o, std::ostream& out, std::ostream& err) {
    const std::string command = "audit " + o.action;
    auto context = load_command_context(o.config_file, o.database, command, true, err);
    if (!context) return 2;
    if (o.action == "heads") return heads(*context, out);
    messages::audit_keys keys;
    try {
        // Verification never makes a key: one created now could vouch for nothing.
        keys = load_audit_keys(audit_key_path(context->cfg.server, context->database),
                               o.action == "sign");
    } catch (const std::exception& e) {
        err << command << ": " << e.what() << "\n";
        return 2;
    }
    if (o.action == "sign") return sign(*context, keys, out, err);
    return verify(o, *context, keys, out, err);
}

}  // namespace cwc::gateway
