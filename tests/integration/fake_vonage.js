'use strict';
// A fake Vonage SMS API for integration tests: a real HTTP server on loopback speaking the legacy
// SMS API as documented (POST /sms/json, form or JSON, api_key/api_secret checked → status 4, one
// messages[] entry per SMS part), recording sends. It also plays Vonage's webhooks: inbound SMS
// (GET query, POST form or POST JSON, signed when a signature secret is set, split into concat
// parts when asked) and delivery receipts to each send's `callback` URL.
//
// Signing follows PROVIDERS.md §4.2 and is written here independently of the gateway's C++; the
// integration story checks it against the documented test vector.

const http = require('node:http');
const crypto = require('node:crypto');
const { count_segments } = require('./fake_twilio');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function read_body(req, limit = 1024 * 1024) {
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

// md5hash: md5(string + secret); md5/sha1/sha256/sha512: HMAC keyed with the secret; hex.
function sign(params, secret, method = 'md5hash') {
  const text = Object.keys(params).filter((k) => k !== 'sig').sort()
    .map((k) => `&${k}=${String(params[k]).replace(/[&=]/g, '_')}`).join('');
  if (method === 'md5hash') return crypto.createHash('md5').update(text + secret).digest('hex');
  return crypto.createHmac(method, secret).update(text).digest('hex');
}

function vonage_time(d = new Date()) {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}

function new_message_id() {
  return crypto.randomBytes(9).toString('hex').toUpperCase().slice(0, 17);
}

// Sends `params` the way Vonage's dashboard setting says: 'GET' (query), 'POST' (form) or 'JSON'.
async function deliver(url, params, method = 'POST', timeout_ms = 10000) {
  let res;
  if (method === 'GET') {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.append(k, String(v));
    res = await fetch(u, { signal: AbortSignal.timeout(timeout_ms) });
  } else if (method === 'JSON') {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params), signal: AbortSignal.timeout(timeout_ms) });
  } else {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString(), signal: AbortSignal.timeout(timeout_ms) });
  }
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
}

// start(opts) → fake. Options: api_key, api_secret, signature_secret (null: webhooks unsigned),
// signature_method ('md5hash'), inbound_url (the dashboard's inbound URL; may be set later),
// webhook_method ('POST' | 'GET' | 'JSON'), auto_receipts (true: each accepted part gets an
// 'accepted' then 'delivered' receipt at its callback), receipt_delay_ms (5).
async function start(opts = {}) {
  const fake = {
    api_key: opts.api_key || crypto.randomBytes(4).toString('hex'),
    api_secret: opts.api_secret || crypto.randomBytes(8).toString('hex'),
    signature_secret: opts.signature_secret || null,
    signature_method: opts.signature_method || 'md5hash',
    inbound_url: opts.inbound_url || null,
    webhook_method: opts.webhook_method || 'POST',
    auto_receipts: opts.auto_receipts !== false,
    receipt_delay_ms: opts.receipt_delay_ms ?? 5,
    sent: [],      // accepted: {message_ids, to, from, text, type, callback, client_ref, status_report_req, parts, time}
    refused: [],   // {status, form}
    requests: [],
    receipts: [],  // {url, params, status | error}
    faults: [],    // one-shot: {http_status, body} or {status: '1'} (a messages[] status)
  };
  const pending = new Set();
  fake.fail_next = (n, fault) => { for (let i = 0; i < n; i++) fake.faults.push({ ...fault }); };
  fake.sent_to = (to) => fake.sent.filter((m) => m.to === to);

  // Adds timestamp, nonce and sig when this account signs its webhooks.
  fake.signed = (params, { at = new Date(), secret = fake.signature_secret, method = fake.signature_method } = {}) => {
    if (!secret) return params;
    const p = { ...params, timestamp: String(Math.floor(at.getTime() / 1000)), nonce: crypto.randomUUID() };
    return { ...p, sig: sign(p, secret, method) };
  };

  function reply(res, status, body, type = 'application/json') {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return status;
  }

  fake.receipt = async (url, params, method = fake.webhook_method) => {
    const entry = { url, params };
    try {
      const r = await deliver(url, fake.signed(params), method);
      entry.status = r.status;
      return r;
    } catch (e) {
      entry.error = String(e.cause?.code || e.message);
      throw e;
    } finally {
      fake.receipts.push(entry);
    }
  };

  function receipt_params(m, message_id, status) {
    return {
      msisdn: m.to, to: m.from, 'network-code': '71610', messageId: message_id, price: '0.03330000',
      status, scts: vonage_time().replace(/[- :]/g, '').slice(2, 12), 'err-code': status === 'delivered' || status === 'accepted' ? '0' : '1',
      'api-key': fake.api_key, ...(m.client_ref ? { 'client-ref': m.client_ref } : {}),
      'message-timestamp': vonage_time(),
    };
  }

  async function receipts_later(m) {
    for (const status of ['accepted', 'delivered']) {
      await sleep(fake.receipt_delay_ms);
      for (const id of m.message_ids) await fake.receipt(m.callback, receipt_params(m, id, status)).catch(() => {});
    }
  }
  fake.receipt_for = (m, status, extra = {}) => fake.receipt(m.callback, { ...receipt_params(m, m.message_ids[0], status), ...extra });

  async function handle_send(req, res) {
    const raw = await read_body(req);
    const type = req.headers['content-type'] || '';
    let form;
    if (/^application\/json/i.test(type)) {
      try { form = JSON.parse(raw); } catch { form = {}; }
    } else {
      form = Object.fromEntries(new URLSearchParams(raw));
    }
    const one = (status, text) => {
      fake.refused.push({ status, form });
      return reply(res, 200, { 'message-count': '1', messages: [{ status, 'error-text': text }] });
    };
    if (!form.api_key || !form.api_secret) return one('2', 'Missing api_key');
    const a = Buffer.from(`${form.api_key}:${form.api_secret}`);
    const b = Buffer.from(`${fake.api_key}:${fake.api_secret}`);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) return one('4', 'Bad Credentials');
    const fault = fake.faults.shift();
    if (fault && fault.http_status) return reply(res, fault.http_status, fault.body ?? '', fault.type || 'text/plain');
    if (fault && fault.status) return one(fault.status, 'Injected fault');
    if (!form.from) return one('2', 'Missing from param');
    if (!form.to) return one('2', 'Missing to param');
    if (!form.text) return one('2', 'Missing text param');
    if (!/^\d{7,15}$/.test(form.to)) return one('3', 'Invalid to param');
    const parts = count_segments(form.text);
    const m = {
      message_ids: Array.from({ length: parts }, new_message_id), to: form.to, from: form.from,
      text: form.text, type: form.type || 'text', callback: form.callback || null,
      client_ref: form['client-ref'] || null, status_report_req: form['status-report-req'] || null,
      parts, time: Date.now(),
    };
    fake.sent.push(m);
    if (fake.auto_receipts && m.callback && m.status_report_req === '1') {
      const p = receipts_later(m).finally(() => pending.delete(p));
      pending.add(p);
    }
    return reply(res, 200, {
      'message-count': String(parts),
      messages: m.message_ids.map((id) => ({ to: m.to, 'message-id': id, status: '0', 'remaining-balance': '3.14159265', 'message-price': '0.03330000', network: '71610' })),
    });
  }

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, path: req.url };
    fake.requests.push(entry);
    const url = new URL(req.url, 'http://fake');
    let done;
    if (url.pathname !== '/sms/json') done = Promise.resolve(reply(res, 404, 'Not found', 'text/plain'));
    else if (req.method !== 'POST') done = Promise.resolve(reply(res, 405, 'Method not allowed', 'text/plain'));
    else done = handle_send(req, res);
    done.then((s) => { entry.status = s; }).catch((e) => { entry.status = 500; if (!res.headersSent) reply(res, 500, String(e.message), 'text/plain'); });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port || 0, opts.host || '127.0.0.1', resolve);
  });
  fake.url = `http://${opts.host || '127.0.0.1'}:${server.address().port}`;

  // The handset side: msisdn (digits, no '+') texts our number `to`. Options: messageId,
  // method ('GET' | 'POST' | 'JSON'), url, params (sent as given, unsigned unless sign: true),
  // concat {ref, total, part}, sign (false: leave unsigned), at (Date for the timestamp).
  fake.inbound = async ({ msisdn, to, text, messageId, method, url, params, concat, sign: do_sign = true, at } = {}) => {
    const target = url || fake.inbound_url;
    if (!target) throw new Error('fake_vonage: no inbound_url');
    const id = messageId || new_message_id();
    let p = params;
    if (!p) {
      const keyword = String(text || '').trim().split(/\s+/)[0].toUpperCase();
      p = { msisdn, to, messageId: id, text, type: /^[\x00-\x7f]*$/.test(text || '') ? 'text' : 'unicode', keyword, 'message-timestamp': vonage_time() };
      if (concat) Object.assign(p, { concat: 'true', 'concat-ref': concat.ref, 'concat-total': String(concat.total), 'concat-part': String(concat.part) });
    }
    if (do_sign) p = fake.signed(p, { at });
    const r = await deliver(target, p, method || fake.webhook_method);
    return { ...r, id, params: p };
  };

  fake.settle = async () => { while (pending.size) await Promise.allSettled([...pending]); };
  fake.close = async () => {
    fake.auto_receipts = false;
    await Promise.race([fake.settle(), sleep(2000)]);
    server.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
  };
  return fake;
}

module.exports = { start, sign, vonage_time, new_message_id };
