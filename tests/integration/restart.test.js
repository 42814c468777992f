'use strict';
// A crash in the middle of a conversation loses nothing: halfway into a complaint, with replies
// still stuck in the provider's API, the gateway is killed with SIGKILL and restarted on the same
// database; the queued replies go out, the person finishes the complaint and the case is opened.

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

test('SIGKILL halfway into a complaint, restart on the same db, finish it: case opened, nothing lost', async () => {
  const number = '+51950000001';
  const p = h.person(gw, fake, number, OUR);
  const complaint_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  const node = cfg.nodes[complaint_id];
  const said = [];
  const say = async (text) => { const r = await p.say(text); assert.equal(r.status, 200, text); said.push(text); return r; };

  const first = await say('Hola');
  assert.ok(first.replies[0].includes(T.text('first_contact_notice').trim()));
  let r = await say(T.option_to('main', (_, id) => id === complaint_id));
  const cats = node.categories;
  const idx = cats.findIndex((id) => !cfg.categories.find((c) => c.id === id).sensitive);
  const category = cats[idx];

  // The next step's replies are committed but stuck in a slow provider when the gateway dies.
  const step = cats.length > 1 ? String(idx + 1) : '0';
  fake.response_delay_ms = 60000;
  const pending = await fake.inbound({ from: number, to: OUR, body: step });
  assert.equal(pending.status, 200);
  said.push(step);
  const inbound = gw.db.one(`select id from inbound_messages where provider_message_id = '${pending.sid}'`);
  assert.ok(inbound, 'the step was committed before the 200');
  const stuck = gw.db.query(`select id, text from outbox where inbound_id = ${inbound.id} order by id`);
  assert.ok(stuck.length >= 1, 'its replies are in the outbox');
  await h.wait_for(() => fake.counters.requests > 0 && fake.requests.length < fake.counters.requests, 5000, 'a send to be in flight at the provider');

  const killed = await gw.kill();
  assert.equal(killed.signal, 'SIGKILL');
  fake.response_delay_ms = 0;
  await gw.restart();

  // Everything stored before the kill survived, and the stuck replies reach the person.
  assert.equal(gw.db.count(`select count(*) from inbound_messages i join contacts c on c.id = i.contact_id where c.address = '${number}'`), said.length);
  const resent = await h.wait_for(() => {
    const rows = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rows.every((o) => ['sent', 'delivered'].includes(o.status)) && rows;
  }, 15000, 'the stuck replies to be sent after the restart');
  assert.deepEqual(resent.map((o) => o.id), stuck.map((o) => o.id));
  for (const o of stuck) assert.ok(fake.sent_to(number).some((m) => m.body === o.text), 'each stuck reply reached the fake');
  r = { replies: stuck.map((o) => o.text) };
  const contact = gw.db.one(`select * from contacts where address = '${number}'`);
  assert.equal(Number(contact.notice_given), 1);

  // Finish the complaint on the restarted gateway.
  if (cats.length > 1 && node.ask_region) {
    assert.ok(r.replies.join('\n').includes(T.text('choose_region').trim()), 'the region question survived the crash');
    r = await say('0');
  }
  if (node.ask_sex) r = await say('0');
  if (node.ask_age_group) r = await say('0');
  assert.ok(r.replies.join('\n').includes(T.pick(node.ask_description).trim()), 'asked for the description');
  const description = 'El albergue de Tacna no tiene luz desde hace una semana';
  r = await say(description);
  assert.ok(!r.replies.join('\n').includes(T.text('first_contact_notice').trim()), 'no second notice after the restart');
  const ref = h.REFERENCE_RE.exec(r.replies.join('\n'));
  assert.ok(ref, `an acknowledgement with a reference: ${JSON.stringify(r.replies)}`);
  const c = gw.db.one(`select * from cases where reference = '${ref[0]}'`);
  assert.ok(c, 'the case is stored');
  assert.equal(c.category, category, 'the category chosen before the crash was kept');
  assert.equal(c.description, description);
  assert.equal(c.contact_id, contact.id);

  // Nothing lost or doubled in the store: one inbound row per message said, every reply sent.
  assert.equal(gw.db.count(`select count(*) from inbound_messages where contact_id = ${contact.id}`), said.length);
  const outbox = gw.db.query(`select status from outbox where contact_id = ${contact.id}`);
  assert.ok(outbox.every((o) => ['sent', 'delivered'].includes(o.status)), JSON.stringify(outbox));
});

test('a clean SIGTERM stops within the grace period and the store reopens', async () => {
  const stopped = await gw.stop('SIGTERM', 15000);
  assert.ok(stopped.code === 0 || stopped.signal === 'SIGTERM', `exit ${JSON.stringify(stopped)}`);
  await gw.restart();
  const health = await fetch(`${gw.url}/healthz`);
  assert.equal(health.status, 200);
  const r = await h.person(gw, fake, '+51950000002', OUR).say('hola');
  assert.equal(r.status, 200);
  assert.ok(r.replies.length >= 2);
});
