'use strict';
// Conversations as people have them, through the fake Twilio: first contact (notice, then the main
// menu), an information page, a complaint with its reference and a STATUS look-up, feedback, a
// switch to English, STOP/START. Expected wording comes from config/example.json, not from here.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
const numbers_used = [];
const texts_used = [];
let next_number = 0;

function new_person() {
  const number = `+5191${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  numbers_used.push(number);
  return h.person(gw, fake, number, OUR);
}

const joined = (r) => r.replies.join('\n');

function assert_has(r, text, what) {
  assert.ok(text && text.length > 0, `config text for ${what} is empty`);
  assert.ok(joined(r).includes(text.trim()), `expected ${what} ${JSON.stringify(text)} in replies ${JSON.stringify(r.replies)}`);
}

function assert_menu(r, node_id, lang = T.default_language) {
  assert_has(r, T.node_text(node_id, lang), `${node_id} menu text (${lang})`);
  for (const label of T.labels(node_id, lang)) assert_has(r, label, `option label (${lang})`);
}

// Upper-cases a keyword and puts an accent on its first plain vowel: "menu" -> "MENÚ".
function shouted_with_accent(word) {
  const accents = { a: 'Á', e: 'É', i: 'Í', o: 'Ó', u: 'Ú' };
  const i = [...word].findIndex((c) => accents[c.toLowerCase()]);
  const chars = [...word.toUpperCase()];
  if (i >= 0) chars[i] = accents[word[i].toLowerCase()];
  return chars.join('');
}

const start_node = () => (cfg.deployment && cfg.deployment.start_node) || 'main';

// Walks a complaint/feedback node from the main menu: category (the first non-sensitive one),
// region "0" (prefer not to say) when asked, then the description. Returns the case facts.
async function file_case(p, node_id, description, lang = T.default_language) {
  const node = cfg.nodes[node_id];
  let r = await p.say(T.option_to(start_node(), (_, id) => id === node_id));
  assert.equal(r.status, 200);
  const cats = node.categories.map((id) => cfg.categories.find((c) => c.id === id));
  assert.ok(cats.every(Boolean), 'every category of the node exists');
  let chosen = cats[0];
  if (cats.length > 1) {
    assert_has(r, T.text('choose_category', lang), 'choose_category prompt');
    for (const c of cats) assert_has(r, T.pick(c.name, lang), `category ${c.id}`);
    const idx = cats.findIndex((c) => !c.sensitive);
    chosen = cats[idx];
    r = await p.say(String(idx + 1));
  }
  if (node.ask_region) {
    assert_has(r, T.text('choose_region', lang), 'choose_region prompt');
    assert_has(r, T.text('prefer_not_to_say', lang), 'prefer_not_to_say option');
    for (const reg of cfg.regions) assert_has(r, T.pick(reg.name, lang), `region ${reg.id}`);
    r = await p.say('0');
  }
  // The optional questions (sex, age group), each answered "0": prefer not to say.
  for (const [asked, options] of [[node.ask_sex, cfg.sex_options], [node.ask_age_group, cfg.age_groups]]) {
    if (!asked) continue;
    assert_has(r, T.text('prefer_not_to_say', lang), 'prefer_not_to_say option');
    for (const o of options) assert_has(r, T.pick(o.name, lang), `option ${o.id}`);
    r = await p.say('0');
  }
  assert_has(r, T.pick(node.ask_description, lang), 'description prompt');
  texts_used.push(description);
  r = await p.say(description);
  assert.equal(r.status, 200);
  const type = cfg.case_types.find((t) => t.id === chosen.type);
  const m = h.REFERENCE_RE.exec(joined(r));
  assert.ok(m, `a reference in the acknowledgement ${JSON.stringify(r.replies)}`);
  const reference = m[0];
  const expected = T.pick(type.acknowledgement, lang).replaceAll('{reference}', reference).replaceAll('{days}', String(type.response_days));
  assert_has(r, expected, 'acknowledgement with reference and days');
  assert.ok(!joined(r).includes(description), 'the acknowledgement never repeats the description');
  return { reference, category: chosen, type, replies: r.replies };
}

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('first contact: notice, then the main menu in the default language; 200 with empty TwiML', async () => {
  const p = new_person();
  const r = await p.say('Hola');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^text\/xml/);
  assert.equal(r.body, h.XML_EMPTY_RESPONSE);
  assert.ok(r.replies.length >= 2, `notice and menu, got ${JSON.stringify(r.replies)}`);
  assert.ok(r.replies[0].includes(T.text('first_contact_notice').trim()), 'the notice comes first');
  assert_menu({ replies: r.replies.slice(1) }, start_node());
  // The fake got them in that order, from our number.
  const at_fake = fake.sent_to(p.number);
  assert.deepEqual(at_fake.map((m) => m.body), r.replies);
  assert.ok(at_fake.every((m) => m.from === OUR || m.messaging_service_sid));

  const contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.ok(contact, 'a contact row');
  assert.ok(['', T.default_language].includes(contact.language), `language ${contact.language}: unset or the default`);
  assert.equal(Number(contact.notice_given), 1);
  assert.equal(Number(contact.opted_out), 0);
  assert.equal(r.inbound.text, 'Hola');
  assert.ok(r.rows.every((o) => o.to_address === p.number && o.contact_id === contact.id));

  // The second message gets no second notice.
  const again = await p.say('hola otra vez');
  assert.equal(again.status, 200);
  assert.ok(!joined(again).includes(T.text('first_contact_notice').trim()), 'the notice is given once');
});

test('an information page, the back hint, and MENU (any case, accents) back to the menu', async () => {
  const p = new_person();
  await p.say('hola');
  const route = T.path_to((n) => n.type === 'text');
  assert.ok(route, 'the example has an information page');
  let r;
  for (const digit of route.digits) r = await p.say(digit);
  const info_id = route.id;
  assert_has(r, T.node_text(info_id), `page ${info_id}`);
  assert_has(r, T.text('back_hint'), 'back hint');

  const menu = await p.say(shouted_with_accent(T.keyword('menu')));
  assert_menu(menu, start_node());

  const nonsense = await p.say('zzzz qqq');
  assert_has(nonsense, T.text('unknown_input'), 'unknown input re-prompt');

  const help = await p.say(` ${T.keyword('help').toUpperCase()} `);
  assert_has(help, T.text('help'), 'help text');
});

let filed; // the complaint of the next story, looked up by the one after it
let complainant;

test('a complaint: category, region "0", description → acknowledgement with reference and days', async () => {
  complainant = new_person();
  await complainant.say('hola');
  const complaint_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  assert.ok(complaint_id, 'the example has a complaint node');
  const description = 'Me cobraron 50 soles por un trámite gratuito en la oficina de Tumbes';
  filed = await file_case(complainant, complaint_id, description);

  const c = gw.db.one(`select * from cases where reference = ${h.sql_string(filed.reference)}`);
  assert.ok(c, 'the case is stored under its reference');
  assert.equal(c.type, filed.type.id);
  assert.equal(c.category, filed.category.id);
  assert.ok(c.region === null || c.region === '', `region stays unset after "0", got ${c.region}`);
  assert.equal(c.description, description);
  assert.equal(c.language, T.default_language);
  assert.equal(Number(c.sensitive), filed.category.sensitive ? 1 : 0);
  const contact = gw.db.one(`select id from contacts where address = ${h.sql_string(complainant.number)}`);
  assert.equal(c.contact_id, contact.id);
  assert.equal(Number(c.due_at) - Number(c.opened_at), filed.type.response_days * 86400000);
});

test('STATUS of the reference: own number gets the status, another number the neutral text', async () => {
  assert.ok(filed, 'needs the complaint story');
  const status_kw = T.keyword('status');
  const c = gw.db.one(`select status from cases where reference = ${h.sql_string(filed.reference)}`);
  const words = T.pick(cfg.statuses[c.status], T.default_language);
  const found = T.text('status_found').replaceAll('{reference}', filed.reference).replaceAll('{status}', words);

  const mine = await complainant.say(`${status_kw.toUpperCase()} ${filed.reference}`);
  assert_has(mine, found, 'status_found');

  const stranger = new_person();
  const theirs = await stranger.say(`${status_kw} ${filed.reference}`);
  assert.equal(theirs.status, 200);
  assert_has(theirs, T.text('status_unknown'), 'status_unknown for another number');
  assert.ok(!joined(theirs).includes(found), 'no status for a stranger');

  // Well-formed (reference alphabet) but never issued.
  const never = filed.reference === 'WWW-WWW' ? 'XXX-XXX' : 'WWW-WWW';
  const unknown = await complainant.say(`${status_kw} ${never}`);
  assert_has(unknown, T.text('status_unknown'), 'status_unknown for an unknown reference');
  const bare = await complainant.say(status_kw);
  assert_has(bare, T.text('status_usage'), 'status_usage without a reference');
});

test('feedback: flow ends in a case of the category\'s type with its acknowledgement', async () => {
  const p = new_person();
  await p.say('hola');
  const feedback_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'feedback');
  assert.ok(feedback_id, 'the example has a feedback node');
  const description = 'Gracias por la charla sobre el PTP en Lima, fue muy útil para mi familia';
  const fb = await file_case(p, feedback_id, description);
  const c = gw.db.one(`select * from cases where reference = ${h.sql_string(fb.reference)}`);
  assert.ok(c);
  assert.equal(c.type, fb.type.id);
  assert.equal(c.category, fb.category.id);
  assert.equal(c.description, description);
  assert.notEqual(fb.reference, filed && filed.reference);
});

test('a description that is too short is asked for again', async () => {
  const p = new_person();
  await p.say('hola');
  const complaint_id = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'complaint');
  const node = cfg.nodes[complaint_id];
  let r = await p.say(T.option_to(start_node(), (_, id) => id === complaint_id));
  if (node.categories.length > 1) {
    const idx = node.categories.findIndex((id) => !cfg.categories.find((c) => c.id === id).sensitive);
    r = await p.say(String(idx + 1));
  }
  if (node.ask_region) r = await p.say('0');
  if (node.ask_sex) r = await p.say('0');
  if (node.ask_age_group) r = await p.say('0');
  assert_has(r, T.pick(node.ask_description), 'description prompt');
  const short = await p.say('x');
  assert_has(short, T.text('description_too_short'), 'description_too_short');
  assert.equal(gw.db.count(`select count(*) from cases c join contacts k on k.id = c.contact_id where k.address = ${h.sql_string(p.number)}`), 0);
});

test('language switch to English: keyword, choice, then menus in English', async () => {
  const p = new_person();
  await p.say('hola');
  const r = await p.say(shouted_with_accent(T.keyword('language')));
  for (const l of cfg.languages) assert_has(r, l.name, `language ${l.code} offered`);
  const en = cfg.languages.findIndex((l) => l.code === 'en');
  assert.ok(en >= 0, 'the example offers English');
  const chosen = await p.say(String(en + 1));
  assert_has(chosen, T.text('language_changed', 'en'), 'language_changed in English');
  const contact = gw.db.one(`select language from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(contact.language, 'en');
  const menu = await p.say(T.keyword('menu', 'en'));
  assert_menu(menu, start_node(), 'en');
  const es_text = T.node_text(start_node(), 'es');
  if (es_text !== T.node_text(start_node(), 'en')) assert.ok(!joined(menu).includes(es_text), 'no Spanish menu any more');
});

test('STOP: no confirmation from us, contact opted out, nothing reaches the handset until START', async () => {
  const channel = cfg.channels.find((c) => c.id === 'sms');
  assert.notEqual(channel.provider_enforces_stop, false, 'the example channel lets Twilio enforce STOP');
  const p = new_person();
  await p.say('hola');
  const sent_before = fake.sent_to(p.number).length;

  const stop = await p.say('STOP');
  assert.equal(stop.status, 200);
  assert.equal(stop.body, h.XML_EMPTY_RESPONSE);
  assert.deepEqual(stop.replies, [], 'Twilio confirms STOP itself; the gateway sends nothing');
  let contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(Number(contact.opted_out), 1);

  // Twilio still forwards what an opted-out person texts; nothing of ours may reach them.
  const after_stop = await p.say(T.keyword('menu'));
  assert.equal(after_stop.status, 200);
  for (const o of after_stop.rows) {
    assert.equal(o.status, 'failed', 'a send to an opted-out person fails');
    assert.equal(String(o.error_code), '21610');
    assert.equal(Number(o.attempts), 1, '21610 is not retried');
  }
  assert.equal(fake.sent_to(p.number).length, sent_before, 'the fake accepted nothing after STOP');

  const start = await p.say('START');
  assert.equal(start.status, 200);
  contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(Number(contact.opted_out), 0);
  const menu = await p.say(T.keyword('menu'));
  assert_menu(menu, start_node());
});

test('BAJA (our keyword, not Twilio\'s): the gateway confirms it, records the opt-out, and still answers what the person asks later', async () => {
  const p = new_person();
  await p.say('hola');
  const baja = T.keyword('stop'); // Spanish list first: a word Twilio does not act on
  assert.ok(!fake_twilio.OPT_OUT_KEYWORDS.has(baja.toUpperCase()), `${baja} is not a Twilio keyword`);
  const r = await p.say(shouted_with_accent(baja));
  assert.equal(r.status, 200);
  assert.equal(fake.is_opted_out(p.number, OUR), false, 'Twilio did not block the pair');
  // Twilio never saw an opt-out, so nobody else would confirm it: the gateway does.
  assert.deepEqual(r.replies, [T.text('opted_out')], 'BAJA is confirmed by the gateway');
  let contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(Number(contact.opted_out), 1);

  // Opting out ends what the person did not ask for; a question they send is still answered.
  assert_menu(await p.say(T.keyword('menu')), start_node());
  contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(Number(contact.opted_out), 1, 'asking something does not opt them back in');

  await p.say(T.keyword('start'));
  contact = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
  assert.equal(Number(contact.opted_out), 0);
  assert_menu(await p.say(T.keyword('menu')), start_node());
});

test('an opt-out the gateway did not see (21610 on send) is recorded, not retried, and honoured', async () => {
  const p = new_person();
  await p.say('hola');
  // The person opted out on another channel of the same sender (opt-outs are unified since 2026).
  fake.opted_out.add(`${p.number}\0${OUR}`);
  const r = await p.say(T.keyword('menu'));
  assert.equal(r.status, 200);
  assert.ok(r.rows.length >= 1, 'a menu reply was queued');
  for (const o of r.rows) {
    assert.equal(o.status, 'failed');
    assert.equal(String(o.error_code), '21610');
    assert.equal(Number(o.attempts), 1);
  }
  const contact = await h.wait_for(() => {
    const c = gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
    return Number(c.opted_out) === 1 && c;
  }, 5000, 'the contact to be marked opted out after 21610');
  assert.equal(Number(contact.opted_out), 1);
  const refused = fake.rejected.filter((x) => x.to === p.number && x.code === 21610).length;
  assert.equal(refused, r.rows.length, 'one refused attempt per reply, no retries');

  await p.say('START');
  const menu = await p.say(T.keyword('menu'));
  assert_menu(menu, start_node());
});

test('the gateway logs neither phone numbers nor message texts', async () => {
  const logs = gw.logs();
  assert.ok(logs.length > 0, 'the gateway logged something');
  for (const n of numbers_used) {
    assert.ok(!logs.includes(n), `a phone number appears in the logs`);
    assert.ok(!logs.includes(n.slice(1)), `a phone number (without +) appears in the logs`);
  }
  for (const t of texts_used) assert.ok(!logs.includes(t), 'a message text appears in the logs');
});
