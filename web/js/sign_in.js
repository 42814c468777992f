// Sign-in: the officer pastes the token they were given; GET /api/v1/me says who it names and
// what the role may see. Nothing is stored until the token is known good.
import { api_error, get_json, token } from './api.js';
import { el } from './dom.js';
import { t } from './i18n.js';

export function render_sign_in(main, on_signed_in) {
  const input = el('input', { id: 'token', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false', autofocus: true });
  const problem = el('p', { id: 'sign-in-problem', className: 'problem', role: 'alert', hidden: true });
  const form = el('form', { id: 'sign-in', className: 'card narrow' },
    el('h1', { text: t('sign_in.title') }),
    el('p', { text: t('sign_in.explain') }),
    el('label', { for: 'token', text: t('sign_in.token') }),
    input,
    problem,
    el('button', { type: 'submit', className: 'primary', text: t('sign_in.submit') }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.hidden = true;
    token.set(input.value.trim());
    try {
      const me = await get_json('/api/v1/me');
      on_signed_in(me);
    } catch (e) {
      token.clear();
      problem.textContent = e instanceof api_error && e.status === 401 ? t('sign_in.refused') : t('error.network');
      problem.hidden = false;
    }
  });
  main.append(form);
}
