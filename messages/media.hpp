// Attachments (photos, voice notes, documents) downloaded after the acknowledgement: what a claim
// hands the media fetcher, what one attempt came to, and the checks bytes pass before they are
// kept — size, an allowed type, the provider's digest. Pure: no I/O.
#pragma once

#include "messages/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cwc::messages {

inline constexpr std::size_t default_media_max_bytes = 16 * 1024 * 1024;

// A pending attachment handed to the fetcher, with the channel its message came through.
struct media_job {
    std::int64_t id = 0;
    std::int64_t inbound_id = 0;
    std::string channel_id;
    media_attachment attachment;
    int attempts = 0;  // this claim included
};

// What one download attempt came to.
struct media_result {
    enum class outcome { stored, retry, failed };
    outcome kind = outcome::failed;
    std::string content;    // stored: the bytes
    std::string mime_type;  // stored: the type kept (as served, else as declared), no parameters
    timestamp retry_at{};   // retry
    std::string error;      // retry, failed: a short reason; never a URL, a token or content
};

// "Audio/OGG; codecs=opus" -> "audio/ogg"; "" stays "".
std::string bare_media_type(std::string_view content_type);

// image/*, audio/*, video/* and application/pdf: what people send as evidence or a voice note.
// Anything else (archives, executables, vCards, HTML) is refused.
bool allowed_media_type(std::string_view bare_type);

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// The provider's digest of the file, hex or base64 (both are seen from WhatsApp), against the
// bytes. An empty digest (Twilio gives none) matches anything.
bool digest_matches(std::string_view declared, std::string_view bytes);

// The type the bytes are kept as: the served Content-Type, unless it is missing or a generic
// octet-stream, then the type the provider declared in the webhook.
std::string effective_media_type(std::string_view served_content_type, std::string_view declared);

// Downloaded bytes checked: `stored`, or `failed` with the reason ("empty", "too_large",
// "type_not_allowed", "sha256_mismatch").
media_result accept_download(std::string content, std::string_view served_content_type,
                             const media_attachment& declared, std::size_t max_bytes);

}  // namespace cwc::messages
