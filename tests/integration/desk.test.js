'use strict';
// The officers' desk over real loopback HTTP: its files with the security headers and their
// types on the officers' listener only, / and /desk sent to /desk/, no way out of web/ (raw
// targets with "..", encoded or not), a JSON 404 for anything else; and GET /api/v1/media/{id}
// by role: the bytes and stored type for whoever may read a case of the sender's, a 404 for
// another organisation's officer and for a sensitive case's attachment to a non-focal officer,
// 403 for roles without individual cases, each read audited as media.read; `serve --web-dir`.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const h = require('./harness');
const { start_world } = require('./desk_world');

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
let w;

// A request with the target exactly as given (WHATWG URL parsing would resolve "..").
function raw_get(base, target, headers = {}) {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: target, method: 'GET', headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`GET ${target} timed out`)));
    req.end();
  });
}

function check_headers(r, what) {
  assert.equal(r.headers['content-security-policy'], CSP, `${what}: CSP`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', what);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', what);
  assert.equal(r.headers['x-frame-options'], 'DENY', what);
}

before(async () => { w = await start_world('desk'); });
after(async () => { if (w) await w.close(); });

test('the desk files: types and security headers, the page with no inline script or style', async () => {
  const files = [
    ['/desk/', 'text/html; charset=utf-8'],
    ['/desk/index.html', 'text/html; charset=utf-8'],
    ['/desk/desk.css', 'text/css; charset=utf-8'],
    ['/desk/js/app.js', 'text/javascript; charset=utf-8'],
    ['/desk/i18n/es.json', 'application/json; charset=utf-8'],
    ['/desk/vendor/chart.js', 'text/javascript; charset=utf-8'],
  ];
  for (const [target, type] of files) {
    const r = await raw_get(w.gw.officers_url, target);
    assert.equal(r.status, 200, target);
    assert.equal(r.headers['content-type'], type, target);
    check_headers(r, target);
  }
  const page = (await raw_get(w.gw.officers_url, '/desk/')).body.toString();
  assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline script');
  assert.doesNotMatch(page, /<style|\sstyle=|\son[a-z]+=/i, 'no inline style or event handler');
  const chart = (await raw_get(w.gw.officers_url, '/desk/vendor/chart.js')).body.toString();
  assert.match(chart.slice(0, 200), /Chart\.js v3/, 'Debian\'s Chart.js');
  for (const dict of ['es', 'en']) {
    const words = JSON.parse((await raw_get(w.gw.officers_url, `/desk/i18n/${dict}.json`)).body);
    assert.equal(typeof words.sign_in.title, 'string', `${dict} dictionary`);
  }
});

test('/ and /desk go to /desk/; the public webhook listener serves no desk', async () => {
  for (const target of ['/', '/desk']) {
    const r = await raw_get(w.gw.officers_url, target);
    assert.equal(r.status, 302, target);
    assert.equal(r.headers.location, '/desk/', target);
    check_headers(r, target);
  }
  const pub = await raw_get(w.gw.url, '/desk/');
  assert.equal(pub.status, 404, 'no desk on the public listener');
  assert.ok(!pub.body.toString().includes('<html'), 'no page there');
});

test('no directory traversal, hidden file or unknown type: a JSON 404 that leaks nothing', async () => {
  const targets = [
    '/desk/../README.md', '/desk/../../CMakeLists.txt', '/desk/js/../../gateway/main.cpp',
    '/desk/%2e%2e/README.md', '/desk/%2E%2E/%2E%2E/etc/passwd', '/desk/..%2fREADME.md',
    '/desk/js%2f..%2f..%2fREADME.md', '/desk/..%5c..%5cREADME.md', '/desk/%00.js',
    '/desk/.gitignore', '/desk/missing.js', '/desk/index.txt', '/desk//etc/passwd',
  ];
  for (const target of targets) {
    const r = await raw_get(w.gw.officers_url, target);
    assert.equal(r.status, 404, target);
    assert.equal(r.headers['content-type'], 'application/json', target);
    assert.equal(typeof JSON.parse(r.body).error, 'string', target);
    assert.ok(!/cwc-gateway|root:|add_executable|int main/.test(r.body.toString()), `${target} leaks nothing`);
    check_headers(r, target);
  }
});

test('/api/v1/me carries the desk\'s choices from the config, active services only', async () => {
  const cfg = h.load_config(w.gw.config);
  const me = JSON.parse((await raw_get(w.gw.officers_url, '/api/v1/me', { authorization: `Bearer ${w.tokens.broadcaster}` })).body);
  const ch = me.choices;
  assert.deepEqual(ch.types.map((x) => x.id), cfg.case_types.map((x) => x.id));
  assert.deepEqual(ch.categories.map((x) => [x.id, x.type]), cfg.categories.map((x) => [x.id, x.type]));
  assert.deepEqual(ch.regions.map((x) => x.id), cfg.regions.map((x) => x.id));
  assert.deepEqual(ch.organisations.map((x) => x.id), cfg.organisations.map((x) => x.id));
  assert.deepEqual(ch.languages.map((x) => x.id), cfg.languages.map((x) => x.code));
  assert.deepEqual(ch.services.map((x) => x.id), cfg.services.filter((x) => (x.status || 'active') === 'active').map((x) => x.id));
  assert.equal(ch.categories.find((x) => x.id === 'documentation').name.es, cfg.categories.find((x) => x.id === 'documentation').name.es);
});

test('media by role: bytes and type for the case\'s readers, 404 out of scope, 403 without cases; audited', async () => {
  const get = (token, id) => raw_get(w.gw.officers_url, `/api/v1/media/${id}`, token ? { authorization: `Bearer ${token}` } : {});
  const audits = () => w.gw.db.count("select count(*) from audit_log where action = 'media.read'");
  const before_reads = audits();

  const voice = await get(w.tokens.officer, w.media.voice.id);
  assert.equal(voice.status, 200);
  assert.equal(voice.headers['content-type'], 'audio/ogg');
  assert.ok(voice.body.equals(w.voice), 'the voice note byte for byte');
  assert.equal(voice.headers['x-content-type-options'], 'nosniff');
  assert.equal(voice.headers['cache-control'], 'no-store');
  assert.match(voice.headers['content-security-policy'], /sandbox/);
  const photo = await get(w.tokens.admin, w.media.photo.id);
  assert.equal(photo.status, 200);
  assert.equal(photo.headers['content-type'], 'image/png');
  assert.ok(photo.body.equals(w.png));
  const entry = w.gw.db.one(`select * from audit_log where action = 'media.read' and subject = 'media:${w.media.voice.id}'`);
  assert.equal(entry.actor, 'officer:Lucía Rojas');
  assert.equal(JSON.parse(entry.detail).role, 'aap_officer');

  const focal = await get(w.tokens.focal, w.media.sensitive_photo.id);
  assert.equal(focal.status, 200, 'the focal point reads the sensitive case\'s photo');
  assert.ok(focal.body.equals(w.png));
  assert.equal(audits(), before_reads + 3);

  const refused = [
    ['aap_officer, sensitive case', w.tokens.officer, w.media.sensitive_photo.id, 404],
    ['another organisation', w.tokens.other_officer, w.media.voice.id, 404],
    ['auditor', w.tokens.auditor, w.media.voice.id, 403],
    ['broadcaster', w.tokens.broadcaster, w.media.photo.id, 403],
    ['unknown id', w.tokens.admin, 999999, 404],
    ['not a number', w.tokens.admin, '1x', 400],
    ['no token', '', w.media.voice.id, 401],
  ];
  for (const [what, token, id, status] of refused) {
    const r = await get(token, id);
    assert.equal(r.status, status, what);
    assert.equal(typeof JSON.parse(r.body).error, 'string', what);
    assert.ok(!r.body.equals(w.png) && !r.body.includes(w.voice), `${what}: no bytes`);
  }
  assert.equal(audits(), before_reads + 3, 'refusals read nothing and audit no read');
});

test('serve --web-dir serves another copy of the desk; a missing folder is refused at start', async () => {
  const dir = h.make_tmpdir('desk-web');
  const copy = path.join(dir, 'web');
  fs.cpSync(path.join(h.SOURCE_DIR, 'web'), copy, { recursive: true });
  fs.appendFileSync(path.join(copy, 'index.html'), '<!-- the operator\'s copy -->\n');
  const gw = await h.start_gateway({ dir, extra_args: ['--web-dir', copy] });
  try {
    const page = await raw_get(gw.officers_url, '/desk/');
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /the operator's copy/);
    check_headers(page, '--web-dir');
  } finally {
    await gw.close();
  }
  const r = await h.run_command(['serve', '--config', gw.config, '--web-dir', `${copy}-missing`]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /web-dir/);
});

test('the es and en dictionaries have the same words, and every word the pages name', async () => {
  const web = path.join(h.SOURCE_DIR, 'web');
  const keys = (node, prefix = '') => Object.entries(node).flatMap(([k, v]) =>
    (typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
  const es = JSON.parse(fs.readFileSync(path.join(web, 'i18n/es.json'), 'utf8'));
  const en = JSON.parse(fs.readFileSync(path.join(web, 'i18n/en.json'), 'utf8'));
  assert.deepEqual(keys(es).sort(), keys(en).sort());
  const named = new Set();
  for (const file of fs.readdirSync(path.join(web, 'js'))) {
    const code = fs.readFileSync(path.join(web, 'js', file), 'utf8');
    for (const m of code.matchAll(/\bt\('([a-z_]+(?:\.[a-z_]+)+)'/g)) named.add(m[1]);
    assert.doesNotMatch(code, /\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write|\beval\(|new Function/, `${file}: no HTML from strings`);
  }
  for (const m of fs.readFileSync(path.join(web, 'index.html'), 'utf8').matchAll(/data-i18n="([^"]+)"/g)) named.add(m[1]);
  assert.ok(named.size > 40, `the pages name their words (${named.size})`);
  const known = new Set(keys(en));
  for (const key of named) assert.ok(known.has(key), `${key} is in the dictionaries`);
});
