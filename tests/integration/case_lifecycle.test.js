'use strict';
// Issue 4's main story end to end, over real loopback HTTP: a complaint filed by SMS through the
// example config's menus (its description in two SMS), worked by an AAP officer through the
// officers' API (read, acknowledge, refer with consent, answer), looked up with STATUS, sensitive
// complaints kept for the protection focal point (safe reply first, alert SMS without the story),
// then closed and rated. Every step is checked at the fake Twilio and in the SQLite file.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const HOUR_MS = 3600 * 1000;
const OFFICER = 'Lucía Rojas';
const FOCAL_POINT_NAME = 'Ana Focal';
const parts = [
  'Fui a Migraciones el lunes por la cita de mi CPP y no me atendieron.',
  'Me dijeron que vuelva en dos meses pero mi permiso vence antes.',
];
const answer_text = 'Hola, hablamos con Migraciones: su cita del CPP será el 3 de diciembre a las 9:00.';
const sensitive_texts = {
  staff_misconduct: 'Un voluntario del comedor me toca y dice que si me quejo me quitan la ayuda.',
  documentation: 'En la oficina del trámite me pidieron sexo para darme la cita del CPP.',
};

let fake;
let gw;
let cfg;
let T;
let OUR;
let started_at;
const tokens = {};
const story = {}; // the main case: number, reference, row
const sensitive = {}; // category -> {number, reference, row, replies}
let next_number = 0;

function new_person() {
  const number = `+5193${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  return h.person(gw, fake, number, OUR);
}

const fill = (tmpl, values) => tmpl.replace(/\{([a-z_]+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
const lang_of = (number) => (gw.db.one(`select language from contacts where address = ${h.sql_string(number)}`) || {}).language || T.default_language;

const officers = (method, path, opts) => h.api_request(gw.officers_url, method, path, opts);

async function make_token(name, role) {
  const r = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create', '--name', name, '--role', role, '--organisation', 'red_cbo', '--json']);
  assert.equal(r.code, 0, `token create ${role}: ${r.stderr}`);
  return JSON.parse(r.stdout).token;
}

// From the main menu to the description prompt of the complaint node: the category with this id,
// region `region` (an id, or null = "0" prefer not to say), sex and age group "0".
async function walk_to_description(p, category_id, region) {
  const node = cfg.nodes.complaint;
  let r = await p.say(T.option_to(cfg.deployment.start_node || 'main', (_, id) => id === 'complaint'));
  assert.ok(r.replies.join('\n').includes(T.text('choose_category').trim()), 'the categories are offered');
  r = await p.say(String(node.categories.indexOf(category_id) + 1));
  assert.ok(r.replies.join('\n').includes(T.text('choose_region').trim()), `the region question, got ${JSON.stringify(r.replies)}`);
  r = await p.say(region ? String(cfg.regions.findIndex((x) => x.id === region) + 1) : '0');
  for (const options of [cfg.sex_options, cfg.age_groups]) { // sex, then age group: prefer not to say
    for (const o of options) assert.ok(r.replies.join('\n').includes(T.pick(o.name)), `option ${o.id} offered`);
    r = await p.say('0');
  }
  assert.deepEqual(r.replies, [T.pick(node.ask_description)], 'the description prompt alone');
}

const case_of = (number) => gw.db.query(`select c.* from cases c join contacts ct on ct.id = c.contact_id where ct.address = ${h.sql_string(number)}`);
const refs = (r) => r.json.cases.map((c) => c.reference);

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('lifecycle');
  gw = await h.start_gateway({ fake, dir, config: h.write_config(dir) });
  started_at = Date.now(); // the first alert round runs at start-up, the next one 60 s later
  assert.ok(gw.officers_url, 'the officers\' listener is up');
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
  tokens.officer = await make_token(OFFICER, 'aap_officer');
  tokens.focal = await make_token(FOCAL_POINT_NAME, 'protection_focal_point');
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('1. a complaint by SMS, its description in two SMS: one case, acknowledged with its reference and promised days only', async () => {
  const p = new_person();
  story.number = p.number;
  await walk_to_description(p, 'documentation', 'lima');
  const before_ms = Date.now();
  const first = await p.say(parts[0]);
  assert.equal(first.replies.length, 1, JSON.stringify(first.replies));
  const ack = first.replies[0];
  const reference = (ack.match(h.REFERENCE_RE) || [])[0];
  assert.ok(reference, `a reference in ${ack}`);
  story.reference = reference;
  const type = cfg.case_types.find((t) => t.id === 'complaint');
  assert.equal(ack, fill(T.pick(type.acknowledgement), { reference, days: type.response_days }));
  assert.ok(!ack.includes(parts[0]) && !ack.includes('Migraciones el lunes'), 'the acknowledgement repeats nothing of the complaint');
  assert.equal(fake.sent_to(p.number).at(-1).body, ack, 'the fake got the acknowledgement');

  await new Promise((r) => setTimeout(r, 3000)); // the second SMS a few seconds later (part of the story)
  const second = await p.say(parts[1]);
  assert.deepEqual(second.replies, [], 'the second part joins the case silently');

  const rows = case_of(p.number);
  assert.equal(rows.length, 1, 'one case for both parts');
  const c = rows[0];
  assert.equal(c.reference, reference);
  assert.equal(c.description, `${parts[0]}\n${parts[1]}`);
  assert.equal(c.organisation, 'red_cbo');
  assert.equal(c.type, 'complaint');
  assert.equal(c.category, 'documentation');
  assert.equal(c.region, 'lima');
  assert.equal(c.sex, '');
  assert.equal(c.age_group, '');
  assert.equal(Number(c.sensitive), 0);
  assert.equal(c.status, 'new');
  assert.ok(c.opened_at >= before_ms - 1000 && c.opened_at <= Date.now(), `opened_at ${c.opened_at}`);
  assert.equal(c.acknowledge_due_at - c.opened_at, type.acknowledge_hours * HOUR_MS);
  assert.equal(c.due_at - c.opened_at, type.response_days * 24 * HOUR_MS);
  assert.equal(Number(c.acknowledged_at), 0);
  story.row = c;
});

test('2. the AAP officer lists the case, reads it (both parts), acknowledges it; events and audit carry the officer', async () => {
  const t = tokens.officer;
  const ref = story.reference;
  const list = await officers('GET', '/api/v1/cases', { token: t });
  assert.equal(list.status, 200, list.text);
  assert.ok(refs(list).includes(ref), JSON.stringify(refs(list)));
  assert.ok(!list.text.includes(story.number) && !list.text.includes(story.number.slice(1)), 'no phone number');

  const page = await officers('GET', `/api/v1/cases/${ref}`, { token: t });
  assert.equal(page.status, 200, page.text);
  assert.equal(page.json.case.description, `${parts[0]}\n${parts[1]}`);
  const said = page.json.conversation.filter((m) => m.direction === 'in').map((m) => m.text);
  for (const part of parts) assert.ok(said.includes(part), `the conversation has ${part}`);

  const ack = await officers('POST', `/api/v1/cases/${ref}/status`, { token: t, body: { status: 'acknowledged' } });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.json.case.status, 'acknowledged');
  const c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(c.status, 'acknowledged');
  assert.ok(c.acknowledged_at >= c.opened_at && c.acknowledged_at <= Date.now(), `acknowledged_at ${c.acknowledged_at}`);
  const actor = h.sql_string(`officer:${OFFICER}`);
  assert.equal(gw.db.count(`select count(*) from case_events where case_id = ${c.id} and actor = ${actor} and to_status = 'acknowledged'`), 1);
  for (const action of ['case.read', 'case.status']) {
    assert.ok(gw.db.count(`select count(*) from audit_log where action = '${action}' and actor = ${actor} and subject = 'case:${ref}'`) >= 1, action);
  }

  const again = await officers('GET', '/api/v1/cases', { token: t });
  const row = again.json.cases.find((x) => x.reference === ref);
  assert.equal(row.status, 'acknowledged');
  assert.equal(row.overdue, false);
});

test('3. a referral sharing the contact needs recorded consent (422 without, 200 with)', async () => {
  const t = tokens.officer;
  const ref = story.reference;
  const refused = await officers('POST', `/api/v1/cases/${ref}/refer`, { token: t, body: { organisation: 'union_venezolana', share_contact: true } });
  assert.equal(refused.status, 422, refused.text);
  assert.match(refused.json.error, /consent/);
  let c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(c.status, 'acknowledged');
  assert.equal(Number(c.contact_shared), 0);
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'case.referred' and subject = 'case:${ref}'`), 0);

  const referred = await officers('POST', `/api/v1/cases/${ref}/refer`, { token: t, body: { organisation: 'union_venezolana', share_contact: true, consent_recorded: true } });
  assert.equal(referred.status, 200, referred.text);
  assert.equal(referred.json.case.status, 'referred');
  assert.equal(referred.json.case.referral.organisation, 'union_venezolana');
  assert.equal(referred.json.case.referral.contact_shared, true);
  c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(c.status, 'referred');
  assert.equal(c.referred_organisation, 'union_venezolana');
  assert.equal(Number(c.contact_shared), 1);
  const audit = gw.db.one(`select * from audit_log where action = 'case.referred' and subject = 'case:${ref}'`);
  assert.equal(audit.actor, `officer:${OFFICER}`);
  const detail = JSON.parse(audit.detail);
  assert.equal(detail.consent_recorded, true);
  assert.equal(detail.contact_shared, true);
});

test('4. the answer through the API reaches the person as written, is delivered, and the case is responded', async () => {
  const ref = story.reference;
  const sent_before = fake.sent_to(story.number).length;
  const r = await officers('POST', `/api/v1/cases/${ref}/respond`, { token: tokens.officer, body: { text: answer_text } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.case.status, 'responded');
  const at_fake = await h.wait_for(() => fake.sent_to(story.number).slice(sent_before).find((m) => m.body === answer_text), 15000, 'the answer at the fake');
  assert.equal(fake.sent_to(story.number).length, sent_before + 1, 'one SMS: the answer alone');
  assert.equal(at_fake.from, OUR);
  assert.ok(!at_fake.body.includes(parts[0]) && !at_fake.body.includes(parts[1]));

  const row = await h.wait_for(() => {
    const o = gw.db.one(`select * from outbox where provider_message_id = ${h.sql_string(at_fake.sid)}`);
    return o && o.status === 'delivered' && o;
  }, 15000, 'the answer\'s outbox row delivered by the status callback');
  assert.equal(row.text, answer_text);
  assert.equal(row.to_address, story.number);
  // The fake records a callback once the gateway has answered it, which may be after the row changed.
  await h.wait_for(() => fake.callbacks.some((cb) => cb.params.MessageSid === at_fake.sid && cb.params.MessageStatus === 'delivered' && cb.http_status === 200), 5000, 'the gateway to take the delivered callback');
  const c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(c.status, 'responded');
  assert.ok(c.responded_at >= c.acknowledged_at && c.responded_at <= Date.now(), `responded_at ${c.responded_at}`);
});

test('5. STATUS from the person names the status; from another number the neutral text', async () => {
  const ref = story.reference;
  const p = h.person(gw, fake, story.number, OUR);
  const own = await p.say(`${T.keyword('status').toUpperCase()} ${ref}`);
  const lang = lang_of(story.number);
  const words = T.pick(cfg.statuses.responded, lang);
  assert.deepEqual(own.replies, [fill(T.text('status_found', lang), { reference: ref, status: words })]);

  const stranger = new_person();
  const other = await stranger.say(`STATUS ${ref}`);
  const unknown = T.text('status_unknown', lang_of(stranger.number));
  assert.equal(other.replies.at(-1), unknown);
  assert.ok(!other.replies.join('\n').includes(words) && !other.replies.join('\n').includes(T.pick(cfg.statuses.responded, 'en')), 'nothing of the case to another number');
});

test('6. sensitive complaints: safe reply first at safety priority, focal point alerted without the story, hidden from the AAP officer', async () => {
  const focal_number = cfg.organisations[0].focal_points[0].address;
  assert.equal(focal_number, '+51987000101');
  for (const [category, text] of Object.entries(sensitive_texts)) {
    const p = new_person();
    await walk_to_description(p, category, null);
    const r = await p.say(text);
    assert.equal(r.rows.length, 2, JSON.stringify(r.replies));
    assert.equal(r.replies[0], T.pick(cfg.sensitive.safe_reply), 'the safe reply first');
    const reference = (r.replies[1].match(h.REFERENCE_RE) || [])[0];
    assert.ok(reference, 'then the acknowledgement with the reference');
    for (const o of r.rows) assert.equal(Number(o.priority), 0, 'safety priority');
    const row = case_of(p.number)[0];
    assert.equal(row.reference, reference);
    assert.equal(Number(row.sensitive), 1, `${category} is sensitive`);
    assert.equal(row.category, category);
    const alert = gw.db.one(`select * from sensitive_alerts where case_id = ${row.id}`);
    assert.ok(alert, 'an alert row');
    assert.equal(alert.organisation, 'red_cbo');
    assert.equal(alert.category, category);
    assert.equal(Number(alert.settled), 0);
    sensitive[category] = { number: p.number, reference, row, text };
  }

  const officer_list = await officers('GET', '/api/v1/cases', { token: tokens.officer });
  const focal_list = await officers('GET', '/api/v1/cases', { token: tokens.focal });
  for (const s of Object.values(sensitive)) {
    assert.equal((await officers('GET', `/api/v1/cases/${s.reference}`, { token: tokens.officer })).status, 404);
    assert.ok(!refs(officer_list).includes(s.reference), 'not in the officer\'s list');
    assert.ok(!officer_list.text.includes(s.text));
    assert.ok(refs(focal_list).includes(s.reference), 'in the focal point\'s list');
    const page = await officers('GET', `/api/v1/cases/${s.reference}`, { token: tokens.focal });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json.case.description, s.text);

    // STATUS of a sensitive case, even from the person's own number: the neutral text.
    const own = await h.person(gw, fake, s.number, OUR).say(`${T.keyword('status').toUpperCase()} ${s.reference}`);
    assert.deepEqual(own.replies, [T.text('status_unknown', lang_of(s.number))]);
  }

  // The alert rounds run at start-up and every 60 s: these cases are alerted at the next round.
  const bound = Math.max(5000, started_at + 75000 - Date.now());
  for (const [category, s] of Object.entries(sensitive)) {
    const alert_sms = await h.wait_for(() => fake.sent_to(focal_number).find((m) => m.body.includes(s.reference)), bound, `the focal point's alert of ${s.reference}`);
    assert.ok(alert_sms.body.includes(category), `the category in ${alert_sms.body}`);
    assert.ok(!alert_sms.body.includes(s.text) && !alert_sms.body.includes(s.text.slice(0, 20)), 'no description');
    assert.ok(!alert_sms.body.includes(s.number) && !alert_sms.body.includes(s.number.slice(3)), 'no number of the person');
    const row = gw.db.one(`select * from outbox where provider_message_id = ${h.sql_string(alert_sms.sid)}`);
    assert.equal(Number(row.priority), 0, 'the alert at safety priority');
    assert.equal(Number(gw.db.one(`select alerts_sent from sensitive_alerts where case_id = ${s.row.id}`).alerts_sent), 1);
  }
  assert.equal(fake.sent_to(cfg.organisations[0].focal_points[1].address).length, 0, 'the backup only on escalation');
});

test('7. closing asks the person for a rating (reference only); a reply 1-5 is recorded and thanked', async () => {
  const ref = story.reference;
  const sent_before = fake.sent_to(story.number).length;
  const closed = await officers('POST', `/api/v1/cases/${ref}/status`, { token: tokens.officer, body: { status: 'closed' } });
  assert.equal(closed.status, 200, closed.text);
  assert.equal(closed.json.case.status, 'closed');
  const lang = story.row.language || T.default_language;
  const question = fill(T.pick(cfg.satisfaction.question, lang), { reference: ref });
  const asked = await h.wait_for(() => fake.sent_to(story.number).slice(sent_before).find((m) => m.body === question), 15000, 'the satisfaction question at the fake');
  assert.ok(!asked.body.includes(parts[0]) && !asked.body.includes(answer_text), 'the question carries the reference only');
  let c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(c.status, 'closed');
  assert.ok(c.closed_at > 0);
  assert.equal(Number(c.satisfaction), 0);

  const r = await h.person(gw, fake, story.number, OUR).say('4');
  assert.deepEqual(r.replies, [T.pick(cfg.satisfaction.thanks, lang)]);
  c = gw.db.one(`select * from cases where id = ${story.row.id}`);
  assert.equal(Number(c.satisfaction), 4);
  assert.equal(c.status, 'closed', 'a rating changes no status');
  const page = await officers('GET', `/api/v1/cases/${ref}`, { token: tokens.officer });
  assert.equal(page.json.case.satisfaction, 4);
});
