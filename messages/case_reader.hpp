// The officers' read side: lists, case pages and conversations, on a connection of its own so
// long reads never hold up the writer thread (SQLite WAL readers see the last commit). Scoping
// by role is the caller's job through case_query (messages/officer.hpp builds it); this
// interface only filters.
#pragma once

#include "messages/case_record.hpp"
#include "messages/time.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cwc::messages {

enum class sensitivity { exclude, include, only };

struct case_query {
    std::string organisation;  // "" = every organisation
    sensitivity sensitive = sensitivity::exclude;
    std::string type, category, status, region, language, channel;  // "" = any
    std::optional<timestamp> opened_from, opened_to;  // opened_at in [from, to)
    bool overdue_only = false;  // needs `now`
    timestamp now{};
    std::size_t limit = 50;
    std::int64_t before_id = 0;  // keyset paging, newest first: ids below this (0 = from the top)
    std::int64_t contact_id = 0;  // one person's cases (0 = everyone's)
};

// A list row: the case with its pseudonymous contact key and whether it is overdue now.
struct case_row {
    case_record record;        // description included: the caller decides what to show
    std::string contact_key;   // the contact's pseudonym, never the number
    bool overdue = false;
};

// One message of a person's conversation, either way, across channels.
struct conversation_entry {
    timestamp at{};
    bool inbound = true;
    std::string channel_id;
    std::string kind;    // inbound: text, media, location, interactive, unsupported; outbound: text
    std::string text;
    std::string status;  // outbound delivery status ("queued", "sent", "delivered", …); inbound ""
    std::int64_t id = 0; // inbound_messages.id or outbox.id
    std::vector<std::int64_t> media_ids;  // inbound attachments (media table ids)
    std::int64_t in_reply_to = 0;  // outbound: the inbound message it answers (0 = none)
};

// An attachment with what decides who may read it: the message it came with and its person.
struct media_item {
    std::int64_t id = 0;
    std::int64_t inbound_id = 0;
    std::int64_t contact_id = 0;
    std::string message_kind;  // the inbound message's kind and text (conversation_entry's)
    std::string message_text;
    std::string status;        // pending, stored, failed
    std::string mime_type;
    std::string content;       // stored: the bytes
};

class case_reader {
  public:
    virtual ~case_reader() = default;
    virtual std::vector<case_row> list_cases(const case_query& q) = 0;
    virtual std::optional<case_row> read_case(std::string_view reference, timestamp now) = 0;
    virtual std::vector<case_event> case_events(std::int64_t case_id) = 0;
    // The person's messages both ways, oldest first, at most `limit` of the most recent.
    virtual std::vector<conversation_entry> conversation(std::int64_t contact_id,
                                                         std::size_t limit) = 0;
    // Sensitive cases matching the query's other filters, counted but never listed: what
    // roles without access see.
    virtual std::size_t count_cases(const case_query& q) = 0;
    // One attachment with its bytes; nothing for an unknown id.
    virtual std::optional<media_item> read_media(std::int64_t media_id) = 0;
};

}  // namespace cwc::messages
