// The deployment's configuration as plain structs: channels, languages, keywords, menus and texts
// per language, regions, the directory, broadcasts; case types, categories and organisations
// (config/case_settings.hpp); retention and operators' alerts (config/operations_settings.hpp).
// Only gateway/main reads the file; every lower layer receives these structs. Loading and
// validation live in config/load.hpp.
#pragma once

#include "config/case_settings.hpp"
#include "config/localized_text.hpp"
#include "config/operations_settings.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace cwc::config {

struct language {
    language_code code;
    std::string name;  // in its own language, shown in the language menu: "Español"
};

// One per provider contract in PROVIDERS.md; config/channel_kinds.hpp says what each needs.
enum class channel_kind { twilio_sms, twilio_whatsapp, whatsapp_cloud, africastalking, vonage_sms, kannel };

// An approved WhatsApp template that tells a person an answer waits for them ("you have an
// answer, reply to read it"), sent when the customer-service window is closed. It has no
// parameter, or one body parameter filled with this fixed text: nothing of a case goes in it.
struct reengagement_template {
    std::string name;            // as approved at Meta: "respuesta_pendiente"
    std::string language;        // Meta's language code: "es", "en_US"
    std::string body_parameter;  // "" = the template has no parameter
};

struct tls_settings {
    std::string certificate_file;  // PEM chain; empty = plain HTTP (e.g. behind a reverse proxy)
    std::string private_key_file;
};

// Photos, voice notes and documents people send, downloaded after the acknowledgement.
struct media_settings {
    bool fetch = true;                          // false: rows stay pending, nothing is fetched
    std::size_t max_bytes = 16 * 1024 * 1024;  // larger files are refused (failed, too_large)
};

struct server_settings {
    std::string listen = "127.0.0.1:8080";
    // The URL the providers call, scheme://host[:port][/prefix]; signatures are computed over it.
    std::string public_url = "http://127.0.0.1:8080";
    std::string database = "cwc-gateway.db";
    // Keys live in files of their own, mode 0600, made at the database's first start only:
    // empty = "<database>.pseudonym-key" (HMAC of numbers for pseudonyms), "<database>.address-key"
    // (addresses encrypted at rest, and their blind index).
    std::string pseudonym_key_file;
    std::string address_key_file;
    // The audit chain's secret (record digests, signed heads): empty = "<database>.audit-key",
    // created 0600 if absent, refused when group or others may read it.
    std::string audit_key_file;
    tls_settings tls;
    std::size_t max_header_bytes = 8 * 1024;
    int read_timeout_seconds = 10;
    int idle_timeout_seconds = 60;  // keep-alive connections with no request are closed after this
    // On SIGTERM/SIGINT: how long requests and sends in flight may take to finish before the
    // process exits anyway (what is unfinished then was never acknowledged, or stays queued).
    int shutdown_grace_seconds = 10;
    media_settings media;
};

struct channel {
    std::string id;  // webhook path segment: POST /webhooks/{id}
    channel_kind kind = channel_kind::twilio_sms;
    // Our sender: an E.164 number, or a short code / sender id where the provider allows one.
    std::string address;
    // Secrets and the API base come from the environment, never from the file: secret role
    // ("auth_token") -> environment variable name ("TWILIO_AUTH_TOKEN").
    std::map<std::string, std::string> secret_env;
    std::string api_base_env;
    std::string default_api_base;
    // Provider settings that are not secret ("messaging_service_sid", "phone_number_id", …).
    std::map<std::string, std::string> options;
    // Twilio long codes enforce STOP themselves (sends fail with 21610 until START): record, don't retry.
    bool provider_enforces_stop = true;
    // The words the provider acts on by itself when they are the whole message, folded
    // (Twilio: stop, stopall, unsubscribe, cancel, end, quit, revoke, optout). Filled by the
    // loader from the channel type when provider_enforces_stop; the provider confirms these, we
    // confirm our own (e.g. BAJA).
    std::vector<std::string> provider_stop_words;
    std::size_t max_body_bytes = 64 * 1024;
    double sends_per_second = 1.0;
    double broadcast_share = 0.5;  // broadcasts use at most this share of sends_per_second
    // WhatsApp channels (PROVIDERS.md §2.6): free-form messages only within window_hours of the
    // person's last message on the channel. Outside it a message goes through fallback_channel
    // (an SMS channel id) when set and the person has a phone number, else behind the
    // re-engagement template of the person's language (or the default language), else it fails.
    int window_hours = 24;
    std::string fallback_channel;
    std::map<language_code, reengagement_template> reengagement_templates;
    // WhatsApp: business-initiated conversations the number may open per 24 hours (its messaging
    // tier: 250, 1000, 10000, 100000); 0 = unlimited. Broadcasts to people outside the window
    // are spread over days to stay within it.
    int daily_reach_limit = 0;

    // The option's value, "" when unset.
    const std::string& option(const std::string& name) const;
};

// What a global keyword does; keywords work from any point of a conversation.
// subscribe: opens the first subscriptions node (topics a person hears about by broadcast).
// erase ("delete" in the JSON): the person asks for their number and texts to be erased; the
// engine asks for confirmation first (texts erasure_*).
enum class keyword_action { menu, help, stop, start, language, status, subscribe, erase };

struct keyword_set {
    keyword_action action;
    std::map<language_code, std::vector<std::string>> words;  // as written
    // The same words folded for matching (fold_for_matching), once at load instead of for
    // every message; code that edits `words` afterwards calls fold_keywords() again.
    std::map<language_code, std::vector<std::string>> folded;
};

struct region {
    std::string id;  // admin1 p-code or slug: "lima"
    localized_text name;
    std::string time_zone;  // IANA zone for broadcasts' quiet hours; "" = broadcasts.time_zone
};

// A subject people may ask to hear about by broadcast: "health_brigades", "documentation".
struct topic {
    std::string id;
    localized_text name;
    std::vector<std::string> organisations;  // those that may broadcast on it; empty = every one
};

// Local hours in which no broadcast message goes out ("21:00" to "08:00" spans midnight).
struct quiet_hours {
    int start_minute = 21 * 60;  // minutes after local midnight
    int end_minute = 8 * 60;     // equal to start_minute: no quiet hours
};

// Campaign broadcasts (issue 5).
struct broadcast_settings {
    std::string time_zone = "America/Lima";  // IANA zone of the audience unless a region names one
    quiet_hours quiet;
    // A message within this many hours of a broadcast reaching the person is linked to it.
    int reply_link_hours = 72;
};

// The officers' API (and later the web desk): its own listener, never the public webhook one.
struct officers_settings {
    std::string listen = "127.0.0.1:8081";  // "" = no officers' listener
    int suppression_threshold = 5;          // aggregates hide counts below this
    int token_days = 90;                    // default lifetime of a new token
    int failed_attempts_per_minute = 10;    // per client address, then 429
};

// The service directory (referral pathways): who offers what, where, for whom.
struct sector {
    std::string id;  // "health", "legal", "documentation", "protection", "shelter"
    localized_text name;
};

struct service {
    std::string id;
    std::string organisation;  // an organisation id
    localized_text name;
    std::string sector;                // a sector id
    std::vector<std::string> regions;  // region ids where it is offered
    localized_text eligibility;
    localized_text documents;  // documents needed
    localized_text hours;      // opening hours
    std::string contact;       // phone, address or URL, as people should see it
    std::vector<language_code> languages;  // languages spoken at the service
    localized_text cost;
    std::string status = "active";  // "active" or "suspended" (suspended ones are not offered)
    std::string last_verified;      // YYYY-MM-DD
    int referral_days = 0;          // expected time to an answer after a referral, 0 = unknown
};

enum class node_kind { menu, text, complaint, feedback, language, status, directory, subscriptions };

struct menu_option {
    localized_text label;
    std::string next;  // node id
};

struct menu_node {
    std::string id;
    node_kind kind = node_kind::menu;
    localized_text text;               // menu header, information page, or flow introduction
    std::vector<menu_option> options;  // menu only
    std::string next;                  // text: where the conversation goes after the page
    // complaint / feedback: the person picks one of these categories (skipped when only one),
    // optionally their region, then describes it in free text.
    std::vector<std::string> categories;
    bool ask_region = false;
    localized_text ask_description;
    // complaint / feedback: optional demographic questions, always with "prefer not to say".
    bool ask_sex = false;
    bool ask_age_group = false;
    // The organisation whose menu this is: cases opened here belong to it ("" = the default).
    std::string organisation;
    // directory: the sectors it offers (empty = every sector with an active service); ask_region
    // (true by default there) narrows the services to one region.
    std::vector<std::string> sectors;
    // subscriptions: the topics offered, each switched on or off by its number (empty = every
    // topic); ask_region asks where the person wants news for when they have not said.
    std::vector<std::string> topics;
};

// Keys of config::texts that the engine needs; validation requires each in every language.
inline constexpr const char* required_texts[] = {
    "first_contact_notice",  // once per contact: what is kept, who sees it, how to stop
    "unknown_input",         // re-prompt for input the current step does not understand
    "apology",               // a handler failed; the message is kept
    "help",                  //
    "opted_out",             // STOP confirmation (only sent where the provider does not)
    "opted_in",              // START confirmation
    "language_changed",      //
    "back_hint",             // footer under information pages: how to get back to the menu
    "choose_category",       // prompt above the numbered categories
    "choose_region",         // prompt above the numbered regions
    "prefer_not_to_say",     // option 0 of optional questions
    "description_too_short", // empty or one-character description
    "status_usage",          // STATUS without a reference
    "status_unknown",        // neutral answer: not found, not yours, or sensitive
    "status_found",          // placeholders: {reference} {status}
    "unsupported_message",   // a sticker, poll or other kind of message we cannot read
    "menu_button",           // WhatsApp: the button that opens a list of options (≤ 20 chars)
};

// Keys of config::texts a deployment may set; the engine has its own wording for them in common
// languages (config/sms_pages.hpp: optional_text) and English for the rest.
inline constexpr const char* optional_texts[] = {
    "page_more",         // under every page but the last: "Reply 9 for more."
    "no_services",       // a directory with no active service right now
    "directory_entry",   // one service; placeholders {name} {organisation} {hours} {contact}
                         // {documents} {eligibility} {cost} {languages}
    "choose_sex",        // prompt above the sex options (flows with ask_sex)
    "choose_age_group",  // prompt above the age groups (flows with ask_age_group)
    // subscriptions nodes (broadcast topics):
    "choose_topics",       // above the numbered topics: a number switches one on or off
    "topic_on",            // a topic's line when subscribed; placeholder {topic}
    "topic_off",           // a topic's line when not; placeholder {topic}
    "subscribed",          // placeholder {topic}
    "unsubscribed",        // placeholder {topic}
    "subscriptions_none",  // after the last topic is switched off: no news any more
    "choose_news_region",  // first subscription of a person who never said their region
    "news_region_set",     // placeholder {region}
    "subscriptions_opted_out",  // a topic chosen after STOP; placeholder {start} (the word)
    // erasure on the person's request (keyword "delete"):
    "erasure_yes",        // the one word that confirms it ("SI", "YES"), compared folded
    "erasure_confirm",    // the question; placeholder {yes}
    "erasure_done",       // the last message: their number and texts are erased
    "erasure_held",       // an open sensitive case keeps them until it is closed
    "erasure_cancelled",  // any other answer to the question
};

// One answer of an optional demographic question: "female", "18-24".
struct answer_option {
    std::string id;
    localized_text name;
};

struct config {
    std::string deployment_name;
    language_code default_language;
    std::string default_country = "PE";  // ISO 3166 alpha-2, for numbers without +
    int conversation_timeout_minutes = 60;
    // A description sent as several SMS: parts arriving within this many seconds of the previous
    // one are added to the case just opened (0 = each message stands alone).
    int description_quiet_seconds = 120;
    std::string start_node = "main";
    server_settings server;
    std::vector<language> languages;
    std::vector<channel> channels;
    std::vector<keyword_set> keywords;
    std::vector<region> regions;
    std::vector<case_type> case_types;
    std::vector<category> categories;
    std::vector<organisation> organisations;
    std::string default_organisation;  // owns cases from menus that name none
    sensitive_settings sensitive;
    satisfaction_settings satisfaction;
    officers_settings officers;
    std::vector<sector> sectors;
    std::vector<service> services;
    std::vector<topic> topics;
    broadcast_settings broadcasts;
    retention_settings retention;
    operations_settings operations;
    std::map<std::string, menu_node> nodes;         // by id
    std::map<std::string, localized_text> texts;    // by key, see required_texts
    std::map<std::string, localized_text> statuses; // case status id -> plain words for STATUS

    // Optional demographic questions of complaint/feedback flows (ask_sex, ask_age_group).
    std::vector<answer_option> sex_options;
    std::vector<answer_option> age_groups;

    const channel* find_channel(const std::string& id) const;
    const menu_node* find_node(const std::string& id) const;
    const case_type* find_case_type(const std::string& id) const;
    const category* find_category(const std::string& id) const;
    const region* find_region(const std::string& id) const;
    const organisation* find_organisation(const std::string& id) const;
    const service* find_service(const std::string& id) const;
    const topic* find_topic(const std::string& id) const;
    bool has_language(const std::string& code) const;
    // The text for key in lang, falling back to the default language; empty if unknown.
    const std::string& text(const std::string& key, const language_code& lang) const;
};

// Fills every keyword_set's `folded` from its `words` (the loader does this).
void fold_keywords(config& cfg);

// A localized_text in lang, falling back to fallback; empty if neither is present.
const std::string& localize(const localized_text& t, const language_code& lang,
                            const language_code& fallback);

}  // namespace cwc::config
