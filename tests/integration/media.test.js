'use strict';
// Media people send, downloaded into the store after the acknowledgement: a Twilio MMS voice note
// (Basic auth at Twilio, then its CDN without credentials) and a WhatsApp voice note (Graph's
// locator, then the download, both with the Bearer token) end up byte for byte in media.content;
// an oversized file and a refused type fail with their reason; a 500 is retried; an expired
// WhatsApp media id fails as gone; a foreign host never sees our credentials; a complaint whose
// description is a voice note finds its recording through cases.inbound_id.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const http = require('node:http');
const fake_twilio = require('./fake_twilio');
const fake_whatsapp = require('./fake_whatsapp');
const h = require('./harness');

const MAX_BYTES = 3 * 1024 * 1024;
const OUR_WHATSAPP = '+5116409001';
const PHONE_NUMBER_ID = '106540352242922';

let twilio;
let meta;
let gw;
let cfg;
let T;
let OUR;
let next_number = 0;

const new_number = () => `+5193${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;

// Media rows of an inbound message, once none is pending any more.
async function settled_media(inbound_id, timeout_ms = 20000) {
  return h.wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    const rows = gw.db.query(`select id, kind, status, error, attempts, size_bytes, mime_type, sha256, lower(hex(content)) as hex from media where inbound_id = ${inbound_id} order by id`);
    return rows.length > 0 && rows.every((r) => r.status !== 'pending') && rows;
  }, timeout_ms, `media of inbound ${inbound_id} to leave pending`);
}

// An MMS through Twilio: `media` is [{url, content_type}]; returns the stored inbound row.
async function send_mms(from, media, body = '') {
  const extra = { NumMedia: String(media.length) };
  media.forEach((m, i) => { extra[`MediaUrl${i}`] = m.url; extra[`MediaContentType${i}`] = m.content_type; });
  const r = await twilio.inbound({ from, to: OUR, body, extra });
  assert.equal(r.status, 200);
  assert.equal(r.body, h.XML_EMPTY_RESPONSE);
  return (await h.settle_replies(gw, twilio, r.sid)).inbound;
}

before(async () => {
  twilio = await fake_twilio.start();
  meta = await fake_whatsapp.start({ phone_number_id: PHONE_NUMBER_ID });
  const dir = h.make_tmpdir('media');
  const config = h.write_config(dir, (c) => {
    c.server = { ...(c.server || {}), media: { max_bytes: MAX_BYTES } };
    c.channels.push({
      id: 'whatsapp', type: 'whatsapp_cloud', address: OUR_WHATSAPP, phone_number_id: PHONE_NUMBER_ID,
      access_token_env: 'WHATSAPP_ACCESS_TOKEN', app_secret_env: 'WHATSAPP_APP_SECRET',
      verify_token_env: 'WHATSAPP_VERIFY_TOKEN', api_base_env: 'WHATSAPP_API_BASE', sends_per_second: 1000,
    });
    return c;
  });
  gw = await h.start_gateway({
    fake: twilio, dir, config,
    env: {
      WHATSAPP_ACCESS_TOKEN: meta.access_token, WHATSAPP_APP_SECRET: meta.app_secret,
      WHATSAPP_VERIFY_TOKEN: meta.verify_token, WHATSAPP_API_BASE: meta.url,
    },
  });
  meta.webhook_url = `${gw.url}/webhooks/whatsapp`;
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (twilio) await twilio.close();
  if (meta) await meta.close();
});

test('a Twilio voice note larger than 1 MiB is stored byte for byte; Basic auth at Twilio, none at its CDN', async () => {
  const voice = crypto.randomBytes(1536 * 1024);
  const url = twilio.add_media({ content: voice, content_type: 'audio/ogg' });
  const before_requests = twilio.media_requests.length;
  const inbound = await send_mms(new_number(), [{ url, content_type: 'audio/ogg' }]);
  assert.equal(inbound.kind, 'media');
  const [row] = await settled_media(inbound.id);
  assert.equal(row.status, 'stored', `error: ${row.error}`);
  assert.equal(row.kind, 'audio');
  assert.equal(row.mime_type, 'audio/ogg');
  assert.equal(Number(row.size_bytes), voice.length);
  assert.equal(row.hex, voice.toString('hex'), 'the exact bytes');
  assert.equal(row.sha256, crypto.createHash('sha256').update(voice).digest('hex'));
  assert.equal(Number(row.attempts), 1);

  const seen = twilio.media_requests.slice(before_requests);
  assert.deepEqual(seen.map((s) => [s.where, s.status]), [['api', 307], ['cdn', 200]]);
  assert.equal(seen[0].authorization, `Basic ${Buffer.from(`${twilio.account_sid}:${twilio.auth_token}`).toString('base64')}`);
  assert.equal(seen[1].authorization, null, 'the CDN (another origin) gets no credentials');
  assert.ok(!gw.logs().includes(url), 'the media URL is not logged');
  assert.ok(!gw.logs().includes(twilio.auth_token), 'nor the token');
});

test('a WhatsApp voice note: Graph names the file, both requests carry the Bearer token, the digest is checked', async () => {
  const voice = crypto.randomBytes(200 * 1024);
  const media = meta.add_media({ content: voice, mime_type: 'audio/ogg; codecs=opus' });
  const before_requests = meta.media_requests.length;
  const from = `5193${String(process.pid % 1000).padStart(3, '0')}9${String(next_number++).padStart(3, '0')}`;
  const message = meta.media_message({ from, type: 'audio', voice: true, media_id: media.id, mime_type: 'audio/ogg; codecs=opus', sha256: media.sha256 });
  const r = await meta.post_webhook(meta.notification({ messages: [message], contacts: [meta.contact({ wa_id: from })] }));
  assert.equal(r.status, 200);
  const inbound = await h.wait_for(() => gw.db.one(`select * from inbound_messages where provider_message_id = ${h.sql_string(message.id)}`), 5000, 'the inbound row');
  const [row] = await settled_media(inbound.id);
  assert.equal(row.status, 'stored', `error: ${row.error}`);
  assert.equal(row.hex, voice.toString('hex'));
  assert.equal(row.mime_type, 'audio/ogg');
  assert.equal(row.sha256, media.sha256);
  const seen = meta.media_requests.slice(before_requests);
  assert.equal(seen.length, 2, 'the locator, then the download');
  assert.match(seen[0].path, new RegExp(`^/v25\\.0/${media.id}$`));
  assert.match(seen[1].path, /^\/media-download\//);
  for (const s of seen) {
    assert.equal(s.status, 200);
    assert.equal(s.authorization, `Bearer ${meta.access_token}`);
  }
});

test('an expired WhatsApp media id fails at once as gone', async () => {
  const media = meta.add_media({ content: crypto.randomBytes(1000), mime_type: 'image/jpeg' });
  meta.expire_media(media.id);
  const from = `5193${String(process.pid % 1000).padStart(3, '0')}8${String(next_number++).padStart(3, '0')}`;
  const message = meta.media_message({ from, type: 'image', media_id: media.id, mime_type: 'image/jpeg', sha256: media.sha256 });
  assert.equal((await meta.post_webhook(meta.notification({ messages: [message], contacts: [meta.contact({ wa_id: from })] }))).status, 200);
  const inbound = await h.wait_for(() => gw.db.one(`select * from inbound_messages where provider_message_id = ${h.sql_string(message.id)}`), 5000, 'the inbound row');
  const [row] = await settled_media(inbound.id);
  assert.equal(row.status, 'failed');
  assert.equal(row.error, 'gone');
  assert.equal(Number(row.attempts), 1, 'not retried');
  assert.equal(row.hex, '', 'no content');
});

test('an oversized video and a zip archive fail with their reason; the archive is not even fetched', async () => {
  const video = twilio.add_media({ content: crypto.randomBytes(MAX_BYTES + 1024), content_type: 'video/mp4' });
  const zip = twilio.add_media({ content: crypto.randomBytes(2048), content_type: 'application/zip' });
  const photo = twilio.add_media({ content: crypto.randomBytes(4096), content_type: 'image/jpeg' });
  const inbound = await send_mms(new_number(), [
    { url: video, content_type: 'video/mp4' },
    { url: zip, content_type: 'application/zip' },
    { url: photo, content_type: 'image/jpeg' },
  ], 'mire esto');
  const rows = await settled_media(inbound.id);
  assert.deepEqual(rows.map((r) => [r.kind, r.status, r.error]), [
    ['video', 'failed', 'too_large'],
    ['document', 'failed', 'type_not_allowed'],
    ['image', 'stored', ''],
  ]);
  assert.ok(rows.slice(0, 2).every((r) => r.hex === '' && Number(r.attempts) === 1), 'nothing kept, not retried');
  const zip_path = new URL(zip).pathname;
  assert.ok(!twilio.media_requests.some((s) => s.path === zip_path), 'a refused type is never downloaded');
});

test('a 500 from Twilio is retried with backoff, then the photo is stored', async () => {
  const photo = crypto.randomBytes(50 * 1024);
  const url = twilio.add_media({ content: photo, content_type: 'image/png' });
  twilio.media_faults.push({ status: 500 });
  const inbound = await send_mms(new_number(), [{ url, content_type: 'image/png' }]);
  const first = await h.wait_for(() => {
    const r = gw.db.one(`select status, error, attempts from media where inbound_id = ${inbound.id}`);
    return r && Number(r.attempts) >= 1 && r.error !== '' && r;
  }, 10000, 'the first attempt to fail');
  assert.equal(first.status, 'pending');
  assert.equal(first.error, 'http_500');
  const [row] = await settled_media(inbound.id, 20000);
  assert.equal(row.status, 'stored');
  assert.equal(row.error, '');
  assert.equal(Number(row.attempts), 2);
  assert.equal(row.hex, photo.toString('hex'));
});

test('a MediaUrl on a foreign host is fetched without our credentials', async () => {
  const bytes = crypto.randomBytes(3000);
  const seen = [];
  const foreign = http.createServer((req, res) => {
    seen.push({ path: req.url, authorization: req.headers.authorization || null });
    res.writeHead(200, { 'content-type': 'image/gif', 'content-length': bytes.length });
    res.end(bytes);
  });
  await new Promise((r) => foreign.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${foreign.address().port}/2010-04-01/Accounts/${twilio.account_sid}/Messages/MM1/Media/ME1`;
    const inbound = await send_mms(new_number(), [{ url, content_type: 'image/gif' }]);
    const [row] = await settled_media(inbound.id);
    assert.equal(row.status, 'stored');
    assert.equal(row.hex, bytes.toString('hex'));
    assert.equal(seen.length, 1);
    assert.equal(seen[0].authorization, null, 'no Basic auth for a host that is not Twilio');
  } finally {
    foreign.closeAllConnections?.();
    await new Promise((r) => foreign.close(r));
  }
});

test('a complaint whose description is a voice note: the case finds the recording through its message', async () => {
  const number = new_number();
  const p = h.person(gw, twilio, number, OUR);
  await p.say('hola');
  const complaint_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  const node = cfg.nodes[complaint_id];
  const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
  let r = await p.say(T.option_to(start, (_, id) => id === complaint_id));
  const cats = node.categories.map((id) => cfg.categories.find((c) => c.id === id));
  if (cats.length > 1) r = await p.say(String(cats.findIndex((c) => !c.sensitive) + 1));
  if (node.ask_region) r = await p.say('0');
  if (node.ask_sex) r = await p.say('0');
  if (node.ask_age_group) r = await p.say('0');
  assert.ok(r.replies.join('\n').includes(T.pick(node.ask_description).trim()), 'asked for the description');

  const voice = crypto.randomBytes(120 * 1024);
  const url = twilio.add_media({ content: voice, content_type: 'audio/amr' });
  const extra = { NumMedia: '1', MediaUrl0: url, MediaContentType0: 'audio/amr' };
  const sent = await twilio.inbound({ from: number, to: OUR, body: '', extra });
  assert.equal(sent.status, 200);
  const settled = await h.settle_replies(gw, twilio, sent.sid);
  const reference = h.REFERENCE_RE.exec(settled.replies.join('\n'));
  assert.ok(reference, `an acknowledgement with a reference: ${JSON.stringify(settled.replies)}`);

  await settled_media(settled.inbound.id);
  const joined = gw.db.query(`select c.reference, m.status, m.kind, m.mime_type, lower(hex(m.content)) as hex from cases c join media m on m.inbound_id = c.inbound_id where c.reference = ${h.sql_string(reference[0])}`);
  assert.equal(joined.length, 1);
  assert.equal(joined[0].status, 'stored');
  assert.equal(joined[0].kind, 'audio');
  assert.equal(joined[0].mime_type, 'audio/amr');
  assert.equal(joined[0].hex, voice.toString('hex'));
});
