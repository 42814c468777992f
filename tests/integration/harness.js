'use strict';
// Integration-test plumbing: start/stop/kill/restart the real cwc-gateway binary against the fake
// Twilio, bounded waits, a read-only view of its SQLite store (through the sqlite3 CLI), and the
// example configuration the expected texts are derived from. No fixed sleeps stand in for asserts.

const { spawn, execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const SOURCE_DIR = process.env.CWC_SOURCE_DIR || path.resolve(__dirname, '..', '..');
const GATEWAY_BIN = process.env.CWC_GATEWAY_BIN || path.join(SOURCE_DIR, 'build', 'gateway', 'cwc-gateway');
const EXAMPLE_CONFIG = path.join(SOURCE_DIR, 'config', 'example.json');
const XML_EMPTY_RESPONSE = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
const REFERENCE_RE = /[234679ACDEFGHJKMNPQRTUVWXY]{3}-[234679ACDEFGHJKMNPQRTUVWXY]{3}/;
const FINAL_OUTBOX = ['sent', 'delivered', 'read', 'failed', 'undelivered'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// A timer for Promise.race that does not keep the process alive once the race is decided.
const deadline_after = (ms) => {
  let timer;
  const promise = new Promise((r) => { timer = setTimeout(r, ms); });
  timer.unref();
  return promise;
};

// Polls predicate (sync or async) until it returns a truthy value, which is returned; throws after
// timeout_ms with `what` and the last value/error seen.
async function wait_for(predicate, timeout_ms = 10000, what = 'condition', interval_ms = 20) {
  const deadline = Date.now() + timeout_ms;
  let last;
  for (;;) {
    try {
      last = await predicate();
      if (last) return last;
    } catch (e) {
      if (e.fatal) throw e; // e.g. the gateway died: waiting longer cannot help
      last = e;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeout_ms} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(interval_ms);
  }
}

function make_tmpdir(tag = 'it') {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cwc-${tag}-`));
}

function load_config(file = EXAMPLE_CONFIG) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// Writes the example config, changed by `transform(cfg)`, into dir; returns its path. Tests raise
// the channel's send rate so replies are not paced at a real long code's 1 message/s.
function write_config(dir, transform = (c) => c) {
  const cfg = load_config();
  for (const ch of cfg.channels || []) ch.sends_per_second = 1000;
  const out = transform(cfg) || cfg;
  const file = path.join(dir, 'config.json');
  fs.writeFileSync(file, JSON.stringify(out, null, 2));
  return file;
}

// The store's sealed numbers (messages/address_cipher.hpp), read as an operator holding the
// address key beside the database would: the blind index of a number, and a sealed value opened.
function address_keys(db_file) {
  const key_file = `${db_file}.address-key`;
  if (!fs.existsSync(key_file)) return null;
  const key = fs.readFileSync(key_file, 'utf8').trim();
  const derive = (label) => crypto.createHmac('sha256', key).update(label).digest();
  const sealing = derive('cwc-gateway address encryption v1');
  const indexing = derive('cwc-gateway address index v1');
  return {
    index: (number) => crypto.createHmac('sha256', indexing).update(number).digest('hex'),
    open(stored) {
      if (typeof stored !== 'string' || !stored.startsWith('a1:')) return stored;
      const raw = Buffer.from(stored.slice(3), 'hex');
      const d = crypto.createDecipheriv('aes-256-gcm', sealing, raw.subarray(0, 12));
      d.setAuthTag(raw.subarray(raw.length - 16));
      return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
    },
  };
}

// A read-only view of the gateway's SQLite file. WAL readers never block the writer. With the
// address key beside the file, stories keep querying numbers in plain: `address = 'N'` is asked
// as its blind index, `to_address = 'N'` as the sealed values that open to N, and sealed values
// in the rows come back opened.
function open_db(file) {
  const raw_query = (sql) => {
    if (!fs.existsSync(file)) return [];
    const out = execFileSync('sqlite3', ['-readonly', '-json', '-cmd', '.timeout 5000', file, sql], {
      encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
    });
    return out.trim() ? JSON.parse(out) : [];
  };
  const literal = "'((?:[^']|'')*)'";
  return {
    file,
    query(sql) {
      const keys = address_keys(file);
      if (!keys) return raw_query(sql);
      const unquote = (s) => s.replace(/''/g, "'");
      sql = sql.replace(new RegExp(`(^|[^\\w.])((?:[A-Za-z_]\\w*\\.)?)address\\s*=\\s*${literal}`, 'g'),
        (_, before, alias, n) => `${before}${alias}address_index = '${keys.index(unquote(n))}'`);
      sql = sql.replace(new RegExp(`((?:[A-Za-z_]\\w*\\.)?)to_address\\s*=\\s*${literal}`, 'g'), (_, alias, n) => {
        const number = unquote(n);
        const sealed = raw_query("select distinct to_address as a from outbox where to_address like 'a1:%'")
          .map((r) => r.a).filter((a) => keys.open(a) === number);
        return `${alias}to_address in (${[number, ...sealed].map(sql_string).join(', ')})`;
      });
      return raw_query(sql).map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, keys.open(v)])));
    },
    one(sql) { return this.query(sql)[0]; },
    count(sql) { const r = this.query(sql)[0]; return r ? Number(Object.values(r)[0]) : 0; },
  };
}

function sql_string(s) {
  return `'${String(s).replace(/'/g, "''")}'`;
}

// Starts the gateway: `serve --config C --listen 127.0.0.1:0 --db D`, Twilio settings from the
// fake, waits (bounded) for the JSON "listening" line and sets fake.webhook_url. Returns a handle
// with url (https:// when the gateway serves TLS), public_url, tls, webhook_url, status_url, db,
// logs(), stop(signal), kill(), restart(), alive(). An env value of undefined unsets that variable.
async function start_gateway({ fake, dir = make_tmpdir('gw'), config, db_file, listen = '127.0.0.1:0', extra_args = [], env = {}, timeout_ms = 10000 } = {}) {
  config = config || write_config(dir);
  db_file = db_file || path.join(dir, 'gw.db');
  const gw = {
    dir, config, db_file, db: open_db(db_file), fake, proc: null, lines: [], exits: [],
    log_file: path.join(dir, 'gateway.log'),
  };
  const log = fs.createWriteStream(gw.log_file, { flags: 'a' });

  gw.launch = async (listen_at = listen) => {
    // The officers' API on a free port too: its default 127.0.0.1:8081 would collide between tests.
    const officers_args = extra_args.includes('--officers-listen') ? [] : ['--officers-listen', '127.0.0.1:0'];
    const args = ['serve', '--config', config, '--listen', listen_at, '--db', db_file, ...officers_args, ...extra_args];
    const proc = spawn(GATEWAY_BIN, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TWILIO_ACCOUNT_SID: fake ? fake.account_sid : 'AC' + '0'.repeat(32),
        TWILIO_AUTH_TOKEN: fake ? fake.auth_token : 'token',
        TWILIO_API_BASE: fake ? fake.url : 'http://127.0.0.1:9',
        ...env,
      },
    });
    gw.proc = proc;
    const exited = new Promise((resolve) => proc.once('exit', (code, signal) => {
      gw.exits.push({ code, signal });
      resolve({ code, signal });
    }));
    proc.exited = exited;
    let on_listening;
    const listening = new Promise((resolve) => { on_listening = resolve; });
    const watch = (stream, name) => {
      readline.createInterface({ input: stream }).on('line', (line) => {
        gw.lines.push({ stream: name, line });
        if (gw.lines.length > 20000) gw.lines.splice(0, 10000);
        log.write(`${name}: ${line}\n`);
        if (name === 'stdout' && line.includes('"officers_listening"')) {
          try {
            const ev = JSON.parse(line);
            if (ev.event === 'officers_listening') gw.officers_url = `${ev.tls ? 'https' : 'http'}://${ev.address}`;
          } catch { /* not JSON */ }
        }
        if (name === 'stdout' && line.includes('"listening"')) {
          try {
            const ev = JSON.parse(line);
            if (ev.event === 'listening' && ev.address) on_listening(ev);
          } catch { /* not JSON: keep waiting */ }
        }
      });
    };
    watch(proc.stdout, 'stdout');
    watch(proc.stderr, 'stderr');
    const spawn_error = new Promise((_, reject) => proc.once('error', reject));
    const early_exit = exited.then(({ code, signal }) => { throw new Error(`gateway exited before listening (code ${code}, signal ${signal}); log ${gw.log_file}:\n${gw.tail(30)}`); });
    const timeout = deadline_after(timeout_ms).then(() => { throw new Error(`gateway did not log "listening" within ${timeout_ms} ms; log ${gw.log_file}:\n${gw.tail(30)}`); });
    let ev;
    try {
      ev = await Promise.race([listening, early_exit, spawn_error, timeout]);
    } catch (e) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      throw e;
    }
    gw.address = ev.address;
    gw.tls = ev.tls === true;
    gw.public_url = ev.public_url;
    gw.url = `${gw.tls ? 'https' : 'http'}://${ev.address}`;
    gw.webhook_url = `${gw.url}/webhooks/sms`;
    gw.status_url = `${gw.url}/webhooks/sms/status`;
    if (fake) fake.webhook_url = gw.webhook_url;
    return gw;
  };

  gw.tail = (n = 40) => gw.lines.slice(-n).map((l) => `${l.stream}: ${l.line}`).join('\n');
  gw.logs = () => gw.lines.map((l) => l.line).join('\n');
  // An error that says the gateway died, with its exit and the end of its log.
  gw.death = (cause) => {
    const exit = gw.exits.at(-1) || {};
    return new Error(`the gateway is not running (exit code ${exit.code}, signal ${exit.signal})` +
      `${cause ? ` after: ${cause.message}` : ''}; log ${gw.log_file}:\n${gw.tail(15)}`);
  };
  gw.alive = () => gw.proc !== null && gw.proc.exitCode === null && gw.proc.signalCode === null;

  // Sends `signal` and waits (bounded) for the exit; escalates to SIGKILL after timeout_ms.
  gw.stop = async (signal = 'SIGTERM', stop_timeout_ms = 10000) => {
    const proc = gw.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc ? { code: proc.exitCode, signal: proc.signalCode } : null;
    proc.kill(signal);
    const result = await Promise.race([proc.exited, deadline_after(stop_timeout_ms).then(() => null)]);
    if (result) return result;
    proc.kill('SIGKILL');
    await proc.exited;
    throw new Error(`gateway did not exit within ${stop_timeout_ms} ms of ${signal}`);
  };
  gw.kill = () => gw.stop('SIGKILL');
  // Starts again on the same config and database (a new ephemeral port unless same_port).
  gw.restart = async ({ same_port = false } = {}) => {
    if (gw.alive()) await gw.stop();
    return gw.launch(same_port && gw.address ? gw.address : listen);
  };
  gw.close = async () => { try { await gw.stop(); } finally { log.end(); } };

  return gw.launch();
}

// Runs `cwc-gateway ...args` to its end (bounded; SIGKILL after timeout_ms) with `input` on stdin;
// returns {code, signal, stdout, stderr, timed_out}. For commands that exit by themselves.
function run_command(args, { env = {}, input = '', timeout_ms = 10000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(GATEWAY_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    const out = [];
    const err = [];
    let timed_out = false;
    const timer = setTimeout(() => { timed_out = true; proc.kill('SIGKILL'); }, timeout_ms);
    proc.stdout.on('data', (c) => out.push(c));
    proc.stderr.on('data', (c) => err.push(c));
    proc.once('error', (e) => { clearTimeout(timer); reject(e); });
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, timed_out, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    proc.stdin.on('error', () => {}); // a command that exits without reading its input
    proc.stdin.end(input);
  });
}

// One person texting the gateway through the fake: say(text) posts a signed inbound webhook and
// waits until every outbox row it produced has left the queue; returns {status, body, inbound,
// rows, replies} where replies are the texts in outbox order (and were received by the fake).
function person(gw, fake, number, our_number) {
  return {
    number,
    async say(text, { timeout_ms = 15000, sid } = {}) {
      let r;
      try {
        r = await fake.inbound({ from: number, to: our_number, body: text, sid });
      } catch (e) {
        throw gw.alive() ? e : gw.death(e);
      }
      if (r.status !== 200) return { status: r.status, body: r.body, replies: [], rows: [] };
      const settled = await settle_replies(gw, fake, r.sid, timeout_ms);
      return { status: r.status, body: r.body, headers: r.headers, ...settled };
    },
  };
}

async function settle_replies(gw, fake, message_sid, timeout_ms = 15000) {
  const inbound = gw.db.one(`select * from inbound_messages where provider_message_id = ${sql_string(message_sid)}`);
  if (!inbound) throw new Error(`no inbound_messages row for ${message_sid} after a 200`);
  const rows = await wait_for(() => {
    if (!gw.alive()) throw Object.assign(gw.death(), { fatal: true });
    const rs = gw.db.query(`select * from outbox where inbound_id = ${inbound.id} order by id`);
    return rs.every((o) => FINAL_OUTBOX.includes(o.status)) && rs;
  }, timeout_ms, `outbox rows of inbound ${inbound.id} to leave the queue`);
  for (const o of rows) {
    if (o.status === 'failed' || o.status === 'undelivered') continue;
    const at_fake = fake.sent.find((m) => m.sid === o.provider_message_id);
    if (!at_fake) throw new Error(`outbox ${o.id} is ${o.status} with provider id ${o.provider_message_id}, which the fake never accepted`);
    if (at_fake.body !== o.text) throw new Error(`outbox ${o.id}: the fake got a different text`);
  }
  return { inbound, rows, replies: rows.filter((o) => !['failed', 'undelivered'].includes(o.status)).map((o) => o.text) };
}

// Texts of the example config, looked up by language with the config's default as fallback.
function texts_of(cfg) {
  const def = cfg.deployment.default_language;
  const pick = (loc, lang) => (loc && (loc[lang] ?? loc[def])) || '';
  return {
    default_language: def,
    pick,
    text: (key, lang = def) => pick(cfg.texts[key], lang),
    node: (id) => cfg.nodes[id],
    node_text: (id, lang = def) => pick(cfg.nodes[id].text, lang),
    labels: (id, lang = def) => (cfg.nodes[id].options || []).map((o) => pick(o.label, lang)),
    // 1-based digit of the first option of node `from` whose next node satisfies pred.
    option_to: (from, pred) => {
      const opts = cfg.nodes[from].options || [];
      const i = opts.findIndex((o) => pred(cfg.nodes[o.next], o.next));
      return i < 0 ? null : String(i + 1);
    },
    keyword: (action, lang = def) => cfg.keywords[action][lang][0],
    // Shortest walk of menu digits from the start node to a node satisfying pred(node, id):
    // {digits: ['1', '1'], id}, or null.
    path_to: (pred) => {
      const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
      const queue = [[start, []]];
      const seen = new Set([start]);
      while (queue.length) {
        const [id, digits] = queue.shift();
        const n = cfg.nodes[id];
        if (digits.length && pred(n, id)) return { digits, id };
        if (n.type !== 'menu') continue;
        (n.options || []).forEach((o, i) => {
          if (!seen.has(o.next)) { seen.add(o.next); queue.push([o.next, [...digits, String(i + 1)]]); }
        });
      }
      return null;
    },
  };
}

// Parts of a template around its {placeholders}: the text must contain each literal part.
function template_parts(template) {
  return template.split(/\{[a-z_]+\}/).map((s) => s.trim()).filter((s) => s.length >= 3);
}

// One JSON request to a listener (the officers' API): optional Bearer token and JSON body;
// `from` picks the client's loopback address (failed attempts are counted per address).
// Resolves {status, headers, text, json} (json undefined when the body is not JSON).
function api_request(base, method, path, { token, body, from = '127.0.0.1', headers = {} } = {}) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
  const all = { ...headers };
  if (token) all.authorization = `Bearer ${token}`;
  if (payload !== undefined) { all['content-type'] = 'application/json'; all['content-length'] = Buffer.byteLength(payload); }
  return new Promise((resolve, reject) => {
    const req = require('node:http').request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers: all, localAddress: from }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(10000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

module.exports = {
  SOURCE_DIR, GATEWAY_BIN, EXAMPLE_CONFIG, XML_EMPTY_RESPONSE, REFERENCE_RE, FINAL_OUTBOX,
  wait_for, waitFor: wait_for, make_tmpdir, load_config, write_config, open_db, sql_string, start_gateway,
  run_command, person, settle_replies, texts_of, template_parts, api_request,
};
