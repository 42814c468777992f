// The inbox: cases in the officer's scope, newest first, with the list filters of the API
// (type, category, status, region, language, overdue; sensitive for focal points), their
// choices from the configuration (GET /api/v1/me "choices").
import { get_json, query_string } from './api.js';
import { clear, el, person_text, when } from './dom.js';
import { choice_name, label, language, name_of, t } from './i18n.js';

export const statuses = ['new', 'acknowledged', 'in_progress', 'referred', 'responded', 'closed', 'reopened'];
const filters = { type: '', category: '', status: '', region: '', language: '', overdue: '', sensitive: '' };

// items: [{id, name}] of the configuration.
function choice(name, items, current) {
  const select = el('select', { id: `filter-${name}`, name },
    el('option', { value: '', text: t('inbox.any') }),
    items.map((item) => el('option', { value: item.id, text: name_of(item), selected: item.id === current })));
  return el('label', { className: 'filter' }, el('span', { text: t(`field.${name}`) }), select);
}

function case_row(c, choices) {
  const badges = (c.sensitive || c.overdue) && el('span', { className: 'badges' },
    c.sensitive && el('span', { className: 'badge sensitive', text: t('case.sensitive') }),
    c.overdue && el('span', { className: 'badge overdue', text: t('case.overdue') }));
  return el('li', { className: 'case-row', 'data-reference': c.reference },
    el('div', { className: 'head' },
      el('a', { href: `#/case/${encodeURIComponent(c.reference)}`, className: 'reference', text: c.reference }),
      el('span', { className: `status status-${c.status}`, text: label('status', c.status) }),
      badges,
      el('span', { className: 'meta kind', text: [choice_name(choices, 'types', c.type), choice_name(choices, 'categories', c.category),
        choice_name(choices, 'regions', c.region), c.language].filter(Boolean).join(' · ') })),
    person_text('p', c.description, 'description'),
    el('span', { className: 'meta', text: `${t('case.opened')} ${when(c.opened_at, language())}` }));
}

export async function render_inbox(main, me) {
  if (!me.scope.individual_cases) {
    main.append(el('section', { className: 'card', id: 'no-cases' },
      el('h1', { text: t('inbox.title') }),
      el('p', { text: t('inbox.reports_only') }),
      me.reports && el('a', { href: '#/reports', className: 'button', text: t('nav.reports') })));
    return;
  }
  const list = el('ol', { id: 'cases', className: 'cases' });
  const note = el('p', { id: 'inbox-note', className: 'meta' });
  const more = el('button', { id: 'more', type: 'button', hidden: true, text: t('inbox.more') });
  const form = el('form', { id: 'filters', className: 'filters' });
  const section = el('section', { id: 'inbox' }, el('h1', { text: t('inbox.title') }), form, note, list, more);
  main.append(section);
  let next_before = null;

  const choices = me.choices || {};
  function draw_filters() {
    clear(form);
    const categories = (choices.categories || []).filter((c) => !filters.type || c.type === filters.type);
    form.append(
      choice('type', choices.types || [], filters.type),
      choice('category', categories, filters.category),
      choice('status', statuses.map((id) => ({ id, name: { [language()]: label('status', id) } })), filters.status),
      choice('region', choices.regions || [], filters.region),
      choice('language', choices.languages || [], filters.language),
      el('label', { className: 'filter check' },
        el('input', { type: 'checkbox', id: 'filter-overdue', name: 'overdue', checked: filters.overdue === '1' }),
        el('span', { text: t('field.overdue') })));
    if (me.scope.sensitive) {
      form.append(el('label', { className: 'filter' }, el('span', { text: t('field.sensitive') }),
        el('select', { id: 'filter-sensitive', name: 'sensitive' },
          ['', 'include', 'only'].map((v) => el('option', { value: v, selected: v === filters.sensitive, text: t(`inbox.sensitive_${v || 'default'}`) })))));
    }
  }

  async function load(append) {
    const q = { ...filters, limit: 50 };
    if (append && next_before) q.before = next_before;
    const page = await get_json(`/api/v1/cases${query_string(q)}`);
    if (!append) clear(list);
    for (const c of page.cases) list.append(case_row(c, choices));
    next_before = page.next_before;
    more.hidden = next_before === null;
    note.textContent = list.children.length === 0 ? t('inbox.empty') : '';
    if (typeof page.sensitive_hidden === 'number' && page.sensitive_hidden > 0) {
      note.append(el('span', { id: 'sensitive-hidden', text: t('inbox.sensitive_hidden', { n: page.sensitive_hidden }) }));
    }
    draw_filters();
  }

  form.addEventListener('change', (event) => {
    const field = event.target;
    filters[field.name] = field.type === 'checkbox' ? (field.checked ? '1' : '') : field.value;
    if (field.name === 'type') filters.category = '';  // categories belong to a type
    load(false);
  });
  more.addEventListener('click', () => load(true));
  draw_filters();
  await load(false);

  // New cases appear by themselves: the list is fetched again every refresh_ms with the same
  // filters and as many rows as are shown, the reader's scroll kept (the filters themselves are
  // not redrawn: a select being opened stays open); not while the tab is hidden, never after the
  // view was left.
  const refresh_ms = Number(sessionStorage.getItem('cwc.desk.refresh_ms')) || 20000;
  const timer = setInterval(async () => {
    if (!section.isConnected) { clearInterval(timer); return; }
    if (document.hidden) return;
    const shown = Math.max(list.children.length, 50);
    const x = window.scrollX;
    const y = window.scrollY;
    try {
      const page = await get_json(`/api/v1/cases${query_string({ ...filters, limit: Math.min(shown, 200) })}`);
      if (!section.isConnected) return;
      list.replaceChildren(...page.cases.map((c) => case_row(c, choices)));
      next_before = page.next_before;
      more.hidden = next_before === null;
      if (list.children.length === 0) note.textContent = t('inbox.empty');
      else if (note.textContent === t('inbox.empty')) note.textContent = '';
      section.dataset.refreshed = String(Number(section.dataset.refreshed || 0) + 1);
      window.scrollTo(x, y);
    } catch { /* the next round tries again; a 401 signs out through api.js */ }
  }, refresh_ms);
}
