// The schema migrations of the SQLite store (messages/sqlite_migrations.hpp): 1–10 the message
// store, outbox, media and case workflow; 11 onwards broadcasts, signed audit heads, erasure;
// 14 operators' alerts.
#include "messages/sqlite_migrations.hpp"

#include <array>

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
    migration{11, R"sql(
-- Campaign broadcasts (issue 5). Consent first: who asked to hear about what, where broadcasts
-- reach them, and every change (never deleted: the proof that nobody was messaged unasked).
CREATE TABLE subscribers (
  contact_id INTEGER PRIMARY KEY,
  channel_id TEXT NOT NULL,         -- the channel they subscribed on: broadcasts reach them there
  region TEXT NOT NULL DEFAULT '',  -- where they want news for; '' = not said
  updated_at INTEGER NOT NULL
);
CREATE TABLE subscriptions (
  contact_id INTEGER NOT NULL,
  topic TEXT NOT NULL,
  since INTEGER NOT NULL,
  PRIMARY KEY (contact_id, topic)
) WITHOUT ROWID;
CREATE INDEX subscriptions_topic ON subscriptions(topic, contact_id);
CREATE TABLE consent_log (
  id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  action TEXT NOT NULL
    CHECK (action IN ('subscribed', 'unsubscribed', 'region_set', 'opted_out', 'opted_in')),
  topic TEXT NOT NULL DEFAULT '',
  region TEXT NOT NULL DEFAULT '',
  channel_id TEXT NOT NULL,
  source TEXT NOT NULL
);
CREATE INDEX consent_log_contact ON consent_log(contact_id, id);

-- Segment, texts and templates are JSON (messages/broadcast.hpp); times epoch ms, 0 = not yet.
CREATE TABLE broadcasts (
  id INTEGER PRIMARY KEY,
  organisation TEXT NOT NULL,
  name TEXT NOT NULL,
  created_by TEXT NOT NULL,
  segment_json TEXT NOT NULL,
  texts_json TEXT NOT NULL,
  templates_json TEXT NOT NULL DEFAULT '{}',
  answers_code TEXT NOT NULL DEFAULT '',
  scheduled_at INTEGER NOT NULL DEFAULT 0,
  respect_quiet_hours INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL
    CHECK (status IN ('draft', 'sending', 'paused', 'completed', 'cancelled')),
  created_at INTEGER NOT NULL,
  confirmed_at INTEGER NOT NULL DEFAULT 0,
  finished_at INTEGER NOT NULL DEFAULT 0,
  planned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX broadcasts_organisation ON broadcasts(organisation, id);

-- A broadcast's rows are ordinary outbox rows (priority 3) that also know their broadcast;
-- 'paused' and 'cancelled' are statuses only broadcast rows take. The partial index costs
-- nothing to replies (broadcast_id 0).
ALTER TABLE outbox ADD COLUMN broadcast_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN template_parameter TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_broadcast ON outbox(broadcast_id, status) WHERE broadcast_id > 0;
CREATE INDEX outbox_broadcast_contact ON outbox(contact_id, id) WHERE broadcast_id > 0;

-- Messages that answered a broadcast (the person wrote after it reached them).
CREATE TABLE broadcast_replies (
  inbound_id INTEGER PRIMARY KEY,
  broadcast_id INTEGER NOT NULL,
  contact_id INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX broadcast_replies_broadcast ON broadcast_replies(broadcast_id);
)sql"},
    migration{12, R"sql(
-- Signed heads of the audit chain (issue 6): the (seq, hash) of the newest entry when it was
-- signed, signed with the deployment's Ed25519 key (kept outside the database), so an auditor
-- can hold a head that recomputing the chain cannot reproduce. Hex text; signed_at epoch ms.
CREATE TABLE audit_heads (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  signed_at INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
)sql"},
    migration{13, R"sql(
-- Erasure on a person's request and retention (issue 6). The provider ids of an erased person's
-- messages are kept only as a SHA-256 (of channel id, a 0 byte, provider id) for a week, so a
-- late provider retry is recognised and not stored again.
CREATE TABLE tombstones (
  digest TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tombstones_expiry ON tombstones(expires_at);
-- An erasure asked for while a sensitive case of the person is open waits for its closing.
CREATE TABLE held_erasures (
  contact_id INTEGER PRIMARY KEY,
  requested_at INTEGER NOT NULL
);
-- The last reply (the erasure confirmed) goes to the number being erased: its row keeps the
-- address until the send is final, then the trigger erases it and its text (the store
-- checkpoints the WAL once no such row is left, so the bytes leave both files).
ALTER TABLE outbox ADD COLUMN erase_after_send INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_erase_after_send ON outbox(id) WHERE erase_after_send = 1;
CREATE TRIGGER outbox_erase_after_send AFTER UPDATE OF status ON outbox
  WHEN NEW.erase_after_send = 1
   AND NEW.status IN ('sent', 'delivered', 'read', 'failed', 'undelivered', 'cancelled')
BEGIN
  UPDATE outbox SET to_address = 'erased:' || NEW.contact_id, text = '', menu_json = '',
                    erase_after_send = 0
   WHERE id = NEW.id;
END;
)sql"},
    migration{14, R"sql(
-- Operators' alerts (issue 7): one row per condition the admins were told of (its kind, and the
-- channel it concerns or '' for the whole gateway), so a restart neither repeats an alert nor
-- forgets one that holds. Times epoch ms; cleared_at 0 while the condition holds. `figure` is
-- the count (or MB, minutes) the last notice stated.
CREATE TABLE ops_alerts (
  kind TEXT NOT NULL,
  channel_id TEXT NOT NULL,
  began_at INTEGER NOT NULL,
  last_sent_at INTEGER NOT NULL,
  cleared_at INTEGER NOT NULL DEFAULT 0,
  times_sent INTEGER NOT NULL DEFAULT 0,
  figure INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, channel_id)
) WITHOUT ROWID;
)sql"},
    migration{15, R"sql(
-- Contact addresses encrypted at rest (issue 7): contacts.address, outbox.to_address,
-- quarantine.body and message_parts.sender_sealed hold AES-256-GCM ciphertext under the
-- deployment's address key (messages/address_cipher.hpp); lookups go through a blind index,
-- an HMAC under another key derived from the same file. contacts.address_index is NULL for an
-- erased person ('erased:<id>') and for rows written before this version, which the store
-- encrypts at its first start with the key. message_parts.sender holds the blind index.
ALTER TABLE contacts ADD COLUMN address_index TEXT;
CREATE UNIQUE INDEX contacts_address_index ON contacts(address_index);
ALTER TABLE message_parts ADD COLUMN sender_sealed TEXT NOT NULL DEFAULT '';
)sql"},
    migration{16, R"sql(
-- The same pending-per-contact index, its condition written as ORs: an IN list of three made
-- SQLite build a temporary b-tree on every insert into and status change of the outbox (the
-- hottest statements of the store writer). The queries that use it say the same ORs.
DROP INDEX outbox_pending_contact;
CREATE INDEX outbox_pending_contact ON outbox(contact_id, id)
  WHERE status = 'queued' OR status = 'sending' OR status = 'unknown';
-- The erase-after-send trigger's condition likewise (its body unchanged).
DROP TRIGGER outbox_erase_after_send;
CREATE TRIGGER outbox_erase_after_send AFTER UPDATE OF status ON outbox
  WHEN NEW.erase_after_send = 1
   AND (NEW.status = 'sent' OR NEW.status = 'delivered' OR NEW.status = 'read'
        OR NEW.status = 'failed' OR NEW.status = 'undelivered' OR NEW.status = 'cancelled')
BEGIN
  UPDATE outbox SET to_address = 'erased:' || NEW.contact_id, text = '', menu_json = '',
                    erase_after_send = 0
   WHERE id = NEW.id;
END;
)sql"},
    migration{17, R"sql(
-- Operations figures (issue 7): inbound messages whose handling failed, per channel, so GET
-- /metrics counts them without reading every message (the total comes from the unique index).
CREATE INDEX inbound_messages_failed ON inbound_messages(channel_id) WHERE outcome = 'failed';
)sql"},
    migration{18, R"sql(
-- Fewer index entries for every row the store writer queues and every status it moves: a
-- provider's id is looked up only once it has one (queued rows all had ''), and the next due
-- time is read per priority from outbox_claim, which orders the same rows by priority first.
DROP INDEX outbox_provider;
CREATE INDEX outbox_provider ON outbox(channel_id, provider_message_id)
  WHERE provider_message_id <> '';
DROP INDEX outbox_due;
)sql"},
};

}  // namespace

std::span<const migration> schema_migrations() { return migrations; }

}  // namespace cwc::messages::sqlite
