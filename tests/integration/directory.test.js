'use strict';
// The service directory over real SMS, through the fake Twilio: from the main menu's last option,
// a sector, a region, then the active services in numbered pages of at most three segments
// ("9" for more); suspended services never offered, a sector whose services are all suspended
// not offered; every service shown is one service_referrals row in the gateway's SQLite file.
// Expected wording comes from config/example.json (two services suspended here on top).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
let next_number = 0;

// Suspended for this story: the only active shelter (so the shelter sector has nothing open)
// and the Trujillo documentation desk (so Trujillo is no region of that sector).
const SUSPENDED_HERE = ['shelter_arequipa', 'migraciones_desk_trujillo'];

function new_person() {
  const number = `+5192${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  return h.person(gw, fake, number, OUR);
}

const joined = (r) => r.replies.join('\n');
const directory_id = () => Object.keys(cfg.nodes).find((id) => cfg.nodes[id].type === 'directory');
const active = (s) => s.status !== 'suspended';
const sectors_offered = () => cfg.sectors.filter((sec) => cfg.services.some((s) => active(s) && s.sector === sec.id));
const regions_offered = (sector) => cfg.regions.filter((reg) =>
  cfg.services.some((s) => active(s) && s.sector === sector && s.regions.includes(reg.id)));
const services_in = (sector, region) => cfg.services.filter((s) =>
  active(s) && s.sector === sector && (!region || s.regions.includes(region)));

// Reads every page of the list with "9": returns the replies, page by page.
async function read_all_pages(p, first) {
  const pages = [first];
  for (let k = 1; k < 20; k++) {
    const m = /^\u200F?\((\d+)\/(\d+)\) /.exec(first.replies[0]);
    if (!m || Number(m[1]) + k - 1 >= Number(m[2])) break;
    pages.push(await p.say('9'));
  }
  return pages;
}

function referrals_of(number) {
  return gw.db.query(`select r.* from service_referrals r join contacts k on k.id = r.contact_id
                      where k.address = ${h.sql_string(number)} order by r.id`);
}

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('directory');
  const config = h.write_config(dir, (c) => {
    for (const s of c.services) if (SUSPENDED_HERE.includes(s.id)) s.status = 'suspended';
    return c;
  });
  gw = await h.start_gateway({ fake, dir, config });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the directory: sector, region, the active services in pages; each one a referral row', async () => {
  const p = new_person();
  await p.say('hola');
  const id = directory_id();
  assert.ok(id, 'the example has a directory node');
  const digit = T.option_to('main', (_, next) => next === id);
  assert.equal(digit, '6', 'the directory keeps option 6 of the main menu (later options are appended)');

  // Sectors: only those with an active service, numbered in the config's order.
  let r = await p.say(digit);
  assert.ok(joined(r).includes(T.node_text(id)), 'the directory question');
  const sectors = sectors_offered();
  sectors.forEach((sec, i) => assert.ok(joined(r).includes(`${i + 1}. ${T.pick(sec.name)}`), `sector ${sec.id} offered as ${i + 1}`));
  const shelter = cfg.sectors.find((sec) => sec.id === 'shelter');
  assert.ok(!joined(r).includes(T.pick(shelter.name)), 'a sector whose services are all suspended is not offered');

  // Gender-based violence, in Lima.
  const gbv = sectors.findIndex((sec) => sec.id === 'gbv');
  r = await p.say(String(gbv + 1));
  assert.ok(joined(r).includes(T.text('choose_region').trim()), 'the region question');
  const regions = regions_offered('gbv');
  regions.forEach((reg, i) => assert.ok(joined(r).includes(`${i + 1}. ${T.pick(reg.name)}`), `region ${reg.id}`));
  const lima = regions.findIndex((reg) => reg.id === 'lima');
  const sent_at = Date.now();
  const pages = await read_all_pages(p, await p.say(String(lima + 1)));

  const all = pages.map(joined).join('\n');
  const expected = services_in('gbv', 'lima');
  assert.ok(expected.length >= 2, 'the example has several GBV services in Lima');
  for (const s of expected) {
    assert.ok(all.includes(T.pick(s.name)), `service ${s.id} shown`);
    assert.ok(all.includes(s.contact), `contact of ${s.id} shown`);
    assert.ok(all.includes(T.pick(s.hours)), `hours of ${s.id} shown`);
  }
  for (const [k, page] of pages.entries()) {
    assert.equal(page.replies.length, 1, 'one reply per page');
    for (const o of page.rows) assert.ok(Number(o.segments) <= 3, `page ${k + 1} is ${o.segments} segments`);
    assert.ok(fake_twilio.count_segments(page.replies[0]) <= 3, `page ${k + 1} as the fake counts it`);
  }
  if (pages.length > 1) {
    assert.match(pages[0].replies[0], new RegExp(`^\\(1/${pages.length}\\) `), 'numbered pages');
    assert.ok(pages.slice(0, -1).every((pg) => /9/.test(pg.replies[0].split('\n\n').at(-1))), '"9 for more" under each page but the last');
  }
  assert.ok(pages.at(-1).replies[0].endsWith(T.text('back_hint')), 'the back hint closes the list');

  // One row per service shown (a service cut over two pages is shown twice).
  const rows = referrals_of(p.number);
  assert.deepEqual([...new Set(rows.map((x) => x.service_id))], expected.map((s) => s.id));
  const contact = gw.db.one(`select id from contacts where address = ${h.sql_string(p.number)}`);
  for (const row of rows) {
    assert.equal(row.contact_id, contact.id);
    assert.equal(row.sector, 'gbv');
    assert.equal(row.region, 'lima');
    assert.equal(row.language, T.default_language);
    assert.equal(row.channel_id, 'sms');
    assert.equal(row.organisation, cfg.services.find((s) => s.id === row.service_id).organisation);
    assert.ok(Number(row.at) >= sent_at - 1000 && Number(row.at) <= Date.now() + 1000, 'at: when it was shown');
  }
  assert.ok(!all.includes(p.number), 'no phone number in the replies');

  // "0" leaves the list for the main menu.
  r = await p.say('0');
  assert.ok(joined(r).includes(T.node_text('main')), 'back at the main menu');
});

test('suspended services are never offered, nor a region where only they are', async () => {
  const p = new_person();
  await p.say('hola');
  const id = directory_id();
  let r = await p.say(T.option_to('main', (_, next) => next === id));
  const sectors = sectors_offered();
  const docs = sectors.findIndex((sec) => sec.id === 'documentation');
  r = await p.say(String(docs + 1));
  const trujillo = cfg.regions.find((reg) => reg.id === 'trujillo');
  assert.ok(!joined(r).includes(T.pick(trujillo.name)), 'Trujillo has only a suspended desk: not a region here');
  const regions = regions_offered('documentation');
  assert.deepEqual(regions.map((reg) => reg.id), ['lima', 'callao']);
  const pages = await read_all_pages(p, await p.say(String(regions.findIndex((reg) => reg.id === 'callao') + 1)));
  const all = pages.map(joined).join('\n');
  for (const s of cfg.services.filter((x) => x.status === 'suspended')) {
    assert.ok(!all.includes(T.pick(s.name)), `suspended ${s.id} not shown`);
  }
  const rows = referrals_of(p.number);
  assert.deepEqual([...new Set(rows.map((x) => x.service_id))], ['migraciones_desk_lima']);
  assert.ok(rows.every((x) => x.region === 'callao'));
  assert.equal(gw.db.count(`select count(*) from service_referrals where service_id in (${SUSPENDED_HERE.concat('shelter_lima').map(h.sql_string).join(', ')})`), 0,
    'no referral to a suspended service, by anyone');
});
