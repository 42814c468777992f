'use strict';
// A person's control over their data, over real HTTP through the fake Twilio: a complaint, then
// BORRAR and SI; the confirmation reaches the fake; afterwards the raw bytes of the database file
// and its WAL hold neither their number (in any form) nor their complaint; a provider retry of
// their old MessageSid is not stored again; a person with an open sensitive case is told the
// erasure waits, and it does. Expected wording comes from the config's texts or the built-in ones.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

// The engine's built-in Spanish wording (config/sms_pages.cpp), used when the config sets none.
const BUILT_IN_ES = {
  erasure_yes: 'SI',
  erasure_done: 'Listo: borramos tu número y tus mensajes. Este es nuestro último mensaje.',
  erasure_held: 'Tienes un caso abierto con el equipo de protección: guardamos tus datos hasta cerrarlo. Luego se borran sin que lo pidas de nuevo.',
};

let fake;
let gw;
let cfg;
let T;
let OUR;

const text_es = (key) => (cfg.texts[key] && cfg.texts[key].es) || BUILT_IN_ES[key];
const digits = (number) => number.replace(/\D/g, '');

function new_number(n) {
  return `+5193${String(process.pid % 1000).padStart(3, '0')}${String(n).padStart(4, '0')}`;
}

// Complaint from the main menu: the first category that is (or is not) sensitive, region and
// optional questions "0", then the description. Returns {reference, sid} (sid of the description).
async function complain(p, sensitive, description) {
  const node_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  const node = cfg.nodes[node_id];
  let r = await p.say(T.option_to('main', (_, id) => id === node_id));
  const idx = node.categories.findIndex((id) => !!cfg.categories.find((c) => c.id === id).sensitive === sensitive);
  assert.ok(idx >= 0, `a ${sensitive ? '' : 'non-'}sensitive category`);
  r = await p.say(String(idx + 1));
  if (node.ask_region) r = await p.say('0');
  if (node.ask_sex) r = await p.say('0');
  if (node.ask_age_group) r = await p.say('0');
  const sid = `SM${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  r = await p.say(description, { sid });
  const m = h.REFERENCE_RE.exec(r.replies.join('\n'));
  assert.ok(m, `a reference in ${JSON.stringify(r.replies)}`);
  return { reference: m[0], sid };
}

// Posts without the harness's settle step (an erased message has no provider id left to find).
async function post(number, body) {
  const r = await fake.inbound({ from: number, to: OUR, body });
  assert.equal(r.status, 200);
  return r;
}

function raw_bytes() {
  const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f) : Buffer.alloc(0));
  return Buffer.concat([read(gw.db_file), read(`${gw.db_file}-wal`)]);
}

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('BORRAR then SI: the confirmation arrives, then nothing of the person is on disk', async () => {
  const number = new_number(1);
  const p = h.person(gw, fake, number, OUR);
  const description = `El guardia del albergue me cobra cinco soles ${process.pid}`;
  await p.say('Hola');
  const { reference, sid } = await complain(p, false, description);
  assert.ok(raw_bytes().includes(description), 'the complaint is on disk before the erasure');

  const asked = await p.say(cfg.keywords.delete.es[0].toUpperCase());
  assert.equal(asked.replies.length, 1);
  assert.ok(asked.replies[0].includes(text_es('erasure_yes')), 'the question names the yes word');
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(number)}`), 1, 'asking erases nothing');

  await post(number, 'Sí');
  const done = await h.wait_for(() => fake.sent.find((m) => m.to === number && m.body === text_es('erasure_done')),
    15000, 'the erasure confirmation at the fake provider');
  assert.ok(done.sid);
  // Once its send is final the confirmation row loses the number too (and the WAL is truncated).
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where provider_message_id = ${h.sql_string(done.sid)} and to_address like 'erased:%'`) === 1,
    10000, 'the confirmation row erased after its send');

  const contact = gw.db.one(`select id, address from contacts where pseudonym = (select pseudonym from contacts where address like 'erased:%' order by id desc limit 1)`);
  assert.match(contact.address, /^erased:\d+$/);
  const c = gw.db.one(`select type, status, description, region from cases where reference = ${h.sql_string(reference)}`);
  assert.equal(c.description, '', 'the description is erased');
  assert.equal(c.type, 'complaint', 'the aggregates stay');
  assert.ok(gw.db.count(`select count(*) from audit_log where action = 'record.redacted' and detail = '{"reason":"erasure_request"}'`) >= 4);
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'erasure.completed'`), 1);

  await h.wait_for(() => {
    const bytes = raw_bytes();
    return [number, digits(number), digits(number).slice(2), description].every((n) => !bytes.includes(n));
  }, 10000, 'the number and the complaint gone from the database file and its WAL');

  // The provider retries the complaint's webhook: recognised, not stored again.
  const retry = await fake.inbound({ from: number, to: OUR, body: description, sid });
  assert.equal(retry.status, 200);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where text = ${h.sql_string(description)}`), 0);
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(number)}`), 0);
  assert.ok(!raw_bytes().includes(description));

  // The audit chain still verifies: every erased record has its record.redacted entry.
  const verified = await h.run_command(['audit', '--config', gw.config, '--db', gw.db_file, 'verify']);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});

test('anything but SI cancels: nothing is erased', async () => {
  const number = new_number(2);
  const p = h.person(gw, fake, number, OUR);
  await p.say('Hola');
  await p.say('BORRAR');
  const no = await p.say('no');
  assert.equal(no.replies.length, 1);
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(number)}`), 1);
  assert.equal(gw.db.count(`select count(*) from held_erasures`), 0);
});

test('an open sensitive case: the person is told the erasure waits, and it runs at closing', async () => {
  const number = new_number(3);
  const p = h.person(gw, fake, number, OUR);
  const description = `Un hombre me amenaza en el albergue ${process.pid}`;
  await p.say('Hola');
  const { reference } = await complain(p, true, description);
  await p.say('BORRAR');
  const held = await p.say('SI');
  assert.deepEqual(held.replies, [text_es('erasure_held')]);
  const row = gw.db.one(`select id from contacts where address = ${h.sql_string(number)}`);
  assert.ok(row, 'the number is kept while the case is open');
  assert.equal(gw.db.count(`select count(*) from held_erasures where contact_id = ${row.id}`), 1);
  assert.equal(gw.db.one(`select description from cases where reference = ${h.sql_string(reference)}`).description, description);

  // A focal point of the case's organisation closes it: the erasure runs, its last message goes.
  const org = gw.db.one(`select organisation from cases where reference = ${h.sql_string(reference)}`).organisation;
  const made = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create',
    '--name', 'Rosa', '--role', 'protection_focal_point', '--organisation', org, '--json']);
  assert.equal(made.code, 0, made.stderr);
  const token = JSON.parse(made.stdout).token;
  for (const status of ['acknowledged', 'closed']) {
    const r = await h.api_request(gw.officers_url, 'POST', `/api/v1/cases/${reference}/status`,
      { token, body: { status, note: 'derivado y atendido' } });
    assert.equal(r.status, 200, r.text);
  }
  await h.wait_for(() => fake.sent.find((m) => m.to === number && m.body === text_es('erasure_done')),
    15000, 'the erasure confirmation after the case closed');
  await h.wait_for(() => gw.db.count(`select count(*) from contacts where id = ${row.id} and address like 'erased:%'`) === 1,
    10000, 'the held erasure done');
  assert.equal(gw.db.count(`select count(*) from held_erasures`), 0);
  assert.equal(gw.db.one(`select description from cases where reference = ${h.sql_string(reference)}`).description, '');
  const verified = await h.run_command(['audit', '--config', gw.config, '--db', gw.db_file, 'verify']);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
});
