'use strict';
// Only Twilio, signing with the account's token over the exact webhook URL and every parameter, can
// make the gateway act: a bad, missing, replayed-for-another-URL or tampered signature gets 403 with
// a JSON reason and leaves the store untouched; the same holds for status callbacks.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const twilio = require('twilio');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let OUR;
const TABLES = ['contacts', 'inbound_messages', 'outbox', 'cases', 'audit_log'];

function counts() {
  return Object.fromEntries(TABLES.map((t) => [t, gw.db.count(`select count(*) from ${t}`)]));
}

function assert_forbidden(r, what) {
  assert.equal(r.status, 403, `${what}: status`);
  assert.match(r.headers['content-type'] || '', /^application\/json/, `${what}: content type`);
  let body;
  assert.doesNotThrow(() => { body = JSON.parse(r.body); }, `${what}: JSON body`);
  assert.equal(typeof body.error, 'string', `${what}: {"error": ...}`);
  assert.ok(body.error.length > 0);
}

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('bad, missing, foreign-URL, wrong-token and tampered signatures: 403 and no rows', async () => {
  const before_counts = counts();
  const from = '+51920000001';
  const base = { from, to: OUR, body: 'Hola' };
  const params_of = (sid) => ({
    MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, AccountSid: fake.account_sid, From: from, To: OUR,
    Body: 'Hola', NumMedia: '0', NumSegments: '1', SmsStatus: 'received', ApiVersion: '2010-04-01',
  });
  const attempts = [
    ['forged signature', { ...base, signature: 'L/OH5YylLD5NRKLltdqwSvS0BnU=' }],
    ['empty signature', { ...base, signature: '' }],
    ['missing signature', { ...base, signature: null }],
    ['not base64', { ...base, signature: '%%%not-base64%%%' }],
    ['signed for another path', { ...base, sign_url: `${gw.url}/webhooks/other` }],
    ['signed for https', { ...base, sign_url: gw.webhook_url.replace('http:', 'https:') }],
    ['signed for another port', { ...base, sign_url: gw.webhook_url.replace(/:(\d+)\//, (_, p) => `:${Number(p) + 1}/`) }],
    ['signed with a trailing slash', { ...base, sign_url: `${gw.webhook_url}/` }],
    ['signed with a query string', { ...base, sign_url: `${gw.webhook_url}?x=1` }],
  ];
  for (const [what, opts] of attempts) assert_forbidden(await fake.inbound(opts), what);

  // Signed with another account's token.
  const sid1 = fake_twilio.new_sid('SM');
  const wrong_token = twilio.getExpectedTwilioSignature('0'.repeat(32), gw.webhook_url, params_of(sid1));
  assert_forbidden(await fake.inbound({ params: params_of(sid1), signature: wrong_token }), 'wrong token');

  // A valid signature over other parameters: Body changed, a parameter added, a parameter removed.
  const sid2 = fake_twilio.new_sid('SM');
  const good = twilio.getExpectedTwilioSignature(fake.auth_token, gw.webhook_url, params_of(sid2));
  assert_forbidden(await fake.inbound({ params: { ...params_of(sid2), Body: 'STOP' }, signature: good }), 'tampered body');
  assert_forbidden(await fake.inbound({ params: { ...params_of(sid2), Extra: '1' }, signature: good }), 'added parameter');
  const fewer = params_of(sid2);
  delete fewer.NumSegments;
  assert_forbidden(await fake.inbound({ params: fewer, signature: good }), 'removed parameter');

  assert.deepEqual(counts(), before_counts, 'nothing changed in the store');
  assert.equal(fake.sent.length, 0, 'nothing was sent');

  // The same message, signed right, is accepted: the refusals above were about the signature.
  const ok = await fake.inbound({ params: params_of(sid2) });
  assert.equal(ok.status, 200);
  assert.equal(ok.body, h.XML_EMPTY_RESPONSE);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = '${sid2}'`), 1);
});

test('status callbacks: bad or missing signature → 403 and no change; signed ones are monotonic', async () => {
  const p = h.person(gw, fake, '+51920000002', OUR);
  fake.status_callbacks = false; // this story plays the callbacks itself
  let row;
  try {
    const r = await p.say('hola');
    assert.equal(r.status, 200);
    row = r.rows[0];
    assert.ok(row && row.provider_message_id, 'a sent reply with a provider id');
  } finally {
    fake.status_callbacks = true;
  }
  const sid = row.provider_message_id;
  const sent = fake.sent.find((m) => m.sid === sid);
  const cb_url = sent.status_callback;
  assert.ok(cb_url && cb_url.startsWith(gw.status_url), `StatusCallback ${cb_url} is under ${gw.status_url}`);
  const cb = (status, extra = {}) => ({ MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, From: OUR, To: p.number, ...extra });
  const status_now = () => gw.db.one(`select status from outbox where id = ${row.id}`).status;
  const start_status = status_now();
  const before_counts = counts();

  assert_forbidden(await fake.status_callback(cb_url, cb('failed', { ErrorCode: '30003' }), { signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), 'forged callback');
  assert_forbidden(await fake.status_callback(cb_url, cb('failed', { ErrorCode: '30003' }), { signature: null }), 'unsigned callback');
  assert_forbidden(await fake.status_callback(cb_url, cb('failed'), { sign_url: gw.webhook_url }), 'callback signed for the inbound URL');
  assert.equal(status_now(), start_status);
  assert.deepEqual(counts(), before_counts);

  // Signed: delivered, then a late "sent" must not move it back.
  const delivered = await fake.status_callback(cb_url, cb('delivered', { RawDlrDoneDate: '2611241200' }));
  assert.ok(delivered.status >= 200 && delivered.status < 300, `delivered callback answered ${delivered.status}`);
  assert.equal(status_now(), 'delivered');
  const late = await fake.status_callback(cb_url, cb('sent'));
  assert.ok(late.status >= 200 && late.status < 300, `late callback answered ${late.status}`);
  assert.equal(status_now(), 'delivered', 'status never moves backwards');
  const dup = await fake.status_callback(cb_url, cb('delivered'));
  assert.ok(dup.status >= 200 && dup.status < 300);
  assert.equal(status_now(), 'delivered');
});
