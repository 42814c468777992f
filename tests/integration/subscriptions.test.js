'use strict';
// Subscriptions to campaign broadcasts by SMS, through the fake Twilio over real HTTP: a person
// picks two topics from the main menu and gives their region, switches one off; every change is a
// consent_log row and a consent.* audit entry (pseudonym, never the number); STOP ends every
// topic, START answers but restores none; SUSCRIBIR / SUBSCRIBE open the topics from anywhere.
// Topic names, node texts and keywords come from config/example.json.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
let NEWS; // the subscriptions node's id
let next_number = 0;

function new_person() {
  const number = `+5193${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  return h.person(gw, fake, number, OUR);
}

const joined = (r) => r.replies.join('\n');
const contact_of = (p) => gw.db.one(`select * from contacts where address = ${h.sql_string(p.number)}`);
const topics_of = (p) => gw.db.query(`select topic from subscriptions where contact_id = ${contact_of(p).id} order by topic`).map((r) => r.topic);
const log_of = (p) => gw.db.query(`select action, topic, region, channel_id, source from consent_log where contact_id = ${contact_of(p).id} order by id`)
  .map((r) => [r.action, r.topic, r.region, r.channel_id, r.source].join(' '));
// The topics the node offers, in order: its list, or every topic.
const offered = () => (cfg.nodes[NEWS].topics || cfg.topics.map((t) => t.id)).map((id) => cfg.topics.find((t) => t.id === id));
// The numbered line of a topic in a reply: "2. Jornadas de documentación: …".
function topic_line(r, n, lang = T.default_language) {
  const name = T.pick(offered()[n - 1].name, lang);
  const line = joined(r).split('\n').find((l) => l.startsWith(`${n}. ${name}`));
  assert.ok(line, `line ${n}. ${name} in ${JSON.stringify(r.replies)}`);
  return line;
}

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
  NEWS = Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'subscriptions');
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

let subscriber; // the person of the first story, who STOPs and STARTs in the next

test('by the main menu: two topics, the region once, one topic off; consent_log and audit record each', async () => {
  assert.ok(NEWS, 'the example has a subscriptions node');
  assert.ok(cfg.nodes[NEWS].ask_region, 'it asks the region');
  const p = subscriber = new_person();
  await p.say('hola');
  const digit = T.option_to('main', (_, id) => id === NEWS);
  assert.ok(digit, 'the main menu leads to the subscriptions');

  const screen = await p.say(digit);
  assert.ok(joined(screen).includes(T.node_text(NEWS)), 'the node text');
  const before_lines = offered().map((_, i) => topic_line(screen, i + 1));
  assert.equal(new Set(before_lines.map((l) => l.slice(l.indexOf(':')))).size, 1, 'every topic shows the same (off) mark');

  // The first topic: subscribed, then asked the region (numbered regions and "prefer not to say").
  const first = await p.say('1');
  for (const reg of cfg.regions) assert.ok(joined(first).includes(T.pick(reg.name)), `region ${reg.id} offered`);
  assert.ok(joined(first).includes(`0. ${T.text('prefer_not_to_say')}`), 'prefer not to say is 0');
  assert.deepEqual(topics_of(p), [offered()[0].id]);

  const lima = cfg.regions.findIndex((r) => r.id === 'lima') + 1;
  const region = await p.say(String(lima));
  assert.ok(joined(region).includes('Lima'), 'the region is confirmed');
  assert.notEqual(topic_line(region, 1), before_lines[0], 'the first topic now shows on');

  const fourth = await p.say('4');
  assert.ok(!joined(fourth).includes(T.text('prefer_not_to_say')), 'the region is not asked twice');
  assert.notEqual(topic_line(fourth, 4), before_lines[3], 'the fourth topic now shows on');
  const both = [offered()[0].id, offered()[3].id].sort();
  assert.deepEqual(topics_of(p), both);
  const sub = gw.db.one(`select channel_id, region from subscribers where contact_id = ${contact_of(p).id}`);
  assert.deepEqual({ ...sub }, { channel_id: 'sms', region: 'lima' });

  const off = await p.say('1');
  assert.equal(topic_line(off, 1), before_lines[0], 'the first topic shows off again');
  assert.deepEqual(topics_of(p), [offered()[3].id]);

  assert.deepEqual(log_of(p), [
    `subscribed ${offered()[0].id}  sms menu`,
    'region_set  lima sms menu',
    `subscribed ${offered()[3].id}  sms menu`,
    `unsubscribed ${offered()[0].id}  sms menu`,
  ]);
  const c = contact_of(p);
  const audits = gw.db.query(`select action, subject, detail from audit_log where action like 'consent.%' and subject = ${h.sql_string(`contact:${c.pseudonym}`)} order by seq`);
  assert.deepEqual(audits.map((a) => a.action), ['consent.subscribed', 'consent.region_set', 'consent.subscribed', 'consent.unsubscribed']);
  assert.deepEqual(JSON.parse(audits[1].detail), { channel: 'sms', region: 'lima', source: 'menu' });
  assert.deepEqual(JSON.parse(audits[3].detail), { channel: 'sms', topic: offered()[0].id, source: 'menu' });
  const digits = p.number.slice(1);
  assert.equal(gw.db.count(`select count(*) from audit_log where detail like '%${digits}%' or subject like '%${digits}%'`), 0, 'never the number');
});

test('STOP ends every topic; START answers but restores none', async () => {
  const p = subscriber;
  assert.ok(p && topics_of(p).length === 1, 'needs the first story');
  const stop = await p.say('STOP');
  assert.equal(stop.status, 200);
  assert.equal(Number(contact_of(p).opted_out), 1);
  assert.deepEqual(topics_of(p), []);
  assert.equal(log_of(p).at(-1), 'opted_out   sms stop');
  assert.equal(gw.db.count(`select count(*) from audit_log where action = 'consent.opted_out' and subject = ${h.sql_string(`contact:${contact_of(p).pseudonym}`)}`), 1);

  const start = await p.say('START');
  assert.equal(start.status, 200);
  assert.ok(joined(start).includes(T.text('opted_in')), 'START is answered');
  assert.equal(Number(contact_of(p).opted_out), 0);
  assert.deepEqual(topics_of(p), [], 'no topic comes back');
  assert.equal(log_of(p).at(-1), 'opted_in   sms start');

  // Back in, the topics show off until the person switches them on again.
  const screen = await p.say(T.keyword('subscribe'));
  const marks = offered().map((_, i) => { const l = topic_line(screen, i + 1); return l.slice(l.lastIndexOf(':')); });
  assert.equal(new Set(marks).size, 1, 'every topic shows off');
});

test('SUSCRIBIR from the middle of a complaint opens the topics; its changes are logged as keyword', async () => {
  const p = new_person();
  await p.say('hola');
  await p.say(T.option_to('main', (n) => n.type === 'complaint'));
  const word = cfg.keywords.subscribe.es[0];
  assert.equal(word, 'suscribir');
  const screen = await p.say('SUSCRIBIR');
  assert.ok(joined(screen).includes(T.node_text(NEWS, 'es')), 'the Spanish node text');
  for (const t of offered()) assert.ok(joined(screen).includes(T.pick(t.name, 'es')), `topic ${t.id}`);

  await p.say('2'); // first subscription: the region question follows
  const r = await p.say('0'); // prefer not to say
  assert.ok(joined(r).includes(T.pick(offered()[1].name, 'es')), 'the topics again');
  assert.deepEqual(topics_of(p), [offered()[1].id]);
  assert.deepEqual(log_of(p), [`subscribed ${offered()[1].id}  sms keyword`]);
  assert.equal(gw.db.one(`select region from subscribers where contact_id = ${contact_of(p).id}`).region, '');
  assert.equal(gw.db.count(`select count(*) from cases where contact_id = ${contact_of(p).id}`), 0, 'no case was opened');
});

test('SUBSCRIBE in English answers in English', async () => {
  const p = new_person();
  const r = await p.say('Subscribe');
  assert.equal(r.status, 200);
  assert.ok(joined(r).includes(T.node_text(NEWS, 'en')), 'the English node text');
  for (const t of offered()) assert.ok(joined(r).includes(T.pick(t.name, 'en')), `topic ${t.id} in English`);
  assert.equal(contact_of(p).language, 'en');
  await p.say('3');
  assert.deepEqual(topics_of(p), [offered()[2].id]);
});
