// The desk's words in the officer's language: one JSON dictionary per language in i18n/, the
// choice remembered in localStorage. A dictionary may say its direction ("dir": "rtl"); the
// layout uses logical CSS properties, so a right-to-left language mirrors it whole.
const languages = ['es', 'en'];
let words = {};
let current = 'es';

export function language() {
  return current;
}

export async function load_language(wanted) {
  const lang = languages.includes(wanted) ? wanted
    : languages.includes(localStorage.getItem('cwc.desk.lang')) ? localStorage.getItem('cwc.desk.lang')
    : (navigator.language || 'es').slice(0, 2) === 'en' ? 'en' : 'es';
  const res = await fetch(`i18n/${lang}.json`, { cache: 'no-cache' });
  words = await res.json();
  current = lang;
  localStorage.setItem('cwc.desk.lang', lang);
  document.documentElement.lang = lang;
  document.documentElement.dir = words.dir === 'rtl' ? 'rtl' : 'ltr';
  apply(document);
  return lang;
}

// t('reports.hours', {h: 3}) -> "3 h"; an unknown key shows itself (easy to spot, never blank).
export function t(key, vars = {}) {
  const text = key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), words);
  if (typeof text !== 'string') return key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}

// A value of the configuration (a status, a channel) in words when the dictionary has it.
export function label(group, value) {
  const key = `${group}.${value}`;
  const text = t(key);
  return text === key ? String(value) : text;
}

export function apply(root) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
}

// A configuration item's name ({id, name: {es, en, …}}) in the desk's language, else in any.
export function name_of(item) {
  if (!item) return '';
  const names = item.name || {};
  return names[current] || Object.values(names)[0] || item.id;
}

// The name of id in one list of the desk's choices (GET /api/v1/me "choices"), else the id.
export function choice_name(choices, list, id) {
  if (!id) return id;
  const item = ((choices || {})[list] || []).find((x) => x.id === id);
  return item ? name_of(item) : id;
}
