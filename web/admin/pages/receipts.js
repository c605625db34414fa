// Receipts (小票审核): the review queue with the photo beside the fields,
// approve (the matching amount tier pays at once) or reject with a reason;
// decided receipts with their rewards; and the amount tiers editor
// (客单越高优惠越大: spend at least X → coupon, red envelope, draws, points).

import { reactive, ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions } from '../parts.js';

export const yuan = (fen) => (fen == null ? '—' : '¥' + (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: fen % 100 ? 2 : 0, maximumFractionDigits: 2 }));

export function rewardText(r) {
  const en = lang.value === 'en';
  let s;
  if (r.kind === 'coupon') s = t('rv.reward.coupon', { name: r.name || ('#' + r.template_id) });
  else if (r.kind === 'envelope') s = t('rv.reward.envelope', { amount: r.amount_fen != null ? yuan(r.amount_fen) : '' });
  else if (r.kind === 'draws') s = t('rv.reward.draws', { n: r.draws });
  else if (r.kind === 'points') s = t('rv.reward.points', { n: r.points });
  else s = t('rv.reward.campaign');
  if (r.status !== 'granted') s += ' — ' + ((en ? r.message_en : r.message) || t('rv.reward.' + r.status));
  return s;
}

const tierSummary = (x) => [
  x.coupon_template_id ? t('rv.reward.coupon', { name: x.coupon_template_name || '#' + x.coupon_template_id }) : '',
  x.envelope_pool_id ? t('rv.tier.envelope', { name: x.envelope_pool_name || '#' + x.envelope_pool_id }) : '',
  x.draws ? t('rv.reward.draws', { n: x.draws }) : '',
  x.points ? t('rv.reward.points', { n: x.points }) : '',
].filter(Boolean);

const STATUS_CLASS = { pending: 'hh-tag-warn', approved: 'hh-tag-success', rejected: 'hh-tag-danger' };

/* -------------------------------------------------------------- the queue */

const ReviewDrawer = {
  props: { id: Number },
  emits: ['close', 'decided'],
  setup(props, { emit }) {
    const x = ref(null);
    const error = ref('');
    const rejecting = ref(false);
    const form = useForm({ reason: '' });
    const busy = ref(false);
    async function load() {
      x.value = null; error.value = ''; rejecting.value = false; form.reset({ reason: '' });
      if (!props.id) return;
      try { x.value = await api.get(`/api/receipts/${props.id}`); } catch (e) { error.value = e.message; }
    }
    watch(() => props.id, load, { immediate: true });
    async function approve() {
      busy.value = true;
      try {
        const r = await api.post(`/api/receipts/${props.id}/approve`, {});
        const granted = r.rewards.filter((w) => w.status === 'granted').length;
        toast.success(r.rewards.length ? t('rv.approvedToast', { n: granted }) : t('rv.approvedNoReward'));
        emit('decided', r);
      } catch (e) { toast.error(e.message); load(); } finally { busy.value = false; }
    }
    async function reject() {
      if (!form.values.reason.trim()) { form.errors.reason = t('rv.needReason'); return; }
      const r = await form.run(() => api.post(`/api/receipts/${props.id}/reject`, { reason: form.values.reason.trim() }));
      if (r) { toast.success(t('rv.rejectedToast')); emit('decided', r); }
    }
    const REASONS = computed(() => [t('rv.reason.blurry'), t('rv.reason.mismatch'), t('rv.reason.brand'), t('rv.reason.old')]);
    return { x, error, rejecting, form, busy, approve, reject, REASONS, yuan, rewardText, tierSummary, fmtDateTime, STATUS_CLASS, t };
  },
  template: `
    <hh-drawer :open="!!id" :title="t('rv.drawerTitle')" :subtitle="x ? x.receipt_no : ''" width="860px" @close="$emit('close')">
      <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
      <div v-else-if="!x" class="rv-loading"><span class="hh-spinner"></span></div>
      <div v-else class="rv-review" data-test="review">
        <a class="rv-photo" :href="'/api/receipts/' + x.id + '/photo'" target="_blank" rel="noopener" :title="t('rv.openPhoto')">
          <img v-if="x.has_photo" :src="'/api/receipts/' + x.id + '/photo'" :alt="t('rv.photo')" data-test="review-photo" />
          <span v-else class="muted">{{ t('rv.noPhoto') }}</span>
        </a>
        <div class="rv-side">
          <div class="rv-amount"><b>{{ yuan(x.amount_fen) }}</b><span class="hh-tag" :class="STATUS_CLASS[x.status]">{{ t('rv.status.' + x.status) }}</span></div>
          <dl class="hh-kv">
            <dt>{{ t('rv.member') }}</dt><dd>{{ x.member_name || t('rv.noName') }} <span class="mono muted">{{ x.member_phone_masked }}</span></dd>
            <dt>{{ t('rv.brand') }}</dt><dd>{{ x.brand_name }}<span v-if="x.campaign_name" class="muted"> · {{ x.campaign_name }}</span></dd>
            <dt>{{ t('rv.store') }}</dt><dd>{{ x.store_name.includes(x.retailer) ? x.store_name : x.retailer + ' · ' + x.store_name }}<span v-if="!x.store_id" class="hh-tag">{{ t('rv.typedStore') }}</span></dd>
            <dt>{{ t('rv.no') }}</dt><dd class="mono">{{ x.receipt_no }}</dd>
            <dt>{{ t('rv.purchased') }}</dt><dd>{{ fmtDateTime(x.purchased_at) }}</dd>
            <dt>{{ t('rv.submitted') }}</dt><dd>{{ fmtDateTime(x.created_at) }}</dd>
            <template v-if="x.reviewed_at"><dt>{{ t('rv.reviewed') }}</dt><dd>{{ fmtDateTime(x.reviewed_at) }} · {{ x.reviewed_by_name }}</dd></template>
            <template v-if="x.reject_reason"><dt>{{ t('rv.reason') }}</dt><dd class="danger">{{ x.reject_reason }}</dd></template>
          </dl>
          <div v-if="x.status === 'pending'" class="rv-tier" data-test="matching-tier">
            <template v-if="x.matching_tier"><b>{{ t('rv.willPay', { name: x.matching_tier.name }) }}</b>
              <ul><li v-for="s in tierSummary(x.matching_tier)" :key="s">{{ s }}</li></ul></template>
            <span v-else class="muted">{{ t('rv.noTier') }}</span>
          </div>
          <div v-if="x.status === 'approved'" class="rv-tier">
            <b>{{ t('rv.rewards') }}</b>
            <ul><li v-for="(w, i) in x.rewards" :key="i" :class="w.status">{{ rewardText(w) }}<span v-if="w.code" class="mono muted"> {{ w.code }}</span></li>
              <li v-if="!x.rewards.length" class="muted">{{ t('rv.noTier') }}</li></ul>
          </div>
          <form v-if="rejecting" class="hh-form" @submit.prevent="reject" novalidate data-test="reject-form">
            <hh-form-error :message="form.formError" />
            <hh-field :label="t('rv.reason')" :error="form.errors.reason" name="reason" required>
              <textarea class="hh-textarea" v-model="form.values.reason" maxlength="200" :placeholder="t('rv.reasonPh')" data-test="reason"></textarea>
            </hh-field>
            <div class="rv-reasons"><button v-for="r in REASONS" :key="r" type="button" class="hh-tag" @click="form.values.reason = r">{{ r }}</button></div>
          </form>
        </div>
      </div>
      <template #footer v-if="x && x.status === 'pending'">
        <template v-if="!rejecting">
          <button type="button" class="hh-btn" @click="rejecting = true" data-test="reject">{{ t('rv.reject') }}</button>
          <button type="button" class="hh-btn hh-btn-primary" :disabled="busy" @click="approve" data-test="approve">{{ busy ? t('common.loading') : t('rv.approve') }}</button>
        </template>
        <template v-else>
          <button type="button" class="hh-btn" @click="rejecting = false">{{ t('common.cancel') }}</button>
          <button type="button" class="hh-btn hh-btn-danger" :disabled="form.busy" @click="reject" data-test="confirm-reject">{{ t('rv.confirmReject') }}</button>
        </template>
      </template>
    </hh-drawer>`,
};

/* -------------------------------------------------------------- the tiers */

const EMPTY_TIER = { brand_id: null, campaign_id: null, name: '', min_yuan: '', coupon_template_id: null, envelope_pool_id: null, draws: 0, points: 0 };

async function optionsOr(path, params, map) {
  try { return (await listAll(path, params)).map(map); } catch (_) { return null; }
}

const TiersTab = {
  setup() {
    const list = reactive({ items: [], loading: true, error: '' });
    const brandFilter = ref(null);
    const brands = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    async function load() {
      list.error = '';
      try { list.items = (await api.get('/api/receipt-tiers', { brand_id: brandFilter.value || undefined })).items || []; } catch (e) { list.error = e.message; } finally { list.loading = false; }
    }
    watch(brandFilter, load);
    load();
    const columns = computed(() => [
      { key: 'brand_name', label: t('rv.brand'), width: '150px' },
      { key: 'name', label: t('rv.tier.name') },
      { key: 'min_amount_fen', label: t('rv.tier.min'), width: '120px', align: 'right' },
      { key: 'rewards', label: t('rv.tier.rewards') },
      { key: 'campaign_name', label: t('rv.tier.campaign'), width: '160px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY_TIER, Object.keys(EMPTY_TIER).concat(['min_amount_fen']));
    const opts = reactive({ campaigns: [], templates: [], pools: [], templatesMissing: false, poolsMissing: false });
    async function loadOptions() {
      const b = form.values.brand_id;
      if (!b) return;
      const known = (k, n) => list.items.filter((x) => x[k]).map((x) => ({ value: x[k], label: x[n] || '#' + x[k] }));
      const [c, tp, p] = await Promise.all([
        optionsOr('/api/campaigns', { brand_id: b }, (x) => ({ value: x.id, label: x.name, sub: x.status_now || x.status })),
        optionsOr('/api/coupon-templates', { brand_id: b }, (x) => ({ value: x.id, label: x.name, sub: x.kind })),
        optionsOr('/api/envelope-pools', { brand_id: b }, (x) => ({ value: x.id, label: x.name })),
      ]);
      opts.campaigns = c || [];
      opts.templates = tp || known('coupon_template_id', 'coupon_template_name');
      opts.pools = p || known('envelope_pool_id', 'envelope_pool_name');
    }
    watch(() => form.values.brand_id, loadOptions);
    function openCreate() { drawer.row = null; form.reset({ ...EMPTY_TIER, brand_id: brandFilter.value || (brands.value[0] && brands.value[0].value) || null }); drawer.open = true; loadOptions(); }
    function openEdit(row) {
      drawer.row = row;
      form.reset({ brand_id: row.brand_id, campaign_id: row.campaign_id, name: row.name, min_yuan: String(row.min_amount_fen / 100),
        coupon_template_id: row.coupon_template_id, envelope_pool_id: row.envelope_pool_id, draws: row.draws, points: row.points });
      drawer.open = true; loadOptions();
    }
    async function save() {
      const v = form.values;
      form.errors = {};
      const min = Math.round(Number(v.min_yuan) * 100);
      if (!v.brand_id) form.errors.brand_id = t('rv.tier.needBrand');
      if (!v.name.trim()) form.errors.name = t('rv.tier.needName');
      if (!(min > 0)) form.errors.min_yuan = t('rv.tier.needMin');
      if (Object.keys(form.errors).length) return;
      const body = { name: v.name.trim(), min_amount_fen: min, coupon_template_id: v.coupon_template_id || null, envelope_pool_id: v.envelope_pool_id || null,
        draws: Number(v.draws) || 0, points: Number(v.points) || 0 };
      const editing = drawer.row;
      if (!editing) { body.brand_id = v.brand_id; if (v.campaign_id) body.campaign_id = v.campaign_id; if (!body.coupon_template_id) delete body.coupon_template_id; if (!body.envelope_pool_id) delete body.envelope_pool_id; }
      const res = await form.run(() => (editing ? api.patch(`/api/receipt-tiers/${editing.id}`, body) : api.post('/api/receipt-tiers', body)).catch((e) => {
        if (e.field === 'min_amount_fen') e.field = 'min_yuan';
        throw e;
      }));
      if (res) { toast.success(t('common.saved')); drawer.open = false; load(); }
    }
    async function remove(row) {
      const ok = await confirmDialog({ title: t('rv.tier.deleteTitle'), message: t('rv.tier.deleteText', { name: row.name }), okText: t('rv.tier.delete'), danger: true });
      if (!ok) return;
      try { await api.del(`/api/receipt-tiers/${row.id}`); toast.success(t('rv.tier.deleted')); load(); } catch (e) { toast.error(e.message); }
    }
    return { list, load, brandFilter, brands, columns, drawer, form, opts, openCreate, openEdit, save, remove, tierSummary, yuan, can, t };
  },
  template: `
    <div class="hh-card">
      <div class="list-toolbar">
        <hh-select class="list-filter-sm" v-model="brandFilter" :options="brands" :placeholder="t('rv.allBrands')" name="tier-brand" />
        <p class="muted rv-tier-help">{{ t('rv.tier.help') }}</p>
        <div class="list-toolbar-right">
          <button v-if="can('receipt.tiers')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create-tier"><hh-icon name="plus" /> {{ t('rv.tier.create') }}</button>
        </div>
      </div>
      <hh-table :columns="columns" :rows="list.items" :total="list.items.length" :limit="500" :offset="0" :page-sizes="[500]" :loading="list.loading" :error="list.error"
                :empty-text="t('rv.tier.empty')" @retry="load">
        <template #cell-min_amount_fen="{ row }"><b>{{ yuan(row.min_amount_fen) }}</b></template>
        <template #cell-rewards="{ row }"><div class="hh-tags"><span v-for="s in tierSummary(row)" :key="s" class="hh-tag hh-tag-primary">{{ s }}</span></div></template>
        <template #cell-campaign_name="{ row }"><span class="muted">{{ row.campaign_name || t('rv.tier.anyCampaign') }}</span></template>
        <template #cell-actions="{ row }">
          <div class="cell-actions" v-if="can('receipt.tiers')">
            <button type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
            <button type="button" class="hh-btn hh-btn-link danger" @click="remove(row)">{{ t('rv.tier.delete') }}</button>
          </div>
        </template>
      </hh-table>
      <hh-drawer :open="drawer.open" :title="drawer.row ? t('rv.tier.edit') : t('rv.tier.create')" :subtitle="t('rv.tier.sub')" @close="drawer.open = false">
        <form class="hh-form" id="tier-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('rv.brand')" :error="form.errors.brand_id" name="brand_id" required>
            <hh-select v-model="form.values.brand_id" :options="brands" :disabled="!!drawer.row" name="brand_id" :clearable="false" />
          </hh-field>
          <hh-field :label="t('rv.tier.campaign')" :error="form.errors.campaign_id" :hint="t('rv.tier.campaignHint')" name="campaign_id">
            <hh-select v-model="form.values.campaign_id" :options="opts.campaigns" :disabled="!!drawer.row" name="campaign_id" :placeholder="t('rv.tier.anyCampaign')" />
          </hh-field>
          <hh-field :label="t('rv.tier.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" maxlength="32" :placeholder="t('rv.tier.namePh')" />
          </hh-field>
          <hh-field :label="t('rv.tier.minYuan')" :error="form.errors.min_yuan" name="min_yuan" required>
            <input class="hh-input" v-model="form.values.min_yuan" inputmode="decimal" maxlength="10" placeholder="200" data-test="min" />
          </hh-field>
          <hh-field :label="t('rv.tier.coupon')" :error="form.errors.coupon_template_id" name="coupon_template_id">
            <hh-select v-model="form.values.coupon_template_id" :options="opts.templates" name="coupon_template_id" :placeholder="t('rv.tier.none')" />
          </hh-field>
          <hh-field :label="t('rv.tier.envelopeField')" :error="form.errors.envelope_pool_id" name="envelope_pool_id">
            <hh-select v-model="form.values.envelope_pool_id" :options="opts.pools" name="envelope_pool_id" :placeholder="t('rv.tier.none')" />
          </hh-field>
          <div class="rv-two">
            <hh-field :label="t('rv.tier.draws')" :error="form.errors.draws" :hint="t('rv.tier.drawsHint')" name="draws">
              <input class="hh-input" type="number" min="0" max="100" v-model.number="form.values.draws" />
            </hh-field>
            <hh-field :label="t('rv.tier.points')" :error="form.errors.points" :hint="t('rv.tier.pointsHint')" name="points">
              <input class="hh-input" type="number" min="0" v-model.number="form.values.points" />
            </hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="tier-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};

export default {
  components: { PageHead, ListToolbar, ReviewDrawer, TiersTab },
  setup() {
    const tab = ref('pending');
    const list = useList('/api/receipts', { filters: { status: 'pending', brand_id: null, store_id: null }, archived: false });
    list.load();
    watch(tab, (v) => { if (v !== 'tiers') { list.filters.status = v; list.offset = 0; list.load(); } });
    const brands = ref([]), stores = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const columns = computed(() => [
      { key: 'created_at', label: t('rv.submitted'), width: '150px' },
      { key: 'member_name', label: t('rv.member'), width: '170px' },
      { key: 'store_name', label: t('rv.store') },
      { key: 'amount_fen', label: t('rv.amount'), width: '110px', align: 'right' },
      { key: 'receipt_no', label: t('rv.no'), width: '170px' },
      { key: 'status', label: t('rv.statusCol'), width: '190px' },
      { key: 'actions', label: '', width: '90px', align: 'right' },
    ]);
    const openId = ref(null);
    function decided() { openId.value = null; list.load(); }
    return { tab, list, brands, stores, columns, openId, decided, yuan, rewardText, fmtDateTime, STATUS_CLASS, t };
  },
  template: `
    <div class="page" data-page="receipts">
      <page-head :title="t('rv.title')" :desc="t('rv.desc')" />
      <div class="seg rv-tabs">
        <label v-for="k in ['pending', 'approved', 'rejected', 'tiers']" :key="k" class="seg-item" :class="{ active: tab === k }" :data-tab="k">
          <input type="radio" :value="k" v-model="tab" /> {{ t('rv.tab.' + k) }}<span v-if="k === 'pending' && tab === 'pending' && list.loaded" class="rv-count">{{ list.total }}</span></label>
      </div>
      <tiers-tab v-if="tab === 'tiers'" />
      <div v-else class="hh-card">
        <list-toolbar :list="list" :placeholder="t('rv.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('rv.allBrands')" name="filter-brand" />
            <hh-select class="list-filter-sm" v-model="list.filters.store_id" :options="stores" :placeholder="t('rv.allStores')" name="filter-store" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="tab === 'pending' ? t('rv.emptyQueue') : t('rv.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-created_at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-member_name="{ row }"><div>{{ row.member_name || t('rv.noName') }}</div><div class="mono muted">{{ row.member_phone_masked }}</div></template>
          <template #cell-store_name="{ row }"><div>{{ row.store_name }}</div><div class="muted">{{ row.brand_name }} · {{ row.retailer }}</div></template>
          <template #cell-amount_fen="{ row }"><b>{{ yuan(row.amount_fen) }}</b></template>
          <template #cell-receipt_no="{ row }"><span class="mono">{{ row.receipt_no }}</span></template>
          <template #cell-status="{ row }">
            <span class="hh-tag" :class="STATUS_CLASS[row.status]">{{ t('rv.status.' + row.status) }}</span>
            <div v-if="row.status === 'approved'" class="muted rv-cell-rewards">{{ row.rewards.filter(w => w.status === 'granted').map(rewardText).join('；') || t('rv.noTier') }}</div>
            <div v-if="row.status === 'rejected'" class="muted rv-cell-rewards">{{ row.reject_reason }}</div>
          </template>
          <template #cell-actions="{ row }">
            <button type="button" class="hh-btn hh-btn-link" @click="openId = row.id" :data-review="row.id">{{ row.status === 'pending' ? t('rv.review') : t('rv.view') }}</button>
          </template>
        </hh-table>
      </div>
      <review-drawer :id="openId" @close="openId = null" @decided="decided" />
    </div>`,
};

if (!document.querySelector('style[data-css=receipts]')) {
  const st = document.createElement('style');
  st.dataset.css = 'receipts';
  st.textContent = `
    .rv-tabs { margin-bottom: 14px; display: inline-flex; }
    .rv-count { margin-left: 6px; background: var(--hh-primary); color: #fff; border-radius: 9px; padding: 0 7px; font-size: 12px; }
    .rv-loading { display: flex; justify-content: center; padding: 40px; }
    .rv-review { display: grid; grid-template-columns: minmax(0, 1.1fr) minmax(0, 1fr); gap: 20px; align-items: start; }
    .rv-photo { display: flex; align-items: center; justify-content: center; background: #1d2129; border-radius: 10px; min-height: 320px; max-height: 70vh; overflow: hidden; }
    .rv-photo img { max-width: 100%; max-height: 70vh; object-fit: contain; display: block; }
    .rv-amount { display: flex; align-items: center; justify-content: space-between; margin-bottom: 12px; }
    .rv-amount b { font-size: 26px; }
    .rv-tier { margin-top: 14px; padding: 12px 14px; border-radius: 10px; background: var(--hh-primary-50); }
    .rv-tier ul { margin: 6px 0 0; padding-left: 18px; }
    .rv-tier li.failed, .rv-tier li.skipped { color: var(--hh-ink-3); }
    .rv-reasons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: -4px; }
    .rv-reasons .hh-tag { cursor: pointer; border: 0; }
    .rv-cell-rewards { font-size: 12px; margin-top: 4px; line-height: 1.4; }
    .rv-two { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
    .rv-tier-help { font-size: 13px; margin: 0 8px; }
    .hh-kv dd.danger { color: var(--hh-danger); }
    @media (max-width: 900px) { .rv-review { grid-template-columns: 1fr; } }`;
  document.head.appendChild(st);
}

addMessages({
  'zh-CN': {
    'nav.receipts': '小票审核',
    'nav.activities': '门店活动',
    'nav.group.rewards': '奖励与活动',
    'rv.title': '小票审核',
    'rv.desc': '核对会员上传的购物小票；审核通过时按金额档位自动发放奖励。门店导购在员工端审核本店小票。',
    'rv.tab.pending': '待审核',
    'rv.tab.approved': '已通过',
    'rv.tab.rejected': '已驳回',
    'rv.tab.tiers': '金额档位',
    'rv.search': '搜索小票号或零售商',
    'rv.allBrands': '全部品牌',
    'rv.allStores': '全部门店',
    'rv.submitted': '提交时间',
    'rv.member': '会员',
    'rv.store': '门店',
    'rv.brand': '品牌',
    'rv.amount': '金额',
    'rv.no': '小票号',
    'rv.statusCol': '状态',
    'rv.status.pending': '待审核',
    'rv.status.approved': '已通过',
    'rv.status.rejected': '已驳回',
    'rv.review': '审核',
    'rv.view': '查看',
    'rv.emptyQueue': '没有待审核的小票，全部处理完了',
    'rv.empty': '没有小票',
    'rv.noName': '未填姓名',
    'rv.drawerTitle': '小票审核',
    'rv.photo': '小票照片',
    'rv.openPhoto': '在新窗口查看原图',
    'rv.noPhoto': '没有照片',
    'rv.typedStore': '手填门店',
    'rv.purchased': '购买时间',
    'rv.reviewed': '审核',
    'rv.reason': '驳回原因',
    'rv.reasonPh': '会员会看到这段说明，请写清楚原因',
    'rv.needReason': '请填写驳回原因',
    'rv.reason.blurry': '照片模糊，看不清金额或小票号',
    'rv.reason.mismatch': '填写的金额与小票不符',
    'rv.reason.brand': '小票中没有本品牌商品',
    'rv.reason.old': '小票超出活动时间',
    'rv.willPay': '通过后发放「{name}」',
    'rv.noTier': '金额未达到任何档位，通过后不发放奖励',
    'rv.rewards': '已发放',
    'rv.approve': '审核通过',
    'rv.reject': '驳回',
    'rv.confirmReject': '确认驳回',
    'rv.approvedToast': '已通过，发放了 {n} 项奖励',
    'rv.approvedNoReward': '已通过（未达到奖励档位）',
    'rv.rejectedToast': '已驳回，会员会看到原因',
    'rv.reward.coupon': '优惠券 {name}',
    'rv.reward.envelope': '红包 {amount}',
    'rv.reward.draws': '抽奖 {n} 次',
    'rv.reward.points': '积分 {n}',
    'rv.reward.campaign': '活动',
    'rv.reward.failed': '未发放',
    'rv.reward.skipped': '暂未发放',
    'rv.tier.help': '审核通过时发放满足条件的最高一档；带活动的档位仅在活动进行中有效。',
    'rv.tier.create': '新建档位',
    'rv.tier.edit': '编辑档位',
    'rv.tier.sub': '小票金额达到门槛即发放以下奖励',
    'rv.tier.name': '档位名称',
    'rv.tier.namePh': '如：满 200 元',
    'rv.tier.min': '金额门槛',
    'rv.tier.minYuan': '金额门槛（元）',
    'rv.tier.rewards': '奖励',
    'rv.tier.campaign': '所属活动',
    'rv.tier.campaignHint': '选择活动后，仅在活动进行中有效，并计入活动限额；抽奖次数需要指定活动',
    'rv.tier.anyCampaign': '不限活动',
    'rv.tier.coupon': '优惠券',
    'rv.tier.envelopeField': '红包',
    'rv.tier.envelope': '红包 {name}',
    'rv.tier.none': '不发放',
    'rv.tier.draws': '抽奖次数',
    'rv.tier.drawsHint': '0 为不送',
    'rv.tier.points': '积分',
    'rv.tier.pointsHint': '积分功能上线后发放',
    'rv.tier.needBrand': '请选择品牌',
    'rv.tier.needName': '请填写档位名称',
    'rv.tier.needMin': '请填写大于 0 的金额',
    'rv.tier.empty': '还没有金额档位',
    'rv.tier.delete': '删除',
    'rv.tier.deleteTitle': '删除档位',
    'rv.tier.deleteText': '删除「{name}」后，新通过的小票不再按此档位发放；已发放的奖励不受影响。',
    'rv.tier.deleted': '档位已删除',
  },
  en: {
    'nav.receipts': 'Receipts',
    'nav.activities': 'Store events',
    'nav.group.rewards': 'Rewards & events',
    'rv.title': 'Receipt review',
    'rv.desc': 'Check the receipts members upload; approving pays the amount tier at once. Counter staff review their store\'s receipts in the staff app.',
    'rv.tab.pending': 'To review',
    'rv.tab.approved': 'Approved',
    'rv.tab.rejected': 'Rejected',
    'rv.tab.tiers': 'Amount tiers',
    'rv.search': 'Search receipt number or retailer',
    'rv.allBrands': 'All brands',
    'rv.allStores': 'All stores',
    'rv.submitted': 'Submitted',
    'rv.member': 'Member',
    'rv.store': 'Store',
    'rv.brand': 'Brand',
    'rv.amount': 'Amount',
    'rv.no': 'Receipt no.',
    'rv.statusCol': 'Status',
    'rv.status.pending': 'To review',
    'rv.status.approved': 'Approved',
    'rv.status.rejected': 'Rejected',
    'rv.review': 'Review',
    'rv.view': 'View',
    'rv.emptyQueue': 'Nothing to review — all done',
    'rv.empty': 'No receipts',
    'rv.noName': 'No name',
    'rv.drawerTitle': 'Review a receipt',
    'rv.photo': 'Receipt photo',
    'rv.openPhoto': 'Open the full image',
    'rv.noPhoto': 'No photo',
    'rv.typedStore': 'typed store',
    'rv.purchased': 'Purchased',
    'rv.reviewed': 'Reviewed',
    'rv.reason': 'Reason',
    'rv.reasonPh': 'The member sees this; say clearly what is wrong',
    'rv.needReason': 'Give the reason',
    'rv.reason.blurry': 'The photo is blurred: amount or number unreadable',
    'rv.reason.mismatch': 'The amount does not match the receipt',
    'rv.reason.brand': 'No product of this brand on the receipt',
    'rv.reason.old': 'The receipt is outside the campaign period',
    'rv.willPay': 'Approving pays "{name}"',
    'rv.noTier': 'Below every tier: no reward',
    'rv.rewards': 'Paid',
    'rv.approve': 'Approve',
    'rv.reject': 'Reject',
    'rv.confirmReject': 'Reject',
    'rv.approvedToast': 'Approved; {n} rewards paid',
    'rv.approvedNoReward': 'Approved (below every tier)',
    'rv.rejectedToast': 'Rejected; the member sees the reason',
    'rv.reward.coupon': 'Coupon {name}',
    'rv.reward.envelope': 'Red envelope {amount}',
    'rv.reward.draws': '{n} draws',
    'rv.reward.points': '{n} points',
    'rv.reward.campaign': 'Campaign',
    'rv.reward.failed': 'not paid',
    'rv.reward.skipped': 'not yet paid',
    'rv.tier.help': 'Approval pays the highest tier reached; a tier with a campaign counts only while the campaign is live.',
    'rv.tier.create': 'New tier',
    'rv.tier.edit': 'Edit tier',
    'rv.tier.sub': 'A receipt of at least this amount earns these rewards',
    'rv.tier.name': 'Tier name',
    'rv.tier.namePh': 'e.g. ¥200 and up',
    'rv.tier.min': 'Minimum',
    'rv.tier.minYuan': 'Minimum amount (yuan)',
    'rv.tier.rewards': 'Rewards',
    'rv.tier.campaign': 'Campaign',
    'rv.tier.campaignHint': 'With a campaign the tier counts only while it is live, against its limits; draws need a campaign',
    'rv.tier.anyCampaign': 'Any',
    'rv.tier.coupon': 'Coupon',
    'rv.tier.envelopeField': 'Red envelope',
    'rv.tier.envelope': 'Red envelope {name}',
    'rv.tier.none': 'None',
    'rv.tier.draws': 'Lottery draws',
    'rv.tier.drawsHint': '0: none',
    'rv.tier.points': 'Points',
    'rv.tier.pointsHint': 'Paid once points are available',
    'rv.tier.needBrand': 'Choose the brand',
    'rv.tier.needName': 'Name the tier',
    'rv.tier.needMin': 'Give an amount above 0',
    'rv.tier.empty': 'No amount tiers yet',
    'rv.tier.delete': 'Delete',
    'rv.tier.deleteTitle': 'Delete tier',
    'rv.tier.deleteText': 'After deleting "{name}", newly approved receipts no longer earn it; rewards already paid stay.',
    'rv.tier.deleted': 'Tier deleted',
  },
});
