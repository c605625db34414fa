// api.js — the one way the web apps talk to the Huohua server.
//
// - JSON in and out, cookies of this origin (credentials 'same-origin').
// - Accept-Language follows the chosen UI language, so server messages match.
// - Every write (POST/PATCH/PUT/DELETE) carries an Idempotency-Key. When a write
//   fails without an answer (network down, timeout), the key is kept for that
//   exact request (method + path + body); the user's retry of the same
//   submission sends the same key, so the server applies it at most once. Any
//   answer from the server, success or error, forgets the key.
// - Errors are thrown as ApiError {status, code, message, field}, with the
//   server's {"error":{code,message,field}} when there is one.

import { lang, t } from './i18n.js';

export class ApiError extends Error {
  constructor({ status = 0, code = 'unknown', message, field = null, data = null }) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.field = field;
    this.data = data;
  }
  get isNetwork() { return this.code === 'network'; }
}

const WRITE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const pendingKeys = new Map(); // "METHOD path body" → key awaiting a retry
const listeners = { unauthenticated: [] };

export function onUnauthenticated(fn) { listeners.unauthenticated.push(fn); }

export function newIdempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return 'web-' + Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function fallbackMessage(status, code) {
  if (code === 'network') return t('err.network');
  if (status === 401) return t('err.unauthenticated');
  if (status === 403) return t('err.forbidden');
  if (status === 404) return t('err.notFound');
  if (status === 429) return t('err.throttled');
  if (status >= 500) return t('err.server');
  return t('err.unknown');
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || v === false) continue;
    q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

/**
 * request(method, path, {body, params, silent401})
 * Resolves with the parsed JSON answer (or null for an empty one).
 * Rejects with ApiError. silent401 skips the global "log in again" hook (used
 * by the first /me probe of each app).
 */
export async function request(method, path, opts = {}) {
  method = method.toUpperCase();
  const url = path + query(opts.params);
  const headers = { Accept: 'application/json', 'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN' };
  let body;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let sig = null;
  if (WRITE.has(method)) {
    sig = method + ' ' + url + ' ' + (body || '');
    let key = pendingKeys.get(sig);
    if (!key) { key = newIdempotencyKey(); pendingKeys.set(sig, key); }
    headers['Idempotency-Key'] = key;
  }

  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: 'same-origin' });
  } catch (e) {
    // No answer: keep the key so the retry of this submission reuses it.
    throw new ApiError({ status: 0, code: 'network', message: t('err.network') });
  }
  // The server answered: this submission is settled one way or the other.
  if (sig) pendingKeys.delete(sig);

  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (res.ok) return data;

  const e = (data && data.error) || {};
  const err = new ApiError({
    status: res.status,
    code: e.code || (res.status === 401 ? 'unauthenticated' : 'http_' + res.status),
    message: e.message || fallbackMessage(res.status, e.code),
    field: e.field || null,
    data,
  });
  if (res.status === 401 && !opts.silent401) {
    for (const fn of listeners.unauthenticated) fn(err);
  }
  throw err;
}

export const api = {
  get: (path, params, opts = {}) => request('GET', path, { ...opts, params }),
  post: (path, body, opts = {}) => request('POST', path, { ...opts, body: body ?? {} }),
  patch: (path, body, opts = {}) => request('PATCH', path, { ...opts, body: body ?? {} }),
  put: (path, body, opts = {}) => request('PUT', path, { ...opts, body: body ?? {} }),
  del: (path, opts = {}) => request('DELETE', path, opts),
};

// Fetch every page of a list (for selects: brands, stores). Stops at `max`.
export async function listAll(path, params = {}, max = 2000) {
  const items = [];
  let offset = 0;
  for (;;) {
    const page = await api.get(path, { ...params, limit: 500, offset });
    const got = (page && page.items) || [];
    items.push(...got);
    offset += got.length;
    if (!got.length || offset >= (page.total ?? 0) || offset >= max) break;
  }
  return items;
}
