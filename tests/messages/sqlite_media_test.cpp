// SQLite media rows on a real file: claims (due order, attempts, the reclaim time that covers a
// crash mid-download), bytes kept exactly as a blob with size, type and digest, retries that are
// not due before their time, failures for good, and results that arrive for rows already settled.
#include "messages/sqlite_store.hpp"
#include "tests/messages/temp_db.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace cwc::messages;
using cwc::messages::testing::raw_db;
using cwc::messages::testing::temp_db;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

const timestamp t0 = from_unix_ms(1'700'000'000'000);

struct media_fixture {
    temp_db file;
    sqlite_store s{file.path(), "key"};
    int messages = 0;

    // A stored inbound message on `channel` carrying `attachments`, as the pipeline keeps it.
    std::int64_t inbound_with(std::vector<media_attachment> attachments, std::string channel = "sms",
                              timestamp at = t0) {
        const auto c = s.find_or_create_contact("+51987654321", t0);
        inbound_message m;
        m.channel_id = std::move(channel);
        m.provider_message_id = "MM" + std::to_string(++messages);
        m.from = c.address;
        m.received_at = at;
        m.kind = "media";
        m.media = attachments;
        const auto id = s.insert_inbound(m, c.id, inbound_outcome::handled);
        for (const auto& a : attachments) s.insert_media(id, a, at);
        return id;
    }
    std::string column(std::int64_t media_id, const std::string& expr) {
        raw_db raw{file.path()};
        return raw.text("SELECT " + expr + " FROM media WHERE id = " + std::to_string(media_id));
    }
};

media_attachment voice_note(std::string url = "https://api.twilio.com/x/Media/ME1") {
    return {"audio", "", std::move(url), "audio/ogg", "", "", ""};
}

media_attachment whatsapp_image(std::string id) {
    return {"image", std::move(id), "", "image/jpeg", "the leak", "leak.jpg", "abc"};
}

media_result stored(std::string bytes, std::string type) {
    media_result r;
    r.kind = media_result::outcome::stored;
    r.content = std::move(bytes);
    r.mime_type = std::move(type);
    return r;
}

media_result retry_at(timestamp when, std::string why) {
    media_result r;
    r.kind = media_result::outcome::retry;
    r.retry_at = when;
    r.error = std::move(why);
    return r;
}

media_result failed(std::string why) {
    media_result r;
    r.kind = media_result::outcome::failed;
    r.error = std::move(why);
    return r;
}

}  // namespace

TEST_CASE("claim_due_media hands out pending rows oldest first, with their channel and attempts") {
    media_fixture f;
    const auto later = f.inbound_with({voice_note("https://api.twilio.com/late")}, "sms",
                                      t0 + milliseconds{50});
    const auto first = f.inbound_with({whatsapp_image("1234"), voice_note()}, "whatsapp", t0);
    const auto reclaim = t0 + seconds{120};

    // Nothing is due before it was received.
    CHECK(f.s.claim_due_media(t0 - milliseconds{1}, 10, reclaim).empty());

    auto jobs = f.s.claim_due_media(t0 + milliseconds{10}, 10, reclaim);
    REQUIRE(jobs.size() == 2);
    CHECK(jobs[0].inbound_id == first);
    CHECK(jobs[0].channel_id == "whatsapp");
    CHECK(jobs[0].attachment.kind == "image");
    CHECK(jobs[0].attachment.provider_media_id == "1234");
    CHECK(jobs[0].attachment.mime_type == "image/jpeg");
    CHECK(jobs[0].attachment.caption == "the leak");
    CHECK(jobs[0].attachment.filename == "leak.jpg");
    CHECK(jobs[0].attachment.sha256 == "abc");
    CHECK(jobs[0].attempts == 1);
    CHECK(jobs[1].attachment.url == "https://api.twilio.com/x/Media/ME1");
    CHECK(jobs[1].id > jobs[0].id);

    // Claimed rows wait for their result; the later message's row is due now.
    jobs = f.s.claim_due_media(t0 + seconds{60}, 10, reclaim + seconds{60});
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].inbound_id == later);
    CHECK(f.s.claim_due_media(t0 + seconds{60}, 10, reclaim).empty());

    // A download a crash interrupted (no result recorded) is handed out again at reclaim time.
    jobs = f.s.claim_due_media(reclaim, 1, reclaim + seconds{120});
    REQUIRE(jobs.size() == 1);
    CHECK(jobs[0].inbound_id == first);
    CHECK(jobs[0].attempts == 2);
    CHECK(f.column(jobs[0].id, "attempts") == "2");
}

TEST_CASE("a stored download keeps the exact bytes as a blob, with size, type and digest") {
    media_fixture f;
    f.inbound_with({voice_note()});
    const auto jobs = f.s.claim_due_media(t0, 10, t0 + seconds{120});
    REQUIRE(jobs.size() == 1);
    const std::string bytes{"Og\0gS\xff\x00\x01voice", 12};
    f.s.record_media_result(jobs[0].id, stored(bytes, "audio/ogg"), t0 + seconds{1});

    CHECK(f.column(jobs[0].id, "status") == "stored");
    CHECK(f.column(jobs[0].id, "typeof(content)") == "blob");
    CHECK(f.column(jobs[0].id, "length(content)") == "12");
    CHECK(f.column(jobs[0].id, "hex(content)") == "4F67006753FF0001766F6963");
    CHECK(f.column(jobs[0].id, "size_bytes") == "12");
    CHECK(f.column(jobs[0].id, "mime_type") == "audio/ogg");
    CHECK(f.column(jobs[0].id, "sha256") == sha256_hex(bytes));
    CHECK(f.column(jobs[0].id, "error") == "");
    CHECK(f.s.claim_due_media(t0 + seconds{600}, 10, t0 + seconds{700}).empty());

    // A late result of the same row (reclaimed meanwhile) changes nothing.
    f.s.record_media_result(jobs[0].id, failed("http_500"), t0 + seconds{2});
    CHECK(f.column(jobs[0].id, "status") == "stored");
    CHECK(f.column(jobs[0].id, "length(content)") == "12");
}

TEST_CASE("a retry is not due before its time and keeps its reason; a failure is final") {
    media_fixture f;
    f.inbound_with({voice_note(), whatsapp_image("99")});
    auto jobs = f.s.claim_due_media(t0, 10, t0 + seconds{120});
    REQUIRE(jobs.size() == 2);
    f.s.record_media_result(jobs[0].id, retry_at(t0 + seconds{5}, "http_500"), t0);
    f.s.record_media_result(jobs[1].id, failed("expired"), t0);

    CHECK(f.column(jobs[0].id, "status") == "pending");
    CHECK(f.column(jobs[0].id, "error") == "http_500");
    CHECK(f.column(jobs[0].id, "next_attempt_at") == std::to_string(to_unix_ms(t0 + seconds{5})));
    CHECK(f.column(jobs[1].id, "status") == "failed");
    CHECK(f.column(jobs[1].id, "error") == "expired");
    CHECK(f.column(jobs[1].id, "content IS NULL") == "1");

    CHECK(f.s.claim_due_media(t0 + seconds{4}, 10, t0 + seconds{120}).empty());
    jobs = f.s.claim_due_media(t0 + seconds{5}, 10, t0 + seconds{120});
    REQUIRE(jobs.size() == 1);  // the failed one never comes back
    CHECK(jobs[0].attempts == 2);
    CHECK(jobs[0].attachment.kind == "audio");
    f.s.record_media_result(jobs[0].id, stored("ok", "audio/ogg"), t0 + seconds{6});
    CHECK(f.column(jobs[0].id, "status") == "stored");
    CHECK(f.column(jobs[0].id, "error") == "");
}
