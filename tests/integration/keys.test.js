'use strict';
// The deployment's keys as an operator meets them: the first start makes the pseudonym, address
// and audit keys (mode 0600, where the config says or beside the database); later starts require
// them — a missing one stops serve with what to do and no new key is made, a key others may read
// stops it with the chmod to run — and a database made by `token create` before the first start
// still gets its keys.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const KEYS = [
  { suffix: '.pseudonym-key', what: 'pseudonym key \\(server.pseudonym_key_file\\)' },
  { suffix: '.address-key', what: 'address key \\(server.address_key_file\\)' },
  { suffix: '.audit-key', what: 'audit key \\(server.audit_key_file\\)' },
];

let fake;
let gw;
let OUR;

before(async () => {
  fake = await fake_twilio.start();
  gw = await h.start_gateway({ fake, dir: h.make_tmpdir('keys') });
  OUR = h.load_config(gw.config).channels.find((c) => c.id === 'sms').address;
  const r = await h.person(gw, fake, '+51986000111', OUR).say('Hola');
  assert.equal(r.status, 200);
  await gw.stop();
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the first start makes every key, 0600, 64 hex digits', () => {
  for (const { suffix } of KEYS) {
    const file = gw.db_file + suffix;
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
    assert.match(fs.readFileSync(file, 'utf8'), /^[0-9a-f]{64}\n$/, file);
  }
});

test('a missing key stops serve with what to do, and no key is made in its place', async () => {
  for (const { suffix, what } of KEYS) {
    const file = gw.db_file + suffix;
    fs.renameSync(file, `${file}.kept`);
    try {
      await assert.rejects(gw.restart(), new RegExp(`exited before listening[\\s\\S]*no ${what} at ${file.replace(/[.]/g, '\\.')}, and the database already holds data it protects: restore the file`));
      assert.equal(fs.existsSync(file), false, `${file} was made again`);
    } finally {
      fs.renameSync(`${file}.kept`, file);
    }
  }
});

test('a key group or others may read stops serve with the chmod to run', async () => {
  for (const { suffix, what } of KEYS) {
    const file = gw.db_file + suffix;
    fs.chmodSync(file, 0o640);
    try {
      await assert.rejects(gw.restart(), new RegExp(`${what}: key file .* is open to group or others \\(mode 0640\\): chmod 600`));
    } finally {
      fs.chmodSync(file, 0o600);
    }
  }
  await gw.restart();
  assert.ok(gw.alive());
  await gw.stop();
});

test('keys where the config says; a database made by `token create` first still gets them', async () => {
  const dir = h.make_tmpdir('keys-config');
  const keys_dir = path.join(dir, 'keys');
  fs.mkdirSync(keys_dir, { mode: 0o700 });
  const config = h.write_config(dir, (c) => {
    c.server = { ...(c.server || {}),
      pseudonym_key_file: path.join(keys_dir, 'pseudonym'),
      address_key_file: path.join(keys_dir, 'address'),
      audit_key_file: path.join(keys_dir, 'audit') };
  });
  const db_file = path.join(dir, 'gw.db');
  const token = await h.run_command(['token', '--config', config, '--db', db_file, 'create',
    '--name', 'Rosa', '--role', 'admin', '--organisation', h.load_config(config).organisations[0].id]);
  assert.equal(token.code, 0, token.stderr);
  const second = await h.start_gateway({ fake, dir, config, db_file });
  try {
    assert.deepEqual(fs.readdirSync(keys_dir).sort(), ['address', 'audit', 'pseudonym']);
    for (const name of fs.readdirSync(keys_dir)) assert.equal(fs.statSync(path.join(keys_dir, name)).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('-key')), []);
  } finally {
    await second.close();
  }
});
