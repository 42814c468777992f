// The WhatsApp Cloud API notification (PROVIDERS.md §2.2) read into our domain: every entry,
// change, message and status of one POST. Pure: the signature is checked before this runs, and
// nothing here logs, so no number, name or text can leak from it.
#pragma once

#include "gateway/provider.hpp"
#include "messages/message.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace cwc::gateway {

// Which of our channels a notification is read for.
struct whatsapp_channel_view {
    std::string_view channel_id;       // our channel id, copied into each message
    std::string_view phone_number_id;  // Meta's id of our number: other numbers are skipped
    std::string_view address;          // our number (E.164), the messages' `to`
};

struct whatsapp_notification {
    // false: authenticated but not a notification we can read (not JSON, wrong shape); the raw
    // body is quarantined with `reason`.
    bool usable = true;
    std::string reason;
    std::vector<messages::inbound_message> messages;  // one per wamid, in payload order
    std::vector<status_update> statuses;
    // Parts deliberately left out, for the log (ids and kinds only, no content):
    // "reaction", "system:user_changed_number", "object:page", "phone_number_id", ….
    std::vector<std::string> skipped;
};

// Reads a notification body (already authenticated). Messages get `now` as their received_at.
// Message kinds: text; interactive (button_reply, list_reply, template quick-reply `button`:
// choice_id = the reply id or payload, text = its title); media (image, video, audio, voice,
// document, sticker: text = caption); location; unsupported (anything else a person sent, with an
// empty text so they can be told what we read). Reactions and system events are skipped.
whatsapp_notification read_whatsapp_notification(std::string_view body,
                                                 const whatsapp_channel_view& channel,
                                                 messages::timestamp now);

}  // namespace cwc::gateway
