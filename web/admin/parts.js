// parts.js — pieces the admin screens have in common: the page heading,
// the list toolbar, archive-with-confirmation, option loaders for selects, and
// the value of a datetime-local input.

import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { toast, confirmDialog } from '/shared/components.js';

export const PageHead = {
  props: { title: String, desc: String },
  template: `
    <div class="page-head">
      <div><h1>{{ title }}</h1><p v-if="desc">{{ desc }}</p></div>
      <div class="page-head-actions"><slot /></div>
    </div>`,
};

// <list-toolbar :list="list" :placeholder> <template #filters>…</template> </list-toolbar>
export const ListToolbar = {
  props: { list: Object, placeholder: String, archived: { type: Boolean, default: true } },
  setup() { return { t }; },
  template: `
    <div class="list-toolbar">
      <div class="hh-input-icon list-search">
        <hh-icon name="search" :size="16" />
        <input class="hh-input" type="search" v-model="list.q" :placeholder="placeholder || t('common.searchPlaceholder')" data-test="search" />
      </div>
      <slot name="filters" />
      <div class="list-toolbar-right">
        <hh-switch v-if="archived" v-model="list.includeArchived" :label="t('common.showArchived')" data-test="show-archived" />
        <button type="button" class="hh-icon-btn" :title="t('common.retry')" :aria-label="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button>
      </div>
    </div>`,
};

export const StatusTag = {
  props: { row: Object },
  setup() { return { t }; },
  template: `<span v-if="row.archived_at" class="hh-tag">{{ t('common.archived') }}</span>`,
};

/** Ask, then DELETE path (archive). Resolves true when archived. */
export async function archiveWithConfirm({ path, name, kind }) {
  const ok = await confirmDialog({
    title: t('archive.title', { kind }),
    message: t('archive.message', { name }),
    okText: t('common.archive'),
    danger: true,
  });
  if (!ok) return false;
  try {
    await api.del(path);
    toast.success(t('archive.done', { name }));
    return true;
  } catch (e) {
    toast.error(e.message);
    return false;
  }
}

export const brandOptions = async () =>
  (await listAll('/api/brands')).map((b) => ({ value: b.id, label: b.name, sub: b.code }));

export const storeOptions = async (params = {}) =>
  (await listAll('/api/stores', params)).map((s) => ({
    value: s.id, label: s.name, sub: [s.retailer, s.city].filter(Boolean).join(' · '),
  }));

export function divisionOption(d) {
  return { value: d.code, label: d.name, sub: d.province && d.province !== d.name ? d.province : '' };
}

export async function searchDivisions(q) {
  const res = await api.get('/api/divisions', { q, limit: 100 });
  return ((res && res.items) || []).map(divisionOption);
}

// <input type="datetime-local"> value ↔ UTC ms (the browser's zone)
export const toLocalInput = (ms) => {
  if (!ms) return '';
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};
export const fromLocalInput = (s) => (s ? new Date(s).getTime() : null);

// Turn "" into null and strings with spaces into trimmed ones before sending.
export function clean(obj) {
  const out = {};
  for (const [k, v] of Object.entries(obj)) out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}
