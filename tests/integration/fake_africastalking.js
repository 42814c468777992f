'use strict';
// A fake Africa's Talking for integration tests: a real HTTP server on loopback speaking the SMS
// send API as documented (POST /version1/messaging, apiKey header, form fields, 201 JSON with one
// entry per recipient; a wrong apiKey or username gets 401), recording what it was asked to send.
// It also plays AT's callbacks: incoming messages and delivery reports posted as forms to the
// URLs an operator would set in the AT dashboard (tokens included by the test).

const http = require('node:http');
const crypto = require('node:crypto');

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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function new_message_id() {
  return `ATXid_${crypto.randomBytes(16).toString('hex')}`;
}

// AT's callback date: both shapes have been seen (PROVIDERS.md §3.1).
function at_date(d = new Date(), iso = true) {
  const s = d.toISOString().slice(0, 19);
  return iso ? `${s}Z` : s.replace('T', ' ');
}

async function post_form(url, params, timeout_ms = 10000) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(timeout_ms),
  });
  return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers) };
}

// Per-recipient status codes as AT lists them.
const RECIPIENT_STATUS = {
  100: 'Processed', 101: 'Success', 102: 'Queued', 401: 'RiskHold', 402: 'InvalidSenderId',
  403: 'InvalidPhoneNumber', 404: 'UnsupportedNumberType', 405: 'InsufficientBalance',
  406: 'UserInBlacklist', 407: 'CouldNotRoute', 409: 'DoNotDisturbRejection',
  500: 'InternalServerError', 501: 'GatewayError', 502: 'RejectedByGateway',
};

// start(opts) → fake. Options: api_key, username ('sandbox'), host, inbound_url and
// delivery_report_url (the dashboard's callback URLs; may be set later on the fake),
// auto_reports (true: after each accepted send, post Sent then Success to delivery_report_url),
// report_delay_ms (5).
async function start(opts = {}) {
  const fake = {
    api_key: opts.api_key || `atsk_${crypto.randomBytes(24).toString('hex')}`,
    username: opts.username || 'sandbox',
    inbound_url: opts.inbound_url || null,
    delivery_report_url: opts.delivery_report_url || null,
    auto_reports: opts.auto_reports !== false,
    report_delay_ms: opts.report_delay_ms ?? 5,
    sent: [],      // accepted: {id, to, from, message, username, bulk_sms_mode, time}
    refused: [],   // {http_status, reason, form}
    requests: [],  // every API request: {method, path, status}
    reports: [],   // delivery reports posted: {params, status | error}
    faults: [],    // one-shot: {status, body} or {recipient_status: 405}
  };
  const pending = new Set();

  fake.fail_next = (n, fault) => { for (let i = 0; i < n; i++) fake.faults.push({ ...fault }); };
  fake.sent_to = (to) => fake.sent.filter((m) => m.to === to);

  function reply(res, status, body, type = 'application/json') {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
    res.end(text);
    return status;
  }

  fake.delivery_report = async (id, status, extra = {}) => {
    if (!fake.delivery_report_url) throw new Error('fake_africastalking: no delivery_report_url');
    const params = { id, status, phoneNumber: extra.phoneNumber || '', networkCode: '63902', ...extra };
    if (!['Rejected', 'Failed'].includes(status) || params.failureReason === undefined) delete params.failureReason;
    const entry = { params };
    try {
      const r = await post_form(fake.delivery_report_url, params);
      entry.status = r.status;
      fake.reports.push(entry);
      return r;
    } catch (e) {
      entry.error = String(e.cause?.code || e.message);
      fake.reports.push(entry);
      throw e;
    }
  };

  async function report_later(m) {
    for (const status of ['Sent', 'Success']) {
      await sleep(fake.report_delay_ms);
      await fake.delivery_report(m.id, status, { phoneNumber: m.to }).catch(() => {});
    }
  }

  async function handle_send(req, res) {
    const raw = await read_body(req);
    const key = req.headers.apikey || '';
    const given = Buffer.from(String(key));
    const expected = Buffer.from(fake.api_key);
    const form = Object.fromEntries(new URLSearchParams(raw));
    const refuse = (status, reason) => {
      fake.refused.push({ http_status: status, reason, form });
      return reply(res, status, reason, 'text/plain');
    };
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected) || form.username !== fake.username)
      return refuse(401, 'The supplied authentication is invalid');
    if (!/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] || ''))
      return refuse(415, 'Unsupported content type');
    const fault = fake.faults.shift();
    if (fault && fault.status) return reply(res, fault.status, fault.body ?? '', fault.type || 'text/plain');
    if (!form.to) return refuse(400, "Request is missing required form field 'to'");
    if (!form.message) return refuse(400, "Request is missing required form field 'message'");
    const recipients = form.to.split(',').map((n) => n.trim());
    const entries = recipients.map((number) => {
      const code = (fault && fault.recipient_status) || (/^\+\d{8,15}$/.test(number) ? 101 : 403);
      const ok = code === 100 || code === 101 || code === 102;
      const entry = { statusCode: code, number, status: RECIPIENT_STATUS[code] || 'Failed', cost: ok ? 'KES 0.8000' : '0', messageId: ok ? new_message_id() : 'None' };
      if (ok) {
        const m = { id: entry.messageId, to: number, from: form.from || null, message: form.message, username: form.username, bulk_sms_mode: form.bulkSMSMode, link_id: form.linkId ?? null, time: Date.now() };
        fake.sent.push(m);
        if (fake.auto_reports && fake.delivery_report_url) {
          const p = report_later(m).finally(() => pending.delete(p));
          pending.add(p);
        }
      }
      return entry;
    });
    const n_ok = entries.filter((e) => e.messageId !== 'None').length;
    return reply(res, 201, { SMSMessageData: { Message: `Sent to ${n_ok}/${entries.length} Total Cost: KES ${(0.8 * n_ok).toFixed(4)}`, Recipients: entries } });
  }

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, path: req.url };
    fake.requests.push(entry);
    const url = new URL(req.url, 'http://fake');
    let done;
    if (url.pathname !== '/version1/messaging') done = Promise.resolve(reply(res, 404, 'Not found', 'text/plain'));
    else if (req.method !== 'POST') done = Promise.resolve(reply(res, 405, 'Method not allowed', 'text/plain'));
    else done = handle_send(req, res);
    done.then((s) => { entry.status = s; }).catch((e) => { entry.status = 500; if (!res.headersSent) reply(res, 500, String(e.message), 'text/plain'); });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port || 0, opts.host || '127.0.0.1', resolve);
  });
  fake.url = `http://${opts.host || '127.0.0.1'}:${server.address().port}`;

  // The handset side: a person texts our short code; AT posts the incoming-message callback.
  fake.inbound = async ({ from, to, text, id, linkId, date, url, params } = {}) => {
    const target = url || fake.inbound_url;
    if (!target) throw new Error('fake_africastalking: no inbound_url');
    const message_id = id || crypto.randomUUID();
    const body = params || {
      linkId: linkId || crypto.randomUUID(), text: text ?? '', to, id: message_id,
      date: date || at_date(), from, networkCode: '63902',
    };
    const r = await post_form(target, body);
    return { ...r, id: message_id, params: body };
  };

  // A Bulk SMS opt-out notice for our sender id.
  fake.opt_out = async ({ phoneNumber, senderId, url } = {}) =>
    post_form(url || fake.inbound_url, { senderId, phoneNumber });

  fake.settle = async () => { while (pending.size) await Promise.allSettled([...pending]); };
  fake.close = async () => {
    fake.auto_reports = false;
    await Promise.race([fake.settle(), sleep(2000)]);
    server.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
  };
  return fake;
}

module.exports = { start, at_date, new_message_id, RECIPIENT_STATUS };
