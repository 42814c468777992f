// What the person should see, written out by hand from test_config.hpp, so the tests compare the
// engine's rendering with an independent expectation rather than with itself.
#pragma once

#include "handlers/conversation.hpp"

#include <string>
#include <vector>

namespace cwc::handlers::test {

inline const std::string notice_es = "AVISO: guardamos sus mensajes. BAJA para salir.";
inline const std::string notice_en = "NOTICE: we keep your messages. STOP to leave.";
inline const std::string main_es =
    "Línea CBO\n1. Información\n2. Queja\n3. Sugerencia\n4. Mi caso\n5. Idioma\n6. Servicios";
inline const std::string main_en =
    "CBO line\n1. Information\n2. Complaint\n3. Suggestion\n4. My case\n5. Language\n6. Services";
inline const std::string info_es = "El CEBAF abre a las 8.\n\n0 para volver.";
inline const std::string services_es = "Servicios\n1. Salud\n2. Queja";
inline const std::string health_es = "Posta: Av. Sol 1.\n\n0 para volver.";
inline const std::string categories_es =
    "¿De qué se trata?\n1. Documentos\n2. Entrega de ayuda\n3. Abuso por personal";
inline const std::string complaint_es = "Queja\n" + categories_es;
inline const std::string region_es = "¿En qué región?\n1. Lima\n2. Tumbes\n0. Prefiero no decir";
inline const std::string region_en = "Which region?\n1. Lima\n2. Tumbes\n0. Prefer not to say";
inline const std::string describe_es = "Cuéntenos qué pasó.";
inline const std::string feedback_es = "Sugerencia\nEscriba su sugerencia.";
inline const std::string language_es = "Elija su idioma:\n1. Español\n2. English";
inline const std::string language_en = "Choose your language:\n1. Español\n2. English";
inline const std::string status_prompt_es = "Escriba su referencia.";
inline const std::string unknown_es = "No entendí.";
inline const std::string help_es = "AYUDA: responda con un número.";
inline const std::string help_en = "HELP: reply with a number.";
inline const std::string too_short_es = "Cuéntenos un poco más.";
inline const std::string neutral_es = "No hay un caso que mostrar.";
inline const std::string usage_es = "Escriba ESTADO y su referencia.";

inline std::vector<std::string> texts(const conversation_result& r) {
    std::vector<std::string> out;
    for (const auto& reply : r.replies) out.push_back(reply.text);
    return out;
}

using state = messages::conversation_state;
using strings = std::vector<std::string>;

// The state of a person looking at a node (no flow step).
inline state at(std::string node) {
    return {std::move(node), "", {}};
}

}  // namespace cwc::handlers::test
