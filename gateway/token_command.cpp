// `cwc-gateway token create|list|revoke`: the officers' API tokens for an operator. A token is
// printed once, when it is created; afterwards only its id, holder and times are shown. Safe
// while the gateway runs (its own SQLite connection); creation and revocation are audited with
// the operator's login name as the actor.
#include "gateway/command_context.hpp"
#include "gateway/commands.hpp"
#include "gateway/rfc3339.hpp"
#include "messages/api_tokens.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iomanip>
#include <ostream>

namespace cwc::gateway {
namespace {

using messages::api_token_info;

std::string operator_actor() {
    const char* user = std::getenv("USER");
    return std::string("operator:") + (user != nullptr && *user != '\0' ? user : "cli");
}

std::string organisation_ids(const config::config& cfg) {
    std::string out;
    for (const auto& o : cfg.organisations) out += (out.empty() ? "" : ", ") + o.id;
    return out.empty() ? "(none configured: add \"organisations\" to the config)" : out;
}

std::string state_of(const api_token_info& t, messages::timestamp now) {
    if (t.revoked_at) return "revoked";
    return t.expires_at <= now ? "expired" : "active";
}

nlohmann::json as_json(const api_token_info& t, messages::timestamp now) {
    return {{"id", t.id},
            {"name", t.name},
            {"role", messages::role_name(t.what)},
            {"organisation", t.organisation},
            {"created_at", rfc3339(t.created_at)},
            {"expires_at", rfc3339(t.expires_at)},
            {"revoked_at", t.revoked_at ? nlohmann::json(rfc3339(*t.revoked_at)) : nullptr},
            {"last_used_at", t.last_used_at ? nlohmann::json(rfc3339(*t.last_used_at)) : nullptr},
            {"state", state_of(t, now)}};
}

int create(messages::api_tokens& tokens, const token_options& o, const config::config& cfg,
           std::ostream& out, std::ostream& err) {
    const auto now = messages::system_now();
    const auto what = messages::role_named(o.role);
    if (!what) {
        err << "token create: unknown role '" << o.role
            << "'; use admin, aap_officer, protection_focal_point, cbo_broadcaster or auditor\n";
        return 2;
    }
    if (cfg.find_organisation(o.organisation) == nullptr) {
        err << "token create: unknown organisation '" << o.organisation
            << "'; configured: " << organisation_ids(cfg) << "\n";
        return 2;
    }
    if (o.name.empty() || o.name.size() > 200) {
        err << "token create: --name must name the person (1-200 characters)\n";
        return 2;
    }
    messages::timestamp expires = std::chrono::floor<std::chrono::seconds>(now) +
                                  std::chrono::days{o.days > 0 ? o.days : cfg.officers.token_days};
    if (!o.expires_at.empty()) {
        // For tests and for aligning with a contract's end: any RFC 3339 time, past ones too.
        const auto at = parse_rfc3339(o.expires_at);
        if (!at) {
            err << "token create: --expires-at must be an RFC 3339 time, e.g. "
                   "2027-03-31T23:59:59Z\n";
            return 2;
        }
        expires = *at;
    }
    const auto t =
        tokens.create({0, o.name, *what, o.organisation}, now, expires, operator_actor());
    if (o.json) {
        auto j = as_json(t.info, now);
        j["token"] = t.secret;
        out << j.dump() << "\n";
        return 0;
    }
    out << "token:        " << t.secret << "\n"
        << "id:           " << t.info.id << "\n"
        << "name:         " << t.info.name << "\n"
        << "role:         " << messages::role_name(t.info.what) << "\n"
        << "organisation: " << t.info.organisation << "\n"
        << "expires:      " << rfc3339(t.info.expires_at) << "\n"
        << "Give the token to its holder now: it is shown only this once (only a hash is kept).\n";
    return 0;
}

int list(messages::api_tokens& tokens, const token_options& o, std::ostream& out) {
    const auto now = messages::system_now();
    const auto all = tokens.list();
    if (o.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& t : all) rows.push_back(as_json(t, now));
        out << nlohmann::json{{"tokens", rows}}.dump() << "\n";
        return 0;
    }
    out << std::left << std::setw(6) << "id" << std::setw(24) << "name" << std::setw(24) << "role"
        << std::setw(20) << "organisation" << std::setw(10) << "state" << std::setw(22) << "expires"
        << "last used\n";
    for (const auto& t : all)
        out << std::setw(6) << t.id << std::setw(24) << t.name << std::setw(24)
            << messages::role_name(t.what) << std::setw(20) << t.organisation << std::setw(10)
            << state_of(t, now) << std::setw(22) << rfc3339(t.expires_at)
            << (t.last_used_at ? rfc3339(*t.last_used_at) : "never") << "\n";
    return 0;
}

int revoke(messages::api_tokens& tokens, const token_options& o, std::ostream& out,
           std::ostream& err) {
    switch (tokens.revoke(o.id, messages::system_now(), operator_actor())) {
        case messages::revoke_outcome::revoked:
            out << "token " << o.id << " revoked\n";
            return 0;
        case messages::revoke_outcome::already_revoked:
            err << "token " << o.id << " was already revoked\n";
            return 1;
        case messages::revoke_outcome::not_found:
            break;
    }
    err << "token " << o.id << ": no such token\n";
    return 1;
}

}  // namespace

int run_token(const token_options& o, std::ostream& out, std::ostream& err) {
    const auto context = load_command_context(o.config_file, o.database, "token", false, err);
    if (!context) return 2;
    const config::config& cfg = context->cfg;
    messages::api_tokens tokens(context->database);
    if (o.action == "create") return create(tokens, o, cfg, out, err);
    if (o.action == "list") return list(tokens, o, out);
    return revoke(tokens, o, out, err);
}

}  // namespace cwc::gateway
