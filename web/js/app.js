// The desk's entry: language, who is signed in, and the views by address (#/inbox,
// #/case/REF, #/reports, #/audit). Without a token in sessionStorage only the sign-in view shows.
import { get_json, token } from './api.js';
import { may_audit, render_audit } from './audit.js';
import { el } from './dom.js';
import { language, load_language, t } from './i18n.js';
import { render_case } from './case_page.js';
import { render_inbox } from './inbox.js';
import { render_reports } from './reports.js';
import { render_sign_in } from './sign_in.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const who = document.getElementById('who');
const sign_out = document.getElementById('sign-out');
const lang = document.getElementById('lang');
let me = null;

function show_signed_in(officer) {
  me = officer;
  nav.hidden = false;
  sign_out.hidden = false;
  document.getElementById('nav-inbox').hidden = !me.scope.individual_cases;
  document.getElementById('nav-reports').hidden = !me.reports;
  document.getElementById('nav-audit').hidden = !may_audit(me);
  who.textContent = `${me.name} · ${t(`role.${me.role}`)}`;
  who.dir = 'auto';
}

function show_signed_out() {
  me = null;
  token.clear();
  nav.hidden = true;
  sign_out.hidden = true;
  who.textContent = '';
}

// Each view is drawn into a fresh element that replaces the page's only if no later route
// started meanwhile (a click during a slow load must not mix two views).
let generation = 0;

async function route() {
  const run = ++generation;
  const view = el('div', { className: 'view' });
  main.setAttribute('aria-busy', 'true');
  try {
    if (!me && token.get()) {
      try { show_signed_in(await get_json('/api/v1/me')); } catch { show_signed_out(); }
    }
    if (!me) {
      render_sign_in(view, (officer) => {
        show_signed_in(officer);
        const start = officer.scope.individual_cases || !officer.reports ? '#/inbox' : '#/reports';
        if (location.hash === start) route();
        else location.hash = start;  // hashchange routes
      });
    } else {
      const [, name, argument] = location.hash.split('/');
      if (name === 'case' && argument) await render_case(view, me, decodeURIComponent(argument), route);
      else if (name === 'reports') await render_reports(view, me);
      else if (name === 'audit') await render_audit(view, me);
      else await render_inbox(view, me);
    }
  } catch (e) {
    view.append(el('p', { className: 'problem', role: 'alert', id: 'view-problem', text: `${t('error.view')} ${e.message}` }));
  } finally {
    if (run === generation) {
      main.replaceChildren(view);
      main.removeAttribute('aria-busy');
      document.body.dataset.view = (location.hash.split('/')[1] || 'inbox');
      view.querySelector('[autofocus]')?.focus();
    }
  }
}

lang.addEventListener('change', async () => {
  await load_language(lang.value);
  if (me) show_signed_in(me);
  route();
});
sign_out.addEventListener('click', () => {
  show_signed_out();
  location.hash = '';
  route();
});
window.addEventListener('desk:signed-out', () => { if (me) { show_signed_out(); route(); } });
window.addEventListener('hashchange', route);

await load_language();
lang.value = language();
await route();
