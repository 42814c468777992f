// The auditor's view (auditor and admin roles): `audit verify` run now by the gateway (entries
// and record digests checked, signed heads and their public key, the first broken entry), the
// signed heads downloaded as JSON lines to keep as anchors, and the audit log a page at a time
// (who did what to which record: pseudonyms and ids only, never a number or a text).
import { get_blob, get_json, query_string } from './api.js';
import { el, when } from './dom.js';
import { language, t } from './i18n.js';

export function may_audit(me) {
  return me.role === 'auditor' || me.role === 'admin';
}

function figure(id, name, value) {
  return el('div', { className: 'figure', id }, el('span', { className: 'value', text: String(value) }),
    el('span', { className: 'name', text: name }));
}

function verification(v) {
  const records = Object.entries(v.records).map(([kind, n]) => `${t(`audit.kind.${kind}`)} ${n}`).join(' · ');
  return el('section', { className: 'card', id: 'verification', 'data-intact': v.intact ? 'yes' : 'no' },
    el('h2', { text: t('audit.verification') }),
    el('p', { id: 'verdict', className: v.intact ? 'verdict intact' : 'verdict broken', role: v.intact ? 'status' : 'alert',
      text: v.intact ? t('audit.intact') : t('audit.broken') }),
    !v.intact && el('p', { id: 'first-broken', className: 'problem', text: v.first_broken }),
    v.problems.length > 1 && el('ul', { className: 'problems' }, v.problems.slice(1).map((p) => el('li', { text: p }))),
    el('div', { className: 'figures' },
      figure('audit-entries', t('audit.entries'), v.entries),
      figure('audit-digests', t('audit.digests'), v.digests_checked),
      figure('audit-redacted', t('audit.redacted'), v.redacted),
      figure('audit-heads', t('audit.heads'), v.signed_heads)),
    el('p', { className: 'meta', id: 'audit-records', text: records }),
    el('p', { className: 'meta' }, el('span', { text: `${t('audit.public_key')} ` }),
      el('code', { id: 'public-key', className: 'key', text: v.public_key })));
}

function heads_table(heads) {
  if (!heads.length) return el('p', { className: 'meta', id: 'no-heads', text: t('audit.no_heads') });
  return el('table', { className: 'cells', id: 'heads' },
    el('thead', {}, el('tr', {}, ['signed_at', 'seq', 'hash'].map((k) => el('th', { text: t(`audit.${k}`) })))),
    el('tbody', {}, heads.slice(-10).reverse().map((h) => el('tr', {},
      el('td', { text: when(h.signed_at, language()) }), el('td', { text: String(h.seq) }),
      el('td', {}, el('code', { className: 'key', text: h.hash }))))));
}

async function download_heads(button) {
  button.disabled = true;
  try {
    const blob = await get_blob('/api/v1/audit/heads');
    const link = el('a', { href: URL.createObjectURL(blob), download: 'audit-heads.jsonl' });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  } finally {
    button.disabled = false;
  }
}

function log_row(e) {
  return el('tr', { 'data-seq': String(e.seq) },
    el('td', { text: String(e.seq) }), el('td', { text: when(e.at, language()) }),
    el('td', { dir: 'auto', text: e.actor }), el('td', { text: e.action }), el('td', { dir: 'auto', text: e.subject }));
}

export async function render_audit(main, me) {
  if (!may_audit(me)) {
    main.append(el('p', { className: 'problem', id: 'view-problem', text: t('audit.not_for_role') }));
    return;
  }
  const section = el('section', { id: 'audit' }, el('h1', { text: t('audit.title') }));
  main.append(section);
  const v = await get_json('/api/v1/audit/verification');
  section.append(verification(v));

  const download = el('button', { type: 'button', id: 'download-heads', text: t('audit.download_heads') });
  download.addEventListener('click', () => download_heads(download));
  section.append(el('section', { className: 'card' }, el('h2', { text: t('audit.signed_heads') }),
    el('p', { className: 'meta', text: t('audit.heads_explain') }), download, heads_table(v.heads)));

  const body = el('tbody', { id: 'audit-log' });
  const more = el('button', { type: 'button', id: 'more-log', hidden: true, text: t('audit.more') });
  section.append(el('section', { className: 'card' }, el('h2', { text: t('audit.log') }),
    el('div', { className: 'scroll' }, el('table', { className: 'cells log' },
      el('thead', {}, el('tr', {}, ['seq', 'at', 'actor', 'action', 'subject'].map((k) => el('th', { text: t(`audit.${k}`) })))),
      body)), more));
  let before = null;
  async function load() {
    const page = await get_json(`/api/v1/audit/log${query_string({ before, limit: 50 })}`);
    for (const e of page.entries) body.append(log_row(e));
    before = page.next_before;
    more.hidden = before === null;
  }
  more.addEventListener('click', () => load());
  await load();
}
