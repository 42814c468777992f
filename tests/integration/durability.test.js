'use strict';
// What the gateway acknowledged, it keeps: a burst of ~3,000 first messages from distinct numbers
// at 64 concurrent requests, SIGKILL in the middle, restart on the same database. Every request
// that got a 2xx has exactly one inbound row and exactly its reply set (notice + menu), and each
// reply reaches the provider at least once; unanswered requests are stored whole or not at all.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const TOTAL = Number(process.env.CWC_DURABILITY_REQUESTS || 3000);
const CONCURRENCY = 64;
const MAX_DUPLICATES = 16; // sends whose outcome the kill left unknown may go out twice

let fake;
let gw;
let cfg;
let T;
let OUR;

before(async () => {
  // Status callbacks (12,000 more requests) are off by default to keep the story within a minute on
  // two cores; CWC_DURABILITY_CALLBACKS=1 turns them on.
  fake = await fake_twilio.start({ status_callbacks: process.env.CWC_DURABILITY_CALLBACKS === '1' });
  gw = await h.start_gateway({ fake });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test(`burst of ${TOTAL} webhooks, SIGKILL in the middle, restart: nothing acknowledged is lost or doubled`, async () => {
  const t0 = Date.now();
  const reqs = Array.from({ length: TOTAL }, (_, i) => ({
    from: `+5198${String(i).padStart(7, '0')}`,
    sid: fake_twilio.new_sid('SM'),
    outcome: null, // 'ok' | 'http_<status>' | 'no_answer'
  }));
  let next = 0;
  let answered = 0;
  let down = null; // a promise while the gateway is being killed and restarted
  let killed_at = null;
  let sending_at_kill = null;

  const kill_and_restart = async () => {
    killed_at = Date.now();
    await gw.kill();
    // Sends whose outcome the kill left unknown: the only ones that may legitimately go out twice.
    sending_at_kill = gw.db.count("select count(*) from outbox where status = 'sending'");
    await gw.restart();
  };

  const send = (r) => fake.inbound({ from: r.from, to: OUR, body: 'Hola', sid: r.sid, timeout_ms: 30000 });
  const worker = async () => {
    while (next < reqs.length) {
      const r = reqs[next++];
      if (down) await down;
      let res;
      try {
        res = await send(r);
      } catch (e) {
        if (!down && !gw.alive()) throw gw.death(e); // it died on its own, not by our kill
        // Refused connections never reached the gateway: Twilio retries those once (rc=1, rp=ct).
        if (e.cause && e.cause.code === 'ECONNREFUSED') {
          await (down || Promise.resolve());
          try { res = await send(r); } catch { r.outcome = 'no_answer'; continue; }
        } else {
          r.outcome = 'no_answer';
          continue;
        }
      }
      r.outcome = res.status >= 200 && res.status < 300 ? 'ok' : `http_${res.status}`;
      if (r.outcome === 'ok') answered += 1;
      if (!down && !killed_at && answered >= TOTAL / 2) down = kill_and_restart().finally(() => { down = null; });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (down) await down;
  const t_burst = Date.now() - t0;

  const ok = reqs.filter((r) => r.outcome === 'ok');
  const lost = reqs.filter((r) => r.outcome === 'no_answer');
  const other = reqs.filter((r) => r.outcome && r.outcome.startsWith('http_'));
  assert.ok(killed_at, 'the gateway was killed during the burst');
  assert.deepEqual(other.map((r) => r.outcome), [], 'no request was refused with an HTTP error');
  assert.ok(ok.length >= TOTAL - CONCURRENCY, `${ok.length} of ${TOTAL} answered`);

  // Every reply the store holds leaves the outbox (bounded wait).
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where status not in (${h.FINAL_OUTBOX.map((s) => `'${s}'`).join(',')})`) === 0,
    60000, 'the outbox to drain');
  const t_drained = Date.now() - t0;

  const inbound = new Map(gw.db.query('select provider_message_id sid, count(*) n from inbound_messages group by provider_message_id').map((x) => [x.sid, Number(x.n)]));
  const replies = new Map(gw.db.query(`select i.provider_message_id sid, count(o.id) n, sum(o.status in ('sent','delivered','read')) good
      from inbound_messages i left join outbox o on o.inbound_id = i.id group by i.id`).map((x) => [x.sid, { n: Number(x.n), good: Number(x.good) }]));

  const problems = [];
  for (const r of reqs) {
    const n = inbound.get(r.sid) || 0;
    const rep = replies.get(r.sid) || { n: 0, good: 0 };
    if (r.outcome === 'ok' && n !== 1) problems.push(`${r.sid} answered 2xx but has ${n} inbound rows`);
    if (n > 1) problems.push(`${r.sid} stored ${n} times`);
    if (n === 1 && rep.n !== 2) problems.push(`${r.sid} has ${rep.n} outbox rows instead of notice + menu`);
    if (n === 1 && rep.good !== rep.n) problems.push(`${r.sid}: ${rep.n - rep.good} replies not sent`);
  }
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} store problems`);

  // At the provider: each stored reply arrived at least once, with the configured texts.
  const notice = T.text('first_contact_notice').trim();
  const menu = T.node_text('main').trim();
  const by_to = new Map();
  for (const m of fake.sent) {
    if (!by_to.has(m.to)) by_to.set(m.to, []);
    by_to.get(m.to).push(m.body);
  }
  const missing = [];
  for (const r of reqs) {
    if ((inbound.get(r.sid) || 0) === 0) continue;
    const got = by_to.get(r.from) || [];
    if (!got.some((b) => b.includes(notice))) missing.push(`${r.from}: no notice`);
    if (!got.some((b) => b.includes(menu))) missing.push(`${r.from}: no menu`);
  }
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} replies never reached the provider`);

  const distinct = new Set(fake.sent.map((m) => `${m.to}\0${m.body}`)).size;
  const duplicates = fake.sent.length - distinct;
  const stored_unanswered = lost.filter((r) => inbound.get(r.sid)).length;
  console.log(JSON.stringify({
    event: 'durability', requests: TOTAL, answered: ok.length, no_answer: lost.length,
    no_answer_but_stored: stored_unanswered, sends_at_provider: fake.sent.length, duplicates, sending_at_kill,
    burst_ms: t_burst, drained_ms: t_drained,
  }));
  assert.ok(duplicates <= MAX_DUPLICATES, `${duplicates} duplicate sends at the provider (limit ${MAX_DUPLICATES})`);
  // Only a send whose outcome the kill left unknown ('sending') may have gone out twice.
  assert.ok(duplicates <= sending_at_kill, `${duplicates} duplicates but only ${sending_at_kill} sends were in flight at the kill`);
  assert.ok(gw.alive());
});
