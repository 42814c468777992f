'use strict';
// WhatsApp's 24-hour window end to end (PROVIDERS.md §2.5, §2.6): an officer's answer queued after
// the window closed is not lost and not sent in the clear. When Meta refuses it (131047) or our
// own clock says the window is closed, one approved template ("you have an answer, reply to read
// it") goes instead, carrying nothing of the case, and the answer waits 'held'; the moment the
// person replies, it is delivered, in order with anything else that waited.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fake_whatsapp = require('./fake_whatsapp');
const h = require('./harness');

const OUR_ADDRESS = '+5116409001';
const PHONE_NUMBER_ID = '106540352242922';
const TEMPLATE = { name: 'respuesta_pendiente', language: 'es' };

let fake;
let gw;
let next_number = 0;
const new_digits = () => `5197${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;

// The test plays an officer answering a case: the answer is queued straight into the outbox.
function queue_answer(digits, text) {
  const contact = gw.db.one(`select id from contacts where address = ${h.sql_string(`+${digits}`)}`);
  const now = Date.now();
  const out = execFileSync('sqlite3', ['-json', '-cmd', '.timeout 5000', gw.db_file,
    `INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, inbound_id, segments,
                         status, attempts, created_at, next_attempt_at, updated_at)
     VALUES (${contact.id}, 'whatsapp', ${h.sql_string(`+${digits}`)}, ${h.sql_string(text)}, 2, 1, 0, 1,
             'queued', 0, ${now}, ${now}, ${now}) RETURNING id`], { encoding: 'utf8' });
  return JSON.parse(out)[0].id;
}

const row = (id) => gw.db.one(`select * from outbox where id = ${id}`);

async function status_becomes(id, status, timeout_ms = 15000) {
  return h.wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    const r = row(id);
    return r && r.status === status && r;
  }, timeout_ms, `outbox ${id} to become ${status}`);
}

// A person writes and every reply to it has left the outbox.
async function writes(digits, text) {
  const r = await fake.inbound({ from: digits, text });
  assert.equal(r.status, 200);
  await h.wait_for(() => {
    const pending = gw.db.count(`select count(*) from outbox o join contacts c on c.id = o.contact_id
      where c.address = ${h.sql_string(`+${digits}`)} and o.status in ('queued', 'sending')`);
    const answered = gw.db.count(`select count(*) from inbound_messages where provider_message_id = ${h.sql_string(r.id)}`);
    return answered === 1 && pending === 0;
  }, 15000, `replies to ${digits}`);
  return Date.now();
}

const texts_to = (digits) => fake.sent_to(digits).filter((m) => m.text !== null).map((m) => m.text);

before(async () => {
  fake = await fake_whatsapp.start({ phone_number_id: PHONE_NUMBER_ID });
  fake.approve_template(TEMPLATE.name, TEMPLATE.language);
  const dir = h.make_tmpdir('wawin');
  const config = h.write_config(dir, (c) => {
    c.channels.push({
      id: 'whatsapp', type: 'whatsapp_cloud', address: OUR_ADDRESS, phone_number_id: PHONE_NUMBER_ID,
      api_base_env: 'WHATSAPP_API_BASE', sends_per_second: 1000,
      reengagement_template: { es: TEMPLATE },
    });
    return c;
  });
  gw = await h.start_gateway({
    dir, config,
    env: {
      WHATSAPP_ACCESS_TOKEN: fake.access_token, WHATSAPP_APP_SECRET: fake.app_secret,
      WHATSAPP_VERIFY_TOKEN: fake.verify_token, WHATSAPP_API_BASE: fake.url,
    },
  });
  fake.webhook_url = `${gw.url}/webhooks/whatsapp`;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('refused with 131047: one template, the answers held, delivered in order right after the person replies', async () => {
  const digits = new_digits();
  await writes(digits, 'hola');
  fake.close_window(digits);  // Meta's clock: a day went by
  const first = queue_answer(digits, 'CASO-7731 Su queja sobre la distribución fue atendida');
  const held = await status_becomes(first, 'held');
  assert.equal(held.error_code, 'window_closed');
  assert.equal(held.attempts, 0, 'the refusal used no attempt');
  assert.ok(fake.rejected.some((r) => r.code === 131047 && JSON.parse(r.body).to === digits), 'Meta refused the free-form answer');
  await h.wait_for(() => fake.templates_to(digits).length === 1, 10000, 'the template');
  const [sent] = fake.templates_to(digits);
  assert.deepEqual(sent.template, { name: TEMPLATE.name, language: { code: 'es', policy: 'deterministic' } });
  assert.doesNotMatch(JSON.stringify(sent.body), /CASO-7731|queja|distribución/, 'nothing of the case in the template');

  // A second answer in the same closed window waits too, without a second template.
  const second = queue_answer(digits, 'CASO-7731 Segunda parte de la respuesta');
  await status_becomes(second, 'held');
  assert.equal(gw.db.count(`select count(*) from outbox where template_name <> '' and to_address = '+${digits}'`), 1);
  await new Promise((r) => setTimeout(r, 300));  // a second template would be on its way by now
  assert.equal(fake.templates_to(digits).length, 1, 'one template per closed window');
  assert.deepEqual(texts_to(digits).filter((t) => t.includes('CASO-7731')), [], 'nothing of the answers went out yet');

  // The person replies: the window opens, and both answers go, first then second.
  const replied_at = Date.now();
  const r = await fake.inbound({ from: digits, text: 'ok' });
  assert.equal(r.status, 200);
  await status_becomes(first, 'sent', 10000);
  await status_becomes(second, 'sent', 10000);
  const answers = fake.sent_to(digits).filter((m) => m.text && m.text.includes('CASO-7731'));
  assert.deepEqual(answers.map((m) => m.text), ['CASO-7731 Su queja sobre la distribución fue atendida', 'CASO-7731 Segunda parte de la respuesta']);
  assert.ok(answers[0].time - replied_at < 5000, `delivered ${answers[0].time - replied_at} ms after the reply`);
  assert.equal(fake.templates_to(digits).length, 1);
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'outbound.released'`) >= 1, true);
});

test('accepted, then reported failed with 131047: the answer is held behind one template and follows the reply', async () => {
  const digits = new_digits();
  await writes(digits, 'hola');
  const id = queue_answer(digits, 'CASO-8842 Respuesta sobre su documento');
  await status_becomes(id, 'sent');
  // Meta took the send, then reports it failed: outside the window (the usual way 131047 comes).
  const [sent] = fake.sent_to(digits).filter((m) => m.text && m.text.includes('CASO-8842'));
  assert.ok(sent, 'the answer reached the fake first');
  const report = await fake.post_webhook(fake.notification({ statuses: [fake.status_of(sent, 'failed', { error_code: 131047 })] }));
  assert.equal(report.status, 200);
  const held = await status_becomes(id, 'held');
  assert.equal(held.error_code, 'window_closed');
  await h.wait_for(() => fake.templates_to(digits).length === 1, 10000, 'the template');
  assert.doesNotMatch(JSON.stringify(fake.templates_to(digits)[0].body), /CASO-8842|documento/, 'nothing of the case in the template');
  // A repeated report changes nothing.
  await fake.post_webhook(fake.notification({ statuses: [fake.status_of(sent, 'failed', { error_code: 131047 })] }));
  assert.equal(row(id).status, 'held');
  // The person replies: the answer goes again.
  const r = await fake.inbound({ from: digits, text: 'hola de nuevo' });
  assert.equal(r.status, 200);
  await status_becomes(id, 'sent', 10000);
  assert.equal(fake.sent_to(digits).filter((m) => m.text && m.text.includes('CASO-8842')).length, 2, 'sent again once the window was open');
  assert.equal(fake.templates_to(digits).length, 1);
});

test('closed by our own clock: the template goes without a free-form try; the answer follows the reply', async () => {
  const digits = new_digits();
  await writes(digits, 'hola');
  // The person's last message was 25 hours ago (the fake's window stays open: only our check can act).
  const contact = gw.db.one(`select id from contacts where address = '+${digits}'`);
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', gw.db_file,
    `UPDATE inbound_messages SET received_at = received_at - ${25 * 3600 * 1000} WHERE contact_id = ${contact.id}`]);
  const refused_before = fake.rejected.length;
  const id = queue_answer(digits, 'CASO-8800 Ya puede recoger su documento');
  await status_becomes(id, 'held');
  await h.wait_for(() => fake.templates_to(digits).length === 1, 10000, 'the template');
  assert.equal(fake.rejected.length, refused_before, 'no free-form send was tried');
  assert.deepEqual(texts_to(digits).filter((t) => t.includes('CASO-8800')), []);

  await fake.inbound({ from: digits, text: 'sí' });
  await status_becomes(id, 'sent', 10000);
  assert.ok(texts_to(digits).includes('CASO-8800 Ya puede recoger su documento'));
});

test('the log tells what happened without a number or a word of the case', () => {
  const logs = gw.logs();
  const events = logs.split('\n').filter((l) => l.includes('"whatsapp.window_closed"')).map((l) => JSON.parse(l));
  assert.ok(events.some((e) => e.action === 'template_and_hold' && e.seen_by === 'provider'));
  assert.ok(events.some((e) => e.action === 'template_and_hold' && e.seen_by === 'gateway'));
  assert.ok(events.some((e) => e.action === 'hold'));
  assert.doesNotMatch(logs, /CASO-7731|CASO-8800/);
  assert.doesNotMatch(logs, /5197\d{7}/);
});
