'use strict';
// Reports over the officers' API, against cases that came in as real SMS through the fake Twilio
// (one with a formula and a phone number planted in it, one sensitive) plus cases written into the
// gateway's database the way the store writes them: summary figures checked against the database,
// a 3-case region suppressed with its complementary cell, the sensitive line, role isolation; the
// CSV export read back with an RFC 4180 parser and checked column by column, never a sensitive row,
// the planted formula escaped and the number redacted; the shareable export without texts; the
// operator's `cwc-gateway report` giving the same figures.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
const tokens = {};
const filed = {};
const planted = '=HYPERLINK("http://evil.example/?x","ver") mi número es +51 987 654 321';
const secret = 'Mi pareja me golpea y no sé a quién decirle';

const get = (path, token) => h.api_request(gw.officers_url, 'GET', path, { token });

// RFC 4180: CRLF records, quoted fields with doubled quotes; throws on anything malformed.
function parse_csv(text) {
  const records = [];
  let record = [];
  let field = '';
  let i = 0;
  let start = true;
  while (i < text.length) {
    const c = text[i];
    if (start && c === '"') {
      ++i;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          ++i;
          break;
        }
        field += text[i++];
      }
      start = false;
      if (i < text.length && text[i] !== ',' && text[i] !== '\r') throw new Error('text after a closing quote');
    } else if (c === '"') {
      throw new Error('quote inside an unquoted field');
    } else if (c === ',') {
      record.push(field); field = ''; start = true; ++i;
    } else if (c === '\r') {
      if (text[i + 1] !== '\n') throw new Error('bare CR');
      record.push(field); records.push(record); record = []; field = ''; start = true; i += 2;
    } else if (c === '\n') {
      throw new Error('bare LF');
    } else {
      field += c; start = false; ++i;
    }
  }
  if (record.length || field) throw new Error('last record without CRLF');
  return records;
}

// Walks a complaint node: the category, "0" for every optional question, then the description.
async function file_case(p, node_id, category_id, description) {
  const node = cfg.nodes[node_id];
  const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
  let r = await p.say(T.option_to(start, (_, id) => id === node_id));
  const idx = node.categories.indexOf(category_id);
  assert.ok(idx >= 0, `${category_id} is offered by ${node_id}`);
  if (node.categories.length > 1) r = await p.say(String(idx + 1));
  const prompt = T.pick(node.ask_description).trim();
  for (let i = 0; i < 5 && !r.replies.join('\n').includes(prompt); ++i) r = await p.say('0');
  assert.ok(r.replies.join('\n').includes(prompt), 'the description prompt');
  await p.say(description);
  return h.wait_for(() => gw.db.one(`select c.*, ct.pseudonym from cases c join contacts ct on ct.id = c.contact_id
      where ct.address = ${h.sql_string(p.number)} and c.description = ${h.sql_string(description)}`), 15000, `the case of ${p.number}`);
}

// Cases as the store writes them (contacts with a pseudonym, times in ms), into the live WAL
// database: red_cbo lima 8, callao 6, ica 3; union_venezolana lima 5.
function add_cases() {
  const now = Date.now();
  const rows = [];
  let n = 0;
  const add = (org, region, count) => {
    for (let i = 0; i < count; ++i, ++n) {
      const opened = now - (3 * 86400000) - n * 3600000;
      rows.push(`INSERT INTO contacts (address, pseudonym, created_at) VALUES ('+5191100${String(n).padStart(4, '0')}', 'p_bench${String(n).padStart(11, '0')}', ${opened});
INSERT INTO cases (reference, contact_id, channel_id, type, category, region, language, description, status, opened_at, due_at,
  organisation, acknowledge_due_at, acknowledged_at) VALUES ('RPT-${n}', last_insert_rowid(), 'sms', 'complaint', 'legal_aid', '${region}', 'es',
  'caso ${n}', 'acknowledged', ${opened}, ${opened + 7 * 86400000}, '${org}', ${opened + 86400000}, ${opened + 2 * 3600000});`);
    }
  };
  add('red_cbo', 'lima', 8);
  add('red_cbo', 'callao', 6);
  add('red_cbo', 'ica', 3);
  add('union_venezolana', 'lima', 5);
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', gw.db_file, `BEGIN; ${rows.join('\n')} COMMIT;`]);
}

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('reports');
  const config = h.write_config(dir, (c) => {
    c.officers = { suppression_threshold: 5 };
    return c;
  });
  gw = await h.start_gateway({ fake, dir, config });
  assert.ok(gw.officers_url, 'the officers\' listener is up');
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  const our = cfg.channels.find((c) => c.id === 'sms').address;
  const a = h.person(gw, fake, `+5193${String(process.pid % 1000).padStart(3, '0')}0001`, our);
  filed.planted = await file_case(a, 'complaint', 'documentation', planted);
  const b = h.person(gw, fake, `+5193${String(process.pid % 1000).padStart(3, '0')}0002`, our);
  filed.sensitive = await file_case(b, 'complaint', 'gbv', secret);
  add_cases();
  for (const [name, role, org] of [['admin', 'admin', 'red_cbo'], ['officer', 'aap_officer', 'red_cbo'],
    ['auditor', 'auditor', 'red_cbo'], ['broadcaster', 'cbo_broadcaster', 'red_cbo'],
    ['focal', 'protection_focal_point', 'red_cbo']]) {
    const r = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create', '--name', name,
      '--role', role, '--organisation', org, '--json']);
    assert.equal(r.code, 0, r.stderr);
    tokens[name] = JSON.parse(r.stdout).token;
  }
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

const cell = (table, value) => table.find((c) => c.value === value);

test('summary: figures match the database, small cells and their complement suppressed, sensitive one line', async () => {
  const r = await get('/api/v1/summary', tokens.officer);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^application\/json/);
  const s = r.json;
  assert.equal(s.threshold, 5);
  assert.equal(s.organisation, 'red_cbo');
  const total = gw.db.count("select count(*) from cases where organisation = 'red_cbo' and sensitive = 0");
  assert.equal(total, 18);
  assert.equal(s.total.count, total);
  const by_region = gw.db.query("select region, count(*) n from cases where organisation = 'red_cbo' and sensitive = 0 group by region");
  for (const { region, n } of by_region) {
    const c = cell(s.by.region, region || 'not_given');
    assert.ok(c, `a cell for ${region}`);
    if (n >= 5 && region !== 'callao') assert.equal(c.count, n, region);
  }
  assert.equal(cell(s.by.region, 'ica').count, null);
  assert.equal(cell(s.by.region, 'ica').suppressed, true);
  assert.equal(cell(s.by.region, 'lima').count, 8);
  // Of the visible cells the smallest goes with ica, so ica is not total minus the rest.
  const hidden = s.by.region.filter((c) => c.suppressed).map((c) => c.value).sort();
  assert.ok(hidden.length >= 2, `complementary suppression: ${JSON.stringify(s.by.region)}`);
  assert.equal(s.sensitive.count, null, 'one sensitive case: below the threshold');
  assert.equal(s.sensitive.suppressed, true);
  assert.equal(cell(s.by.category, 'gbv'), undefined, 'sensitive categories never in the tables');
  // documentation has the one SMS case; with two categories the other would give it away.
  assert.equal(cell(s.by.category, 'documentation').suppressed, true);
  assert.equal(cell(s.by.category, 'legal_aid').count, null);
  assert.equal(cell(s.by.category, 'legal_aid').suppressed, true);
  assert.equal(s.time_to_acknowledge.median_hours, 2);
  assert.ok(!r.text.includes(secret) && !r.text.includes('987'));

  const filtered = await get('/api/v1/summary?region=lima&from=2020-01-01', tokens.officer);
  assert.deepEqual(filtered.json.filters, { region: 'lima', from: '2020-01-01' });
  assert.equal(filtered.json.total.count, 8);
});

test('summary: roles and bad filters', async () => {
  assert.equal((await get('/api/v1/summary', tokens.broadcaster)).status, 403);
  const auditor = await get('/api/v1/summary', tokens.auditor);
  assert.equal(auditor.status, 200);
  assert.equal(auditor.json.organisation, null);
  assert.equal(auditor.json.total.count, gw.db.count('select count(*) from cases where sensitive = 0'));
  const focal = await get('/api/v1/summary', tokens.focal);
  assert.equal(focal.json.total.count, 19, 'the focal point counts its organisation\'s sensitive case');
  assert.equal(focal.json.sensitive, undefined);
  for (const [query, name] of [['region=mars', 'region'], ['from=2026-02-30', 'from'], ['typo=1', 'typo'], ['status=lost', 'status']]) {
    const r = await get(`/api/v1/summary?${query}`, tokens.officer);
    assert.equal(r.status, 400, query);
    assert.ok(r.json.error.includes(name), `${query}: ${r.json.error}`);
  }
  assert.equal((await get('/api/v1/summary?organisation=union_venezolana', tokens.officer)).status, 403);
});

test('export: CSV with the HXL row, column by column; formula escaped, number redacted, no sensitive row', async () => {
  assert.equal((await get('/api/v1/export.csv', tokens.auditor)).status, 403);
  assert.equal((await get('/api/v1/export.csv', tokens.broadcaster)).status, 403);
  const r = await get('/api/v1/export.csv', tokens.officer);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers['content-type'], 'text/csv; charset=utf-8');
  assert.match(r.headers['content-disposition'], /^attachment; filename="cases-red_cbo-\d{4}-\d{2}-\d{2}\.csv"$/);
  const records = parse_csv(r.text);
  const [names, hxl, ...rows] = records;
  assert.equal(names[0], 'reference');
  assert.equal(hxl[0], '#meta+id');
  for (const tag of hxl) assert.match(tag, /^#[a-z0-9]+(\+[a-z0-9_]+)*$/, `an HXL hashtag: ${tag}`);
  const col = Object.fromEntries(names.map((n, i) => [n, i]));
  assert.equal(hxl[col.contact_key], '#meta+contact_key');
  assert.equal(hxl[col.region], '#adm1+code');
  assert.equal(rows.length, 18);
  const refs = rows.map((row) => row[col.reference]);
  assert.ok(!refs.includes(filed.sensitive.reference), 'no sensitive row');
  assert.ok(!r.text.includes(secret));
  assert.ok(!/\+519[0-9]/.test(r.text) && !r.text.includes('987'), 'no phone number anywhere');

  const row = rows.find((x) => x[col.reference] === filed.planted.reference);
  const c = filed.planted;
  const iso = (ms) => (Number(ms) ? new Date(Number(ms)).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');
  assert.equal(row[col.opened_at], iso(c.opened_at));
  assert.equal(row[col.acknowledged_at], iso(c.acknowledged_at));
  assert.equal(row[col.due_at], iso(c.due_at));
  assert.equal(row[col.closed_at], '');
  assert.equal(row[col.organisation], 'red_cbo');
  assert.equal(row[col.organisation_name], cfg.organisations.find((o) => o.id === 'red_cbo').name[cfg.deployment.default_language]);
  assert.equal(row[col.type], c.type);
  assert.equal(row[col.category], 'documentation');
  assert.equal(row[col.status], c.status);
  assert.equal(row[col.channel], 'sms');
  assert.equal(row[col.language], c.language);
  assert.equal(row[col.contact_key], c.pseudonym);
  assert.equal(row[col.region], c.region);
  assert.equal(row[col.sex], c.sex);
  assert.equal(row[col.age_group], c.age_group);
  assert.equal(row[col.description],
    '\'=HYPERLINK("http://evil.example/?x","ver") mi número es [number removed]');
  for (const x of rows) for (const field of x) assert.ok(!/^[=+\-@\t\r]/.test(field), `escaped: ${field}`);

  const shareable = await get('/api/v1/export.csv?include_text=0&region=lima', tokens.officer);
  const [n2, , ...r2] = parse_csv(shareable.text);
  assert.ok(!n2.includes('description'));
  assert.equal(r2.length, 8);
  assert.ok(!shareable.text.includes('caso '));

  // Every export is audited with who took it and its filters, nothing of its contents.
  const audited = gw.db.query("select actor, detail from audit_log where action = 'cases.exported'");
  assert.ok(audited.length >= 2);
  assert.ok(audited.every((a) => a.actor === 'officer:officer'));
  assert.ok(audited.some((a) => JSON.parse(a.detail).query === 'include_text=0&region=lima'));
  assert.ok(audited.every((a) => !a.detail.includes('caso ')));
});

test('cwc-gateway report gives the operator the same figures', async () => {
  const r = await h.run_command(['report', '--config', gw.config, '--db', gw.db_file, '--role', 'aap_officer',
    '--organisation', 'red_cbo', 'summary']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  const api = (await get('/api/v1/summary', tokens.officer)).json;
  assert.deepEqual(s.by, api.by);
  assert.deepEqual(s.total, api.total);
  const e = await h.run_command(['report', '--config', gw.config, '--db', gw.db_file, '--query', 'organisation=union_venezolana', 'export']);
  assert.equal(e.code, 0, e.stderr);
  assert.equal(parse_csv(e.stdout).length, 2 + 5);
  const bad = await h.run_command(['report', '--config', gw.config, '--db', gw.db_file, '--query', 'region=mars', 'summary']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /region/);
});
