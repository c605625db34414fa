// Campaigns (活动): a brand's time window of benefits. List with the status a
// person sees now (status_now), create / edit (window in the enterprise's time
// zone, budget, limits per member, per store and in all, target tags, free
// lottery draws), publish / pause / resume / end, and the live usage (uses,
// budget spent) refreshed while the detail is open, with the campaign's coupon
// templates and the link of its member landing page.
//
// Also exports what the coupons screen shares: times in the enterprise zone
// for <input type=datetime-local>, yuan ↔ fen, and the status badge.

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber, timeZone } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, clean } from '../parts.js';
import { ProgressBar, usePoller, tagOptions, copyText } from '../crm.js';

addMessages({
  'zh-CN': {
    'nav.group.campaigns': '营销',
    'nav.campaigns': '营销活动',
    'cp.desc': '活动把扫码、领券、抽奖串起来：设定时间窗口、预算与参与限制，发布后按时间自动开始和结束',
    'cp.create': '新建活动',
    'cp.createSub': '先存为草稿，检查无误后再发布',
    'cp.edit': '编辑活动',
    'cp.search': '搜索活动名称',
    'cp.allStatus': '全部状态',
    'cp.empty': '还没有活动，点击右上角「新建活动」开始',
    'cp.name': '活动名称',
    'cp.namePh': '如：春日焕新 · 回店礼',
    'cp.description': '活动说明',
    'cp.descriptionPh': '会员在活动页看到的介绍',
    'cp.brand': '所属品牌',
    'cp.window': '活动时间',
    'cp.startsAt': '开始时间',
    'cp.endsAt': '结束时间',
    'cp.zoneHint': '按企业时区 {tz} 填写',
    'cp.budget': '预算（元）',
    'cp.budgetHint': '领券按券面额计入；留空为不限',
    'cp.limits': '参与限制',
    'cp.limitsHint': '每次领券或抽奖算一次参与；留空为不限',
    'cp.perMemberTotal': '每人总次数',
    'cp.perMemberDaily': '每人每天次数',
    'cp.perStore': '每店总次数',
    'cp.global': '活动总次数',
    'cp.targetTags': '目标会员标签',
    'cp.targetTagsHint': '只有带这些标签之一的会员可以参与；不选为所有会员',
    'cp.lottery': '抽奖设置',
    'cp.freeDraws': '每人每天免费抽奖次数',
    'cp.drawPoints': '每次抽奖消耗积分',
    'cp.unlimited': '不限',
    'cp.usage': '参与情况',
    'cp.used': '已参与 {n} 次',
    'cp.usedOf': '{n} / {max} 次',
    'cp.spent': '已用预算',
    'cp.spentOf': '¥{n} / ¥{max}',
    'cp.noBudget': '未设预算',
    'cp.needName': '请填写活动名称',
    'cp.needBrand': '请选择品牌',
    'cp.needStart': '请选择开始时间',
    'cp.needEnd': '请选择结束时间',
    'cp.endBeforeStart': '结束时间须晚于开始时间',
    'cp.badNumber': '请填写正整数',
    'cp.badMoney': '请填写金额，如 5000 或 99.5',
    'cp.created': '已创建活动「{name}」（草稿）',
    'cp.saved': '活动已保存',
    'cp.publish': '发布',
    'cp.pause': '暂停',
    'cp.resume': '恢复',
    'cp.end': '结束活动',
    'cp.confirm.publish': '发布后会员即可在活动时间内参与，确定发布「{name}」？',
    'cp.confirm.pause': '暂停后会员暂时无法领券和抽奖，确定暂停？',
    'cp.confirm.resume': '确定恢复活动？',
    'cp.confirm.end': '结束后不能再恢复，抽奖种子将公开。确定结束「{name}」？',
    'cp.done.publish': '活动已发布',
    'cp.done.pause': '活动已暂停',
    'cp.done.resume': '活动已恢复',
    'cp.done.end': '活动已结束',
    'cp.landing': '会员活动页',
    'cp.copyLink': '复制链接',
    'cp.copied': '已复制',
    'cp.coupons': '活动优惠券',
    'cp.noCoupons': '还没有关联的优惠券',
    'cp.addCoupon': '新建活动券',
    'cp.seed': '抽奖种子承诺',
    'cp.seedRevealed': '抽奖种子（已公开）',
    'cp.liveHint': '每 5 秒自动刷新',
    'cp.targets': '目标标签',
    'cp.everyone': '所有会员',
    'cp.detail': '详情',
    'cp.status': '状态',
  },
  en: {
    'nav.group.campaigns': 'Marketing',
    'nav.campaigns': 'Campaigns',
    'cp.desc': 'A campaign ties scans, coupons and draws together: a time window, a budget and limits; once published it starts and ends by the clock',
    'cp.create': 'New campaign',
    'cp.createSub': 'Saved as a draft; publish it when it is ready',
    'cp.edit': 'Edit campaign',
    'cp.search': 'Search campaigns',
    'cp.allStatus': 'All statuses',
    'cp.empty': 'No campaigns yet: start with "New campaign"',
    'cp.name': 'Name',
    'cp.namePh': 'e.g. Spring comeback gift',
    'cp.description': 'Description',
    'cp.descriptionPh': 'What members read on the campaign page',
    'cp.brand': 'Brand',
    'cp.window': 'Window',
    'cp.startsAt': 'Starts',
    'cp.endsAt': 'Ends',
    'cp.zoneHint': 'In the enterprise time zone {tz}',
    'cp.budget': 'Budget (¥)',
    'cp.budgetHint': 'Claimed coupons count at their value; empty for no cap',
    'cp.limits': 'Limits',
    'cp.limitsHint': 'Each claim or draw is one use; empty for no limit',
    'cp.perMemberTotal': 'Per member in all',
    'cp.perMemberDaily': 'Per member per day',
    'cp.perStore': 'Per store in all',
    'cp.global': 'In all',
    'cp.targetTags': 'Target tags',
    'cp.targetTagsHint': 'Only members with one of these tags may take part; none for everyone',
    'cp.lottery': 'Lottery',
    'cp.freeDraws': 'Free draws per member per day',
    'cp.drawPoints': 'Points per draw',
    'cp.unlimited': 'No limit',
    'cp.usage': 'Usage',
    'cp.used': '{n} uses',
    'cp.usedOf': '{n} / {max} uses',
    'cp.spent': 'Budget spent',
    'cp.spentOf': '¥{n} / ¥{max}',
    'cp.noBudget': 'No budget',
    'cp.needName': 'Enter a name',
    'cp.needBrand': 'Choose a brand',
    'cp.needStart': 'Choose the start',
    'cp.needEnd': 'Choose the end',
    'cp.endBeforeStart': 'The end must be after the start',
    'cp.badNumber': 'Enter a positive whole number',
    'cp.badMoney': 'Enter an amount, e.g. 5000 or 99.5',
    'cp.created': 'Campaign "{name}" created (draft)',
    'cp.saved': 'Campaign saved',
    'cp.publish': 'Publish',
    'cp.pause': 'Pause',
    'cp.resume': 'Resume',
    'cp.end': 'End',
    'cp.confirm.publish': 'Members can take part within the window once it is published. Publish "{name}"?',
    'cp.confirm.pause': 'Members cannot claim or draw while it is paused. Pause?',
    'cp.confirm.resume': 'Resume the campaign?',
    'cp.confirm.end': 'An ended campaign cannot resume and its lottery seed becomes public. End "{name}"?',
    'cp.done.publish': 'Published',
    'cp.done.pause': 'Paused',
    'cp.done.resume': 'Resumed',
    'cp.done.end': 'Ended',
    'cp.landing': 'Member page',
    'cp.copyLink': 'Copy link',
    'cp.copied': 'Copied',
    'cp.coupons': 'Coupons of this campaign',
    'cp.noCoupons': 'No coupons yet',
    'cp.addCoupon': 'New coupon',
    'cp.seed': 'Lottery seed commitment',
    'cp.seedRevealed': 'Lottery seed (revealed)',
    'cp.liveHint': 'Refreshes every 5 s',
    'cp.targets': 'Target tags',
    'cp.everyone': 'Everyone',
    'cp.detail': 'Details',
    'cp.status': 'Status',
  },
});

/* ---- shared with the coupons screen ---- */

/** UTC ms → "YYYY-MM-DDTHH:MM" in the enterprise zone (for datetime-local inputs). */
export function toZoneInput(ms) {
  if (ms === null || ms === undefined || ms === '') return '';
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
    timeZone: timeZone.value, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(Number(ms))).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

/** "YYYY-MM-DDTHH:MM" read in the enterprise zone → UTC ms (null when empty). */
export function fromZoneInput(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(s || '');
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // the zone's offset at that instant (twice, for the hours around a DST change)
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const back = toZoneInput(guess);
    const b = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(back);
    const shown = Date.UTC(+b[1], +b[2] - 1, +b[3], +b[4], +b[5]);
    guess += wall - shown;
  }
  return guess;
}

/** 12345 fen → "123.45"; whole yuan without decimals. */
export const yuan = (fen) => {
  if (fen === null || fen === undefined) return '';
  const v = Number(fen) / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, '');
};
/** "123.45" → 12345; null when empty; NaN when not an amount. */
export const toFen = (s) => {
  const v = String(s ?? '').trim();
  if (!v) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(v)) return NaN;
  return Math.round(Number(v) * 100);
};
/** A positive whole number, null when empty, NaN otherwise. */
export const toCount = (s) => {
  const v = String(s ?? '').trim();
  if (!v) return null;
  return /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : NaN;
};

const STATUS_TONE = { draft: '', scheduled: 'hh-tag-info', live: 'hh-tag-success', paused: 'hh-tag-warn', ended: '' };
export const CampaignBadge = {
  props: { status: String },
  setup() { return { t, STATUS_TONE }; },
  template: `<span class="hh-tag" :class="STATUS_TONE[status]" :data-status="status"><i v-if="status === 'live'" class="cp-live-dot"></i>{{ t('campaign.status.' + status) }}</span>`,
};

/* ---- the screen ---- */

const EMPTY = {
  brand_id: null, name: '', description: '', starts: '', ends: '', budget: '',
  per_member_total: '', per_member_daily: '', per_store_limit: '', global_limit: '',
  target_tag_ids: [], free_draws_per_day: '0', draw_points: '',
};
const LIMITS = ['per_member_total', 'per_member_daily', 'per_store_limit', 'global_limit'];
const ACTIONS = {
  draft: ['publish'], scheduled: ['pause', 'end'], live: ['pause', 'end'], paused: ['resume', 'end'], ended: [],
};

export default {
  components: { PageHead, ListToolbar, ProgressBar, CampaignBadge },
  setup() {
    const list = useList('/api/campaigns', { archived: false, filters: { brand_id: null, status: null } });
    list.load();
    const brands = ref([]);
    const tags = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    tagOptions().then((o) => { tags.value = o; }).catch(() => {});
    const statuses = computed(() => ['draft', 'scheduled', 'live', 'paused', 'ended'].map((s) => ({ value: s, label: t('campaign.status.' + s) })));
    const columns = computed(() => [
      { key: 'name', label: t('cp.name') },
      { key: 'status', label: t('cp.status'), width: '110px' },
      { key: 'window', label: t('cp.window'), width: '250px' },
      { key: 'usage', label: t('cp.usage'), width: '200px' },
      { key: 'budget', label: t('cp.spent'), width: '200px' },
      { key: 'actions', label: '', width: '90px', align: 'right' },
    ]);

    // create / edit
    const drawer = reactive({ open: false, editing: null });
    const form = useForm(EMPTY, [...Object.keys(EMPTY), 'starts_at', 'ends_at', 'budget_fen']);
    function openCreate() {
      const start = Date.now() + 3600_000;
      form.reset({ ...EMPTY, target_tag_ids: [], brand_id: list.filters.brand_id || (brands.value.length === 1 ? brands.value[0].value : null),
        starts: toZoneInput(start - (start % 3600_000)), ends: toZoneInput(start - (start % 3600_000) + 30 * 86400_000) });
      drawer.editing = null;
      drawer.open = true;
    }
    function openEdit(c) {
      form.reset({
        brand_id: c.brand_id, name: c.name, description: c.description || '', starts: toZoneInput(c.starts_at), ends: toZoneInput(c.ends_at),
        budget: yuan(c.budget_fen), per_member_total: c.per_member_total ?? '', per_member_daily: c.per_member_daily ?? '',
        per_store_limit: c.per_store_limit ?? '', global_limit: c.global_limit ?? '', target_tag_ids: [...(c.target_tag_ids || [])],
        free_draws_per_day: String(c.free_draws_per_day ?? 0), draw_points: c.draw_points ?? '',
      });
      drawer.editing = c;
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('cp.needName');
      if (!v.brand_id) form.errors.brand_id = t('cp.needBrand');
      const starts = fromZoneInput(v.starts), ends = fromZoneInput(v.ends);
      if (!starts) form.errors.starts = t('cp.needStart');
      if (!ends) form.errors.ends = t('cp.needEnd');
      else if (starts && ends <= starts) form.errors.ends = t('cp.endBeforeStart');
      const budget = toFen(v.budget);
      if (Number.isNaN(budget)) form.errors.budget = t('cp.badMoney');
      const nums = {};
      for (const k of [...LIMITS, 'draw_points']) { nums[k] = toCount(v[k]); if (Number.isNaN(nums[k])) form.errors[k] = t('cp.badNumber'); }
      const free = String(v.free_draws_per_day || '0');
      if (!/^\d+$/.test(free)) form.errors.free_draws_per_day = t('cp.badNumber');
      if (Object.keys(form.errors).length) return;
      const body = { name: v.name, description: v.description, starts_at: starts, ends_at: ends, budget_fen: budget,
        target_tag_ids: v.target_tag_ids.map(Number), free_draws_per_day: Number(free), draw_points: nums.draw_points };
      for (const k of LIMITS) body[k] = nums[k];
      let res;
      if (drawer.editing) {
        res = await form.run(() => api.patch(`/api/campaigns/${drawer.editing.id}`, body));
      } else {
        body.brand_id = v.brand_id;
        for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
        res = await form.run(() => api.post('/api/campaigns', body));
      }
      for (const [from, to] of [['starts_at', 'starts'], ['ends_at', 'ends'], ['budget_fen', 'budget']]) if (form.errors[from]) form.errors[to] = form.errors[from];
      if (res) {
        toast.success(drawer.editing ? t('cp.saved') : t('cp.created', { name: res.name }));
        drawer.open = false;
        list.load();
        openDetail(res);
      }
    }

    // detail with live usage
    const detail = reactive({ open: false, c: null, busy: false, coupons: [] });
    async function refreshDetail() {
      if (!detail.c) return;
      try { detail.c = await api.get(`/api/campaigns/${detail.c.id}`); } catch (_) { /* keep the last */ }
    }
    async function openDetail(c) {
      detail.c = c;
      detail.coupons = [];
      detail.open = true;
      live.start();
      try { detail.coupons = (await api.get('/api/coupon-templates', { campaign_id: c.id, limit: 100 })).items || []; } catch (_) { /* none shown */ }
    }
    const live = usePoller(async () => {
      if (!detail.open) return true;
      await refreshDetail();
      return false;
    }, 5000);
    watch(() => detail.open, (o) => { if (!o) live.stop(); });
    async function act(action) {
      const c = detail.c;
      const ok = await confirmDialog({ title: t('cp.' + action), message: t('cp.confirm.' + action, { name: c.name }), okText: t('cp.' + action), danger: action === 'end' });
      if (!ok) return;
      detail.busy = true;
      try {
        detail.c = await api.post(`/api/campaigns/${c.id}/${action}`);
        toast.success(t('cp.done.' + action));
        list.load();
      } catch (e) { toast.error(e.message); } finally { detail.busy = false; }
    }
    const landing = (c) => `${location.origin}/m/#/c/${c.id}`;
    async function copyLanding(c) { if (await copyText(landing(c))) toast.success(t('cp.copied')); }
    const tagName = (id) => (tags.value.find((x) => x.value === id) || { label: '#' + id }).label;
    const pct = (a, b) => (b ? Math.min(100, Math.round((a * 100) / b)) : 0);
    return {
      list, brands, tags, statuses, columns, drawer, form, openCreate, openEdit, save, detail, act, ACTIONS, landing, copyLanding,
      tagName, pct, yuan, fmtNumber, fmtDateTime, timeZone, can, t,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.campaigns')" :desc="t('cp.desc')">
        <button v-if="can('campaign.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('cp.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('cp.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
            <hh-select class="list-filter-sm" v-model="list.filters.status" :options="statuses" :placeholder="t('cp.allStatus')" name="filter-status" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('cp.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-name="{ row }">
            <button type="button" class="link-btn cell-main" @click="openDetail(row)" data-test="open-campaign">{{ row.name }}</button>
            <div class="cell-sub">{{ row.brand_name }}</div>
          </template>
          <template #cell-status="{ row }"><campaign-badge :status="row.status_now" /></template>
          <template #cell-window="{ row }"><div>{{ fmtDateTime(row.starts_at) }}</div><div class="cell-sub">{{ t('cp.endsAt') }} {{ fmtDateTime(row.ends_at) }}</div></template>
          <template #cell-usage="{ row }">
            <progress-bar v-if="row.global_limit" :done="row.used_count" :total="row.global_limit" status="running" :label="t('cp.usedOf', { n: fmtNumber(row.used_count), max: fmtNumber(row.global_limit) })" />
            <span v-else>{{ t('cp.used', { n: fmtNumber(row.used_count) }) }}</span>
          </template>
          <template #cell-budget="{ row }">
            <progress-bar v-if="row.budget_fen" :done="row.spent_fen" :total="row.budget_fen" status="running" :label="t('cp.spentOf', { n: yuan(row.spent_fen), max: yuan(row.budget_fen) })" />
            <span v-else class="muted">{{ t('cp.noBudget') }}<template v-if="row.spent_fen"> · ¥{{ yuan(row.spent_fen) }}</template></span>
          </template>
          <template #cell-actions="{ row }"><button type="button" class="hh-btn hh-btn-sm" @click="openDetail(row)">{{ t('cp.detail') }}</button></template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.editing ? t('cp.edit') : t('cp.create')" :subtitle="drawer.editing ? drawer.editing.name : t('cp.createSub')" width="640px" @close="drawer.open = false">
        <form class="hh-form" id="cp-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div class="hh-form-row">
            <hh-field :label="t('cp.name')" :error="form.errors.name" name="name" required>
              <input class="hh-input" v-model="form.values.name" :placeholder="t('cp.namePh')" maxlength="64" />
            </hh-field>
            <hh-field :label="t('cp.brand')" :error="form.errors.brand_id" name="brand_id" required>
              <hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('tp.brandPh')" name="brand_id" :disabled="!!drawer.editing" :invalid="!!form.errors.brand_id" />
            </hh-field>
          </div>
          <hh-field :label="t('cp.description')" :error="form.errors.description" name="description">
            <textarea class="hh-input" rows="2" v-model="form.values.description" :placeholder="t('cp.descriptionPh')" maxlength="500"></textarea>
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('cp.startsAt')" :error="form.errors.starts" :hint="t('cp.zoneHint', { tz: timeZone })" name="starts" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.starts" />
            </hh-field>
            <hh-field :label="t('cp.endsAt')" :error="form.errors.ends" name="ends" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.ends" />
            </hh-field>
          </div>
          <hh-field :label="t('cp.budget')" :error="form.errors.budget" :hint="t('cp.budgetHint')" name="budget">
            <input class="hh-input" inputmode="decimal" v-model="form.values.budget" :placeholder="t('cp.unlimited')" />
          </hh-field>
          <fieldset class="cp-fieldset">
            <legend>{{ t('cp.limits') }} <small class="muted">{{ t('cp.limitsHint') }}</small></legend>
            <div class="cp-grid4">
              <hh-field v-for="k in ['per_member_total', 'per_member_daily', 'per_store_limit', 'global_limit']" :key="k" :label="t({ per_member_total: 'cp.perMemberTotal', per_member_daily: 'cp.perMemberDaily', per_store_limit: 'cp.perStore', global_limit: 'cp.global' }[k])" :error="form.errors[k]" :name="k">
                <input class="hh-input" inputmode="numeric" v-model="form.values[k]" :placeholder="t('cp.unlimited')" />
              </hh-field>
            </div>
          </fieldset>
          <hh-field :label="t('cp.targetTags')" :error="form.errors.target_tag_ids" :hint="t('cp.targetTagsHint')" name="target_tag_ids">
            <hh-select v-model="form.values.target_tag_ids" :options="tags" multiple :placeholder="t('cp.everyone')" name="target_tag_ids" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('cp.freeDraws')" :error="form.errors.free_draws_per_day" name="free_draws_per_day">
              <input class="hh-input" inputmode="numeric" v-model="form.values.free_draws_per_day" />
            </hh-field>
            <hh-field :label="t('cp.drawPoints')" :error="form.errors.draw_points" name="draw_points">
              <input class="hh-input" inputmode="numeric" v-model="form.values.draw_points" :placeholder="t('cp.unlimited')" />
            </hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="cp-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="detail.open" :title="detail.c ? detail.c.name : ''" :subtitle="detail.c ? detail.c.brand_name : ''" width="600px" @close="detail.open = false">
        <div v-if="detail.c" class="cp-detail" data-test="campaign-detail">
          <div class="cp-detail-head">
            <campaign-badge :status="detail.c.status_now" />
            <span class="muted">{{ fmtDateTime(detail.c.starts_at) }} — {{ fmtDateTime(detail.c.ends_at) }}</span>
          </div>
          <div class="cp-stats" data-test="campaign-usage">
            <div class="cp-stat"><small>{{ t('cp.usage') }} <span class="muted">· {{ t('cp.liveHint') }}</span></small>
              <b data-test="used-count">{{ fmtNumber(detail.c.used_count) }}</b>
              <progress-bar v-if="detail.c.global_limit" compact :done="detail.c.used_count" :total="detail.c.global_limit" status="running" />
              <span class="cell-sub" v-if="detail.c.global_limit">{{ t('cp.usedOf', { n: fmtNumber(detail.c.used_count), max: fmtNumber(detail.c.global_limit) }) }}</span></div>
            <div class="cp-stat"><small>{{ t('cp.spent') }}</small>
              <b data-test="spent">¥{{ yuan(detail.c.spent_fen) || 0 }}</b>
              <progress-bar v-if="detail.c.budget_fen" compact :done="detail.c.spent_fen" :total="detail.c.budget_fen" status="running" />
              <span class="cell-sub">{{ detail.c.budget_fen ? t('cp.spentOf', { n: yuan(detail.c.spent_fen) || 0, max: yuan(detail.c.budget_fen) }) : t('cp.noBudget') }}</span></div>
          </div>
          <dl class="hh-kv">
            <dt>{{ t('cp.perMemberTotal') }}</dt><dd>{{ detail.c.per_member_total ?? t('cp.unlimited') }}</dd>
            <dt>{{ t('cp.perMemberDaily') }}</dt><dd>{{ detail.c.per_member_daily ?? t('cp.unlimited') }}</dd>
            <dt>{{ t('cp.perStore') }}</dt><dd>{{ detail.c.per_store_limit ?? t('cp.unlimited') }}</dd>
            <dt>{{ t('cp.global') }}</dt><dd>{{ detail.c.global_limit ?? t('cp.unlimited') }}</dd>
            <dt>{{ t('cp.targets') }}</dt><dd>{{ (detail.c.target_tag_ids || []).length ? detail.c.target_tag_ids.map(tagName).join('、') : t('cp.everyone') }}</dd>
            <dt>{{ t('cp.freeDraws') }}</dt><dd>{{ detail.c.free_draws_per_day }}</dd>
            <template v-if="detail.c.description"><dt>{{ t('cp.description') }}</dt><dd>{{ detail.c.description }}</dd></template>
            <template v-if="detail.c.seed"><dt>{{ t('cp.seedRevealed') }}</dt><dd class="mono">{{ detail.c.seed }}</dd></template>
            <template v-else-if="detail.c.seed_commitment"><dt>{{ t('cp.seed') }}</dt><dd class="mono">{{ detail.c.seed_commitment }}</dd></template>
          </dl>
          <div v-if="detail.c.status_now !== 'draft'" class="short-url">
            <hh-icon name="link" :size="16" /><a :href="landing(detail.c)" target="_blank" rel="noopener" class="mono" data-test="landing">{{ landing(detail.c) }}</a>
            <button type="button" class="hh-btn hh-btn-sm" @click="copyLanding(detail.c)"><hh-icon name="copy" :size="15" /> {{ t('cp.copyLink') }}</button>
          </div>
          <div class="cp-coupons">
            <div class="cp-coupons-head"><b>{{ t('cp.coupons') }}</b>
              <a v-if="can('coupon.manage')" class="hh-btn hh-btn-sm" :href="'#/coupons?new=1&campaign_id=' + detail.c.id + '&brand_id=' + detail.c.brand_id"><hh-icon name="plus" :size="14" /> {{ t('cp.addCoupon') }}</a></div>
            <p v-if="!detail.coupons.length" class="muted">{{ t('cp.noCoupons') }}</p>
            <ul v-else class="cp-coupon-list">
              <li v-for="x in detail.coupons" :key="x.id"><a :href="'#/coupons?open=' + x.id">{{ x.name }}</a>
                <span class="muted">{{ fmtNumber(x.issued) }}<template v-if="x.quantity"> / {{ fmtNumber(x.quantity) }}</template></span></li>
            </ul>
          </div>
        </div>
        <template #footer v-if="detail.c">
          <button v-if="can('campaign.manage') && detail.c.status_now !== 'ended'" type="button" class="hh-btn" @click="openEdit(detail.c)" data-test="edit"><hh-icon name="edit" :size="15" /> {{ t('common.edit') }}</button>
          <template v-if="can('campaign.manage')">
            <button v-for="a in ACTIONS[detail.c.status_now] || []" :key="a" type="button" class="hh-btn"
                    :class="a === 'end' ? 'hh-btn-danger' : 'hh-btn-primary'" :disabled="detail.busy" @click="act(a)" :data-test="'action-' + a">{{ t('cp.' + a) }}</button>
          </template>
        </template>
      </hh-drawer>
    </div>`,
};
