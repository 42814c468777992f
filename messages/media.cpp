// Checks on downloaded attachments. The digest is compared in whichever spelling the provider
// used, so a hex or a base64 SHA-256 from WhatsApp both hold the download to what was sent.
#include "messages/media.hpp"

#include "messages/hex.hpp"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace cwc::messages {
namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string{s};
}

std::array<unsigned char, SHA256_DIGEST_LENGTH> sha256_of(std::string_view bytes) {
    // Fetched from OpenSSL's provider once: SHA256() looks the algorithm up again on every call,
    // and the store writer hashes every audit entry it appends.
    static EVP_MD* const sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    unsigned int length = 0;
    if (sha256 == nullptr ||
        EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, sha256, nullptr) != 1)
        throw std::runtime_error("SHA-256 failed");
    return digest;
}

media_result failed(std::string reason) {
    media_result r;
    r.kind = media_result::outcome::failed;
    r.error = std::move(reason);
    return r;
}

}  // namespace

std::string bare_media_type(std::string_view content_type) {
    std::string out = trimmed(content_type.substr(0, content_type.find(';')));
    std::transform(out.begin(), out.end(), out.begin(), lower);
    return out;
}

bool allowed_media_type(std::string_view bare_type) {
    const auto slash = bare_type.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == bare_type.size()) return false;
    const auto top = bare_type.substr(0, slash);
    return top == "image" || top == "audio" || top == "video" || bare_type == "application/pdf";
}

std::string sha256_hex(std::string_view bytes) {
    const auto digest = sha256_of(bytes);
    return lower_hex(digest);
}

bool digest_matches(std::string_view declared, std::string_view bytes) {
    const std::string given = trimmed(declared);
    if (given.empty()) return true;
    const auto digest = sha256_of(bytes);
    std::string hex = given;
    std::transform(hex.begin(), hex.end(), hex.begin(), lower);
    if (hex == lower_hex(digest)) return true;
    std::array<unsigned char, 4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1> b64{};
    const int n = EVP_EncodeBlock(b64.data(), digest.data(), static_cast<int>(digest.size()));
    const std::string_view standard{reinterpret_cast<const char*>(b64.data()),
                                    static_cast<std::size_t>(n)};
    // base64url without padding spells the same bytes
    std::string url{standard};
    while (!url.empty() && url.back() == '=') url.pop_back();
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    return given == standard || given == url;
}

std::string effective_media_type(std::string_view served_content_type, std::string_view declared) {
    const std::string served = bare_media_type(served_content_type);
    if (!served.empty() && served != "application/octet-stream" &&
        served != "binary/octet-stream")
        return served;
    return bare_media_type(declared);
}

media_result accept_download(std::string content, std::string_view served_content_type,
                             const media_attachment& declared, std::size_t max_bytes) {
    if (content.empty()) return failed("empty");
    if (content.size() > max_bytes) return failed("too_large");
    const std::string type = effective_media_type(served_content_type, declared.mime_type);
    if (!allowed_media_type(type)) return failed("type_not_allowed");
    if (!digest_matches(declared.sha256, content)) return failed("sha256_mismatch");
    media_result r;
    r.kind = media_result::outcome::stored;
    r.content = std::move(content);
    r.mime_type = type;
    return r;
}

}  // namespace cwc::messages
