'use strict';
// Campaign broadcasts over real HTTP with the fake Twilio and the officers' API: people subscribe
// by SMS, a broadcaster sends to a region in two languages (exactly the right people get exactly
// their language's text), STOP between preview and confirm and during sending is honoured, quiet
// hours around the current local time hold rows until they end, pause/resume/cancel, a reply
// overtakes a running broadcast, another organisation sees 404, a rumour answered collectively
// marks its cases responded, and no answer to a broadcaster carries a number. Also the CLI.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
let quiet_end_ms; // the end of the configured quiet hours, as an instant
const tokens = {};
const seen_by_broadcasters = []; // every answer body a broadcaster got
const people = {};
let next_number = 0;

function new_person() {
  const number = `+5194${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  return h.person(gw, fake, number, OUR);
}

const api = async (who, method, p, body) => {
  const r = await h.api_request(gw.officers_url, method, p, { token: tokens[who].token, body });
  if (who.startsWith('broadcaster')) seen_by_broadcasters.push(r.text);
  return r;
};
const contact_of = (p) => gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
const received = (p, text) => fake.sent.filter((m) => m.to === p.number && m.body === text).length;
const rows_of = (id) => gw.db.query(`select * from outbox where broadcast_id = ${id} order by id`);
const progress = async (id) => (await api('broadcaster', 'GET', `/api/v1/broadcasts/${id}`)).json.progress;
const region_digit = (id) => String(cfg.regions.findIndex((r) => r.id === id) + 1);
const topic_digit = (id) => String(cfg.nodes.news.topics.indexOf(id) + 1);

// Subscribes by SMS: the keyword (its language becomes the person's), a topic, the region.
async function subscribe(p, keyword, topic, region) {
  await p.say(keyword);
  await p.say(topic_digit(topic));
  await p.say(region_digit(region));
}

const lima_campaign = (name, extra = {}) => ({
  name,
  topics: ['health_brigades'],
  regions: ['lima'],
  languages: ['es', 'en'],
  channels: ['sms'],
  texts: { es: `${name}: brigada de salud el sábado`, en: `${name}: health brigade on Saturday` },
  respect_quiet_hours: false,
  ...extra,
});

async function create(who, draft) {
  const r = await api(who, 'POST', '/api/v1/broadcasts', draft);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function confirm(who, id) {
  const r = await api(who, 'POST', `/api/v1/broadcasts/${id}/confirm`);
  assert.equal(r.status, 202, r.text);
  return r.json;
}

const lima_es = () => ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8'].map((k) => people[k]);
const lima_en = () => [people.b1, people.b2];

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('broadcasts');
  // Quiet hours from an hour ago to an hour ahead in Lima (UTC-5, no DST): the injected clock of
  // this story. Broadcasts that must go now say respect_quiet_hours: false.
  const now = Date.now();
  const minute_ms = 60000;
  const lima_minute = Math.floor(((now - 5 * 3600000) % 86400000) / minute_ms);
  const hhmm = (m) => { const x = ((m % 1440) + 1440) % 1440; return `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`; };
  quiet_end_ms = Math.floor(now / minute_ms) * minute_ms + 60 * minute_ms;
  const config = h.write_config(dir, (c) => {
    // 8 sends a second, a quarter for broadcasts: a broadcast goes out at 2 a second.
    for (const ch of c.channels) { ch.sends_per_second = 8; ch.broadcast_share = 0.25; }
    c.broadcasts.quiet_hours = { start: hhmm(lima_minute - 60), end: hhmm(lima_minute + 60) };
    return c;
  });
  gw = await h.start_gateway({ fake, dir, config });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;

  const make_token = async (key, name, role, organisation) => {
    const r = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create', '--name', name,
      '--role', role, '--organisation', organisation, '--json']);
    assert.equal(r.code, 0, r.stderr);
    tokens[key] = JSON.parse(r.stdout);
  };
  await make_token('broadcaster', 'Juan Difusión', 'cbo_broadcaster', 'red_cbo');
  await make_token('broadcaster_union', 'Ana Unión', 'cbo_broadcaster', 'union_venezolana');
  await make_token('officer', 'Lucía Rojas', 'aap_officer', 'red_cbo');
  await make_token('auditor', 'Rosa Auditora', 'auditor', 'union_venezolana');
  await make_token('focal', 'Pia Focal', 'protection_focal_point', 'red_cbo');

  for (const k of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'b1', 'b2', 'c1', 'd1', 'e1']) people[k] = new_person();
  const es = cfg.keywords.subscribe.es[0];
  const en = cfg.keywords.subscribe.en[0];
  for (const k of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8']) await subscribe(people[k], es, 'health_brigades', 'lima');
  for (const k of ['b1', 'b2']) await subscribe(people[k], en, 'health_brigades', 'lima');
  await subscribe(people.c1, es, 'health_brigades', 'callao'); // another region
  await subscribe(people.d1, es, 'documentation_drives', 'lima'); // another topic
  await people.e1.say('hola'); // never subscribed
  assert.equal(contact_of(people.b1).language, 'en');
  assert.equal(gw.db.count(`select count(*) from subscriptions where topic = 'health_brigades'`), 11);
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('to a region in two languages: exactly its subscribers, each in their language; small cells withheld', async () => {
  const draft = lima_campaign('Brigada uno');
  const created = await create('broadcaster', draft);
  const b = created.broadcast;
  assert.equal(b.status, 'draft');
  assert.equal(b.organisation, 'red_cbo');
  assert.deepEqual(b.texts, draft.texts);
  assert.equal(created.preview.people, 10, 'eight in Spanish and two in English');
  assert.deepEqual(created.preview.problems, []);
  const es_line = created.preview.lines.find((l) => l.language === 'es');
  const en_line = created.preview.lines.find((l) => l.language === 'en');
  assert.equal(en_line.people, null, '2 is below the suppression threshold of 5');
  // 8 is not, but with the total shown it would give the 2 away: withheld as well.
  assert.deepEqual([es_line.people, es_line.segments_per_message, es_line.segments], [null, 1, null]);
  assert.equal(created.preview.sms_segments, 10);
  assert.equal(en_line.segments, null);

  const confirmed = await confirm('broadcaster', b.id);
  assert.equal(confirmed.planned, 10);
  assert.equal(confirmed.broadcast.status, 'sending');
  await h.wait_for(async () => (await progress(b.id)).delivered === 10, 20000, 'ten delivered');
  for (const p of lima_es()) assert.equal(received(p, draft.texts.es), 1, `${p.number} got the Spanish text once`);
  for (const p of lima_en()) assert.equal(received(p, draft.texts.en), 1, `${p.number} got the English text once`);
  for (const p of [...lima_es(), ...lima_en()]) {
    assert.equal(fake.sent.filter((m) => m.to === p.number && m.body.startsWith('Brigada uno')).length, 1, 'one text, not both');
  }
  for (const p of [people.c1, people.d1, people.e1]) {
    assert.equal(fake.sent.filter((m) => m.to === p.number && m.body.startsWith('Brigada uno')).length, 0, 'outside the segment');
  }
  const rows = rows_of(b.id);
  assert.ok(rows.every((r) => Number(r.priority) === 3), 'broadcast priority');
  const shown = await api('broadcaster', 'GET', `/api/v1/broadcasts/${b.id}`);
  assert.equal(shown.json.broadcast.planned, 10);
  assert.equal(shown.json.progress.planned, 10);
  const audit = gw.db.query(`select action, actor, detail from audit_log where subject = 'broadcast:${b.id}' order by seq`);
  assert.deepEqual(audit.map((a) => a.action).slice(0, 3), ['broadcast.created', 'broadcast.confirmation_started', 'broadcast.confirmed']);
  assert.equal(audit[1].actor, 'officer:Juan Difusión');
  assert.equal(audit[2].actor, 'officer:Juan Difusión');
  assert.deepEqual({ planned: JSON.parse(audit[2].detail).planned, audience: JSON.parse(audit[2].detail).audience }, { planned: 10, audience: 10 });

  // All sent: the broadcast completes; a recipient who writes now is counted as a reply.
  await h.wait_for(async () => (await api('broadcaster', 'GET', `/api/v1/broadcasts/${b.id}`)).json.broadcast.status === 'completed', 15000, 'completed');
  await people.a1.say('gracias');
  assert.equal((await progress(b.id)).replies, 1);
});

test('STOP between preview and confirmation, and STOP while it is sending, are honoured', async () => {
  const draft = lima_campaign('Brigada dos');
  const b = (await create('broadcaster', draft)).broadcast;
  const preview = await api('broadcaster', 'GET', `/api/v1/broadcasts/${b.id}/preview`);
  assert.equal(preview.json.preview.people, 10);

  await people.a4.say('STOP');
  const after_stop = await api('broadcaster', 'GET', `/api/v1/broadcasts/${b.id}/preview`);
  assert.equal(after_stop.json.preview.people, 9, 'counted again');
  const confirmed = await confirm('broadcaster', b.id);
  assert.equal(confirmed.planned, 9, 'the person who sent STOP is not planned');

  // While it sends (2 a second), the person of the last row still queued sends STOP.
  await h.wait_for(() => rows_of(b.id).some((r) => ['sent', 'delivered'].includes(r.status)), 10000, 'the first row sent');
  const waiting = rows_of(b.id).filter((r) => r.status === 'queued');
  assert.ok(waiting.length >= 2, `rows still queued: ${waiting.length}`);
  const last = waiting.at(-1);
  const leaver = Object.values(people).find((p) => contact_of(p).id === last.contact_id);
  await leaver.say('STOP');
  await h.wait_for(async () => { const pr = await progress(b.id); return pr.queued === 0 && pr.delivered + pr.opted_out_since === 9 && pr; }, 20000, 'all rows final');
  const dropped = gw.db.one(`select status, error_code from outbox where id = ${last.id}`);
  assert.deepEqual({ ...dropped }, { status: 'cancelled', error_code: 'opted_out_since' });
  assert.equal(received(leaver, leaver === people.b1 || leaver === people.b2 ? draft.texts.en : draft.texts.es), 0);
  assert.equal(received(people.a4, draft.texts.es), 0);
  const pr = await progress(b.id);
  assert.equal(pr.opted_out_since, 1);
  assert.equal(pr.delivered, 8);
});

test('quiet hours: rows wait until they end, in the audience\'s zone; a cancel ends them', async () => {
  const draft = lima_campaign('Brigada nocturna', { respect_quiet_hours: true });
  const created = await create('broadcaster', draft);
  assert.equal(Date.parse(created.preview.starts_at), quiet_end_ms, 'the preview starts at the end of the quiet hours');
  const confirmed = await confirm('broadcaster', created.broadcast.id);
  assert.ok(confirmed.planned >= 3);
  const rows = rows_of(created.broadcast.id);
  assert.equal(rows.length, confirmed.planned);
  for (const r of rows) assert.equal(Number(r.next_attempt_at), quiet_end_ms, 'due at the end of the quiet hours');
  await new Promise((r) => setTimeout(r, 1500));
  assert.equal(fake.sent.filter((m) => m.body.startsWith('Brigada nocturna')).length, 0, 'nothing sent in quiet hours');

  const cancelled = await api('broadcaster', 'POST', `/api/v1/broadcasts/${created.broadcast.id}/cancel`);
  assert.equal(cancelled.status, 200, cancelled.text);
  assert.equal(cancelled.json.broadcast.status, 'cancelled');
  const pr = await progress(created.broadcast.id);
  assert.equal(pr.cancelled, confirmed.planned);
  assert.equal(pr.queued, 0);
  const again = await api('broadcaster', 'POST', `/api/v1/broadcasts/${created.broadcast.id}/resume`);
  assert.equal(again.status, 409, 'a cancelled broadcast stays cancelled');

  // A schedule: shown "scheduled" until its time, rows due then.
  const at = new Date(Math.floor(Date.now() / 1000) * 1000 + 3 * 3600000);
  const later = await create('broadcaster', lima_campaign('Brigada programada', { scheduled_at: at.toISOString() }));
  assert.equal(Date.parse(later.preview.starts_at), at.getTime());
  assert.equal((await confirm('broadcaster', later.broadcast.id)).broadcast.status, 'scheduled');
  for (const r of rows_of(later.broadcast.id)) assert.equal(Number(r.next_attempt_at), at.getTime());
  const listed = await api('broadcaster', 'GET', '/api/v1/broadcasts?status=scheduled');
  assert.deepEqual(listed.json.broadcasts.map((x) => x.id), [later.broadcast.id]);
  const past = await api('broadcaster', 'POST', '/api/v1/broadcasts', lima_campaign('Ayer', { scheduled_at: '2020-01-01T00:00:00Z' }));
  assert.equal(past.status, 422);
  assert.equal((await api('broadcaster', 'POST', `/api/v1/broadcasts/${later.broadcast.id}/cancel`)).status, 200);
});

test('pause holds the rest, resume sends it; a reply overtakes the running broadcast', async () => {
  const draft = lima_campaign('Brigada tres');
  const b = (await create('broadcaster', draft)).broadcast;
  const planned = (await confirm('broadcaster', b.id)).planned;
  assert.ok(planned >= 3);

  // A person writes while the broadcast runs: their reply goes out before the remaining rows.
  await h.wait_for(() => rows_of(b.id).some((r) => ['sent', 'delivered'].includes(r.status)), 10000, 'the first row sent');
  const asked = await people.e1.say('hola');
  assert.ok(asked.replies.length > 0);
  const reply_at = fake.sent.findIndex((m) => m.to === people.e1.number && m.sid === asked.rows.at(-1).provider_message_id);
  assert.ok(reply_at >= 0);
  const paused = await api('broadcaster', 'POST', `/api/v1/broadcasts/${b.id}/pause`);
  assert.equal(paused.status, 200, paused.text);
  assert.equal(paused.json.broadcast.status, 'paused');
  const broadcast_sends = () => fake.sent.filter((m) => m.body.startsWith('Brigada tres'));

  const held = await progress(b.id);
  assert.ok(held.paused > 0, `rows paused: ${JSON.stringify(held)}`);
  const count_at_pause = broadcast_sends().length;
  // Rows the dispatcher had claimed ahead (its look-ahead window: 4 workers here) still go; then
  // nothing more while paused.
  let stalled = count_at_pause;
  await h.wait_for(async () => {
    await new Promise((r) => setTimeout(r, 800));
    const n = broadcast_sends().length;
    const same = n === stalled;
    stalled = n;
    return same;
  }, 8000, 'sending to stop while paused');
  assert.ok(stalled <= count_at_pause + 4, `at most the claimed rows finish (${stalled - count_at_pause})`);
  assert.ok(stalled < planned, 'rows were held back');

  const resumed = await api('broadcaster', 'POST', `/api/v1/broadcasts/${b.id}/resume`);
  assert.equal(resumed.status, 200, resumed.text);
  await h.wait_for(async () => (await progress(b.id)).delivered === planned, 20000, 'all delivered after resume');
  const reply_index = reply_at;
  const first_index = fake.sent.findIndex((m) => m.body.startsWith('Brigada tres'));
  const last_index = fake.sent.findLastIndex((m) => m.body.startsWith('Brigada tres'));
  assert.ok(first_index < reply_index && reply_index < last_index, 'the reply went between the broadcast\'s rows');
  const actions = gw.db.query(`select action from audit_log where subject = 'broadcast:${b.id}' order by seq`).map((a) => a.action);
  assert.deepEqual(actions.slice(0, 5), ['broadcast.created', 'broadcast.confirmation_started', 'broadcast.confirmed', 'broadcast.paused', 'broadcast.resumed']);
});

test('another organisation cannot see or touch it; auditors read, change nothing; focal points have none', async () => {
  const b = (await create('broadcaster', lima_campaign('Privada'))).broadcast;
  for (const [method, p] of [['GET', `/api/v1/broadcasts/${b.id}`], ['GET', `/api/v1/broadcasts/${b.id}/preview`],
    ['POST', `/api/v1/broadcasts/${b.id}/pause`], ['POST', `/api/v1/broadcasts/${b.id}/confirm`], ['POST', `/api/v1/broadcasts/${b.id}/cancel`]]) {
    const r = await api('broadcaster_union', method, p);
    assert.equal(r.status, 404, `${method} ${p}`);
    assert.deepEqual(r.json, { error: 'no such broadcast' });
  }
  const theirs = await api('broadcaster_union', 'GET', '/api/v1/broadcasts');
  assert.equal(theirs.status, 200);
  assert.deepEqual(theirs.json.broadcasts, []);
  const ours = await api('broadcaster', 'GET', '/api/v1/broadcasts?status=draft');
  assert.deepEqual(ours.json.broadcasts.map((x) => x.id), [b.id], ours.text);
  const foreign_topic = await api('broadcaster_union', 'POST', '/api/v1/broadcasts', lima_campaign('Ajena'));
  assert.equal(foreign_topic.status, 422, 'health_brigades is red_cbo\'s topic');

  const audited = await api('auditor', 'GET', '/api/v1/broadcasts');
  assert.ok(audited.json.broadcasts.some((x) => x.id === b.id), 'an auditor lists every organisation\'s');
  assert.equal(audited.json.broadcasts.find((x) => x.id === b.id).texts, null, 'but not their words');
  assert.equal((await api('auditor', 'POST', `/api/v1/broadcasts/${b.id}/cancel`)).status, 403);
  assert.equal((await api('focal', 'GET', '/api/v1/broadcasts')).status, 403);
  const bad = await api('broadcaster', 'POST', '/api/v1/broadcasts', '{"name": "x", ');
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /not valid JSON/);
  const unknown = await api('broadcaster', 'POST', '/api/v1/broadcasts', { ...lima_campaign('x'), region: ['lima'] });
  assert.equal(unknown.status, 400);
  assert.match(unknown.json.error, /'region': unknown field/);
  const no_text = await api('broadcaster', 'POST', `/api/v1/broadcasts/${(await create('broadcaster', { ...lima_campaign('Sin español'), texts: { en: 'only English' } })).broadcast.id}/confirm`);
  assert.equal(no_text.status, 422);
  assert.ok(no_text.json.problems.length >= 1, no_text.text);
  assert.equal((await api('broadcaster', 'POST', `/api/v1/broadcasts/${b.id}/cancel`)).status, 200);
});

test('a rumour answered collectively: the people whose cases carry the code get it, their cases become responded', async () => {
  const file_rumour = async (p, description) => {
    let r = await p.say(T.option_to('main', (_, id) => id === 'feedback'));
    r = await p.say(String(cfg.nodes.feedback.categories.indexOf('rumour') + 1));
    for (let i = 0; i < 5 && !r.replies.join('\n').includes(T.pick(cfg.nodes.feedback.ask_description).trim()); ++i) r = await p.say('0');
    await p.say(description);
    return h.wait_for(() => gw.db.one(`select c.* from cases c join contacts ct on ct.id = c.contact_id
      where ct.address = ${h.sql_string(p.number)} and c.description = ${h.sql_string(description)}`), 15000, 'the rumour case');
  };
  const r1 = new_person();
  const r2 = new_person();
  const r3 = new_person();
  const cases = [
    await file_rumour(r1, 'Dicen que el carnet cuesta 200 soles'),
    await file_rumour(r2, 'Me dijeron que hay que pagar por la cita'),
    await file_rumour(r3, 'Dicen que deportan a quien se registra'),
  ];
  const codes = ['fee_rumour', 'fee_rumour', 'deportation_rumour'];
  for (let i = 0; i < 3; ++i) {
    const r = await api('officer', 'POST', `/api/v1/cases/${cases[i].reference}/codes`, { codes: [codes[i]] });
    assert.equal(r.status, 200, r.text);
  }
  const answer = { name: 'Rumor: el carnet es gratis', answers_code: 'fee_rumour', respect_quiet_hours: false,
    texts: { es: 'El carnet y la cita son gratuitos. Nadie puede cobrarte.', en: 'The card and the appointment are free.' } };
  const refused = await api('broadcaster', 'POST', '/api/v1/broadcasts', answer);
  assert.equal(refused.status, 403, 'a broadcaster does not answer cases');
  const created = await create('officer', answer);
  assert.equal(created.preview.people, null, 'two people: withheld');
  const confirmed = await confirm('officer', created.broadcast.id);
  assert.equal(confirmed.planned, 2);
  await h.wait_for(() => received(r1, answer.texts.es) === 1 && received(r2, answer.texts.es) === 1, 15000, 'the answer at both');
  assert.equal(received(r3, answer.texts.es), 0, 'another code');
  const status = (c) => gw.db.one(`select status from cases where id = ${c.id}`).status;
  assert.equal(status(cases[0]), 'responded');
  assert.equal(status(cases[1]), 'responded');
  assert.notEqual(status(cases[2]), 'responded');
  const event = gw.db.one(`select actor, note, to_status from case_events where case_id = ${cases[0].id} and to_status = 'responded'`);
  assert.deepEqual({ ...event }, { actor: 'officer:Lucía Rojas', note: `collective answer: broadcast ${created.broadcast.id}`, to_status: 'responded' });
  const rows = rows_of(created.broadcast.id);
  assert.ok(rows.every((r) => Number(r.solicited) === 1 && Number(r.priority) === 3), 'solicited, broadcast priority');
});

test('the CLI: create from a file, list, show, preview, confirm and cancel on the database (counts only)', async () => {
  const file = path.join(gw.dir, 'draft.json');
  fs.writeFileSync(file, JSON.stringify(lima_campaign('Desde la consola', { respect_quiet_hours: true })));
  const cli = (...args) => h.run_command(['broadcast', '--config', gw.config, '--db', gw.db_file, '--actor', 'tester', ...args]);
  const made = await cli('create', '--file', file, '--organisation', 'red_cbo');
  assert.equal(made.code, 0, made.stderr);
  const { id } = JSON.parse(made.stdout);
  assert.equal(JSON.parse(made.stdout).status, 'draft');
  const listed = await cli('list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.ok(JSON.parse(listed.stdout).some((b) => b.id === id && b.name === 'Desde la consola'));
  const preview = await cli('preview', String(id));
  assert.equal(JSON.parse(preview.stdout).preview.people, 8, 'the Lima subscribers left after two STOPs');
  const confirmed = await cli('confirm', String(id));
  assert.equal(confirmed.code, 0, confirmed.stderr);
  assert.equal(JSON.parse(confirmed.stdout).planned, 8);
  assert.equal(rows_of(id).length, 8);
  const twice = await cli('confirm', String(id));
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /confirmed already/);
  const shown = await cli('show', String(id));
  assert.equal(JSON.parse(shown.stdout).progress.planned, 8);
  const cancelled = await cli('cancel', String(id));
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.equal(JSON.parse(cancelled.stdout).status, 'cancelled');
  assert.equal(gw.db.count(`select count(*) from outbox where broadcast_id = ${id} and status = 'cancelled'`), 8);
  const missing = await cli('show', '999999');
  assert.equal(missing.code, 2);
  const created_by = gw.db.one(`select created_by from broadcasts where id = ${id}`).created_by;
  assert.equal(created_by, 'cli:tester');
  const audit = gw.db.query(`select actor, action from audit_log where subject = 'broadcast:${id}' order by seq`);
  assert.deepEqual(audit.map((a) => `${a.actor} ${a.action}`), ['cli:tester broadcast.created', 'cli:tester broadcast.confirmation_started', 'cli:tester broadcast.confirmed', 'cli:tester broadcast.cancelled']);
  for (const out of [made.stdout, listed.stdout, preview.stdout, shown.stdout]) {
    for (const p of Object.values(people)) assert.ok(!out.includes(p.number.slice(1)), 'never a number');
  }
});

test('a broadcaster\'s answers never carry a phone number', () => {
  assert.ok(seen_by_broadcasters.length > 20);
  const all = seen_by_broadcasters.join('\n');
  for (const p of Object.values(people)) assert.ok(!all.includes(p.number.slice(1)), `no ${p.number}`);
  assert.ok(!/\+?51\d{9}/.test(all), 'no Peruvian number at all');
});
