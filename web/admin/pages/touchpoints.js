// Touchpoints (触点二维码): signed QR codes and UTM links. List filtered by
// brand, store, staff, channel and batch; create one; a detail drawer with the
// QR preview, PNG/SVG download, the short URL, enable/disable and scan count.
// Batches (批量生成): one per store, or one per store × staff, for a brand;
// progress is polled until done, then the print sheet opens in a new tab.

import { reactive, ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route, navigate } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions, clean, toLocalInput, fromLocalInput } from '../parts.js';
import { ChannelTag, ProgressBar, JobStatus, Tabs, CHANNELS, searchStaff, usePoller, download, copyText } from '../crm.js';

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term'];
const EMPTY = { name: '', brand_id: null, campaign_id: null, channel: 'counter', kind: 'qr', store_id: null, staff_id: null, expires: '',
  utm_source: '', utm_medium: '', utm_campaign: '', utm_content: '', utm_term: '' };
// The brand's campaigns that have not ended: what a new touchpoint may lead to.
async function campaignOptions(brandId) {
  if (!brandId) return [];
  const r = await api.get('/api/campaigns', { brand_id: brandId, limit: 200 }).catch(() => ({ items: [] }));
  return (r.items || []).filter((c) => c.status_now !== 'ended')
    .map((c) => ({ value: c.id, label: `${c.name} · ${t('campaign.status.' + c.status_now)}` }));
}
const EMPTY_BATCH = { name: '', brand_id: null, campaign_id: null, channel: 'counter', per: 'store_staff', store_ids: [],
  utm_source: '', utm_medium: '', utm_campaign: '', utm_content: '', utm_term: '' };

export default {
  components: { PageHead, ListToolbar, ChannelTag, ProgressBar, JobStatus, Tabs },
  setup() {
    const tab = ref(route.query.tab === 'batches' ? 'batches' : 'list');
    watch(tab, (v) => { history.replaceState(null, '', '#/touchpoints' + (v === 'batches' ? '?tab=batches' : '')); });
    const q = route.query;
    const list = useList('/api/touchpoints', {
      archived: false,
      filters: {
        brand_id: q.brand_id ? Number(q.brand_id) : null, store_id: null, staff_id: null,
        channel: q.channel || null, batch_id: q.batch_id ? Number(q.batch_id) : null,
      },
    });
    list.load();
    const brands = ref([]);
    const stores = ref([]);
    const batchOpts = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const channels = computed(() => CHANNELS.map((c) => ({ value: c, label: t('channel.' + c) })));
    const columns = computed(() => [
      { key: 'qr', label: '', width: '64px' },
      { key: 'name', label: t('tp.name') },
      { key: 'channel', label: t('tp.channel'), width: '120px' },
      { key: 'where', label: t('tp.where') },
      { key: 'state', label: t('tp.state'), width: '100px' },
      { key: 'scan_count', label: t('tp.scans'), width: '90px', align: 'right' },
      { key: 'created_at', label: t('common.createdAt'), width: '150px' },
    ]);

    // create
    const drawer = reactive({ open: false });
    const form = useForm(EMPTY, [...Object.keys(EMPTY), 'expires_at']);
    const formStores = ref([]);
    const formCampaigns = ref([]);
    watch(() => form.values.brand_id, async (b) => {
      formCampaigns.value = await campaignOptions(b);
      if (!formCampaigns.value.some((c) => c.value === form.values.campaign_id)) form.values.campaign_id = null;
      formStores.value = b ? await storeOptions({ brand_id: b }).catch(() => []) : [];
      if (form.values.store_id && !formStores.value.some((s) => s.value === form.values.store_id)) form.values.store_id = null;
    });
    watch(() => form.values.store_id, () => { form.values.staff_id = null; });
    const staffOfStore = (qq) => searchStaff(qq, form.values.store_id ? { store_id: form.values.store_id } : {});
    function openCreate() {
      form.reset({ ...EMPTY, brand_id: list.filters.brand_id || (brands.value.length === 1 ? brands.value[0].value : null) });
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('tp.needName');
      if (!v.brand_id) form.errors.brand_id = t('tp.needBrand');
      if (!v.channel) form.errors.channel = t('tp.needChannel');
      if (v.expires && fromLocalInput(v.expires) < Date.now()) form.errors.expires = t('tp.expiryPast');
      if (Object.keys(form.errors).length) return;
      const body = { name: v.name, brand_id: v.brand_id, channel: v.channel, kind: v.kind };
      if (v.campaign_id) body.campaign_id = v.campaign_id;
      if (v.store_id) body.store_id = v.store_id;
      if (v.staff_id) body.staff_id = v.staff_id;
      for (const k of UTM) if (v[k]) body[k] = v[k];
      if (v.expires) body.expires_at = fromLocalInput(v.expires);
      const res = await form.run(() => api.post('/api/touchpoints', body));
      if (res) {
        if (form.errors.expires_at) form.errors.expires = form.errors.expires_at;
        toast.success(t('tp.created', { name: res.name }));
        drawer.open = false;
        list.load();
        openDetail(res);
      } else if (form.errors.expires_at) form.errors.expires = form.errors.expires_at;
    }

    // detail
    const detail = reactive({ open: false, tp: null, busy: false, expires: '' });
    const qrVersion = ref(0);
    function openDetail(tp) { detail.tp = tp; detail.expires = toLocalInput(tp.expires_at); detail.open = true; }
    async function refreshDetail() {
      try { detail.tp = await api.get(`/api/touchpoints/${detail.tp.id}`); } catch (_) { /* keep */ }
    }
    async function setDisabled(disabled) {
      detail.busy = true;
      try {
        detail.tp = await api.patch(`/api/touchpoints/${detail.tp.id}`, { disabled });
        toast.success(disabled ? t('tp.disabledToast') : t('tp.enabledToast'));
        list.load();
      } catch (e) { toast.error(e.message); } finally { detail.busy = false; }
    }
    async function saveExpiry() {
      detail.busy = true;
      try {
        detail.tp = await api.patch(`/api/touchpoints/${detail.tp.id}`, { expires_at: fromLocalInput(detail.expires) });
        toast.success(t('common.saved'));
        list.load();
      } catch (e) { toast.error(e.message); } finally { detail.busy = false; }
    }
    async function copyUrl(url) {
      if (await copyText(url)) toast.success(t('tp.copied')); else toast.error(t('tp.copyFailed'));
    }
    const fileBase = (tp) => `touchpoint-${tp.id}-${tp.code}`;
    const dl = (tp, ext) => download(`/api/touchpoints/${tp.id}/qr.${ext}?scale=${ext === 'png' ? 16 : 10}&label=1`, `${fileBase(tp)}.${ext}`);

    // batches
    const batches = useList('/api/touchpoint-batches', { archived: false });
    batches.load();
    const loadBatchOpts = async () => {
      try { batchOpts.value = (await listAll('/api/touchpoint-batches', {}, 500)).map((b) => ({ value: b.id, label: b.name, sub: b.brand_name })); } catch (_) { /* ignore */ }
    };
    loadBatchOpts();
    const batchColumns = computed(() => [
      { key: 'name', label: t('tpb.name') },
      { key: 'per', label: t('tpb.per'), width: '150px' },
      { key: 'progress', label: t('tpb.progress'), width: '260px' },
      { key: 'created_at', label: t('common.createdAt'), width: '150px' },
      { key: 'actions', label: '', width: '220px', align: 'right' },
    ]);
    const poll = usePoller(async () => {
      const running = batches.items.filter((b) => b.status === 'running');
      if (!running.length) return true;
      for (const b of running) {
        try {
          const fresh = await api.get(`/api/touchpoint-batches/${b.id}`);
          Object.assign(b, fresh);
          if (fresh.status === 'done') { toast.success(t('tpb.doneToast', { name: fresh.name, n: fmtNumber(fresh.total) })); list.load(); }
          if (fresh.status === 'failed') toast.error(t('tpb.failedToast', { name: fresh.name }));
        } catch (_) { /* try again next tick */ }
      }
      return !batches.items.some((b) => b.status === 'running');
    }, 700);
    watch(() => batches.items.map((b) => b.status).join(), () => { if (batches.items.some((b) => b.status === 'running')) poll.start(); }, { immediate: true });

    const bDrawer = reactive({ open: false });
    const bForm = useForm(EMPTY_BATCH);
    const bStores = ref([]);
    const bCampaigns = ref([]);
    watch(() => bForm.values.brand_id, async (b) => {
      bCampaigns.value = await campaignOptions(b);
      if (!bCampaigns.value.some((c) => c.value === bForm.values.campaign_id)) bForm.values.campaign_id = null;
      bStores.value = b ? await storeOptions({ brand_id: b }).catch(() => []) : [];
      bForm.values.store_ids = bForm.values.store_ids.filter((id) => bStores.value.some((s) => s.value === id));
    });
    function openBatch() {
      bForm.reset({ ...EMPTY_BATCH, store_ids: [], brand_id: brands.value.length === 1 ? brands.value[0].value : null });
      bDrawer.open = true;
    }
    async function saveBatch() {
      const v = clean(bForm.values);
      bForm.errors = {};
      if (!v.name) bForm.errors.name = t('tpb.needName');
      if (!v.brand_id) bForm.errors.brand_id = t('tp.needBrand');
      if (Object.keys(bForm.errors).length) return;
      const body = { name: v.name, brand_id: v.brand_id, channel: v.channel, per: v.per };
      if (v.campaign_id) body.campaign_id = v.campaign_id;
      if (v.store_ids.length) body.store_ids = v.store_ids.map(Number);
      for (const k of UTM) if (v[k]) body[k] = v[k];
      const res = await bForm.run(() => api.post('/api/touchpoint-batches', body));
      if (res) {
        bDrawer.open = false;
        tab.value = 'batches';
        toast.success(t('tpb.started', { name: res.name }));
        await batches.load();
        loadBatchOpts();
      }
    }
    const expectCount = computed(() => {
      const n = bForm.values.store_ids.length || bStores.value.length;
      return n;
    });
    const openSheet = (b) => window.open(`/api/touchpoint-batches/${b.id}/sheet`, '_blank', 'noopener');
    function showBatch(b) {
      list.filters.batch_id = b.id;
      batchOpts.value.some((o) => o.value === b.id) || batchOpts.value.push({ value: b.id, label: b.name });
      tab.value = 'list';
    }
    const tabs = computed(() => [
      { value: 'list', label: t('tp.tabList') },
      { value: 'batches', label: t('tp.tabBatches'), count: batches.total || null },
    ]);
    const stateTone = (s) => ({ active: 'hh-tag-success', disabled: '', expired: 'hh-tag-warn' })[s] || '';
    return {
      tab, tabs, list, brands, stores, batchOpts, channels, columns, drawer, form, formStores, formCampaigns, staffOfStore, openCreate, save,
      detail, qrVersion, openDetail, refreshDetail, setDisabled, saveExpiry, copyUrl, dl,
      batches, batchColumns, bDrawer, bForm, bStores, bCampaigns, openBatch, saveBatch, expectCount, openSheet, showBatch, stateTone,
      UTM, searchStaff, can, t, fmtDateTime, fmtNumber, navigate,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.touchpoints')" :desc="t('tp.desc')">
        <template v-if="can('touchpoint.create')">
          <button type="button" class="hh-btn" @click="openBatch" data-test="create-batch"><hh-icon name="printer" /> {{ t('tpb.create') }}</button>
          <button type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('tp.create') }}</button>
        </template>
      </page-head>
      <tabs v-model="tab" :tabs="tabs" />

      <div class="hh-card tp-list" v-if="tab === 'list'">
        <list-toolbar :list="list" :placeholder="t('tp.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
            <hh-select class="list-filter-sm" v-model="list.filters.store_id" :options="stores" :placeholder="t('staff.allStores')" name="filter-store" />
            <hh-select class="list-filter-sm" v-model="list.filters.staff_id" :remote="searchStaff" :placeholder="t('member.allStaff')" name="filter-staff" />
            <hh-select class="list-filter-sm" v-model="list.filters.channel" :options="channels" :placeholder="t('tp.allChannels')" name="filter-channel" />
            <hh-select class="list-filter-sm" v-model="list.filters.batch_id" :options="batchOpts" :placeholder="t('tp.allBatches')" name="filter-batch" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('tp.empty')"
                  :row-class="r => r.state !== 'active' ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-qr="{ row }">
            <button type="button" class="qr-thumb" @click="openDetail(row)" :aria-label="t('tp.open')"><img :src="'/api/touchpoints/' + row.id + '/qr.svg?scale=2'" alt="" loading="lazy" /></button>
          </template>
          <template #cell-name="{ row }">
            <button type="button" class="link-btn cell-main" @click="openDetail(row)" data-test="open-tp">{{ row.name }}</button>
            <div class="cell-sub"><span class="mono">{{ row.code }}</span> · {{ row.brand_name }}</div>
          </template>
          <template #cell-channel="{ row }"><channel-tag :value="row.channel" /></template>
          <template #cell-where="{ row }">
            <div v-if="row.store_name">{{ row.store_name }}</div>
            <div class="cell-sub" v-if="row.staff_name"><hh-icon name="user" :size="12" /> {{ row.staff_name }}</div>
            <div class="cell-sub" v-if="!row.store_name && row.utm_source">utm_source={{ row.utm_source }}</div>
            <span v-if="!row.store_name && !row.utm_source" class="muted">—</span>
          </template>
          <template #cell-state="{ row }"><span class="hh-tag" :class="stateTone(row.state)">{{ t('tp.state.' + row.state) }}</span></template>
          <template #cell-scan_count="{ row }"><b>{{ fmtNumber(row.scan_count || 0) }}</b></template>
          <template #cell-created_at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
        </hh-table>
      </div>

      <div class="hh-card" v-else>
        <hh-table :columns="batchColumns" :rows="batches.items" :total="batches.total" :limit="batches.limit" :offset="batches.offset"
                  :loading="batches.loading" :error="batches.error" :empty-text="t('tpb.empty')"
                  @page="batches.setOffset" @limit="batches.setLimit" @retry="batches.load()">
          <template #cell-name="{ row }"><div class="cell-main">{{ row.name }}</div><div class="cell-sub">{{ row.brand_name }} · {{ t('channel.' + row.channel) }}</div></template>
          <template #cell-per="{ row }">{{ t('tpb.per.' + row.per) }}<div class="cell-sub" v-if="row.spec && row.spec.store_ids">{{ t('tpb.someStores', { n: row.spec.store_ids.length }) }}</div></template>
          <template #cell-progress="{ row }">
            <div class="batch-progress" :data-batch="row.id" :data-status="row.status">
              <progress-bar :done="row.done" :total="row.total" :status="row.status" />
              <div v-if="row.status === 'failed'" class="cell-sub danger-text">{{ row.error || t('job.failed') }}</div>
            </div>
          </template>
          <template #cell-created_at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="row.status === 'done'">
              <button type="button" class="hh-btn hh-btn-sm" @click="openSheet(row)" data-test="sheet"><hh-icon name="printer" :size="15" /> {{ t('tpb.sheet') }}</button>
              <button type="button" class="hh-btn hh-btn-sm" @click="showBatch(row)" data-test="batch-tps">{{ t('tpb.showTps', { n: fmtNumber(row.total) }) }}</button>
            </div>
            <job-status v-else :status="row.status" />
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="t('tp.create')" :subtitle="t('tp.createSub')" width="600px" @close="drawer.open = false">
        <form class="hh-form" id="tp-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('tp.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('tp.namePh')" maxlength="100" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('tp.brand')" :error="form.errors.brand_id" name="brand_id" required>
              <hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('tp.brandPh')" name="brand_id" :invalid="!!form.errors.brand_id" />
            </hh-field>
            <hh-field :label="t('tp.channel')" :error="form.errors.channel" name="channel" required>
              <hh-select v-model="form.values.channel" :options="channels" :clearable="false" name="channel" />
            </hh-field>
          </div>
          <hh-field :label="t('tp.campaign')" :error="form.errors.campaign_id" :hint="t('tp.campaignHint')" name="campaign_id">
            <hh-select v-model="form.values.campaign_id" :options="formCampaigns" :placeholder="form.values.brand_id ? t('tp.campaignPh') : t('tp.brandFirst')" :disabled="!form.values.brand_id" name="campaign_id" />
          </hh-field>
          <hh-field :label="t('tp.kind')" name="kind">
            <div class="seg">
              <label class="seg-item" :class="{ active: form.values.kind === 'qr' }"><input type="radio" value="qr" v-model="form.values.kind" /> {{ t('tp.kind.qr') }}</label>
              <label class="seg-item" :class="{ active: form.values.kind === 'link' }"><input type="radio" value="link" v-model="form.values.kind" /> {{ t('tp.kind.link') }}</label>
            </div>
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('tp.store')" :error="form.errors.store_id" :hint="t('tp.storeHint')" name="store_id">
              <hh-select v-model="form.values.store_id" :options="formStores" :placeholder="form.values.brand_id ? t('tp.storePh') : t('tp.brandFirst')" :disabled="!form.values.brand_id" name="store_id" />
            </hh-field>
            <hh-field :label="t('tp.staff')" :error="form.errors.staff_id" :hint="t('tp.staffHint')" name="staff_id">
              <hh-select v-model="form.values.staff_id" :remote="staffOfStore" :placeholder="form.values.store_id ? t('member.pickStaff') : t('tp.storeFirst')" :disabled="!form.values.store_id" name="staff_id" />
            </hh-field>
          </div>
          <details class="utm-box" :open="form.values.channel !== 'counter'">
            <summary>{{ t('tp.utm') }} <span class="muted">{{ t('tp.utmHint') }}</span></summary>
            <div class="utm-grid">
              <hh-field v-for="k in UTM" :key="k" :label="k" :error="form.errors[k]" :name="k">
                <input class="hh-input mono" v-model="form.values[k]" maxlength="100" />
              </hh-field>
            </div>
          </details>
          <hh-field :label="t('tp.expires')" :error="form.errors.expires" :hint="t('tp.expiresHint')" name="expires">
            <input class="hh-input" type="datetime-local" v-model="form.values.expires" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="tp-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('tp.createGo') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="detail.open" :title="detail.tp ? detail.tp.name : ''" :subtitle="detail.tp ? detail.tp.brand_name + ' · ' + t('channel.' + detail.tp.channel) : ''" width="560px" @close="detail.open = false">
        <div v-if="detail.tp" class="tp-detail" data-test="tp-detail">
          <div class="tp-qr-panel">
            <img class="tp-qr" :class="{ dim: detail.tp.state !== 'active' }" :src="'/api/touchpoints/' + detail.tp.id + '/qr.svg?scale=8&label=1'" :alt="detail.tp.name" data-test="qr" />
            <div class="tp-qr-side">
              <span class="hh-tag" :class="stateTone(detail.tp.state)" data-test="tp-state">{{ t('tp.state.' + detail.tp.state) }}</span>
              <div class="tp-scans"><b data-test="tp-scans">{{ fmtNumber(detail.tp.scan_count || 0) }}</b><span>{{ t('tp.scans') }}</span></div>
              <button type="button" class="hh-btn hh-btn-sm hh-btn-block" @click="dl(detail.tp, 'png')" data-test="dl-png"><hh-icon name="download" :size="15" /> PNG</button>
              <button type="button" class="hh-btn hh-btn-sm hh-btn-block" @click="dl(detail.tp, 'svg')" data-test="dl-svg"><hh-icon name="download" :size="15" /> SVG</button>
            </div>
          </div>
          <div class="short-url">
            <hh-icon name="link" :size="16" /><a :href="detail.tp.short_url" target="_blank" rel="noopener" class="mono" data-test="short-url">{{ detail.tp.short_url }}</a>
            <button type="button" class="hh-btn hh-btn-sm" @click="copyUrl(detail.tp.short_url)" data-test="copy"><hh-icon name="copy" :size="15" /> {{ t('tp.copy') }}</button>
          </div>
          <dl class="hh-kv">
            <dt>{{ t('tp.code') }}</dt><dd class="mono">{{ detail.tp.code }}</dd>
            <dt>{{ t('tp.kind') }}</dt><dd>{{ t('tp.kind.' + (detail.tp.kind || 'qr')) }}</dd>
            <dt>{{ t('tp.campaign') }}</dt><dd>{{ detail.tp.campaign_name || t('tp.noCampaign') }}</dd>
            <dt>{{ t('tp.store') }}</dt><dd>{{ detail.tp.store_name || '—' }}</dd>
            <dt>{{ t('tp.staff') }}</dt><dd>{{ detail.tp.staff_name || '—' }}</dd>
            <template v-for="k in UTM" :key="k"><template v-if="detail.tp[k]"><dt class="mono">{{ k }}</dt><dd class="mono">{{ detail.tp[k] }}</dd></template></template>
            <dt>{{ t('tp.batch') }}</dt><dd>{{ detail.tp.batch_id ? '#' + detail.tp.batch_id : '—' }}</dd>
            <dt>{{ t('common.createdAt') }}</dt><dd>{{ fmtDateTime(detail.tp.created_at) }}</dd>
            <dt v-if="detail.tp.disabled_at">{{ t('tp.disabledAt') }}</dt><dd v-if="detail.tp.disabled_at">{{ fmtDateTime(detail.tp.disabled_at) }}</dd>
          </dl>
          <div v-if="can('touchpoint.update')" class="tp-expiry">
            <hh-field :label="t('tp.expires')" :hint="t('tp.expiresHint')" name="detail-expires">
              <div class="inline-row"><input class="hh-input" type="datetime-local" v-model="detail.expires" />
                <button type="button" class="hh-btn" :disabled="detail.busy" @click="saveExpiry">{{ t('common.save') }}</button></div>
            </hh-field>
          </div>
        </div>
        <template #footer v-if="detail.tp">
          <button type="button" class="hh-btn" @click="refreshDetail"><hh-icon name="refresh" :size="15" /> {{ t('tp.refresh') }}</button>
          <template v-if="can('touchpoint.update')">
            <button v-if="!detail.tp.disabled_at" type="button" class="hh-btn hh-btn-danger" :disabled="detail.busy" @click="setDisabled(true)" data-test="disable">{{ t('tp.disable') }}</button>
            <button v-else type="button" class="hh-btn hh-btn-primary" :disabled="detail.busy" @click="setDisabled(false)" data-test="enable">{{ t('tp.enable') }}</button>
          </template>
        </template>
      </hh-drawer>

      <hh-drawer :open="bDrawer.open" :title="t('tpb.create')" :subtitle="t('tpb.createSub')" width="600px" @close="bDrawer.open = false">
        <form class="hh-form" id="batch-form" @submit.prevent="saveBatch" novalidate>
          <hh-form-error :message="bForm.formError" />
          <hh-field :label="t('tpb.name')" :error="bForm.errors.name" name="name" required>
            <input class="hh-input" v-model="bForm.values.name" :placeholder="t('tpb.namePh')" maxlength="100" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('tp.brand')" :error="bForm.errors.brand_id" name="brand_id" required>
              <hh-select v-model="bForm.values.brand_id" :options="brands" :placeholder="t('tp.brandPh')" name="brand_id" :invalid="!!bForm.errors.brand_id" />
            </hh-field>
            <hh-field :label="t('tp.channel')" :error="bForm.errors.channel" name="channel" required>
              <hh-select v-model="bForm.values.channel" :options="channels" :clearable="false" name="channel" />
            </hh-field>
            <hh-field :label="t('tp.campaign')" :error="bForm.errors.campaign_id" name="campaign_id">
              <hh-select v-model="bForm.values.campaign_id" :options="bCampaigns" :placeholder="bForm.values.brand_id ? t('tp.campaignPh') : t('tp.brandFirst')" :disabled="!bForm.values.brand_id" name="campaign_id" />
            </hh-field>
          </div>
          <hh-field :label="t('tpb.per')" :error="bForm.errors.per" name="per">
            <div class="role-cards">
              <label v-for="p in ['store', 'store_staff']" :key="p" class="role-card" :class="{ active: bForm.values.per === p }" :data-per="p">
                <input type="radio" :value="p" v-model="bForm.values.per" /><b>{{ t('tpb.per.' + p) }}</b><small>{{ t('tpb.perHint.' + p) }}</small></label>
            </div>
          </hh-field>
          <hh-field :label="t('tpb.stores')" :error="bForm.errors.store_ids" :hint="t('tpb.storesHint')" name="store_ids">
            <hh-select v-model="bForm.values.store_ids" :options="bStores" multiple :placeholder="bForm.values.brand_id ? t('tpb.allStores', { n: bStores.length }) : t('tp.brandFirst')" :disabled="!bForm.values.brand_id" name="store_ids" />
          </hh-field>
          <details class="utm-box">
            <summary>{{ t('tp.utm') }} <span class="muted">{{ t('tp.utmHint') }}</span></summary>
            <div class="utm-grid">
              <hh-field v-for="k in UTM" :key="k" :label="k" :error="bForm.errors[k]" :name="k"><input class="hh-input mono" v-model="bForm.values[k]" maxlength="100" /></hh-field>
            </div>
          </details>
          <div class="hh-alert hh-alert-info" v-if="bForm.values.brand_id"><hh-icon name="info" />
            <span>{{ bForm.values.per === 'store' ? t('tpb.expectStores', { n: expectCount }) : t('tpb.expectStaff', { n: expectCount }) }}</span></div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="bDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="batch-form" class="hh-btn hh-btn-primary" :disabled="bForm.busy" data-test="save">{{ t('tpb.createGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
