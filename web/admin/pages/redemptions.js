// Redemptions (核销记录): every counter redemption in the caller's scope —
// when, which coupon, whose, at which store by whom, how the person was
// verified, the order amount — with filters (brand, store, staff, campaign,
// dates, method, undone), totals over the filtered set, phones masked. It
// opens on the last 30 days (全部时间 shows every date; a coupon-code search
// looks at every date). A redemption inside the undo window can be undone
// here with a reason; the owner sets the window.

import { reactive, ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, brandOptions, storeOptions } from '../parts.js';
import { FilterChips } from '../crm.js';

const METHODS = ['member_qr', 'phone_otp', 'coupon_code'];

/** Local date (YYYY-MM-DD) of today minus n days in Asia/Shanghai-like zones: the browser's calendar is enough for a filter. */
function dayOffset(n) {
  const d = new Date(Date.now() - n * 86400_000);
  const pad = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
const yuan = (fen) => {
  if (fen === null || fen === undefined) return '—';
  const v = Number(fen) / 100;
  return '¥' + (Number.isInteger(v) ? fmtNumber(v) : v.toFixed(2));
};
function face(x) {
  if (x.kind === 'cash') return yuan(x.value_fen);
  if (x.kind === 'discount' && x.discount_pct) return t('rdm.discount', { n: String(x.discount_pct / 10).replace(/\.0$/, ''), off: 100 - x.discount_pct });
  return x.gift_name || t('rdm.kind.' + x.kind);
}

export default {
  components: { PageHead, FilterChips },
  setup() {
    const q = route.query;
    // opened without filters: the last 30 days, so that the list's totals do
    // not add up every redemption the enterprise ever made
    const opened = ['brand_id', 'store_id', 'staff_id', 'campaign_id', 'method', 'status', 'from', 'to'].some((k) => q[k]);
    // a list with its totals: {items, total, totals, undo_minutes} in one answer
    const list = reactive({
      items: [], total: 0, limit: 20, offset: 0, loading: false, error: '', totals: null, undoMinutes: null,
      filters: {
        brand_id: q.brand_id ? Number(q.brand_id) : null,
        store_id: q.store_id ? Number(q.store_id) : null,
        staff_id: q.staff_id ? Number(q.staff_id) : null,
        campaign_id: q.campaign_id ? Number(q.campaign_id) : null,
        method: q.method || null,
        status: q.status || null,
        from: q.from || (opened ? '' : dayOffset(29)),
        to: q.to || (opened ? '' : dayOffset(0)),
        code: '',
      },
      load,
      setOffset(o) { list.offset = o; load(); },
      setLimit(n) { list.limit = n; list.offset = 0; load(); },
    });
    let seq = 0;
    async function load() {
      const my = ++seq;
      list.loading = true;
      list.error = '';
      try {
        const p = Object.fromEntries(Object.entries(list.filters).filter(([, v]) => v !== null && v !== ''));
        const res = await api.get('/api/redemptions', { ...p, limit: list.limit, offset: list.offset });
        if (my !== seq) return;
        Object.assign(list, { items: res.items, total: res.total, totals: res.totals, undoMinutes: res.undo_minutes });
      } catch (e) {
        if (my === seq) Object.assign(list, { error: e.message, items: [], total: 0, totals: null });
      } finally {
        if (my === seq) list.loading = false;
      }
    }
    watch(() => JSON.stringify(list.filters), () => { list.offset = 0; load(); });
    load();
    const totals = computed(() => list.totals);
    const undoMinutes = computed(() => list.undoMinutes);

    const brands = ref([]);
    const stores = ref([]);
    const staff = ref([]);
    const campaigns = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    listAll('/api/campaigns', {}, 500).then((items) => {
      campaigns.value = items.map((c) => ({ value: c.id, label: c.name, sub: c.brand_name || '' }));
    }).catch(() => {});
    watch(() => list.filters.store_id, async (id) => {
      staff.value = [];
      if (!id) { list.filters.staff_id = null; return; }
      try {
        const items = await listAll('/api/staff', { store_id: id }, 500);
        staff.value = items.map((s) => ({ value: s.id, label: s.name, sub: s.employee_no || '' }));
        if (list.filters.staff_id && !items.some((s) => s.id === list.filters.staff_id)) list.filters.staff_id = null;
      } catch (_) { /* the staff filter stays empty */ }
    }, { immediate: true });

    const code = ref('');
    let codeTimer = null;
    const codeError = ref('');
    watch(code, (v) => {
      clearTimeout(codeTimer);
      codeTimer = setTimeout(() => {
        const s = String(v || '').trim().replace(/^hhc[:：]/i, '').replace(/[\s-]/g, '').toUpperCase();
        codeError.value = s && !/^[2-9A-HJ-NP-Z]{12}$/.test(s) ? t('rdm.badCode') : '';
        if (codeError.value) return;
        // a coupon's redemption is looked for on every date
        if (s) Object.assign(list.filters, { from: '', to: '' });
        list.filters.code = s;
      }, 300);
    });

    const ranges = computed(() => [
      { value: 'today', label: t('rdm.range.today') },
      { value: '7', label: t('rdm.range.7') },
      { value: '30', label: t('rdm.range.30') },
    ]);
    const range = computed({
      get() {
        const f = list.filters;
        if (!f.from || f.to !== dayOffset(0)) return null;
        if (f.from === dayOffset(0)) return 'today';
        if (f.from === dayOffset(6)) return '7';
        if (f.from === dayOffset(29)) return '30';
        return null;
      },
      set(v) {
        if (!v) { list.filters.from = ''; list.filters.to = ''; return; }
        list.filters.to = dayOffset(0);
        list.filters.from = dayOffset(v === 'today' ? 0 : Number(v) - 1);
      },
    });
    const methodChips = computed(() => METHODS.map((m) => ({ value: m, label: t('rdm.method.' + m) })));
    const statusChips = computed(() => [{ value: 'live', label: t('rdm.status.live') }, { value: 'undone', label: t('rdm.status.undone') }]);

    const columns = computed(() => [
      { key: 'at', label: t('rdm.col.at'), width: '150px' },
      { key: 'coupon', label: t('rdm.col.coupon') },
      { key: 'member', label: t('rdm.col.member'), width: '170px' },
      { key: 'where', label: t('rdm.col.where') },
      { key: 'method', label: t('rdm.col.method'), width: '110px' },
      { key: 'amount', label: t('rdm.col.amount'), width: '110px', align: 'right' },
      { key: 'status', label: t('rdm.col.status'), width: '180px' },
      { key: 'actions', label: '', width: '80px', align: 'right' },
    ]);

    /* undo */
    const undo = reactive({ open: false, row: null });
    const form = useForm({ reason: '' });
    function openUndo(row) { undo.row = row; form.reset({ reason: '' }); undo.open = true; }
    async function doUndo() {
      const reason = form.values.reason.trim();
      if (!reason) { form.errors = { reason: t('rdm.needReason') }; return; }
      const res = await form.run(() => api.post(`/api/redemptions/${undo.row.id}/undo`, { reason }));
      if (res) {
        toast.success(t('rdm.undone'));
        undo.open = false;
        list.load();
      }
    }

    /* the undo window (owner) */
    const settings = reactive({ open: false });
    const sform = useForm({ undo_minutes: '' });
    function openSettings() { sform.reset({ undo_minutes: String(undoMinutes.value ?? 30) }); settings.open = true; }
    async function saveSettings() {
      const n = Number(sform.values.undo_minutes);
      if (!Number.isInteger(n) || n < 0 || n > 10080) { sform.errors = { undo_minutes: t('rdm.badMinutes') }; return; }
      const res = await sform.run(() => api.put('/api/settings/redemption', { undo_minutes: n }));
      if (res) {
        toast.success(t('common.saved'));
        settings.open = false;
        list.load();
      }
    }
    const now = Date.now;
    return {
      list, totals, undoMinutes, brands, stores, staff, campaigns, code, codeError, ranges, range, methodChips, statusChips,
      columns, undo, form, openUndo, doUndo, settings, sform, openSettings, saveSettings, can, t, fmtDateTime, fmtNumber, yuan, face, now,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.redemptions')" :desc="t('rdm.desc')">
        <span class="muted" v-if="undoMinutes !== null" data-test="undo-window">{{ undoMinutes > 0 ? t('rdm.window', { m: undoMinutes }) : t('rdm.windowOff') }}</span>
        <button v-if="can('redemption.settings')" type="button" class="hh-btn" @click="openSettings" data-test="settings"><hh-icon name="clock" />{{ t('rdm.setWindow') }}</button>
      </page-head>

      <div class="stat-grid" style="margin-bottom:16px" data-test="totals">
        <div class="stat-card hh-card tone-violet static"><span class="stat-icon"><hh-icon name="check" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('rdm.tot.redeemed') }}</span><span class="stat-value" data-test="tot-redeemed">{{ totals ? fmtNumber(totals.redeemed) : '…' }}</span></span></div>
        <div class="stat-card hh-card tone-blue static"><span class="stat-icon"><hh-icon name="members" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('rdm.tot.members') }}</span><span class="stat-value">{{ totals ? fmtNumber(totals.members) : '…' }}</span></span></div>
        <div class="stat-card hh-card tone-orange static"><span class="stat-icon"><hh-icon name="gift" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('rdm.tot.amount') }}</span><span class="stat-value">{{ totals ? yuan(totals.order_amount_fen) : '…' }}</span></span></div>
        <div class="stat-card hh-card tone-green static"><span class="stat-icon"><hh-icon name="refresh" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('rdm.tot.undone') }}</span><span class="stat-value" data-test="tot-undone">{{ totals ? fmtNumber(totals.undone) : '…' }}</span></span></div>
      </div>

      <div class="hh-card">
        <div class="list-toolbar">
          <div class="hh-input-icon list-search">
            <hh-icon name="search" :size="16" />
            <input class="hh-input mono" type="search" v-model="code" :placeholder="t('rdm.codePh')" data-test="code" :class="{ invalid: codeError }" />
          </div>
          <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('rdm.allBrands')" name="filter-brand" />
          <hh-select class="list-filter" v-model="list.filters.store_id" :options="stores" :placeholder="t('rdm.allStores')" name="filter-store" />
          <hh-select class="list-filter-sm" v-model="list.filters.staff_id" :options="staff" :disabled="!list.filters.store_id" :placeholder="list.filters.store_id ? t('rdm.allStaff') : t('rdm.staffAfterStore')" name="filter-staff" />
          <hh-select class="list-filter" v-model="list.filters.campaign_id" :options="campaigns" :placeholder="t('rdm.allCampaigns')" name="filter-campaign" />
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <div class="list-toolbar">
          <filter-chips v-model="range" :options="ranges" :all-label="t('rdm.range.all')" />
          <input class="hh-input" type="date" v-model="list.filters.from" :aria-label="t('rdm.from')" style="width:150px" data-test="from" />
          <span class="muted">—</span>
          <input class="hh-input" type="date" v-model="list.filters.to" :aria-label="t('rdm.to')" style="width:150px" data-test="to" />
          <filter-chips v-model="list.filters.method" :options="methodChips" :all-label="t('rdm.allMethods')" />
          <filter-chips v-model="list.filters.status" :options="statusChips" :all-label="t('rdm.allStatus')" />
        </div>
        <div v-if="codeError" class="hh-alert hh-alert-warn" style="margin:12px 14px 0"><hh-icon name="alert" /><span>{{ codeError }}</span></div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('rdm.empty')"
                  :row-class="r => r.undone_at ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-at="{ row }"><span :data-redemption="row.id">{{ fmtDateTime(row.at) }}</span></template>
          <template #cell-coupon="{ row }"><div class="cell-main">{{ row.coupon_name }} <span class="hh-tag">{{ face(row) }}</span></div>
            <div class="cell-sub"><span class="mono">{{ row.code }}</span><template v-if="row.campaign_name"> · {{ row.campaign_name }}</template></div></template>
          <template #cell-member="{ row }">
            <a v-if="row.member_id && can('member.view')" class="member-link" :href="'#/members/' + row.member_id">
              <div class="cell-main">{{ row.member_name || t('rdm.noName') }}</div><div class="cell-sub mono">{{ row.member_phone_masked }}</div></a>
            <template v-else-if="row.member_id"><div class="cell-main">{{ row.member_name || t('rdm.noName') }}</div><div class="cell-sub mono">{{ row.member_phone_masked }}</div></template>
            <span v-else class="muted">{{ t('rdm.noMember') }}</span></template>
          <template #cell-where="{ row }"><div class="cell-main">{{ row.store_name }}</div>
            <div class="cell-sub">{{ row.staff_name || row.account_name }} · {{ row.brand_name }}</div></template>
          <template #cell-method="{ row }"><span class="hh-tag" :class="row.method === 'phone_otp' ? 'hh-tag-success' : row.method === 'member_qr' ? 'hh-tag-info' : ''">{{ t('rdm.method.' + row.method) }}</span></template>
          <template #cell-amount="{ row }">{{ yuan(row.order_amount_fen) }}</template>
          <template #cell-status="{ row }">
            <template v-if="row.undone_at"><span class="hh-tag hh-tag-danger" data-test="undone">{{ t('rdm.status.undone') }}</span>
              <div class="cell-sub">{{ fmtDateTime(row.undone_at) }} · {{ row.undone_by_name }}</div><div class="cell-sub">{{ row.undo_reason }}</div></template>
            <template v-else><span class="hh-tag hh-tag-success">{{ t('rdm.status.live') }}</span>
              <div v-if="row.undoable" class="cell-sub">{{ t('rdm.undoUntil', { t: fmtDateTime(row.undo_until) }) }}</div></template>
          </template>
          <template #cell-actions="{ row }">
            <div class="cell-actions"><button v-if="row.undoable && can('redemption.undo')" type="button" class="hh-btn hh-btn-link" @click="openUndo(row)" data-test="undo">{{ t('rdm.undo') }}</button></div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="undo.open" :title="t('rdm.undoTitle')" :subtitle="undo.row ? undo.row.coupon_name + ' · ' + fmtDateTime(undo.row.at) : ''" width="480px" @close="undo.open = false">
        <form class="hh-form" id="undo-form" @submit.prevent="doUndo" novalidate>
          <hh-form-error :message="form.formError" />
          <div class="hh-alert hh-alert-warn"><hh-icon name="alert" /><span>{{ t('rdm.undoNote') }}</span></div>
          <hh-field :label="t('rdm.reason')" :error="form.errors.reason" name="reason" required>
            <textarea class="hh-textarea" v-model="form.values.reason" maxlength="200" :placeholder="t('rdm.reasonPh')"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="undo.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="undo-form" class="hh-btn hh-btn-danger" :disabled="form.busy" data-test="save">{{ t('rdm.undo') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="settings.open" :title="t('rdm.setWindow')" width="440px" @close="settings.open = false">
        <form class="hh-form" id="rd-settings" @submit.prevent="saveSettings" novalidate>
          <hh-form-error :message="sform.formError" />
          <hh-field :label="t('rdm.minutes')" :error="sform.errors.undo_minutes" :hint="t('rdm.minutesHint')" name="undo_minutes" required>
            <input class="hh-input" type="number" min="0" max="10080" step="1" v-model="sform.values.undo_minutes" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="settings.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="rd-settings" class="hh-btn hh-btn-primary" :disabled="sform.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};

addMessages({
  'zh-CN': {
    'nav.group.rewards': '权益',
    'nav.redemptions': '核销记录',
    'rdm.desc': '导购在门店核销的每一张券：谁的、哪家门店、哪位导购、如何核实身份。核销后在时限内可撤销。',
    'rdm.window': '撤销时限：核销后 {m} 分钟',
    'rdm.windowOff': '不允许撤销核销',
    'rdm.setWindow': '设置撤销时限',
    'rdm.minutes': '撤销时限（分钟）',
    'rdm.minutesHint': '核销后多少分钟内，门店导购或品牌经理可以撤销；0 表示不允许撤销，最长 7 天（10080）',
    'rdm.badMinutes': '请输入 0–10080 的整数',
    'rdm.tot.redeemed': '核销张数',
    'rdm.tot.members': '核销顾客数',
    'rdm.tot.amount': '带动消费',
    'rdm.tot.undone': '已撤销',
    'rdm.codePh': '按券码查找',
    'rdm.badCode': '券码为 12 位字母数字（不含 0、1、I、O）',
    'rdm.allBrands': '全部品牌',
    'rdm.allStores': '全部门店',
    'rdm.allStaff': '全部导购',
    'rdm.staffAfterStore': '先选门店',
    'rdm.allCampaigns': '全部活动',
    'rdm.allMethods': '全部方式',
    'rdm.allStatus': '全部状态',
    'rdm.from': '开始日期',
    'rdm.to': '结束日期',
    'rdm.range.all': '全部时间',
    'rdm.range.today': '今天',
    'rdm.range.7': '近 7 天',
    'rdm.range.30': '近 30 天',
    'rdm.method.member_qr': '会员码',
    'rdm.method.phone_otp': '手机验证',
    'rdm.method.coupon_code': '券码',
    'rdm.status.live': '已核销',
    'rdm.status.undone': '已撤销',
    'rdm.col.at': '核销时间',
    'rdm.col.coupon': '券',
    'rdm.col.member': '顾客',
    'rdm.col.where': '门店 / 导购',
    'rdm.col.method': '核实方式',
    'rdm.col.amount': '消费金额',
    'rdm.col.status': '状态',
    'rdm.kind.gift': '礼品',
    'rdm.kind.sample': '试用装',
    'rdm.kind.prize': '奖品',
    'rdm.discount': '{n} 折',
    'rdm.noName': '未填写姓名',
    'rdm.noMember': '未绑定会员',
    'rdm.undoUntil': '{t} 前可撤销',
    'rdm.undo': '撤销',
    'rdm.undoTitle': '撤销核销',
    'rdm.undoNote': '撤销后这张券退回顾客，可以再次使用。操作人和原因会被记录。',
    'rdm.reason': '撤销原因',
    'rdm.reasonPh': '例如：导购核销错券',
    'rdm.needReason': '请填写撤销原因',
    'rdm.undone': '已撤销，券已退回顾客',
    'rdm.empty': '没有符合条件的核销记录',
  },
  en: {
    'nav.group.rewards': 'Rewards',
    'nav.redemptions': 'Redemptions',
    'rdm.desc': 'Every coupon redeemed at a counter: whose, at which store, by whom, how the person was verified. Undo within the window.',
    'rdm.window': 'Undo window: {m} minutes after redemption',
    'rdm.windowOff': 'Redemptions cannot be undone',
    'rdm.setWindow': 'Set the undo window',
    'rdm.minutes': 'Undo window (minutes)',
    'rdm.minutesHint': 'How long after a redemption store staff or a brand manager may undo it; 0: never; at most 7 days (10080)',
    'rdm.badMinutes': 'Enter a whole number from 0 to 10080',
    'rdm.tot.redeemed': 'Redeemed',
    'rdm.tot.members': 'Customers',
    'rdm.tot.amount': 'Order amount',
    'rdm.tot.undone': 'Undone',
    'rdm.codePh': 'Find by coupon code',
    'rdm.badCode': 'A coupon code has 12 letters and digits (no 0, 1, I, O)',
    'rdm.allBrands': 'All brands',
    'rdm.allStores': 'All stores',
    'rdm.allStaff': 'All staff',
    'rdm.staffAfterStore': 'Choose a store first',
    'rdm.allCampaigns': 'All campaigns',
    'rdm.allMethods': 'Any method',
    'rdm.allStatus': 'Any status',
    'rdm.from': 'From',
    'rdm.to': 'To',
    'rdm.range.all': 'All time',
    'rdm.range.today': 'Today',
    'rdm.range.7': 'Last 7 days',
    'rdm.range.30': 'Last 30 days',
    'rdm.method.member_qr': 'Member code',
    'rdm.method.phone_otp': 'Phone + SMS',
    'rdm.method.coupon_code': 'Coupon code',
    'rdm.status.live': 'Redeemed',
    'rdm.status.undone': 'Undone',
    'rdm.col.at': 'Redeemed at',
    'rdm.col.coupon': 'Coupon',
    'rdm.col.member': 'Customer',
    'rdm.col.where': 'Store / staff',
    'rdm.col.method': 'Verified by',
    'rdm.col.amount': 'Order',
    'rdm.col.status': 'Status',
    'rdm.kind.gift': 'Gift',
    'rdm.kind.sample': 'Sample',
    'rdm.kind.prize': 'Prize',
    'rdm.discount': '{off}% off',
    'rdm.noName': 'No name',
    'rdm.noMember': 'No member',
    'rdm.undoUntil': 'Undo until {t}',
    'rdm.undo': 'Undo',
    'rdm.undoTitle': 'Undo redemption',
    'rdm.undoNote': 'The coupon goes back to the customer and can be used again. Who undid it and why is recorded.',
    'rdm.reason': 'Reason',
    'rdm.reasonPh': 'e.g. the wrong coupon was redeemed',
    'rdm.needReason': 'Give a reason',
    'rdm.undone': 'Undone; the coupon is back with the customer',
    'rdm.empty': 'No redemptions match',
  },
});
