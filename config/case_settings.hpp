// The case workflow's configuration (part of config/config.hpp): feedback types and their
// promised answer times, categories and their codebook, organisations and their protection focal
// points, sensitive complaints, and the satisfaction question asked at closing.
#pragma once

#include "config/localized_text.hpp"

#include <map>
#include <string>
#include <vector>

namespace cwc::config {

// IFRC-style feedback types with the time people are promised an answer in.
struct case_type {
    std::string id;  // "complaint", "question", "request", "suggestion", "rumour", "praise"
    localized_text name;
    int acknowledge_hours = 24;
    int response_days = 7;
    localized_text acknowledgement;  // placeholders: {reference} {days}
};

// One code of the codebook (IFRC Type -> Category -> Code): what officers tag a case with.
struct feedback_code {
    std::string id;  // "doc_cpp_delay"
    localized_text name;
};

struct category {
    std::string id;    // "documentation"
    std::string type;  // a case_type id
    localized_text name;
    bool sensitive = false;  // SEA, GBV, fraud, child protection, threat to life
    // Sensitive categories: hours within which the focal point must refer the case (commonly 24
    // for SEA); past it the alert escalates to the backup focal point.
    int deadline_hours = 24;
    std::vector<feedback_code> codes;  // the codes officers may give cases of this category
};

// A protection focal point, alerted (reference, category code and deadline only) about the
// sensitive cases of an organisation. Staff numbers, not those of affected people.
struct focal_point {
    std::string name;     // "Ana (PSEA focal point)"
    std::string channel;  // a channel id to reach them on
    std::string address;  // E.164 number (or WhatsApp id) on that channel
    language_code language;
    bool backup = false;  // alerted only when a case passes its deadline unacknowledged
};

// A CBO, agency or partner: cases belong to one, referrals go to one, tokens name one.
struct organisation {
    std::string id;  // "hias_peru"
    localized_text name;
    std::vector<focal_point> focal_points;
};

// Recognising and handling sensitive complaints (DOMAIN.md "Sensitive feedback").
struct sensitive_settings {
    // Words or phrases that flag a case sensitive whatever category was chosen, per language,
    // matched on folded text (no case, no accents) as whole words or phrases.
    std::map<language_code, std::vector<std::string>> keywords;
    std::map<language_code, std::vector<std::string>> folded;  // filled at load
    // The immediate safe answer (hotline, where to go now), sent at safety priority.
    localized_text safe_reply;
    int reminder_hours = 4;  // focal points are reminded this often until the case is acknowledged
    // The alert text, placeholders {reference} {code} {deadline}; nothing of the complaint.
    localized_text alert;
};

// The question asked when a case is closed; not asked when `question` is empty.
struct satisfaction_settings {
    localized_text question;  // placeholder {reference}: "…case {reference}… Reply 1 to 5"
    localized_text thanks;
};

}  // namespace cwc::config
