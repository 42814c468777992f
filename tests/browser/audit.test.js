'use strict';
// The auditor's view of the desk in headless Chromium against the real gateway: an auditor (and
// an admin) sees "chain verified" with the entries and record digests checked and the signed
// head's public key, downloads the signed heads as JSON lines that Node's Ed25519 verifies, and
// pages through the audit log (pseudonyms and ids, never a number or a text); other roles get no
// link and a 403. Then the test edits a case in the SQLite file behind the gateway's back and the
// auditor, reloading, sees the chain broken with that record named; put back, it is green again.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const h = require('../integration/harness');
const { start_world, texts } = require('../integration/desk_world');
const { PHONE, launch, use, open_desk, sign_in, assert_clean, settled, assert_fits, shot } = require('./desk_page');

let w;
let browser;

before(async () => {
  w = await start_world('browser-audit', { more: 4 });
  // A head to keep: signed by the CLI, as an operator would outside the daily schedule.
  const signed = await h.run_command(['audit', 'sign', '--config', w.gw.config, '--db', w.gw.db_file]);
  assert.equal(signed.code, 0, signed.stderr);
  browser = await launch();
  use(browser, w);
});

after(async () => {
  if (browser) await browser.close();
  if (w) await w.close();
});

async function open_audit(token) {
  const page = await open_desk();
  await sign_in(page, token);
  await page.click('#nav-audit');
  await page.waitForSelector('#audit #verdict');
  await page.waitForSelector('#audit-log tr');
  return page;
}

// An Ed25519 public key in hex as Node's KeyObject (SPKI: a fixed prefix, then the 32 bytes).
function public_key(hex) {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(hex, 'hex')]);
  return crypto.createPublicKey({ key: der, format: 'der', type: 'spki' });
}

test('other roles have no audit link and the API refuses them', async () => {
  for (const role of ['officer', 'focal', 'broadcaster']) {
    const r = await h.api_request(w.gw.officers_url, 'GET', '/api/v1/audit/verification', { token: w.tokens[role] });
    assert.equal(r.status, 403, `${role}: 403`);
    assert.match(r.json.error, /auditor or admin/);
  }
  const page = await open_desk();
  await sign_in(page, w.tokens.officer);
  assert.equal(await page.isHidden('#nav-audit'), true, 'no link for an AAP officer');
  await page.goto(`${w.gw.officers_url}/desk/#/audit`);
  await page.waitForSelector('#view-problem');
  assert.match(await page.textContent('#view-problem'), /Only auditors and administrators/);
  assert_clean(page);
  await page.close_all();
});

test('the auditor sees the chain verified, the signed heads to keep, and the log without numbers', async () => {
  const page = await open_audit(w.tokens.auditor);
  assert.match(await page.textContent('#verdict'), /Chain verified/);
  assert.equal(await page.getAttribute('#verification', 'data-intact'), 'yes');
  const entries = Number(await page.textContent('#audit-entries .value'));
  assert.ok(entries >= w.gw.db.count('select count(*) from audit_log') - 1, `entries checked: ${entries}`);
  const digests = Number(await page.textContent('#audit-digests .value'));
  const inbound = w.gw.db.count('select count(*) from inbound_messages');
  assert.ok(digests >= inbound, `every message's digest checked (${digests} >= ${inbound})`);
  assert.ok(Number(await page.textContent('#audit-heads .value')) >= 1, 'the signed head checked');
  const key = await page.textContent('#public-key');
  assert.match(key, /^[0-9a-f]{64}$/);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-heads')]);
  assert.equal(download.suggestedFilename(), 'audit-heads.jsonl');
  const heads = fs.readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(heads.length >= 1);
  for (const head of heads) {
    assert.equal(head.public_key, key);
    const statement = `cwc-gateway audit head v1\n${head.seq}\n${head.hash}\n${head.signed_at_ms}`;
    assert.ok(crypto.verify(null, Buffer.from(statement), public_key(head.public_key), Buffer.from(head.signature, 'hex')),
      'the head\'s signature verifies with Node\'s Ed25519');
    const row = w.gw.db.one(`select hash from audit_log where seq = ${Number(head.seq)}`);
    assert.equal(row.hash, head.hash, 'the head is an entry of the chain');
  }

  const first_page = await page.$$eval('#audit-log tr', (rows) => rows.map((r) => Number(r.dataset.seq)));
  assert.equal(first_page.length, 50, 'a page of 50 entries');
  assert.deepEqual([...first_page].sort((a, b) => b - a), first_page, 'newest first');
  await page.click('#more-log');
  await page.waitForFunction(() => document.querySelectorAll('#audit-log tr').length > 50);
  const shown = await page.textContent('#audit');
  for (const n of Object.values(w.numbers)) assert.ok(!shown.includes(n) && !shown.includes(n.slice(1)), 'no phone number');
  for (const text of [texts.documents, texts.sensitive, texts.arabic]) assert.ok(!shown.includes(text), 'no message text');
  assert.match(shown, /contact:p_[0-9a-f]+/, 'people by pseudonym');
  await shot(page, 'audit');
  await page.setViewportSize(PHONE);
  await assert_fits(page);
  await shot(page, 'audit-phone');
  assert_clean(page);
  await page.close_all();
  assert.ok(w.gw.db.count(`select count(*) from audit_log where action = 'audit.verified' and actor = 'officer:Rosa Auditora'`) >= 1,
    'the verification is itself audited');
});

test('a case edited in the SQLite file: the auditor sees the chain broken, naming the record', async () => {
  const ref = w.cases.documents.reference;
  const before_edit = w.gw.db.one(`select description from cases where reference = ${h.sql_string(ref)}`).description;
  const edit = (description) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', w.gw.db_file,
    `update cases set description = ${h.sql_string(description)} where reference = ${h.sql_string(ref)}`]);
  edit('Todo bien, gracias');
  try {
    const page = await open_audit(w.tokens.admin);
    assert.match(await page.textContent('#verdict'), /Chain BROKEN/);
    assert.equal(await page.getAttribute('#verification', 'data-intact'), 'no');
    assert.match(await page.textContent('#first-broken'), new RegExp(`record case:${ref}: its content does not match`));
    await shot(page, 'audit-broken');
    assert_clean(page);
    await page.close_all();
  } finally {
    edit(before_edit);
  }
  const page = await open_audit(w.tokens.auditor);
  await settled(page);
  assert.match(await page.textContent('#verdict'), /Chain verified/, 'the content put back verifies again');
  assert_clean(page);
  await page.close_all();
});
