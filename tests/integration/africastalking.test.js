'use strict';
// Africa's Talking end to end: the example configuration plus an AT short-code channel, the fake
// AT as the send API and as the callbacks configured in the AT dashboard (token in the URL). A
// person texts and gets the notice and the menu; a repeated callback stores nothing new; a
// missing or wrong token is refused and stores nothing; delivery reports move the outbox on.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fake_at = require('./fake_africastalking');
const h = require('./harness');

const SHORT_CODE = '21525';
const TOKEN = crypto.randomBytes(24).toString('hex');
const TABLES = ['contacts', 'inbound_messages', 'outbox', 'cases', 'quarantine'];

let fake;
let gw;
let cfg;
let T;
let next_number = 0;

const new_number = () => `+2547${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(5, '0')}`;
async function post_form(url, params) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
}
const counts = () => Object.fromEntries(TABLES.map((t) => [t, gw.db.count(`select count(*) from ${t}`)]));

// Outbox rows answering the inbound message with AT id `id`, once all have left the queue.
async function settled_replies(id, timeout_ms = 15000) {
  const inbound = await h.wait_for(() => gw.db.one(`select * from inbound_messages where channel_id = 'at' and provider_message_id = ${h.sql_string(id)}`), 5000, `inbound ${id}`);
  const rows = await h.wait_for(() => {
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.length > 0 && rs.every((o) => h.FINAL_OUTBOX.includes(o.status)) && rs;
  }, timeout_ms, `replies to ${id} to leave the outbox`);
  return { inbound, rows };
}

before(async () => {
  fake = await fake_at.start({ username: 'cwc-ke' });
  const dir = h.make_tmpdir('at');
  const config = h.write_config(dir, (c) => {
    c.channels.push({
      id: 'at', type: 'africastalking', address: SHORT_CODE, username: 'cwc-ke',
      api_key_env: 'AT_API_KEY', webhook_token_env: 'AT_WEBHOOK_TOKEN', api_base_env: 'AT_API_BASE',
      sends_per_second: 1000,
    });
    return c;
  });
  gw = await h.start_gateway({
    dir, config,
    env: { AT_API_KEY: fake.api_key, AT_WEBHOOK_TOKEN: TOKEN, AT_API_BASE: fake.url },
  });
  // What the operator types into the AT dashboard.
  fake.inbound_url = `${gw.url}/webhooks/at?token=${TOKEN}`;
  fake.delivery_report_url = `${gw.url}/webhooks/at/status?token=${TOKEN}`;
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('a person texts the short code: notice then menu, sent through AT from the short code', async () => {
  const from = new_number();
  const r = await fake.inbound({ from, to: SHORT_CODE, text: 'Hola' });
  assert.equal(r.status, 200);
  const { inbound, rows } = await settled_replies(r.id);
  assert.equal(inbound.text, 'Hola');
  assert.ok(rows.length >= 2, `notice and menu, got ${rows.length} rows`);
  assert.ok(rows[0].text.includes(T.text('first_contact_notice').trim()), 'the notice comes first');
  for (const label of T.labels('main')) assert.ok(rows.map((o) => o.text).join('\n').includes(label), `menu label ${label}`);
  const at_fake = fake.sent_to(from);
  assert.deepEqual(at_fake.map((m) => m.message), rows.map((o) => o.text), 'AT got every reply, in order');
  for (const [i, m] of at_fake.entries()) {
    assert.equal(m.from, SHORT_CODE);
    assert.equal(m.username, 'cwc-ke');
    assert.equal(m.bulk_sms_mode, '1');
    assert.equal(rows[i].provider_message_id, m.id, 'the outbox keeps AT\'s messageId');
  }
  const contact = gw.db.one(`select * from contacts where address = ${h.sql_string(from)}`);
  assert.ok(contact, 'the contact is the sender\'s E.164 number');
  assert.equal(Number(contact.notice_given), 1);

  // The person walks the menu to an information page: the conversation goes on through AT
  // (the second date shape of AT's callbacks on the way).
  const route = T.path_to((n) => n.type === 'text');
  assert.ok(route, 'the example has an information page');
  let page;
  for (const digit of route.digits) {
    const next = await fake.inbound({ from, to: SHORT_CODE, text: digit, date: fake_at.at_date(new Date(), false) });
    assert.equal(next.status, 200);
    page = await settled_replies(next.id);
  }
  assert.ok(page.rows.some((o) => o.text.includes(T.node_text(route.id).trim())), 'the information page');
});

test('delivery reports move the outbox rows forward (Success → delivered; Failed keeps the reason)', async () => {
  const from = new_number();
  const r = await fake.inbound({ from, to: SHORT_CODE, text: 'menu' });
  assert.equal(r.status, 200);
  const { rows } = await settled_replies(r.id);
  // The fake reports Sent then Success for each message by itself.
  await h.wait_for(() => gw.db.query(`select status from outbox where id in (${rows.map((o) => o.id).join(',')})`).every((o) => o.status === 'delivered'),
    10000, 'every reply delivered');
  assert.ok(fake.reports.filter((e) => rows.some((o) => o.provider_message_id === e.params.id)).every((e) => e.status === 200), 'every report got 200');

  // Without AT's own reports, the rows stay sent; a Failed report records AT's reason.
  fake.auto_reports = false;
  try {
    const other = await fake.inbound({ from: new_number(), to: SHORT_CODE, text: 'hola' });
    const { rows: rows2 } = await settled_replies(other.id);
    assert.ok(rows2.every((o) => o.status === 'sent'));
    const rep = await fake.delivery_report(rows2[0].provider_message_id, 'Failed', { failureReason: 'UserInBlackList' });
    assert.equal(rep.status, 200);
    const row = await h.wait_for(() => gw.db.one(`select * from outbox where id = ${rows2[0].id} and status = 'failed'`), 5000, 'the failed report applied');
    assert.equal(row.error_code, 'UserInBlackList');
    // A late Success does not resurrect it, and Buffered never moves a delivered row back.
    assert.equal((await fake.delivery_report(rows2[0].provider_message_id, 'Success')).status, 200);
    assert.equal((await fake.delivery_report(rows[0].provider_message_id, 'Buffered')).status, 200);
    assert.equal(gw.db.one(`select status from outbox where id = ${rows2[0].id}`).status, 'failed');
    assert.equal(gw.db.one(`select status from outbox where id = ${rows[0].id}`).status, 'delivered');
  } finally {
    fake.auto_reports = true;
  }
});

test('the same callback twice (and five times at once) stores one message and one set of replies', async () => {
  const from = new_number();
  const id = crypto.randomUUID();
  const first = await fake.inbound({ from, to: SHORT_CODE, text: 'Hola', id });
  assert.equal(first.status, 200);
  const { rows } = await settled_replies(id);
  const before_counts = counts();
  const sent_before = fake.sent.length;
  const again = await Promise.all(Array.from({ length: 5 }, () => fake.inbound({ from, to: SHORT_CODE, text: 'Hola', id })));
  for (const a of again) assert.equal(a.status, 200, 'a repeat is acknowledged so AT stops');
  assert.deepEqual(counts(), before_counts, 'nothing new stored');
  assert.equal(gw.db.count(`select count(*) from outbox where inbound_id = ${rows[0].inbound_id}`), rows.length);
  assert.equal(fake.sent.length, sent_before, 'nothing new sent');
});

test('a missing or wrong token is refused with a JSON reason and stores nothing', async () => {
  await fake.settle();
  const outbox_before = gw.db.query('select id, status, error_code from outbox order by id');
  const before_counts = counts();
  const sent_before = fake.sent.length;
  const base = `${gw.url}/webhooks/at`;
  const attempts = [
    ['no token', base, 401],
    ['empty token', `${base}?token=`, 401],
    ['wrong token', `${base}?token=${'0'.repeat(48)}`, 403],
    ['truncated token', `${base}?token=${TOKEN.slice(0, -1)}`, 403],
    ['token of another parameter', `${base}?tok=${TOKEN}`, 401],
  ];
  for (const [what, url, status] of attempts) {
    const inbound = await fake.inbound({ from: new_number(), to: SHORT_CODE, text: 'Hola', url });
    const report = await post_form(url.replace('/webhooks/at', '/webhooks/at/status'), { id: fake.sent[0]?.id || 'ATXid_x', status: 'Failed', failureReason: 'DeliveryFailure' });
    for (const [route, r] of [['inbound', inbound], ['status', report]]) {
      assert.equal(r.status, status, `${what} (${route})`);
      assert.match(r.headers['content-type'] || '', /^application\/json/);
      assert.equal(typeof JSON.parse(r.body).error, 'string');
    }
  }
  assert.deepEqual(counts(), before_counts, 'nothing stored');
  assert.deepEqual(gw.db.query('select id, status, error_code from outbox order by id'), outbox_before, 'no status changed');
  assert.equal(fake.sent.length, sent_before, 'nothing sent');
});

test('an opt-out notice marks the person opted out; a report with an unknown status is quarantined', async () => {
  const before_counts = counts();
  const number = new_number();
  const r = await fake.opt_out({ phoneNumber: number, senderId: 'CWC' });
  assert.equal(r.status, 200);
  const contact = gw.db.one(`select * from contacts where address = ${h.sql_string(number)}`);
  assert.ok(contact, 'the person is known from now on');
  assert.equal(contact.opted_out, 1, 'and opted out');
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'contact.opted_out' and actor = 'provider:at'`), 1);
  const again = await fake.opt_out({ phoneNumber: number, senderId: 'CWC' });
  assert.equal(again.status, 200);
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'contact.opted_out' and actor = 'provider:at'`), 1, 'a repeated notice changes nothing');
  assert.equal(counts().inbound_messages, before_counts.inbound_messages, 'no message is stored for a notice');

  const q = await fake.delivery_report('ATXid_unknown', 'Teleported');
  assert.equal(q.status, 200, 'quarantined callbacks are acknowledged so AT does not retry');
  const after_counts = counts();
  assert.equal(after_counts.quarantine, before_counts.quarantine + 1);
  const row = gw.db.one(`select * from quarantine order by id desc limit 1`);
  assert.equal(row.channel_id, 'at');
  assert.ok(row.body.includes('Teleported'), 'the raw body is kept for an operator');
});

test('the gateway logs no phone number or message text', async () => {
  await fake.settle();
  const logs = gw.logs();
  for (const m of fake.sent) {
    assert.ok(!logs.includes(m.to), 'no recipient number in the logs');
  }
  assert.ok(!logs.includes(TOKEN), 'the token is never logged');
});
