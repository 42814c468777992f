'use strict';
// The world the officers' desk stories share: a real gateway with a fake Twilio, officers of
// every role (tokens made with the CLI), and cases filed by real SMS conversations: a complaint
// with a voice note and a photo sent before it, a sensitive one (with a photo), another
// organisation's feedback, and a complaint whose text is an HTML injection attempt.
const assert = require('node:assert/strict');
const fake_twilio = require('./fake_twilio');
const h = require('./harness');

const texts = {
  documents: 'El CPP de mi hija no llega desde marzo, ya fui tres veces',
  sensitive: 'Mi pareja me golpea y no sé a quién decirle',
  suggestion: 'Sería bueno atender también los sábados por la tarde',
  arabic: 'لم أتلق أي رد على طلب اللجوء منذ شهرين',
  injection: '<img src=x onerror=alert(1)>',
  more: ['Me piden un pasaporte vigente para la cita y no lo tengo', 'No entiendo la carta de Migraciones',
    'Cobran por un trámite que debería ser gratuito', 'La cita para el carné es en cinco meses'],
};
// A small PNG (120x80, three stripes) and a few bytes standing for a voice note.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAHgAAABQCAIAAABd+SbeAAAAl0lEQVR42u3QMQ0AIAwAsDnCym5MIIUPTchBAi6WHU2qoDHWpkAoEC0a0aJFWxAtGtGiRVsQLRrRokUjWjSiRYtGtGhEixaNaNGIbhn9blJAtGjRiBYtWoFo0YgWLdqCaNGIFi3agmjRiBYtGtGiEd00Os+kgGjRohEtWrQC0aIRLVq0BdGiES1atAXRohEtWjSiRSO6pw/Tyf+7ZihRQAAAAABJRU5ErkJggg==', 'base64');
const voice = Buffer.from('OggS\0\x02voice-note-bytes-for-the-desk', 'binary');

// `more`: that many further complaints about documents, from as many people (figures above the
// suppression threshold for the reports).
async function start_world(tag, { more = 0 } = {}) {
  const w = { cases: {}, tokens: {}, media: {}, numbers: {}, texts };
  w.fake = await fake_twilio.start();
  const dir = h.make_tmpdir(tag);
  const config = h.write_config(dir, (c) => {
    c.nodes.feedback.organisation = 'union_venezolana';
    c.officers = { ...(c.officers || {}), suppression_threshold: 5 };
    return c;
  });
  w.gw = await h.start_gateway({ fake: w.fake, dir, config });
  assert.ok(w.gw.officers_url, 'the officers\' listener is up');
  const cfg = h.load_config(w.gw.config);
  const T = h.texts_of(cfg);
  const OUR = cfg.channels.find((c) => c.id === 'sms').address;
  let next = 0;
  const new_person = () => h.person(w.gw, w.fake, `+5193${String(process.pid % 1000).padStart(3, '0')}${String(next++).padStart(4, '0')}`, OUR);

  async function file_case(p, node_id, category_id, description) {
    const node = cfg.nodes[node_id];
    const start = (cfg.deployment && cfg.deployment.start_node) || 'main';
    let r = await p.say(T.option_to(start, (_, id) => id === node_id));
    const idx = node.categories.indexOf(category_id);
    if (node.categories.length > 1) r = await p.say(String(idx + 1));
    const prompt = T.pick(node.ask_description).trim();
    for (let i = 0; i < 5 && !r.replies.join('\n').includes(prompt); ++i) r = await p.say('0');
    assert.ok(r.replies.join('\n').includes(prompt), 'the description prompt');
    await p.say(description);
    return h.wait_for(() => w.gw.db.one(`select c.* from cases c join contacts ct on ct.id = c.contact_id
        where ct.address = ${h.sql_string(p.number)} and c.description = ${h.sql_string(description)}`), 15000, 'the case');
  }
  async function send_media(p, items) {
    const extra = { NumMedia: String(items.length) };
    items.forEach((m, i) => {
      extra[`MediaUrl${i}`] = w.fake.add_media(m);
      extra[`MediaContentType${i}`] = m.content_type;
    });
    const r = await w.fake.inbound({ from: p.number, to: OUR, body: '', extra });
    assert.equal(r.status, 200);
    const { inbound } = await h.settle_replies(w.gw, w.fake, r.sid);
    return h.wait_for(() => {
      const rows = w.gw.db.query(`select id, status, mime_type from media where inbound_id = ${inbound.id} order by id`);
      return rows.length === items.length && rows.every((m) => m.status === 'stored') && rows;
    }, 20000, 'the attachments to be stored');
  }
  async function token(name, role, organisation) {
    const r = await h.run_command(['token', '--config', w.gw.config, '--db', w.gw.db_file, 'create',
      '--name', name, '--role', role, '--organisation', organisation, '--json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).token;
  }

  const a = new_person();
  [w.media.voice, w.media.photo] = await send_media(a, [
    { content: voice, content_type: 'audio/ogg' }, { content: png, content_type: 'image/png' }]);
  w.cases.documents = await file_case(a, 'complaint', 'documentation', texts.documents);
  w.numbers.documents = a.number;
  const b = new_person();
  [w.media.sensitive_photo] = await send_media(b, [{ content: png, content_type: 'image/png' }]);
  w.cases.sensitive = await file_case(b, 'complaint', 'gbv', texts.sensitive);
  w.cases.suggestion = await file_case(new_person(), 'feedback', 'suggestion', texts.suggestion);
  w.cases.arabic = await file_case(new_person(), 'complaint', 'documentation', texts.arabic);
  const x = new_person();
  w.cases.injection = await file_case(x, 'complaint', 'documentation', texts.injection);
  w.numbers.injection = x.number;
  w.more_cases = [];
  for (let i = 0; i < more; ++i) {
    w.more_cases[i] = await file_case(new_person(), 'complaint', i % 3 === 2 ? 'legal_aid' : 'documentation',
      `${texts.more[i % texts.more.length]} (${i + 1})`);
  }

  w.tokens.admin = await token('Carmen Admin', 'admin', 'red_cbo');
  w.tokens.officer = await token('Lucía Rojas', 'aap_officer', 'red_cbo');
  w.tokens.focal = await token('Ana Focal', 'protection_focal_point', 'red_cbo');
  w.tokens.other_officer = await token('Pedro Unión', 'aap_officer', 'union_venezolana');
  w.tokens.auditor = await token('Rosa Auditora', 'auditor', 'red_cbo');
  w.tokens.broadcaster = await token('Juan Difusión', 'cbo_broadcaster', 'red_cbo');
  // A complaint filed later, during a story (the inbox's own refresh shows it).
  w.file_complaint = (description) => file_case(new_person(), 'complaint', 'documentation', description);
  w.voice = voice;
  w.png = png;
  w.close = async () => {
    if (w.gw) await w.gw.close();
    if (w.fake) await w.fake.close();
  };
  return w;
}

module.exports = { start_world, texts };
