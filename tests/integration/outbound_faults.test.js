'use strict';
// The outbound dispatcher against a faulty Twilio on real HTTPS (fault_provider.js): TLS is
// verified (the test CA is trusted only through SSL_CERT_FILE; a certificate for another host is
// refused); through 500s, 429s with Retry-After, slow answers and dropped connections every
// message is delivered exactly once, the rate limit and the broadcast share hold and replies
// overtake broadcasts; a 10,000-message broadcast on a 1 msg/s channel delays a reply by about a
// second; refused credentials pause the channel without using up attempts, and it resumes by
// itself; dead letters show in `cwc-gateway outbox status` and go out again after `requeue`.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fp = require('./fault_provider');
const h = require('./harness');

let ca;
let good_cert;
let wrong_host_cert;
const running = [];

before(() => {
  ca = fp.make_ca(h.make_tmpdir('outca'));
  good_cert = fp.make_server_cert(ca, 'localhost', ['DNS:localhost']);
  wrong_host_cert = fp.make_server_cert(ca, 'wrong', ['DNS:wrong.example']);
});

after(async () => {
  for (const stop of running.reverse()) await stop();
});

// Writes SQL into the gateway's database (the test plays an operator queueing a campaign).
function sql(db_file, statement) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db_file, statement]);
}

// Queues `count` messages of `priority` (3 = broadcast, 2 = answer) to distinct people.
function queue_rows(db_file, { count, priority = 3, text = 'Aviso', attempts = 0, first_contact = 1000000 }) {
  const now = Date.now();
  sql(db_file, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})
    INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, inbound_id, segments,
                        status, attempts, created_at, next_attempt_at, updated_at)
    SELECT ${first_contact} + i, 'sms', '+5197' || printf('%07d', ${first_contact % 1000} * 10000 + i),
           '${text} ' || i, ${priority}, 0, 0, 1, 'queued', ${attempts}, ${now}, ${now}, ${now} FROM n`);
}

// A faulty provider and a gateway sending to it; `prepare(db_file)` runs on the gateway's
// database before its dispatcher starts.
async function setup({ cert = good_cert, trust = true, per_second = 20, share = 0.5, extra_args = [], prepare } = {}) {
  const provider = await fp.start({ ca, cert });
  const dir = h.make_tmpdir('out');
  const config = h.write_config(dir, (c) => {
    c.channels[0].sends_per_second = per_second;
    c.channels[0].broadcast_share = share;
    return c;
  });
  const gw = await h.start_gateway({
    fake: provider.fake, dir, config, extra_args,
    env: { TWILIO_API_BASE: provider.url, SSL_CERT_FILE: trust ? ca.ca_file : undefined },
  });
  running.push(async () => { await gw.close(); await provider.close(); });
  if (prepare) {
    await gw.stop();
    prepare(gw.db_file);
    await gw.restart();
  }
  const cfg = h.load_config(config);
  return { provider, gw, our: cfg.channels[0].address, cfg };
}

function attempts_logged(gw) {
  return gw.lines.filter((l) => l.line.includes('"outbound.attempt"')).map((l) => JSON.parse(l.line));
}

// The most arrivals in any window of `ms`.
function busiest(times, ms) {
  const t = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, first = 0; i < t.length; i++) {
    while (t[i] - t[first] >= ms) first++;
    most = Math.max(most, i - first + 1);
  }
  return most;
}

test('TLS: a certificate for another host or from an unknown CA is refused; the test CA through SSL_CERT_FILE is trusted', async () => {
  for (const [name, options] of [['wrong host', { cert: wrong_host_cert }], ['unknown CA', { trust: false }]]) {
    const { provider, gw, our } = await setup(options);
    const r = await provider.fake.inbound({ from: '+51911100001', to: our, body: 'Hola' });
    assert.equal(r.status, 200);
    const refused = await h.wait_for(() => attempts_logged(gw).find((a) => a.network_error), 10000, `a refused send (${name})`);
    assert.match(refused.network_error, /certificate verify failed/i, name);
    assert.equal(refused.outcome, 'retry', name);
    assert.equal(provider.arrivals.length, 0, `${name}: no request got through`);
    const row = gw.db.one(`select status, error_code, attempts from outbox order by id limit 1`);
    assert.equal(row.error_code, 'network', name);
    assert.ok(['queued', 'sending'].includes(row.status), name);
  }
  const { provider, gw, our } = await setup();
  const p = h.person(gw, provider.fake, '+51911100002', our);
  const r = await p.say('Hola');
  assert.equal(r.rows.length, 2);
  assert.equal(provider.accepted().length, 2, 'both replies went over the verified connection');
});

test('500s, 429 with Retry-After, slow answers and dropped connections: all delivered once, rate, share and priorities hold', async () => {
  const BROADCASTS = 80;
  const { provider, gw, our } = await setup({ per_second: 20, share: 0.5, prepare: (db) => queue_rows(db, { count: BROADCASTS }) });
  const storm_until = Date.now() + 5000;
  let n = 0;
  provider.rule = () => {
    if (Date.now() > storm_until) return null;
    switch (n++ % 6) {
      case 0: return fp.faults.server_error();
      case 1: return fp.faults.throttled(1);
      case 2: return fp.faults.slow(700);
      case 3: return fp.faults.drop();
      default: return null;
    }
  };
  // People write in while the broadcast and the storm go on.
  const inbound = [];
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const r = await provider.fake.inbound({ from: `+5191120000${i}`, to: our, body: 'Hola' });
    assert.equal(r.status, 200);
    inbound.push({ at: Date.now(), sid: r.sid });
  }
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where status not in ('sent', 'delivered')`) === 0,
    60000, 'every message to be delivered');

  const rows = gw.db.query('select id, priority, attempts, inbound_id from outbox order by id');
  assert.equal(rows.length, BROADCASTS + 6);
  const accepted = new Map();
  for (const a of provider.accepted()) accepted.set(a.id, (accepted.get(a.id) || 0) + 1);
  assert.deepEqual(rows.filter((r) => accepted.get(Number(r.id)) !== 1).map((r) => [r.id, accepted.get(Number(r.id))]), [],
    'each message reached Twilio exactly once (drops happened before Twilio saw the request)');
  const answers = provider.arrivals.map((a) => a.answer);
  for (const kind of [500, 429, 'dropped']) assert.ok(answers.includes(kind), `the storm answered ${kind}`);
  assert.ok(rows.some((r) => Number(r.attempts) > 1), 'some messages needed retries');

  // The rate limit counts every request, retries included.
  const times = provider.arrivals.map((a) => a.time);
  assert.ok(busiest(times, 1000) <= 20 + 2, `at most 20/s (+ the burst tolerance): ${busiest(times, 1000)}`);
  const priority = new Map(rows.map((r) => [Number(r.id), Number(r.priority)]));
  const broadcast_times = provider.arrivals.filter((a) => priority.get(a.id) === 3).map((a) => a.time);
  assert.ok(busiest(broadcast_times, 2000) <= 10 * 2 + 2, `broadcasts at most half the rate: ${busiest(broadcast_times, 2000)} in 2 s`);
  // Retry-After: 1 holds the whole channel for a second.
  for (const a of provider.arrivals.filter((x) => x.answer === 429)) {
    const inside = provider.arrivals.filter((x) => x.time > a.time + 100 && x.time < a.time + 900);
    assert.equal(inside.length, 0, `nothing sent within a second of the 429 at ${a.time}`);
  }
  // A reply overtakes the queued broadcasts: none goes between the 200 and the reply's first try.
  for (const i of inbound) {
    const first = rows.find((r) => Number(r.inbound_id) === Number(gw.db.one(`select id from inbound_messages where provider_message_id = '${i.sid}'`).id));
    const first_try = provider.arrivals.find((a) => a.id === Number(first.id));
    assert.ok(first_try.time - i.at < 2500, `reply tried ${first_try.time - i.at} ms after the 200`);
    const overtaken = provider.arrivals.filter((a) => priority.get(a.id) === 3 && a.time > i.at + 150 && a.time < first_try.time);
    assert.equal(overtaken.length, 0, 'no broadcast went before the reply');
  }
});

test('a 10,000-message broadcast on a 1 msg/s channel delays a reply by about a second; stop gives back the claims', async () => {
  const { provider, gw, our } = await setup({ per_second: 1, share: 0.5, prepare: (db) => queue_rows(db, { count: 10000 }) });
  await h.wait_for(() => provider.arrivals.length >= 2, 10000, 'the broadcast to be under way');
  const r = await provider.fake.inbound({ from: '+51911300001', to: our, body: 'Hola' });
  assert.equal(r.status, 200);
  const t_200 = Date.now();
  const inbound = gw.db.one(`select id from inbound_messages where provider_message_id = '${r.sid}'`);
  const replies = gw.db.query(`select id from outbox where inbound_id = ${inbound.id} order by id`).map((x) => Number(x.id));
  assert.equal(replies.length, 2);
  await h.wait_for(() => replies.every((id) => provider.accepted().some((a) => a.id === id)), 8000, 'both replies');
  const at = replies.map((id) => provider.arrivals.find((a) => a.id === id).time - t_200);
  assert.ok(at[0] <= 2000, `first reply ${at[0]} ms after the 200`);
  assert.ok(at[1] <= 3200, `second reply ${at[1]} ms after the 200 (one slot later)`);
  const broadcasts = provider.arrivals.filter((a) => !replies.includes(a.id)).map((a) => a.time);
  assert.ok(busiest(broadcasts, 4000) <= 3, `broadcasts at half of 1 msg/s: ${busiest(broadcasts, 4000)} in 4 s`);

  await gw.stop();
  assert.equal(gw.db.count(`select count(*) from outbox where status in ('sending', 'unknown')`), 0, 'no claim left behind');
  const sent = provider.accepted().length;
  assert.equal(gw.db.count(`select count(*) from outbox where status = 'queued' and attempts = 0`), 10000 + 2 - sent,
    'claimed but unsent broadcasts went back without using an attempt');
});

test('refused credentials (20003) pause the channel without using attempts; it resumes by itself', async () => {
  const ROWS = 30;
  const { provider, gw } = await setup({
    per_second: 20, extra_args: ['--credentials-pause-seconds', '2'],
    prepare: (db) => queue_rows(db, { count: ROWS, priority: 2, text: 'Respuesta' }),
  });
  let revoked = true;
  provider.rule = () => (revoked ? fp.faults.credentials_refused() : null);
  await h.wait_for(() => gw.logs().includes('"channel.paused"'), 10000, 'the channel to pause');
  await new Promise((r) => setTimeout(r, 4500)); // two pauses: the probe after the first is refused too
  revoked = false;
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where status in ('sent', 'delivered')`) === ROWS,
    20000, 'every message to go out after the pause');

  const refused = provider.arrivals.filter((a) => a.answer === 401);
  assert.ok(refused.length >= 2, 'the probe after a pause was refused too');
  assert.ok(refused.length < ROWS, `${refused.length} refused requests: the channel paused instead of trying every message`);
  const first = refused[0].time;
  assert.equal(provider.arrivals.filter((a) => a.time > first + 300 && a.time < first + 1700).length, 0, 'nothing sent while paused');
  const pauses = gw.lines.filter((l) => l.line.includes('"channel.paused"')).map((l) => JSON.parse(l.line));
  assert.ok(pauses.every((p) => p.error_code === '20003' && /credentials/.test(p.alert)), 'an alert names the cause');
  assert.ok(gw.logs().includes('"channel.resumed"'), 'the channel resumed');
  const rows = gw.db.query('select attempts, dead_letter from outbox');
  assert.deepEqual([...new Set(rows.map((r) => Number(r.attempts)))], [1], 'only the successful attempt counted');
  assert.equal(rows.filter((r) => Number(r.dead_letter)).length, 0);
});

test('a dead letter shows in `outbox status` and goes out after `outbox requeue --dead`', async () => {
  const { provider, gw } = await setup({
    prepare: (db) => {
      queue_rows(db, { count: 1, priority: 2, text: 'Ultimo intento', attempts: 7, first_contact: 2000000 });
      queue_rows(db, { count: 1, priority: 2, text: 'Normal', first_contact: 3000000 });
    },
  });
  const [last, normal] = gw.db.query('select id from outbox order by id').map((r) => Number(r.id));
  provider.rule = (a) => (a.id === last ? fp.faults.server_error() : null);
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where id = ${last} and dead_letter = 1`) === 1, 10000, 'the dead letter');
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where id = ${normal} and status in ('sent', 'delivered')`) === 1, 10000, 'the other message');
  assert.ok(attempts_logged(gw).some((a) => a.outbound === last && a.outcome === 'dead_letter' && a.attempt === 8));
  assert.equal(gw.db.one(`select status from outbox where id = ${last}`).status, 'failed');

  const cli = (...args) => h.run_command(['outbox', '--config', gw.config, '--db', gw.db_file, ...args]);
  let r = await cli('status', '--json');
  assert.equal(r.code, 0, r.stderr);
  let status = JSON.parse(r.stdout);
  assert.equal(status.total.dead_letters, 1);
  assert.equal(status.total.failed, 1);
  assert.equal(status.channels.find((c) => c.channel === 'sms').dead_letters, 1);
  r = await cli('status');
  assert.match(r.stdout, /dead letters \(failed after the last attempt\): 1/);
  assert.match(r.stdout, /requeue --dead/);

  r = await cli('requeue', String(normal), '999999');
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`${normal}: not requeued: it has not failed`));
  assert.match(r.stdout, /999999: not found/);
  r = await cli('requeue');
  assert.equal(r.code, 2);

  provider.rule = null;
  r = await cli('requeue', '--dead', '--channel', 'sms');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /requeued 1 dead letter/);
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where id = ${last} and status in ('sent', 'delivered')`) === 1,
    10000, 'the requeued message to go out from the running gateway');
  assert.equal(Number(gw.db.one(`select attempts from outbox where id = ${last}`).attempts), 1, 'fresh attempts');
  status = JSON.parse((await cli('status', '--json')).stdout);
  assert.equal(status.total.dead_letters, 0);
  assert.equal(provider.accepted().filter((a) => a.id === last).length, 1);
});
