// Product codes (一物一码): production batches — one signed code per unit.
// Create a batch (brand, product, SKU, batch no., production date, distributor,
// intended regions, quantity, repeat-scan threshold); the printer's file is
// written in the background (progress polled), then codes.csv downloads.

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, brandOptions, clean } from '../parts.js';
import { ProgressBar, JobStatus, usePoller, download, searchRegions, regionLabels } from '../crm.js';

const today = () => new Date().toISOString().slice(0, 10);
const EMPTY = { brand_id: null, product: '', sku: '', batch_no: '', production_date: '', distributor: '', regions: [], quantity: '', scan_threshold: 3 };

export default {
  components: { PageHead, ProgressBar, JobStatus },
  setup() {
    const list = useList('/api/product-batches', { archived: false, filters: { brand_id: null } });
    list.load();
    const brands = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    const columns = computed(() => [
      { key: 'product', label: t('pc.product') },
      { key: 'batch_no', label: t('pc.batchNo'), width: '150px' },
      { key: 'regions', label: t('pc.regions') },
      { key: 'quantity', label: t('pc.quantity'), width: '110px', align: 'right' },
      { key: 'progress', label: t('pc.file'), width: '220px' },
      { key: 'scanned', label: t('pc.scanned'), width: '130px', align: 'right' },
      { key: 'actions', label: '', width: '150px', align: 'right' },
    ]);
    const regionNames = reactive({});
    watch(() => list.items, async (items) => {
      const codes = [...new Set(items.flatMap((b) => b.regions || []))].filter((c) => !regionNames[c]);
      if (codes.length) for (const o of await regionLabels(codes)) regionNames[o.value] = o.label;
    });

    const poll = usePoller(async () => {
      const running = list.items.filter((b) => b.status === 'running');
      for (const b of running) {
        try {
          const fresh = await api.get(`/api/product-batches/${b.id}`);
          Object.assign(b, fresh);
          if (fresh.status === 'done') toast.success(t('pc.doneToast', { no: fresh.batch_no, n: fmtNumber(fresh.quantity) }));
        } catch (_) { /* next tick */ }
      }
      return !list.items.some((b) => b.status === 'running');
    }, 700);
    watch(() => list.items.map((b) => b.status).join(), () => { if (list.items.some((b) => b.status === 'running')) poll.start(); }, { immediate: true });

    const drawer = reactive({ open: false });
    const form = useForm(EMPTY);
    function openCreate() {
      form.reset({ ...EMPTY, regions: [], production_date: today(), brand_id: list.filters.brand_id || (brands.value.length === 1 ? brands.value[0].value : null) });
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.brand_id) form.errors.brand_id = t('tp.needBrand');
      if (!v.product) form.errors.product = t('pc.needProduct');
      if (!v.batch_no) form.errors.batch_no = t('pc.needBatchNo');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(v.production_date || '')) form.errors.production_date = t('pc.needDate');
      const qty = Number(v.quantity);
      if (!Number.isInteger(qty) || qty < 1 || qty > 10_000_000) form.errors.quantity = t('pc.badQuantity');
      const th = Number(v.scan_threshold);
      if (!Number.isInteger(th) || th < 1) form.errors.scan_threshold = t('pc.badThreshold');
      if (Object.keys(form.errors).length) return;
      const body = { brand_id: v.brand_id, product: v.product, batch_no: v.batch_no, production_date: v.production_date, quantity: qty, scan_threshold: th };
      if (v.sku) body.sku = v.sku;
      if (v.distributor) body.distributor = v.distributor;
      if (v.regions.length) body.regions = v.regions.map(String);
      const res = await form.run(() => api.post('/api/product-batches', body));
      if (res) {
        drawer.open = false;
        toast.success(t('pc.started', { no: res.batch_no }));
        list.offset = 0;
        list.load();
      }
    }
    const codesUrl = (b) => `/api/product-batches/${b.id}/codes.csv`;
    const dl = (b) => download(codesUrl(b), `codes-${b.batch_no}.csv`);
    return { list, brands, columns, regionNames, drawer, form, openCreate, save, dl, searchRegions, can, t, fmtDateTime, fmtNumber };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.productCodes')" :desc="t('pc.desc')">
        <a class="hh-btn" href="#/alerts"><hh-icon name="siren" /> {{ t('nav.alerts') }}</a>
        <button v-if="can('product.create')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('pc.create') }}</button>
      </page-head>
      <div class="hh-card">
        <div class="list-toolbar">
          <hh-select class="list-filter" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('pc.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-product="{ row }">
            <div class="cell-main">{{ row.product }}</div>
            <div class="cell-sub">{{ row.brand_name }}<template v-if="row.sku"> · SKU <span class="mono">{{ row.sku }}</span></template></div>
          </template>
          <template #cell-batch_no="{ row }"><div class="mono">{{ row.batch_no }}</div><div class="cell-sub">{{ t('pc.producedOn', { d: row.production_date }) }}</div></template>
          <template #cell-regions="{ row }">
            <div class="hh-tags" v-if="(row.regions || []).length"><span v-for="c in row.regions" :key="c" class="hh-tag">{{ regionNames[c] || c }}</span></div>
            <span v-else class="muted">{{ t('pc.anyRegion') }}</span>
            <div class="cell-sub" v-if="row.distributor">{{ t('pc.distributor') }}：{{ row.distributor }}</div>
          </template>
          <template #cell-quantity="{ row }"><b>{{ fmtNumber(row.quantity) }}</b></template>
          <template #cell-progress="{ row }">
            <div class="batch-progress" :data-batch="row.id" :data-status="row.status">
              <progress-bar :done="row.done" :total="row.quantity" :status="row.status" />
            </div>
          </template>
          <template #cell-scanned="{ row }">
            <div>{{ fmtNumber(row.scanned_units || 0) }}</div>
            <a v-if="row.open_alerts" class="hh-tag hh-tag-danger" :href="'#/alerts?batch_id=' + row.id">{{ t('pc.openAlerts', { n: row.open_alerts }) }}</a>
          </template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button v-if="row.status === 'done'" type="button" class="hh-btn hh-btn-sm" @click="dl(row)" data-test="codes-csv"><hh-icon name="download" :size="15" /> codes.csv</button>
              <job-status v-else :status="row.status" />
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="t('pc.create')" :subtitle="t('pc.createSub')" width="620px" @close="drawer.open = false">
        <form class="hh-form" id="pc-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('tp.brand')" :error="form.errors.brand_id" name="brand_id" required>
            <hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('tp.brandPh')" name="brand_id" :invalid="!!form.errors.brand_id" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('pc.product')" :error="form.errors.product" name="product" required>
              <input class="hh-input" v-model="form.values.product" :placeholder="t('pc.productPh')" maxlength="100" />
            </hh-field>
            <hh-field :label="t('pc.sku')" :error="form.errors.sku" name="sku">
              <input class="hh-input mono" v-model="form.values.sku" :placeholder="t('pc.skuPh')" maxlength="64" />
            </hh-field>
          </div>
          <div class="hh-form-row">
            <hh-field :label="t('pc.batchNo')" :error="form.errors.batch_no" name="batch_no" required>
              <input class="hh-input mono" v-model="form.values.batch_no" :placeholder="t('pc.batchNoPh')" maxlength="64" />
            </hh-field>
            <hh-field :label="t('pc.productionDate')" :error="form.errors.production_date" name="production_date" required>
              <input class="hh-input" type="date" v-model="form.values.production_date" />
            </hh-field>
          </div>
          <hh-field :label="t('pc.distributor')" :error="form.errors.distributor" name="distributor">
            <input class="hh-input" v-model="form.values.distributor" :placeholder="t('pc.distributorPh')" maxlength="100" />
          </hh-field>
          <hh-field :label="t('pc.regions')" :error="form.errors.regions" :hint="t('pc.regionsHint')" name="regions">
            <hh-select v-model="form.values.regions" :remote="searchRegions" multiple :placeholder="t('pc.regionsPh')" name="regions" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('pc.quantity')" :error="form.errors.quantity" :hint="t('pc.quantityHint')" name="quantity" required>
              <input class="hh-input" type="number" min="1" max="10000000" step="1" v-model="form.values.quantity" placeholder="10000" />
            </hh-field>
            <hh-field :label="t('pc.threshold')" :error="form.errors.scan_threshold" :hint="t('pc.thresholdHint')" name="scan_threshold">
              <input class="hh-input" type="number" min="1" step="1" v-model="form.values.scan_threshold" />
            </hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="pc-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('pc.createGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
