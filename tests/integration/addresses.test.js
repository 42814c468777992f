'use strict';
// Numbers encrypted at rest, over real HTTP: people text the gateway through the fake Twilio and
// get their replies (the dispatcher opens the sealed addresses), yet the raw bytes of the database
// and its WAL hold none of their numbers in any form, so a copy of the file with the pseudonym key
// is not enough to read them. After a restart the same people are found again (blind index);
// rows a version before encryption left in plain are sealed at the next start.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const NUMBERS = ['+51987001122', '+51944556677', '+51911002233'];
const LEGACY = '+51955443322';
let fake;
let gw;
let OUR;

const forms = (n) => [n, n.slice(1), n.slice(3)];
// The columns as stored (the harness's view opens sealed values).
const stored = (sql) => JSON.parse(execFileSync('sqlite3', ['-readonly', '-json', gw.db_file, sql], { encoding: 'utf8' }) || '[]');
function numbers_on_disk(numbers) {
  const bytes = Buffer.concat([gw.db_file, `${gw.db_file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
  return numbers.flatMap(forms).filter((needle) => bytes.includes(Buffer.from(needle)));
}

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake, dir: h.make_tmpdir('addresses') });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('people are answered at their numbers, and neither the file nor its WAL holds one', async () => {
  for (const n of NUMBERS) {
    const r = await h.person(gw, fake, n, OUR).say('Hola');
    assert.equal(r.status, 200);
    assert.ok(r.replies.length > 0);
    assert.ok(fake.sent.some((m) => m.to === n), `a reply reached ${n}`);
  }
  assert.deepEqual(numbers_on_disk(NUMBERS), []);
  for (const c of stored('select address, address_index from contacts')) {
    assert.match(c.address, /^a1:[0-9a-f]+$/);
    assert.match(c.address_index, /^[0-9a-f]{64}$/);
  }
  for (const o of stored('select to_address from outbox')) assert.match(o.to_address, /^a1:[0-9a-f]+$/);
});

test('after a restart the same people are found again, not created twice', async () => {
  const before_restart = gw.db.count('select count(*) from contacts');
  await gw.restart();
  const r = await h.person(gw, fake, NUMBERS[0], OUR).say('Hola');
  assert.equal(r.status, 200);
  assert.equal(gw.db.count('select count(*) from contacts'), before_restart);
  assert.deepEqual(numbers_on_disk(NUMBERS), []);
});

test('rows left in plain by an older version are sealed at the next start, and still work', async () => {
  await gw.stop();
  execFileSync('sqlite3', [gw.db_file, `
    INSERT INTO contacts (address, pseudonym, state_json, created_at) VALUES ('${LEGACY}', 'p_legacy', '{}', 1);
    INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, segments, status, attempts, created_at, next_attempt_at, updated_at)
      VALUES (last_insert_rowid(), 'sms', '${LEGACY}', 'Aviso pendiente', 2, 1, 1, 'queued', 0, 1, 1, 1);`]);
  await gw.restart();
  await h.wait_for(() => fake.sent.find((m) => m.to === LEGACY && m.body === 'Aviso pendiente'), 10000, 'the queued row sent to its number');
  const r = await h.person(gw, fake, LEGACY, OUR).say('Hola');
  assert.equal(r.status, 200);
  assert.equal(gw.db.count(`select count(*) from contacts where pseudonym = 'p_legacy'`), 1, 'found as the same contact');
  assert.deepEqual(numbers_on_disk([...NUMBERS, LEGACY]), []);
});
