'use strict';
// A fake WhatsApp Cloud API for integration tests: a real HTTP server on loopback speaking the
// Graph send endpoint as documented (POST /{version}/{phone-number-id}/messages, Bearer token,
// 200 {"messaging_product","contacts","messages":[{"id":"wamid…"}]}; a wrong token gets 401 with
// error code 190), recording what it was asked to send: texts, and reply buttons and lists held to
// Meta's limits (§2.5; a person can tap them). It also plays Meta's side of the webhook:
// the GET verification handshake and notifications signed with X-Hub-Signature-256 over the exact
// bytes posted, unicode escaped the way Meta writes it (PROVIDERS.md §2.1–2.3).

const http = require('node:http');
const crypto = require('node:crypto');

const DEFAULT_PHONE_NUMBER_ID = '106540352242922';
const MAX_TEXT_CHARS = 4096;

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

function new_wamid() {
  return `wamid.${crypto.randomBytes(30).toString('base64')}`;
}

// JSON as Meta puts it on the wire: non-ASCII as \uXXXX (lower-case hex) and '/' as '\/'. A
// receiver that re-serialises the parsed body instead of hashing these bytes gets another
// signature.
function meta_json(value) {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

function hub_signature(app_secret, body, algorithm = 'sha256') {
  return `${algorithm}=${crypto.createHmac(algorithm, app_secret).update(Buffer.from(body, 'utf8')).digest('hex')}`;
}

function graph_error(code, message, { type = 'OAuthException', details, subcode } = {}) {
  const error = { message, type, code, fbtrace_id: crypto.randomBytes(12).toString('base64url') };
  if (subcode !== undefined) error.error_subcode = subcode;
  if (details) error.error_data = { messaging_product: 'whatsapp', details };
  return { error };
}

const unix_seconds = () => String(Math.floor(Date.now() / 1000));

// Meta's limits on interactive reply buttons and lists (PROVIDERS.md §2.5), in characters.
// Returns what is wrong (Graph's error details), or null for a message Meta accepts.
function interactive_problem(i) {
  const chars = (s) => [...s].length;
  const text_within = (s, min, max) => typeof s === 'string' && chars(s) >= min && chars(s) <= max;
  if (!i || typeof i !== 'object') return "Param interactive is required";
  if (!i.body || !text_within(i.body.text, 1, 1024)) return "Param interactive['body']['text'] must be 1 to 1024 characters long";
  if (i.header !== undefined && (i.header.type !== 'text' || !text_within(i.header.text, 1, 60))) return 'Header text must be 1 to 60 characters long (this fake has text headers only)';
  if (i.footer !== undefined && !text_within(i.footer.text, 1, 60)) return 'Footer text must be 1 to 60 characters long';
  const action = i.action || {};
  const unique = (values) => new Set(values).size === values.length;
  if (i.type === 'button') {
    const buttons = action.buttons;
    if (!Array.isArray(buttons) || buttons.length < 1 || buttons.length > 3) return 'Number of buttons must be 1 to 3';
    for (const b of buttons) {
      if (b.type !== 'reply' || !b.reply) return 'Button type must be reply';
      if (!text_within(b.reply.id, 1, 256)) return 'Button id must be 1 to 256 characters long';
      if (!text_within(b.reply.title, 1, 20)) return 'Button title length invalid. Min length: 1, Max length: 20';
    }
    if (!unique(buttons.map((b) => b.reply.title))) return 'Button title must be unique';
    if (!unique(buttons.map((b) => b.reply.id))) return 'Button id must be unique';
    return null;
  }
  if (i.type === 'list') {
    if (!text_within(action.button, 1, 20)) return 'List button label must be 1 to 20 characters long';
    const sections = action.sections;
    if (!Array.isArray(sections) || sections.length < 1 || sections.length > 10) return 'Number of sections must be 1 to 10';
    if (sections.length > 1 && !sections.every((s) => text_within(s.title, 1, 24))) return 'Section title is required (1 to 24 characters) with more than one section';
    const rows = sections.flatMap((s) => s.rows || []);
    if (rows.length < 1 || rows.length > 10) return 'Total row count must be 1 to 10';
    for (const r of rows) {
      if (!text_within(r.id, 1, 200)) return 'Row id must be 1 to 200 characters long';
      if (!text_within(r.title, 1, 24)) return 'Row title length invalid. Min length: 1, Max length: 24';
      if (r.description !== undefined && !text_within(r.description, 0, 72)) return 'Row description must be at most 72 characters long';
    }
    if (!unique(rows.map((r) => r.id))) return 'Row id must be unique';
    return null;
  }
  return 'this fake sends interactive button and list messages only';
}

// start(opts) → fake. Options: access_token, app_secret, verify_token, phone_number_id,
// display_phone_number, waba_id, host, webhook_url (the callback URL set in the App Dashboard;
// may be set later on the fake).
async function start(opts = {}) {
  const host = opts.host || '127.0.0.1';
  const fake = {
    access_token: opts.access_token || `EAAG${crypto.randomBytes(24).toString('hex')}`,
    app_secret: opts.app_secret || crypto.randomBytes(16).toString('hex'),
    verify_token: opts.verify_token || crypto.randomBytes(12).toString('hex'),
    phone_number_id: opts.phone_number_id || DEFAULT_PHONE_NUMBER_ID,
    display_phone_number: opts.display_phone_number || '5116409001',
    waba_id: opts.waba_id || '102290129340398',
    webhook_url: opts.webhook_url || null,
    sent: [],      // accepted sends: {wamid, version, to, recipient, text, interactive, preview_url, biz_opaque_callback_data, body, time}
    rejected: [],  // refused sends: {http_status, code, body, time}
    requests: [],  // every API request: {method, path, status, time}
    webhooks: [],  // notifications posted to the gateway: {bytes, status}
    faults: [],    // one-shot faults for the next sends: {status, code, message, retry_after, destroy, delay_ms}
    // The customer-service window (PROVIDERS.md §2.6) as Meta keeps it: numbers (digits) whose
    // window the test closed get 131047 for anything but a template until the person writes.
    closed_windows: new Set(),
    templates: new Map(), // approved templates: name -> [language codes]
  };
  fake.close_window = (digits) => fake.closed_windows.add(digits);
  fake.approve_template = (name, language) => fake.templates.set(name, [...(fake.templates.get(name) || []), language]);
  fake.templates_to = (digits) => fake.sent.filter((m) => m.to === digits && m.template);

  fake.fail_next = (n, fault) => { for (let i = 0; i < n; i++) fake.faults.push({ ...fault }); };
  fake.sent_to = (digits) => fake.sent.filter((m) => m.to === digits);
  fake.sign = (body, secret = fake.app_secret) => hub_signature(secret, body);

  function reply_json(res, status, obj, headers = {}) {
    const text = JSON.stringify(obj);
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
    return status;
  }

  function authenticated(req) {
    const m = /^Bearer\s+(.+)$/.exec(req.headers.authorization || '');
    if (!m) return false;
    const a = Buffer.from(m[1]);
    const b = Buffer.from(fake.access_token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  async function handle_send(req, res, version, number_id) {
    const raw = await read_body(req);
    const refuse = (status, code, message, extra = {}) => {
      fake.rejected.push({ http_status: status, code, body: raw, time: Date.now() });
      return reply_json(res, status, graph_error(code, message, extra));
    };
    if (!authenticated(req)) return refuse(401, 190, 'Invalid OAuth access token - Cannot parse access token');
    const fault = fake.faults.shift();
    if (fault && fault.delay_ms) await sleep(fault.delay_ms);
    if (fault && fault.destroy) { req.socket.destroy(); return 'destroyed'; }
    if (fault && fault.status) {
      fake.rejected.push({ http_status: fault.status, code: fault.code, body: raw, time: Date.now() });
      const headers = fault.retry_after ? { 'retry-after': String(fault.retry_after) } : {};
      return reply_json(res, fault.status, graph_error(fault.code, fault.message || 'Injected fault', { details: fault.message }), headers);
    }
    if (number_id !== fake.phone_number_id) {
      return refuse(400, 100, `Unsupported post request. Object with ID '${number_id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33, type: 'GraphMethodException' });
    }
    let body;
    try { body = JSON.parse(raw); } catch { return refuse(400, 100, 'Invalid parameter', { details: 'The request body is not JSON' }); }
    if (!body || body.messaging_product !== 'whatsapp') return refuse(400, 100, 'Invalid parameter', { details: 'messaging_product must be "whatsapp"' });
    if (!body.to && !body.recipient) return refuse(400, 100, 'Invalid parameter', { details: 'Param to or recipient is required' });
    if (body.type === 'template') return send_template(res, body, version, refuse);
    if (fake.closed_windows.has(body.to || body.recipient)) {
      return refuse(400, 131047, 'Re-engagement message', { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' });
    }
    if (body.type !== 'text' && body.type !== 'interactive') return refuse(400, 100, 'Invalid parameter', { details: 'this fake sends text and interactive messages only' });
    let text = null;
    if (body.type === 'text') {
      text = body.text && body.text.body;
      if (typeof text !== 'string' || text.length === 0) return refuse(400, 100, 'Invalid parameter', { details: "Param text['body'] is required" });
      if ([...text].length > MAX_TEXT_CHARS) return refuse(400, 100, 'Invalid parameter', { details: `Param text['body'] must be at most ${MAX_TEXT_CHARS} characters long.` });
    } else {
      const problem = interactive_problem(body.interactive);
      if (problem) return refuse(400, 100, 'Invalid parameter', { details: problem });
    }

    // text: the body of a text message (null for interactive); interactive: as sent.
    const m = {
      wamid: new_wamid(), version, to: body.to || null, recipient: body.recipient || null, text,
      interactive: body.type === 'interactive' ? body.interactive : null,
      preview_url: body.text ? body.text.preview_url : undefined, biz_opaque_callback_data: body.biz_opaque_callback_data ?? null,
      recipient_type: body.recipient_type, body, time: Date.now(),
    };
    fake.sent.push(m);
    const contact = body.to ? { input: body.to, wa_id: body.to } : { input: body.recipient, user_id: body.recipient };
    return reply_json(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: m.wamid }] });
  }

  // An approved template, allowed whatever the window (§2.5): name and language code required;
  // one Meta does not know is 132001.
  function send_template(res, body, version, refuse) {
    const t = body.template;
    if (!t || typeof t.name !== 'string' || !t.language || typeof t.language.code !== 'string') {
      return refuse(400, 100, 'Invalid parameter', { details: "Param template['name'] and template['language']['code'] are required" });
    }
    if (!(fake.templates.get(t.name) || []).includes(t.language.code)) {
      return refuse(404, 132001, 'Template name does not exist in the translation', { details: `template name (${t.name}) does not exist in ${t.language.code}` });
    }
    const m = {
      wamid: new_wamid(), version, to: body.to || null, recipient: body.recipient || null, text: null, template: t,
      biz_opaque_callback_data: body.biz_opaque_callback_data ?? null, body, time: Date.now(),
    };
    fake.sent.push(m);
    const contact = body.to ? { input: body.to, wa_id: body.to } : { input: body.recipient, user_id: body.recipient };
    return reply_json(res, 200, { messaging_product: 'whatsapp', contacts: [contact], messages: [{ id: m.wamid, message_status: 'accepted' }] });
  }

  // Media a person sent: GET /{version}/{media-id} with the Bearer token answers where to fetch it
  // (a short-lived URL, fetched with the same token); an expired or unknown id is Graph's 400
  // code 100 (subcode 33). add_media → {id, sha256}; media_requests: {path, authorization, status}.
  fake.media = new Map(); // id -> {content, mime_type, sha256, expired}
  fake.media_requests = [];
  fake.add_media = ({ content, mime_type }) => {
    const id = String(crypto.randomInt(1e14, 2.8e14));
    const bytes = Buffer.from(content);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    fake.media.set(id, { content: bytes, mime_type, sha256, expired: false });
    return { id, sha256 };
  };
  fake.expire_media = (id) => { fake.media.get(id).expired = true; };
  const download_links = new Map(); // token -> media id
  function handle_media(req, res, url) {
    const seen = { path: req.url, authorization: req.headers.authorization || null };
    fake.media_requests.push(seen);
    if (!authenticated(req)) return (seen.status = reply_json(res, 401, graph_error(190, 'Invalid OAuth access token - Cannot parse access token')));
    const download = /^\/media-download\/([0-9a-f]+)$/.exec(url.pathname);
    if (download) {
      const m = fake.media.get(download_links.get(download[1]) || '');
      if (!m || m.expired) return (seen.status = reply_json(res, 404, graph_error(100, 'Media not found')));
      res.writeHead(200, { 'content-type': m.mime_type, 'content-length': m.content.length });
      res.end(m.content);
      return (seen.status = 200);
    }
    const id = url.pathname.split('/')[2];
    const m = fake.media.get(id);
    if (!m || m.expired) {
      return (seen.status = reply_json(res, 400, graph_error(100, `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { subcode: 33, type: 'GraphMethodException' })));
    }
    const token = crypto.randomBytes(16).toString('hex');
    download_links.set(token, id);
    return (seen.status = reply_json(res, 200, {
      messaging_product: 'whatsapp', url: `${fake.url}/media-download/${token}`,
      mime_type: m.mime_type, sha256: m.sha256, file_size: String(m.content.length), id,
    }));
  }
  // A person's photo, voice note, video or document message (`type` as Meta writes it).
  fake.media_message = ({ from, type = 'audio', media_id, mime_type, sha256, caption, voice, id = new_wamid() }) => {
    const media = { mime_type, sha256, id: media_id };
    if (caption !== undefined) media.caption = caption;
    if (voice !== undefined) media.voice = voice;
    return { from, id, timestamp: unix_seconds(), type, [type]: media };
  };

  async function route(req, res) {
    const url = new URL(req.url, 'http://fake');
    if (req.method === 'GET' && (/^\/v\d+\.\d+\/\d+$/.test(url.pathname) || url.pathname.startsWith('/media-download/'))) {
      return handle_media(req, res, url);
    }
    const send = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
    if (!send) return reply_json(res, 400, graph_error(2500, `Unknown path components: ${url.pathname}`, { type: 'OAuthException' }));
    if (req.method !== 'POST') return reply_json(res, 400, graph_error(100, 'Unsupported get request.', { type: 'GraphMethodException' }));
    return handle_send(req, res, send[1], decodeURIComponent(send[2]));
  }

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, path: req.url, time: Date.now() };
    Promise.resolve(route(req, res))
      .then((status) => { entry.status = status; })
      .catch((e) => { entry.status = 500; if (!res.headersSent) reply_json(res, 500, graph_error(1, String(e.message))); })
      .finally(() => fake.requests.push(entry));
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port || 0, host, resolve);
  });
  fake.port = server.address().port;
  fake.url = `http://${host}:${fake.port}`;

  // --- Meta's side of the webhook --------------------------------------------------------------

  // The GET Meta sends when the callback URL is saved in the App Dashboard.
  fake.verify = async ({ url = fake.webhook_url, mode = 'subscribe', token = fake.verify_token, challenge = String(crypto.randomInt(1e9, 2e9)) } = {}) => {
    const target = new URL(url);
    if (mode !== null) target.searchParams.set('hub.mode', mode);
    if (challenge !== null) target.searchParams.set('hub.challenge', challenge);
    if (token !== null) target.searchParams.set('hub.verify_token', token);
    const res = await fetch(target, { signal: AbortSignal.timeout(10000) });
    return { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers), challenge };
  };

  // A person's text message (and the contacts[] entry Meta sends with it).
  fake.text_message = ({ from, text, id = new_wamid(), from_user_id, timestamp = unix_seconds() }) => {
    const m = { id, timestamp, type: 'text', text: { body: text } };
    if (from) m.from = from;
    if (from_user_id) m.from_user_id = from_user_id;
    return m;
  };
  // A person taps a reply button or a list row of a message the fake sent: only what that
  // message offered can be tapped (an old message's too: people scroll up). Meta sends the
  // reply id and title (and a row's description) with the tapped message as context.
  fake.tap_message = ({ sent, id, from = sent.to, wamid = new_wamid(), timestamp = unix_seconds() }) => {
    const i = sent.interactive;
    if (!i) throw new Error('fake_whatsapp: that message has nothing to tap');
    const m = { from, id: wamid, timestamp, type: 'interactive', context: { from: fake.display_phone_number, id: sent.wamid } };
    if (i.type === 'button') {
      const b = i.action.buttons.find((x) => x.reply.id === id);
      if (!b) throw new Error(`fake_whatsapp: no button ${id} on that message`);
      m.interactive = { type: 'button_reply', button_reply: { id: b.reply.id, title: b.reply.title } };
    } else {
      const r = i.action.sections.flatMap((s) => s.rows).find((x) => x.id === id);
      if (!r) throw new Error(`fake_whatsapp: no row ${id} on that message`);
      const reply = { id: r.id, title: r.title };
      if (r.description !== undefined) reply.description = r.description;
      m.interactive = { type: 'list_reply', list_reply: reply };
    }
    return m;
  };
  fake.tap = async ({ sent, id, name, ...options }) => {
    const message = fake.tap_message({ sent, id });
    const r = await fake.post_webhook(fake.notification({ messages: [message], contacts: [fake.contact({ wa_id: message.from, name })] }), options);
    return { ...r, id: message.id };
  };
  fake.contact = ({ wa_id, user_id, name = 'Usuario' }) => {
    const c = { profile: { name } };
    if (wa_id) c.wa_id = wa_id;
    if (user_id) c.user_id = user_id;
    return c;
  };
  // The status Meta reports for a message the fake accepted, echoing biz_opaque_callback_data.
  fake.status_of = (sent, status, { error_code, id = sent.wamid } = {}) => {
    const s = { id, status, timestamp: unix_seconds(), recipient_id: sent.to || sent.recipient };
    if (sent.biz_opaque_callback_data !== null) s.biz_opaque_callback_data = sent.biz_opaque_callback_data;
    if (status === 'sent' || status === 'delivered') {
      s.conversation = { id: crypto.randomBytes(16).toString('hex'), origin: { type: 'service' } };
      s.pricing = { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' };
    }
    if (error_code) s.errors = [{ code: error_code, title: 'Message failed', error_data: { details: 'injected' } }];
    return s;
  };
  // One notification: one entry, one "messages" change of our number (or `phone_number_id`).
  fake.notification = ({ messages = [], contacts = [], statuses = [], phone_number_id = fake.phone_number_id } = {}) => {
    const value = {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: fake.display_phone_number, phone_number_id },
    };
    if (contacts.length) value.contacts = contacts;
    if (messages.length) value.messages = messages;
    if (statuses.length) value.statuses = statuses;
    return { object: 'whatsapp_business_account', entry: [{ id: fake.waba_id, changes: [{ value, field: 'messages' }] }] };
  };

  // Posts a notification (an object, written as Meta writes JSON, or exact bytes as a string),
  // signed with the app secret unless `signature` is given (null: no signature header).
  fake.post_webhook = async (payload, { url = fake.webhook_url, signature, secret = fake.app_secret, timeout_ms = 30000 } = {}) => {
    if (!url) throw new Error('fake_whatsapp: no webhook_url set');
    const bytes = typeof payload === 'string' ? payload : meta_json(payload);
    const headers = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
    const sig = signature === undefined ? hub_signature(secret, bytes) : signature;
    if (sig !== null) {
      headers['x-hub-signature-256'] = sig;
      headers['x-hub-signature'] = hub_signature(secret, bytes, 'sha1');
    }
    const res = await fetch(url, { method: 'POST', headers, body: bytes, signal: AbortSignal.timeout(timeout_ms) });
    const r = { status: res.status, body: await res.text(), headers: Object.fromEntries(res.headers), bytes };
    fake.webhooks.push({ bytes: bytes.length, status: r.status });
    return r;
  };

  // A person texts our number: one signed notification with their message and profile.
  fake.inbound = async ({ from, text, id, name, user_id, ...options } = {}) => {
    if (from) fake.closed_windows.delete(from);  // the person's message opens the window again
    const message = fake.text_message({ from, text, id });
    const r = await fake.post_webhook(fake.notification({ messages: [message], contacts: [fake.contact({ wa_id: from, user_id, name })] }), options);
    return { ...r, id: message.id };
  };

  fake.close = async () => {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
  };
  return fake;
}

module.exports = { start, hub_signature, meta_json, new_wamid, graph_error, DEFAULT_PHONE_NUMBER_ID };
