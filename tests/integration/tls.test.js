'use strict';
// Built-in TLS as a CBO runs it without a reverse proxy: a throw-away PKI made here with the openssl
// CLI (root CA -> intermediate CA -> server certificate for 127.0.0.1 and localhost), the gateway on
// https://127.0.0.1:PORT with the chain file, the fake Twilio trusting only the root. Covers signed
// webhooks and delivery receipts over HTTPS, the scheme as part of the signature, plain HTTP sent to
// the TLS port, and TLS files that do not exist.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const net = require('node:net');
const http = require('node:http');
const https = require('node:https');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let dir;
let pki;
let fake;
let gw;
let T;
let OUR;
let next_number = 0;

function new_number() {
  return `+5192${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
}

function openssl(cwd, args) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

// Root CA -> intermediate CA -> server certificate (SAN IP:127.0.0.1, DNS:localhost), EC P-256.
// The certificate file is the chain (server then intermediate), as certbot's fullchain.pem; a
// client that trusts only the root verifies only if the gateway sends the intermediate too.
function make_pki(where) {
  const new_key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  fs.writeFileSync(path.join(where, 'ca.ext'),
    'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' +
    'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  fs.writeFileSync(path.join(where, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=critical,CA:FALSE\n' +
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' +
    'subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  openssl(where, ['req', '-x509', ...new_key, '-keyout', 'root.key', '-out', 'root.crt', '-days', '2',
    '-subj', '/CN=cwc-gateway test root CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  openssl(where, ['req', ...new_key, '-keyout', 'intermediate.key', '-out', 'intermediate.csr',
    '-subj', '/CN=cwc-gateway test intermediate CA']);
  openssl(where, ['x509', '-req', '-in', 'intermediate.csr', '-CA', 'root.crt', '-CAkey', 'root.key',
    '-set_serial', '0x' + crypto.randomBytes(8).toString('hex'), '-days', '2',
    '-extfile', 'ca.ext', '-out', 'intermediate.crt']);
  openssl(where, ['req', ...new_key, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
  openssl(where, ['x509', '-req', '-in', 'server.csr', '-CA', 'intermediate.crt', '-CAkey', 'intermediate.key',
    '-set_serial', '0x' + crypto.randomBytes(8).toString('hex'), '-days', '2',
    '-extfile', 'server.ext', '-out', 'server.crt']);
  const chain_file = path.join(where, 'fullchain.pem');
  fs.writeFileSync(chain_file, fs.readFileSync(path.join(where, 'server.crt'), 'utf8') +
    fs.readFileSync(path.join(where, 'intermediate.crt'), 'utf8'));
  return {
    root_ca: fs.readFileSync(path.join(where, 'root.crt'), 'utf8'),
    chain_file,
    key_file: path.join(where, 'server.key'),
  };
}

// GET over HTTPS trusting only the test root; resolves with status, body, the negotiated protocol
// and the peer's certificate chain.
function https_get(url, options = {}) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca: pki.root_ca, agent: false, timeout: 5000, ...options }, (res) => {
      const protocol = res.socket.getProtocol();
      const peer = res.socket.getPeerCertificate(true);
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body, protocol, peer }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within 5 s`)));
    req.on('error', reject);
  });
}

function listening_event(g) {
  const line = g.lines.find((l) => l.stream === 'stdout' && l.line.includes('"listening"'));
  assert.ok(line, 'a "listening" log line');
  return JSON.parse(line.line);
}

before(async () => {
  dir = h.make_tmpdir('tls');
  pki = make_pki(dir);
  fake = await fake_twilio.start({ ca: pki.root_ca });
  const config = h.write_config(dir, (cfg) => {
    cfg.server.tls = { certificate_file: pki.chain_file, private_key_file: pki.key_file };
  });
  gw = await h.start_gateway({ fake, dir, config });
  const cfg = h.load_config(config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('with TLS files and port 0 the gateway announces tls and an https public URL on the bound port', () => {
  const ev = listening_event(gw);
  assert.equal(ev.tls, true);
  assert.match(ev.address, /^127\.0\.0\.1:\d+$/);
  assert.notEqual(ev.address, '127.0.0.1:0');
  assert.equal(ev.public_url, `https://${ev.address}`);
  assert.equal(gw.webhook_url, `https://${ev.address}/webhooks/sms`);
  assert.ok(!gw.logs().includes('config.public_url_mismatch'), 'no scheme mismatch warning for an https public URL');
});

test('/healthz over HTTPS: 200 with TLS 1.2 and 1.3, by IP and by name, with the full chain sent', async () => {
  const tls12 = await https_get(`${gw.url}/healthz`, { maxVersion: 'TLSv1.2' });
  assert.equal(tls12.status, 200);
  assert.deepEqual(JSON.parse(tls12.body), { status: 'ok' });
  assert.equal(tls12.protocol, 'TLSv1.2');

  const tls13 = await https_get(`${gw.url}/healthz`, { minVersion: 'TLSv1.3' });
  assert.equal(tls13.status, 200);
  assert.equal(tls13.protocol, 'TLSv1.3');
  // The client trusts only the root: verification needed the intermediate from the server.
  assert.equal(tls13.peer.subject.CN, 'localhost');
  assert.match(tls13.peer.subjectaltname, /IP Address:127\.0\.0\.1/);
  assert.equal(tls13.peer.issuer.CN, 'cwc-gateway test intermediate CA');

  const port = gw.address.split(':').pop();
  const by_name = await https_get(`https://localhost:${port}/healthz`);
  assert.equal(by_name.status, 200);
});

test('a webhook signed for the https URL: 200 empty TwiML, replies reach the fake, receipts come back over HTTPS', async () => {
  const p = h.person(gw, fake, new_number(), OUR);
  const r = await p.say('Hola');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/xml/);
  assert.equal(r.body, h.XML_EMPTY_RESPONSE);
  assert.ok(r.replies.length >= 2, `notice and menu, got ${JSON.stringify(r.replies)}`);
  assert.ok(r.replies[0].includes(T.text('first_contact_notice').trim()), 'the notice first');
  assert.ok(r.replies.slice(1).join('\n').includes(T.node_text('main').trim()), 'then the main menu');
  const at_fake = fake.sent_to(p.number);
  // Compared as sets: the dispatcher's workers can submit two replies to one person out of order
  // (reported separately); this file is about the transport.
  assert.deepEqual(at_fake.map((m) => m.body).sort(), [...r.replies].sort());
  // Each send asks for receipts at the https public URL; the fake (trusting the test root) posts
  // them there and the gateway moves the messages to delivered.
  for (const m of at_fake) assert.ok(m.status_callback.startsWith(`${gw.public_url}/webhooks/sms/status?m=`), m.status_callback);
  const ids = r.rows.map((o) => o.id).join(',');
  await h.wait_for(() => gw.db.query(`select status from outbox where id in (${ids})`).every((o) => o.status === 'delivered'),
    10000, 'delivery receipts over HTTPS to mark the replies delivered');
  const receipts = fake.callbacks.filter((c) => at_fake.some((m) => m.sid === c.params.MessageSid));
  assert.ok(receipts.length >= at_fake.length, 'receipts were posted');
  assert.ok(receipts.every((c) => c.http_status === 200), `receipts answered 200: ${JSON.stringify(receipts.map((c) => c.http_status ?? c.error))}`);
});

test('the same webhook signed for the http:// URL is refused with 403 and stores nothing; signed for https it is taken', async () => {
  const number = new_number();
  const sid = fake_twilio.new_sid('SM');
  const http_url = gw.webhook_url.replace(/^https:/, 'http:');
  const refused = await fake.inbound({ from: number, to: OUR, body: 'Hola', sid, sign_url: http_url });
  assert.equal(refused.status, 403);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(sid)}`), 0);
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(number)}`), 0);

  // Only the scheme differed: the very same message signed for the https URL goes through once.
  const taken = await fake.inbound({ from: number, to: OUR, body: 'Hola', sid });
  assert.equal(taken.status, 200);
  assert.equal(taken.body, h.XML_EMPTY_RESPONSE);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(sid)}`), 1);
  await h.settle_replies(gw, fake, sid);
  assert.ok(fake.sent_to(number).length >= 1, 'the replies reached the fake');
});

test('plain HTTP sent to the TLS port is not served, and HTTPS keeps working', async () => {
  const port = Number(gw.address.split(':').pop());
  const sid = fake_twilio.new_sid('SM');
  const number = new_number();
  const params = { MessageSid: sid, SmsSid: sid, AccountSid: fake.account_sid, From: number, To: OUR, Body: 'Hola', NumMedia: '0' };
  const body = new URLSearchParams(params).toString();
  const signature = require('twilio').getExpectedTwilioSignature(fake.auth_token, `http://127.0.0.1:${port}/webhooks/sms`, params);
  // A raw socket: whatever comes back, and whether the server closes the connection.
  const outcome = await new Promise((resolve) => {
    const chunks = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(`POST /webhooks/sms HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        'Content-Type: application/x-www-form-urlencoded\r\n' +
        `X-Twilio-Signature: ${signature}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
    const timer = setTimeout(() => { socket.destroy(); resolve({ closed: false, data: Buffer.concat(chunks) }); }, 5000);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => { clearTimeout(timer); resolve({ closed: true, data: Buffer.concat(chunks) }); });
  });
  assert.ok(outcome.closed, 'the server closes a connection that does not speak TLS');
  assert.ok(!outcome.data.toString('latin1').startsWith('HTTP/'), `no HTTP answer, got ${JSON.stringify(outcome.data.toString('latin1').slice(0, 40))}`);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(sid)}`), 0);

  // An ordinary HTTP client gets an error, not a response.
  const plain = await new Promise((resolve) => {
    const req = http.get(`http://127.0.0.1:${port}/healthz`, { agent: false, timeout: 5000 }, (res) => { res.resume(); resolve({ status: res.statusCode }); });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ error: e.message }));
  });
  assert.ok(plain.error && plain.error !== 'timeout', `plain HTTP fails at once, got ${JSON.stringify(plain)}`);

  assert.ok(gw.alive(), 'the gateway is still running');
  const health = await https_get(`${gw.url}/healthz`);
  assert.equal(health.status, 200);
  const r = await h.person(gw, fake, new_number(), OUR).say('Hola');
  assert.equal(r.status, 200);
  assert.ok(r.replies.length >= 2);
});

// Runs serve on a TLS config whose `which` file does not exist (once per file, shared by the tests).
const missing_runs = new Map();
function run_with_missing(which) {
  if (!missing_runs.has(which)) {
    missing_runs.set(which, (async () => {
      const sub = h.make_tmpdir(`tls-no-${which}`);
      const missing = path.join(sub, which === 'key' ? 'no-such-privkey.pem' : 'no-such-fullchain.pem');
      const config = h.write_config(sub, (cfg) => {
        cfg.server.tls = which === 'key'
          ? { certificate_file: pki.chain_file, private_key_file: missing }
          : { certificate_file: missing, private_key_file: pki.key_file };
      });
      const r = await h.run_command(['serve', '--config', config, '--listen', '127.0.0.1:0', '--db', path.join(sub, 'gw.db')], {
        env: { TWILIO_ACCOUNT_SID: fake.account_sid, TWILIO_AUTH_TOKEN: fake.auth_token, TWILIO_API_BASE: fake.url },
      });
      return { ...r, missing, output: r.stdout + r.stderr };
    })());
  }
  return missing_runs.get(which);
}

test('a TLS key file (or certificate file) that does not exist: the gateway does not start, exit code non-zero', async () => {
  for (const which of ['key', 'certificate']) {
    const r = await run_with_missing(which);
    assert.equal(r.timed_out, false, `serve with a missing ${which} file kept running:\n${r.output}`);
    assert.notEqual(r.code, 0, `exit code with a missing ${which} file`);
    assert.equal(r.signal, null, `a clean exit, not a crash (${r.signal})`);
    assert.ok(!r.stdout.includes('"listening"'), `never listening:\n${r.output}`);
  }
});

// An operator must learn which file is wrong, and a failed start must leave no database behind.
test('a missing TLS key or certificate file is named in the error message', async () => {
  for (const which of ['key', 'certificate']) {
    const r = await run_with_missing(which);
    assert.ok(r.output.includes(r.missing), `the message names ${r.missing}, got:\n${r.output}`);
  }
});
