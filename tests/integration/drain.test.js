'use strict';
// SIGTERM during a burst: the gateway stops accepting (new connections are refused while it
// drains), lets requests and sends in flight finish within server.shutdown_grace_seconds and
// exits 0. Every webhook answered 2xx is in the store with its replies; after a restart every
// reply reaches the provider exactly once. A send slower than the grace period does not hold
// the exit: its row stays claimed for the next start's recovery, not lost.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const net = require('node:net');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const OUR = '+5116409000';
let next_number = 0;
const new_number = () => `+5193${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;
const cleanup = [];

after(async () => {
  for (const f of cleanup.reverse()) await f();
});

async function gateway_with_grace(fake, grace_seconds) {
  const dir = h.make_tmpdir('drain');
  const config = h.write_config(dir, (c) => { c.server.shutdown_grace_seconds = grace_seconds; });
  const gw = await h.start_gateway({ fake, dir, config });
  cleanup.push(() => gw.close());
  return gw;
}

function logged(gw, name) {
  return gw.lines.filter((l) => l.stream === 'stdout' && l.line.includes(`"${name}"`))
    .map((l) => JSON.parse(l.line)).find((e) => e.event === name);
}

// Resolves with the connect error code ('ECONNREFUSED') or 'connected'.
function try_connect(address) {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => { s.destroy(); resolve('connected'); });
    s.once('error', (e) => resolve(e.code));
  });
}

test('SIGTERM during a burst: every 2xx is committed with its replies, exit 0 within the grace period, new connections refused, nothing sent twice after a restart', async () => {
  const fake = await fake_twilio.start({ response_delay_ms: 1500 });
  cleanup.push(() => fake.close());
  const grace_s = 6;
  const gw = await gateway_with_grace(fake, grace_s);

  // A first wave whose replies are being sent (each send takes 1.5 s at the fake) ...
  const first = Array.from({ length: 10 }, () => fake.inbound({ from: new_number(), to: OUR, body: 'hola' }));
  await h.wait_for(() => fake.counters.requests > 0, 10000, 'sends in flight at the fake');
  // ... and a burst of webhooks arriving as SIGTERM comes.
  const burst = Array.from({ length: 40 }, () => fake.inbound({ from: new_number(), to: OUR, body: 'hola' })
    .catch((e) => ({ status: 0, error: e.cause ? e.cause.code : e.message })));
  const signalled = Date.now();
  gw.proc.kill('SIGTERM');
  await h.wait_for(() => logged(gw, 'shutdown.draining'), 5000, 'the drain to begin');
  const during = await try_connect(gw.address);
  const still_draining = gw.alive();
  const { code, signal } = await gw.proc.exited;
  const took_ms = Date.now() - signalled;
  const results = [...(await Promise.all(first)), ...(await Promise.all(burst))];

  assert.equal(code, 0, `exit code (signal ${signal})`);
  assert.ok(took_ms < grace_s * 1000 + 1000, `exited ${took_ms} ms after SIGTERM (grace ${grace_s} s)`);
  assert.ok(still_draining, 'the connection attempt was made while the gateway was still draining');
  assert.equal(during, 'ECONNREFUSED', 'a new connection while draining is refused');
  const draining = logged(gw, 'shutdown.draining');
  assert.equal(draining.grace_seconds, grace_s, 'the grace period comes from server.shutdown_grace_seconds');
  const done = logged(gw, 'shutdown');
  assert.equal(done.unfinished_requests, 0);
  assert.equal(done.unfinished_sends, 0, 'the sends in flight finished within the grace period');

  const acked = results.filter((r) => r.status === 200);
  assert.ok(acked.length >= 10, `answered 2xx: ${acked.length} of ${results.length}`);
  for (const r of results) assert.ok(r.status === 200 || r.status === 0 || r.status >= 500, `no other answer: ${r.status}`);
  for (const r of acked) {
    const inbound = gw.db.one(`select id from inbound_messages where provider_message_id = ${h.sql_string(r.sid)}`);
    assert.ok(inbound, `acknowledged ${r.sid} is stored`);
    assert.ok(gw.db.count(`select count(*) from outbox where inbound_id = ${inbound.id}`) > 0, 'with its replies');
  }
  assert.equal(gw.db.count(`select count(*) from outbox where status = 'sending'`), 0, 'no send left half-done');
  const sent_before = fake.sent.length;
  assert.ok(sent_before > 0, 'the sends in flight finished');

  // Restarted, the queued replies go; none of those already sent goes again.
  fake.response_delay_ms = 0;
  await gw.restart();
  const rows = await h.wait_for(() => {
    const rs = gw.db.query(`select id, status, provider_message_id from outbox`);
    return rs.every((o) => ['sent', 'delivered'].includes(o.status)) && rs;
  }, 20000, 'every reply sent after the restart');
  console.log(`# ${acked.length} of ${results.length} webhooks answered 2xx, exit 0 after ${took_ms} ms, ${sent_before} replies sent while draining, ${rows.length} in all, each once`);
  assert.equal(fake.sent.length, rows.length, `each of the ${rows.length} replies reached the fake exactly once`);
  assert.equal(new Set(rows.map((o) => o.provider_message_id)).size, rows.length);
});

test('a send slower than the grace period does not hold the exit; its row stays for recovery', async () => {
  const fake = await fake_twilio.start({ response_delay_ms: 30000 });
  cleanup.push(() => fake.close());
  const grace_s = 1;
  const gw = await gateway_with_grace(fake, grace_s);
  const r = await fake.inbound({ from: new_number(), to: OUR, body: 'hola' });
  assert.equal(r.status, 200);
  await h.wait_for(() => fake.counters.requests > 0, 10000, 'a send in flight at the fake');
  const signalled = Date.now();
  gw.proc.kill('SIGTERM');
  const { code } = await gw.proc.exited;
  const took_ms = Date.now() - signalled;
  assert.equal(code, 0);
  assert.ok(took_ms >= grace_s * 1000 - 100 && took_ms < grace_s * 1000 + 1500, `exited after the grace period: ${took_ms} ms`);
  assert.equal(logged(gw, 'shutdown').unfinished_sends, 1);
  const inbound = gw.db.one(`select id from inbound_messages where provider_message_id = ${h.sql_string(r.sid)}`);
  assert.ok(inbound, 'the acknowledged message is stored');
  assert.equal(gw.db.count(`select count(*) from outbox where inbound_id = ${inbound.id} and status = 'sending'`), 1,
    'the reply cut off mid-send is kept for the next start (recovered as unknown, reconciled by its status callback)');
});
