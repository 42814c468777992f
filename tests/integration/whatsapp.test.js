'use strict';
// WhatsApp Cloud API end to end: the example configuration plus a whatsapp_cloud channel, the
// fake Graph API as the send endpoint and as Meta's webhook side. The dashboard's verification
// handshake; a person's text gets the notice and the menu (a list) sent to their digits; a
// notification with several messages is stored once, even when Meta retries it; bad signatures
// store nothing; statuses move the outbox on through our echoed id; a 3 MB notification is read.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_whatsapp = require('./fake_whatsapp');
const h = require('./harness');

const OUR_ADDRESS = '+5116409001';
const PHONE_NUMBER_ID = '106540352242922';
const TABLES = ['contacts', 'inbound_messages', 'outbox', 'cases', 'quarantine'];

let fake;
let gw;
let T;
let next_number = 0;

// Meta writes numbers as digits without '+'.
const new_digits = () => `5198${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
const digits_of = (address) => String(address).replace(/\D/g, '');
const counts = () => Object.fromEntries(TABLES.map((t) => [t, gw.db.count(`select count(*) from ${t}`)]));
const inbound_row = (wamid) => gw.db.one(`select * from inbound_messages where channel_id = 'whatsapp' and provider_message_id = ${h.sql_string(wamid)}`);

// Outbox rows answering the inbound message `wamid`, once all have left the queue.
async function settled_replies(wamid, timeout_ms = 15000) {
  const inbound = await h.wait_for(() => inbound_row(wamid), 5000, `inbound ${wamid}`);
  const rows = await h.wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.length > 0 && rs.every((o) => h.FINAL_OUTBOX.includes(o.status)) && rs;
  }, timeout_ms, `replies to ${wamid} to leave the outbox`);
  return { inbound, rows };
}

function assert_refused(r, statuses, what) {
  assert.ok(statuses.includes(r.status), `${what}: status ${r.status}`);
  assert.match(r.headers['content-type'] || '', /^application\/json/, `${what}: content type`);
  assert.ok(JSON.parse(r.body).error.length > 0, `${what}: a JSON reason`);
}

before(async () => {
  fake = await fake_whatsapp.start({ phone_number_id: PHONE_NUMBER_ID });
  const dir = h.make_tmpdir('wa');
  const config = h.write_config(dir, (c) => {
    c.channels.push({
      id: 'whatsapp', type: 'whatsapp_cloud', address: OUR_ADDRESS, phone_number_id: PHONE_NUMBER_ID,
      access_token_env: 'WHATSAPP_ACCESS_TOKEN', app_secret_env: 'WHATSAPP_APP_SECRET',
      verify_token_env: 'WHATSAPP_VERIFY_TOKEN', api_base_env: 'WHATSAPP_API_BASE',
      sends_per_second: 1000,
    });
    return c;
  });
  gw = await h.start_gateway({
    dir, config,
    env: {
      WHATSAPP_ACCESS_TOKEN: fake.access_token, WHATSAPP_APP_SECRET: fake.app_secret,
      WHATSAPP_VERIFY_TOKEN: fake.verify_token, WHATSAPP_API_BASE: fake.url,
    },
  });
  fake.webhook_url = `${gw.url}/webhooks/whatsapp`;
  T = h.texts_of(h.load_config(gw.config));
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the App Dashboard handshake: the challenge back as text/plain; a wrong token gets 403', async () => {
  const ok = await fake.verify();
  assert.equal(ok.status, 200);
  assert.match(ok.headers['content-type'], /^text\/plain/);
  assert.equal(ok.body, ok.challenge);
  const before_counts = counts();
  for (const [what, opts] of [
    ['wrong token', { token: `${fake.verify_token}x` }],
    ['no token', { token: null }],
    ['mode unsubscribe', { mode: 'unsubscribe' }],
  ]) {
    const r = await fake.verify(opts);
    assert.equal(r.status, 403, what);
    assert.notEqual(r.body, r.challenge, `${what}: the challenge is not echoed`);
  }
  assert.deepEqual(counts(), before_counts);
});

test('a person writes: notice then menu, sent to their digits with our outbox id', async () => {
  const from = new_digits();
  const r = await fake.inbound({ from, text: '¿Dónde está la clínica? / ayuda', name: 'Sheena Nelson' });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { status: 'ok' });
  assert.match(r.bytes, /\\u00bfD\\u00f3nde/, 'posted as Meta writes it: escaped unicode');
  const { inbound, rows } = await settled_replies(r.id);
  assert.equal(inbound.text, '¿Dónde está la clínica? / ayuda');
  const contact = gw.db.one(`select * from contacts where id = ${inbound.contact_id}`);
  assert.equal(digits_of(contact.address), from);
  assert.ok(rows.length >= 2, `notice and menu, got ${rows.length} rows`);
  assert.ok(rows[0].text.includes(T.text('first_contact_notice').trim()), 'the notice comes first');
  const all = rows.map((o) => o.text).join('\n');
  for (const label of T.labels('main')) assert.ok(all.includes(label), `menu label ${label}`);
  const at_fake = fake.sent_to(from);
  // The notice as a text; the menu as a list under the text above its numbered lines
  // (whatsapp_menus.test.js tells the menus apart).
  const shown = (m) => (m.text !== null ? m.text : m.interactive.body.text);
  const expected = (o) => (o.menu_json ? JSON.parse(o.menu_json).header : o.text);
  assert.deepEqual(at_fake.map(shown), rows.map(expected), 'Meta got every reply, in order');
  for (const [i, m] of at_fake.entries()) {
    assert.equal(m.version, 'v25.0');
    assert.equal(m.recipient_type, 'individual');
    if (m.text !== null) assert.equal(m.preview_url, false);
    assert.equal(m.biz_opaque_callback_data, String(rows[i].id), 'our outbox id rides along');
    assert.equal(rows[i].status, 'sent');
    assert.equal(rows[i].provider_message_id, m.wamid);
  }
});

test('several messages in one notification are stored once each; a retry of it duplicates nothing', async () => {
  const [ana, luis] = [new_digits(), new_digits()];
  const m1 = fake.text_message({ from: ana, text: 'Hola' });
  const m2 = fake.text_message({ from: luis, text: 'Buenos días' });
  const m3 = fake.text_message({ from: ana, text: '1' });
  const payload = fake.notification({
    messages: [m1, m2, m3, m1],  // Meta can repeat a wamid inside one batch
    contacts: [fake.contact({ wa_id: ana, name: 'Ana' }), fake.contact({ wa_id: luis, name: 'Luis' })],
  });
  const first = await fake.post_webhook(payload);
  assert.equal(first.status, 200);
  for (const m of [m1, m2, m3]) await settled_replies(m.id);
  const stored = gw.db.query(`select provider_message_id, text from inbound_messages where provider_message_id in (${[m1, m2, m3].map((m) => h.sql_string(m.id)).join(',')}) order by id`);
  assert.deepEqual(stored.map((s) => s.provider_message_id), [m1.id, m2.id, m3.id]);
  assert.deepEqual(stored.map((s) => s.text), ['Hola', 'Buenos días', '1']);
  const sends = fake.sent.length;
  const before_counts = counts();

  const retry = await fake.post_webhook(payload);  // Meta did not see our 200 and retries
  assert.equal(retry.status, 200);
  assert.deepEqual(counts(), before_counts, 'nothing new in the store');
  // Every send comes from an outbox row, and there is none new: no second reply either.
  assert.equal(fake.sent.length, sends, 'no second reply');
});

test('missing, wrong and foreign signatures: 4xx with a reason and nothing stored', async () => {
  const before_counts = counts();
  const m = fake.text_message({ from: new_digits(), text: 'Hola, ¿qué tal?' });
  const payload = fake.notification({ messages: [m] });
  const bytes = fake_whatsapp.meta_json(payload);
  assert.notEqual(JSON.stringify(payload), bytes, 're-serialising writes other bytes');
  const attempts = [
    ['no signature', { signature: null }, [401, 403]],
    ['another app secret', { secret: 'not-our-app-secret' }, [401, 403]],
    ['sha1 form', { signature: fake_whatsapp.hub_signature(fake.app_secret, bytes, 'sha1') }, [401, 403]],
    ['bare hex', { signature: fake.sign(bytes).slice('sha256='.length) }, [401, 403]],
  ];
  for (const [what, opts, statuses] of attempts) assert_refused(await fake.post_webhook(payload, opts), statuses, what);
  // A valid signature over other bytes: the same JSON re-serialised, and a changed text.
  assert_refused(await fake.post_webhook(JSON.stringify(payload), { signature: fake.sign(bytes) }), [401, 403], 're-serialised');
  assert_refused(await fake.post_webhook(bytes.replace('Hola', 'STOP'), { signature: fake.sign(bytes) }), [401, 403], 'tampered');
  assert.deepEqual(counts(), before_counts, 'nothing changed in the store');
  assert.equal(inbound_row(m.id), undefined);
  // The same bytes, signed right, are accepted: the refusals were about the signature.
  assert.equal((await fake.post_webhook(bytes)).status, 200);
  await settled_replies(m.id);
});

test('statuses move the outbox row on through biz_opaque_callback_data; failures keep the code', async () => {
  const from = new_digits();
  const r = await fake.inbound({ from, text: 'Hola' });
  const { rows } = await settled_replies(r.id);
  const [notice, menu] = rows;
  const sent_notice = fake.sent.find((m) => m.wamid === notice.provider_message_id);
  const sent_menu = fake.sent.find((m) => m.wamid === menu.provider_message_id);
  assert.ok(sent_notice && sent_menu);

  const delivered = await fake.post_webhook(fake.notification({ statuses: [fake.status_of(sent_notice, 'delivered')] }));
  assert.equal(delivered.status, 200);
  assert.equal(gw.db.one(`select status from outbox where id = ${notice.id}`).status, 'delivered');
  // Read and a late "sent" in one notification: read wins, the late one does not go back.
  await fake.post_webhook(fake.notification({ statuses: [fake.status_of(sent_notice, 'read'), fake.status_of(sent_notice, 'sent')] }));
  assert.equal(gw.db.one(`select status from outbox where id = ${notice.id}`).status, 'read');
  // Our id alone finds the row: a wamid the gateway never stored still moves it.
  const foreign = fake_whatsapp.new_wamid();
  await fake.post_webhook(fake.notification({ statuses: [fake.status_of(sent_menu, 'failed', { id: foreign, error_code: 131026 })] }));
  const failed = gw.db.one(`select status, error_code, provider_message_id from outbox where id = ${menu.id}`);
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error_code, '131026');
  assert.equal(failed.provider_message_id, sent_menu.wamid, 'the id from the send stays');
});

test('a refused send is failed with Meta\'s code; an authentic unreadable body is quarantined', async () => {
  fake.fail_next(1, { status: 400, code: 131026, message: 'Message Undeliverable.' });
  const r = await fake.inbound({ from: new_digits(), text: 'Hola' });
  const { rows } = await settled_replies(r.id);
  assert.equal(rows[0].status, 'failed');
  assert.equal(rows[0].error_code, '131026');

  const q_before = gw.db.count('select count(*) from quarantine');
  const garbage = await fake.post_webhook('{"object":"whatsapp_business_account","entry":[');
  assert.equal(garbage.status, 200, 'acknowledged so Meta does not retry it for days');
  assert.equal(gw.db.count('select count(*) from quarantine'), q_before + 1);
  const other_object = await fake.post_webhook({ object: 'page', entry: [{ id: '1', messaging: [] }] });
  assert.equal(other_object.status, 200);
  assert.equal(gw.db.count('select count(*) from quarantine'), q_before + 1);
});

test('a 3 MB notification is accepted and every message in it stored', async () => {
  const from = new_digits();
  // 4,000 × "á" escaped as \u00e1: ~24 KB on the wire per message, as Meta writes it.
  const messages = Array.from({ length: 125 }, (_, i) => fake.text_message({ from, text: `${i} ${'á'.repeat(4000)}` }));
  const payload = fake.notification({ messages, contacts: [fake.contact({ wa_id: from })] });
  const bytes = fake_whatsapp.meta_json(payload);
  assert.ok(bytes.length > 3_000_000 && bytes.length <= 3 * 1024 * 1024, `payload is ${bytes.length} bytes`);
  const r = await fake.post_webhook(bytes);
  assert.equal(r.status, 200);
  const stored = gw.db.count(`select count(*) from inbound_messages where provider_message_id in (${messages.map((m) => h.sql_string(m.id)).join(',')})`);
  assert.equal(stored, messages.length);
  assert.equal(inbound_row(messages[124].id).text, `124 ${'á'.repeat(4000)}`);
});
