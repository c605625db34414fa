// Audit log (审计日志): every admin and staff write, newest first, with an
// expandable before/after comparison.

import { computed, ref } from 'vue';
import { t, lang } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { fmtDateTimeSec } from '/shared/format.js';
import { PageHead } from '../parts.js';

const ENTITIES = ['brand', 'store', 'staff', 'account', 'member', 'enterprise'];
const HIDDEN = new Set(['password', 'password_hash']);

export function actionLabel(action) {
  if (!action) return '—';
  const whole = t('action.' + action);          // a wording for the whole action wins
  if (whole !== 'action.' + action) return whole;
  const [entity, verb] = String(action).split('.');
  const e = t('entity.' + entity);
  const v = t('verb.' + verb);
  if (e === 'entity.' + entity || v === 'verb.' + verb) return action;
  return lang.value === 'en' ? `${v} ${e.toLowerCase()}` : `${v}${e}`;
}

function show(v, key) {
  if (v === undefined) return '';
  if (typeof v === 'number' && /_at$/.test(key || '')) return fmtDateTimeSec(v);
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

// Rows of {key, before, after, changed} for the union of both objects' keys.
export function diffRows(before, after) {
  const b = before || {};
  const a = after || {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => !HIDDEN.has(k));
  return keys.map((k) => ({
    key: k,
    before: before ? show(b[k], k) : '',
    after: after ? show(a[k], k) : '',
    changed: JSON.stringify(b[k]) !== JSON.stringify(a[k]),
  })).sort((x, y) => (y.changed - x.changed));
}

export const AuditDiff = {
  props: { entry: Object },
  setup(props) {
    const onlyChanged = ref(!!(props.entry.before && props.entry.after));
    const rows = computed(() => diffRows(props.entry.before, props.entry.after).filter((r) => !onlyChanged.value || r.changed));
    return { rows, onlyChanged, t };
  },
  template: `
    <div class="audit-diff">
      <div class="audit-diff-head">
        <span>{{ entry.before && entry.after ? t('audit.changes') : (entry.after ? t('audit.created') : t('audit.removed')) }}</span>
        <hh-switch v-if="entry.before && entry.after" v-model="onlyChanged" :label="t('audit.onlyChanged')" />
      </div>
      <table class="audit-diff-table">
        <thead><tr><th>{{ t('audit.field') }}</th><th>{{ t('audit.before') }}</th><th>{{ t('audit.after') }}</th></tr></thead>
        <tbody>
          <tr v-if="!rows.length"><td colspan="3" class="muted">{{ t('audit.noChanges') }}</td></tr>
          <tr v-for="r in rows" :key="r.key" :class="{ changed: r.changed }">
            <td class="mono">{{ r.key }}</td>
            <td class="audit-before"><span v-if="entry.before" class="mono">{{ r.before || '—' }}</span><span v-else class="muted">—</span></td>
            <td class="audit-after"><span v-if="entry.after" class="mono">{{ r.after || '—' }}</span><span v-else class="muted">—</span></td>
          </tr>
        </tbody>
      </table>
    </div>`,
};

export default {
  components: { PageHead, AuditDiff },
  setup() {
    const list = useList('/api/audit', { filters: { entity: null }, archived: false });
    list.load();
    const entityOptions = computed(() => ENTITIES.map((e) => ({ value: e, label: t('entity.' + e) })));
    const columns = computed(() => [
      { key: 'at', label: t('audit.at'), width: '180px' },
      { key: 'actor', label: t('audit.actor'), width: '170px' },
      { key: 'action', label: t('audit.action'), width: '180px' },
      { key: 'entity', label: t('audit.entity') },
    ]);
    const verbClass = (a) => {
      const v = String(a || '').split('.')[1];
      return v === 'create' ? 'hh-tag-success' : v === 'delete' || v === 'archive' ? 'hh-tag-danger' : 'hh-tag-info';
    };
    const entityName = (row) => {
      const o = row.after || row.before || {};
      return o.name || o.login || '';
    };
    return { list, entityOptions, columns, actionLabel, verbClass, entityName, t, fmtDateTimeSec };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.audit')" :desc="t('audit.desc')" />
      <div class="hh-card">
        <div class="list-toolbar">
          <hh-select class="list-filter" v-model="list.filters.entity" :options="entityOptions" :searchable="false" :placeholder="t('audit.allEntities')" name="filter-entity" />
          <div class="list-toolbar-right">
            <button type="button" class="hh-icon-btn" :title="t('common.retry')" :aria-label="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button>
          </div>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('audit.empty')" expandable
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-at="{ row }"><span class="nowrap">{{ fmtDateTimeSec(row.at) }}</span></template>
          <template #cell-actor="{ row }">
            <div class="cell-with-avatar"><hh-avatar :name="row.actor_login || '?'" :size="26" />
              <span class="mono">{{ row.actor_login || (row.actor_id ? '#' + row.actor_id : t('audit.system')) }}</span></div>
          </template>
          <template #cell-action="{ row }"><span class="hh-tag" :class="verbClass(row.action)" :title="row.action">{{ actionLabel(row.action) }}</span></template>
          <template #cell-entity="{ row }">
            <span>{{ t('entity.' + row.entity) === 'entity.' + row.entity ? row.entity : t('entity.' + row.entity) }}</span>
            <span class="muted mono"> #{{ row.entity_id }}</span>
            <span v-if="entityName(row)" class="audit-entity-name"> · {{ entityName(row) }}</span>
          </template>
          <template #expand="{ row }"><audit-diff :entry="row" /></template>
        </hh-table>
      </div>
    </div>`,
};
