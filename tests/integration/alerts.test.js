'use strict';
// Operators' alerts end to end: the fake Twilio refuses the channel's credentials (20003), the
// channel pauses, and the admin's webhook (a loopback receiver) gets exactly one "began" notice,
// not again while the pause holds — a restart included, since the state is in the store — then
// one "cleared" when the credentials work again, and a new "began" when it recurs. Each notice is
// audited; `cwc-gateway status` exits 1 while it holds and 0 once it cleared. No phone number or
// message text is in any notice.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let receiver;
let OUR;
const notices = [];
const NUMBER = `+5194${String(process.pid % 1000).padStart(3, '0')}0001`;
const refused = { status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } };

function start_receiver() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        notices.push({ content_type: req.headers['content-type'], text, body: JSON.parse(text) });
        res.writeHead(204).end();
      });
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const paused_notices = () => notices.filter((n) => n.body.alert === 'channel_paused' && n.body.channel === 'sms');
const states = () => paused_notices().map((n) => n.body.state);
const status_cli = () => h.run_command(['status', '--config', gw.config, '--db', gw.db_file]);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function text_in(body) {
  const r = await fake.inbound({ from: NUMBER, to: OUR, body });
  assert.equal(r.status, 200);
}

before(async () => {
  receiver = await start_receiver();
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('alerts');
  const config = h.write_config(dir, (c) => {
    c.operations = {
      admins: [{ webhook: `http://127.0.0.1:${receiver.address().port}/cwc-alerts` }],
      alerts: { check_seconds: 1, repeat_hours: 24 },
    };
    return c;
  });
  gw = await h.start_gateway({ fake, dir, config, extra_args: ['--credentials-pause-seconds', '1'] });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
  if (receiver) receiver.close();
});

test('refused credentials: one alert while it holds (a restart included), one when it clears, one when it recurs', async () => {
  let r = await status_cli();
  assert.equal(r.code, 0, `status before anything: ${r.stdout}${r.stderr}`);

  fake.fail_next(100000, refused);
  await text_in('hola');
  await h.wait_for(() => paused_notices().length >= 1, 15000, 'the first alert at the webhook');
  const first = paused_notices()[0];
  assert.equal(first.body.state, 'began');
  assert.match(first.content_type, /^application\/json/);
  assert.ok(first.body.figure >= 1, 'held messages counted');
  assert.match(first.body.text, /ALERT sms: channel paused/);

  await sleep(3500); // three checks and several refused probes: nothing new
  assert.deepEqual(states(), ['began']);
  r = await status_cli();
  assert.equal(r.code, 1, 'status exits 1 while the channel is paused');
  assert.match(r.stdout, /ALERT sms: channel paused/);

  await gw.restart();
  await sleep(3000);
  assert.deepEqual(states(), ['began'], 'a restart does not tell it again');

  fake.clear_faults();
  await h.wait_for(() => states().length >= 2, 20000, 'the cleared notice');
  assert.deepEqual(states(), ['began', 'cleared']);
  r = await status_cli();
  assert.equal(r.code, 0, `status once cleared: ${r.stdout}`);
  assert.equal(gw.db.count(`select count(*) from outbox where status = 'queued' and error_code = 'channel_paused'`), 0);

  fake.fail_next(100000, refused);
  await text_in('menu');
  await h.wait_for(() => states().length >= 3, 15000, 'the alert again when it recurs');
  await sleep(2000);
  assert.deepEqual(states(), ['began', 'cleared', 'began']);
  fake.clear_faults();

  const audited = gw.db.query(`select action, subject from audit_log where action like 'ops.alert_%' and subject = 'ops:channel_paused:sms' order by seq`);
  assert.deepEqual(audited.map((a) => a.action).slice(0, 3), ['ops.alert_began', 'ops.alert_cleared', 'ops.alert_began']);
  for (const n of notices) {
    assert.ok(!n.text.includes(NUMBER.slice(1)), 'no phone number in a notice');
    assert.ok(!/hola|menu/i.test(n.text), 'no message text in a notice');
  }
});
