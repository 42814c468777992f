'use strict';
// Pre-signs the inbound webhooks of a load run: one line per request, "<signature> <idempotency
// token> <form body>", each with its own MessageSid and its own sender, signed with the official
// `twilio` package (the one the integration tests pin) so the gateway's check is exercised for real.
//
// usage: node bench/make_requests.js --count N --url WEBHOOK_URL --auth-token T --account-sid AC..
//        --to +51... --out FILE

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { createRequire } = require('node:module');

const integration = path.resolve(__dirname, '..', 'tests', 'integration');
const twilio = createRequire(path.join(integration, 'package.json'))('twilio');
const { count_segments } = require(path.join(integration, 'fake_twilio.js'));

// First contacts: a greeting, a menu digit sent before any menu was seen, and a longer message
// (accents, two UCS-2 segments). Each gets the first-contact notice plus one reply (the main menu,
// or the first option's menu), so every request adds one inbound row and two outbox rows.
const BODIES = [
  'hola',
  '1',
  'Hola, buenas tardes. Necesito información sobre los documentos para mi familia, por favor. Gracias',
];

function parse_args(argv) {
  const opt = { count: 300000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    if (a === '--count') opt.count = Number(value());
    else if (a === '--url') opt.url = value();
    else if (a === '--auth-token') opt.auth_token = value();
    else if (a === '--account-sid') opt.account_sid = value();
    else if (a === '--to') opt.to = value();
    else if (a === '--out') opt.out = value();
    else throw new Error(`unknown argument ${a}`);
  }
  for (const k of ['url', 'auth_token', 'account_sid', 'to', 'out'])
    if (!opt[k]) throw new Error(`--${k.replace('_', '-')} is required`);
  if (!(opt.count > 0 && opt.count <= 1e8)) throw new Error('--count must be 1..100000000');
  return opt;
}

// Distinct Peruvian mobile numbers (+51 9xx xxx xxx) that do not look sequential: i -> i*7919+k
// is a bijection modulo 10^8 because 7919 is prime to 10.
function sender(i) {
  const n = (i * 7919 + 31415926) % 100000000;
  return '+519' + String(n).padStart(8, '0');
}

function main() {
  const opt = parse_args(process.argv.slice(2));
  const messaging_service = 'MG' + crypto.createHash('md5').update(opt.account_sid).digest('hex');
  const fd = fs.openSync(opt.out, 'w');
  const started = Date.now();
  let bytes = 0;
  let chunk = [];
  const flush = () => { fs.writeSync(fd, chunk.join('')); chunk = []; };
  for (let i = 0; i < opt.count; i++) {
    const sid = 'SM' + crypto.randomBytes(16).toString('hex');
    const body = BODIES[i % BODIES.length];
    // Field order and content as Twilio posts an SMS to a number in a Messaging Service
    // (PROVIDERS.md §1.1, V3), with the geo fields Twilio fills for Peruvian numbers.
    const params = {
      ToCountry: 'PE', ToState: 'LIMA', SmsMessageSid: sid, NumMedia: '0', ToCity: 'LIMA',
      FromZip: '', SmsSid: sid, FromState: 'LIMA', SmsStatus: 'received', FromCity: 'LIMA',
      Body: body, FromCountry: 'PE', To: opt.to, MessagingServiceSid: messaging_service,
      ToZip: '', NumSegments: String(count_segments(body)), ReferralNumMedia: '0', MessageSid: sid,
      AccountSid: opt.account_sid, From: sender(i), ApiVersion: '2010-04-01',
    };
    const form = new URLSearchParams(params).toString();
    const signature = twilio.getExpectedTwilioSignature(opt.auth_token, opt.url, params);
    const line = `${signature} ${crypto.randomUUID()} ${form}\n`;
    bytes += form.length;
    chunk.push(line);
    if (chunk.length >= 5000) flush();
  }
  flush();
  fs.closeSync(fd);
  console.log(JSON.stringify({ event: 'requests_written', count: opt.count, file: opt.out,
    mean_body_bytes: Math.round(bytes / opt.count), seconds: (Date.now() - started) / 1000 }));
}

try { main(); } catch (e) { console.error(`make_requests: ${e.message}`); process.exit(2); }
