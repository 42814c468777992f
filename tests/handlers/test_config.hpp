// A small but complete deployment built in code for the conversation tests: Spanish (default)
// and English, every keyword, two regions, three case types, four categories (one sensitive),
// every node kind, every required text; plus a case look-up fake and a conversation driver.
#pragma once

#include "config/config.hpp"
#include "handlers/conversation.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cwc::handlers::test {

inline config::localized_text lt(std::string es, std::string en) {
    return {{"es", std::move(es)}, {"en", std::move(en)}};
}

inline config::config make_config() {
    using config::keyword_action;
    using config::node_kind;
    config::config c;
    c.deployment_name = "test";
    c.default_language = "es";
    c.conversation_timeout_minutes = 60;
    c.start_node = "main";
    c.languages = {{"es", "Español"}, {"en", "English"}};
    config::channel sms;
    sms.id = "sms-pe";
    c.channels = {sms};
    c.keywords = {
        {keyword_action::stop, {{"es", {"BAJA", "PARAR"}}, {"en", {"STOP"}}}, {}},
        {keyword_action::start, {{"es", {"ALTA"}}, {"en", {"START"}}}, {}},
        {keyword_action::status, {{"es", {"ESTADO"}}, {"en", {"STATUS"}}}, {}},
        {keyword_action::menu, {{"es", {"MENÚ", "INICIO"}}, {"en", {"MENU"}}}, {}},
        {keyword_action::language, {{"es", {"IDIOMA"}}, {"en", {"LANGUAGE"}}}, {}},
        {keyword_action::help, {{"es", {"AYUDA"}}, {"en", {"HELP"}}}, {}},
    };
    c.regions = {{"lima", lt("Lima", "Lima"), ""}, {"tumbes", lt("Tumbes", "Tumbes"), ""}};
    c.case_types = {
        {"complaint", lt("Queja", "Complaint"), 24, 7,
         lt("Recibimos su queja. Referencia: {reference}. Le responderemos en {days} días.",
            "We received your complaint. Reference: {reference}. We will answer within {days} "
            "days.")},
        {"suggestion", lt("Sugerencia", "Suggestion"), 48, 14,
         lt("Gracias por su sugerencia ({reference}). Respuesta en {days} días.",
            "Thank you for your suggestion ({reference}). Answer within {days} days.")},
        {"safeguarding", lt("Protección", "Safeguarding"), 1, 1,
         lt("Si está en peligro llame al 111. Referencia {reference}; le contactaremos en {days} "
            "día.",
            "If you are in danger call 111. Reference {reference}; we will contact you within "
            "{days} day.")},
    };
    c.categories = {
        {"documentation", "complaint", lt("Documentos", "Documents"), false, 24, {}},
        {"distribution", "complaint", lt("Entrega de ayuda", "Aid distribution"), false, 24, {}},
        {"sea", "safeguarding", lt("Abuso por personal", "Abuse by staff"), true, 24, {}},
        {"service", "suggestion", lt("Servicios", "Services"), false, 24, {}},
    };

    auto node = [&](const std::string& id, node_kind kind,
                    config::localized_text text) -> config::menu_node* {
        config::menu_node& n = c.nodes[id];
        n.id = id;
        n.kind = kind;
        n.text = std::move(text);
        return &n;
    };
    node("main", node_kind::menu, lt("Línea CBO", "CBO line"))->options = {
        {lt("Información", "Information"), "info"},   {lt("Queja", "Complaint"), "complaint"},
        {lt("Sugerencia", "Suggestion"), "feedback"}, {lt("Mi caso", "My case"), "status"},
        {lt("Idioma", "Language"), "language"},       {lt("Servicios", "Services"), "services"},
    };
    node("info", node_kind::text, lt("El CEBAF abre a las 8.", "CEBAF opens at 8."));
    node("services", node_kind::menu, lt("Servicios", "Services"))->options = {
        {lt("Salud", "Health"), "health"},
        {lt("Queja", "Complaint"), "complaint"},
    };
    node("health", node_kind::text, lt("Posta: Av. Sol 1.", "Clinic: Av. Sol 1."))->next =
        "services";
    auto* complaint = node("complaint", node_kind::complaint, lt("Queja", "Complaint"));
    complaint->categories = {"documentation", "distribution", "sea"};
    complaint->ask_region = true;
    complaint->ask_description = lt("Cuéntenos qué pasó.", "Tell us what happened.");
    auto* feedback = node("feedback", node_kind::feedback, lt("Sugerencia", "Suggestion"));
    feedback->categories = {"service"};
    feedback->ask_description = lt("Escriba su sugerencia.", "Write your suggestion.");
    node("language", node_kind::language, lt("Elija su idioma:", "Choose your language:"));
    node("status", node_kind::status, lt("Escriba su referencia.", "Type your reference."));

    c.texts = {
        {"first_contact_notice", lt("AVISO: guardamos sus mensajes. BAJA para salir.",
                                    "NOTICE: we keep your messages. STOP to leave.")},
        {"unknown_input", lt("No entendí.", "I did not understand.")},
        {"apology", lt("Lo sentimos.", "Sorry.")},
        {"help", lt("AYUDA: responda con un número.", "HELP: reply with a number.")},
        {"opted_out", lt("No recibirá más mensajes.", "You will get no more messages.")},
        {"opted_in", lt("Bienvenido de nuevo.", "Welcome back.")},
        {"language_changed", lt("Idioma: español.", "Language: English.")},
        {"back_hint", lt("0 para volver.", "0 to go back.")},
        {"choose_category", lt("¿De qué se trata?", "What is it about?")},
        {"choose_region", lt("¿En qué región?", "Which region?")},
        {"prefer_not_to_say", lt("Prefiero no decir", "Prefer not to say")},
        {"description_too_short", lt("Cuéntenos un poco más.", "Tell us a bit more.")},
        {"status_usage", lt("Escriba ESTADO y su referencia.", "Send STATUS and your reference.")},
        {"status_unknown", lt("No hay un caso que mostrar.", "No case to show.")},
        {"status_found", lt("Caso {reference}: {status}.", "Case {reference}: {status}.")},
        {"unsupported_message", lt("No podemos leer esto.", "We cannot read this.")},
        {"menu_button", lt("Opciones", "Options")},
    };
    c.sensitive.safe_reply = lt("Si está en peligro llame al 105.", "If you are in danger call 105.");
    c.sensitive.alert = lt("Caso sensible {reference}", "Sensitive case {reference}");
    c.sensitive.keywords = {{"es", {"me pidieron sexo", "me pidió sexo"}}, {"en", {"asked for sex"}}};
    c.sensitive.folded = {{"es", {"me pidieron sexo", "me pidio sexo"}}, {"en", {"asked for sex"}}};
    c.statuses = {{"new", lt("recibido", "received")},
                  {"in_progress", lt("en proceso", "in progress")}};
    config::fold_keywords(c);
    return c;
}

// Cases by reference; remembers what was asked so tests can tell whether the store was queried.
class fake_cases : public messages::case_lookup {
  public:
    std::map<std::string, messages::case_summary> cases;
    std::vector<std::string> asked;
    std::optional<messages::case_summary> find_case(std::string_view reference) override {
        asked.emplace_back(reference);
        auto it = cases.find(std::string(reference));
        if (it == cases.end()) return std::nullopt;
        return it->second;
    }
    bool has_open_sensitive_case(std::int64_t contact_id) override {
        for (const auto& [reference, c] : cases)
            if (c.contact_id == contact_id && c.sensitive && c.status != "closed") return true;
        return false;
    }
};

inline messages::timestamp at_minute(int minute) {
    return messages::timestamp{std::chrono::minutes{28'000'000 + minute}};
}

// One person's conversation: each send() feeds the previous result's contact back in and moves
// the clock a minute, as the gateway would.
struct conversation {
    config::config cfg = make_config();
    fake_cases cases;
    messages::contact contact = known_contact();
    messages::timestamp now = at_minute(1);
    std::string reference = "Q7K-2M4";

    static messages::contact known_contact() {
        messages::contact c;
        c.id = 7;
        c.pseudonym = "pseudo-7";
        c.notice_given = true;
        c.last_inbound_at = at_minute(0);
        return c;
    }

    conversation_result send(const std::string& text) {
        conversation_input in{cfg, cfg.channels.front(), contact, text, now, reference, cases, 0};
        conversation_result result = handle_inbound(in);
        contact = result.contact;
        now += std::chrono::minutes{1};
        return result;
    }
};

}  // namespace cwc::handlers::test
