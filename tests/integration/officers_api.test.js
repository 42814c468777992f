'use strict';
// The officers' API over real loopback HTTP, with cases that came in as real SMS through the fake
// Twilio: tokens made, listed and revoked with the CLI (the secret shown once, only its hash in the
// database, both audited); 401 for missing, garbage, expired and revoked tokens; 429 after repeated
// failures from one address while another address goes on; role and organisation isolation per
// endpoint (broadcasters and auditors read no case, one organisation sees nothing of another's,
// sensitive cases only for their organisation's focal point, conversations withhold what the reader
// may not see); case reads and changes audited with the officer; the two listeners kept apart.
// Expired tokens come from `token create --expires-at <past RFC 3339 time>` (the CLI has no clock
// to move).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
const tokens = {};
const cases = {};
const texts = {
  documents: 'El CPP de mi hija no llega desde marzo, ya fui tres veces',
  other_documents: 'Perdí mi carné de extranjería en el bus y no sé dónde ir',
  sensitive: 'Mi pareja me golpea y no sé a quién decirle',
  suggestion: 'Sería bueno atender también los sábados por la tarde',
};
let next_number = 0;

function new_person() {
  const number = `+5192${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
  return h.person(gw, fake, number, OUR);
}

const api = h.api_request;
const officers = (method, path, opts) => api(gw.officers_url, method, path, opts);

async function token_cli(args) {
  return h.run_command(['token', '--config', gw.config, '--db', gw.db_file, ...args]);
}

async function make_token(name, role, organisation, extra = []) {
  const r = await token_cli(['create', '--name', name, '--role', role, '--organisation', organisation, '--json', ...extra]);
  assert.equal(r.code, 0, `token create ${role}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// Walks a complaint/feedback node: the category with this id, "0" (prefer not to say) for every
// optional question, then the description. Returns the case row once it is stored.
async function file_case(p, node_id, category_id, description) {
  const node = cfg.nodes[node_id];
  const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
  let r = await p.say(T.option_to(start, (_, id) => id === node_id));
  const idx = node.categories.indexOf(category_id);
  assert.ok(idx >= 0, `${category_id} is offered by ${node_id}`);
  if (node.categories.length > 1) r = await p.say(String(idx + 1));
  const prompt = T.pick(node.ask_description).trim();
  for (let i = 0; i < 5 && !r.replies.join('\n').includes(prompt); ++i) {
    assert.ok(r.replies.join('\n').includes(T.text('prefer_not_to_say').trim()), `an optional question, got ${JSON.stringify(r.replies)}`);
    r = await p.say('0');
  }
  assert.ok(r.replies.join('\n').includes(prompt), 'the description prompt');
  await p.say(description);
  return h.wait_for(() => gw.db.one(`select c.* from cases c join contacts ct on ct.id = c.contact_id
      where ct.address = ${h.sql_string(p.number)} and c.description = ${h.sql_string(description)}`), 15000, `the case of ${p.number}`);
}

const refs = (r) => r.json.cases.map((c) => c.reference);

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('officers');
  const config = h.write_config(dir, (c) => {
    c.nodes.feedback.organisation = 'union_venezolana'; // feedback belongs to the second organisation
    c.officers = { failed_attempts_per_minute: 5, suppression_threshold: 5 };
    return c;
  });
  gw = await h.start_gateway({ fake, dir, config });
  assert.ok(gw.officers_url, 'the officers_listening line gave the officers\' address');
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;

  const a = new_person();
  cases.documents = await file_case(a, 'complaint', 'documentation', texts.documents);
  const b = new_person();
  cases.other_documents = await file_case(b, 'complaint', 'documentation', texts.other_documents);
  cases.sensitive = await file_case(b, 'complaint', 'gbv', texts.sensitive);
  const c = new_person();
  cases.suggestion = await file_case(c, 'feedback', 'suggestion', texts.suggestion);
  cases.documents.number = a.number;

  tokens.admin = await make_token('Carmen Admin', 'admin', 'red_cbo');
  tokens.officer = await make_token('Lucía Rojas', 'aap_officer', 'red_cbo');
  tokens.focal = await make_token('Ana Focal', 'protection_focal_point', 'red_cbo');
  tokens.other_officer = await make_token('Pedro Unión', 'aap_officer', 'union_venezolana');
  tokens.auditor = await make_token('Rosa Auditora', 'auditor', 'red_cbo');
  tokens.broadcaster = await make_token('Juan Difusión', 'cbo_broadcaster', 'red_cbo');
  tokens.expired = await make_token('Vieja', 'aap_officer', 'red_cbo', ['--expires-at', '2020-01-01T00:00:00Z']);
  tokens.revoked = await make_token('Revocada', 'aap_officer', 'red_cbo');
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the cases of the story: organisations from the menus, one sensitive', () => {
  assert.equal(cases.documents.organisation, 'red_cbo');
  assert.equal(Number(cases.documents.sensitive), 0);
  assert.equal(cases.sensitive.organisation, 'red_cbo');
  assert.equal(Number(cases.sensitive.sensitive), 1);
  assert.equal(cases.suggestion.organisation, 'union_venezolana');
});

test('token CLI: shown once, only a hash stored, listed without secrets, revoked, audited; bad role/organisation refused', async () => {
  const t = tokens.officer;
  assert.match(t.token, /^cwc_[A-Za-z0-9_-]{43}$/);
  const row = gw.db.one(`select * from api_tokens where id = ${t.id}`);
  assert.equal(row.secret_hash, crypto.createHash('sha256').update(t.token).digest('hex'));
  assert.equal(row.role, 'aap_officer');
  assert.equal(row.organisation, 'red_cbo');
  for (const suffix of ['', '-wal']) {
    const f = gw.db_file + suffix;
    if (fs.existsSync(f)) assert.ok(!fs.readFileSync(f).includes(t.token.slice(4)), `the secret is not in ${f}`);
  }
  const listed = await token_cli(['list', '--json']);
  assert.equal(listed.code, 0);
  assert.ok(!listed.stdout.includes(t.token.slice(4)), 'list never shows a secret');
  const all = JSON.parse(listed.stdout).tokens;
  assert.equal(all.find((x) => x.id === t.id).state, 'active');
  assert.equal(all.find((x) => x.id === tokens.expired.id).state, 'expired');

  const revoked = await token_cli(['revoke', String(tokens.revoked.id)]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const again = await token_cli(['revoke', String(tokens.revoked.id)]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already revoked/);
  const listed2 = JSON.parse((await token_cli(['list', '--json'])).stdout).tokens;
  assert.equal(listed2.find((x) => x.id === tokens.revoked.id).state, 'revoked');
  assert.ok(gw.db.count(`select count(*) from audit_log where action = 'token.created' and subject = 'token:${t.id}'`) === 1);
  assert.ok(gw.db.count(`select count(*) from audit_log where action = 'token.revoked' and subject = 'token:${tokens.revoked.id}'`) === 1);

  const bad_role = await token_cli(['create', '--name', 'X', '--role', 'superuser', '--organisation', 'red_cbo']);
  assert.equal(bad_role.code, 2);
  assert.match(bad_role.stderr, /unknown role 'superuser'/);
  const bad_org = await token_cli(['create', '--name', 'X', '--role', 'admin', '--organisation', 'acnur']);
  assert.equal(bad_org.code, 2);
  assert.match(bad_org.stderr, /unknown organisation 'acnur'.*red_cbo/);
});

test('401 for a missing, garbage, other-scheme, expired or revoked token; /me for a valid one', async () => {
  const from = '127.0.0.3';
  const refused = [
    ['missing', {}],
    ['garbage', { token: 'hunter2' }],
    ['a token with one character changed', { token: tokens.officer.token.slice(0, -1) + (tokens.officer.token.endsWith('A') ? 'B' : 'A') }],
    ['Basic scheme', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }],
    ['expired', { token: tokens.expired.token }],
    ['revoked', { token: tokens.revoked.token }],
  ];
  for (const [what, opts] of refused) {
    const r = await officers('GET', '/api/v1/me', { ...opts, from });
    assert.equal(r.status, 401, what);
    assert.equal(typeof r.json.error, 'string', `${what}: a JSON reason`);
    assert.match(r.headers['www-authenticate'], /^Bearer/);
  }
  const me = await officers('GET', '/api/v1/me', { token: tokens.officer.token, from });
  assert.equal(me.status, 200);
  assert.equal(me.json.name, 'Lucía Rojas');
  assert.equal(me.json.role, 'aap_officer');
  assert.equal(me.json.organisation, 'red_cbo');
  assert.deepEqual(me.json.scope, { individual_cases: true, organisation: 'red_cbo', sensitive: false });
  assert.equal(me.headers['cache-control'], 'no-store');
  const used = gw.db.one(`select last_used_at from api_tokens where id = ${tokens.officer.id}`);
  assert.ok(Number(used.last_used_at) > 0, 'the use is recorded');
});

test('429 with Retry-After after repeated failures from one address; another address goes on', async () => {
  const from = '127.0.0.2';
  const statuses = [];
  for (let i = 0; i < 5; ++i) statuses.push((await officers('GET', '/api/v1/me', { token: `cwc_guess${i}`, from })).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401]);
  const blocked = await officers('GET', '/api/v1/me', { token: `cwc_guess5`, from });
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers['retry-after']) >= 1 && Number(blocked.headers['retry-after']) <= 60, `Retry-After ${blocked.headers['retry-after']}`);
  // Even the right token waits: guessing must not continue from there.
  assert.equal((await officers('GET', '/api/v1/me', { token: tokens.officer.token, from })).status, 429);
  assert.equal((await officers('GET', '/api/v1/me', { token: tokens.officer.token, from: '127.0.0.4' })).status, 200);
});

test('an aap_officer: its organisation\'s non-sensitive cases only; a sensitive one is neither listed nor readable', async () => {
  const t = tokens.officer.token;
  const list = await officers('GET', '/api/v1/cases', { token: t });
  assert.equal(list.status, 200);
  assert.ok(refs(list).includes(cases.documents.reference));
  assert.ok(refs(list).includes(cases.other_documents.reference));
  assert.ok(!refs(list).includes(cases.sensitive.reference), 'no sensitive case listed');
  assert.ok(!refs(list).includes(cases.suggestion.reference), 'no case of another organisation');
  assert.ok(!list.text.includes(texts.sensitive) && !list.text.includes(texts.suggestion));
  assert.equal(list.json.sensitive_hidden, null, 'one sensitive case is a small cell: suppressed');
  const row = list.json.cases.find((c) => c.reference === cases.documents.reference);
  assert.equal(row.description, texts.documents);
  const pseudonym = gw.db.one(`select pseudonym from contacts where address = ${h.sql_string(cases.documents.number)}`).pseudonym;
  assert.equal(row.contact_key, pseudonym, 'the contact as its pseudonym');
  assert.ok(!list.text.includes(cases.documents.number) && !list.text.includes(cases.documents.number.slice(1)), 'no phone number');

  assert.equal((await officers('GET', `/api/v1/cases/${cases.sensitive.reference}`, { token: t })).status, 404);
  assert.equal((await officers('GET', `/api/v1/cases/${cases.suggestion.reference}`, { token: t })).status, 404);
  assert.equal((await officers('GET', '/api/v1/cases/ZZZ-ZZZ', { token: t })).status, 404);
  assert.equal((await officers('GET', '/api/v1/cases?sensitive=include', { token: t })).status, 403);
  assert.equal((await officers('POST', `/api/v1/cases/${cases.sensitive.reference}/status`, { token: t, body: { status: 'acknowledged' } })).status, 404);
  assert.equal((await officers('GET', '/api/v1/cases?category=gbv', { token: t })).json.cases.length, 0);

  // Paging: newest first, one at a time, next_before leading on.
  const first = await officers('GET', '/api/v1/cases?limit=1', { token: t });
  assert.equal(first.json.cases.length, 1);
  assert.equal(first.json.cases[0].reference, cases.other_documents.reference);
  const second = await officers('GET', `/api/v1/cases?limit=1&before=${first.json.next_before}`, { token: t });
  assert.equal(second.json.cases[0].reference, cases.documents.reference);
  assert.equal((await officers('GET', '/api/v1/cases?type=complain', { token: t })).status, 400);
  assert.equal((await officers('GET', '/api/v1/cases?colour=red', { token: t })).status, 400);
});

test('a case page: the case, its events, the conversation (what the reader may not see withheld); the read is audited', async () => {
  const t = tokens.officer.token;
  const page = await officers('GET', `/api/v1/cases/${cases.documents.reference}`, { token: t });
  assert.equal(page.status, 200);
  assert.equal(page.json.case.reference, cases.documents.reference);
  assert.equal(page.json.case.description, texts.documents);
  assert.equal(page.json.case.status, 'new');
  assert.ok(page.json.events.some((e) => e.action === 'opened'), JSON.stringify(page.json.events));
  const inbound = page.json.conversation.filter((m) => m.direction === 'in').map((m) => m.text);
  assert.ok(inbound.includes(texts.documents), 'the person\'s messages, texts included');
  assert.ok(page.json.conversation.some((m) => m.direction === 'out'), 'and our replies');
  const read = gw.db.query(`select * from audit_log where action = 'case.read' and actor = 'officer:Lucía Rojas'`);
  assert.ok(read.length >= 1 && read.some((e) => e.subject.includes(cases.documents.reference) || e.subject === `case:${cases.documents.id}`), JSON.stringify(read));

  // The same person filed a sensitive complaint too: the officer reads their other case without it.
  const other = await officers('GET', `/api/v1/cases/${cases.other_documents.reference}`, { token: t });
  assert.equal(other.status, 200);
  assert.ok(!other.text.includes(texts.sensitive), 'the sensitive description is withheld');
  assert.ok(other.json.conversation.some((m) => m.kind === 'withheld'));
  const focal = await officers('GET', `/api/v1/cases/${cases.other_documents.reference}`, { token: tokens.focal.token });
  assert.ok(focal.text.includes(texts.sensitive), 'the focal point sees it');
});

test('the protection focal point reads its organisation\'s sensitive case; admins and the other organisation do not', async () => {
  const focal = await officers('GET', '/api/v1/cases', { token: tokens.focal.token });
  assert.equal(focal.status, 200);
  assert.ok(refs(focal).includes(cases.sensitive.reference));
  assert.ok(refs(focal).includes(cases.documents.reference));
  assert.ok(!refs(focal).includes(cases.suggestion.reference));
  const only = await officers('GET', '/api/v1/cases?sensitive=only', { token: tokens.focal.token });
  assert.deepEqual(refs(only), [cases.sensitive.reference]);
  const page = await officers('GET', `/api/v1/cases/${cases.sensitive.reference}`, { token: tokens.focal.token });
  assert.equal(page.status, 200);
  assert.equal(page.json.case.description, texts.sensitive);
  assert.equal(page.json.case.sensitive, true);

  const admin = await officers('GET', '/api/v1/cases', { token: tokens.admin.token });
  assert.equal(admin.status, 200);
  assert.ok(refs(admin).includes(cases.documents.reference) && refs(admin).includes(cases.suggestion.reference), 'admins see every organisation');
  assert.ok(!refs(admin).includes(cases.sensitive.reference), 'but no sensitive case');
  assert.equal((await officers('GET', `/api/v1/cases/${cases.sensitive.reference}`, { token: tokens.admin.token })).status, 404);
  assert.equal((await officers('GET', '/api/v1/cases?sensitive=only', { token: tokens.admin.token })).status, 403);

  const other = await officers('GET', '/api/v1/cases', { token: tokens.other_officer.token });
  assert.deepEqual(refs(other), [cases.suggestion.reference]);
  for (const c of [cases.documents, cases.sensitive, cases.other_documents]) {
    assert.equal((await officers('GET', `/api/v1/cases/${c.reference}`, { token: tokens.other_officer.token })).status, 404);
    assert.equal((await officers('POST', `/api/v1/cases/${c.reference}/flag`, { token: tokens.other_officer.token })).status, 404);
  }
});

test('a cbo_broadcaster reads no case and no message text; an auditor gets aggregates only', async () => {
  const every_text = Object.values(texts);
  const b = tokens.broadcaster.token;
  const answers = [
    await officers('GET', '/api/v1/cases', { token: b }),
    await officers('GET', `/api/v1/cases/${cases.documents.reference}`, { token: b }),
    await officers('POST', `/api/v1/cases/${cases.documents.reference}/respond`, { token: b, body: { text: 'Hola' } }),
    await officers('GET', '/api/v1/summary', { token: b }),
    await officers('GET', '/api/v1/export.csv', { token: b }),
  ];
  for (const r of answers) {
    assert.equal(r.status, 403, r.text);
    for (const s of every_text) assert.ok(!r.text.includes(s));
  }
  const a = tokens.auditor.token;
  assert.equal((await officers('GET', '/api/v1/cases', { token: a })).status, 403);
  assert.equal((await officers('GET', `/api/v1/cases/${cases.documents.reference}`, { token: a })).status, 403);
  assert.equal((await officers('POST', `/api/v1/cases/${cases.documents.reference}/status`, { token: a, body: { status: 'closed' } })).status, 403);
  const summary = await officers('GET', '/api/v1/summary', { token: a });
  assert.equal(summary.status, 200, summary.text);
  for (const s of every_text) assert.ok(!summary.text.includes(s));
});

test('changes: status and answer through the case desk, audited with the officer; bad bodies 400, refused moves 422', async () => {
  const t = tokens.officer.token;
  const ref = cases.documents.reference;
  const ack = await officers('POST', `/api/v1/cases/${ref}/status`, { token: t, body: { status: 'acknowledged', note: 'visto' } });
  assert.equal(ack.status, 200, ack.text);
  assert.equal(ack.json.case.status, 'acknowledged');
  assert.equal(gw.db.one(`select status from cases where id = ${cases.documents.id}`).status, 'acknowledged');
  assert.ok(gw.db.count(`select count(*) from case_events where case_id = ${cases.documents.id} and actor = 'officer:Lucía Rojas' and to_status = 'acknowledged'`) === 1);

  const answer = 'Hola, su trámite del CPP está en revisión; le escribiremos en 5 días.';
  const responded = await officers('POST', `/api/v1/cases/${ref}/respond`, { token: t, body: { text: answer } });
  assert.equal(responded.status, 200, responded.text);
  assert.equal(responded.json.case.status, 'responded');
  await h.wait_for(() => fake.sent_to(cases.documents.number).some((m) => m.body === answer), 15000, 'the answer at the fake');

  const bad = [
    [{ status: 'acknowledged', priority: 'high' }, 400, /unknown field 'priority'/],
    [{ status: 5 }, 400, /string/],
    ['{"status": ', 400, /JSON/],
    [{ status: 'x'.repeat(1601) }, 400, /1600/],
    [{ status: 'solved' }, 422, /./],
    [{ status: 'new' }, 422, /./],
  ];
  for (const [body, status, reason] of bad) {
    const r = await officers('POST', `/api/v1/cases/${ref}/status`, { token: t, body });
    assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 40)}: ${r.text}`);
    assert.match(r.json.error, reason);
  }
  assert.equal((await officers('POST', `/api/v1/cases/${ref}/refer`, { token: t, body: { organisation: 'union_venezolana', share_contact: true } })).status, 422, 'sharing the contact needs recorded consent');
  assert.equal((await officers('POST', `/api/v1/cases/${ref}/explode`, { token: t, body: {} })).status, 404);
  assert.equal((await officers('DELETE', `/api/v1/cases/${ref}`, { token: t })).status, 405);
  assert.equal((await officers('GET', `/api/v1/cases/${ref}/status`, { token: t })).status, 405);
});

test('the listeners stay apart: no /api/v1 on the webhook port, no /webhooks on the officers\' port', async () => {
  const on_webhooks = await api(gw.url, 'GET', '/api/v1/me', { token: tokens.admin.token });
  assert.equal(on_webhooks.status, 404);
  const on_officers = await officers('POST', '/webhooks/sms', { token: tokens.admin.token, body: {} });
  assert.equal(on_officers.status, 404);
  assert.equal((await officers('GET', '/healthz')).status, 404);
  assert.notEqual(new URL(gw.officers_url).port, new URL(gw.url).port);
});
