// Attachments waiting for download in the SQLite store: claims for the media fetcher and what
// each attempt came to. A claim pushes the row's next attempt out to `reclaim_at`, so a download
// a crash interrupted is tried again then, without a separate "downloading" state.
#include "messages/sqlite_connection.hpp"
#include "messages/sqlite_store.hpp"

namespace cwc::messages {

std::vector<media_job> sqlite_store::claim_due_media(timestamp now, std::size_t limit,
                                                     timestamp reclaim_at) {
    sqlite::write_scope scope{*db_};
    std::vector<media_job> jobs;
    {
        auto q = db_->prepare(
            "SELECT media.id, media.inbound_id, inbound_messages.channel_id, media.kind, "
            "media.provider_media_id, media.url, media.mime_type, media.caption, media.filename, "
            "media.sha256, media.attempts FROM media "
            "JOIN inbound_messages ON inbound_messages.id = media.inbound_id "
            "WHERE media.status = 'pending' AND media.next_attempt_at <= ?1 "
            "ORDER BY media.next_attempt_at, media.id LIMIT ?2",
            to_unix_ms(now), static_cast<std::int64_t>(limit));
        while (q.step()) {
            media_job j;
            j.id = q.int_at(0);
            j.inbound_id = q.int_at(1);
            j.channel_id = q.text_at(2);
            j.attachment = {q.text_at(3), q.text_at(4), q.text_at(5), q.text_at(6),
                            q.text_at(7), q.text_at(8), q.text_at(9)};
            j.attempts = static_cast<int>(q.int_at(10)) + 1;
            jobs.push_back(std::move(j));
        }
    }
    for (const auto& j : jobs) {
        db_->prepare("UPDATE media SET attempts = ?2, next_attempt_at = ?3 WHERE id = ?1", j.id,
                     j.attempts, to_unix_ms(reclaim_at))
            .run();
    }
    scope.commit();
    return jobs;
}

bool sqlite_store::record_media_result(std::int64_t media_id, const media_result& r,
                                       timestamp now) {
    // Only a pending row moves: a late result of a reclaimed download changes nothing stored.
    switch (r.kind) {
    case media_result::outcome::stored: {
        auto q = db_->prepare(
            "UPDATE media SET status = 'stored', content = ?2, size_bytes = ?3, mime_type = ?4, "
            "sha256 = ?5, error = '', next_attempt_at = ?6 WHERE id = ?1 AND status = 'pending'",
            media_id, std::nullopt, static_cast<std::int64_t>(r.content.size()), r.mime_type,
            sha256_hex(r.content), to_unix_ms(now));
        q.bind_blob(2, r.content);  // bytes, not text: bound apart from the other values
        q.run();
        return db_->changes() > 0;
    }
    case media_result::outcome::retry:
        db_->prepare(
               "UPDATE media SET next_attempt_at = ?2, error = ?3 "
               "WHERE id = ?1 AND status = 'pending'",
               media_id, to_unix_ms(r.retry_at), r.error)
            .run();
        return db_->changes() > 0;
    case media_result::outcome::failed:
        db_->prepare(
               "UPDATE media SET status = 'failed', error = ?2, next_attempt_at = ?3 "
               "WHERE id = ?1 AND status = 'pending'",
               media_id, r.error, to_unix_ms(now))
            .run();
        return db_->changes() > 0;
    }
    return false;
}

}  // namespace cwc::messages
