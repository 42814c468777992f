'use strict';
// A fake Twilio for integration tests and benchmarks: a real HTTP server on loopback that implements
// the documented Messages API (Basic auth, 201 resources, 21610 after STOP), plays the handset side
// (signed inbound webhooks) and sends signed status callbacks. Signing uses the official `twilio`
// package, so it stays independent of the gateway's own C++ code. Faults can be injected on cue.

const http = require('node:http');
const https = require('node:https');
const crypto = require('node:crypto');
const twilio = require('twilio');

const API_VERSION = '2010-04-01';
// Twilio's default keywords on long codes (PROVIDERS.md §1.7); a message must be exactly one of them.
const OPT_OUT_KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT']);
const OPT_IN_KEYWORDS = new Set(['START', 'YES', 'UNSTOP']);

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

function new_sid(prefix) {
  return prefix + crypto.randomBytes(16).toString('hex');
}

// SMS segments the way carriers count them (PROVIDERS.md §8.2): GSM-7 160/153 septets, else UCS-2 70/67.
function count_segments(text) {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM7_BASIC.includes(ch)) septets += 1;
    else if (GSM7_EXTENSION.includes(ch)) septets += 2;
    else { gsm = false; break; }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = text.length; // UTF-16 code units
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function is_keyword(body, set) {
  return set.has(String(body).trim().toUpperCase());
}

function twilio_error(status, code, message) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

function read_body(req, limit = 2 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > limit) { reject(new Error('body too large')); req.destroy(); return; }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sleep_unless_closed(ms, socket) {
  return new Promise((resolve) => {
    if (socket.destroyed) { resolve(); return; }
    const done = () => { clearTimeout(timer); socket.off('close', done); resolve(); };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
  });
}

// An HTTPS POST that trusts only `ca` (PEM): fetch() cannot be given a CA of its own.
// Network errors throw like fetch's: an Error whose cause carries the code.
function post_https(url, headers, body, ca, timeout_ms) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method: 'POST', ca, agent: false, timeout: timeout_ms,
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', (e) => reject(Object.assign(new Error('fetch failed'), { cause: e })));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => reject(Object.assign(new Error('fetch failed'), { cause: e })));
    req.end(body);
  });
}

// POSTs a form signed against `url` with the account's token; `signature` overrides the header
// (null leaves it out); `ca` (PEM) is the one CA trusted for an https:// url. Returns
// {status, body, headers} or throws on a network error.
async function post_signed_form(url, params, auth_token, { signature, sign_url, headers = {}, timeout_ms = 15000, ca } = {}) {
  const body = new URLSearchParams(params).toString();
  const h = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'user-agent': 'TwilioProxy/1.1', ...headers };
  if (signature === undefined) h['x-twilio-signature'] = twilio.getExpectedTwilioSignature(auth_token, sign_url || url, params);
  else if (signature !== null) h['x-twilio-signature'] = signature;
  h['i-twilio-idempotency-token'] = crypto.randomUUID();
  if (ca && url.startsWith('https:')) {
    const r = await post_https(url, h, body, ca, timeout_ms);
    return { ...r, signature: h['x-twilio-signature'] };
  }
  const res = await fetch(url, { method: 'POST', headers: h, body, signal: AbortSignal.timeout(timeout_ms) });
  const text = await res.text();
  return { status: res.status, body: text, headers: Object.fromEntries(res.headers), signature: h['x-twilio-signature'] };
}

// start(opts) → fake. Options (all optional):
//   port (0 = ephemeral), host ('127.0.0.1'), account_sid, auth_token, webhook_url (inbound target;
//   may also be assigned later as fake.webhook_url), status_callbacks (true), status_delay_ms (5),
//   status_sequence(msg) → [{status, error_code?}] (default sent, delivered),
//   response_delay_ms (0), record (true; false keeps only counters, for benchmarks),
//   messaging_services ({MG..: ['+1..']}: numbers of a service, for From and opt-out scope),
//   ca (PEM: the CA trusted when calling an https:// webhook, e.g. a test CA; default: fetch's).
async function start(opts = {}) {
  const account_sid = opts.account_sid || new_sid('AC');
  const auth_token = opts.auth_token || crypto.randomBytes(16).toString('hex');
  const host = opts.host || '127.0.0.1';
  const record = opts.record !== false;
  const messaging_services = opts.messaging_services || {};

  const fake = {
    account_sid,
    auth_token,
    webhook_url: opts.webhook_url || null,
    status_callbacks: opts.status_callbacks !== false,
    status_delay_ms: opts.status_delay_ms ?? 5,
    status_sequence: opts.status_sequence || (() => [{ status: 'sent' }, { status: 'delivered' }]),
    response_delay_ms: opts.response_delay_ms ?? 0,
    callback_retry_delay_ms: opts.callback_retry_delay_ms ?? 200,
    sent: [],        // accepted sends: {sid, to, from, messaging_service_sid, body, status_callback, time, num_segments}
    rejected: [],    // refused sends: {to, from, body, http_status, code, time}
    requests: [],    // every API request: {method, path, status, time}
    callbacks: [],   // status callbacks: {url, params, http_status | error, time}
    inbounds: [],    // webhooks posted by the handset side: {params, status}
    auto_replies: [],// Twilio's own STOP/START confirmations to the handset (not sent through our API)
    counters: { sends_accepted: 0, sends_rejected: 0, requests: 0, callbacks: 0, callbacks_failed: 0 },
    opted_out: new Set(), // "handset\0our_number"
    faults: [],      // queued one-shot faults for sends: {status, body, destroy, delay_ms}
    messages: new Map(), // sid -> resource (for GET)
    ca: opts.ca || null,
  };

  const pending_callbacks = new Set();

  // Faults for the next n sends: {status, body} answers with that; {destroy: true} drops the
  // connection without an answer; {delay_ms} delays before the normal answer.
  fake.fail_next = (n, fault) => { for (let i = 0; i < n; i++) fake.faults.push({ ...fault }); };
  fake.clear_faults = () => { fake.faults.length = 0; };
  fake.is_opted_out = (handset, our_number) => fake.opted_out.has(`${handset}\0${our_number}`);
  fake.sent_to = (to) => fake.sent.filter((m) => m.to === to);
  fake.reset = () => {
    fake.sent.length = 0; fake.rejected.length = 0; fake.requests.length = 0;
    fake.callbacks.length = 0; fake.inbounds.length = 0; fake.auto_replies.length = 0;
  };

  function our_numbers_for(from, service_sid) {
    if (from) return [from];
    return messaging_services[service_sid] || [];
  }

  function recipient_opted_out(to, from, service_sid) {
    const numbers = our_numbers_for(from, service_sid);
    if (numbers.length === 0 && service_sid) {
      // Unknown service: an opt-out from any of our numbers counts (service-wide opt-out).
      for (const key of fake.opted_out) if (key.startsWith(`${to}\0`)) return true;
      return false;
    }
    return numbers.some((n) => fake.is_opted_out(to, n));
  }

  function message_resource(m) {
    const now = new Date(m.time).toUTCString().replace('GMT', '+0000');
    return {
      account_sid,
      api_version: API_VERSION,
      body: m.body,
      date_created: now,
      date_sent: null,
      date_updated: now,
      direction: 'outbound-api',
      error_code: null,
      error_message: null,
      from: m.from,
      messaging_service_sid: m.messaging_service_sid,
      num_media: '0',
      num_segments: String(m.num_segments),
      price: null,
      price_unit: 'USD',
      sid: m.sid,
      status: m.status,
      subresource_uris: { media: `/${API_VERSION}/Accounts/${account_sid}/Messages/${m.sid}/Media.json` },
      to: m.to,
      uri: `/${API_VERSION}/Accounts/${account_sid}/Messages/${m.sid}.json`,
    };
  }

  async function send_status_callbacks(m) {
    for (const step of fake.status_sequence(m)) {
      if (fake.status_delay_ms > 0) await sleep(fake.status_delay_ms);
      m.status = step.status;
      const params = {
        AccountSid: account_sid,
        ApiVersion: API_VERSION,
        From: m.from || '',
        MessageSid: m.sid,
        MessageStatus: step.status,
        SmsSid: m.sid,
        SmsStatus: step.status,
        To: m.to,
      };
      if (m.messaging_service_sid) params.MessagingServiceSid = m.messaging_service_sid;
      if (step.error_code) { params.ErrorCode = String(step.error_code); }
      if (step.status === 'delivered' || step.status === 'undelivered') {
        const d = new Date();
        const p = (x) => String(x).padStart(2, '0');
        params.RawDlrDoneDate = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}`;
      }
      const entry = { url: m.status_callback, params, time: Date.now() };
      fake.counters.callbacks += 1;
      // Twilio's default webhook policy (rc=1, rp=ct): one retry, only when the connection fails.
      for (let attempt = 1; attempt <= 2; attempt++) {
        try {
          const r = await post_signed_form(m.status_callback, params, auth_token, { timeout_ms: 5000, ca: fake.ca });
          entry.http_status = r.status;
          delete entry.error;
          if (r.status >= 400) fake.counters.callbacks_failed += 1;
          break;
        } catch (e) {
          entry.error = String(e.cause?.code || e.message);
          const connect_failed = ['ECONNREFUSED', 'EHOSTUNREACH'].includes(e.cause?.code);
          if (attempt === 2 || !connect_failed) { fake.counters.callbacks_failed += 1; break; }
          await sleep(fake.callback_retry_delay_ms);
        }
      }
      if (record) fake.callbacks.push(entry);
    }
  }

  function reply_json(res, status, obj) {
    const text = JSON.stringify(obj);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return status;
  }

  function authenticated(req) {
    const h = req.headers.authorization || '';
    const m = /^Basic\s+(.+)$/i.exec(h);
    if (!m) return false;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const pass = decoded.slice(colon + 1);
    const a = Buffer.from(`${user}:${pass}`);
    const b = Buffer.from(`${account_sid}:${auth_token}`);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  async function handle_send(req, res, path_account) {
    const fault = fake.faults.shift();
    const delay = (fault && fault.delay_ms) || fake.response_delay_ms;
    const raw = await read_body(req);
    // A client that goes away during the delay does not cancel the send: like the real API, a
    // request that arrived whole is processed even if nobody reads the answer.
    if (delay > 0) await sleep_unless_closed(delay, req.socket);
    if (fault && fault.destroy) { req.socket.destroy(); return 'destroyed'; }
    if (fault && fault.status) return reply_json(res, fault.status, fault.body || twilio_error(fault.status, fault.status === 429 ? 20429 : 20500, 'Injected fault'));
    if (path_account !== account_sid) return reply_json(res, 404, twilio_error(404, 20404, `The requested resource /${API_VERSION}/Accounts/${path_account}/Messages.json was not found`));

    const p = new URLSearchParams(raw);
    const to = p.get('To');
    const from = p.get('From');
    const service_sid = p.get('MessagingServiceSid');
    const body = p.get('Body');
    const refuse = (status, code, message) => {
      fake.counters.sends_rejected += 1;
      if (record) fake.rejected.push({ to, from, body, http_status: status, code, time: Date.now() });
      return reply_json(res, status, twilio_error(status, code, message));
    };
    if (!to) return refuse(400, 21604, "A 'To' phone number is required.");
    if (!from && !service_sid) return refuse(400, 21603, "A 'From' phone number is required.");
    if (!body && !p.get('MediaUrl') && !p.get('ContentSid')) return refuse(400, 21602, 'Message body is required.');
    if (body && [...body].length > 1600) return refuse(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (recipient_opted_out(to, from, service_sid)) return refuse(400, 21610, 'Attempt to send to unsubscribed recipient');

    const numbers = our_numbers_for(from, service_sid);
    const m = {
      sid: new_sid('SM'),
      to,
      from: from || numbers[0] || null,
      messaging_service_sid: service_sid || null,
      body: body || '',
      status_callback: p.get('StatusCallback') || null,
      num_segments: count_segments(body || ''),
      status: service_sid ? 'accepted' : 'queued',
      time: Date.now(),
    };
    fake.counters.sends_accepted += 1;
    if (record) { fake.sent.push(m); fake.messages.set(m.sid, m); }
    const status = reply_json(res, 201, message_resource(m));
    if (m.status_callback && fake.status_callbacks) {
      const p2 = send_status_callbacks(m).catch(() => {}).finally(() => pending_callbacks.delete(p2));
      pending_callbacks.add(p2);
    }
    return status;
  }

  // Media people sent (MMS, WhatsApp through Twilio). With "HTTP Basic Authentication for media
  // access" on, GET MediaUrl needs the account's Basic auth; Twilio then redirects to a
  // short-lived URL on its CDN (another origin), which needs none. add_media → the MediaUrl.
  // media_requests: {where: 'api' | 'cdn', path, authorization, status}; media_faults: one-shot
  // {status} answers for the next media GETs at the API.
  fake.media = new Map(); // 'MM…/ME…' -> {content, content_type}
  fake.media_requests = [];
  fake.media_faults = [];
  fake.add_media = ({ content, content_type, message_sid = new_sid('MM') }) => {
    const media_sid = new_sid('ME');
    fake.media.set(`${message_sid}/${media_sid}`, { content: Buffer.from(content), content_type });
    return `${fake.url}/${API_VERSION}/Accounts/${account_sid}/Messages/${message_sid}/Media/${media_sid}`;
  };
  const cdn_links = new Map(); // token -> media
  function handle_media(req, res, account, key) {
    const seen = { where: 'api', path: req.url, authorization: req.headers.authorization || null };
    fake.media_requests.push(seen);
    const fault = fake.media_faults.shift();
    if (fault) return (seen.status = reply_json(res, fault.status, twilio_error(fault.status, 20500, 'Injected fault')));
    if (!authenticated(req)) return (seen.status = reply_json(res, 401, twilio_error(401, 20003, 'Authenticate')));
    const m = fake.media.get(key);
    if (!m || account !== account_sid) return (seen.status = reply_json(res, 404, twilio_error(404, 20404, `The requested resource ${req.url} was not found`)));
    const token = crypto.randomBytes(16).toString('hex');
    cdn_links.set(token, m);
    res.writeHead(307, { location: `${fake.cdn_url}/${token}?Expires=${Math.floor(Date.now() / 1000) + 300}`, 'content-length': 0 });
    res.end();
    return (seen.status = 307);
  }
  const cdn = http.createServer((req, res) => {
    const seen = { where: 'cdn', path: req.url, authorization: req.headers.authorization || null };
    fake.media_requests.push(seen);
    const m = cdn_links.get(new URL(req.url, 'http://cdn').pathname.slice(1));
    if (!m) { seen.status = 403; res.writeHead(403, { 'content-type': 'application/xml' }); res.end('<Error><Code>AccessDenied</Code></Error>'); return; }
    seen.status = 200;
    res.writeHead(200, { 'content-type': m.content_type, 'content-length': m.content.length });
    res.end(m.content);
  });

  async function route(req, res) {
    const url = new URL(req.url, 'http://fake');
    const media = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\/Media\/([^/]+)$/.exec(url.pathname);
    if (media && req.method === 'GET') return handle_media(req, res, media[1], `${media[2]}/${media[3]}`);
    const send = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
    const fetch_one = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/.exec(url.pathname);
    if (!send && !fetch_one) return reply_json(res, 404, twilio_error(404, 20404, `The requested resource ${url.pathname} was not found`));
    if (!authenticated(req)) return reply_json(res, 401, twilio_error(401, 20003, 'Authenticate'));
    if (send) {
      if (req.method !== 'POST') return reply_json(res, 405, twilio_error(405, 20004, 'Method not allowed'));
      return handle_send(req, res, decodeURIComponent(send[1]));
    }
    if (req.method !== 'GET') return reply_json(res, 405, twilio_error(405, 20004, 'Method not allowed'));
    const m = fake.messages.get(fetch_one[2]);
    if (!m || fetch_one[1] !== account_sid) return reply_json(res, 404, twilio_error(404, 20404, `The requested resource ${url.pathname} was not found`));
    return reply_json(res, 200, message_resource(m));
  }

  const server = http.createServer((req, res) => {
    fake.counters.requests += 1;
    const entry = { method: req.method, path: req.url, time: Date.now() };
    Promise.resolve(route(req, res))
      .then((status) => { entry.status = status; })
      .catch((e) => { entry.status = 500; if (!res.headersSent) reply_json(res, 500, twilio_error(500, 20500, String(e.message))); })
      .finally(() => { if (record) fake.requests.push(entry); });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port || 0, host, resolve);
  });
  fake.port = server.address().port;
  fake.url = `http://${host}:${fake.port}`;
  await new Promise((resolve, reject) => {
    cdn.once('error', reject);
    cdn.listen(0, host, resolve);
  });
  fake.cdn_url = `http://${host}:${cdn.address().port}`;

  // The handset side: a person texts `body` from `from` to our number `to`; Twilio forwards it to
  // the webhook. Options: sid, url (where to POST; default fake.webhook_url), sign_url (sign for
  // another URL), signature (override; null = none), extra (more params), params (replace all).
  fake.inbound = async ({ from, to, body, sid, url, sign_url, signature, extra, params: given, headers, timeout_ms } = {}) => {
    const target = url || fake.webhook_url;
    if (!target) throw new Error('fake_twilio: no webhook_url set');
    const message_sid = sid || new_sid('SM');
    const params = given || {
      ToCountry: 'PE', ToState: '', SmsMessageSid: message_sid, NumMedia: '0', ToCity: '', FromZip: '',
      SmsSid: message_sid, FromState: '', SmsStatus: 'received', FromCity: '', Body: body,
      FromCountry: 'PE', To: to, ToZip: '', NumSegments: String(count_segments(body || '')),
      MessageSid: message_sid, AccountSid: account_sid, From: from, ApiVersion: API_VERSION,
      ...extra,
    };
    // Twilio blocks the pair first and still forwards the keyword (PROVIDERS.md §1.7).
    if (!given && is_keyword(body, OPT_OUT_KEYWORDS)) {
      fake.opted_out.add(`${from}\0${to}`);
      fake.auto_replies.push({ to: from, from: to, kind: 'opt_out', time: Date.now() });
    } else if (!given && is_keyword(body, OPT_IN_KEYWORDS)) {
      fake.opted_out.delete(`${from}\0${to}`);
      fake.auto_replies.push({ to: from, from: to, kind: 'opt_in', time: Date.now() });
    }
    const r = await post_signed_form(target, params, auth_token, { signature, sign_url, headers, timeout_ms, ca: fake.ca });
    if (record) fake.inbounds.push({ params, status: r.status });
    return { ...r, params, sid: message_sid };
  };

  // Posts a signed status callback by hand (e.g. out-of-order or duplicated statuses).
  fake.status_callback = async (url, params, options = {}) =>
    post_signed_form(url, { AccountSid: account_sid, ApiVersion: API_VERSION, ...params }, auth_token, { ca: fake.ca, ...options });

  fake.settle = async () => { while (pending_callbacks.size) await Promise.allSettled([...pending_callbacks]); };

  fake.close = async () => {
    fake.status_callbacks = false;
    await Promise.race([fake.settle(), new Promise((r) => setTimeout(r, 2000).unref())]);
    server.closeAllConnections?.();
    cdn.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
    await new Promise((r) => cdn.close(() => r()));
  };
  return fake;
}

module.exports = { start, count_segments, new_sid, OPT_OUT_KEYWORDS, OPT_IN_KEYWORDS, API_VERSION };

// CLI: node fake_twilio.js --port N --account-sid AC.. --auth-token T [--webhook-url URL]
//      [--no-status-callbacks] [--status-delay-ms N] [--no-record]
// Prints its URL on the first stdout line; on SIGINT/SIGTERM prints a JSON summary and exits.
if (require.main === module) {
  const args = process.argv.slice(2);
  const opt = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => { if (i + 1 >= args.length) throw new Error(`${a} needs a value`); return args[++i]; };
    if (a === '--port') opt.port = Number(value());
    else if (a === '--host') opt.host = value();
    else if (a === '--account-sid') opt.account_sid = value();
    else if (a === '--auth-token') opt.auth_token = value();
    else if (a === '--webhook-url') opt.webhook_url = value();
    else if (a === '--status-delay-ms') opt.status_delay_ms = Number(value());
    else if (a === '--response-delay-ms') opt.response_delay_ms = Number(value());
    else if (a === '--no-status-callbacks') opt.status_callbacks = false;
    else if (a === '--no-record') opt.record = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node fake_twilio.js [--port N] [--host H] [--account-sid AC..] [--auth-token T] [--webhook-url URL] [--status-delay-ms N] [--response-delay-ms N] [--no-status-callbacks] [--no-record]');
      process.exit(0);
    } else { console.error(`unknown argument ${a}`); process.exit(2); }
  }
  start(opt).then((fake) => {
    console.log(fake.url);
    const finish = async () => {
      await fake.close();
      console.log(JSON.stringify({ event: 'fake_twilio_summary', ...fake.counters, opted_out: fake.opted_out.size }));
      process.exit(0);
    };
    process.on('SIGINT', finish);
    process.on('SIGTERM', finish);
  }).catch((e) => { console.error(e.message); process.exit(1); });
}
