// The schema migrations of the SQLite store (messages/sqlite_migrations.hpp), 1–10: the message
// store, outbox, media and case workflow; and the whole list in order (11 onwards live in
// sqlite_migrations_later.cpp, where new ones are appended).
#include "messages/sqlite_migrations.hpp"

#include <array>
#include <vector>

namespace cwc::messages::sqlite {
namespace {

constexpr std::array migrations{
    migration{1, R"sql(
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  address TEXT UNIQUE NOT NULL,
  pseudonym TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  notice_given INTEGER NOT NULL DEFAULT 0,
  opted_out INTEGER NOT NULL DEFAULT 0,
  state_json TEXT NOT NULL DEFAULT '{}',
  last_inbound_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX contacts_pseudonym ON contacts(pseudonym);

CREATE TABLE inbound_messages (
  id INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL,
  provider_message_id TEXT NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('handled', 'failed')),
  UNIQUE (channel_id, provider_message_id)
);
CREATE INDEX inbound_messages_contact ON inbound_messages(contact_id);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  channel_id TEXT NOT NULL,
  to_address TEXT NOT NULL,
  text TEXT NOT NULL,
  priority INTEGER NOT NULL,
  solicited INTEGER NOT NULL,
  inbound_id INTEGER NOT NULL DEFAULT 0,
  segments INTEGER NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  provider_message_id TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_claim ON outbox(status, priority, next_attempt_at);
CREATE INDEX outbox_provider ON outbox(channel_id, provider_message_id);
CREATE INDEX outbox_contact ON outbox(contact_id);

CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  reference TEXT UNIQUE NOT NULL,
  contact_id INTEGER NOT NULL,
  inbound_id INTEGER NOT NULL DEFAULT 0,
  channel_id TEXT NOT NULL,
  type TEXT NOT NULL,
  category TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL
);
CREATE INDEX cases_contact ON cases(contact_id);
CREATE INDEX cases_status_due ON cases(status, due_at);

CREATE TABLE case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL REFERENCES cases(id),
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  from_status TEXT NOT NULL,
  to_status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id);

-- AUTOINCREMENT: a sequence number is never reused, even after the last row is deleted.
CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

-- Scratch table for probe_writable: rows are always rolled back.
CREATE TABLE health_probe (id INTEGER PRIMARY KEY, at INTEGER NOT NULL);
)sql"},
    migration{2, R"sql(
-- Authenticated webhooks that could not be parsed, kept raw for an operator.
CREATE TABLE quarantine (
  id INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  reason TEXT NOT NULL,
  body TEXT NOT NULL
);
)sql"},
    migration{3, R"sql(
-- Pending messages per contact, in order: a message waits for the earlier ones to its contact.
CREATE INDEX outbox_pending_contact ON outbox(contact_id, id) WHERE status IN ('queued', 'sending');
-- The next due time without a scan of every queued row (next_due stops at the first one).
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
)sql"},
    migration{4, R"sql(
-- A send whose outcome a crash left unknown is status 'unknown' until its status callback
-- resolves it or its reconcile time (next_attempt_at) passes; it is then sent again and counted
-- here as a possible duplicate.
ALTER TABLE outbox ADD COLUMN possible_duplicate INTEGER NOT NULL DEFAULT 0;
-- Failed after the last attempt (status 'failed'): an operator may queue it again.
ALTER TABLE outbox ADD COLUMN dead_letter INTEGER NOT NULL DEFAULT 0;
-- An unknown message still holds back the later ones to the same person.
DROP INDEX outbox_pending_contact;
CREATE INDEX outbox_pending_contact ON outbox(contact_id, id)
  WHERE status IN ('queued', 'sending', 'unknown');
CREATE INDEX outbox_dead_letters ON outbox(channel_id) WHERE dead_letter = 1;
CREATE INDEX outbox_unknown ON outbox(next_attempt_at) WHERE status = 'unknown';
CREATE INDEX outbox_possible_duplicates ON outbox(channel_id) WHERE possible_duplicate = 1;
-- Each channel claims its own due rows (a full channel must not take the claims of an idle one).
DROP INDEX outbox_claim;
DROP INDEX outbox_due;
CREATE INDEX outbox_claim ON outbox(channel_id, status, priority, next_attempt_at);
CREATE INDEX outbox_due ON outbox(channel_id, status, next_attempt_at);
)sql"},
    migration{5, R"sql(
-- What a message carried besides its text. Profile names are not kept: nothing needs them.
ALTER TABLE inbound_messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
ALTER TABLE inbound_messages ADD COLUMN location_json TEXT;
-- Photos, voice notes and documents, fetched after the acknowledgement (provider ids expire).
CREATE TABLE media (
  id INTEGER PRIMARY KEY,
  inbound_id INTEGER NOT NULL REFERENCES inbound_messages(id),
  kind TEXT NOT NULL,
  provider_media_id TEXT NOT NULL DEFAULT '',
  url TEXT NOT NULL DEFAULT '',
  mime_type TEXT NOT NULL DEFAULT '',
  caption TEXT NOT NULL DEFAULT '',
  filename TEXT NOT NULL DEFAULT '',
  sha256 TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'stored', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  error TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER,
  content BLOB,
  created_at INTEGER NOT NULL
);
CREATE INDEX media_inbound ON media(inbound_id);
CREATE INDEX media_pending ON media(next_attempt_at) WHERE status = 'pending';
-- Parts of concatenated SMS the provider did not reassemble (Vonage). Kept after assembly so a
-- provider retry of any part (same provider id) is recognised; references are reused by phones,
-- so only parts not yet assembled are grouped.
CREATE TABLE message_parts (
  id INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  reference TEXT NOT NULL,
  part INTEGER NOT NULL,
  total INTEGER NOT NULL,
  provider_message_id TEXT NOT NULL,
  text TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  assembled INTEGER NOT NULL DEFAULT 0,
  UNIQUE (channel_id, provider_message_id)
);
CREATE INDEX message_parts_open ON message_parts(channel_id, sender, reference) WHERE assembled = 0;
)sql"},
    migration{6, R"sql(
-- The numbered options a reply ends with, as JSON, for channels that show buttons or lists
-- ('' = plain text); and what the provider needs echoed on a reply (Africa's Talking linkId).
ALTER TABLE outbox ADD COLUMN menu_json TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN reply_token TEXT NOT NULL DEFAULT '';
)sql"},
    migration{7, R"sql(
-- WhatsApp's customer-service window: a re-engagement template queued in place of free-form
-- text (name and language code at Meta; '' = an ordinary message). A message that may not go
-- while the window is closed is status 'held' until the person writes on that channel again.
ALTER TABLE outbox ADD COLUMN template_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN template_language TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_held ON outbox(contact_id, channel_id) WHERE status = 'held';
-- The person's last message on a channel opens the window: found per contact and channel.
CREATE INDEX inbound_messages_contact_channel ON inbound_messages(contact_id, channel_id, received_at);
)sql"},
    migration{8, R"sql(
-- The AAP case workflow: ownership, coding, optional demographics, the officer handling it,
-- referral, and the times of each promise kept (epoch 0 = not yet). Codes are a comma list of
-- codebook ids (ids are slugs, so they hold no comma).
ALTER TABLE cases ADD COLUMN organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN codes TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN age_group TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN assigned_to TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referred_organisation TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN referred_service TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN contact_shared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN acknowledge_due_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN acknowledged_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN responded_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN closed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN satisfaction INTEGER NOT NULL DEFAULT 0;
-- Officers' lists: one organisation's cases, newest first, sensitive ones apart.
CREATE INDEX cases_organisation ON cases(organisation, sensitive, id);
ALTER TABLE case_events ADD COLUMN action TEXT NOT NULL DEFAULT 'status';

-- One row per sensitive case until a focal point acknowledges it.
CREATE TABLE sensitive_alerts (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id),
  reference TEXT NOT NULL,
  organisation TEXT NOT NULL,
  category TEXT NOT NULL,
  deadline_at INTEGER NOT NULL,
  next_alert_at INTEGER NOT NULL,
  alerts_sent INTEGER NOT NULL DEFAULT 0,
  escalated INTEGER NOT NULL DEFAULT 0,
  settled INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sensitive_alerts_due ON sensitive_alerts(next_alert_at) WHERE settled = 0;

-- Every directory service a person was pointed to (no text, no number: the contact id).
CREATE TABLE service_referrals (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  service_id TEXT NOT NULL,
  organisation TEXT NOT NULL,
  sector TEXT NOT NULL,
  region TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  channel_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX service_referrals_at ON service_referrals(at);
)sql"},
    migration{9, R"sql(
-- Officers' API tokens: only the SHA-256 of the secret is kept (the secret is shown once).
-- Times are epoch ms; revoked_at / last_used_at 0 = not yet. Rows are never deleted.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  secret_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  organisation TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0,
  last_used_at INTEGER NOT NULL DEFAULT 0
);
)sql"},
    migration{10, R"sql(
-- Reports: the reopen rate finds reopened cases without reading every event (a million cases
-- have a few million events; a handful are reopenings).
CREATE INDEX case_events_reopened ON case_events(case_id)
  WHERE action = 'status' AND to_status = 'reopened';
)sql"},
};

}  // namespace

std::span<const migration> workflow_migrations() { return migrations; }

std::span<const migration> schema_migrations() {
    static const std::vector<migration> all = [] {
        std::vector<migration> v(workflow_migrations().begin(), workflow_migrations().end());
        v.insert(v.end(), later_migrations().begin(), later_migrations().end());
        return v;
    }();
    return all;
}

}  // namespace cwc::messages::sqlite
