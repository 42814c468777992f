// The schema migrations of the SQLite store from 11 on: broadcasts and consent, signed audit
// heads, erasure and tombstones, operators' alerts, addresses encrypted at rest, and revisions of
// the outbox's indexes. Append the next migration here (messages/sqlite_migrations.hpp).
#include "messages/sqlite_migrations.hpp"

#include <array>

namespace cwc::messages::sqlite {
namespace {

constexpr std::array migrations{
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
    migration{19, R"sql(
-- contacts rebuilt without migration 1's UNIQUE on address: since migration 15 it holds
-- AES-GCM ciphertext under a random nonce, which nothing looks up, and its unique index made
-- every first message insert at a random place in one more b-tree. The blind index
-- (contacts_address_index) is the unique key. A store without an address key (tests,
-- simulate) keeps plain numbers with a NULL address_index; contacts_plain_address finds and
-- keeps unique those, and the 'erased:<id>' rows. The runner turns foreign keys off around
-- a migration (inbound_messages refers to contacts) and checks them before committing.
CREATE TABLE contacts_new (
  id INTEGER PRIMARY KEY,
  address TEXT NOT NULL,
  pseudonym TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT '',
  notice_given INTEGER NOT NULL DEFAULT 0,
  opted_out INTEGER NOT NULL DEFAULT 0,
  state_json TEXT NOT NULL DEFAULT '{}',
  last_inbound_at INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  address_index TEXT
);
INSERT INTO contacts_new (id, address, pseudonym, language, notice_given, opted_out, state_json,
                          last_inbound_at, created_at, address_index)
  SELECT id, address, pseudonym, language, notice_given, opted_out, state_json, last_inbound_at,
         created_at, address_index FROM contacts;
DROP TABLE contacts;
ALTER TABLE contacts_new RENAME TO contacts;
CREATE INDEX contacts_pseudonym ON contacts(pseudonym);
CREATE UNIQUE INDEX contacts_address_index ON contacts(address_index);
CREATE UNIQUE INDEX contacts_plain_address ON contacts(address) WHERE address_index IS NULL;
)sql"},
    migration{20, R"sql(
-- inbound_messages_contact (contact_id) is the first column of inbound_messages_contact_channel
-- (contact_id, channel_id, received_at), which answers the same look-ups: one index entry less
-- for every inbound message.
DROP INDEX inbound_messages_contact;
)sql"},
    migration{21, R"sql(
-- No query looks a contact up by pseudonym (reports and exports read it through the contact's
-- id), and the pseudonym is an HMAC, so its index took every first message to a random page:
-- a fifth of the WAL pages a burst of new contacts wrote.
DROP INDEX contacts_pseudonym;
)sql"},
};

}  // namespace

std::span<const migration> later_migrations() { return migrations; }

}  // namespace cwc::messages::sqlite
