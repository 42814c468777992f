'use strict';
// GET /metrics on the officers' listener, over real loopback HTTP with messages through the fake
// Twilio: the answer parses as strict Prometheus text (HELP and TYPE for every family, cwc_ names,
// labels channel/status/priority/code/le only, histograms cumulative); it needs an admin or
// auditor token (401 without one, 403 for an officer); the figures move when a person texts in
// (inbound handled, replies sent, webhooks answered 2xx, commits timed) and when a send fails
// (counted under the provider's error code); no phone number or message text is ever in it.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');
const prom = require('./prometheus_text');

let fake;
let gw;
let OUR;
const tokens = {};
const NUMBER = `+5193${String(process.pid % 1000).padStart(3, '0')}0001`;

async function make_token(name, role) {
  const r = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create',
    '--name', name, '--role', role, '--organisation', 'red_cbo', '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).token;
}

async function scrape(token = tokens.auditor) {
  const r = await h.api_request(gw.officers_url, 'GET', '/metrics', { token });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const families = prom.parse(r.text);
  for (const [name, f] of families) {
    assert.match(name, /^cwc_/, `${name} is prefixed cwc_`);
    for (const s of f.samples) {
      for (const [label, value] of Object.entries(s.labels)) {
        assert.ok(['channel', 'status', 'priority', 'code', 'le'].includes(label), `label ${label} of ${s.name}`);
        assert.doesNotMatch(value, /\d{7,}/, `no number in ${s.name}{${label}="${value}"}`);
      }
    }
  }
  assert.ok(!r.text.includes(NUMBER.slice(1)), 'the person\'s number is not in /metrics');
  return { families, text: r.text };
}

const v = (m, name, labels) => prom.value_of(m.families, name, labels);

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake });
  const cfg = h.load_config(gw.config);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
  tokens.auditor = await make_token('Prometeo', 'auditor');
  tokens.admin = await make_token('Carmen Admin', 'admin');
  tokens.officer = await make_token('Lucía Rojas', 'aap_officer');
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('/metrics needs an admin or auditor token', async () => {
  let r = await h.api_request(gw.officers_url, 'GET', '/metrics');
  assert.equal(r.status, 401);
  assert.ok(r.json.error);
  r = await h.api_request(gw.officers_url, 'GET', '/metrics', { token: tokens.officer });
  assert.equal(r.status, 403);
  assert.match(r.json.error, /admin or auditor/);
  r = await h.api_request(gw.officers_url, 'POST', '/metrics', { token: tokens.admin, body: {} });
  assert.equal(r.status, 405);
  await scrape(tokens.admin);
  // Never on the public webhook listener.
  r = await h.api_request(gw.url, 'GET', '/metrics', { token: tokens.admin });
  assert.notEqual(r.status, 200);
});

test('the figures move when a person texts in and the replies go out', async () => {
  const before_ = await scrape();
  const sms = { channel: 'sms' };
  for (const name of ['cwc_outbox_dead_letters', 'cwc_outbox_held_for_pause', 'cwc_quarantined_webhooks', 'cwc_channel_paused']) {
    assert.ok(before_.families.get(name).samples.some((s) => s.labels.channel === 'sms'), `${name} lists the configured channel`);
  }
  assert.equal(v(before_, 'cwc_channel_paused', sms), 0);
  const p = h.person(gw, fake, NUMBER, OUR);
  const r = await p.say('hola');
  assert.equal(r.status, 200);
  assert.ok(r.replies.length >= 1);
  const after_ = await scrape();
  const handled = { channel: 'sms', status: 'handled' };
  assert.equal(v(after_, 'cwc_inbound_messages', handled) - v(before_, 'cwc_inbound_messages', handled), 1);
  const gone = (m) => ['sent', 'delivered'].reduce((n, status) => n + v(m, 'cwc_outbound_messages', { channel: 'sms', status }), 0);
  assert.equal(gone(after_) - gone(before_), r.replies.length, 'each reply counted as sent or delivered');
  assert.ok(v(after_, 'cwc_http_requests_total', { status: '2xx' }) > v(before_, 'cwc_http_requests_total', { status: '2xx' }),
    'the webhook and status callbacks answered 2xx');
  assert.ok(v(after_, 'cwc_store_commit_seconds_count') > v(before_, 'cwc_store_commit_seconds_count'), 'commits timed');
  assert.ok(v(after_, 'cwc_store_sync_seconds_count') > 0);
  assert.ok(v(after_, 'cwc_http_open_connections') >= 1, 'this scrape\'s own connection is open');
  assert.ok(v(after_, 'cwc_disk_free_bytes') > 0);
  assert.equal(v(after_, 'cwc_cases_overdue'), 0);
  assert.ok(!after_.text.includes('hola'), 'no message text');
});

test('a failed send is counted under the provider\'s error code; pending rows show their age', async () => {
  const before_ = await scrape();
  fake.fail_next(1, { status: 400, body: { code: 21211, message: 'Invalid To', status: 400 } });
  const p = h.person(gw, fake, NUMBER, OUR);
  await p.say('menu');
  const after_ = await scrape();
  const code = { channel: 'sms', code: '21211' };
  assert.equal(v(after_, 'cwc_outbound_failed', code) - v(before_, 'cwc_outbound_failed', code), 1);
  assert.ok(after_.families.get('cwc_outbound_failed').help.length > 0);

  // A row queued an hour ago and not yet due shows as pending, with its age.
  const contact = gw.db.one('select id from contacts order by id limit 1').id;
  const hour_ago = Date.now() - 3600 * 1000;
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', gw.db_file, `insert into outbox (contact_id, channel_id, to_address, text, priority, solicited, segments, status,
      created_at, next_attempt_at, updated_at) values (${contact}, 'sms', 'x', 'later', 1, 1, 1, 'queued',
      ${hour_ago}, ${Date.now() + 3600 * 1000}, ${hour_ago})`]);
  const pending = await scrape();
  const reply = { channel: 'sms', priority: 'reply' };
  assert.equal(v(pending, 'cwc_outbox_pending', reply), 1);
  const age = v(pending, 'cwc_outbox_oldest_pending_seconds', reply);
  assert.ok(age >= 3600 && age < 3700, `age ${age}`);
});
