// format.js — how times, numbers and phones look in the UI.
// Times arrive as UTC milliseconds and are shown in the enterprise's time zone
// (Asia/Shanghai unless /api/auth/me says otherwise).

import { ref } from 'vue';
import { lang } from './i18n.js';

export const timeZone = ref('Asia/Shanghai');

function fmt(ms, opts) {
  if (ms === null || ms === undefined || ms === '') return '—';
  try {
    return new Intl.DateTimeFormat(lang.value === 'en' ? 'en-GB' : 'zh-CN',
      { timeZone: timeZone.value, hour12: false, ...opts }).format(new Date(Number(ms)));
  } catch (_) {
    return new Date(Number(ms)).toISOString();
  }
}

export const fmtDateTime = (ms) => fmt(ms, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
});
export const fmtDateTimeSec = (ms) => fmt(ms, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
export const fmtDate = (ms) => fmt(ms, { year: 'numeric', month: '2-digit', day: '2-digit' });

export function fmtNumber(n) {
  if (n === null || n === undefined) return '—';
  return new Intl.NumberFormat(lang.value === 'en' ? 'en-US' : 'zh-CN').format(n);
}

// Money in fen → "¥12.50" (whole yuan without decimals: "¥12").
export function fmtMoney(fen) {
  if (fen === null || fen === undefined) return '—';
  const y = fen / 100;
  return '¥' + (Number.isInteger(y) ? fmtNumber(y) : y.toFixed(2));
}

// +8613812345678 → 138****5678 (only for display when the server gave no mask)
export function maskPhone(p) {
  if (!p) return '';
  const d = String(p).replace(/^\+86/, '');
  if (d.length < 7) return d;
  return d.slice(0, 3) + '****' + d.slice(-4);
}

export function initials(name) {
  const s = String(name || '').trim();
  if (!s) return '?';
  if (/[\u4e00-\u9fff]/.test(s)) return s.slice(-2);
  return s.split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
}
