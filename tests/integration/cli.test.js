'use strict';
// The command line as an operator meets it: help, check-config on good, broken and risky copies of
// config/example.json, serve refusing a broken config, the terminal phone (simulate) walking a
// complaint, serve without Twilio secrets, and a clean exit on SIGTERM/SIGINT. Expected wording
// comes from config/example.json.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const h = require('./harness');

const cfg = h.load_config();
const T = h.texts_of(cfg);
const start_node = (cfg.deployment && cfg.deployment.start_node) || 'main';

// A copy of the example config changed by `transform`, in its own temporary folder.
function config_copy(tag, transform) {
  const dir = h.make_tmpdir(tag);
  return { dir, file: h.write_config(dir, transform) };
}

const lines_starting = (text, prefix) => text.split('\n').filter((l) => l.startsWith(prefix));

test('--help lists the three commands and exits 0; no command at all is refused with a hint', async () => {
  const r = await h.run_command(['--help']);
  assert.equal(r.code, 0, r.stderr);
  for (const cmd of ['serve', 'check-config', 'simulate']) assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\s+\\S`, 'm'), `${cmd} with its description`);

  const bare = await h.run_command([]);
  assert.notEqual(bare.code, 0);
  assert.match(bare.stdout + bare.stderr, /--help/);
});

test('each command --help lists its options and exits 0', async () => {
  const expected = {
    serve: ['--config', '--listen', '--db', '--public-url', '--log-level'],
    'check-config': ['--config'],
    simulate: ['--config', '--db', '--from', '--channel'],
  };
  for (const [cmd, options] of Object.entries(expected)) {
    const r = await h.run_command([cmd, '--help']);
    assert.equal(r.code, 0, `${cmd} --help: ${r.stderr}`);
    for (const o of options) assert.match(r.stdout, new RegExp(`^\\s+${o}\\b`, 'm'), `${cmd} --help lists ${o}`);
  }
});

test('check-config on config/example.json: OK, exit 0, no errors', async () => {
  const r = await h.run_command(['check-config', '--config', h.EXAMPLE_CONFIG]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\bOK\b/);
  assert.deepEqual(lines_starting(r.stdout, 'error:'), []);
});

test('check-config on a broken copy: exit non-zero, every error with its JSON path', async () => {
  const option_path = `/nodes/${start_node}/options/0/next`;
  assert.ok(cfg.texts.apology && cfg.texts.apology.en, 'the example has texts.apology in English');
  const { file } = config_copy('cli-broken', (c) => {
    c.nodes[start_node].options[0].next = 'no_such_node';
    delete c.texts.apology.en;
  });
  const r = await h.run_command(['check-config', '--config', file]);
  assert.notEqual(r.code, 0, r.stdout);
  const errors = lines_starting(r.stdout, 'error: ');
  assert.ok(errors.some((l) => l.startsWith(`error: ${option_path}:`) && l.includes('no_such_node')),
    `the dangling option by path, in:\n${r.stdout}`);
  assert.ok(errors.some((l) => l.startsWith('error: /texts/apology/en:')), `the missing translation by path, in:\n${r.stdout}`);
  // Every error printed, and as many as the summary counts.
  const summary = /(\d+) error\(s\)/.exec(r.stdout);
  assert.ok(summary, `a summary line in:\n${r.stdout}`);
  assert.equal(Number(summary[1]), errors.length);
  assert.doesNotMatch(r.stdout, /\bOK\b/);
});

test('check-config: a text that says "reply CANCEL" is a warning with its path, exit 0', async () => {
  const { file } = config_copy('cli-cancel', (c) => { c.texts.help.en = `${c.texts.help.en} To stop, reply CANCEL.`; });
  const r = await h.run_command(['check-config', '--config', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const warnings = lines_starting(r.stdout, 'warning: /texts/help/en:');
  assert.equal(warnings.length, 1, `one warning for /texts/help/en in:\n${r.stdout}`);
  assert.match(warnings[0], /CANCEL/);
  assert.deepEqual(lines_starting(r.stdout, 'error:'), []);
  assert.match(r.stdout, /\bOK\b/);
});

test('check-config: a TLS file that cannot be read is an error at its path, as serve would fail', async () => {
  const { dir, file } = config_copy('cli-tls-missing', (c) => {
    c.server.tls = { certificate_file: '/nonexistent/cert.pem', private_key_file: '/nonexistent/key.pem' };
  });
  const r = await h.run_command(['check-config', '--config', file]);
  assert.notEqual(r.code, 0, r.stdout);
  assert.equal(lines_starting(r.stdout, 'error: /server/tls/certificate_file:').length, 1, r.stdout);
  assert.equal(lines_starting(r.stdout, 'error: /server/tls/private_key_file:').length, 1, r.stdout);
  assert.ok(fs.existsSync(dir));
});

test('serve with a broken config exits non-zero naming the JSON path, never listens, creates nothing', async () => {
  const { dir, file } = config_copy('cli-serve-broken', (c) => { c.nodes[start_node].options[0].next = 'no_such_node'; });
  const db = path.join(dir, 'gw.db');
  const r = await h.run_command(['serve', '--config', file, '--listen', '127.0.0.1:0', '--db', db], { timeout_ms: 10000 });
  assert.equal(r.timed_out, false, 'serve kept running on a broken config');
  assert.notEqual(r.code, 0);
  assert.ok((r.stdout + r.stderr).includes(`/nodes/${start_node}/options/0/next`), `the JSON path in:\n${r.stdout}${r.stderr}`);
  assert.ok(!r.stdout.includes('"listening"'), 'no "listening" line');
  assert.ok(!fs.existsSync(db), 'no database was created');
});

// The terminal phone over pipes: say(line) writes a line and resolves with everything printed up
// to the next prompt.
function start_simulate(args) {
  const proc = spawn(h.GATEWAY_BIN, ['simulate', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (c) => { out += c; });
  proc.stderr.on('data', (c) => { err += c; });
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  const prompts = () => (out.match(/(?:^|\n)> /g) || []).length;
  const running = () => {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw Object.assign(new Error(`simulate exited (${proc.exitCode ?? proc.signalCode}); stderr: ${err}\nstdout:\n${out}`), { fatal: true });
    }
    return true;
  };
  return {
    proc, exited, stdout: () => out, stderr: () => err,
    ready: () => h.wait_for(() => running() && prompts() >= 1, 10000, 'the first prompt'),
    async say(line) {
      const seen = prompts();
      const from = out.length;
      proc.stdin.write(`${line}\n`);
      await h.wait_for(() => running() && prompts() > seen, 10000, `the answer to ${JSON.stringify(line)}`);
      return out.slice(from).replace(/\n?> $/, '');
    },
  };
}

const simulate_files = () => new Set(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('cwc-simulate-')));

function assert_contains(chunk, text, what) {
  assert.ok(text && text.trim().length > 0, `config text for ${what} is empty`);
  assert.ok(chunk.includes(text.trim()), `expected ${what} ${JSON.stringify(text)} in:\n${chunk}`);
}

test('simulate: a complaint walked as a person would, the reference, no echo, idle restart, /quit removes the temporary database', async () => {
  const before = simulate_files();
  const sim = start_simulate(['--config', h.EXAMPLE_CONFIG]);
  try {
    await sim.ready();
    // While it runs, its temporary database exists.
    const created = [...simulate_files()].filter((f) => !before.has(f));
    assert.ok(created.some((f) => /^cwc-simulate-.*\.db$/.test(f)), `a cwc-simulate-*.db in ${os.tmpdir()} while running, new files: ${JSON.stringify(created)}`);

    let out = await sim.say('hola');
    assert_contains(out, T.text('first_contact_notice'), 'the first-contact notice');
    assert_contains(out, T.node_text(start_node), 'the main menu text');
    for (const label of T.labels(start_node)) assert_contains(out, label, 'a main menu option');
    assert.ok(out.indexOf(T.text('first_contact_notice').trim()) < out.indexOf(T.node_text(start_node).trim()), 'the notice before the menu');

    const complaint_digit = T.option_to(start_node, (n) => n.type === 'complaint');
    assert.ok(complaint_digit, 'the main menu leads to a complaint');
    const complaint_id = cfg.nodes[start_node].options[Number(complaint_digit) - 1].next;
    const node = cfg.nodes[complaint_id];
    out = await sim.say(complaint_digit);
    assert_contains(out, T.node_text(complaint_id), 'the complaint introduction');
    const categories = node.categories.map((id) => cfg.categories.find((c) => c.id === id));
    assert.ok(categories.length > 1, 'the example complaint node offers several categories');
    assert_contains(out, T.text('choose_category'), 'the category prompt');
    const chosen_index = categories.findIndex((c) => !c.sensitive);
    const chosen = categories[chosen_index];

    out = await sim.say(String(chosen_index + 1));
    assert.ok(node.ask_region, 'the example complaint node asks for the region');
    assert_contains(out, T.text('choose_region'), 'the region prompt');
    assert_contains(out, T.text('prefer_not_to_say'), 'the "prefer not to say" option');

    out = await sim.say('0');
    if (node.ask_sex) out = await sim.say('0');  // prefer not to say
    if (node.ask_age_group) out = await sim.say('0');
    assert_contains(out, T.pick(node.ask_description), 'the description prompt');

    const description = `El promotor ${process.pid} me pidió 80 soles para adelantar mi cita en Migraciones`;
    out = await sim.say(description);
    const m = h.REFERENCE_RE.exec(out);
    assert.ok(m, `a reference in:\n${out}`);
    const type = cfg.case_types.find((t) => t.id === chosen.type);
    const ack = T.pick(type.acknowledgement).replaceAll('{reference}', m[0]).replaceAll('{days}', String(type.response_days));
    assert_contains(out, ack, 'the acknowledgement with reference and days');

    assert.ok(Number(cfg.deployment.conversation_timeout_minutes) < 120, 'the idle timeout is shorter than the wait');
    out = await sim.say('/wait 120');
    assert.match(out, /\b120\b/);
    out = await sim.say('hola');
    assert_contains(out, T.node_text(start_node), 'the main menu again after the idle pause');
    for (const label of T.labels(start_node)) assert_contains(out, label, 'a main menu option');
    assert.ok(!out.includes(T.text('first_contact_notice').trim()), 'no second first-contact notice');

    // Nothing the person wrote in the complaint is ever printed back.
    assert.ok(!sim.stdout().includes(description), 'the description is not echoed');
    assert.ok(!sim.stdout().includes('80 soles'), 'no part of the description is echoed');

    sim.proc.stdin.write('/quit\n');
    const exit = await Promise.race([sim.exited, new Promise((r) => setTimeout(() => r(null), 5000).unref())]);
    assert.ok(exit, '/quit ends the simulator within 5 s');
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(sim.stderr(), '');
    const left = [...simulate_files()].filter((f) => !before.has(f));
    assert.deepEqual(left, [], `temporary database files left in ${os.tmpdir()}`);
  } finally {
    if (sim.proc.exitCode === null && sim.proc.signalCode === null) sim.proc.kill('SIGKILL');
  }
});

test('simulate: end of input (Ctrl-D) also exits 0 and removes the temporary database', async () => {
  const tmp = h.make_tmpdir('cli-sim-eof');
  const r = await h.run_command(['simulate', '--config', h.EXAMPLE_CONFIG], { input: 'hola\n', env: { TMPDIR: tmp } });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(T.node_text(start_node).trim()), 'it answered before the input ended');
  assert.deepEqual(fs.readdirSync(tmp), [], 'nothing left in its temporary folder');
});

function json_lines(gw) {
  return gw.lines.filter((l) => l.stream === 'stdout').map((l) => { try { return JSON.parse(l.line); } catch { return null; } }).filter(Boolean);
}

async function post_form(url, body) {
  const res = await fetch(url, {
    method: 'POST', body, signal: AbortSignal.timeout(5000),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'AAAA' },
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

test('serve without the Twilio variables starts, names what is missing (never values), answers its webhooks 503, /healthz 200', async () => {
  const unset = { TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_API_BASE: undefined };
  const gw = await h.start_gateway({ env: unset });
  try {
    const events = json_lines(gw).filter((e) => e.event === 'channel.not_configured');
    assert.ok(events.length >= 1, `a channel.not_configured event in:\n${gw.logs()}`);
    for (const e of events) {
      assert.equal(e.channel, 'sms');
      assert.match(String(e.missing), /TWILIO_ACCOUNT_SID/);
      assert.match(String(e.missing), /TWILIO_AUTH_TOKEN/);
    }
    const body = new URLSearchParams({ MessageSid: 'SM' + '1'.repeat(32), From: '+51911111111', To: '+5116409000', Body: 'Hola' }).toString();
    for (const url of [gw.webhook_url, `${gw.status_url}?m=1`]) {
      const r = await post_form(url, body);
      assert.equal(r.status, 503, url);
      assert.match(r.type, /^application\/json/);
      assert.equal(typeof JSON.parse(r.body).error, 'string');
    }
    assert.equal(gw.db.count('select count(*) from inbound_messages'), 0, 'nothing stored');
    const health = await fetch(`${gw.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  } finally {
    await gw.close();
  }

  // Half configured: only the missing name is given, and the value that is set never appears.
  const sid = `AC${'7e57'.repeat(8)}`;
  const half = await h.start_gateway({ env: { ...unset, TWILIO_ACCOUNT_SID: sid } });
  try {
    const events = json_lines(half).filter((e) => e.event === 'channel.not_configured');
    assert.ok(events.length >= 1, `a channel.not_configured event in:\n${half.logs()}`);
    for (const e of events) assert.equal(e.missing, 'TWILIO_AUTH_TOKEN');
    assert.ok(!half.logs().includes(sid), 'the account SID value is not logged');
    assert.equal((await post_form(half.webhook_url, 'Body=x')).status, 503);
  } finally {
    await half.close();
  }
});

test('SIGTERM (and SIGINT) on an idle server: exit code 0 within 3 s', async () => {
  for (const signal of ['SIGTERM', 'SIGINT']) {
    const gw = await h.start_gateway();
    const health = await fetch(`${gw.url}/healthz`, { signal: AbortSignal.timeout(5000) });
    assert.equal(health.status, 200);
    const t0 = Date.now();
    const result = await gw.stop(signal, 3000); // throws when it takes longer
    const took = Date.now() - t0;
    assert.deepEqual(result, { code: 0, signal: null }, `${signal}: ${gw.tail(5)}`);
    assert.ok(took < 3000, `${signal}: exited after ${took} ms`);
    assert.ok(json_lines(gw).some((e) => e.event === 'shutdown'), `${signal}: a shutdown line`);
    await gw.close();
  }
});
