'use strict';
// A real Kannel for integration tests: bearerbox + smsbox (Debian `kannel`) and the fake SMSC
// client fakesmsc (`kannel-extras`), on free loopback ports in a temporary directory. fakesmsc
// plays the phones: mo() types a message at it, and every message Kannel delivers to it (our
// replies) is parsed from its "Got message" lines. Every wait is bounded; stop() ends the three
// processes it started, and only those.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const readline = require('node:readline');
const { wait_for, make_tmpdir } = require('./harness');

const BEARERBOX = process.env.KANNEL_BEARERBOX || '/usr/sbin/bearerbox';
const SMSBOX = process.env.KANNEL_SMSBOX || '/usr/sbin/smsbox';
const FAKESMSC = process.env.KANNEL_FAKESMSC || '/usr/lib/kannel/test/fakesmsc';
// Someone may run a real Kannel on its default ports (and fakesmsc's usual 20000) on this machine.
const RESERVED_PORTS = new Set([13000, 13001, 13013, 20000, 10000]);

function available() {
  return [BEARERBOX, SMSBOX, FAKESMSC].every((f) => {
    try { fs.accessSync(f, fs.constants.X_OK); return true; } catch { return false; }
  });
}

// A port the system just handed out on 127.0.0.1 (bound and released: a tiny race, covered by
// start()'s retry when bearerbox cannot bind).
function free_port() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function free_ports(n) {
  const ports = new Set();
  while (ports.size < n) {
    const p = await free_port();
    if (!RESERVED_PORTS.has(p)) ports.add(p);
  }
  return [...ports];
}

const quote = (s) => `"${String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

// kannel.conf: one group per paragraph; a blank line inside a group ends it (Kannel refuses the
// file), so each group is written as one block.
function kannel_conf({ dir, ports, admin_password, sendsms, services, smsbox_extra = {} }) {
  const group = (name, fields) => [`group = ${name}`,
    ...Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => `${k} = ${v}`)].join('\n');
  return [
    group('core', {
      'admin-port': ports.admin, 'admin-interface': '127.0.0.1', 'admin-password': quote(admin_password),
      'smsbox-port': ports.smsbox, 'smsbox-interface': '127.0.0.1',
      'box-allow-ip': '127.0.0.1', 'box-deny-ip': quote('*.*.*.*'),
      'log-file': quote(path.join(dir, 'bearerbox.log')), 'log-level': 0,
      'access-log': quote(path.join(dir, 'access.log')), 'dlr-storage': 'internal',
    }),
    group('smsc', {
      smsc: 'fake', 'smsc-id': 'FAKE', port: ports.smsc, 'connect-allow-ip': '127.0.0.1',
    }),
    group('smsbox', {
      'bearerbox-host': '127.0.0.1', 'bearerbox-port': ports.smsbox,
      'sendsms-port': ports.sendsms, 'sendsms-interface': '127.0.0.1',
      'log-file': quote(path.join(dir, 'smsbox.log')), 'log-level': 0,
      ...smsbox_extra,
    }),
    group('sendsms-user', {
      username: quote(sendsms.username), password: quote(sendsms.password),
      'max-messages': 10, concatenation: 'true',
    }),
    ...services.map((s) => group('sms-service', {
      keyword: s.keyword || 'default',
      'get-url': s.get_url && quote(s.get_url),
      'post-url': s.post_url && quote(s.post_url),
      'send-sender': s.send_sender,
      'catch-all': s.catch_all,
      'max-messages': s.max_messages ?? 0,
      'omit-empty': s.omit_empty ?? 'true',
    })),
  ].join('\n\n') + '\n';
}

// One fakesmsc output line: "sender receiver type data". Types: text (raw), data and ucs-2
// (url-encoded), udh (url-encoded UDH, then "data", then url-encoded bytes of either charset).
const LINE_RE = /^(\S+) (\S+) (text|data|ucs-2|udh) (.*)$/s;

function url_bytes(s) {
  const out = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (s[i] === '+') {
      out.push(0x20);
    } else {
      out.push(...Buffer.from(s[i], 'utf8'));
    }
  }
  return Buffer.from(out);
}

const utf16be = (buf) => {
  const b = Buffer.from(buf);
  if (b.length % 2) return null;
  return b.swap16().toString('utf16le');
};

// Concatenated SMS: UDH IE 0x00 (8-bit reference) or 0x08 (16-bit) → {ref, total, seq}.
function concat_info(udh) {
  for (let i = 1; i + 1 < udh.length;) {
    const ie = udh[i];
    const len = udh[i + 1];
    const v = udh.subarray(i + 2, i + 2 + len);
    if (ie === 0x00 && len === 3) return { ref: v[0], total: v[1], seq: v[2] };
    if (ie === 0x08 && len === 4) return { ref: v.readUInt16BE(0), total: v[2], seq: v[3] };
    i += 2 + len;
  }
  return null;
}

// Decodes one MT line of fakesmsc. text/data are UTF-8 as smsbox sends them, ucs-2 is UTF-16BE;
// a UDH part does not say its coding, so both readings are kept.
function parse_mt(line) {
  const m = LINE_RE.exec(line);
  if (!m) return null;
  const [, from, to, type, rest] = m;
  if (type === 'text') return { from, to, type, bytes: Buffer.from(rest, 'utf8'), ucs2: false };
  if (type === 'data') return { from, to, type, bytes: url_bytes(rest), ucs2: false };
  if (type === 'ucs-2') return { from, to, type, bytes: url_bytes(rest), ucs2: true };
  const [udh_enc, kind, ...data] = rest.split(' ');
  return { from, to, type, udh: url_bytes(udh_enc), bytes: url_bytes(data.join(' ')), ucs2: kind === 'ucs-2' ? true : null };
}

// Starts bearerbox, smsbox and fakesmsc. `services(ports)` gives the sms-service groups (their
// URLs may need the ports); `sendsms` = {username, password}. Returns a handle with ports,
// sendsms_url, mo(), messages (whole MTs, parts joined), wait_for_messages(), logs, stop().
async function start_kannel({ dir = make_tmpdir('kannel'), sendsms, services, smsbox_extra, ports: given_ports, timeout_ms = 15000 } = {}) {
  if (!available()) throw new Error(`Kannel is not installed (${BEARERBOX}, ${SMSBOX}, ${FAKESMSC}); run scripts/install-deps.sh --test`);
  const k = {
    dir, procs: [], lines: [], parts: [], messages: [], admin_password: 'adm-' + process.pid,
  };
  const log = fs.createWriteStream(path.join(dir, 'processes.log'), { flags: 'a' });

  const launch = (name, bin, args, stdin = 'ignore') => {
    const proc = spawn(bin, args, { cwd: dir, stdio: [stdin, 'pipe', 'pipe'] });
    proc.name = name;
    proc.exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    proc.once('error', (e) => log.write(`${name}: spawn error ${e.message}\n`));
    for (const [stream, tag] of [[proc.stdout, 'out'], [proc.stderr, 'err']]) {
      readline.createInterface({ input: stream }).on('line', (line) => {
        log.write(`${name}.${tag}: ${line}\n`);
        if (name === 'fakesmsc') on_fakesmsc_line(line);
      });
    }
    k.procs.push(proc);
    return proc;
  };

  // "Got message N: <line>" per line Kannel wrote to the fake SMSC. A text containing a line
  // break arrives over several lines: those that do not start a message continue the last one.
  let pending = null;
  const on_fakesmsc_line = (line) => {
    const m = /Got message \d+: <(.*)>$/s.exec(line);
    if (!m) return;
    const part = parse_mt(m[1]);
    if (part) {
      pending = part;
      k.parts.push(part);
      settle(part);
    } else if (pending && pending.type === 'text') {
      pending.bytes = Buffer.concat([pending.bytes, Buffer.from('\n' + m[1], 'utf8')]);
      pending.message.bytes = pending.bytes;
    }
  };
  const groups = new Map();
  const settle = (part) => {
    const info = part.udh && concat_info(part.udh);
    if (!info) {
      part.message = { from: part.from, to: part.to, bytes: part.bytes, ucs2: part.ucs2, parts: 1 };
      k.messages.push(part.message);
      return;
    }
    const key = `${part.from}|${part.to}|${info.ref}|${info.total}`;
    const g = groups.get(key) || new Map();
    groups.set(key, g);
    g.set(info.seq, part);
    if (g.size < info.total) return;
    groups.delete(key);
    const ordered = [...g.keys()].sort((a, b) => a - b).map((s) => g.get(s));
    part.message = { from: part.from, to: part.to, bytes: Buffer.concat(ordered.map((p) => p.bytes)), ucs2: part.ucs2, parts: info.total };
    k.messages.push(part.message);
  };

  // Both readings of a message's bytes; `ucs2` is what Kannel said, null when a UDH hid it.
  k.text_of = (msg) => ({ utf8: msg.bytes.toString('utf8'), utf16: utf16be(msg.bytes) });

  k.status = async () => {
    const res = await fetch(`http://127.0.0.1:${k.ports.admin}/status.txt?password=${encodeURIComponent(k.admin_password)}`);
    return res.text();
  };
  // MOs bearerbox has received from the fake SMSC so far ("SMS: received N (…)").
  k.received_count = async () => {
    const m = /SMS: received (\d+)/.exec(await k.status());
    if (!m) throw new Error('no "SMS: received" in bearerbox status');
    return Number(m[1]);
  };
  k.assert_alive = () => {
    for (const p of k.procs) {
      if (p.exitCode !== null || p.signalCode !== null) {
        throw Object.assign(new Error(`${p.name} exited (code ${p.exitCode}, signal ${p.signalCode}); logs in ${dir}:\n${k.tail()}`), { fatal: true });
      }
    }
  };
  k.tail = (n = 30) => {
    try {
      return fs.readFileSync(path.join(dir, 'processes.log'), 'utf8').split('\n').slice(-n).join('\n');
    } catch { return ''; }
  };

  const attempt = async (ports) => {
    k.ports = ports;
    k.sendsms_url = `http://127.0.0.1:${ports.sendsms}`;
    const conf = path.join(dir, 'kannel.conf');
    fs.writeFileSync(conf, kannel_conf({ dir, ports, admin_password: k.admin_password, sendsms, services: services(ports), smsbox_extra }), { mode: 0o600 });
    const bearerbox = launch('bearerbox', BEARERBOX, [conf]);
    // bearerbox is up when its admin port answers the status page.
    await wait_for(async () => {
      if (bearerbox.exitCode !== null) throw Object.assign(new Error(`bearerbox exited (code ${bearerbox.exitCode}):\n${k.tail()}`), { fatal: true });
      return (await k.status()).includes('Status: running');
    }, timeout_ms, 'bearerbox to answer its status page');
    launch('smsbox', SMSBOX, [conf]);
    // fakesmsc in interactive mode: each line on its stdin is an MO; it stays connected as long
    // as its stdin is open.
    k.fakesmsc = launch('fakesmsc', FAKESMSC, ['-H', '127.0.0.1', '-r', String(ports.smsc), '-i', '0.01'], 'pipe');
    await wait_for(async () => {
      k.assert_alive();
      const s = await k.status();
      const box = /smsbox:.*on-line/.test(s);
      const smsc = /FAKE\[FAKE\].*\(online/.test(s);
      if (!box || !smsc) return false;
      // smsbox's sendsms port is open once it has read its configuration.
      await new Promise((resolve, reject) => {
        const c = net.connect(ports.sendsms, '127.0.0.1', () => { c.destroy(); resolve(); });
        c.once('error', reject);
      });
      return true;
    }, timeout_ms, 'smsbox and fakesmsc to connect to bearerbox');
  };

  try {
    for (let tries = 1; ; tries++) {
      const [admin, smsbox, smsc, sendsms_port] = given_ports ? [] : await free_ports(4);
      const ports = given_ports || { admin, smsbox, smsc, sendsms: sendsms_port };
      try {
        await attempt(ports);
        break;
      } catch (e) {
        await k.stop();
        // Another process took a port between our probe and bearerbox's bind: pick new ones.
        if (tries >= 3 || given_ports || !/bind|Address already in use|could not/i.test(k.tail(200))) throw e;
        k.procs = [];
      }
    }
  } catch (e) {
    await k.stop();
    throw e;
  }

  // Types an MO at the fake SMSC: `type` text (raw, no line breaks), data (url-encoded bytes) or
  // ucs2 (url-encoded UTF-16BE, which fakesmsc spells "ucs2" on input).
  k.mo = async ({ from, to, text, type = 'text' }) => {
    let payload = text;
    if (type === 'ucs2') {
      const b = Buffer.from(text, 'utf16le').swap16();
      payload = [...b].map((x) => '%' + x.toString(16).padStart(2, '0')).join('');
    } else if (type === 'data') {
      payload = [...Buffer.from(text, 'utf8')].map((x) => '%' + x.toString(16).padStart(2, '0')).join('');
    } else if (/[\r\n]/.test(text)) {
      throw new Error('a text MO cannot contain a line break: use type "data"');
    }
    k.assert_alive();
    // fakesmsc reads its stdin through stdio but waits on select(): lines that arrive together
    // stay in its buffer. So one MO at a time, each until bearerbox has counted it.
    const before = await k.received_count();
    k.fakesmsc.stdin.write(`${from} ${to} ${type} ${payload}\n`);
    await wait_for(async () => { k.assert_alive(); return (await k.received_count()) > before; },
      10000, 'bearerbox to receive the MO from fakesmsc');
  };
  const mo_queue = [];
  const mo_one = k.mo;
  // Calls made without awaiting still go one by one.
  k.mo = (msg) => {
    const run = (mo_queue.at(-1) || Promise.resolve()).catch(() => {}).then(() => mo_one(msg));
    mo_queue.push(run);
    return run;
  };

  k.wait_for_messages = (predicate, timeout = 15000, what = 'messages at fakesmsc') =>
    wait_for(() => { k.assert_alive(); return predicate(k.messages); }, timeout, what);

  k.stop = async () => {
    // fakesmsc first (closing its stdin ends it), then smsbox, then bearerbox; SIGKILL after 10 s.
    if (k.fakesmsc && k.fakesmsc.stdin && !k.fakesmsc.stdin.destroyed) k.fakesmsc.stdin.end();
    for (const p of [...k.procs].reverse()) {
      if (p.exitCode !== null || p.signalCode !== null) continue;
      p.kill('SIGTERM');
      const done = await Promise.race([p.exited, new Promise((r) => setTimeout(r, 10000).unref())]);
      if (!done) { p.kill('SIGKILL'); await p.exited; }
    }
  };
  k.close = async () => { try { await k.stop(); } finally { log.end(); } };

  return k;
}

// Last-resort cleanup if a test process exits without closing Kannel (bearerbox would outlive it).
const started = new Set();
const start_kannel_tracked = async (opts) => {
  const k = await start_kannel(opts);
  started.add(k);
  const close = k.close;
  k.close = async () => { started.delete(k); await close(); };
  return k;
};
process.on('exit', () => {
  for (const k of started) for (const p of k.procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});

module.exports = { start_kannel: start_kannel_tracked, available, free_ports, parse_mt, concat_info, utf16be, kannel_conf };
