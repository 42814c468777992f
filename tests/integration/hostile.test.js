'use strict';
// The public webhook port faces the internet. About a thousand malformed or hostile requests over
// raw sockets and fetch (broken %-encodings, invalid UTF-8 under a valid signature, 10 MB bodies,
// 100 KB headers, wrong methods, unknown paths, garbage, stalled half-requests) each get a 4xx or a
// closed connection, store nothing, block nobody, and the gateway keeps serving.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const crypto = require('node:crypto');
const twilio = require('twilio');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let OUR;
let port;

before(async () => {
  fake = await fake_twilio.start();
  // A short read timeout keeps the stalled-connection story quick; the behaviour is the same.
  const dir = h.make_tmpdir('hostile');
  const config = h.write_config(dir, (c) => { c.server = { ...(c.server || {}), read_timeout_seconds: 3 }; });
  gw = await h.start_gateway({ fake, dir, config });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
  port = Number(gw.address.split(':').pop());
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

// Sends raw bytes (a Buffer, a string, or a function(socket) that writes) and reads what comes
// back. Resolves {status, headers, body, closed, error, ms} once a whole response has arrived, the
// server closed, or timeout_ms passed (closed=false then).
function raw(data, { timeout_ms = 15000 } = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const chunks = [];
    let settled = false;
    let error;
    const sock = net.connect(port, '127.0.0.1');
    const finish = (closed) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      const buf = Buffer.concat(chunks);
      const text = buf.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      const head_end = text.indexOf('\r\n\r\n');
      const head = head_end >= 0 ? text.slice(0, head_end) : text;
      const headers = {};
      for (const line of head.split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: m ? Number(m[1]) : null, headers, body: head_end >= 0 ? buf.subarray(head_end + 4).toString('utf8') : '', closed, error, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), timeout_ms);
    sock.on('data', (c) => {
      chunks.push(c);
      // A complete response with a Content-Length ends the wait without needing the close.
      const text = Buffer.concat(chunks).toString('latin1');
      const head_end = text.indexOf('\r\n\r\n');
      if (head_end < 0) return;
      const cl = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, head_end));
      if (cl && Buffer.concat(chunks).length >= head_end + 4 + Number(cl[1])) finish(true);
    });
    sock.on('error', (e) => { error = e.code; });
    sock.on('close', () => finish(true));
    sock.on('connect', () => {
      if (typeof data === 'function') data(sock);
      else sock.write(data, () => {});
    });
  });
}

function post(path, body, headers = {}) {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${b.length}\r\nConnection: close\r\n${extra}\r\n`), b]);
}

function request(method, path, headers = {}) {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n${extra}\r\n`;
}

// X-Twilio-Signature over raw value bytes (which may be invalid UTF-8): HMAC-SHA1 of URL + sorted
// name+value pairs, base64 (PROVIDERS.md §1.2). Only used where the SDK cannot take the bytes.
function sign_bytes(url, pairs) {
  const sorted = [...pairs].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  const parts = [Buffer.from(url)];
  for (const [k, v] of sorted) parts.push(Buffer.from(k), Buffer.isBuffer(v) ? v : Buffer.from(v));
  return crypto.createHmac('sha1', fake.auth_token).update(Buffer.concat(parts)).digest('base64');
}

function pct_bytes(buf) {
  return [...buf].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('');
}

// A webhook whose Body (or From) carries invalid UTF-8, correctly signed.
function signed_with_bytes(field, bytes) {
  const sid = fake_twilio.new_sid('SM');
  const pairs = [['MessageSid', sid], ['SmsSid', sid], ['AccountSid', fake.account_sid], ['From', '+51960000999'], ['To', OUR],
    ['Body', 'hola'], ['NumMedia', '0'], ['NumSegments', '1'], ['SmsStatus', 'received'], ['ApiVersion', '2010-04-01']]
    .map(([k, v]) => [k, k === field ? bytes : Buffer.from(v)]);
  const body = pairs.map(([k, v]) => `${k}=${pct_bytes(v)}`).join('&');
  return post('/webhooks/sms', body, { 'X-Twilio-Signature': sign_bytes(gw.webhook_url, pairs) });
}

const is4xx = (r) => r.status >= 400 && r.status < 500;
const json_reason = (r) => {
  if (!/^application\/json/.test(r.headers['content-type'] || '')) return false;
  try { return typeof JSON.parse(r.body).error === 'string'; } catch { return false; }
};

// The table of attacks: [label, payload, expectation(r) → true when acceptable].
function attacks() {
  const list = [];
  const add = (label, payload, expect, times = 1) => { for (let i = 0; i < times; i++) list.push([label, payload, expect]); };
  const four = (r) => is4xx(r) && json_reason(r);
  const four_or_closed = (r) => (r.status === null && r.closed) || is4xx(r);

  const broken = ['Body=%', 'Body=%G1', 'Body=%2', 'Body=abc%zz', 'From=%2B51%9&Body=x', '%%%%%%', 'Body=%E0%A4%A', '=%', '&&&=&=%', 'Body=%%41', 'a=%u0041', 'Body=%0'];
  for (const b of broken) add(`broken %-encoding ${b}`, post('/webhooks/sms', b), four, 20);
  for (const b of broken) add(`broken %-encoding (signed header) ${b}`, post('/webhooks/sms', b, { 'X-Twilio-Signature': 'L/OH5YylLD5NRKLltdqwSvS0BnU=' }), four, 10);

  const invalid_utf8 = [[0xc3, 0x28], [0xff], [0xfe, 0xff], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x61, 0x80, 0x62], [0xf4, 0x90, 0x80, 0x80]];
  for (const bytes of invalid_utf8) {
    // Correctly signed, so the refusal can only be about the bytes: 400, not 403.
    const bad_bytes = (r) => r.status === 400 && json_reason(r);
    add(`invalid UTF-8 in Body ${pct_bytes(Buffer.from(bytes))}`, () => signed_with_bytes('Body', Buffer.from(bytes)), bad_bytes, 10);
    add(`invalid UTF-8 in From ${pct_bytes(Buffer.from(bytes))}`, () => signed_with_bytes('From', Buffer.from(bytes)), bad_bytes, 2);
  }

  const methods = ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
  for (const m of methods) {
    add(`${m} /webhooks/sms`, request(m, '/webhooks/sms'), (r) => r.status === 405 && json_reason(r), 14);
    add(`${m} /webhooks/sms/status`, request(m, '/webhooks/sms/status'), (r) => r.status === 405 && json_reason(r), 8);
  }
  add('POST /healthz', post('/healthz', 'x=1'), (r) => r.status === 405 && json_reason(r), 20);

  const unknown = ['/', '/webhooks', '/webhooks/', '/webhooks/whatsapp', '/webhooks/sms/extra', '/admin', '/index.html', '/webhooks/SMS', '/healthz/x', '/.env', '/wp-login.php', '/webhooks/sms/status/x'];
  for (const p of unknown) {
    add(`GET ${p}`, request('GET', p), (r) => r.status === 404 && json_reason(r), 6);
    add(`POST ${p}`, post(p, 'Body=x'), (r) => r.status === 404 && json_reason(r), 4);
  }
  const weird = ['/%00', '/..%2f..%2fetc%2fpasswd', '/../../etc/passwd', '/webhooks/sms%2fstatus', '//webhooks//sms', '/webhooks/sms?' + 'a'.repeat(3000), '*', 'http://evil.example/webhooks/sms'];
  for (const p of weird) add(`GET ${p.slice(0, 40)}`, request('GET', p), four_or_closed, 4);

  const ten_mb = 10 * 1024 * 1024;
  add('10 MB body (Content-Length)', (sock) => {
    sock.write(`POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${ten_mb}\r\n\r\n`);
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let left = ten_mb;
    const pump = () => { while (left > 0) { left -= chunk.length; if (!sock.write(chunk)) { sock.once('drain', pump); return; } } };
    sock.on('error', () => {});
    pump();
  }, (r) => r.status === 413, 6);
  add('10 MB body (chunked)', (sock) => {
    sock.write('POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n');
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'b'), Buffer.from('\r\n')]);
    let left = ten_mb / 0x10000;
    const pump = () => { while (left > 0) { left -= 1; if (!sock.write(chunk)) { sock.once('drain', pump); return; } } if (left === 0) { left = -1; sock.write('0\r\n\r\n'); } };
    sock.on('error', () => {});
    pump();
  }, (r) => r.status === 413, 4);
  add('64 KiB + 1 body', post('/webhooks/sms', Buffer.alloc(64 * 1024 + 1, 'c')), (r) => r.status === 413, 10);

  const big = 'x'.repeat(100 * 1024);
  const header_limit = (r) => r.status === 431 || r.status === 400 || (r.status === null && r.closed);
  add('100 KB header value', request('GET', '/healthz', { 'X-Big': big }), header_limit, 10);
  add('many headers (100 KB)', request('GET', '/healthz', Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`X-H${i}`, 'y'.repeat(40)]))), header_limit, 5);
  add('100 KB request target', request('GET', '/healthz?' + big), (r) => r.status === 414 || header_limit(r), 5);

  const garbage = [
    'GARBAGE\r\n\r\n',
    'GET\r\n\r\n',
    'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
    'POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
    'POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
    'POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nBody=x',
    'POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nBody=x\r\n0\r\n\r\n',
    'POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n',
    'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\x00b\r\n\r\n',
    '\r\n\r\n\r\n\r\n',
  ];
  for (const g of garbage) add(`garbage ${JSON.stringify(g.slice(0, 30))}`, g, four_or_closed, 10);
  add('TLS ClientHello on a plain port', Buffer.from('16030100a5010000a10303' + '00'.repeat(160), 'hex'), four_or_closed, 20);
  add('random binary', () => crypto.randomBytes(2048), four_or_closed, 40);
  add('JSON body on the form webhook', post('/webhooks/sms', '{"Body":"x"}', { 'Content-Type': 'application/json' }), (r) => is4xx(r), 20);
  return list;
}

test('the byte-level signer agrees with the twilio SDK (so invalid-UTF-8 cases are validly signed)', () => {
  const params = { MessageSid: 'SM' + 'a'.repeat(32), From: '+51960000999', To: OUR, Body: 'Hola, ¿dónde está? 1+1=2 😀', NumMedia: '0' };
  const pairs = Object.entries(params).map(([k, v]) => [k, Buffer.from(v, 'utf8')]);
  assert.equal(sign_bytes(gw.webhook_url, pairs), twilio.getExpectedTwilioSignature(fake.auth_token, gw.webhook_url, params));
});

test('about a thousand hostile requests: each a 4xx or a closed connection, nothing stored', async () => {
  const before_rows = gw.db.count('select count(*) from inbound_messages') + gw.db.count('select count(*) from outbox');
  const list = attacks();
  assert.ok(list.length >= 900, `the table has ${list.length} attacks`);
  const failures = [];
  const tally = {};
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const [label, payload, expect] = list[next++];
      const r = await raw(typeof payload === 'function' && payload.length === 0 ? payload() : payload);
      const key = r.status === null ? (r.closed ? 'closed' : 'timeout') : String(r.status);
      tally[key] = (tally[key] || 0) + 1;
      if (!expect(r)) failures.push(`${label}: status ${r.status} closed=${r.closed} ${r.headers['content-type'] || ''} ${r.body.slice(0, 120)}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  console.log(`hostile: ${list.length} requests, outcomes ${JSON.stringify(tally)}`);
  const distinct = [...new Set(failures)];
  assert.deepEqual(distinct.slice(0, 30), [], `${failures.length} unexpected answers`);
  assert.ok(gw.alive(), 'the gateway is still running');
  const after_rows = gw.db.count('select count(*) from inbound_messages') + gw.db.count('select count(*) from outbox');
  assert.equal(after_rows, before_rows, 'no hostile request stored anything');
});

test('hostile requests over fetch too (keep-alive pool), then the server still answers', async () => {
  const base = gw.url;
  const cases = [
    ['PUT', '/webhooks/sms', 405], ['GET', '/webhooks/sms', 405], ['DELETE', '/healthz', 405],
    ['GET', '/nope', 404], ['POST', '/webhooks/other', 404],
  ];
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => {
    const [method, path, expected] = cases[i % cases.length];
    return fetch(base + path, { method, body: method === 'GET' || method === 'DELETE' ? undefined : 'Body=%ZZ', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      .then(async (r) => ({ expected, status: r.status, type: r.headers.get('content-type'), body: await r.text() }));
  }));
  for (const r of results) {
    assert.equal(r.status, r.expected);
    assert.match(r.type || '', /^application\/json/);
    assert.equal(typeof JSON.parse(r.body).error, 'string');
  }
  const bad = await fetch(base + '/webhooks/sms', { method: 'POST', body: 'Body=%E0%A4%A&From=%', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.ok(bad.status >= 400 && bad.status < 500);
});

test('stalled half-requests are closed after the read timeout and never block other clients', async () => {
  const stalled = [];
  const open_stalled = (text) => stalled.push(raw((sock) => sock.write(text), { timeout_ms: 40000 }));
  for (let i = 0; i < 30; i++) open_stalled('POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Le');
  for (let i = 0; i < 30; i++) open_stalled('POST /webhooks/sms HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nBody=hola');
  for (let i = 0; i < 10; i++) open_stalled('GET /hea');

  // With 70 connections hanging, a real message and a health check get through at once.
  const t0 = Date.now();
  const health = await fetch(`${gw.url}/healthz`, { signal: AbortSignal.timeout(3000) });
  assert.equal(health.status, 200);
  const r = await h.person(gw, fake, '+51960000001', OUR).say('hola', { timeout_ms: 10000 });
  assert.equal(r.status, 200);
  assert.ok(r.replies.length >= 2);
  assert.ok(Date.now() - t0 < 10000, 'served while others stall');

  const outcomes = await Promise.all(stalled);
  for (const o of outcomes) {
    assert.equal(o.closed, true, `a stalled connection was not closed within 40 s (${JSON.stringify(o)})`);
    assert.ok(o.status === null || o.status === 408 || o.status === 400, `stalled: got ${o.status}`);
  }
  const slowest = Math.max(...outcomes.map((o) => o.ms));
  console.log(`stalled connections closed after at most ${slowest} ms`);
});

test('after all that: a valid signed webhook and /healthz still work, the process is alive', async () => {
  const r = await h.person(gw, fake, '+51960000002', OUR).say('hola');
  assert.equal(r.status, 200);
  assert.equal(r.body, h.XML_EMPTY_RESPONSE);
  assert.ok(r.replies.length >= 2);
  const health = await fetch(`${gw.url}/healthz`);
  assert.equal(health.status, 200);
  assert.ok(gw.alive());
  assert.equal(gw.db.count("select count(*) from inbound_messages where text not in ('hola')"), 0, 'only the valid messages were stored');
});
