// Alerts (预警): product-code alerts — a unit scanned more often than its
// batch allows (possible counterfeit) or scanned outside the intended regions
// (channel diversion, 窜货). Filter by kind, status and batch; close with a note.

import { reactive, ref, computed } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, clean } from '../parts.js';
import { FilterChips, refreshOpenAlerts, regionLabels } from '../crm.js';

export default {
  components: { PageHead, FilterChips },
  setup() {
    const q = route.query;
    const list = useList('/api/product-alerts', {
      archived: false,
      filters: { status: q.status || 'open', kind: q.kind || null, batch_id: q.batch_id ? Number(q.batch_id) : null },
    });
    list.load();
    const batches = ref([]);
    listAll('/api/product-batches', {}, 500).then((items) => {
      batches.value = items.map((b) => ({ value: b.id, label: b.batch_no, sub: b.product }));
    }).catch(() => {});
    const statusChips = computed(() => [{ value: 'open', label: t('alert.status.open') }, { value: 'closed', label: t('alert.status.closed') }]);
    const kinds = computed(() => ['repeat_scans', 'out_of_region'].map((k) => ({ value: k, label: t('alert.kind.' + k) })));
    const columns = computed(() => [
      { key: 'kind', label: t('alert.kindLabel'), width: '150px' },
      { key: 'product', label: t('pc.product') },
      { key: 'code', label: t('alert.code'), width: '150px' },
      { key: 'detail', label: t('alert.detail') },
      { key: 'at', label: t('alert.at'), width: '150px' },
      { key: 'status', label: t('alert.statusLabel'), width: '100px' },
      { key: 'actions', label: '', width: '110px', align: 'right' },
    ]);
    const names = reactive({});
    async function detailText(a) {
      return a;
    }
    const describe = (a) => {
      const d = a.detail || {};
      if (a.kind === 'repeat_scans') return t('alert.repeatText', { n: d.scans ?? a.scan_count, max: d.threshold ?? '—' });
      if (a.kind === 'out_of_region') {
        const city = d.city_name || d.city || names[d.city_code] || d.city_code;
        if (d.city_code && !names[d.city_code]) regionLabels([d.city_code]).then(([o]) => { if (o) names[d.city_code] = o.label; });
        return t('alert.regionText', { city: city || t('alert.unknownCity') });
      }
      return JSON.stringify(d);
    };

    const drawer = reactive({ open: false, row: null });
    const form = useForm({ note: '' });
    function openClose(a) { drawer.row = a; form.reset({ note: a.note || '' }); drawer.open = true; }
    async function save(status) {
      const v = clean(form.values);
      if (status === 'closed' && !v.note) { form.errors = { note: t('alert.needNote') }; return; }
      const res = await form.run(() => api.patch(`/api/product-alerts/${drawer.row.id}`, { status, note: v.note || undefined }));
      if (res) {
        toast.success(status === 'closed' ? t('alert.closedToast') : t('alert.reopenedToast'));
        drawer.open = false;
        list.load();
        refreshOpenAlerts();
      }
    }
    return { list, batches, statusChips, kinds, columns, describe, detailText, drawer, form, openClose, save, can, t, fmtDateTime, fmtNumber };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.alerts')" :desc="t('alert.desc')" />
      <div class="hh-card">
        <div class="list-toolbar">
          <filter-chips v-model="list.filters.status" :options="statusChips" :all-label="t('common.all')" />
          <hh-select class="list-filter" v-model="list.filters.kind" :options="kinds" :searchable="false" :placeholder="t('alert.allKinds')" name="filter-kind" />
          <hh-select class="list-filter" v-model="list.filters.batch_id" :options="batches" :placeholder="t('alert.allBatches')" name="filter-batch" />
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="list.filters.status === 'open' ? t('alert.emptyOpen') : t('alert.empty')"
                  :row-class="r => r.status === 'closed' ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-kind="{ row }"><span class="hh-tag" :class="row.kind === 'repeat_scans' ? 'hh-tag-danger' : 'hh-tag-warn'">{{ t('alert.kind.' + row.kind) }}</span></template>
          <template #cell-product="{ row }"><div class="cell-main">{{ row.product }}</div><div class="cell-sub">{{ t('pc.batchNo') }} <span class="mono">{{ row.batch_no }}</span></div></template>
          <template #cell-code="{ row }"><span class="mono">{{ row.code }}</span><div class="cell-sub">{{ t('alert.scans', { n: fmtNumber(row.scan_count || 0) }) }}</div></template>
          <template #cell-detail="{ row }"><div>{{ describe(row) }}</div><div class="cell-sub" v-if="row.note">{{ t('alert.note') }}：{{ row.note }}</div></template>
          <template #cell-at="{ row }"><span class="muted">{{ fmtDateTime(row.at) }}</span></template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="row.status === 'open' ? 'hh-tag-danger' : ''">{{ t('alert.status.' + row.status) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="can('alert.update')">
              <button v-if="row.status === 'open'" type="button" class="hh-btn hh-btn-link" @click="openClose(row)" data-test="close-alert">{{ t('alert.close') }}</button>
              <button v-else type="button" class="hh-btn hh-btn-link" @click="openClose(row)">{{ t('alert.reopen') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row && drawer.row.status === 'open' ? t('alert.close') : t('alert.reopen')"
                 :subtitle="drawer.row ? drawer.row.product + ' · ' + drawer.row.code : ''" width="480px" @close="drawer.open = false">
        <form class="hh-form" id="alert-form" @submit.prevent="save(drawer.row.status === 'open' ? 'closed' : 'open')" novalidate>
          <hh-form-error :message="form.formError" />
          <div v-if="drawer.row" class="hh-alert" :class="drawer.row.kind === 'repeat_scans' ? 'hh-alert-error' : 'hh-alert-warn'"><hh-icon name="siren" /><span>{{ describe(drawer.row) }}</span></div>
          <hh-field :label="t('alert.note')" :error="form.errors.note" :hint="t('alert.noteHint')" name="note" :required="drawer.row && drawer.row.status === 'open'">
            <textarea class="hh-textarea" v-model="form.values.note" :placeholder="t('alert.notePh')" maxlength="500"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="alert-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ drawer.row && drawer.row.status === 'open' ? t('alert.closeGo') : t('alert.reopen') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
