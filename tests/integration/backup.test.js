'use strict';
// Backups as an operator makes them: `cwc-gateway backup` while a burst of signed webhooks flows
// (the gateway goes on acknowledging during the copy), the copy 0600; `restore` refused while a
// gateway holds the database and for a copy whose audit chain was tampered with; restored into a
// fresh path, the gateway starts on it with every message acknowledged before the backup began,
// `audit verify` passes, and a second restore keeps the file it replaces aside.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const TOTAL = 400;
const CONCURRENCY = 8;
const BACKUP_AFTER = 120; // acknowledged messages before the backup starts

let fake;
let gw;
let OUR;
let backup_file;
let acked_before; // sids acknowledged before the backup command was started
let acked_during = 0;
let backup_run;

const cli = (args, timeout_ms = 20000) => h.run_command(args, { timeout_ms });
const keys_beside = (from_db, to_db) => {
  for (const suffix of ['.pseudonym-key', '.audit-key', '.address-key']) {
    if (!fs.existsSync(from_db + suffix)) continue;
    fs.copyFileSync(from_db + suffix, to_db + suffix);
    fs.chmodSync(to_db + suffix, 0o600);
  }
};

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake, dir: h.make_tmpdir('backup') });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
  backup_file = path.join(gw.dir, 'backups', 'gw-1.db');
  fs.mkdirSync(path.dirname(backup_file));

  const acked = [];
  let next = 0;
  let backup_started = null;
  let backup_ended = null;
  const worker = async () => {
    while (next < TOTAL) {
      const i = next++;
      const r = await fake.inbound({ from: `+5197${String(i).padStart(7, '0')}`, to: OUR, body: 'Hola', timeout_ms: 30000 });
      assert.equal(r.status, 200, `webhook ${i} answered ${r.status}`);
      acked.push(r.sid);
      if (backup_started !== null && backup_ended === null) acked_during++;
      if (acked.length === BACKUP_AFTER && backup_started === null) {
        acked_before = new Set(acked);
        backup_started = Date.now();
        backup_run = cli(['backup', '--config', gw.config, '--db', gw.db_file, '--to', backup_file])
          .then((res) => { backup_ended = Date.now(); return res; });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  backup_run = await backup_run;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('backup during a burst: a 0600 copy, pages/bytes/seconds printed, the gateway kept acknowledging', (t) => {
  assert.equal(backup_run.code, 0, backup_run.stderr);
  const figures = Object.fromEntries(backup_run.stdout.split('\n').filter((l) => l.includes(': '))
    .map((l) => l.split(': ')));
  assert.ok(Number(figures.pages) > 10, backup_run.stdout);
  assert.equal(Number(figures.bytes), fs.statSync(backup_file).size);
  assert.ok(Number(figures.seconds) >= 0);
  assert.equal(fs.statSync(backup_file).mode & 0o777, 0o600);
  assert.ok(acked_during > 0, 'no webhook was acknowledged while the backup ran');
  t.diagnostic(`${figures.pages} pages, ${figures.bytes} bytes in ${figures.seconds} s; ${acked_during} webhooks acknowledged meanwhile`);
  assert.ok(gw.alive());
  // The copy holds the first messages and, being a snapshot, not the last ones.
  const copy = h.open_db(backup_file);
  assert.ok(copy.count('select count(*) from inbound_messages') >= BACKUP_AFTER);
  assert.ok(copy.count('select count(*) from inbound_messages') < TOTAL);
});

test('backup never overwrites a file', async () => {
  const before_bytes = fs.readFileSync(backup_file);
  const r = await cli(['backup', '--config', gw.config, '--db', gw.db_file, '--to', backup_file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists/);
  assert.deepEqual(fs.readFileSync(backup_file), before_bytes);
});

test('restore is refused while a gateway holds the database; the live file is untouched', async () => {
  const rows = gw.db.count('select count(*) from inbound_messages');
  const r = await cli(['restore', '--config', gw.config, '--db', gw.db_file, '--from', backup_file]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /a gateway is running on .* \(pid \d+\); stop it first/);
  assert.ok(gw.alive());
  assert.equal(gw.db.count('select count(*) from inbound_messages'), rows);
  assert.deepEqual(fs.readdirSync(gw.dir).filter((f) => f.includes('before-restore')), []);
});

test('a second gateway on the same database is refused', async () => {
  const r = await cli(['serve', '--config', gw.config, '--db', gw.db_file, '--listen', '127.0.0.1:0',
    '--officers-listen', '']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /another gateway \(pid \d+\) is running/);
});

test('a tampered backup is refused (audit chain), the target left as it was', async () => {
  const dir = h.make_tmpdir('backup-tampered');
  const tampered = path.join(dir, 'tampered.db');
  fs.copyFileSync(backup_file, tampered);
  execFileSync('sqlite3', [tampered, "update inbound_messages set text = 'otra cosa' where id = 3"]);
  const target = path.join(dir, 'gw.db');
  keys_beside(gw.db_file, target);
  const r = await cli(['restore', '--config', gw.config, '--db', target, '--from', tampered]);
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stderr, /is not restored:\n\s+audit: /);
  assert.equal(fs.existsSync(target), false);
});

test('restore into a fresh path, serve on it: every message acknowledged before the backup is there, audit verify passes', async () => {
  const dir = h.make_tmpdir('backup-restored');
  const target = path.join(dir, 'gw.db');
  // The keys come back from where they are kept apart from the database.
  keys_beside(gw.db_file, target);
  const r = await cli(['restore', '--config', gw.config, '--db', target, '--from', backup_file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /integrity and audit chain checked/);
  assert.equal(fs.statSync(target).mode & 0o777, 0o600);

  const verify = await cli(['audit', 'verify', '--config', gw.config, '--db', target]);
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  assert.match(verify.stdout, /audit chain intact/);

  const restored = await h.start_gateway({ fake, dir, config: gw.config, db_file: target });
  try {
    const stored = new Set(restored.db.query('select provider_message_id as sid from inbound_messages').map((x) => x.sid));
    const missing = [...acked_before].filter((sid) => !stored.has(sid));
    assert.deepEqual(missing, [], `${missing.length} of ${acked_before.size} acknowledged messages missing`);
    // It serves: a new person gets the menu from the restored gateway.
    const newcomer = await h.person(restored, fake, '+51970000999', OUR).say('Hola');
    assert.equal(newcomer.status, 200);
    assert.ok(newcomer.replies.length > 0);
    const again = await cli(['restore', '--config', gw.config, '--db', target, '--from', backup_file]);
    assert.equal(again.code, 1);
  } finally {
    await restored.close();
  }

  // Stopped, a second restore replaces it and keeps the replaced file (with the newcomer) aside.
  const second = await cli(['restore', '--config', gw.config, '--db', target, '--from', backup_file]);
  assert.equal(second.code, 0, second.stderr);
  const aside = fs.readdirSync(dir).filter((f) => /^gw\.db\.before-restore-\d{8}T\d{6}Z$/.test(f));
  assert.equal(aside.length, 1, fs.readdirSync(dir).join(' '));
  assert.match(second.stdout, /previous database is kept at/);
  assert.equal(h.open_db(path.join(dir, aside[0])).count("select count(*) from contacts"),
    h.open_db(target).count('select count(*) from contacts') + 1);
});
