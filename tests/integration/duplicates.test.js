'use strict';
// Twilio may deliver one message more than once (retries, overrides, replays). The MessageSid is the
// de-duplication key: 20 concurrent copies of one signed webhook all get 2xx, one inbound row is
// stored, and the person receives exactly one set of replies.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;

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

// Posts the same signed webhook n times at once; returns the HTTP statuses.
async function post_copies(n, { from, body, sid }) {
  const results = await Promise.all(Array.from({ length: n }, () => fake.inbound({ from, to: OUR, body, sid })));
  return results.map((r) => r.status);
}

async function settled_sends_to(number, expected) {
  await h.wait_for(() => {
    const rows = gw.db.query(`select o.status from outbox o join contacts c on c.id = o.contact_id where c.address = ${h.sql_string(number)}`);
    return rows.length >= expected && rows.every((o) => h.FINAL_OUTBOX.includes(o.status));
  }, 15000, `replies to ${number} to leave the outbox`);
  return fake.sent_to(number);
}

test('the same MessageSid posted 20 times concurrently: all 2xx, one inbound row, one reply set', async () => {
  const from = '+51930000001';
  const sid = fake_twilio.new_sid('SM');
  const statuses = await post_copies(20, { from, body: 'Hola', sid });
  for (const s of statuses) assert.ok(s >= 200 && s < 300, `every copy gets 2xx, got ${statuses.join(',')}`);

  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = '${sid}'`), 1);
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(from)}`), 1);
  const sent = await settled_sends_to(from, 2);
  assert.equal(sent.length, 2, `exactly one reply set (notice + menu), got ${JSON.stringify(sent.map((m) => m.body))}`);
  assert.ok(sent[0].body.includes(T.text('first_contact_notice').trim()));
  assert.ok(sent[1].body.includes(T.node_text('main').trim()));
  assert.equal(gw.db.count(`select count(*) from outbox o join contacts c on c.id = o.contact_id where c.address = ${h.sql_string(from)}`), 2);
});

test('a later replay of an old MessageSid changes nothing, even between newer messages', async () => {
  const from = '+51930000002';
  const first = fake_twilio.new_sid('SM');
  const r1 = await h.person(gw, fake, from, OUR).say('Hola', { sid: first });
  assert.equal(r1.status, 200);
  const digit = T.path_to((n) => n.type === 'menu').digits[0];
  const second = fake_twilio.new_sid('SM');
  const r2 = await h.person(gw, fake, from, OUR).say(digit, { sid: second });
  assert.equal(r2.status, 200);
  const before_sends = (await settled_sends_to(from, r1.rows.length + r2.rows.length)).length;
  const state_before = gw.db.one(`select state_json from contacts where address = ${h.sql_string(from)}`).state_json;

  // Replays of both, concurrently with each other: nothing new stored or sent, state unchanged.
  const statuses = [
    ...(await post_copies(10, { from, body: 'Hola', sid: first })),
    ...(await post_copies(10, { from, body: digit, sid: second })),
  ];
  for (const s of statuses) assert.ok(s >= 200 && s < 300, `replays get 2xx, got ${statuses.join(',')}`);
  assert.equal(gw.db.count(`select count(*) from inbound_messages i join contacts c on c.id = i.contact_id where c.address = ${h.sql_string(from)}`), 2);
  assert.equal(gw.db.one(`select state_json from contacts where address = ${h.sql_string(from)}`).state_json, state_before);

  // A new message after the replays is handled normally, and only its replies go out.
  const r3 = await h.person(gw, fake, from, OUR).say(T.keyword('menu'));
  assert.equal(r3.status, 200);
  assert.ok(r3.rows.length >= 1);
  const after_sends = (await settled_sends_to(from, r1.rows.length + r2.rows.length + r3.rows.length)).length;
  assert.equal(after_sends, before_sends + r3.rows.length, 'the replays sent nothing');
});

test('concurrent copies of a complaint\'s last step open exactly one case', async () => {
  const from = '+51930000003';
  const p = h.person(gw, fake, from, OUR);
  await p.say('hola');
  const complaint_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  const node = cfg.nodes[complaint_id];
  await p.say(T.option_to('main', (_, id) => id === complaint_id));
  if (node.categories.length > 1) {
    const idx = node.categories.findIndex((id) => !cfg.categories.find((c) => c.id === id).sensitive);
    await p.say(String(idx + 1));
  }
  if (node.ask_region) await p.say('0');
  if (node.ask_sex) await p.say('0');
  if (node.ask_age_group) await p.say('0');
  const sid = fake_twilio.new_sid('SM');
  const statuses = await post_copies(20, { from, body: 'No hay agua potable en el albergue desde el lunes', sid });
  for (const s of statuses) assert.ok(s >= 200 && s < 300, `got ${statuses.join(',')}`);
  assert.equal(gw.db.count(`select count(*) from cases c join contacts k on k.id = c.contact_id where k.address = ${h.sql_string(from)}`), 1);
  const settled = await h.settle_replies(gw, fake, sid);
  const acks = fake.sent_to(from).filter((m) => h.REFERENCE_RE.test(m.body));
  assert.equal(acks.length, 1, 'one acknowledgement');
  assert.ok(settled.replies.some((t) => h.REFERENCE_RE.test(t)));
});
