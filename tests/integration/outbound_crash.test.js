'use strict';
// SIGKILL during a send storm: 2,000 queued messages going out to a slow fake Twilio, the gateway
// killed a third of the way, restarted on the same database and address. Nothing committed to the
// outbox is lost; the sends the kill left in doubt are "unknown" until their status callback
// (Twilio retries a refused callback once) or the reconcile time, then sent again and counted;
// duplicates at the provider are at most the sends that were in flight there, and the restart log
// and `cwc-gateway outbox status` report the possible duplicates.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const TOTAL = 2000;
const RECONCILE_S = 3;
const running = [];

after(async () => {
  for (const stop of running) await stop();
});

function free_port() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function queue_rows(db_file, count) {
  const now = Date.now();
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', db_file, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1})
    INSERT INTO outbox (contact_id, channel_id, to_address, text, priority, solicited, inbound_id, segments,
                        status, attempts, created_at, next_attempt_at, updated_at)
    SELECT 1000000 + i, 'sms', '+5196' || printf('%07d', i), 'Respuesta ' || i, 2, 1, 0, 1, 'queued', 0, ${now}, ${now}, ${now} FROM n`]);
}

const our_id = (m) => Number(new URL(m.status_callback).searchParams.get('m'));

// Slow answers keep many sends in flight. With callbacks, a refused one is retried after 1.5 s,
// by when the gateway is back on the same address; without, every send left in doubt goes again.
async function storm({ callbacks }) {
  const fake = await fake_twilio.start({ response_delay_ms: 30, callback_retry_delay_ms: 1500, status_callbacks: callbacks });
  let gw;
  running.push(async () => { if (gw) await gw.close(); await fake.close(); });
  const port = await free_port();
  const url = `http://127.0.0.1:${port}`;
  gw = await h.start_gateway({
    fake, listen: `127.0.0.1:${port}`, extra_args: ['--public-url', url, '--reconcile-seconds', String(RECONCILE_S)],
  });
  await gw.stop();
  queue_rows(gw.db_file, TOTAL);
  await gw.restart({ same_port: true });

  await h.wait_for(() => fake.counters.sends_accepted >= TOTAL / 3, 30000, 'a third of the storm to be sent');
  await gw.kill();
  // Requests already on the wire still arrive and are processed (30 ms): wait for them.
  await new Promise((r) => setTimeout(r, 300));
  // The sends in flight at the crash: those the provider has whose outcome was not recorded.
  const in_doubt = new Set(gw.db.query(`select id from outbox where status = 'sending'`).map((r) => Number(r.id)));
  const sending_at_kill = in_doubt.size;
  const in_flight = new Set(fake.sent.map(our_id).filter((id) => in_doubt.has(id)));
  const in_flight_at_provider = in_flight.size;
  assert.ok(in_flight_at_provider > 0, 'sends were in flight at the kill');
  assert.ok(in_flight_at_provider <= 16, 'at most one per worker');
  const lines_before = gw.lines.length;
  await gw.restart({ same_port: true });

  const recovered = await h.wait_for(() => gw.lines.slice(lines_before).map((l) => l.line).find((l) => l.includes('"outbox.recovered"')), 5000, 'the start-up report');
  assert.equal(JSON.parse(recovered).unknown, sending_at_kill, 'the start-up log counts the sends left in doubt');
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where status not in ('sent', 'delivered')`) === 0,
    60000, 'every message to be delivered after the restart');
  await fake.settle();

  const rows = gw.db.query('select id, possible_duplicate from outbox order by id');
  assert.equal(rows.length, TOTAL);
  const times = new Map();
  for (const m of fake.sent) times.set(our_id(m), (times.get(our_id(m)) || 0) + 1);
  const lost = rows.filter((r) => !times.has(Number(r.id)));
  assert.deepEqual(lost.map((r) => r.id), [], 'every message reached the provider');
  const duplicated = [...times.entries()].filter(([, n]) => n > 1).map(([id]) => id);
  const counted = rows.filter((r) => Number(r.possible_duplicate) === 1).map((r) => Number(r.id));
  const resent_logged = gw.lines.map((l) => l.line).filter((l) => l.includes('"outbox.resent_unknown"'))
    .reduce((n, l) => n + JSON.parse(l).count, 0);
  console.log(JSON.stringify({
    event: 'outbound_crash', callbacks, total: TOTAL, in_flight_at_provider, sending_at_kill, duplicates: duplicated.length,
    possible_duplicates: counted.length, resolved_by_callback: sending_at_kill - counted.length,
  }));
  assert.deepEqual(duplicated.filter((id) => !in_flight.has(id)), [], 'only sends in flight at the crash went twice');
  assert.ok(duplicated.length <= in_flight_at_provider);
  // Every actual duplicate was counted as possible; those resolved by a callback were not sent again.
  assert.deepEqual(duplicated.filter((id) => !counted.includes(id)), [], 'each duplicate was counted');
  assert.equal(resent_logged, counted.length, 'the resend was logged');
  assert.ok(counted.length <= sending_at_kill);

  const status = await h.run_command(['outbox', '--config', gw.config, '--db', gw.db_file, 'status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout);
  assert.equal(report.total.possible_duplicates, counted.length);
  assert.equal(report.total.unknown, 0);
  assert.equal(report.total.sent + report.total.delivered, TOTAL);
  assert.ok(gw.alive());
  return { in_flight_at_provider, duplicates: duplicated.length, counted: counted.length, sending_at_kill };
}

test(`SIGKILL during a storm of ${TOTAL} sends: none lost, the sends in doubt are resolved by their callbacks`, async () => {
  const r = await storm({ callbacks: true });
  assert.ok(r.duplicates < r.in_flight_at_provider, 'callbacks resolved sends that were in flight');
  assert.ok(r.counted < r.sending_at_kill, 'sends resolved by a callback were not sent again');
});

test(`SIGKILL during a storm of ${TOTAL} sends without callbacks: duplicates at most the sends in flight, all counted`, async () => {
  const r = await storm({ callbacks: false });
  assert.equal(r.duplicates, r.in_flight_at_provider, 'the sends in flight went again');
  assert.equal(r.counted, r.sending_at_kill, 'every send left in doubt was sent again and counted');
});
