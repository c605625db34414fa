// router.js — a tiny hash router shared by the three apps.
//
// Routes are "#/path?query". route.path and route.query are reactive; match()
// turns a pattern like "/stores/:id" into params. The apps list their routes
// in one table, so adding a screen is one line there.

import { reactive } from 'vue';

function parse() {
  const h = location.hash.replace(/^#/, '') || '/';
  const [p, q = ''] = h.split('?');
  return { path: p || '/', query: Object.fromEntries(new URLSearchParams(q)) };
}

export const route = reactive(parse());

window.addEventListener('hashchange', () => Object.assign(route, parse()));

export function navigate(path, query) {
  const q = query ? new URLSearchParams(
    Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  const target = '#' + path + (q ? '?' + q : '');
  if (location.hash === target) Object.assign(route, parse());
  else location.hash = target;
}

export function match(pattern, path) {
  const a = pattern.split('/').filter(Boolean);
  const b = path.split('/').filter(Boolean);
  if (a.length !== b.length) return null;
  const params = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i].startsWith(':')) params[a[i].slice(1)] = decodeURIComponent(b[i]);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

// resolve(routes, path) → {route, params} of the first matching entry.
export function resolve(routes, path) {
  for (const r of routes) {
    const params = match(r.path, path);
    if (params) return { route: r, params };
  }
  return null;
}
