'use strict';
// A faulty Twilio on real HTTPS, for the outbound stories: an HTTPS front on loopback with a
// certificate from a CA made here with the openssl CLI, forwarding to fake_twilio.js (which
// speaks the contract: Basic auth, 201 message resources, signed status callbacks). A fault rule
// may answer a send itself instead: 500, 429 with Retry-After, 401/20003 (credentials refused),
// a slow answer, or a dropped connection (before Twilio saw the request, so it is never
// processed). Every request that reached the front is recorded with its time and our outbox id.

const fs = require('node:fs');
const path = require('node:path');
const https = require('node:https');
const http = require('node:http');
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fake_twilio = require('./fake_twilio');

function openssl(cwd, args) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

// A root CA in `dir` (ca.crt, ca.key): the only CA the gateway trusts (through SSL_CERT_FILE).
function make_ca(dir) {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=cwc-gateway outbound test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  return { dir, ca_file: path.join(dir, 'ca.crt'), ca: fs.readFileSync(path.join(dir, 'ca.crt'), 'utf8') };
}

// A server certificate signed by `ca` for the subjectAltNames `sans` ("DNS:localhost", "IP:…").
function make_server_cert(ca, name, sans) {
  const ext = path.join(ca.dir, `${name}.ext`);
  fs.writeFileSync(ext, `subjectAltName=${sans.join(',')}\nbasicConstraints=critical,CA:FALSE\n` +
    'keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(ca.dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(ca.dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key',
    '-set_serial', '0x' + crypto.randomBytes(8).toString('hex'), '-days', '2', '-extfile', ext,
    '-out', `${name}.crt`]);
  return {
    cert: fs.readFileSync(path.join(ca.dir, `${name}.crt`), 'utf8'),
    key: fs.readFileSync(path.join(ca.dir, `${name}.key`), 'utf8'),
  };
}

function twilio_error(status, code, message) {
  return JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

// Ready-made faults.
const faults = {
  server_error: () => ({ status: 500, body: twilio_error(500, 20500, 'Internal Server Error') }),
  throttled: (retry_after_s = 1) => ({ status: 429, retry_after: String(retry_after_s), body: twilio_error(429, 20429, 'Too Many Requests') }),
  credentials_refused: () => ({ status: 401, body: twilio_error(401, 20003, 'Authenticate') }),
  slow: (ms) => ({ delay_ms: ms }), // then answered normally
  drop: () => ({ drop: true }),
};

// start({ca, cert, fake_options}) → provider with url (https://localhost:PORT), fake (the
// fake_twilio behind it), arrivals [{time, id, to, body, answer}], rule (function(arrival) →
// fault or null; assign any time), close().
async function start({ ca, cert, fake_options = {}, host = '127.0.0.1' }) {
  const fake = await fake_twilio.start(fake_options);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const provider = { fake, arrivals: [], rule: null, ca };

  const forward = (req, body) => new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: `127.0.0.1:${fake.port}`, 'content-length': Buffer.byteLength(body) };
    const r = http.request({ host: '127.0.0.1', port: fake.port, method: req.method, path: req.url, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end(body);
  });

  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const form = new URLSearchParams(body);
      let id = null;
      try { id = Number(new URL(form.get('StatusCallback')).searchParams.get('m')); } catch { /* no callback */ }
      const arrival = { time: Date.now(), id, to: form.get('To'), body: form.get('Body'), answer: null };
      provider.arrivals.push(arrival);
      const fault = provider.rule ? provider.rule(arrival) : null;
      try {
        if (fault && fault.delay_ms) await new Promise((r) => setTimeout(r, fault.delay_ms));
        if (fault && fault.drop) { arrival.answer = 'dropped'; req.socket.destroy(); return; }
        if (fault && fault.status) {
          arrival.answer = fault.status;
          const h = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(fault.body || '') };
          if (fault.retry_after) h['retry-after'] = fault.retry_after;
          res.writeHead(fault.status, h);
          res.end(fault.body || '');
          return;
        }
        const r = await forward(req, body);
        arrival.answer = r.status;
        const h = { ...r.headers };
        delete h.connection;
        delete h['keep-alive'];
        res.writeHead(r.status, h);
        res.end(r.body);
      } catch (e) {
        arrival.answer = 'error';
        res.destroy(e);
      }
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  provider.port = server.address().port;
  provider.url = `https://localhost:${provider.port}`;
  // Arrivals answered as accepted, i.e. the sends Twilio took (by our outbox id).
  provider.accepted = () => provider.arrivals.filter((a) => a.answer === 201);
  provider.close = async () => {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(() => r()));
    agent.destroy();
    await fake.close();
  };
  return provider;
}

module.exports = { start, make_ca, make_server_cert, faults, twilio_error };
