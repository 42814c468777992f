'use strict';
// SIGHUP while people keep texting: the gateway re-reads its config file. A valid file (a new
// main-menu text, a new channel, a changed listen address) takes effect for the next message
// without losing or failing one; an invalid file is refused with its JSON path in the log and the
// running config keeps serving. Both are in the audit log; the file's digest names what was read.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let fake;
let gw;
let base;  // the example config as the gateway started with it
const OUR = '+5116409000';
const SECOND = '+5116409111';
let next_number = 0;

const new_number = () => `+5192${String(process.pid % 1000).padStart(3, '0')}${String(next_number++).padStart(4, '0')}`;

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('reload');
  const config = h.write_config(dir);
  base = JSON.parse(fs.readFileSync(config, 'utf8'));
  gw = await h.start_gateway({ fake, dir, config });
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

// Posts first-contact messages from new numbers, `senders` at a time, until stop() is called;
// every post is recorded with the times it started and was answered.
function stream({ senders = 4, url } = {}) {
  const posts = [];
  let running = true;
  const one = async () => {
    while (running) {
      const p = { number: new_number(), started: Date.now() };
      posts.push(p);
      const r = await fake.inbound({ from: p.number, to: OUR, body: 'hola', url });
      Object.assign(p, { status: r.status, sid: r.sid, answered: Date.now() });
    }
  };
  const loops = Array.from({ length: senders }, one);
  return { posts, stop: async () => { running = false; await Promise.all(loops); return posts; } };
}

// Waits until every post's replies have left the outbox; returns each post's first reply text.
async function replies_of(posts) {
  const sids = posts.map((p) => `'${p.sid}'`).join(',');
  const rows = await h.wait_for(() => {
    const rs = gw.db.query(`select i.provider_message_id sid, o.status, o.text from inbound_messages i
      join outbox o on o.inbound_id = i.id where i.provider_message_id in (${sids}) order by o.id`);
    const done = rs.length > 0 && rs.every((o) => ['sent', 'delivered'].includes(o.status));
    return done && new Set(rs.map((o) => o.sid)).size === posts.length && rs;
  }, 30000, 'the replies of every post to be sent');
  const first = new Map();
  for (const r of rows) if (!first.has(r.sid)) first.set(r.sid, '');
  for (const r of rows) first.set(r.sid, `${first.get(r.sid)}\n${r.text}`);
  return first;
}

function log_events(name) {
  return gw.lines.filter((l) => l.stream === 'stdout' && l.line.includes(`"${name}"`))
    .map((l) => JSON.parse(l.line)).filter((e) => e.event === name);
}

async function hangup_and_wait(event) {
  const before_count = log_events(event).length;
  const sent_at = Date.now();
  gw.proc.kill('SIGHUP');
  const ev = await h.wait_for(() => log_events(event).length > before_count && log_events(event).at(-1), 10000, event);
  return { sent_at, logged_at: Date.now(), ev };
}

test('a valid config swaps in while webhooks flow: none fails, later replies carry the new text, a new channel answers', async () => {
  const old_text = base.nodes.main.text.es;
  const new_text = old_text.replace('Hola', 'Buenas tardes');
  assert.notEqual(new_text, old_text);
  const second_url = `${gw.url}/webhooks/sms2`;
  const before_reload = await fake.inbound({ from: new_number(), to: SECOND, body: 'hola', url: second_url });
  assert.equal(before_reload.status, 404, 'no channel sms2 before the reload');

  const s = stream();
  await sleep(400);
  const next = JSON.parse(JSON.stringify(base));
  next.nodes.main.text.es = new_text;
  next.channels.push({ ...base.channels[0], id: 'sms2', address: SECOND });
  next.server.listen = '127.0.0.1:1';  // restart-only: reported and kept
  const bytes = JSON.stringify(next, null, 2);
  fs.writeFileSync(gw.config, bytes);
  const reload = await hangup_and_wait('config.reloaded');
  await sleep(400);
  const posts = await s.stop();

  assert.ok(posts.length >= 20, `a steady stream (${posts.length} webhooks)`);
  assert.deepEqual(posts.filter((p) => p.status !== 200).map((p) => p.status), [], 'every webhook got 200');
  const replies = await replies_of(posts);
  const before = posts.filter((p) => p.answered < reload.sent_at);
  const after_ = posts.filter((p) => p.started > reload.logged_at);
  console.log(`# ${posts.length} webhooks, ${before.length} answered before SIGHUP, ${after_.length} sent after the reload`);
  assert.ok(before.length > 0 && after_.length > 0, `webhooks on both sides (${before.length} before, ${after_.length} after)`);
  for (const p of before) assert.ok(replies.get(p.sid).includes(old_text), 'answered before SIGHUP: the old text');
  for (const p of after_) {
    assert.ok(replies.get(p.sid).includes(new_text), 'sent after the reload: the new text');
    assert.ok(!replies.get(p.sid).includes(old_text));
  }
  // Every reply is one of the two whole texts: no message saw half of each config.
  for (const p of posts) assert.ok(replies.get(p.sid).includes(old_text) !== replies.get(p.sid).includes(new_text));

  const digest = crypto.createHash('sha256').update(bytes).digest('hex');
  assert.equal(reload.ev.digest, digest, 'the log names the digest of the file read');
  assert.deepEqual(reload.ev.channels_added, ['sms2']);
  assert.deepEqual(reload.ev.needs_restart, ['/server/listen']);
  const restart = log_events('config.needs_restart').at(-1);
  assert.deepEqual(restart.settings, ['/server/listen']);
  const audit = gw.db.one(`select detail from audit_log where action = 'config.reloaded' order by seq desc limit 1`);
  assert.equal(JSON.parse(audit.detail).digest, digest);

  // The new channel: its webhook answers and its reply goes out from its own number.
  const on_second = await fake.inbound({ from: new_number(), to: SECOND, body: 'hola', url: second_url });
  assert.equal(on_second.status, 200);
  await h.wait_for(() => fake.sent.some((m) => m.from === SECOND && m.body.includes(new_text)), 10000, 'a reply from sms2');
  assert.ok(gw.alive(), 'still listening where it started (/server/listen kept)');
});

test('an invalid config is refused with its JSON path; the running one keeps answering and nothing is lost', async () => {
  const running_text = base.nodes.main.text.es.replace('Hola', 'Buenas tardes');
  const bad = JSON.parse(fs.readFileSync(gw.config, 'utf8'));
  bad.nodes.main.text.es = 'TEXTO QUE NO DEBE SALIR';
  bad.nodes.main.options[0].next = 'nowhere';
  fs.writeFileSync(gw.config, JSON.stringify(bad, null, 2));

  const s = stream();
  await sleep(300);
  const refused = await hangup_and_wait('config.reload_refused');
  await sleep(300);
  const posts = await s.stop();

  assert.deepEqual(posts.filter((p) => p.status !== 200).map((p) => p.status), [], 'every webhook got 200');
  const errors = log_events('config.reload_error');
  assert.ok(errors.some((e) => e.path === '/nodes/main/options/0/next'), `the error names the JSON path: ${JSON.stringify(errors)}`);
  assert.deepEqual(refused.ev.paths, ['/nodes/main/options/0/next']);
  const replies = await replies_of(posts);
  assert.equal(replies.size, posts.length, 'every acknowledged message is stored and answered');
  for (const p of posts) {
    assert.ok(replies.get(p.sid).includes(running_text), 'the running text is still served');
    assert.ok(!replies.get(p.sid).includes('TEXTO QUE NO DEBE SALIR'));
  }
  const audit = gw.db.one(`select detail from audit_log where action = 'config.reload_refused' order by seq desc limit 1`);
  assert.deepEqual(JSON.parse(audit.detail).paths, ['/nodes/main/options/0/next']);
  assert.ok(!gw.logs().includes(fake.auth_token), 'no secret in the log');
});
