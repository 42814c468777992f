'use strict';
// The audit chain as an auditor uses it, on a database the gateway wrote over real HTTP: people
// text through the fake Twilio (a complaint, a question), an officer answers over the officers'
// API, an operator signs the head with the CLI while the gateway runs. `audit verify` passes on
// the live file; `audit heads` exports heads whose Ed25519 signatures Node's own crypto accepts.
// Then, each on a copy of the file: a message text edited, an audit row deleted, the whole chain
// recomputed with the documented formula (caught by the signed head, and by the auditor's anchor
// once the heads are deleted too), a lawful redaction entry (green), the key's checks, and serve
// signing the head at start when none is kept (and refusing a key others may read).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

let fake;
let gw;
let cfg;
let T;
let OUR;
let head; // the signed head `audit sign` printed
let reference; // of the complaint
const description = 'En la oficina de Lima me pidieron pagar por el trámite del CPP';
const answer = 'Gracias, lo revisamos con la oficina esta semana';

// As the README writes it: `audit verify --config F --db P [--anchor …]`.
const audit = (db_file, [action, ...rest]) => h.run_command(['audit', action, '--config', gw.config, '--db', db_file, ...rest]);
const sql = (file, statements) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', file, statements], { encoding: 'utf8' });
const rows = (file, query) => {
  const out = execFileSync('sqlite3', ['-json', file, query], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.trim() ? JSON.parse(out) : [];
};

// A consistent copy of the live database (SQLite's online backup) with its keys beside it, as
// the defaults "<database>.audit-key" (and the pseudonym and address keys serve requires).
function copy_of_database(tag) {
  const file = path.join(gw.dir, `copy-${tag}.db`);
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', gw.db_file, `.backup '${file}'`]);
  for (const key of ['audit-key', 'pseudonym-key', 'address-key']) {
    fs.copyFileSync(`${gw.db_file}.${key}`, `${file}.${key}`);
    fs.chmodSync(`${file}.${key}`, 0o600);
  }
  return file;
}

// The chain's documented formula (README "Audit"): SHA-256 over
// prev_hash \n at \n actor \n action \n subject \n detail, the first prev_hash 64 zeros.
function entry_hash(prev, e) {
  return crypto.createHash('sha256')
    .update([prev, String(e.at), e.actor, e.action, e.subject, e.detail].join('\n'), 'utf8').digest('hex');
}

// What someone with write access to the file and the formula does to hide an edit.
function recompute_chain(file) {
  let prev = '0'.repeat(64);
  const updates = ['BEGIN;'];
  for (const e of rows(file, 'SELECT seq, at, actor, action, subject, detail FROM audit_log ORDER BY seq')) {
    const hash = entry_hash(prev, e);
    updates.push(`UPDATE audit_log SET prev_hash = '${prev}', hash = '${hash}' WHERE seq = ${e.seq};`);
    prev = hash;
  }
  updates.push('COMMIT;');
  sql(file, updates.join('\n'));
}

function broken_lines(r) {
  return r.stdout.split('\n').filter((l) => l.startsWith('BROKEN: '));
}

before(async () => {
  fake = await fake_twilio.start();
  const dir = h.make_tmpdir('audit');
  gw = await h.start_gateway({ fake, dir });
  cfg = h.load_config(gw.config);
  T = h.texts_of(cfg);
  OUR = cfg.channels.find((c) => c.id === 'sms').address;

  const ana = h.person(gw, fake, '+51987650001', OUR);
  const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
  let r = await ana.say(T.option_to(start, (_, id) => id === 'complaint'));
  r = await ana.say(String(cfg.nodes.complaint.categories.indexOf('documentation') + 1));
  const prompt = T.pick(cfg.nodes.complaint.ask_description).trim();
  for (let i = 0; i < 5 && !r.replies.join('\n').includes(prompt); ++i) r = await ana.say('0');
  await ana.say(description);
  const c = await h.wait_for(() => gw.db.one(`select reference from cases where description = ${h.sql_string(description)}`), 15000, 'the case');
  reference = c.reference;
  await h.person(gw, fake, '+51987650002', OUR).say('hola');

  const made = await h.run_command(['token', '--config', gw.config, '--db', gw.db_file, 'create',
    '--name', 'Lucía Rojas', '--role', 'aap_officer', '--organisation', 'red_cbo', '--json']);
  assert.equal(made.code, 0, made.stderr);
  const responded = await h.api_request(gw.officers_url, 'POST', `/api/v1/cases/${c.reference}/respond`,
    { token: JSON.parse(made.stdout).token, body: { text: answer } });
  assert.equal(responded.status, 200, responded.text);
  await h.wait_for(() => gw.db.count(`select count(*) from outbox where text = ${h.sql_string(answer)} and status in ('sent', 'delivered')`) === 1, 15000, 'the answer sent');
  await ana.say('gracias'); // the chain goes on after the answer

  const signed = await h.run_command(['audit', '--config', gw.config, '--db', gw.db_file, 'sign']); // options first works too
  assert.equal(signed.code, 0, signed.stderr);
  head = JSON.parse(signed.stdout);
});

after(async () => {
  if (gw) await gw.close();
  if (fake) await fake.close();
});

test('the audit key is made beside the database at start, owner-only', () => {
  const st = fs.statSync(`${gw.db_file}.audit-key`);
  assert.equal(st.mode & 0o777, 0o600);
  assert.match(fs.readFileSync(`${gw.db_file}.audit-key`, 'utf8'), /^[0-9a-f]{64}\n$/);
});

test('verify on the live database: intact, every message, reply and case matching its digest', async () => {
  const r = await audit(gw.db_file, ['verify', '--anchor', `${head.seq}:${head.hash}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /audit chain intact/);
  const inbound = gw.db.count('select count(*) from inbound_messages');
  const outbound = gw.db.count('select count(*) from outbox');
  assert.ok(inbound >= 5 && outbound >= inbound, `${inbound} messages, ${outbound} replies`);
  assert.match(r.stdout, new RegExp(`records matching their digest: ${inbound} inbound, ${outbound} outbound, 1 cases`));
  assert.match(r.stdout, /records without a digest: 0\n/);
  assert.match(r.stdout, /signed heads: 1\nanchors: 1\n/);
  // The chain holds digests, never the words: no text or number in any entry.
  const details = rows(gw.db_file, 'select detail from audit_log').map((e) => e.detail).join('\n');
  assert.ok(!details.includes('CPP') && !details.includes('987650001'), 'no text or number in the audit log');
  assert.equal(gw.db.count("select count(*) from audit_log where action = 'inbound.received' and length(json_extract(detail, '$.digest')) = 64"), inbound);
});

test('heads: JSON lines whose Ed25519 signature Node verifies with the exported public key', async () => {
  const r = await audit(gw.db_file, ['heads']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 1);
  const [exported] = lines;
  assert.deepEqual(exported, head);
  const at_seq = gw.db.one(`select hash from audit_log where seq = ${exported.seq}`);
  assert.equal(at_seq.hash, exported.hash);
  assert.equal(new Date(exported.signed_at).getTime(), exported.signed_at_ms);
  const key = crypto.createPublicKey({
    key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(exported.public_key, 'hex')]),
    format: 'der', type: 'spki',
  });
  const statement = `cwc-gateway audit head v1\n${exported.seq}\n${exported.hash}\n${exported.signed_at_ms}`;
  assert.ok(crypto.verify(null, Buffer.from(statement), key, Buffer.from(exported.signature, 'hex')));
  assert.ok(!crypto.verify(null, Buffer.from(statement + '0'), key, Buffer.from(exported.signature, 'hex')));
});

test('a message text edited in the file: verify names that record', async () => {
  const file = copy_of_database('edit');
  const m = rows(file, `select id from inbound_messages where text = ${h.sql_string(description)}`)[0];
  sql(file, `UPDATE inbound_messages SET text = 'Todo bien, gracias' WHERE id = ${m.id}`);
  const r = await audit(file, ['verify']);
  assert.equal(r.code, 1, r.stdout);
  assert.match(broken_lines(r)[0], new RegExp(`^BROKEN: record inbound:${m.id}: its content does not match the digest audited in entry \\d+`));
  assert.match(r.stdout, /audit chain BROKEN/);
});

test('an audit row deleted: verify names the entry where the chain breaks', async () => {
  const file = copy_of_database('delete');
  const victim = rows(file, "select seq from audit_log where action = 'case.responded'")[0].seq;
  sql(file, `DELETE FROM audit_log WHERE seq = ${victim}`);
  const r = await audit(file, ['verify']);
  assert.equal(r.code, 1, r.stdout);
  const next = rows(file, `select min(seq) as seq from audit_log where seq > ${victim}`)[0].seq;
  assert.equal(broken_lines(r)[0], `BROKEN: audit entry ${next}: does not follow entry ${victim - 1} (an entry between them was deleted or one of them altered)`);
});

test('the whole chain recomputed after a deletion: caught by the signed head, and by the anchor without it', async () => {
  const file = copy_of_database('recompute');
  // Hide that the officer answered: the entry goes, and every hash after it is recomputed.
  const victim = rows(file, "select seq from audit_log where action = 'case.responded'")[0].seq;
  assert.ok(victim < head.seq, 'the hidden entry is older than the signed head');
  sql(file, `DELETE FROM audit_log WHERE seq = ${victim}`);
  recompute_chain(file);
  const anchor = ['--anchor', `${head.seq}:${head.hash}`];

  let r = await audit(file, ['verify']);
  assert.equal(r.code, 1, r.stdout);
  assert.deepEqual(broken_lines(r), [
    `BROKEN: signed head 1 (entry ${head.seq}): entry ${head.seq} has hash ${rows(file, `select hash from audit_log where seq = ${head.seq}`)[0].hash}, not the one noted (the chain was rewritten)`,
  ]);

  // The attacker deletes the signed heads too: only the auditor's own copy of the head is left.
  sql(file, 'DELETE FROM audit_heads');
  r = await audit(file, ['verify']);
  assert.equal(r.code, 0, 'without heads or anchors a recomputed chain looks intact: ' + r.stdout);
  r = await audit(file, ['verify', ...anchor]);
  assert.equal(r.code, 1, r.stdout);
  assert.equal(broken_lines(r).length, 1);
  assert.match(broken_lines(r)[0], new RegExp(`^BROKEN: anchor ${head.seq}: entry ${head.seq} has hash [0-9a-f]{64}, not the one noted`));
});

test('a lawful redaction: the text erased and a record.redacted entry appended keeps verify green', async () => {
  const file = copy_of_database('redact');
  const m = rows(file, `select id from inbound_messages where text = ${h.sql_string(description)}`)[0];
  const last = rows(file, 'select seq, hash from audit_log order by seq desc limit 1')[0];
  const entry = { at: Date.now(), actor: 'system', action: 'record.redacted', subject: `message:${m.id}`, detail: '{"reason":"erasure_request"}' };
  sql(file, `BEGIN;
    UPDATE inbound_messages SET text = '' WHERE id = ${m.id};
    UPDATE cases SET description = '' WHERE reference = '${reference}';
    INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES
      (${entry.at}, 'system', 'record.redacted', '${entry.subject}', '${entry.detail}', '${last.hash}', '${entry_hash(last.hash, entry)}');
    COMMIT;`);
  let r = await audit(file, ['verify', '--anchor', `${head.seq}:${head.hash}`]);
  assert.equal(r.code, 1, 'the case description was erased without its own redaction entry');
  assert.match(broken_lines(r)[0], new RegExp(`^BROKEN: record case:${reference}: `));

  const prev = rows(file, 'select hash from audit_log order by seq desc limit 1')[0].hash;
  const case_entry = { ...entry, subject: `case:${reference}` };
  sql(file, `INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) VALUES
      (${case_entry.at}, 'system', 'record.redacted', '${case_entry.subject}', '${case_entry.detail}', '${prev}', '${entry_hash(prev, case_entry)}')`);
  r = await audit(file, ['verify', '--anchor', `${head.seq}:${head.hash}`]);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /records redacted: 2\n/);
});

test('the key and the input are checked: no key, a key open to others, a malformed anchor', async () => {
  const file = copy_of_database('keys');
  let r = await audit(file, ['verify', '--anchor', '12:not-a-hash']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--anchor '12:not-a-hash' is not SEQ:HASH/);

  fs.chmodSync(`${file}.audit-key`, 0o644);
  r = await audit(file, ['verify']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /open to group or others \(mode 0644\): chmod 600/);

  fs.rmSync(`${file}.audit-key`);
  r = await audit(file, ['verify']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no key file at .*copy-keys\.db\.audit-key/);
  assert.ok(!fs.existsSync(`${file}.audit-key`), 'verify never makes a key');
});

test('serve signs the head at start when none is kept, and refuses a key others may read', async () => {
  const file = copy_of_database('serve');
  sql(file, 'DELETE FROM audit_heads');
  const second = await h.start_gateway({ dir: h.make_tmpdir('audit-serve'), config: gw.config, db_file: file });
  try {
    await h.wait_for(() => second.logs().includes('"event":"audit.head_signed"'), 10000, 'a head signed at start');
    const signed = rows(file, 'select seq, hash from audit_heads');
    assert.deepEqual(signed, [rows(file, 'select seq, hash from audit_log order by seq desc limit 1')[0]]);
  } finally {
    await second.close();
  }
  const r = await audit(file, ['verify']);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /signed heads: 1\n/);

  fs.chmodSync(`${file}.audit-key`, 0o640);
  await assert.rejects(h.start_gateway({ dir: h.make_tmpdir('audit-open-key'), config: gw.config, db_file: file }),
    /exited before listening[\s\S]*open to group or others \(mode 0640\): chmod 600/);
});
