// Red envelopes (红包): pools and the envelopes paid from them.
// Pools: each with its budget-left bar (what is left of the budget and of the
// count), mode (fixed amount or lucky-money split), payout counts; create,
// edit (count, budget, per-member limit — never below what is granted),
// close, delete an unused one. Envelopes: every envelope with its payout
// status (pending → paid / failed, attempts, the provider's error), filtered
// by pool and status; a failed one can be retried. Pending rows refresh by
// themselves until they settle. What it shares with the samples page is in
// rewards-parts.js.

import { ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, clean } from '../parts.js';
import { Tabs, FilterChips, usePoller } from '../crm.js';
import { yuan, toFen, fenText, BudgetBar, useOfferPage, useOfferDrawer, confirmAndRun, OfferToolbar, BrandCampaignRow } from './rewards-parts.js';

export const PayoutTag = {
  props: { status: String },
  setup() { return { t }; },
  template: `<span class="hh-tag rw-payout" :class="{ 'hh-tag-warn': status === 'pending', 'hh-tag-success': status === 'paid', 'hh-tag-danger': status === 'failed' }" :data-status="status">
    <span v-if="status === 'pending'" class="hh-spinner hh-spinner-xs"></span>{{ t('env.status.' + status) }}</span>`,
};

addMessages({
  'zh-CN': {
    'nav.group.rewards': '权益',
    'nav.envelopes': '红包',
    'env.desc': '红包池的预算永不超发：固定金额或拼手气随机金额，发放后经打款渠道到账，可查看每个红包的打款状态。',
    'env.tabPools': '红包池',
    'env.tabEnvelopes': '发放记录',
    'env.create': '新建红包池',
    'env.createSub': '预算和个数决定能发多少；拼手气红包每个至少为最小金额，最后一个拿走余额',
    'env.edit': '修改红包池',
    'env.search': '搜索红包池名称',
    'env.allPools': '全部红包池',
    'env.empty': '还没有红包池，点击右上角“新建红包池”开始',
    'env.emptyEnvelopes': '没有符合条件的红包',
    'env.name': '名称',
    'env.namePh': '例如：到店有礼 · 拼手气红包',
    'env.mode': '金额方式',
    'env.mode.fixed': '固定金额',
    'env.mode.random': '拼手气',
    'env.modeHint.fixed': '每个红包金额相同',
    'env.modeHint.random': '随机金额，总额即预算',
    'env.amount': '单个金额（元）',
    'env.budget': '总预算（元）',
    'env.count': '红包个数',
    'env.min': '最小金额（元）',
    'env.perMember': '每人限领',
    'env.perMemberUnit': '个',
    'env.fixedTotal': '总预算 = {amount} × {n} 个 = {total}',
    'env.randomAvg': '平均每个 {avg}，每个至少 {min}',
    'env.needName': '请填写名称',
    'env.needCount': '个数须为正整数',
    'env.budgetTooSmall': '预算至少为 最小金额 × 个数 = {min}',
    'env.createGo': '创建红包池',
    'env.created': '红包池“{name}”已创建',
    'env.saved': '已保存',
    'env.col.pool': '红包池',
    'env.col.mode': '金额',
    'env.col.left': '预算余量',
    'env.col.payout': '打款',
    'env.col.status': '状态',
    'env.fixedEach': '固定 {amount}/个',
    'env.randomMin': '拼手气 · 至少 {min}',
    'env.perMemberN': '每人限 {n} 个',
    'env.paidN': '已到账 {n}',
    'env.pendingN': '待打款 {n}',
    'env.failedN': '失败 {n}',
    'env.paidFen': '已打款 {amount}',
    'env.pool.active': '发放中',
    'env.pool.closed': '已关闭',
    'env.close': '关闭',
    'env.closeTitle': '关闭红包池',
    'env.closeText': '关闭“{name}”后不再发放新红包，已发出的红包照常打款。确定关闭吗？',
    'env.closed': '红包池已关闭',
    'env.delete': '删除',
    'env.deleteTitle': '删除红包池',
    'env.deleteText': '“{name}”还没有发出红包，删除后不可恢复。确定删除吗？',
    'env.deleted': '红包池已删除',
    'env.viewEnvelopes': '发放记录',
    'env.granted': '已发出 {n} 个，共 {amount}',
    'env.editLimits': '个数和预算不能少于已发出的部分；已关闭的红包池只能改名称。',
    'env.closedNote': '该红包池已关闭，只能修改名称。',
    'env.col.id': '编号',
    'env.col.member': '会员',
    'env.col.amount': '金额',
    'env.col.payoutStatus': '打款状态',
    'env.col.time': '领取 / 到账',
    'env.status.pending': '待打款',
    'env.status.paid': '已到账',
    'env.status.failed': '打款失败',
    'env.attempts': '已尝试 {n} 次',
    'env.nextTry': '下次尝试 {at}',
    'env.retry': '重新打款',
    'env.retryTitle': '重新打款',
    'env.retryText': '将红包 #{id}（{amount}）重新交给打款渠道。渠道曾拒绝时会作为新的打款请求；曾超时时沿用原请求编号，不会重复到账。',
    'env.retried': '已重新提交打款',
    'env.source.claim': '会员领取',
    'env.source.receipt': '小票奖励',
    'env.source.lottery': '抽奖中奖',
    'env.source.admin': '后台发放',
    'env.refresh': '刷新',
    'env.via': '渠道：{provider}',
  },
  en: {
    'nav.group.rewards': 'Rewards',
    'nav.envelopes': 'Red envelopes',
    'env.desc': 'A pool never pays more than its budget: fixed amounts or lucky-money splits, paid out through the payout provider, with the payout status of every envelope.',
    'env.tabPools': 'Pools',
    'env.tabEnvelopes': 'Envelopes',
    'env.create': 'New pool',
    'env.createSub': 'The budget and the count decide how much goes out; lucky-money shares are at least the minimum, the last takes the rest',
    'env.edit': 'Edit pool',
    'env.search': 'Search pool names',
    'env.allPools': 'All pools',
    'env.empty': 'No pools yet — create one with “New pool”',
    'env.emptyEnvelopes': 'No envelopes match',
    'env.name': 'Name',
    'env.namePh': 'e.g. In-store welcome · lucky money',
    'env.mode': 'Amounts',
    'env.mode.fixed': 'Fixed',
    'env.mode.random': 'Lucky money',
    'env.modeHint.fixed': 'Every envelope the same',
    'env.modeHint.random': 'Random shares of the budget',
    'env.amount': 'Amount each (¥)',
    'env.budget': 'Budget (¥)',
    'env.count': 'Envelopes',
    'env.min': 'Minimum share (¥)',
    'env.perMember': 'Per member',
    'env.perMemberUnit': '',
    'env.fixedTotal': 'Budget = {amount} × {n} = {total}',
    'env.randomAvg': 'On average {avg} each, at least {min}',
    'env.needName': 'Enter a name',
    'env.needCount': 'The count must be a whole number above 0',
    'env.budgetTooSmall': 'The budget must be at least minimum × count = {min}',
    'env.createGo': 'Create pool',
    'env.created': 'Pool “{name}” created',
    'env.saved': 'Saved',
    'env.col.pool': 'Pool',
    'env.col.mode': 'Amounts',
    'env.col.left': 'Budget left',
    'env.col.payout': 'Payouts',
    'env.col.status': 'Status',
    'env.fixedEach': 'Fixed {amount} each',
    'env.randomMin': 'Lucky money · at least {min}',
    'env.perMemberN': '{n} per member',
    'env.paidN': '{n} paid',
    'env.pendingN': '{n} pending',
    'env.failedN': '{n} failed',
    'env.paidFen': '{amount} paid out',
    'env.pool.active': 'Active',
    'env.pool.closed': 'Closed',
    'env.close': 'Close',
    'env.closeTitle': 'Close pool',
    'env.closeText': 'No new envelopes come from “{name}” once it is closed; those granted are still paid. Close it?',
    'env.closed': 'Pool closed',
    'env.delete': 'Delete',
    'env.deleteTitle': 'Delete pool',
    'env.deleteText': '“{name}” has no envelopes yet; deleting cannot be undone. Delete it?',
    'env.deleted': 'Pool deleted',
    'env.viewEnvelopes': 'Envelopes',
    'env.granted': '{n} granted, {amount} in all',
    'env.editLimits': 'The count and budget cannot go below what has been granted; a closed pool can only be renamed.',
    'env.closedNote': 'This pool is closed; only its name can change.',
    'env.col.id': 'No.',
    'env.col.member': 'Member',
    'env.col.amount': 'Amount',
    'env.col.payoutStatus': 'Payout',
    'env.col.time': 'Granted / paid',
    'env.status.pending': 'Pending',
    'env.status.paid': 'Paid',
    'env.status.failed': 'Failed',
    'env.attempts': '{n} attempt(s)',
    'env.nextTry': 'next try {at}',
    'env.retry': 'Retry payout',
    'env.retryTitle': 'Retry payout',
    'env.retryText': 'Hand envelope #{id} ({amount}) to the payout provider again. After a refusal it is a new payout request; after timeouts it keeps its request key, so it is never paid twice.',
    'env.retried': 'Payout resubmitted',
    'env.source.claim': 'Claimed',
    'env.source.receipt': 'Receipt reward',
    'env.source.lottery': 'Lottery win',
    'env.source.admin': 'Granted by staff',
    'env.refresh': 'Refresh',
    'env.via': 'via {provider}',
  },
});

/* ------------------------------------------------------------------- page */

const EMPTY = { name: '', brand_id: null, campaign_id: null, mode: 'random', amount: '', budget: '', count: '', min: '0.01', per_member_limit: '1' };
const STATUS = ['pending', 'paid', 'failed'];

export default {
  components: { PageHead, ListToolbar, Tabs, FilterChips, BudgetBar, PayoutTag, OfferToolbar, BrandCampaignRow },
  setup() {
    // pools
    const { q, tab, brands, offers: pools } = useOfferPage({ page: 'envelopes', tabs: ['pools', 'envelopes'], path: '/api/envelope-pools' });
    const poolColumns = computed(() => [
      { key: 'name', label: t('env.col.pool') },
      { key: 'mode', label: t('env.col.mode'), width: '170px' },
      { key: 'left', label: t('env.col.left'), width: '260px' },
      { key: 'payout', label: t('env.col.payout'), width: '170px' },
      { key: 'status', label: t('env.col.status'), width: '90px' },
      { key: 'actions', label: '', width: '190px', align: 'right' },
    ]);
    const statusChips = computed(() => [{ value: 'active', label: t('env.pool.active') }, { value: 'closed', label: t('env.pool.closed') }]);

    // create / edit
    const { drawer, form, campaigns, openCreate, openEdit } = useOfferDrawer({
      empty: EMPTY, offers: pools, brands,
      fields: ['name', 'brand_id', 'campaign_id', 'mode', 'amount', 'budget', 'count', 'min', 'per_member_limit', 'amount_fen', 'budget_fen', 'count_total', 'min_fen'],
      toForm: (p) => ({ name: p.name, brand_id: p.brand_id, mode: p.mode, count: String(p.count_total),
        budget: fenText(p.budget_fen), amount: fenText(p.amount_fen), min: fenText(p.min_fen), per_member_limit: String(p.per_member_limit) }),
    });
    // a campaign of another brand does not stay chosen
    watch(campaigns, (list) => {
      if (form.values.campaign_id && !list.some((c) => c.value === form.values.campaign_id)) form.values.campaign_id = null;
    });
    const preview = computed(() => {
      const v = form.values;
      const n = Number(v.count);
      if (v.mode === 'fixed') {
        const a = toFen(v.amount);
        return a > 0 && n > 0 ? t('env.fixedTotal', { amount: yuan(a), n: fmtNumber(n), total: yuan(a * n) }) : '';
      }
      const b = toFen(v.budget), m = toFen(v.min);
      return b > 0 && n > 0 && m > 0 ? t('env.randomAvg', { avg: yuan(Math.floor(b / n)), min: yuan(m) }) : '';
    });
    const wholeCount = (s) => /^\d+$/.test(String(s).trim()) && Number(s) > 0;
    async function save() {
      const v = clean(form.values);
      const e = {};
      const editing = drawer.item;
      if (!v.name) e.name = t('env.needName');
      if (!editing && !v.brand_id) e.brand_id = t('env.needBrand');
      if (!wholeCount(v.count)) e.count = t('env.needCount');
      if (!wholeCount(v.per_member_limit)) e.per_member_limit = t('env.needCount');
      const fixed = v.mode === 'fixed';
      const amount = toFen(v.amount), budget = toFen(v.budget), min = toFen(v.min);
      if (fixed && !editing && (Number.isNaN(amount) || amount <= 0)) e.amount = Number.isNaN(amount) ? t('env.badAmount') : t('env.amountPositive');
      if (!fixed) {
        if (Number.isNaN(budget) || budget <= 0) e.budget = Number.isNaN(budget) ? t('env.badAmount') : t('env.amountPositive');
        if (!editing && (Number.isNaN(min) || min <= 0)) e.min = Number.isNaN(min) ? t('env.badAmount') : t('env.amountPositive');
        if (!e.budget && !e.min && !e.count && !editing && budget < min * Number(v.count)) e.budget = t('env.budgetTooSmall', { min: yuan(min * Number(v.count)) });
      }
      form.errors = e;
      if (Object.keys(e).length) return;
      let res;
      if (editing) {
        const body = { name: v.name };
        if (editing.status === 'active') {
          if (Number(v.count) !== editing.count_total) body.count_total = Number(v.count);
          if (Number(v.per_member_limit) !== editing.per_member_limit) body.per_member_limit = Number(v.per_member_limit);
          if (!fixed && budget !== editing.budget_fen) body.budget_fen = budget;
        }
        res = await form.run(() => api.patch(`/api/envelope-pools/${editing.id}`, body));
      } else {
        const body = { name: v.name, brand_id: v.brand_id, mode: v.mode, count_total: Number(v.count), per_member_limit: Number(v.per_member_limit) };
        if (v.campaign_id) body.campaign_id = v.campaign_id;
        if (fixed) body.amount_fen = amount; else { body.budget_fen = budget; body.min_fen = min; }
        res = await form.run(() => api.post('/api/envelope-pools', body));
      }
      // the server names amount_fen / budget_fen / count_total / min_fen: show them under the inputs
      for (const [api_, ui] of [['amount_fen', 'amount'], ['budget_fen', 'budget'], ['count_total', 'count'], ['min_fen', 'min']]) {
        if (form.errors[api_]) form.errors[ui] = form.errors[api_];
      }
      if (res) {
        toast.success(editing ? t('env.saved') : t('env.created', { name: res.name }));
        drawer.open = false;
        pools.load();
      }
    }
    async function closePool(p) {
      const done = await confirmAndRun({ title: t('env.closeTitle'), message: t('env.closeText', { name: p.name }), okText: t('env.close'), danger: true },
        () => api.post(`/api/envelope-pools/${p.id}/close`), t('env.closed'));
      if (done) pools.load();
    }
    async function deletePool(p) {
      const done = await confirmAndRun({ title: t('env.deleteTitle'), message: t('env.deleteText', { name: p.name }), okText: t('env.delete'), danger: true },
        () => api.del(`/api/envelope-pools/${p.id}`), t('env.deleted'));
      if (done) pools.load();
    }

    // envelopes
    const envs = useList('/api/envelopes', { archived: false, filters: { pool_id: q.pool_id ? Number(q.pool_id) : null, status: q.status || null, brand_id: null } });
    envs.load();
    const poolOpts = ref([]);
    const loadPoolOpts = async () => {
      try { poolOpts.value = (await listAll('/api/envelope-pools', {}, 1000)).map((p) => ({ value: p.id, label: p.name, sub: p.brand_name })); } catch (_) { /* keep */ }
    };
    loadPoolOpts();
    const envColumns = computed(() => [
      { key: 'id', label: t('env.col.id'), width: '80px' },
      { key: 'member', label: t('env.col.member') },
      { key: 'pool', label: t('env.col.pool') },
      { key: 'amount', label: t('env.col.amount'), width: '110px', align: 'right' },
      { key: 'payout', label: t('env.col.payoutStatus'), width: '260px' },
      { key: 'time', label: t('env.col.time'), width: '160px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);
    const envChips = computed(() => STATUS.map((s) => ({ value: s, label: t('env.status.' + s) })));
    function showEnvelopes(p) {
      envs.filters.pool_id = p.id;
      if (!poolOpts.value.some((o) => o.value === p.id)) poolOpts.value.push({ value: p.id, label: p.name, sub: p.brand_name });
      tab.value = 'envelopes';
    }
    // pending payouts settle within seconds: refresh while any is on screen
    const poll = usePoller(async () => {
      if (tab.value !== 'envelopes' || !envs.items.some((e) => e.status === 'pending')) return true;
      await envs.load();
      return !envs.items.some((e) => e.status === 'pending');
    }, 2000);
    watch(() => [tab.value, envs.items.map((e) => e.status).join()], () => { if (envs.items.some((e) => e.status === 'pending')) poll.start(); }, { immediate: true });
    async function retry(e) {
      const ok = await confirmDialog({ title: t('env.retryTitle'), message: t('env.retryText', { id: e.id, amount: yuan(e.amount_fen) }), okText: t('env.retry') });
      if (!ok) return;
      try {
        const fresh = await api.post(`/api/envelopes/${e.id}/retry`);
        Object.assign(e, fresh);
        toast.success(t('env.retried'));
        poll.start();
        pools.load();
      } catch (err) { toast.error(err.message); }
    }
    const sourceLabel = (s) => { const k = 'env.source.' + s; const x = t(k); return x === k ? s : x; };
    const tabs = computed(() => [
      { value: 'pools', label: t('env.tabPools'), count: pools.total || null },
      { value: 'envelopes', label: t('env.tabEnvelopes'), count: envs.total || null },
    ]);
    return {
      tab, tabs, brands, pools, poolColumns, statusChips, drawer, form, campaigns, preview, openCreate, openEdit, save, closePool, deletePool,
      envs, poolOpts, envColumns, envChips, showEnvelopes, retry, sourceLabel, can, t, yuan, fmtDateTime, fmtNumber,
    };
  },
  template: `
    <div class="page rw-page">
      <page-head :title="t('nav.envelopes')" :desc="t('env.desc')">
        <button v-if="can('envelope.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('env.create') }}</button>
      </page-head>
      <tabs v-model="tab" :tabs="tabs" />

      <div class="hh-card" v-if="tab === 'pools'">
        <offer-toolbar :list="pools" :brands="brands" :chips="statusChips" :placeholder="t('env.search')" />
        <hh-table :columns="poolColumns" :rows="pools.items" :total="pools.total" :limit="pools.limit" :offset="pools.offset"
                  :loading="pools.loading" :error="pools.error" :empty-text="t('env.empty')"
                  :row-class="r => r.status === 'closed' ? 'is-archived' : ''"
                  @page="pools.setOffset" @limit="pools.setLimit" @retry="pools.load()">
          <template #cell-name="{ row }">
            <div class="cell-main">{{ row.name }}</div>
            <div class="cell-sub">{{ row.brand_name }}<template v-if="row.campaign_name"> · {{ row.campaign_name }}</template> · {{ t('env.perMemberN', { n: row.per_member_limit }) }}</div>
          </template>
          <template #cell-mode="{ row }">
            <span class="hh-tag" :class="row.mode === 'random' ? 'rw-tag-red' : 'hh-tag-info'">{{ t('env.mode.' + row.mode) }}</span>
            <div class="cell-sub">{{ row.mode === 'fixed' ? t('env.fixedEach', { amount: yuan(row.amount_fen) }) : t('env.randomMin', { min: yuan(row.min_fen) }) }}</div>
          </template>
          <template #cell-left="{ row }"><budget-bar :left="row.remaining_fen" :total="row.budget_fen" :count-left="row.count_remaining" :count-total="row.count_total" /></template>
          <template #cell-payout="{ row }">
            <div class="rw-payout-counts">
              <span class="ok-text">{{ t('env.paidN', { n: fmtNumber(row.paid_count) }) }}</span>
              <span v-if="row.pending_count" class="muted">{{ t('env.pendingN', { n: fmtNumber(row.pending_count) }) }}</span>
              <span v-if="row.failed_count" class="danger-text">{{ t('env.failedN', { n: fmtNumber(row.failed_count) }) }}</span>
            </div>
            <div class="cell-sub">{{ t('env.paidFen', { amount: yuan(row.paid_fen) }) }}</div>
          </template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="row.status === 'active' ? 'hh-tag-success' : ''" :data-pool-status="row.status">{{ t('env.pool.' + row.status) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button type="button" class="hh-btn hh-btn-link" @click="showEnvelopes(row)" data-test="pool-envelopes">{{ t('env.viewEnvelopes') }}</button>
              <template v-if="can('envelope.manage')">
                <button type="button" class="hh-btn hh-btn-link" @click="openEdit(row)" data-test="pool-edit">{{ t('common.edit') }}</button>
                <button v-if="row.status === 'active'" type="button" class="hh-btn hh-btn-link danger-text" @click="closePool(row)" data-test="pool-close">{{ t('env.close') }}</button>
                <button v-if="!row.granted_count" type="button" class="hh-btn hh-btn-link danger-text" @click="deletePool(row)" data-test="pool-delete">{{ t('env.delete') }}</button>
              </template>
            </div>
          </template>
        </hh-table>
      </div>

      <div class="hh-card" v-else>
        <list-toolbar :list="envs" :archived="false" class="rw-no-search">
          <template #filters>
            <hh-select class="list-filter" v-model="envs.filters.pool_id" :options="poolOpts" :placeholder="t('env.allPools')" name="filter-pool" />
            <hh-select class="list-filter-sm" v-model="envs.filters.brand_id" :options="brands" :placeholder="t('env.allBrands')" name="filter-brand" />
            <filter-chips v-model="envs.filters.status" :options="envChips" />
          </template>
        </list-toolbar>
        <hh-table :columns="envColumns" :rows="envs.items" :total="envs.total" :limit="envs.limit" :offset="envs.offset"
                  :loading="envs.loading" :error="envs.error" :empty-text="t('env.emptyEnvelopes')"
                  @page="envs.setOffset" @limit="envs.setLimit" @retry="envs.load()">
          <template #cell-id="{ row }"><span class="mono">#{{ row.id }}</span></template>
          <template #cell-member="{ row }">
            <div class="cell-main mono">{{ row.member_phone_masked }}</div>
            <div class="cell-sub">{{ row.member_name || t('env.noMember') }} · {{ sourceLabel(row.source) }}</div>
          </template>
          <template #cell-pool="{ row }"><div>{{ row.pool_name }}</div><div class="cell-sub">{{ row.brand_name }}</div></template>
          <template #cell-amount="{ row }"><b class="rw-money">{{ yuan(row.amount_fen) }}</b></template>
          <template #cell-payout="{ row }">
            <payout-tag :status="row.status" />
            <div class="cell-sub" v-if="row.attempts">{{ t('env.attempts', { n: row.attempts }) }}<template v-if="row.provider"> · {{ t('env.via', { provider: row.provider }) }}</template></div>
            <div class="cell-sub danger-text rw-error" v-if="row.error && row.status !== 'paid'" :title="row.error">{{ row.error }}</div>
            <div class="cell-sub" v-if="row.status === 'pending' && row.attempts && row.next_attempt_at">{{ t('env.nextTry', { at: fmtDateTime(row.next_attempt_at) }) }}</div>
            <div class="cell-sub mono" v-if="row.provider_ref && row.status === 'paid'">{{ row.provider_ref }}</div>
          </template>
          <template #cell-time="{ row }"><div class="muted">{{ fmtDateTime(row.created_at) }}</div><div class="cell-sub" v-if="row.paid_at">{{ fmtDateTime(row.paid_at) }}</div></template>
          <template #cell-actions="{ row }">
            <button v-if="row.status === 'failed' && can('envelope.manage')" type="button" class="hh-btn hh-btn-sm" @click="retry(row)" data-test="retry"><hh-icon name="refresh" :size="14" /> {{ t('env.retry') }}</button>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.item ? t('env.edit') : t('env.create')" :subtitle="drawer.item ? drawer.item.brand_name : t('env.createSub')" width="560px" @close="drawer.open = false">
        <form class="hh-form" id="pool-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div v-if="drawer.item" class="hh-alert hh-alert-info"><hh-icon name="info" />
            <span>{{ t('env.granted', { n: fmtNumber(drawer.item.granted_count), amount: yuan(drawer.item.granted_fen) }) }} {{ drawer.item.status === 'closed' ? t('env.closedNote') : t('env.editLimits') }}</span></div>
          <hh-field :label="t('env.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('env.namePh')" maxlength="64" />
          </hh-field>
          <brand-campaign-row v-if="!drawer.item" :form="form" :brands="brands" :campaigns="campaigns" />
          <hh-field v-if="!drawer.item" :label="t('env.mode')" name="mode">
            <div class="role-cards">
              <label v-for="m in ['random', 'fixed']" :key="m" class="role-card" :class="{ active: form.values.mode === m }" :data-mode="m">
                <input type="radio" :value="m" v-model="form.values.mode" /><b>{{ t('env.mode.' + m) }}</b><small>{{ t('env.modeHint.' + m) }}</small></label>
            </div>
          </hh-field>
          <fieldset class="rw-fieldset" :disabled="drawer.item && drawer.item.status === 'closed'">
          <div class="hh-form-row">
            <hh-field v-if="form.values.mode === 'fixed'" :label="t('env.amount')" :error="form.errors.amount" name="amount" required>
              <input class="hh-input" v-model="form.values.amount" inputmode="decimal" placeholder="5.00" :disabled="!!drawer.item" />
            </hh-field>
            <hh-field v-else :label="t('env.budget')" :error="form.errors.budget" name="budget" required>
              <input class="hh-input" v-model="form.values.budget" inputmode="decimal" placeholder="2000.00" />
            </hh-field>
            <hh-field :label="t('env.count')" :error="form.errors.count" name="count" required>
              <input class="hh-input" v-model="form.values.count" inputmode="numeric" placeholder="500" />
            </hh-field>
          </div>
          <div class="hh-form-row">
            <hh-field v-if="form.values.mode === 'random'" :label="t('env.min')" :error="form.errors.min" name="min">
              <input class="hh-input" v-model="form.values.min" inputmode="decimal" placeholder="0.01" :disabled="!!drawer.item" />
            </hh-field>
            <hh-field :label="t('env.perMember')" :error="form.errors.per_member_limit" name="per_member_limit">
              <input class="hh-input" v-model="form.values.per_member_limit" inputmode="numeric" placeholder="1" />
            </hh-field>
          </div>
          </fieldset>
          <div v-if="preview" class="rw-preview" data-test="preview"><hh-icon name="info" :size="16" /> {{ preview }}</div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="pool-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ drawer.item ? t('env.save') : t('env.createGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
