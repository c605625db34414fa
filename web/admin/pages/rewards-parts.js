// rewards-parts.js — what the two offer pages of the rewards group, red
// envelope pools (envelopes.js) and trial samples (samples.js), share: their
// stylesheet, the money helpers, campaign options, the budget-left bar, the
// frame of the page (two tabs kept in the URL, brands, the list of offers),
// the create / edit drawer's state with the brand and campaign fields, the
// list toolbar with brand and state filters, confirm-then-act, and the words
// these use (zh-CN first, then en; env.* keys).

import { reactive, ref, computed, watch } from 'vue';
import { listAll } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtNumber } from '/shared/format.js';
import { route } from '/shared/router.js';
import { ListToolbar, brandOptions } from '../parts.js';
import { FilterChips } from '../crm.js';
import { loadStylesheet } from '/shared/css.js';

addMessages({
  'zh-CN': {
    'env.allBrands': '全部品牌',
    'env.brand': '品牌',
    'env.brandPh': '选择品牌',
    'env.campaign': '所属活动',
    'env.campaignPh': '不属于任何活动',
    'env.campaignHint': '属于活动时，每次领取都计入活动的名额、次数和预算',
    'env.campaignState.draft': '草稿',
    'env.campaignState.scheduled': '未开始',
    'env.campaignState.live': '进行中',
    'env.campaignState.paused': '已暂停',
    'env.campaignState.ended': '已结束',
    'env.needBrand': '请选择品牌',
    'env.badAmount': '请填写金额，最多两位小数',
    'env.amountPositive': '金额须大于 0',
    'env.save': '保存',
    'env.left': '剩余 {left} / {total}',
    'env.leftUnits': '剩余 {left} / {total} {unit}',
    'env.countLeft': '剩余 {left} / {total} 个',
    'env.noMember': '未填姓名',
  },
  en: {
    'env.allBrands': 'All brands',
    'env.brand': 'Brand',
    'env.brandPh': 'Choose a brand',
    'env.campaign': 'Campaign',
    'env.campaignPh': 'No campaign',
    'env.campaignHint': 'Claims from a campaign’s pool count toward its limits and budget',
    'env.campaignState.draft': 'Draft',
    'env.campaignState.scheduled': 'Scheduled',
    'env.campaignState.live': 'Live',
    'env.campaignState.paused': 'Paused',
    'env.campaignState.ended': 'Ended',
    'env.needBrand': 'Choose a brand',
    'env.badAmount': 'Enter an amount with at most 2 decimals',
    'env.amountPositive': 'The amount must be more than 0',
    'env.save': 'Save',
    'env.left': '{left} of {total} left',
    'env.leftUnits': '{left} of {total} {unit} left',
    'env.countLeft': '{left} of {total} envelopes left',
    'env.noMember': 'No name',
  },
});

/** Load the rewards stylesheet (rewards.css) once. */
export function useRewardStyles() {
  loadStylesheet('/admin/pages/rewards.css');
}

/** 12345 fen → "¥123.45" */
export function yuan(fen) {
  if (fen === null || fen === undefined) return '—';
  const n = Number(fen) / 100;
  return '¥' + new Intl.NumberFormat(lang.value === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
}

/** "12.3" (yuan, as typed) → 1230 fen; NaN when it is not an amount with at most 2 decimals. */
export function toFen(text) {
  const s = String(text ?? '').trim().replace(/^¥/, '').replace(/,/g, '');
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return NaN;
  const [i, d = ''] = s.split('.');
  return Number(i) * 100 + Number((d + '00').slice(0, 2));
}
export const fenText = (fen) => (fen === null || fen === undefined ? '' : (Number(fen) / 100).toFixed(2).replace(/\.00$/, ''));

/** Campaign options of a brand that are not over (for "belongs to a campaign"). */
export async function campaignOptions(brandId) {
  if (!brandId) return [];
  try {
    const items = await listAll('/api/campaigns', { brand_id: brandId }, 500);
    return items.filter((c) => c.status_now !== 'ended')
      .map((c) => ({ value: c.id, label: c.name, sub: t('env.campaignState.' + c.status_now) }));
  } catch (_) { return []; }
}

/** <budget-bar :left :total :count-left :count-total /> — what is left, as a bar. */
export const BudgetBar = {
  props: { left: Number, total: Number, countLeft: Number, countTotal: Number, money: { type: Boolean, default: true }, unit: String },
  setup(props) {
    const pct = computed(() => (props.total ? Math.max(0, Math.min(100, (props.left * 100) / props.total)) : 0));
    const tone = computed(() => (pct.value <= 0 ? 'empty' : pct.value < 15 ? 'low' : pct.value < 50 ? 'mid' : 'ok'));
    return { pct, tone, yuan, fmtNumber, t };
  },
  template: `
    <div class="rw-budget" :class="'is-' + tone" :data-left="left" :data-total="total">
      <div class="rw-budget-track"><div class="rw-budget-fill" :style="{ width: pct + '%' }"></div></div>
      <div class="rw-budget-text">
        <span v-if="money">{{ t('env.left', { left: yuan(left), total: yuan(total) }) }}</span>
        <span v-else>{{ t('env.leftUnits', { left: fmtNumber(left), total: fmtNumber(total), unit: unit || '' }) }}</span>
        <b>{{ Math.floor(pct) }}%</b>
      </div>
      <div class="rw-budget-sub" v-if="countTotal !== undefined && countTotal !== null">{{ t('env.countLeft', { left: fmtNumber(countLeft), total: fmtNumber(countTotal) }) }}</div>
    </div>`,
};

/* ------------------------------------------------------------- the page */

/**
 * The frame of an offer page: the stylesheet, the tab (`first` or `second`,
 * kept in the URL as #/<page>?tab=<second>), the brand options, and the list
 * of offers at `path` (filters brand_id and status), loaded.
 * → { q (the route's query), tab, brands, offers }
 */
export function useOfferPage({ page, tabs: [first, second], path }) {
  useRewardStyles();
  const q = route.query;
  const tab = ref(q.tab === second ? second : first);
  watch(tab, (v) => { history.replaceState(null, '', '#/' + page + (v === second ? '?tab=' + second : '')); });
  const brands = ref([]);
  brandOptions().then((o) => { brands.value = o; }).catch(() => {});
  const offers = useList(path, { archived: false, filters: { brand_id: null, status: null } });
  offers.load();
  return { q, tab, brands, offers };
}

/**
 * The create / edit drawer of an offer: drawer {open, item (the offer edited,
 * or null)}, the form (`empty` values, `fields` the server may name), the
 * campaigns of the chosen brand, openCreate() (the brand filtered on, or the
 * only brand) and openEdit(offer) (with the values `toForm(offer)`).
 */
export function useOfferDrawer({ empty, fields, offers, brands, toForm }) {
  const drawer = reactive({ open: false, item: null });
  const form = useForm(empty, fields);
  const campaigns = ref([]);
  watch(() => form.values.brand_id, async (b) => { campaigns.value = await campaignOptions(b); });
  function openCreate() {
    drawer.item = null;
    form.reset({ ...empty, brand_id: offers.filters.brand_id || (brands.value.length === 1 ? brands.value[0].value : null) });
    drawer.open = true;
  }
  function openEdit(x) {
    drawer.item = x;
    form.reset({ ...empty, ...toForm(x) });
    drawer.open = true;
  }
  return { drawer, form, campaigns, openCreate, openEdit };
}

/** Ask (confirmDialog options); when confirmed, `action()` then the toast `done`. Resolves true when it was done; an error is a toast. */
export async function confirmAndRun(dialog, action, done) {
  const ok = await confirmDialog(dialog);
  if (!ok) return false;
  try {
    await action();
    toast.success(done);
    return true;
  } catch (e) {
    toast.error(e.message);
    return false;
  }
}

/** <offer-toolbar :list :brands :chips :placeholder /> — search, brand and state filters of the offers list. */
export const OfferToolbar = {
  components: { ListToolbar, FilterChips },
  props: { list: Object, brands: Array, chips: Array, placeholder: String },
  setup() { return { t }; },
  template: `
    <list-toolbar :list="list" :placeholder="placeholder" :archived="false">
      <template #filters>
        <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('env.allBrands')" name="filter-brand" />
        <filter-chips v-model="list.filters.status" :options="chips" />
      </template>
    </list-toolbar>`,
};

/** <brand-campaign-row :form :brands :campaigns /> — the brand (required) and the campaign it belongs to, in the create form. */
export const BrandCampaignRow = {
  props: { form: Object, brands: Array, campaigns: Array },
  setup() { return { t }; },
  template: `
    <div class="hh-form-row">
      <hh-field :label="t('env.brand')" :error="form.errors.brand_id" name="brand_id" required>
        <hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('env.brandPh')" name="brand_id" :invalid="!!form.errors.brand_id" />
      </hh-field>
      <hh-field :label="t('env.campaign')" :error="form.errors.campaign_id" :hint="t('env.campaignHint')" name="campaign_id">
        <hh-select v-model="form.values.campaign_id" :options="campaigns" :placeholder="t('env.campaignPh')" :disabled="!form.values.brand_id" name="campaign_id" />
      </hh-field>
    </div>`,
};
