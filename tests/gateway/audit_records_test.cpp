// Record digests beyond messages and cases, written by the gateway's own code paths on a real
// SQLite file: a broadcast (definition, then its confirmation), a rating, a focal-point alert
// (opened, then a round), a WhatsApp re-engagement template and a downloaded attachment. An
// untouched file verifies with each kind counted; an edit of any kind with sqlite3 behind the
// store's back is named by its record; a retention purge of the attachment stays green.
#include "gateway/audit_records.hpp"
#include "gateway/broadcast_desk.hpp"
#include "gateway/case_desk.hpp"
#include "gateway/focal_alerts.hpp"
#include "gateway/whatsapp_window.hpp"
#include "messages/audit_keys.hpp"
#include "messages/audit_verification.hpp"
#include "tests/gateway/complaint_walk.hpp"

#include <doctest/doctest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <sqlite3.h>

using namespace cwc;
using namespace cwc::gateway;
using namespace cwc::gateway::testing;
using namespace std::chrono_literals;

namespace {

namespace net = boost::asio;

std::string problems_of(const messages::audit_verification& v) {
    std::string all;
    for (const auto& p : v.problems) all += p + "\n";
    return all;
}

struct world : pipeline {
    messages::audit_keys keys = messages::derive_audit_keys("audit-records-test-secret");
    int sid = 0;
    std::string rated, sensitive;
    std::int64_t broadcast_id = 0, template_row = 0, media_id = 0;

    world() {
        store.set_record_digest_key(keys.record_digest_key);
        cfg.channels.push_back(whatsapp_channel());
        rate_a_case();
        sensitive = file_complaint(*this, "+51987650002", true, "Me pidieron favores", sid);
        now += 1min;
        store.begin();
        REQUIRE(send_due_focal_alerts(store, cfg, now).alerts == 1);
        store.commit();
        broadcast_id = broadcast();
        template_row = reengagement();
        media_id = attachment();
    }

    messages::officer officer_of(const std::string& reference, messages::role r) {
        return {1, "Lucía", r, store.load_case(reference)->organisation};
    }

    // A complaint closed by an officer, the person's "4" to the satisfaction question.
    void rate_a_case() {
        rated = file_complaint(*this, "+51987650001", false, "No me atendieron", sid);
        REQUIRE(change_status(store, cfg, officer_of(rated, messages::role::aap_officer), rated,
                              "closed", {}, now)
                    .outcome == desk_outcome::done);
        now += 5h;
        send("+51987650001", "4", "SM" + std::to_string(++sid));
        REQUIRE(store.load_case(rated)->satisfaction == 4);
    }

    std::int64_t broadcast() {
        const auto person = store.find_or_create_contact("+51987650003", now);
        store.broadcasts().apply_consent(
            person.id, "sms", {messages::consent_action::subscribed, "health_brigades", "", "menu"}, now);
        const messages::officer rosa{2, "Rosa", messages::role::cbo_broadcaster, "red_cbo"};
        broadcast_draft d;
        d.name = "Brigada";
        d.segment.topics = {"health_brigades"};
        d.texts = {{"es", "Brigada de salud el sábado"}};
        d.respect_quiet_hours = false;
        const auto created = create_broadcast(store, cfg, rosa, d, now);
        REQUIRE(created.outcome == desk_outcome::done);
        messages::broadcast_reader reader(file.path());
        broadcast_steps steps;
        steps.read = [&reader](broadcast_steps::read_work& work) -> net::awaitable<void> {
            work(reader);
            co_return;
        };
        steps.write = [this](broadcast_steps::write_work& work) -> net::awaitable<std::exception_ptr> {
            store.begin();
            work(store);
            store.commit();
            co_return nullptr;
        };
        net::io_context io;
        broadcast_result confirmed;
        net::co_spawn(io, confirm_broadcast(steps, cfg, rosa, created.after->id, now),
                      [&](std::exception_ptr e, broadcast_result r) {
                          if (e) std::rethrow_exception(e);
                          confirmed = std::move(r);
                      });
        io.run();
        REQUIRE(confirmed.outcome == desk_outcome::done);
        REQUIRE(confirmed.after->planned == 1);
        return created.after->id;
    }

    // A WhatsApp answer a day after the person's last message: a template goes in its place.
    std::int64_t reengagement() {
        const auto& wa = cfg.channels.back();
        auto m = make_inbound(wa.id, "wamid.1", "+51987650004", wa.address, "hola", now);
        store.begin();
        process_inbound(store, cfg, wa, m, [this] { return entropy(); });
        store.commit();
        now += 25h;
        const auto c = store.find_or_create_contact("+51987650004", now);
        messages::outbound_message answer;
        answer.contact_id = c.id;
        answer.channel_id = wa.id;
        answer.to = c.address;
        answer.text = "Su caso fue atendido";
        answer.priority = messages::outbound_priority::answer;
        answer.created_at = now;
        answer.next_attempt_at = now;
        store.enqueue(answer);
        channel_runtime rt;
        rt.channel = &wa;
        rt.default_language = cfg.default_language;
        std::vector<window_event> events;
        store.begin();
        auto rows = store.claim_due(wa.id, now, 50, messages::outbound_priority::broadcast);
        screen_claimed(store, *window_rules_for(rt), std::move(rows), now, events);
        store.commit();
        for (const auto& e : events)
            if (e.action == window_action::template_and_hold) return e.template_id;
        FAIL("no re-engagement template was queued");
        return 0;
    }

    // A photo, downloaded and stored as the media fetcher records it.
    std::int64_t attachment() {
        messages::inbound_message m = make_inbound("", "SM-PHOTO", "+51987650005", "", "", now);
        m.kind = "image";
        m.media = {{"image", "", "https://api.twilio.com/photo", "image/jpeg", "", "", ""}};
        deliver(m);
        store.begin();
        auto jobs = store.claim_due_media(now, 1, now + 1min);
        REQUIRE(jobs.size() == 1);
        messages::media_result r;
        r.kind = messages::media_result::outcome::stored;
        r.content = std::string("\xff\xd8\xff\xe0 JFIF la foto del documento", 31);
        r.mime_type = "image/jpeg";
        REQUIRE(store.record_media_result(jobs[0].id, r, now));
        audit_media_stored(store, jobs[0], r, now);
        store.commit();
        return jobs[0].id;
    }

    messages::audit_verification verify() {
        return messages::verify_audit(file.path(), keys.record_digest_key, keys.public_key, {});
    }
    void tamper(const std::string& sql) {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(file.path().c_str(), &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        CHECK(sqlite3_changes(db) == 1);
        sqlite3_close(db);
    }
};

}  // namespace

TEST_CASE("every kind of record the gateway writes verifies, each counted") {
    world w;
    const auto v = w.verify();
    CHECK(problems_of(v) == "");
    CHECK(v.broadcasts == 1);
    CHECK(v.satisfaction == 1);
    CHECK(v.alerts == 1);
    CHECK(v.media == 1);
    CHECK(w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'media.stored' AND "
                  "json_extract(detail, '$.sha256') = (SELECT sha256 FROM media)") == 1);
    // The template row is checked as a re-engagement row, not as a text reply.
    CHECK(w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'outbound.reengagement_queued' "
                  "AND json_extract(detail, '$.digest') IS NOT NULL") == 1);
    // Broadcast rows, the staff alert and the held answer carry no digest of their own.
    CHECK(v.without_digest > 0);
}

TEST_CASE("an edit of any kind of record behind the store's back names the record") {
    struct row {
        const char* what;
        std::string sql;
        std::string named;
    };
    world probe;  // the ids every world gets (the same steps, the same order)
    const auto broadcast = "broadcast:" + std::to_string(probe.broadcast_id);
    const auto media = "media:" + std::to_string(probe.media_id);
    const std::vector<row> rows{
        {"a broadcast's text", "UPDATE broadcasts SET texts_json = replace(texts_json, 'sábado', 'domingo')",
         "record " + broadcast + ": its content does not match"},
        {"a broadcast's confirmation", "UPDATE broadcasts SET planned = planned + 40",
         "record " + broadcast + ": its content does not match"},
        {"a rating", "UPDATE cases SET satisfaction = 5 WHERE satisfaction = 4",
         "record satisfaction:" + probe.rated + ": its content does not match"},
        {"an alert's deadline", "UPDATE sensitive_alerts SET deadline_at = deadline_at + 86400000",
         "record alert:" + probe.sensitive + ": its content does not match"},
        {"an alert's rounds", "UPDATE sensitive_alerts SET alerts_sent = 0",
         "record alert:" + probe.sensitive + ": its content does not match"},
        {"an alert deleted", "DELETE FROM sensitive_alerts",
         "record alert:" + probe.sensitive + ": audited in entry"},
        {"a re-engagement template", "UPDATE outbox SET template_name = 'otra' WHERE id = " +
                                         std::to_string(probe.template_row),
         "record outbound:" + std::to_string(probe.template_row) + ": its content does not match"},
        {"a photo's bytes", "UPDATE media SET content = X'FFD8FFE000' WHERE status = 'stored'",
         "record " + media + ": its content does not match"},
        {"a photo deleted", "DELETE FROM media", "record " + media + ": audited in entry"},
    };
    for (const auto& r : rows) {
        INFO(r.what);
        world w;
        REQUIRE(w.broadcast_id == probe.broadcast_id);
        REQUIRE(w.media_id == probe.media_id);
        w.tamper(r.sql);
        const auto problems = problems_of(w.verify());
        CHECK(problems.find(r.named) != std::string::npos);
    }
}

TEST_CASE("an attachment erased by the retention purge stays green, audited as redacted") {
    world w;
    config::retention_settings retention;
    retention.messages_days = 1;
    w.store.begin();
    const auto n = w.store.erasure().purge_expired(retention, w.now + 72h, 500);
    w.store.commit();
    CHECK(n.media == 1);
    CHECK(w.count("SELECT COUNT(*) FROM audit_log WHERE action = 'record.redacted' AND subject = "
                  "'media:" + std::to_string(w.media_id) + "'") == 1);
    CHECK(w.count("SELECT COUNT(*) FROM media WHERE content IS NOT NULL") == 0);
    const auto v = w.verify();
    CHECK(problems_of(v) == "");
    CHECK(v.media == 0);
    CHECK(v.broadcasts == 1);
    CHECK(v.alerts == 1);
}
