'use strict';
// The gateway behind a real Kannel 1.4.5 (bearerbox + smsbox + fakesmsc, tests/integration/kannel.js):
// a phone texts "hola" at the fake SMSC, smsbox calls the gateway's get-url, the first-contact
// notice and the menu come back through sendsms to the phone with their accents (coding 2), the
// fake SMSC's delivery reports reach our dlr-url and the outbox rows become delivered. A service
// with a wrong token is refused and leaves no trace.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./harness');
const kannel = require('./kannel');

const TOKEN = 'kn-' + process.pid + '-Tok_en';
const SENDSMS = { username: 'cwc', password: 'pw-' + process.pid };
const OUR = '600';

// GSM 03.38 default alphabet and extension table (PROVIDERS.md §8.1): a text with anything else
// must travel as UCS-2 or Kannel replaces those letters with '?'.
const GSM7 = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€\f']);
const is_gsm7 = (s) => [...s].every((c) => GSM7.has(c));

const skip = kannel.available() ? false : 'Kannel (bearerbox, smsbox, fakesmsc) is not installed';

let gw;
let k;
let T;
let gateway_port;
let next = 0;

function new_number() {
  return `+5198${String(process.pid % 10000).padStart(4, '0')}${String(next++).padStart(3, '0')}`;
}

const get_url = (token) => `http://127.0.0.1:${gateway_port}/webhooks/kannel?token=${token}` +
  '&from=%p&to=%P&text=%b&id=%I&ts=%T&smsc=%i&coding=%c&charset=%C';

before(async () => {
  if (skip) return;
  const dir = h.make_tmpdir('kannel-it');
  [gateway_port] = await kannel.free_ports(1);
  k = await kannel.start_kannel({
    dir,
    sendsms: SENDSMS,
    smsbox_extra: { 'mo-recode': 'true' },
    services: () => [
      // Tried first: a service someone set up with a stale token.
      { keyword: 'intruso', get_url: get_url('not-the-token'), catch_all: 'true' },
      { keyword: 'default', get_url: get_url(TOKEN) },
    ],
  });
  const config = h.write_config(dir, (cfg) => {
    cfg.channels = [{ id: 'kannel', type: 'kannel', address: OUR, sends_per_second: 1000 }];
    // Focal points are reached on the deployment's only channel.
    for (const org of cfg.organisations || []) for (const fp of org.focal_points || []) fp.channel = 'kannel';
    return cfg;
  });
  T = h.texts_of(h.load_config(config));
  gw = await h.start_gateway({
    dir, config, listen: `127.0.0.1:${gateway_port}`,
    // The dlr-url Kannel calls back is built from the public URL.
    extra_args: ['--public-url', `http://127.0.0.1:${gateway_port}`],
    env: {
      KANNEL_SENDSMS_USER: SENDSMS.username, KANNEL_SENDSMS_PASSWORD: SENDSMS.password,
      KANNEL_WEBHOOK_TOKEN: TOKEN, KANNEL_SENDSMS_URL: k.sendsms_url,
    },
  });
});

after(async () => {
  if (gw) await gw.close();
  if (k) await k.close();
});

// The inbound row of the latest MO from `number` once it is stored and its replies settled.
async function replies_to(number, text) {
  const inbound = await h.wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    k.assert_alive();
    return gw.db.one(`select i.* from inbound_messages i join contacts c on c.id = i.contact_id
      where c.address = ${h.sql_string(number)} and i.text = ${h.sql_string(text)} order by i.id desc limit 1`);
  }, 15000, `the gateway to store ${JSON.stringify(text)} from ${number}`);
  // The fake SMSC reports 8 (accepted) then 1 (delivered) for every message.
  const rows = await h.wait_for(() => {
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.length > 0 && rs.every((o) => o.status === 'delivered') && rs;
  }, 20000, `the replies to inbound ${inbound.id} to be delivered`);
  return { inbound, rows };
}

// The message the phone got for an outbox row, read the way Kannel coded it.
function received(number, row) {
  return k.messages.find((m) => {
    if (m.to !== number) return false;
    const t = k.text_of(m);
    return t.utf8 === row.text || t.utf16 === row.text;
  });
}

test('a phone texts "hola" through Kannel: stored once, notice and menu arrive with their accents, DLRs mark them delivered', { skip }, async () => {
  const number = new_number();
  await k.mo({ from: number, to: OUR, text: 'hola' });
  const { inbound, rows } = await replies_to(number, 'hola');

  assert.match(inbound.provider_message_id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'Kannel\'s %I is the de-duplication key');
  assert.equal(inbound.channel_id, 'kannel');
  const texts = rows.map((r) => r.text).join('\n');
  const notice = T.text('first_contact_notice').trim();
  const menu = T.node_text('main').trim();
  assert.ok(texts.includes(notice), `the first-contact notice is among the replies: ${JSON.stringify(rows.map((r) => r.text))}`);
  assert.ok(texts.includes(menu), 'the main menu is among the replies');
  for (const label of T.labels('main')) assert.ok(texts.includes(label), `menu option ${label}`);
  assert.ok(rows.some((r) => !is_gsm7(r.text)), 'the example replies have letters outside GSM-7 (á, í, ó, ú)');

  const got = await k.wait_for_messages(() => rows.every((r) => received(number, r)) && rows.map((r) => received(number, r)),
    15000, 'every reply at the phone');
  rows.forEach((row, i) => {
    const m = got[i];
    const t = k.text_of(m);
    if (is_gsm7(row.text)) {
      assert.equal(t.utf8, row.text, `outbox ${row.id} went as GSM text`);
    } else {
      // coding=2: UTF-16BE on the air, every accent intact (coding 0 would have sent '?').
      assert.equal(t.utf16, row.text, `outbox ${row.id} went as UCS-2 with its accents`);
      assert.notEqual(m.ucs2, false);
    }
    assert.equal(m.from, OUR);
    assert.equal(row.provider_message_id, String(row.id), 'Kannel gives no id: ours stands in');
    assert.equal(row.to_address, number);
  });
  // smsbox sent nothing of its own (no "<Empty reply from service provider>"): only our replies.
  // Kannel would have queued such a reply when our 200 arrived, before any of our sendsms calls.
  assert.equal(k.messages.filter((m) => m.to === number).length, rows.length);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(inbound.provider_message_id)}`), 1);

  // smsbox retrying the same MO (http-request-retry): the same %I gets the same empty 200 and
  // changes nothing. A non-2xx here would make Kannel retry, or text the phone an error.
  const replay = await fetch(get_url(TOKEN).replace('%p', encodeURIComponent(number)).replace('%P', OUR)
    .replace('%b', 'hola').replace('%I', inbound.provider_message_id).replace('%T', '1795491726')
    .replace('%i', 'FAKE').replace('%c', '0').replace('%C', 'UTF-8'));
  assert.equal(replay.status, 200);
  assert.equal(await replay.text(), '');
  assert.match(replay.headers.get('content-type'), /^text\/plain/);
  assert.equal(gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(inbound.provider_message_id)}`), 1);
  assert.equal(gw.db.count(`select count(*) from outbox where to_address = ${h.sql_string(number)}`), rows.length);
});

test('a UCS-2 MO (accents, Arabic, emoji) is stored exactly as the phone wrote it', { skip }, async () => {
  const number = new_number();
  const text = 'Ayúdame, por favor: مرحبا 😀';
  await k.mo({ from: number, to: OUR, text, type: 'ucs2' });
  const { inbound, rows } = await replies_to(number, text);
  assert.equal(inbound.text, text);
  assert.ok(rows.length >= 1, 'the person is answered');
  await k.wait_for_messages(() => rows.every((r) => received(number, r)), 15000, 'the replies at the phone');
});

test('a wrong or missing token is refused, stores nothing, and (max-messages = 0) texts nobody', { skip }, async () => {
  const number = new_number();
  const rejections = () => gw.lines.filter((l) => l.line.includes('"webhook.rejected"') && l.line.includes('"invalid token"')).length;
  const before_rejections = rejections();
  await k.mo({ from: number, to: OUR, text: 'intruso hola' });
  await h.wait_for(() => rejections() > before_rejections, 15000, 'the gateway to refuse the stale token');
  assert.equal(gw.db.count(`select count(*) from contacts where address = ${h.sql_string(number)}`), 0);
  assert.equal(gw.db.count("select count(*) from inbound_messages where text = 'intruso hola'"), 0);

  // The same phone then writes through the right service: a first contact (the refused MO left
  // no trace), and the phone gets exactly the replies to it. smsbox would have texted about the
  // refused MO as soon as it had our 403, before this MO was typed [run: with max-messages = 1 it
  // sends "Could not fetch content, sorry."; with 0, nothing].
  await k.mo({ from: number, to: OUR, text: 'hola' });
  const { rows } = await replies_to(number, 'hola');
  assert.ok(rows.map((r) => r.text).join('\n').includes(T.text('first_contact_notice').trim()));
  await k.wait_for_messages(() => rows.every((r) => received(number, r)), 15000, 'the replies at the phone');
  assert.equal(k.messages.filter((m) => m.to === number).length, rows.length);

  // Without the token, and a DLR with a wrong one, straight at the gateway.
  const base = `http://127.0.0.1:${gateway_port}/webhooks/kannel`;
  const query = `from=${encodeURIComponent(number)}&to=600&text=hola&id=00000000-0000-4000-8000-000000000001`;
  let res = await fetch(`${base}?${query}`);
  assert.equal(res.status, 401);
  res = await fetch(`${base}?token=${TOKEN}x&${query}`);
  assert.equal(res.status, 403);
  res = await fetch(`${base}/status?m=${rows[0].id}&type=16&token=wrong`);
  assert.equal(res.status, 403);
  assert.equal(gw.db.one(`select status from outbox where id = ${rows[0].id}`).status, 'delivered');
  assert.equal(gw.db.count("select count(*) from inbound_messages where provider_message_id = '00000000-0000-4000-8000-000000000001'"), 0);
});

test('the gateway log never holds a phone number, a message text or the token', { skip }, () => {
  const logs = gw.logs();
  assert.ok(logs.length > 0);
  assert.ok(!logs.includes(TOKEN), 'no token');
  assert.ok(!logs.includes('hola'), 'no message text');
  assert.ok(!/5198\d{7}/.test(logs), 'no phone number');
});
