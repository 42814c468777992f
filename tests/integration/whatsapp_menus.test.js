'use strict';
// Menus per channel, end to end: the example configuration with its SMS channel (fake Twilio), a
// WhatsApp channel (fake Graph API) and an Africa's Talking short code (fake AT). On WhatsApp the
// main menu arrives as a list, a tapped row opens the next menu and a tapped row of that the
// information page; two languages come as buttons, and a button tapped on a menu the person has
// left is read as that number typed where they are now (a re-prompt here). On SMS the same
// menus are numbered text; AT replies echo the inbound's linkId. Wording comes from the config.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fake_twilio = require('./fake_twilio');
const fake_whatsapp = require('./fake_whatsapp');
const fake_at = require('./fake_africastalking');
const h = require('./harness');

const WA_ADDRESS = '+5116409001';
const PHONE_NUMBER_ID = '106540352242922';
const SHORT_CODE = '21525';
const AT_TOKEN = crypto.randomBytes(24).toString('hex');

let twilio;
let wa;
let at;
let gw;
let cfg;
let T;
let OUR_SMS;
let next_number = 0;

const serial = () => `${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
const ellipsis = '…';
const numbered = (labels) => labels.map((l, i) => `${i + 1}. ${l}`).join('\n');

before(async () => {
  twilio = await fake_twilio.start();
  wa = await fake_whatsapp.start({ phone_number_id: PHONE_NUMBER_ID });
  at = await fake_at.start({ username: 'cwc-ke' });
  const dir = h.make_tmpdir('menus');
  const config = h.write_config(dir, (c) => {
    c.channels.push({
      id: 'whatsapp', type: 'whatsapp_cloud', address: WA_ADDRESS, phone_number_id: PHONE_NUMBER_ID,
      access_token_env: 'WHATSAPP_ACCESS_TOKEN', app_secret_env: 'WHATSAPP_APP_SECRET',
      verify_token_env: 'WHATSAPP_VERIFY_TOKEN', api_base_env: 'WHATSAPP_API_BASE',
      sends_per_second: 1000,
    });
    c.channels.push({
      id: 'at', type: 'africastalking', address: SHORT_CODE, username: 'cwc-ke',
      api_key_env: 'AT_API_KEY', webhook_token_env: 'AT_WEBHOOK_TOKEN', api_base_env: 'AT_API_BASE',
      sends_per_second: 1000,
    });
    return c;
  });
  gw = await h.start_gateway({
    fake: twilio, dir, config,
    env: {
      WHATSAPP_ACCESS_TOKEN: wa.access_token, WHATSAPP_APP_SECRET: wa.app_secret,
      WHATSAPP_VERIFY_TOKEN: wa.verify_token, WHATSAPP_API_BASE: wa.url,
      AT_API_KEY: at.api_key, AT_WEBHOOK_TOKEN: AT_TOKEN, AT_API_BASE: at.url,
    },
  });
  wa.webhook_url = `${gw.url}/webhooks/whatsapp`;
  at.inbound_url = `${gw.url}/webhooks/at?token=${AT_TOKEN}`;
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR_SMS = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  for (const fake of [wa, at, twilio]) if (fake) await fake.close();
});

// The outbox rows answering one inbound message (channel, provider id), once all have left the
// queue, each with what the provider accepted for it.
async function replies_to(channel, provider_id, sent_of) {
  const inbound = await h.wait_for(() => gw.db.one(`select * from inbound_messages where channel_id = ${h.sql_string(channel)} and provider_message_id = ${h.sql_string(provider_id)}`), 5000, `inbound ${provider_id}`);
  const rows = await h.wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.length > 0 && rs.every((o) => h.FINAL_OUTBOX.includes(o.status)) && rs;
  }, 15000, `replies to ${provider_id} to leave the outbox`);
  for (const o of rows) assert.equal(o.status, 'sent', `outbox ${o.id} (${o.error_code})`);
  return { inbound, rows, sent: rows.map(sent_of) };
}
const wa_replies = (wamid) => replies_to('whatsapp', wamid, (o) => wa.sent.find((m) => m.wamid === o.provider_message_id));

// A list of the node's options: body = the node's text, the button in the language, one row per
// option with the option's number as id and its label (cut with an ellipsis only if too long).
function assert_list_of(m, node_id, lang = T.default_language, lead = '') {
  assert.ok(m.interactive, `an interactive message, got text ${JSON.stringify(m.text)}`);
  assert.equal(m.interactive.type, 'list');
  assert.equal(m.interactive.body.text, lead + T.node_text(node_id, lang));
  assert.equal(m.interactive.action.button, T.text('menu_button', lang));
  const rows = m.interactive.action.sections.flatMap((s) => s.rows);
  const labels = T.labels(node_id, lang);
  assert.deepEqual(rows.map((r) => r.id), labels.map((_, i) => String(i + 1)));
  for (const [i, r] of rows.entries()) {
    const label = labels[i];
    if ([...label].length <= 24) {
      assert.equal(r.title, label);
      assert.equal(r.description, undefined);
    } else {
      assert.ok(r.title.endsWith(ellipsis) && label.startsWith(r.title.slice(0, -1).trimEnd()), `${r.title} begins ${label}`);
      assert.ok(label.endsWith(r.description.replace(ellipsis, '')), `${r.description} ends ${label}`);
    }
  }
}

test('WhatsApp: the main menu as a list; a tapped row opens its menu, a row of that its page', async () => {
  const from = `5198${serial()}`;
  const hello = await wa.inbound({ from, text: 'Hola' });
  assert.equal(hello.status, 200);
  const first = await wa_replies(hello.id);
  assert.equal(first.rows.length, 2, 'the notice and the menu');
  assert.equal(first.sent[0].text, first.rows[0].text, 'the notice is a text');
  const main = first.sent[1];
  assert_list_of(main, 'main');
  // The outbox keeps the numbered text: what SMS sends, and the fallback.
  assert.equal(first.rows[1].text, `${T.node_text('main')}\n${numbered(T.labels('main'))}`);

  const info_digit = T.option_to('main', (_, id) => id === 'info');
  const tap1 = await wa.tap({ sent: main, id: info_digit });
  assert.equal(tap1.status, 200);
  const second = await wa_replies(tap1.id);
  const title = main.interactive.action.sections[0].rows[Number(info_digit) - 1].title;
  assert.equal(second.inbound.kind, 'interactive');
  assert.equal(second.inbound.text, title, 'what the person tapped is kept as they saw it');
  assert.equal(second.rows.length, 1);
  assert_list_of(second.sent[0], 'info');

  const health_digit = T.option_to('info', (_, id) => id === 'info_health');
  const tap2 = await wa.tap({ sent: second.sent[0], id: health_digit });
  const third = await wa_replies(tap2.id);
  assert.equal(third.rows.length, 1);
  const page = third.sent[0];
  assert.equal(page.interactive, null, 'an information page is a text');
  assert.ok(page.text.includes(T.node_text('info_health')), `the health page, got ${JSON.stringify(page.text)}`);
  assert.ok(page.text.includes(T.text('back_hint')));
  const contact = gw.db.one(`select state_json from contacts where id = ${third.inbound.contact_id}`);
  assert.equal(JSON.parse(contact.state_json).node, 'info_health');
});

test('WhatsApp: two languages as buttons; a stale tap is re-prompted; a tapped button switches', async () => {
  const from = `5198${serial()}`;
  const main = (await wa_replies((await wa.inbound({ from, text: 'Hola' })).id)).sent[1];
  const lang_digit = T.option_to('main', (n) => n.type === 'language');
  const list = await wa_replies((await wa.tap({ sent: main, id: lang_digit })).id);
  const buttons = list.sent[0];
  assert.equal(buttons.interactive.type, 'button');
  assert.equal(buttons.interactive.body.text, T.node_text('language'));
  assert.deepEqual(buttons.interactive.action.buttons.map((b) => [b.reply.id, b.reply.title]),
    cfg.languages.map((l, i) => [String(i + 1), l.name]));

  // Scrolled up, the person taps a main-menu row again while the language choice is on screen:
  // a number no language has, so the unknown-input text and the same buttons again.
  const stale_digit = String(T.labels('main').length);
  assert.ok(Number(stale_digit) > cfg.languages.length);
  const stale = await wa_replies((await wa.tap({ sent: main, id: stale_digit })).id);
  assert.equal(stale.rows.length, 1);
  const again = stale.sent[0];
  assert.equal(again.interactive.type, 'button');
  assert.equal(again.interactive.body.text, `${T.text('unknown_input')}\n${T.node_text('language')}`);
  assert.deepEqual(again.interactive.action.buttons, buttons.interactive.action.buttons);

  const english = String(cfg.languages.findIndex((l) => l.code === 'en') + 1);
  const switched = await wa_replies((await wa.tap({ sent: buttons, id: english })).id);
  assert.equal(switched.rows.length, 1);
  assert_list_of(switched.sent[0], 'main', 'en', `${T.text('language_changed', 'en')}\n\n`);
  const contact = gw.db.one(`select language from contacts where id = ${switched.inbound.contact_id}`);
  assert.equal(contact.language, 'en');
});

test('SMS: the same menus as numbered text, and a typed number opens the next one', async () => {
  const p = h.person(gw, twilio, `+5191${serial()}`, OUR_SMS);
  const hello = await p.say('Hola');
  assert.equal(hello.replies.length, 2);
  assert.equal(hello.replies[1], `${T.node_text('main')}\n${numbered(T.labels('main'))}`);
  // settle_replies checked the fake got exactly these texts; nothing went as anything else.
  const info = await p.say(T.option_to('main', (_, id) => id === 'info'));
  assert.deepEqual(info.replies, [`${T.node_text('info')}\n${numbered(T.labels('info'))}`]);
});

test("Africa's Talking: every reply echoes the linkId of the message it answers", async () => {
  const from = `+2547${serial()}0`;
  const link1 = `Link-${crypto.randomUUID()}`;
  const link2 = `Link-${crypto.randomUUID()}`;
  const at_replies = (id) => replies_to('at', id, (o) => at.sent.find((m) => m.id === o.provider_message_id));
  const first = await at_replies((await at.inbound({ from, to: SHORT_CODE, text: 'Hola', linkId: link1 })).id);
  assert.equal(first.sent.length, 2);
  for (const [i, m] of first.sent.entries()) {
    assert.equal(m.link_id, link1);
    assert.equal(first.rows[i].reply_token, link1);
    assert.equal(m.message, first.rows[i].text, 'SMS sends the numbered text');
  }
  const second = await at_replies((await at.inbound({ from, to: SHORT_CODE, text: '1', linkId: link2 })).id);
  assert.ok(second.sent.length >= 1);
  for (const m of second.sent) assert.equal(m.link_id, link2);
});
