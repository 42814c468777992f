'use strict';
// The fake Twilio on its own, against the documented contract (PROVIDERS.md §1): Basic auth and
// 20003, required parameters, 201 Message resources, STOP/START and 21610, signed webhooks and
// status callbacks (checked with the SDK's validateRequest), segment counts, injected faults.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const twilio = require('twilio');
const fake_twilio = require('./fake_twilio');
const { wait_for } = require('./harness');

const OUR_NUMBER = '+51940000001';

// A local stand-in for the gateway's webhook endpoints: records each request and whether its
// X-Twilio-Signature validates for the URL it was sent to.
async function start_listener(token_of) {
  const seen = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const url = `http://127.0.0.1:${server.address().port}${req.url}`;
      const signature = req.headers['x-twilio-signature'];
      const valid = signature !== undefined && twilio.validateRequest(token_of(), signature, url, params);
      seen.push({ path: req.url, params, valid, headers: req.headers });
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { seen, base, close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }) };
}

let fake;
let listener;

function send(params, { sid = fake.account_sid, token = fake.auth_token, auth = true } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = 'Basic ' + Buffer.from(`${sid}:${token}`).toString('base64');
  return fetch(`${fake.url}/2010-04-01/Accounts/${sid}/Messages.json`, {
    method: 'POST', headers, body: new URLSearchParams(params).toString(),
  }).then(async (r) => ({ status: r.status, json: await r.json() }));
}

before(async () => {
  listener = await start_listener(() => fake.auth_token);
  fake = await fake_twilio.start({ status_delay_ms: 2 });
  fake.webhook_url = `${listener.base}/webhooks/sms`;
});
after(async () => {
  await fake.close();
  await listener.close();
});

test('wrong or missing credentials get 401 with Twilio error 20003', async () => {
  const expected = { code: 20003, message: 'Authenticate', more_info: 'https://www.twilio.com/docs/errors/20003', status: 401 };
  const body = { To: '+51940000123', From: OUR_NUMBER, Body: 'hola' };
  assert.deepEqual(await send(body, { token: 'wrong' }), { status: 401, json: expected });
  assert.deepEqual(await send(body, { auth: false }), { status: 401, json: expected });
  assert.equal(fake.sent.length, 0);
});

test('missing To, From or Body is refused with the documented codes', async () => {
  const cases = [
    [{ From: OUR_NUMBER, Body: 'x' }, 21604],
    [{ To: '+51940000123', Body: 'x' }, 21603],
    [{ To: '+51940000123', From: OUR_NUMBER }, 21602],
    [{ To: '+51940000123', From: OUR_NUMBER, Body: 'a'.repeat(1601) }, 21617],
  ];
  for (const [params, code] of cases) {
    const r = await send(params);
    assert.equal(r.status, 400, JSON.stringify(params));
    assert.equal(r.json.code, code);
    assert.equal(r.json.status, 400);
  }
  assert.equal(fake.sent.length, 0);
});

test('an accepted send answers 201 with a Message resource and is recorded', async () => {
  const r = await send({ To: '+51940000124', From: OUR_NUMBER, Body: '¿Dónde está la clínica?' });
  assert.equal(r.status, 201);
  assert.match(r.json.sid, /^SM[0-9a-f]{32}$/);
  assert.equal(r.json.status, 'queued');
  assert.equal(r.json.to, '+51940000124');
  assert.equal(r.json.from, OUR_NUMBER);
  assert.equal(r.json.body, '¿Dónde está la clínica?');
  assert.equal(r.json.num_segments, '1');
  assert.equal(r.json.account_sid, fake.account_sid);
  assert.ok(!Number.isNaN(Date.parse(r.json.date_created)));
  const rec = fake.sent.find((m) => m.sid === r.json.sid);
  assert.ok(rec);
  assert.equal(rec.body, '¿Dónde está la clínica?');
  assert.equal(rec.status_callback, null);

  const other = await send({ To: '+51940000124', MessagingServiceSid: 'MG' + '1'.repeat(32), Body: 'hi' });
  assert.equal(other.status, 201);
  assert.equal(other.json.status, 'accepted');
});

test('inbound webhooks are signed like Twilio and carry its parameters', async () => {
  const r = await fake.inbound({ from: '+51940000125', to: OUR_NUMBER, body: 'Hola, ¿qué tal? 1+1=2 😀' });
  assert.equal(r.status, 200);
  const got = listener.seen.at(-1);
  assert.equal(got.path, '/webhooks/sms');
  assert.equal(got.valid, true);
  assert.equal(got.params.Body, 'Hola, ¿qué tal? 1+1=2 😀');
  assert.equal(got.params.From, '+51940000125');
  assert.equal(got.params.To, OUR_NUMBER);
  assert.match(got.params.MessageSid, /^SM[0-9a-f]{32}$/);
  assert.equal(got.params.SmsSid, got.params.MessageSid);
  assert.equal(got.params.SmsMessageSid, got.params.MessageSid);
  assert.equal(got.params.AccountSid, fake.account_sid);
  assert.equal(got.params.NumMedia, '0');
  assert.equal(got.params.SmsStatus, 'received');
  assert.equal(got.params.ApiVersion, '2010-04-01');

  // A signature for another URL, a forged one, or none must not validate.
  await fake.inbound({ from: '+51940000125', to: OUR_NUMBER, body: 'x', sign_url: `${listener.base}/other` });
  assert.equal(listener.seen.at(-1).valid, false);
  await fake.inbound({ from: '+51940000125', to: OUR_NUMBER, body: 'x', signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
  assert.equal(listener.seen.at(-1).valid, false);
  await fake.inbound({ from: '+51940000125', to: OUR_NUMBER, body: 'x', signature: null });
  assert.equal(listener.seen.at(-1).headers['x-twilio-signature'], undefined);
});

test('STOP opts the pair out (still forwarded), sends then fail with 21610, START clears it', async () => {
  const person = '+51940000126';
  assert.equal((await send({ To: person, From: OUR_NUMBER, Body: 'antes' })).status, 201);
  const stop = await fake.inbound({ from: person, to: OUR_NUMBER, body: 'stop' });
  assert.equal(stop.status, 200);
  assert.equal(listener.seen.at(-1).params.Body, 'stop', 'the keyword is still forwarded to the webhook');
  assert.equal(fake.is_opted_out(person, OUR_NUMBER), true);

  const refused = await send({ To: person, From: OUR_NUMBER, Body: 'después' });
  assert.deepEqual(refused, {
    status: 400,
    json: { code: 21610, message: 'Attempt to send to unsubscribed recipient', more_info: 'https://www.twilio.com/docs/errors/21610', status: 400 },
  });
  assert.equal(fake.sent_to(person).length, 1);
  assert.equal(fake.rejected.at(-1).code, 21610);
  // Another sender number of ours is not affected by an opt-out from this one.
  assert.equal((await send({ To: person, From: '+51940000002', Body: 'otro' })).status, 201);

  await fake.inbound({ from: person, to: OUR_NUMBER, body: 'Start' });
  assert.equal(fake.is_opted_out(person, OUR_NUMBER), false);
  assert.equal((await send({ To: person, From: OUR_NUMBER, Body: 'de nuevo' })).status, 201);
});

test('only a whole-message keyword opts out, in any case', async () => {
  const rows = [
    ['STOP', true], ['stopall', true], ['Unsubscribe', true], ['cancel', true], ['END', true],
    ['quit', true], ['REVOKE', true], ['optout', true], [' stop ', true],
    ['STOP PLEASE', false], ['please stop', false], ['baja', false], ['stopp', false],
  ];
  let n = 0;
  for (const [body, opted] of rows) {
    const person = `+5194100${String(n++).padStart(4, '0')}`;
    await fake.inbound({ from: person, to: OUR_NUMBER, body });
    assert.equal(fake.is_opted_out(person, OUR_NUMBER), opted, body);
    const r = await send({ To: person, From: OUR_NUMBER, Body: 'x' });
    assert.equal(r.status, opted ? 400 : 201, body);
  }
});

test('status callbacks: sent then delivered, signed for the StatusCallback URL', async () => {
  const callback = `${listener.base}/webhooks/sms/status?ref=7`;
  const r = await send({ To: '+51940000127', From: OUR_NUMBER, Body: 'estado', StatusCallback: callback });
  assert.equal(r.status, 201);
  const seen = await wait_for(() => {
    const mine = listener.seen.filter((s) => s.params.MessageSid === r.json.sid);
    return mine.length === 2 && mine;
  }, 5000, 'two status callbacks');
  assert.deepEqual(seen.map((s) => s.params.MessageStatus), ['sent', 'delivered']);
  for (const s of seen) {
    assert.equal(s.path, '/webhooks/sms/status?ref=7');
    assert.equal(s.valid, true);
    assert.equal(s.params.SmsSid, r.json.sid);
    assert.equal(s.params.SmsStatus, s.params.MessageStatus);
    assert.equal(s.params.AccountSid, fake.account_sid);
    assert.equal(s.params.To, '+51940000127');
    assert.equal(s.params.From, OUR_NUMBER);
    assert.equal(s.params.ApiVersion, '2010-04-01');
  }
  assert.match(seen[1].params.RawDlrDoneDate, /^\d{10}$/);
  await wait_for(() => fake.callbacks.filter((c) => c.params.MessageSid === r.json.sid).length === 2, 2000, 'callbacks recorded');
  assert.ok(fake.callbacks.filter((c) => c.params.MessageSid === r.json.sid).every((c) => c.http_status === 200));
});

test('status callbacks can be switched off', async () => {
  fake.status_callbacks = false;
  try {
    const before_count = listener.seen.length;
    const r = await send({ To: '+51940000128', From: OUR_NUMBER, Body: 'x', StatusCallback: `${listener.base}/cb` });
    assert.equal(r.status, 201);
    // Give a callback every chance to arrive: a later message's callbacks come after it would.
    fake.status_callbacks = true;
    const probe = await send({ To: '+51940000128', From: OUR_NUMBER, Body: 'y', StatusCallback: `${listener.base}/probe` });
    await wait_for(() => listener.seen.filter((s) => s.params.MessageSid === probe.json.sid).length === 2, 5000, 'probe callbacks');
    assert.equal(listener.seen.slice(before_count).filter((s) => s.params.MessageSid === r.json.sid).length, 0);
  } finally {
    fake.status_callbacks = true;
  }
});

test('injected faults: statuses, dropped connections, then normal service', async () => {
  fake.fail_next(2, { status: 500 });
  fake.fail_next(1, { status: 429, body: { code: 20429, message: 'Too Many Requests', more_info: 'https://www.twilio.com/docs/errors/20429', status: 429 } });
  fake.fail_next(1, { destroy: true });
  const params = { To: '+51940000129', From: OUR_NUMBER, Body: 'x' };
  assert.equal((await send(params)).status, 500);
  assert.equal((await send(params)).status, 500);
  const throttled = await send(params);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.json.code, 20429);
  await assert.rejects(send(params));
  const ok = await send(params);
  assert.equal(ok.status, 201);
  assert.equal(fake.sent_to('+51940000129').length, 1);

  fake.fail_next(1, { delay_ms: 150 });
  const t0 = Date.now();
  assert.equal((await send(params)).status, 201);
  assert.ok(Date.now() - t0 >= 140);
});

test('unknown paths and other accounts get 404, wrong methods 405', async () => {
  const auth = 'Basic ' + Buffer.from(`${fake.account_sid}:${fake.auth_token}`).toString('base64');
  assert.equal((await fetch(`${fake.url}/2010-04-01/Nope`, { headers: { authorization: auth } })).status, 404);
  const other = 'AC' + '0'.repeat(32);
  const r = await fetch(`${fake.url}/2010-04-01/Accounts/${other}/Messages.json`, {
    method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'To=%2B1&From=%2B2&Body=x',
  });
  assert.equal(r.status, 404);
  const g = await fetch(`${fake.url}/2010-04-01/Accounts/${fake.account_sid}/Messages.json`, { headers: { authorization: auth } });
  assert.equal(g.status, 405);
});

test('segment counts agree with the shared fixture (two independent calculators)', () => {
  const fixture_dir = process.env.CWC_SOURCE_DIR ? path.join(process.env.CWC_SOURCE_DIR, '..', 'shared') : path.join(__dirname, '..', '..', '..', 'shared');
  const file = path.join(fixture_dir, 'fixtures', 'sms_segments.json');
  if (!fs.existsSync(file)) return; // shared/ sits beside the repo in CI and on developer machines
  const { vectors } = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.ok(vectors.length > 10);
  for (const v of vectors) assert.equal(fake_twilio.count_segments(v.text), v.calc_segments, v.label);
});

test('the CLI prints its URL, serves the API and summarises on SIGTERM', async () => {
  const { spawn } = require('node:child_process');
  const token = 'cli_token_123';
  const sid = 'AC' + 'c'.repeat(32);
  const child = spawn(process.execPath, [path.join(__dirname, 'fake_twilio.js'), '--port', '0', '--account-sid', sid, '--auth-token', token], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  try {
    const url = await wait_for(() => /^(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out)?.[1], 5000, 'CLI URL');
    const r = await fetch(`${url}/2010-04-01/Accounts/${sid}/Messages.json`, {
      method: 'POST',
      headers: { authorization: 'Basic ' + Buffer.from(`${sid}:${token}`).toString('base64'), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'To=%2B51940000130&From=%2B51940000001&Body=hola',
    });
    assert.equal(r.status, 201);
    const exited = new Promise((r2) => child.once('exit', r2));
    child.kill('SIGTERM');
    await exited;
    const summary = JSON.parse(out.trim().split('\n').at(-1));
    assert.equal(summary.event, 'fake_twilio_summary');
    assert.equal(summary.sends_accepted, 1);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});
