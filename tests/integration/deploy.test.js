'use strict';
// The deployment files in deploy/: the systemd unit passes `systemd-analyze verify` (no systemd
// needs to run) with the hardening the README promises and a low exposure score, and the nginx
// example passes `nginx -t` with a throwaway self-signed certificate. Then nginx really runs it
// (ports moved to free ones) in front of the gateway: a Twilio webhook signed for the public
// https:// URL is answered through the proxy, the officers' side is refused outside the
// allow-list, and an oversized body is stopped at the channel's limit.

const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const https = require('node:https');
const path = require('node:path');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const UNIT = path.join(h.SOURCE_DIR, 'deploy', 'cwc-gateway.service');
const SITE = path.join(h.SOURCE_DIR, 'deploy', 'nginx-cwc-gateway.conf');
const cleanup = [];
after(async () => { for (const f of cleanup.reverse()) await f(); });

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30000, ...opts });
  return { code: r.status, out: `${r.stdout || ''}${r.stderr || ''}` };
}

// The unit as installed, but starting the binary under test (verify checks it is executable).
function unit_copy(dir, edit = (t) => t) {
  const file = path.join(dir, 'cwc-gateway.service');
  fs.writeFileSync(file, edit(fs.readFileSync(UNIT, 'utf8').replaceAll('/usr/local/bin/cwc-gateway', h.GATEWAY_BIN)));
  return file;
}

function directives(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) (out[m[1]] ||= []).push(m[2]);
  }
  return out;
}

test('the systemd unit verifies, is hardened as documented, and a broken one is caught', () => {
  const dir = h.make_tmpdir('unit');
  const ok = run('systemd-analyze', ['verify', unit_copy(dir)], { cwd: dir });
  assert.equal(ok.code, 0, ok.out);
  assert.equal(ok.out.trim(), '', `no warnings: ${ok.out}`);

  const d = directives(fs.readFileSync(UNIT, 'utf8'));
  const expect = {
    User: 'cwc-gateway', Group: 'cwc-gateway', StateDirectory: 'cwc-gateway', StateDirectoryMode: '0700',
    ProtectSystem: 'strict', ProtectHome: 'yes', NoNewPrivileges: 'yes', PrivateTmp: 'yes',
    MemoryDenyWriteExecute: 'yes', SystemCallFilter: '@system-service', CapabilityBoundingSet: '',
    UMask: '0077', Restart: 'on-failure', EnvironmentFile: '/etc/cwc-gateway/environment',
    RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX', ExecReload: '/bin/kill -HUP $MAINPID',
  };
  for (const [k, v] of Object.entries(expect)) assert.deepEqual(d[k], [v], k);
  assert.match(d.ExecStart[0], /serve --config \/etc\/cwc-gateway\/config\.json$/);
  assert.ok(!('AmbientCapabilities' in d) || d.AmbientCapabilities[0] === '');

  // systemd's own score of the sandbox: 0 (locked down) … 10 (exposed); 2.5 at most.
  const score = run('systemd-analyze', ['security', '--offline=yes', '--threshold=25', unit_copy(dir)], { cwd: dir });
  assert.equal(score.code, 0, score.out.split('\n').slice(-3).join('\n'));
  const level = /Overall exposure level for cwc-gateway.service: ([0-9.]+)/.exec(score.out);
  assert.ok(level && Number(level[1]) <= 2.5, `exposure ${level && level[1]}`);

  const broken = run('systemd-analyze', ['verify', unit_copy(dir, (t) => t.replace('ProtectSystem=strict', 'ProtectSystem=strictest'))], { cwd: dir });
  assert.match(broken.out, /protect system value/i, 'a wrong value is reported');
});

// The example with the throwaway certificate, log folder and (optionally) ports of a test.
function site_copy(dir, { https_port, http_port, edit = (t) => t } = {}) {
  let text = fs.readFileSync(SITE, 'utf8')
    .replace('/etc/letsencrypt/live/sms.example.org/fullchain.pem', path.join(dir, 'cert.pem'))
    .replace('/etc/letsencrypt/live/sms.example.org/privkey.pem', path.join(dir, 'key.pem'))
    .replaceAll('/var/log/nginx/', `${dir}/`);
  if (https_port) text = text.replace('listen 443 ssl http2;', `listen 127.0.0.1:${https_port} ssl http2;`).replace('listen [::]:443 ssl http2;', '');
  if (http_port) text = text.replace('listen 80;', `listen 127.0.0.1:${http_port};`).replace('listen [::]:80;', '');
  text = edit(text);
  const site = path.join(dir, 'site.conf');
  fs.writeFileSync(site, text);
  const main = path.join(dir, 'nginx.conf');
  fs.writeFileSync(main, [
    `pid ${dir}/nginx.pid;`, `error_log ${dir}/error.log;`, 'daemon off;', 'events {}', 'http {',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${site};`, '}', ''].join('\n'));
  return main;
}

function throwaway_certificate(dir) {
  const r = run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=sms.example.org',
    '-addext', 'subjectAltName=DNS:sms.example.org,IP:127.0.0.1',
    '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')]);
  assert.equal(r.code, 0, r.out);
  return fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
}

test('the nginx example passes nginx -t with a throwaway certificate; a broken one does not', () => {
  const dir = h.make_tmpdir('nginx');
  throwaway_certificate(dir);
  const ok = run('nginx', ['-t', '-p', dir, '-c', site_copy(dir)]);
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /test is successful/);
  const broken = run('nginx', ['-t', '-p', dir, '-c', site_copy(dir, { edit: (t) => t.replace('client_max_body_size 64k;', 'client_max_body_size 64k') })]);
  assert.notEqual(broken.code, 0, 'a missing semicolon is caught');
});

function free_port() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function request(url, { method = 'GET', body, headers = {}, ca }) {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method, headers, ca, servername: 'sms.example.org' }, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('through nginx: a signed webhook is answered, the officers\' side only for the allow-list, bodies bounded', async () => {
  const dir = h.make_tmpdir('proxy');
  const ca = throwaway_certificate(dir);
  const [https_port, http_port, officers_port] = [await free_port(), await free_port(), await free_port()];
  const public_url = `https://127.0.0.1:${https_port}`;
  const fake = await fake_twilio.start({ ca });
  cleanup.push(() => fake.close());
  const config = h.write_config(dir, (c) => { c.server.public_url = public_url; });
  const gw = await h.start_gateway({ fake, dir, config, listen: '127.0.0.1:0',
    extra_args: ['--officers-listen', `127.0.0.1:${officers_port}`, '--public-url', public_url] });
  cleanup.push(() => gw.close());
  // The upstreams point at the ports the gateway took; the allow-list without loopback.
  const main = site_copy(dir, { https_port, http_port, edit: (t) => t
    .replace('server 127.0.0.1:8080;', `server ${gw.address};`)
    .replace('server 127.0.0.1:8081;', `server 127.0.0.1:${officers_port};`)
    .replace('allow 127.0.0.1;', '').replace('allow ::1;', '') });
  const nginx = spawn('nginx', ['-p', dir, '-c', main], { stdio: 'ignore' });
  const exited = new Promise((r) => nginx.once('exit', r));
  cleanup.push(async () => { nginx.kill('SIGTERM'); await exited; });
  await h.wait_for(() => new Promise((r) => { const s = net.connect(https_port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); }), 10000, 'nginx listening');

  const webhook = `${public_url}/webhooks/sms`;
  const r = await fake.inbound({ from: '+51999000111', to: '+5116409000', body: 'hola', url: webhook });
  assert.equal(r.status, 200, `signed for the public URL, answered through nginx: ${r.body}`);
  await h.wait_for(() => fake.sent.some((m) => m.to === '+51999000111'), 10000, 'the reply sent');
  const forged = await fake.inbound({ from: '+51999000112', to: '+5116409000', body: 'hola', url: webhook, sign_url: `http://127.0.0.1:${https_port}/webhooks/sms` });
  assert.equal(forged.status, 403, 'a signature over another URL is refused');

  const health = await request(`${public_url}/healthz`, { ca });
  assert.equal(health.status, 200);
  for (const p of ['/desk/', '/api/v1/me', '/metrics']) {
    const officers = await request(`${public_url}${p}`, { ca });
    assert.equal(officers.status, 403, `${p} outside the allow-list`);
  }
  const big = await request(webhook, { method: 'POST', body: 'x'.repeat(70 * 1024), ca,
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(big.status, 413, 'an SMS webhook over 64 KiB stops at nginx');
  const plain = await new Promise((resolve) => require('node:http').get(`http://127.0.0.1:${http_port}/webhooks/sms`, (res) => resolve(res)));
  assert.equal(plain.statusCode, 301, 'plain HTTP is sent to HTTPS');
  await request(`${public_url}/healthz?token=not-for-the-log`, { ca });
  await h.wait_for(() => fs.readFileSync(path.join(dir, 'cwc-gateway.access.log'), 'utf8').includes('/healthz'), 5000, 'the access log');
  assert.ok(!fs.readFileSync(path.join(dir, 'cwc-gateway.access.log'), 'utf8').includes('not-for-the-log'), 'no query string in the access log');
});
