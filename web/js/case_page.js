// A case: what the person said across channels (their words as text, in their own direction),
// attachments fetched with the token (sounds and videos as blob: URLs, photos as data: URLs),
// the case's history, and the officer's actions through POST /api/v1/cases/{ref}/{change}.
import { get_blob, get_json, post_json } from './api.js';
import { clear, el, person_text, when } from './dom.js';
import { choice_name, label, language, name_of, t } from './i18n.js';
import { statuses } from './inbox.js';

const blob_urls = [];
let done_once = false;  // the page drawn again after a change says it was done

function forget_blobs() {
  while (blob_urls.length) URL.revokeObjectURL(blob_urls.pop());
}

// The CSP lets images come from data: URLs only (blob: is for audio and video).
function data_url(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function attachment(id) {
  const holder = el('div', { className: 'media', 'data-media-id': id, text: t('case.media_loading') });
  try {
    const blob = await get_blob(`/api/v1/media/${id}`);
    const url = URL.createObjectURL(blob);
    blob_urls.push(url);
    clear(holder);
    if (blob.type.startsWith('audio/')) holder.append(el('audio', { controls: true, src: url }));
    else if (blob.type.startsWith('video/')) holder.append(el('video', { controls: true, src: url }));
    else if (blob.type.startsWith('image/') && blob.type !== 'image/svg+xml') holder.append(el('img', { src: await data_url(blob), alt: t('case.photo') }));
    else holder.append(el('a', { href: url, download: `attachment-${id}`, text: t('case.download') }));
  } catch (e) {
    holder.textContent = t('case.media_missing');
  }
  return holder;
}

function message(m) {
  const inbound = m.direction === 'in';
  const item = el('li', { className: `message ${inbound ? 'in' : 'out'}`, 'data-message-id': m.id },
    el('span', { className: 'meta', text: [when(m.at, language()), label('channel', m.channel), inbound ? '' : label('delivery', m.status || '')].filter(Boolean).join(' · ') }));
  if (m.kind === 'withheld') item.append(el('p', { className: 'withheld', text: t('case.withheld') }));
  else if (m.text) item.append(person_text('p', m.text, 'text'));
  for (const id of m.media_ids || []) {
    const slot = el('div', { className: 'media' });
    item.append(slot);
    attachment(id).then((node) => slot.replaceWith(node));
  }
  return item;
}

function facts(c, choices) {
  const named = (list, id) => choice_name(choices, list, id);
  const row = (name, value) => (value === null || value === undefined || value === '' ? null
    : el('div', {}, el('dt', { text: t(`field.${name}`) }), el('dd', { text: value })));
  return el('dl', { className: 'facts' },
    row('status', label('status', c.status)), row('type', named('types', c.type)),
    row('category', named('categories', c.category)), row('region', named('regions', c.region)),
    row('language', c.language), row('channel', label('channel', c.channel)),
    row('organisation', named('organisations', c.organisation)), row('assigned_to', c.assigned_to),
    row('referral', c.referral && [named('organisations', c.referral.organisation),
      named('services', c.referral.service)].filter(Boolean).join(' · ')),
    row('opened', when(c.opened_at, language())), row('due', when(c.due_at, language())),
    row('responded', when(c.responded_at, language())), row('closed', when(c.closed_at, language())));
}

function action_forms(c, me, act) {
  const note = el('textarea', { id: 'action-note', rows: 2, dir: 'auto' });
  const answer = el('textarea', { id: 'answer-text', rows: 4, dir: 'auto', maxlength: 1600 });
  const officer = el('input', { id: 'assign-officer', value: c.assigned_to || me.name, dir: 'auto' });
  const choices = me.choices || {};
  const organisation = el('select', { id: 'refer-organisation' },
    (choices.organisations || []).filter((org) => org.id !== c.organisation)
      .map((org) => el('option', { value: org.id, text: name_of(org) })));
  const service = el('select', { id: 'refer-service' });
  const services_of = () => service.replaceChildren(el('option', { value: '', text: t('case.any_service') }),
    ...(choices.services || []).filter((s) => s.organisation === organisation.value)
      .map((s) => el('option', { value: s.id, text: name_of(s) })));
  organisation.addEventListener('change', services_of);
  services_of();
  const share = el('input', { id: 'refer-share', type: 'checkbox' });
  const consent = el('input', { id: 'refer-consent', type: 'checkbox' });
  const status = el('select', { id: 'set-status' },
    statuses.map((s) => el('option', { value: s, selected: s === c.status, text: label('status', s) })));
  const category = (choices.categories || []).find((x) => x.id === c.category);
  const codes = (category?.codes || []).map((code) => el('input', { type: 'checkbox', name: 'code', value: code.id,
    'data-code': code.id, checked: (c.codes || []).includes(code.id) }));
  const with_note = (body) => (note.value.trim() ? { ...body, note: note.value.trim() } : body);
  const button = (id, text, change, body) => el('button', { id, type: 'button', text,
    onclick: () => act(change, with_note(body())) });
  return el('section', { id: 'actions', className: 'card' },
    el('h2', { text: t('case.actions') }),
    el('div', { className: 'row' },
      button('act-acknowledge', t('action.acknowledge'), 'status', () => ({ status: 'acknowledged' })),
      button('act-close', t('action.close'), 'status', () => ({ status: 'closed' })),
      c.sensitive ? button('act-unflag', t('action.unflag'), 'unflag', () => ({}))
        : button('act-flag', t('action.flag'), 'flag', () => ({}))),
    el('label', { for: 'set-status', text: t('field.status') }),
    el('div', { className: 'row' }, status, button('act-status', t('action.status'), 'status', () => ({ status: status.value }))),
    codes.length > 0 && el('fieldset', { id: 'codes' },
      el('legend', { text: t('case.codes') }),
      codes.map((box) => el('label', { className: 'check' }, box,
        el('span', { text: name_of(category.codes.find((x) => x.id === box.value)) }))),
      button('act-codes', t('action.codes'), 'codes', () => ({ codes: codes.filter((b) => b.checked).map((b) => b.value) }))),
    el('label', { for: 'action-note', text: t('case.note') }), note,
    el('label', { for: 'answer-text', text: t('case.answer') }), answer,
    button('act-respond', t('action.respond'), 'respond', () => ({ text: answer.value })),
    el('label', { for: 'assign-officer', text: t('field.assigned_to') }),
    el('div', { className: 'row' }, officer, button('act-assign', t('action.assign'), 'assign', () => ({ officer: officer.value.trim() }))),
    el('fieldset', {},
      el('legend', { text: t('action.refer') }),
      el('label', { for: 'refer-organisation', text: t('field.organisation') }), organisation,
      el('label', { for: 'refer-service', text: t('case.service') }), service,
      el('label', { className: 'check' }, share, el('span', { text: t('case.share_contact') })),
      el('label', { className: 'check' }, consent, el('span', { text: t('case.consent_recorded') })),
      button('act-refer', t('action.refer'), 'refer', () => ({ organisation: organisation.value,
        service: service.value, share_contact: share.checked, consent_recorded: consent.checked }))));
}

// `refresh` draws the page again (after a change), through the desk's router.
export async function render_case(main, me, reference, refresh) {
  forget_blobs();
  const outcome = el('p', { id: 'action-outcome', role: 'status', className: 'notice', hidden: true });
  const page = await get_json(`/api/v1/cases/${encodeURIComponent(reference)}`);
  const c = page.case;
  const conversation = el('ol', { id: 'conversation', className: 'conversation' }, page.conversation.map(message));
  const history = el('ol', { id: 'history', className: 'history' }, page.events.map((e) =>
    el('li', {}, el('span', { className: 'meta', text: `${when(e.at, language())} · ${e.actor}` }),
      el('span', { text: ` ${label('event', e.action)}${e.to_status ? ` → ${label('status', e.to_status)}` : ''}` }),
      e.note && person_text('p', e.note, 'note'))));

  async function act(change, body) {
    outcome.hidden = true;
    try {
      await post_json(`/api/v1/cases/${encodeURIComponent(reference)}/${change}`, body);
      // A case flagged sensitive leaves the sight of a role without sensitive cases.
      if (change === 'flag' && !me.scope.sensitive) {
        location.hash = '#/inbox';
        return;
      }
      done_once = true;
      await refresh();
    } catch (e) {
      outcome.textContent = `${t('case.refused')} ${e.message}`;
      outcome.classList.add('problem');
      outcome.hidden = false;
    }
  }
  if (done_once) {
    done_once = false;
    outcome.textContent = t('case.done');
    outcome.hidden = false;
  }

  main.append(el('article', { id: 'case', 'data-reference': c.reference },
    el('a', { href: '#/inbox', className: 'back', text: t('case.back') }),
    el('h1', {}, el('span', { text: `${t('case.title')} ` }), el('span', { id: 'case-reference', text: c.reference }),
      c.sensitive && el('span', { className: 'badge sensitive', text: t('case.sensitive') }),
      c.overdue && el('span', { className: 'badge overdue', text: t('case.overdue') })),
    person_text('p', c.description, 'description lead'),
    outcome,
    el('div', { className: 'columns' },
      el('section', { className: 'card' }, el('h2', { text: t('case.conversation') }), conversation),
      el('div', {},
        el('section', { className: 'card' }, el('h2', { text: t('case.details') }), facts(c, me.choices)),
        action_forms(c, me, act),
        el('section', { className: 'card' }, el('h2', { text: t('case.history') }), history)))));
}
