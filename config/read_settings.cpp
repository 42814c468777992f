// Reads the operational sections: languages, deployment, server and channels. Secrets never
// live here: a channel names the environment variables that hold them, and a secret-looking key
// in a channel is refused so a token never ends up in a file that gets copied around.
#include "config/channel_kinds.hpp"
#include "config/formats.hpp"
#include "config/sections.hpp"

#include <algorithm>
#include <map>

namespace cwc::config {
namespace {

bool looks_secret(std::string key) {
    std::transform(key.begin(), key.end(), key.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (key.size() >= 4 && key.compare(key.size() - 4, 4, "_env") == 0) return false;
    for (const char* word :
         {"auth_token", "account_sid", "api_key", "apikey", "password", "secret", "token"}) {
        if (key.find(word) != std::string::npos) return true;
    }
    return false;
}

void read_env_name(object_reader& o, std::string_view key, std::string& out) {
    std::string name;
    if (!o.read_string(key, name, presence::optional)) return;
    if (!is_env_name(name)) {
        o.error(key, "'" + name +
                         "' is not an environment variable name: use capitals, digits and _, "
                         "not starting with a digit (e.g. TWILIO_AUTH_TOKEN)");
        return;
    }
    out = name;
}

void read_url(object_reader& o, std::string_view key, std::string& out, const char* example) {
    std::string url;
    if (!o.read_string(key, url, presence::optional)) return;
    if (auto why = http_url_problem(url)) {
        o.error(key, "'" + url + "' " + *why + "; expected e.g. " + example);
        return;
    }
    out = url;
}

// Meta's template names: lower-case letters, digits and underscores.
bool is_template_name(std::string_view s) {
    return !s.empty() && s.size() <= 512 && std::all_of(s.begin(), s.end(), [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    });
}

// Meta's template language codes: "es", "fil", or with a region, "en_US", "pt_BR".
bool is_template_language(std::string_view s) {
    const auto underscore = s.find('_');
    const auto lang = s.substr(0, underscore);
    if (!is_language_code(lang)) return false;
    return underscore == std::string_view::npos || is_country_code(s.substr(underscore + 1));
}

void read_template(const json& value, const std::string& path, reading& r,
                   reengagement_template& t) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    if (o.read_string("name", t.name, presence::required) && !is_template_name(t.name))
        o.error("name", "'" + t.name + "' is not a WhatsApp template name: lower-case letters, "
                                       "digits and _ as approved in WhatsApp Manager");
    if (o.read_string("language", t.language, presence::required) &&
        !is_template_language(t.language))
        o.error("language", "'" + t.language + "' is not a template language code: e.g. es, "
                                               "en_US, pt_BR as shown in WhatsApp Manager");
    // A fixed text (the organisation's name, say): the template must never carry case content,
    // and Meta refuses newlines, tabs and runs of spaces in a parameter.
    if (o.read_string("body_parameter", t.body_parameter, presence::optional) &&
        (t.body_parameter.empty() || t.body_parameter.size() > 60 ||
         t.body_parameter.find_first_of("\n\t{}") != std::string::npos ||
         t.body_parameter.find("    ") != std::string::npos))
        o.error("body_parameter", "must be a fixed text of 1-60 characters without newlines, "
                                  "tabs, braces or four spaces in a row (it fills the template's "
                                  "one body parameter; nothing of a case ever goes there)");
    o.warn_unknown();
}

// The customer-service window of WhatsApp channels (PROVIDERS.md §2.6); the fallback channel's
// existence and type are checked once every channel is read (cross_check.cpp).
void read_window(object_reader& o, reading& r, channel& c) {
    const bool whatsapp =
        c.kind == channel_kind::whatsapp_cloud || c.kind == channel_kind::twilio_whatsapp;
    for (const char* key :
         {"window_hours", "fallback_channel", "reengagement_template", "daily_reach_limit"}) {
        if (!whatsapp && o.find(key) != nullptr)
            o.error(key, "only WhatsApp channels (whatsapp_cloud, twilio_whatsapp) have a "
                         "customer-service window and a daily reach limit; remove this key");
    }
    if (!whatsapp) return;
    o.read_int("window_hours", c.window_hours, 1, 168, presence::optional);
    // The number's messaging tier (250, 1000, 10000, 100000 a day); 0 = unlimited.
    o.read_int("daily_reach_limit", c.daily_reach_limit, 0, 10'000'000, presence::optional);
    if (o.read_string("fallback_channel", c.fallback_channel, presence::optional) &&
        !is_slug(c.fallback_channel))
        o.error("fallback_channel", "'" + c.fallback_channel + "' is not a channel id");
    const json* templates = o.find("reengagement_template");
    if (templates == nullptr) return;
    if (c.kind == channel_kind::twilio_whatsapp) {
        o.error("reengagement_template",
                "Twilio sends WhatsApp templates by ContentSid, which this gateway does not do: "
                "remove it; outside the window messages wait for the person or use "
                "fallback_channel");
        return;
    }
    object_reader by_language(*templates, o.path_of("reengagement_template"), r);
    if (!by_language.valid()) return;
    for (const auto& lang : by_language.keys()) {
        by_language.mark_known(lang);
        if (std::find(r.languages.begin(), r.languages.end(), lang) == r.languages.end()) {
            by_language.error(lang, "'" + lang + "' is not in /languages; use one of: " +
                                        join_names(r.languages));
            continue;
        }
        reengagement_template t;
        read_template(*by_language.find(lang), by_language.path_of(lang), r, t);
        c.reengagement_templates[lang] = std::move(t);
    }
}

void read_channel(const json& value, const std::string& path, reading& r, channel& c) {
    object_reader o(value, path, r);
    if (!o.valid()) return;
    for (const auto& key : o.keys()) {
        if (!looks_secret(key)) continue;
        o.mark_known(key);
        o.error(key,
                "secrets must not be in the config file: they come from environment variables "
                "named by the channel's *_env keys (e.g. auth_token_env: TWILIO_AUTH_TOKEN); "
                "remove this key");
    }
    if (o.read_string("id", c.id, presence::required) && !is_slug(c.id)) {
        o.error("id", "'" + c.id +
                          "' is not a channel id: use 1-32 of a-z, 0-9, _ and - "
                          "(it becomes the webhook path /webhooks/{id})");
    }
    std::string type;
    const channel_kind_spec* spec = nullptr;
    if (o.read_string("type", type, presence::required)) {
        spec = find_kind(type);
        if (spec == nullptr)
            o.error("type", "unknown channel type '" + type + "'; supported: " + kind_names());
    }
    if (spec == nullptr) spec = &kind_spec(channel_kind::twilio_sms);
    c.kind = spec->kind;
    c.provider_enforces_stop = spec->provider_enforces_stop;
    c.api_base_env = std::string(spec->default_api_base_env);
    c.default_api_base = std::string(spec->default_api_base);
    if (c.kind == channel_kind::whatsapp_cloud) c.max_body_bytes = 4 * 1024 * 1024;  // Meta: up to 3 MB
    for (const auto& secret : spec->secrets) {
        std::string name(secret.default_env);
        read_env_name(o, std::string(secret.role) + "_env", name);
        c.secret_env[std::string(secret.role)] = name;
    }
    for (const auto& option : spec->options) {
        std::string v;
        const auto key = std::string(option.name);
        if (o.read_string(key, v, option.required ? presence::required : presence::optional))
            c.options[key] = v;
    }
    const auto& service = c.option("messaging_service_sid");
    if (!service.empty() && !is_messaging_service_sid(service)) {
        o.error("messaging_service_sid",
                "expected MG followed by 32 hexadecimal digits, as shown in the Twilio console");
    }
    const presence address_presence = service.empty() ? presence::required : presence::optional;
    if (o.read_string("address", c.address, address_presence)) {
        if (spec->address_is_e164 && !is_e164(c.address)) {
            o.error("address", "'" + c.address +
                                   "' is not an E.164 number: + then 8 to 15 digits, no spaces "
                                   "(e.g. +5116409000)");
        } else if (!spec->address_is_e164 && (c.address.empty() || c.address.size() > 16)) {
            o.error("address", "'" + c.address +
                                   "' is not a sender: use the number in E.164, a short code or "
                                   "a sender id of at most 16 characters");
        }
    }
    read_env_name(o, "api_base_env", c.api_base_env);
    read_url(o, "default_api_base", c.default_api_base, "https://api.twilio.com");
    o.read_bool("provider_enforces_stop", c.provider_enforces_stop, presence::optional);
    if (c.provider_enforces_stop) c.provider_stop_words = twilio_stop_words();  // Twilio only, so far
    o.read_size("max_body_bytes", c.max_body_bytes, 1024, 10 * 1024 * 1024, presence::optional);
    // 0 = no limit (a local SMSC, a benchmark); otherwise above 0 and at most 1000 per second.
    if (const json* rate = o.find("sends_per_second");
        rate != nullptr && rate->is_number() && rate->get<double>() == 0.0)
        c.sends_per_second = 0.0;
    else
        o.read_number("sends_per_second", c.sends_per_second, 0.0, 1000.0, presence::optional);
    o.read_number("broadcast_share", c.broadcast_share, 0.0, 1.0, presence::optional);
    read_window(o, r, c);
    o.warn_unknown();
}

}  // namespace

void read_languages(const json& value, reading& r, config& out) {
    const std::string path = "/languages";
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    if (items->empty()) {
        r.log.error(path,
                    "needs at least one language, e.g. [{\"code\": \"es\", \"name\": "
                    "\"Español\"}]");
    }
    std::map<std::string, std::string> seen;  // code -> path
    for (std::size_t i = 0; i < items->size(); ++i) {
        reading plain{r.log, {}};  // names are in their own language, not localized
        object_reader o((*items)[i], child_path(path, i), plain);
        language lang;
        bool ok = o.read_string("code", lang.code, presence::required);
        if (ok && !is_language_code(lang.code)) {
            o.error("code", "'" + lang.code +
                                "' is not a language code: use the 2-3 lower-case "
                                "letters of ISO 639, e.g. es, en, ar, qu");
            ok = false;
        }
        if (ok && seen.count(lang.code) != 0) {
            o.error("code", "language '" + lang.code + "' is listed twice (also at " +
                                seen[lang.code] + "); list each language once");
            ok = false;
        }
        ok = o.read_string("name", lang.name, presence::required) && ok;
        o.warn_unknown();
        if (!ok) continue;
        seen[lang.code] = o.path_of("code");
        r.languages.push_back(lang.code);
        out.languages.push_back(std::move(lang));
    }
}

void read_deployment(const json& value, reading& r, config& out) {
    object_reader o(value, "/deployment", r);
    if (!o.valid()) return;
    o.read_string("name", out.deployment_name, presence::required);
    if (o.read_string("default_language", out.default_language, presence::required) &&
        !out.has_language(out.default_language)) {
        o.error("default_language",
                "'" + out.default_language +
                    "' is not in /languages; use one of: " + join_names(r.languages));
    }
    if (o.read_string("default_country", out.default_country, presence::optional) &&
        !is_country_code(out.default_country)) {
        o.error("default_country", "'" + out.default_country +
                                       "' is not an ISO 3166 alpha-2 code: two capitals, e.g. PE");
    }
    o.read_int("conversation_timeout_minutes", out.conversation_timeout_minutes, 1, 10080,
               presence::optional);
    o.read_int("description_quiet_seconds", out.description_quiet_seconds, 0, 900,
               presence::optional);
    if (o.read_string("start_node", out.start_node, presence::optional) &&
        !is_slug(out.start_node)) {
        o.error("start_node", "'" + out.start_node + "' is not a node id (1-32 of a-z, 0-9, _, -)");
    }
    o.warn_unknown();
}

void read_server(const json& value, reading& r, config& out) {
    object_reader o(value, "/server", r);
    if (!o.valid()) return;
    server_settings& s = out.server;
    std::string listen;
    if (o.read_string("listen", listen, presence::optional)) {
        if (auto why = listen_problem(listen)) {
            o.error("listen", "'" + listen + "': " + *why);
        } else {
            s.listen = listen;
        }
    }
    read_url(o, "public_url", s.public_url, "https://sms.example.org or http://127.0.0.1:8080");
    o.read_string("database", s.database, presence::optional);
    o.read_string("pseudonym_key_file", s.pseudonym_key_file, presence::optional);
    o.read_string("audit_key_file", s.audit_key_file, presence::optional);
    o.read_string("address_key_file", s.address_key_file, presence::optional);
    if (const json* tls = o.find("tls")) {
        object_reader t(*tls, o.path_of("tls"), r);
        const bool cert =
            t.read_string("certificate_file", s.tls.certificate_file, presence::optional);
        const bool key =
            t.read_string("private_key_file", s.tls.private_key_file, presence::optional);
        if (t.valid() && cert != key &&
            t.find(cert ? "private_key_file" : "certificate_file") == nullptr) {
            t.error(cert ? "private_key_file" : "certificate_file",
                    "missing: TLS needs both certificate_file and private_key_file; or remove "
                    "\"tls\" to serve plain HTTP behind a reverse proxy");
        }
        t.warn_unknown();
    }
    o.read_size("max_header_bytes", s.max_header_bytes, 1024, 65536, presence::optional);
    o.read_int("read_timeout_seconds", s.read_timeout_seconds, 1, 300, presence::optional);
    o.read_int("idle_timeout_seconds", s.idle_timeout_seconds, 1, 3600, presence::optional);
    o.read_int("shutdown_grace_seconds", s.shutdown_grace_seconds, 1, 600, presence::optional);
    if (const json* media = o.find("media")) {
        object_reader m(*media, o.path_of("media"), r);
        m.read_bool("fetch", s.media.fetch, presence::optional);
        m.read_size("max_bytes", s.media.max_bytes, 1024, 100LL * 1024 * 1024, presence::optional);
        m.warn_unknown();
    }
    o.warn_unknown();
}

void read_channels(const json& value, reading& r, config& out) {
    const std::string path = "/channels";
    const auto* items = read_array(value, path, r.log);
    if (items == nullptr) return;
    if (items->empty()) r.log.error(path, "needs at least one channel, e.g. a twilio_sms number");
    std::map<std::string, std::string> seen;  // id -> path
    for (std::size_t i = 0; i < items->size(); ++i) {
        channel c;
        const std::string item_path = child_path(path, i);
        read_channel((*items)[i], item_path, r, c);
        if (c.id.empty()) continue;
        if (auto it = seen.find(c.id); it != seen.end()) {
            r.log.error(child_path(item_path, "id"),
                        "channel id '" + c.id + "' is used twice (also at " + it->second +
                            "); each channel needs its own id and webhook path");
            continue;
        }
        seen[c.id] = child_path(item_path, "id");
        out.channels.push_back(std::move(c));
    }
}

}  // namespace cwc::config
