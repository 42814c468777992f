'use strict';
// Vonage SMS end to end: the example configuration plus two Vonage channels, one with signed
// webhooks (md5hash, the dashboard default) and one protected by a URL token, both sending
// through the fake Vonage. A person texts and gets the notice and menu; receipts move the outbox
// on; a repeated webhook stores nothing new; bad signatures, stale timestamps and wrong tokens
// are refused and store nothing; every part of a long message is accepted with 204.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fake_vonage = require('./fake_vonage');
const h = require('./harness');

const SIGNED_NUMBER = '447700900000';
const TOKEN_NUMBER = '447700900111';
const SIGNATURE_SECRET = crypto.randomBytes(16).toString('hex');
const TOKEN = crypto.randomBytes(24).toString('hex');
const TABLES = ['contacts', 'inbound_messages', 'outbox', 'cases', 'quarantine'];

let fake;
let gw;
let cfg;
let T;
let next_number = 0;

const new_msisdn = () => `5191${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
const counts = () => Object.fromEntries(TABLES.map((t) => [t, gw.db.count(`select count(*) from ${t}`)]));
const signed_url = () => `${gw.url}/webhooks/vn`;
const token_url = () => `${gw.url}/webhooks/vt?token=${TOKEN}`;

async function settled_replies(channel, id, timeout_ms = 15000) {
  const inbound = await h.wait_for(() => gw.db.one(`select * from inbound_messages where channel_id = ${h.sql_string(channel)} and provider_message_id = ${h.sql_string(id)}`), 5000, `inbound ${id}`);
  const rows = await h.wait_for(() => {
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.length > 0 && rs.every((o) => h.FINAL_OUTBOX.includes(o.status)) && rs;
  }, timeout_ms, `replies to ${id} to leave the outbox`);
  return { inbound, rows };
}

function assert_refused(r, status, what) {
  assert.equal(r.status, status, what);
  assert.match(r.headers['content-type'] || '', /^application\/json/, what);
  assert.equal(typeof JSON.parse(r.body).error, 'string', what);
}

before(async () => {
  fake = await fake_vonage.start({ signature_secret: SIGNATURE_SECRET });
  const dir = h.make_tmpdir('vonage');
  const config = h.write_config(dir, (c) => {
    c.channels.push({
      id: 'vn', type: 'vonage_sms', address: `+${SIGNED_NUMBER}`,
      api_key_env: 'VONAGE_API_KEY', api_secret_env: 'VONAGE_API_SECRET',
      signature_secret_env: 'VONAGE_SIGNATURE_SECRET', webhook_token_env: 'VN_UNSET_TOKEN',
      api_base_env: 'VONAGE_API_BASE', signature_method: 'md5hash', sends_per_second: 1000,
    });
    c.channels.push({
      id: 'vt', type: 'vonage_sms', address: `+${TOKEN_NUMBER}`,
      api_key_env: 'VONAGE_API_KEY', api_secret_env: 'VONAGE_API_SECRET',
      signature_secret_env: 'VT_UNSET_SIGNATURE_SECRET', webhook_token_env: 'VT_WEBHOOK_TOKEN',
      api_base_env: 'VONAGE_API_BASE', sends_per_second: 1000,
    });
    return c;
  });
  gw = await h.start_gateway({
    dir, config,
    env: {
      VONAGE_API_KEY: fake.api_key, VONAGE_API_SECRET: fake.api_secret,
      VONAGE_SIGNATURE_SECRET: SIGNATURE_SECRET, VT_WEBHOOK_TOKEN: TOKEN, VONAGE_API_BASE: fake.url,
      VN_UNSET_TOKEN: undefined, VT_UNSET_SIGNATURE_SECRET: undefined,
    },
  });
  fake.inbound_url = signed_url();
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the fake signs as PROVIDERS.md §4.2 says (its test vectors)', () => {
  const params = {
    msisdn: '447700900001', to: '447700900000', messageId: '0A0000000123ABCD1', text: 'Hello world & more=stuff',
    type: 'text', keyword: 'HELLO', 'message-timestamp': '2020-01-01 12:00:00', timestamp: '1577880000',
    nonce: 'aaaaaaaa-bbbb-cccc-dddd-0123456789ab',
  };
  assert.equal(fake_vonage.sign(params, 'mySignatureSecret'), 'bd4da644b559088965e1a9d8620614ad');
  assert.equal(fake_vonage.sign(params, 'mySignatureSecret', 'sha256'), '7a4d655aec023b8e5b097c0e4e5b200bc858166883d9cf03d9384751c6fc5c52');
});

test('signed channel: a person texts, gets notice and menu through Vonage; 204 without a body', async () => {
  const msisdn = new_msisdn();
  const r = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'Hola' });
  assert.equal(r.status, 204);
  assert.equal(r.body, '');
  const { inbound, rows } = await settled_replies('vn', r.id);
  assert.equal(inbound.text, 'Hola');
  assert.ok(rows.length >= 2, `notice and menu, got ${rows.length}`);
  assert.ok(rows[0].text.includes(T.text('first_contact_notice').trim()), 'the notice comes first');
  const all = rows.map((o) => o.text).join('\n');
  for (const label of T.labels('main')) assert.ok(all.includes(label), `menu label ${label}`);
  const at_fake = fake.sent_to(msisdn);
  assert.deepEqual(at_fake.map((m) => m.text), rows.map((o) => o.text), 'Vonage got every reply, in order');
  for (const [i, m] of at_fake.entries()) {
    const row = rows[i];
    assert.equal(m.from, SIGNED_NUMBER, 'from: our number without +');
    assert.equal(m.client_ref, String(row.id), 'client-ref: our outbox id');
    assert.equal(m.status_report_req, '1');
    assert.equal(m.callback, `${gw.public_url}/webhooks/vn/status?m=${row.id}`);
    assert.equal(row.provider_message_id, m.message_ids[0], 'the outbox keeps the first part\'s id');
    // GSM-7 letters only (é and ñ are GSM, á í ó ú are not): "text"; anything else: "unicode".
    assert.equal(m.type, /[^\x00-\x7f¡£¤¥§¿ÄÅÆÇÉÑÖØÜßàäåæèéìñòöøùüΓΔΘΛΞΠΣΦΨΩ€]/u.test(m.text) ? 'unicode' : 'text', `type of ${JSON.stringify(m.text.slice(0, 20))}`);
  }
  const contact = gw.db.one(`select * from contacts where address = ${h.sql_string(`+${msisdn}`)}`);
  assert.ok(contact, 'the contact is +msisdn');
  assert.equal(Number(contact.notice_given), 1);
});

test('signed receipts move the outbox rows to delivered', async () => {
  const msisdn = new_msisdn();
  const r = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'menu' });
  assert.equal(r.status, 204);
  const { rows } = await settled_replies('vn', r.id);
  await h.wait_for(() => gw.db.query(`select status from outbox where id in (${rows.map((o) => o.id).join(',')})`).every((o) => o.status === 'delivered'),
    10000, 'every reply delivered');
  const mine = fake.receipts.filter((e) => rows.some((o) => String(o.id) === e.params['client-ref']));
  assert.ok(mine.length >= rows.length, 'receipts were posted');
  assert.ok(mine.every((e) => e.status === 204), 'every receipt answered 204');
});

test('a failed receipt on a sent row records the error code', async () => {
  fake.auto_receipts = false;
  try {
    const msisdn = new_msisdn();
    const r = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'hola' });
    const { rows } = await settled_replies('vn', r.id);
    const m = fake.sent_to(msisdn)[0];
    assert.equal(rows[0].status, 'sent');
    const rep = await fake.receipt_for(m, 'failed', { 'err-code': '6' });
    assert.equal(rep.status, 204);
    const row = await h.wait_for(() => gw.db.one(`select * from outbox where id = ${rows[0].id} and status = 'failed'`), 5000, 'failed applied');
    assert.equal(row.error_code, '6');
  } finally {
    fake.auto_receipts = true;
  }
});

test('the same messageId again (and five times at once) stores nothing new', async () => {
  const msisdn = new_msisdn();
  const messageId = fake_vonage.new_message_id();
  const first = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'Hola', messageId });
  assert.equal(first.status, 204);
  const { rows } = await settled_replies('vn', messageId);
  await fake.settle();
  const before_counts = counts();
  const sent_before = fake.sent.length;
  const again = await Promise.all(Array.from({ length: 5 }, () => fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'Hola', messageId })));
  for (const a of again) assert.equal(a.status, 204);
  assert.deepEqual(counts(), before_counts);
  assert.equal(gw.db.count(`select count(*) from outbox where inbound_id = ${rows[0].inbound_id}`), rows.length);
  assert.equal(fake.sent.length, sent_before);
});

test('bad, missing or stale signatures and wrong tokens: 4xx with a reason, nothing stored', async () => {
  await fake.settle();
  const before_counts = counts();
  const outbox_before = gw.db.query('select id, status, error_code from outbox order by id');
  const sent_before = fake.sent.length;
  const msisdn = new_msisdn();
  const plain = { msisdn, to: SIGNED_NUMBER, messageId: fake_vonage.new_message_id(), text: 'Hola', type: 'text', keyword: 'HOLA', 'message-timestamp': fake_vonage.vonage_time() };
  const good = fake.signed(plain);
  const cases = [
    ['tampered text', { ...good, text: 'STOP' }, 403],
    ['added parameter', { ...good, extra: '1' }, 403],
    ['signed with another secret', fake.signed(plain, { secret: 'not-the-secret' }), 403],
    ['signed with sha256 instead of md5hash', fake.signed(plain, { method: 'sha256' }), 403],
    ['ten minutes old', fake.signed(plain, { at: new Date(Date.now() - 10 * 60 * 1000) }), 403],
    ['ten minutes ahead', fake.signed(plain, { at: new Date(Date.now() + 10 * 60 * 1000) }), 403],
    ['no sig', plain, 401],
  ];
  for (const [what, params, status] of cases)
    for (const method of ['POST', 'GET', 'JSON'])
      assert_refused(await fake.inbound({ params, sign: false, method }), status, `${what} (${method})`);
  // A forged receipt for a real row changes nothing either.
  const real = fake.sent[0];
  assert_refused(await fake.inbound({ url: `${gw.url}/webhooks/vn/status?m=${real.client_ref}`, params: { messageId: real.message_ids[0], status: 'failed', 'err-code': '6', 'client-ref': real.client_ref }, sign: false }), 401, 'unsigned receipt');

  const token_cases = [
    ['no token', `${gw.url}/webhooks/vt`, 401],
    ['wrong token', `${gw.url}/webhooks/vt?token=${'0'.repeat(48)}`, 403],
    ['truncated token', `${gw.url}/webhooks/vt?token=${TOKEN.slice(0, -1)}`, 403],
  ];
  for (const [what, url, status] of token_cases) {
    assert_refused(await fake.inbound({ msisdn, to: TOKEN_NUMBER, text: 'Hola', url, sign: false }), status, what);
    assert_refused(await fake.inbound({ url: url.replace('/vt', '/vt/status'), params: { messageId: real.message_ids[0], status: 'failed', 'client-ref': real.client_ref }, sign: false }), status, `${what} (receipt)`);
  }
  assert.deepEqual(counts(), before_counts, 'nothing stored');
  assert.deepEqual(gw.db.query('select id, status, error_code from outbox order by id'), outbox_before, 'no status changed');
  assert.equal(fake.sent.length, sent_before, 'nothing sent');

  // The same message, signed right, is accepted: the refusals were about authentication.
  assert.equal((await fake.inbound({ params: good, sign: false })).status, 204);
});

test('token channel: GET and JSON webhooks, replies with the token in the receipt URL', async () => {
  for (const method of ['GET', 'JSON']) {
    const msisdn = new_msisdn();
    const r = await fake.inbound({ msisdn, to: TOKEN_NUMBER, text: 'Hola', url: token_url(), sign: false, method });
    assert.equal(r.status, 204, method);
    const { rows } = await settled_replies('vt', r.id);
    assert.ok(rows.length >= 2, `${method}: notice and menu`);
    const sent = fake.sent_to(msisdn);
    assert.equal(sent.length, rows.length);
    for (const [i, m] of sent.entries()) {
      assert.equal(m.from, TOKEN_NUMBER);
      assert.equal(m.callback, `${gw.public_url}/webhooks/vt/status?m=${rows[i].id}&token=${TOKEN}`);
    }
    // Receipts (signed by the fake, which a token channel ignores) come back through that URL.
    await h.wait_for(() => gw.db.query(`select status from outbox where id in (${rows.map((o) => o.id).join(',')})`).every((o) => o.status === 'delivered'), 10000, `${method}: delivered`);
  }
});

test('a long message in parts, out of order and retried, reaches the menus once, whole', async () => {
  const msisdn = new_msisdn();
  const ref = crypto.randomBytes(2).toString('hex').toUpperCase();
  const parts = ['Necesito ayuda con mis documentos, ', 'me robaron el pasaporte en Lima ', 'y no se a donde ir.'];
  const send = async (i) => {
    const r = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: parts[i], concat: { ref, total: parts.length, part: i + 1 } });
    assert.equal(r.status, 204, `part ${i + 1}`);
    assert.equal(r.body, '');
    return r;
  };
  await send(2);
  await send(0);
  await send(0); // Vonage retries part 1
  assert.equal(gw.db.count(`select count(*) from inbound_messages im join contacts c on c.id = im.contact_id where c.address = ${h.sql_string(`+${msisdn}`)}`), 0, 'nothing handled before the message is whole');
  const last = await send(1);
  const { inbound, rows } = await settled_replies('vn', last.id);
  assert.equal(inbound.text, parts.join(''), 'the parts in order');
  assert.ok(rows.length >= 2, 'the person is answered once the message is whole');
  await send(2); // a late retry of a part already used
  assert.equal(gw.db.count(`select count(*) from inbound_messages where contact_id = ${inbound.contact_id}`), 1, 'one message, however the parts came');
  // A part whose numbers make no sense is kept for an operator, still acknowledged.
  const q_before = gw.db.count('select count(*) from quarantine');
  const bad = await fake.inbound({ msisdn, to: SIGNED_NUMBER, text: 'x', concat: { ref, total: 2, part: 3 } });
  assert.equal(bad.status, 204);
  assert.equal(gw.db.count('select count(*) from quarantine'), q_before + 1);
});

test('the gateway logs no phone number, text or secret', async () => {
  await fake.settle();
  const logs = gw.logs();
  for (const m of fake.sent) assert.ok(!logs.includes(m.to), 'no recipient number in the logs');
  assert.ok(!logs.includes(TOKEN), 'the token is never logged');
  assert.ok(!logs.includes(SIGNATURE_SECRET), 'the signature secret is never logged');
  assert.ok(!logs.includes(fake.api_secret), 'the API secret is never logged');
});
