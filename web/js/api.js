// The officers' API from the page: the token typed at sign-in is kept in sessionStorage (gone
// with the tab) and sent as a Bearer header on each fetch; no cookie is ever set.
const token_key = 'cwc.desk.token';

export const token = {
  get: () => sessionStorage.getItem(token_key) || '',
  set: (value) => sessionStorage.setItem(token_key, value),
  clear: () => sessionStorage.removeItem(token_key),
};

export class api_error extends Error {
  constructor(status, reason) {
    super(reason || `HTTP ${status}`);
    this.status = status;
  }
}

async function call(method, path, body, expect_json = true) {
  const headers = { Authorization: `Bearer ${token.get()}` };
  const init = { method, headers, cache: 'no-store', credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    let reason = '';
    try { reason = (await res.json()).error || ''; } catch { /* not JSON */ }
    if (res.status === 401) window.dispatchEvent(new CustomEvent('desk:signed-out'));
    throw new api_error(res.status, reason);
  }
  return expect_json ? res.json() : res;
}

export const get_json = (path) => call('GET', path);
export const post_json = (path, body) => call('POST', path, body ?? {});
// Bytes behind the token (an attachment, the export) as a Blob.
export async function get_blob(path) {
  const res = await call('GET', path, undefined, false);
  return res.blob();
}

export function query_string(filters) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== '' && v !== undefined && v !== null) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}
