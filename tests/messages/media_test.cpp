// Checks on downloaded attachments: allowed types, the type kept, the provider's digest in its
// spellings, and the verdict on bytes (size, type, digest). Digests are the FIPS 180-2 "abc"
// vector in hex, base64 and base64url.
#include "messages/media.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;

namespace {
constexpr const char* abc_hex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* abc_b64 = "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=";
constexpr const char* abc_b64url = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";

media_attachment declared(std::string mime, std::string sha = "") {
    media_attachment a;
    a.kind = "audio";
    a.mime_type = std::move(mime);
    a.sha256 = std::move(sha);
    return a;
}
}  // namespace

TEST_CASE("allowed types: images, audio, video and PDF; nothing else") {
    struct row {
        const char* type;
        bool allowed;
    };
    const row rows[] = {
        {"image/jpeg", true},       {"image/webp", true},         {"audio/ogg", true},
        {"audio/amr", true},        {"video/mp4", true},          {"application/pdf", true},
        {"application/zip", false}, {"text/vcard", false},        {"text/html", false},
        {"application/x-msdownload", false},                      {"image/", false},
        {"/pdf", false},            {"audio", false},             {"", false},
        {"application/pdfx", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.type);
        CHECK(allowed_media_type(r.type) == r.allowed);
    }
}

TEST_CASE("bare_media_type drops parameters, spaces and case; the served type wins over the declared") {
    CHECK(bare_media_type("Audio/OGG; codecs=opus") == "audio/ogg");
    CHECK(bare_media_type(" image/jpeg ") == "image/jpeg");
    CHECK(bare_media_type("") == "");
    CHECK(effective_media_type("audio/mpeg", "audio/ogg") == "audio/mpeg");
    CHECK(effective_media_type("", "audio/ogg; codecs=opus") == "audio/ogg");
    CHECK(effective_media_type("application/octet-stream", "image/png") == "image/png");
    CHECK(effective_media_type("binary/octet-stream", "video/mp4") == "video/mp4");
    CHECK(effective_media_type("text/html; charset=utf-8", "image/png") == "text/html");
}

TEST_CASE("the provider's digest matches in hex (any case), base64 and base64url; empty matches all") {
    CHECK(sha256_hex("abc") == abc_hex);
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(digest_matches(abc_hex, "abc"));
    std::string upper = abc_hex;
    for (auto& c : upper) c = static_cast<char>(c >= 'a' && c <= 'f' ? c - 32 : c);
    CHECK(digest_matches(upper, "abc"));
    CHECK(digest_matches(abc_b64, "abc"));
    CHECK(digest_matches(abc_b64url, "abc"));
    CHECK(digest_matches("", "anything"));
    CHECK_FALSE(digest_matches(abc_hex, "abd"));
    CHECK_FALSE(digest_matches(abc_b64, "ab"));
    CHECK_FALSE(digest_matches("not a digest", "abc"));
}

TEST_CASE("accept_download: stored with the type kept, or failed with the reason") {
    struct row {
        const char* what;
        std::string content;
        const char* served;
        media_attachment declared;
        std::size_t max;
        media_result::outcome kind;
        const char* reason_or_type;
    };
    const std::string big(1025, 'x');
    const row rows[] = {
        {"voice note", "abc", "audio/ogg", declared("audio/ogg; codecs=opus", abc_hex), 1024,
         media_result::outcome::stored, "audio/ogg"},
        {"no digest given", "abc", "image/jpeg", declared("image/jpeg"), 1024,
         media_result::outcome::stored, "image/jpeg"},
        {"served as octet-stream", "abc", "application/octet-stream", declared("application/pdf"),
         1024, media_result::outcome::stored, "application/pdf"},
        {"exactly the limit", std::string(1024, 'x'), "video/mp4", declared("video/mp4"), 1024,
         media_result::outcome::stored, "video/mp4"},
        {"over the limit", big, "video/mp4", declared("video/mp4"), 1024,
         media_result::outcome::failed, "too_large"},
        {"empty", "", "image/png", declared("image/png"), 1024, media_result::outcome::failed,
         "empty"},
        {"archive", "abc", "application/zip", declared("application/zip"), 1024,
         media_result::outcome::failed, "type_not_allowed"},
        {"declared image, served html", "abc", "text/html", declared("image/png"), 1024,
         media_result::outcome::failed, "type_not_allowed"},
        {"digest mismatch", "abd", "audio/ogg", declared("audio/ogg", abc_hex), 1024,
         media_result::outcome::failed, "sha256_mismatch"},
    };
    for (const auto& r : rows) {
        CAPTURE(r.what);
        const auto got = accept_download(r.content, r.served, r.declared, r.max);
        REQUIRE(got.kind == r.kind);
        if (r.kind == media_result::outcome::stored) {
            CHECK(got.content == r.content);
            CHECK(got.mime_type == r.reason_or_type);
            CHECK(got.error.empty());
        } else {
            CHECK(got.error == r.reason_or_type);
            CHECK(got.content.empty());
        }
    }
}
