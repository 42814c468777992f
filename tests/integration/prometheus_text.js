'use strict';
// A strict reader of the Prometheus text exposition format (0.0.4), for the /metrics stories:
// every family has one HELP and one TYPE line before its samples and appears once; names and
// label names are well formed; label values are properly quoted and escaped; no series appears
// twice; a histogram has buckets with le (cumulative, ending in +Inf equal to _count), _sum and
// _count. Throws on the first violation, naming the line.

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parse_value(text, where) {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${JSON.stringify(text)}`);
  return Number(text);
}

// Labels from just after "{" in `line` at `i`; returns [labels, index after "}"].
function parse_labels(line, i, where) {
  const labels = {};
  for (;;) {
    if (line[i] === '}') return [labels, i + 1];
    const eq = line.indexOf('=', i);
    if (eq < 0) throw new Error(`${where}: label without "="`);
    const name = line.slice(i, eq);
    if (!LABEL.test(name)) throw new Error(`${where}: bad label name ${JSON.stringify(name)}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    if (line[eq + 1] !== '"') throw new Error(`${where}: label value not quoted`);
    let value = '';
    let j = eq + 2;
    for (;; ++j) {
      if (j >= line.length) throw new Error(`${where}: unterminated label value`);
      const c = line[j];
      if (c === '"') break;
      if (c === '\\') {
        const n = line[++j];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else throw new Error(`${where}: bad escape \\${n}`);
      } else value += c;
    }
    labels[name] = value;
    i = j + 1;
    if (line[i] === ',') ++i;
    else if (line[i] !== '}') throw new Error(`${where}: expected "," or "}" after a label`);
  }
}

function family_of(sample_name, families) {
  if (families.has(sample_name)) return sample_name;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sample_name.endsWith(suffix)) {
      const base = sample_name.slice(0, -suffix.length);
      const f = families.get(base);
      if (f && (f.type === 'histogram' || f.type === 'summary')) return base;
    }
  }
  return null;
}

// parse(text) → Map name → {help, type, samples: [{name, labels, value}]}
function parse(text) {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map();
  const closed = new Set();
  let current = null;
  const series = new Set();
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((line, n) => {
    const where = `line ${n + 1} ${JSON.stringify(line.slice(0, 80))}`;
    if (line === '') throw new Error(`${where}: empty line`);
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
      if (!m) throw new Error(`${where}: a comment other than HELP or TYPE`);
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`${where}: bad metric name`);
      if (closed.has(name)) throw new Error(`${where}: family ${name} appears twice`);
      if (current && current.name !== name) closed.add(current.name);
      let f = families.get(name);
      if (!f) { f = { name, help: null, type: null, samples: [] }; families.set(name, f); }
      if (f.samples.length) throw new Error(`${where}: ${kind} after samples`);
      if (kind === 'HELP') {
        if (f.help !== null) throw new Error(`${where}: second HELP`);
        f.help = rest;
      } else {
        if (f.type !== null) throw new Error(`${where}: second TYPE`);
        if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
        f.type = rest;
      }
      current = f;
      return;
    }
    const brace = line.indexOf('{');
    const space = line.indexOf(' ');
    const name_end = brace >= 0 && brace < space ? brace : space;
    if (name_end <= 0) throw new Error(`${where}: no value`);
    const name = line.slice(0, name_end);
    if (!NAME.test(name)) throw new Error(`${where}: bad sample name`);
    let labels = {};
    let i = name_end;
    if (line[i] === '{') [labels, i] = parse_labels(line, i + 1, where);
    if (line[i] !== ' ') throw new Error(`${where}: expected a space before the value`);
    const parts = line.slice(i + 1).split(' ');
    if (parts.length > 2) throw new Error(`${where}: too many fields`);
    const value = parse_value(parts[0], where);
    const base = family_of(name, families);
    if (!base) throw new Error(`${where}: sample of ${name} without HELP/TYPE`);
    if (!current || current.name !== base) throw new Error(`${where}: sample of ${base} outside its family`);
    const f = families.get(base);
    if (f.help === null || f.type === null) throw new Error(`${where}: ${base} lacks HELP or TYPE`);
    const key = name + JSON.stringify(Object.entries(labels).sort());
    if (series.has(key)) throw new Error(`${where}: series twice`);
    series.add(key);
    f.samples.push({ name, labels, value });
  });
  for (const f of families.values()) {
    if (f.type === 'histogram') check_histogram(f);
  }
  return families;
}

function check_histogram(f) {
  const buckets = f.samples.filter((s) => s.name === `${f.name}_bucket`);
  const count = f.samples.find((s) => s.name === `${f.name}_count`);
  const sum = f.samples.find((s) => s.name === `${f.name}_sum`);
  if (!buckets.length || !count || !sum) throw new Error(`${f.name}: a histogram needs _bucket, _sum and _count`);
  let last = -Infinity;
  let last_value = 0;
  for (const b of buckets) {
    if (!('le' in b.labels)) throw new Error(`${f.name}: a bucket without le`);
    const le = parse_value(b.labels.le, f.name);
    if (!(le > last)) throw new Error(`${f.name}: buckets out of order`);
    if (b.value < last_value) throw new Error(`${f.name}: buckets not cumulative`);
    last = le;
    last_value = b.value;
  }
  if (last !== Infinity) throw new Error(`${f.name}: the last bucket must be +Inf`);
  if (last_value !== count.value) throw new Error(`${f.name}: +Inf bucket ${last_value} != _count ${count.value}`);
}

// The value of one series (labels must match exactly); 0 when absent.
function value_of(families, name, labels = {}) {
  const f = families.get(family_of(name, families));
  if (!f) return 0;
  const want = JSON.stringify(Object.entries(labels).sort());
  const s = f.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
  return s ? s.value : 0;
}

module.exports = { parse, value_of };
