// Points ledger (积分账本): the programme accounts and whether the books
// balance, a member's points account (lots with their expiry, level, manual
// adjustment with a reason), and the transaction explorer — each transaction
// expands to its entries (summing to zero), the lot moves and how an award was
// computed, with a reversal for corrections.
//
// #/points?member=<id> opens that member's account; ?member_id=<id> filters
// the transactions.

import { reactive, ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { useList } from '/shared/list.js';
import { route, navigate } from '/shared/router.js';
import { fmtNumber, fmtDateTime, fmtDate } from '/shared/format.js';
import { can, session } from '../session.js';
import { PageHead } from '../parts.js';
import { KINDS, KIND_TONE, kindLabel, accountLabel, sourceLabel, signed } from './points-parts.js';

/* the entries, lot moves and computation of one transaction */
export const TxnDetail = {
  props: { txn: Object },
  setup() { return { t, fmtNumber, fmtDateTime, fmtDate, accountLabel, signed }; },
  template: `
    <div class="pt-detail" :data-txn="txn.id">
      <div class="pt-detail-col">
        <h4>{{ t('pt.ledger.entries') }}</h4>
        <table class="pt-mini">
          <thead><tr><th>{{ t('pt.ledger.account') }}</th><th class="num">{{ t('pt.ledger.amount') }}</th><th class="num">{{ t('pt.ledger.accountBalance') }}</th></tr></thead>
          <tbody>
            <tr v-for="e in txn.entries" :key="e.id" :data-entry="e.account_kind">
              <td>{{ accountLabel(e.account_kind) }}<span class="muted"> · {{ e.account_kind === 'member' ? (e.member_name || ('#' + e.member_id)) : (e.brand_name || t('pt.enterprise')) }}</span></td>
              <td class="num" :class="e.amount > 0 ? 'pos' : 'neg'">{{ signed(e.amount) }}</td>
              <td class="num muted">{{ fmtNumber(e.account_balance) }}</td>
            </tr>
          </tbody>
          <tfoot><tr><td>{{ t('pt.ledger.sum') }}</td>
            <td class="num" data-test="entries-sum"><b>{{ txn.entries.reduce((a, e) => a + e.amount, 0) }}</b>
              <hh-icon v-if="txn.balanced" name="check" :size="14" class="pt-ok" /></td><td></td></tr></tfoot>
        </table>
      </div>
      <div class="pt-detail-col" v-if="txn.lot_moves && txn.lot_moves.length">
        <h4>{{ t('pt.ledger.lotMoves') }}</h4>
        <table class="pt-mini">
          <tbody>
            <tr v-for="(m, i) in txn.lot_moves" :key="i">
              <td>{{ t('pt.ledger.lot', { id: m.lot_id }) }}</td>
              <td class="num" :class="m.amount > 0 ? 'pos' : 'neg'">{{ signed(m.amount) }}</td>
              <td class="muted">{{ m.expires_at ? t('pt.ledger.expires') + ' ' + fmtDate(m.expires_at) : t('pt.ledger.never') }}</td>
            </tr>
          </tbody>
        </table>
      </div>
      <div class="pt-detail-col pt-detail-meta">
        <dl class="hh-kv">
          <template v-if="txn.props && txn.props.base !== undefined">
            <dt>{{ t('pt.ledger.calc') }}</dt>
            <dd data-test="calc">{{ t('pt.ledger.calcText', { base: txn.props.base, mult: txn.props.multiplier_pct, level: txn.props.level_pct,
              cap: txn.props.uncapped !== undefined && txn.props.uncapped !== txn.points ? t('pt.ledger.capped', { n: txn.props.uncapped }) : '' }) }}</dd>
          </template>
          <template v-if="txn.reason"><dt>{{ t('pt.ledger.reason') }}</dt><dd>{{ txn.reason }}</dd></template>
          <template v-if="txn.actor_login"><dt>{{ t('pt.ledger.actor') }}</dt><dd>{{ txn.actor_login }}</dd></template>
          <template v-if="txn.store_name"><dt>{{ t('nav.stores') }}</dt><dd>{{ txn.store_name }}</dd></template>
          <dt>{{ t('pt.ledger.at') }}</dt><dd>{{ fmtDateTime(txn.at) }}</dd>
        </dl>
      </div>
    </div>`,
};

/* loads a transaction when its row is expanded */
const TxnLoader = {
  components: { TxnDetail },
  props: { id: Number },
  setup(props) {
    const txn = ref(null);
    const error = ref('');
    api.get(`/api/points/transactions/${props.id}`).then((x) => { txn.value = x; }, (e) => { error.value = e.message; });
    return { txn, error, t };
  },
  template: `
    <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
    <txn-detail v-else-if="txn" :txn="txn" />
    <div v-else class="hh-table-state"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>`,
};

/* a member's points account */
const MemberAccount = {
  components: { TxnDetail },
  props: { memberId: Number },
  emits: ['adjust', 'history'],
  setup(props) {
    const acct = ref(null);
    const member = ref(null);
    const error = ref('');
    async function load() {
      error.value = '';
      try {
        const [a, m] = await Promise.all([api.get(`/api/members/${props.memberId}/points`), api.get(`/api/members/${props.memberId}`)]);
        acct.value = a;
        member.value = m;
      } catch (e) { error.value = e.message; }
    }
    load();
    const level = computed(() => (acct.value && acct.value.level) || null);
    const progress = computed(() => {
      const l = level.value;
      if (!l || !l.next) return 100;
      const from = l.current ? l.current.threshold : 0;
      return Math.max(3, Math.min(100, Math.round(((l.basis_value - from) / Math.max(1, l.next.threshold - from)) * 100)));
    });
    return { acct, member, error, level, progress, load, can, t, fmtNumber, fmtDate, fmtDateTime, sourceLabel };
  },
  template: `
    <div class="pt-account" data-test="member-account">
      <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
      <div v-else-if="!acct" class="hh-table-state"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>
      <template v-else>
        <div class="pt-account-head">
          <hh-avatar :name="(member && member.name) || '会'" :size="44" />
          <div class="pt-account-who"><b>{{ (member && member.name) || t('pt.ledger.member') + ' #' + memberId }}</b>
            <span class="mono muted">{{ member && member.phone_masked }}</span></div>
          <a class="hh-btn hh-btn-sm" :href="'#/members/' + memberId">{{ t('nav.members') }} <hh-icon name="chevronRight" :size="14" /></a>
        </div>
        <div class="pt-balance-row">
          <div class="pt-balance"><span>{{ t('pt.acct.available') }}</span><b data-test="balance">{{ fmtNumber(acct.balance) }}</b></div>
          <div class="pt-balance small"><span>{{ t('pt.acct.earned') }}</span><b>{{ fmtNumber(acct.earned_total) }}</b></div>
          <div class="pt-balance small"><span>{{ t('pt.acct.spent') }}</span><b>{{ fmtNumber(acct.spent_total) }}</b></div>
        </div>
        <p class="pt-expiry" :class="{ warn: acct.next_expiry }">
          <hh-icon name="clock" :size="15" />
          {{ acct.next_expiry ? t('pt.acct.nextExpiry', { n: fmtNumber(acct.next_expiry.points), date: fmtDate(acct.next_expiry.at) }) : t('pt.acct.noExpiry') }}</p>
        <p v-if="acct.ledger_balance !== acct.balance" class="muted pt-ledger-diff">{{ t('pt.acct.ledgerDiff', { n: fmtNumber(acct.ledger_balance) }) }}</p>
        <div class="pt-account-actions">
          <button v-if="can('points.adjust')" type="button" class="hh-btn hh-btn-primary" @click="$emit('adjust')" data-test="adjust"><hh-icon name="edit" /> {{ t('pt.acct.adjust') }}</button>
          <button type="button" class="hh-btn" @click="$emit('history')" data-test="member-history"><hh-icon name="audit" /> {{ t('pt.acct.history') }}</button>
        </div>

        <section class="pt-level-card" v-if="level && level.levels.length" data-test="member-level">
          <div class="pt-level-top"><span class="pt-level-name">{{ level.current ? level.current.name : t('pt.lv.none') }}</span>
            <span class="muted" v-if="level.review_at">{{ t('pt.acct.review', { date: fmtDate(level.review_at) }) }}</span></div>
          <div class="pt-progress"><span :style="{ width: progress + '%' }"></span></div>
          <p class="muted">{{ level.next ? t('pt.acct.nextLevel', { n: fmtNumber(level.next.needed), name: level.next.name }) : t('pt.acct.top') }}</p>
        </section>

        <h4 class="pt-h4">{{ t('pt.acct.lots') }}</h4>
        <table class="pt-mini pt-lots" data-test="lots">
          <thead><tr><th>#</th><th class="num">{{ t('pt.acct.lot.earned') }}</th><th class="num">{{ t('pt.acct.lot.remaining') }}</th><th>{{ t('pt.ledger.source') }}</th><th>{{ t('pt.acct.lot.at') }}</th><th>{{ t('pt.acct.lot.expires') }}</th></tr></thead>
          <tbody>
            <tr v-if="!acct.lots.length"><td colspan="6" class="muted">{{ t('pt.acct.noLots') }}</td></tr>
            <tr v-for="l in acct.lots" :key="l.id" :data-lot="l.id">
              <td class="mono">{{ l.id }}</td><td class="num">{{ fmtNumber(l.points) }}</td><td class="num"><b>{{ fmtNumber(l.remaining) }}</b></td>
              <td>{{ sourceLabel(l.source) }}<span v-if="l.brand_name" class="muted"> · {{ l.brand_name }}</span></td>
              <td class="muted">{{ fmtDateTime(l.earned_at) }}</td>
              <td>{{ l.expires_at ? fmtDate(l.expires_at) : t('pt.ledger.never') }}</td>
            </tr>
          </tbody>
        </table>
      </template>
    </div>`,
};

export default {
  components: { PageHead, TxnLoader, MemberAccount },
  setup() {
    const summary = ref(null);
    const summaryError = ref('');
    async function loadSummary() {
      summaryError.value = '';
      try { summary.value = await api.get('/api/points/accounts'); } catch (e) { summaryError.value = e.message; }
    }
    loadSummary();
    const totals = computed(() => {
      const s = summary.value;
      const sum = (kind) => (s ? s.items.filter((a) => a.kind === kind).reduce((n, a) => n + a.balance, 0) : 0);
      return { issued: -sum('issued'), redeemed: sum('redeemed'), expired: sum('expired') };
    });

    // transactions, optionally of one member
    const memberFilter = ref(route.query.member_id ? Number(route.query.member_id) : null);
    const memberFilterName = ref('');
    const list = useList('/api/points/transactions', { filters: { kind: null }, archived: false, extra: () => ({ member_id: memberFilter.value || undefined }) });
    list.load();
    const kindOptions = computed(() => KINDS.map((k) => ({ value: k, label: kindLabel(k) })));
    const columns = computed(() => [
      { key: 'at', label: t('pt.ledger.at'), width: '150px' },
      { key: 'member', label: t('pt.ledger.member'), width: '170px' },
      { key: 'kind', label: t('pt.ledger.kind'), width: '96px' },
      { key: 'points', label: t('pt.ledger.points'), width: '100px', align: 'right' },
      { key: 'source', label: t('pt.ledger.source') },
      { key: 'brand', label: t('pt.ledger.brand'), width: '120px' },
      { key: 'note', label: t('pt.ledger.note') },
      { key: 'actions', label: '', width: '80px' },
    ]);
    const reversible = (row) => ['earn', 'adjust', 'spend'].includes(row.kind) && !row.corrected_by && can('points.adjust');
    function filterMember(id, name) {
      memberFilter.value = id;
      memberFilterName.value = name || ('#' + id);
      list.offset = 0;
      list.load();
    }
    function clearMember() { memberFilter.value = null; navigate('/points'); list.offset = 0; list.load(); }

    // member search → account drawer
    async function searchMembers(q) {
      if (!q || !q.trim()) return [];
      const res = await api.get('/api/members', { q: q.trim(), limit: 20 });
      return ((res && res.items) || []).map((m) => ({ value: m.id, label: m.name || m.phone_masked, sub: m.phone_masked }));
    }
    const picked = ref(null);
    const account = reactive({ open: false, id: null, key: 0 });
    function openAccount(id) { account.id = Number(id); account.key++; account.open = true; }
    watch(picked, (v) => { if (v) { openAccount(v); picked.value = null; } });
    watch(() => route.query.member, (v) => { if (v) openAccount(v); }, { immediate: true });

    // adjustment
    const brands = ref([]);
    listAll('/api/brands').then((b) => { brands.value = b.map((x) => ({ value: x.id, label: x.name })); }).catch(() => {});
    const adj = reactive({ open: false });
    const adjForm = useForm({ direction: 'add', points: '', reason: '', brand_id: null }, ['points', 'reason', 'brand_id']);
    const isOwner = computed(() => session.account && session.account.role === 'owner');
    function openAdjust() {
      adjForm.reset({ direction: 'add', points: '', reason: '', brand_id: isOwner.value ? null : (brands.value[0] || {}).value || null });
      adj.open = true;
    }
    async function saveAdjust() {
      const v = adjForm.values;
      adjForm.errors = {};
      const n = Number(String(v.points).trim());
      if (!Number.isInteger(n) || n <= 0) adjForm.errors.points = t('pt.adj.needPoints');
      if (!v.reason.trim()) adjForm.errors.reason = t('pt.ledger.needReason');
      if (Object.keys(adjForm.errors).length) return;
      const body = { points: v.direction === 'add' ? n : -n, reason: v.reason.trim(), ...(v.brand_id ? { brand_id: v.brand_id } : {}) };
      const res = await adjForm.run(() => api.post(`/api/members/${account.id}/points/adjust`, body));
      if (res) {
        toast.success(t('pt.adj.done', { n: fmtNumber(res.balance) }));
        adj.open = false;
        account.key++;
        loadSummary();
        list.load();
      }
    }

    // reversal
    const rev = reactive({ open: false, row: null });
    const revForm = useForm({ reason: '' }, ['reason']);
    function openReverse(row) { rev.row = row; revForm.reset({ reason: '' }); rev.open = true; }
    async function saveReverse() {
      revForm.errors = {};
      if (!revForm.values.reason.trim()) { revForm.errors.reason = t('pt.ledger.needReason'); return; }
      const res = await revForm.run(() => api.post(`/api/points/transactions/${rev.row.id}/reverse`, { reason: revForm.values.reason.trim() }));
      if (res) {
        toast.success(t('pt.ledger.reverseDone', { id: res.id }));
        rev.open = false;
        loadSummary();
        list.load();
      }
    }
    function accountHistory() {
      account.open = false;
      filterMember(account.id, '');
      api.get(`/api/members/${account.id}`).then((m) => { memberFilterName.value = m.name || m.phone_masked; }).catch(() => {});
    }
    if (memberFilter.value) api.get(`/api/members/${memberFilter.value}`).then((m) => { memberFilterName.value = m.name || m.phone_masked; }).catch(() => {});

    return {
      summary, summaryError, totals, loadSummary, list, kindOptions, columns, reversible,
      memberFilter, memberFilterName, clearMember, searchMembers, picked, account, openAccount, brands, isOwner,
      adj, adjForm, openAdjust, saveAdjust, rev, revForm, openReverse, saveReverse, accountHistory,
      can, t, fmtNumber, fmtDateTime, kindLabel, accountLabel, sourceLabel, signed, KIND_TONE,
    };
  },
  template: `
    <div class="page pt-page">
      <page-head :title="t('nav.points')" :desc="t('pt.ledger.desc')" />
      <div v-if="summaryError" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ summaryError }}</span>
        <button type="button" class="hh-btn hh-btn-link" @click="loadSummary">{{ t('common.retry') }}</button></div>
      <div class="stat-grid" data-test="points-summary">
        <div class="stat-card hh-card static tone-orange" data-stat="member_balance"><span class="stat-icon"><hh-icon name="gift" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('pt.ledger.memberBalance') }}</span><span class="stat-value">{{ summary ? fmtNumber(summary.member_balance) : '…' }}</span></span></div>
        <div class="stat-card hh-card static tone-green" data-stat="issued"><span class="stat-icon"><hh-icon name="spark" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('pt.ledger.issued') }}</span><span class="stat-value">{{ summary ? fmtNumber(totals.issued) : '…' }}</span></span></div>
        <div class="stat-card hh-card static tone-blue" data-stat="redeemed"><span class="stat-icon"><hh-icon name="check" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('pt.ledger.redeemed') }}</span><span class="stat-value">{{ summary ? fmtNumber(totals.redeemed) : '…' }}</span></span></div>
        <div class="stat-card hh-card static tone-violet" data-stat="expired"><span class="stat-icon"><hh-icon name="clock" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ t('pt.ledger.expired') }}</span><span class="stat-value">{{ summary ? fmtNumber(totals.expired) : '…' }}</span></span></div>
      </div>

      <div class="pt-two">
        <section class="hh-card pt-find">
          <div class="hh-card-head"><h3>{{ t('pt.ledger.findMember') }}</h3></div>
          <div class="pt-find-body">
            <hh-select v-model="picked" :remote="searchMembers" :placeholder="t('pt.ledger.findPh')" name="find-member" />
          </div>
          <p v-if="summary" class="pt-balanced" :class="{ bad: summary.sum_of_all !== 0 }" data-test="balanced">
            <hh-icon :name="summary.sum_of_all === 0 ? 'shield' : 'alert'" :size="16" />
            {{ summary.sum_of_all === 0 ? t('pt.ledger.balanced') : t('pt.ledger.unbalanced', { n: summary.sum_of_all }) }}
            · {{ t('pt.ledger.txns') }} {{ fmtNumber(summary.transactions) }}</p>
        </section>
        <section class="hh-card">
          <div class="hh-card-head"><h3>{{ t('pt.ledger.accounts') }}</h3><span class="muted">{{ t('pt.ledger.accountsSub') }}</span></div>
          <table class="pt-mini pt-accounts" data-test="program-accounts">
            <thead><tr><th>{{ t('pt.ledger.account') }}</th><th>{{ t('pt.ledger.brand') }}</th><th class="num">{{ t('pt.ledger.balance') }}</th><th class="num">{{ t('pt.ledger.entries') }}</th></tr></thead>
            <tbody>
              <tr v-if="summary && !summary.items.length"><td colspan="4" class="muted">{{ t('pt.ledger.empty') }}</td></tr>
              <tr v-for="a in (summary ? summary.items : [])" :key="a.id">
                <td>{{ accountLabel(a.kind) }}</td><td>{{ a.brand_name || t('pt.enterprise') }}</td>
                <td class="num">{{ fmtNumber(a.balance) }}</td><td class="num muted">{{ fmtNumber(a.entry_count) }}</td>
              </tr>
            </tbody>
          </table>
        </section>
      </div>

      <div class="hh-card">
        <div class="hh-card-head"><h3>{{ t('pt.ledger.txnsTitle') }}</h3></div>
        <div class="list-toolbar">
          <select class="hh-native-select list-filter" v-model="list.filters.kind" name="filter-kind" data-test="filter-kind">
            <option :value="null">{{ t('pt.ledger.allKinds') }}</option>
            <option v-for="o in kindOptions" :key="o.value" :value="o.value">{{ o.label }}</option>
          </select>
          <span v-if="memberFilter" class="hh-tag hh-tag-primary pt-chip" data-test="member-filter">{{ t('pt.ledger.onlyMember', { name: memberFilterName }) }}
            <button type="button" class="pt-chip-x" @click="clearMember" :aria-label="t('common.clear')"><hh-icon name="close" :size="12" /></button></span>
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('pt.ledger.empty')" expandable
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-at="{ row }"><span class="mono">#{{ row.id }}</span><div class="cell-sub">{{ fmtDateTime(row.at) }}</div></template>
          <template #cell-member="{ row }"><a href="javascript:void 0" class="cell-main" @click="openAccount(row.member_id)" data-test="open-account">{{ row.member_name || ('#' + row.member_id) }}</a>
            <div class="cell-sub mono">{{ row.member_phone_masked }}</div></template>
          <template #cell-kind="{ row }"><span class="hh-tag" :class="KIND_TONE[row.kind]">{{ kindLabel(row.kind) }}</span></template>
          <template #cell-points="{ row }"><b class="pt-amount" :class="row.points > 0 ? 'pos' : 'neg'">{{ signed(row.points) }}</b></template>
          <template #cell-source="{ row }">{{ sourceLabel(row.source) }}<div class="cell-sub" v-if="row.rule_name">{{ row.rule_name }}</div></template>
          <template #cell-brand="{ row }">{{ row.brand_name || t('pt.enterprise') }}</template>
          <template #cell-note="{ row }">
            <span v-if="row.reason" class="cell-clip">{{ row.reason }}</span>
            <div class="cell-sub" v-if="row.corrected_by">{{ t('pt.ledger.reversed', { id: row.corrected_by }) }}</div>
            <div class="cell-sub" v-if="row.reverses_id">{{ t(row.kind === 'refund' ? 'pt.ledger.refunds' : 'pt.ledger.reverses', { id: row.reverses_id }) }}</div>
          </template>
          <template #cell-actions="{ row }"><button v-if="reversible(row)" type="button" class="hh-btn hh-btn-link danger" @click="openReverse(row)" data-test="reverse">{{ t('pt.ledger.reverse') }}</button></template>
          <template #expand="{ row }"><txn-loader :id="row.id" :key="row.id + '-' + (row.corrected_by || 0)" /></template>
        </hh-table>
      </div>

      <hh-drawer :open="account.open" :title="t('pt.acct.title')" width="720px" @close="account.open = false">
        <member-account v-if="account.open" :key="account.key" :member-id="account.id" @adjust="openAdjust" @history="accountHistory" />
      </hh-drawer>

      <hh-drawer :open="adj.open" :title="t('pt.adj.title')" :subtitle="t('pt.adj.sub')" width="480px" @close="adj.open = false">
        <form class="hh-form" id="adjust-form" @submit.prevent="saveAdjust" novalidate>
          <hh-form-error :message="adjForm.formError" />
          <hh-field :label="t('pt.adj.direction')" name="direction">
            <div class="seg">
              <label class="seg-item" :class="{ active: adjForm.values.direction === 'add' }"><input type="radio" value="add" v-model="adjForm.values.direction" /> {{ t('pt.adj.add') }}</label>
              <label class="seg-item" :class="{ active: adjForm.values.direction === 'deduct' }" data-test="deduct"><input type="radio" value="deduct" v-model="adjForm.values.direction" /> {{ t('pt.adj.deduct') }}</label>
            </div>
          </hh-field>
          <hh-field :label="t('pt.adj.points')" :error="adjForm.errors.points" name="points" required>
            <input class="hh-input" name="points" inputmode="numeric" v-model="adjForm.values.points" placeholder="100" />
          </hh-field>
          <p v-if="adjForm.values.direction === 'deduct'" class="muted pt-hint">{{ t('pt.adj.deductHint') }}</p>
          <hh-field :label="t('pt.ledger.reason')" :error="adjForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" name="reason" rows="2" maxlength="200" v-model="adjForm.values.reason" :placeholder="t('pt.adj.reasonPh')"></textarea>
          </hh-field>
          <hh-field :label="t('pt.adj.brand')" :error="adjForm.errors.brand_id" :hint="isOwner ? '' : t('pt.adj.brandHint')" name="brand_id">
            <select class="hh-native-select" name="brand_id" v-model="adjForm.values.brand_id">
              <option v-if="isOwner" :value="null">{{ t('pt.adj.noBrand') }}</option>
              <option v-for="b in brands" :key="b.value" :value="b.value">{{ b.label }}</option>
            </select>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="adj.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="adjust-form" class="hh-btn hh-btn-primary" :disabled="adjForm.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="rev.open" :title="rev.row ? t('pt.ledger.reverseTitle', { id: rev.row.id }) : ''" width="480px" @close="rev.open = false">
        <form class="hh-form" id="reverse-form" @submit.prevent="saveReverse" novalidate>
          <div class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ t('pt.ledger.reverseText') }}</span></div>
          <hh-form-error :message="revForm.formError" />
          <dl class="hh-kv" v-if="rev.row">
            <dt>{{ t('pt.ledger.kind') }}</dt><dd>{{ kindLabel(rev.row.kind) }}</dd>
            <dt>{{ t('pt.ledger.points') }}</dt><dd><b>{{ signed(rev.row.points) }}</b></dd>
            <dt>{{ t('pt.ledger.member') }}</dt><dd>{{ rev.row.member_name || ('#' + rev.row.member_id) }}</dd>
          </dl>
          <hh-field :label="t('pt.ledger.reason')" :error="revForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" name="reason" rows="2" maxlength="200" v-model="revForm.values.reason" :placeholder="t('pt.ledger.reasonPh')"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="rev.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="reverse-form" class="hh-btn hh-btn-primary" :disabled="revForm.busy" data-test="save-reverse">{{ t('pt.ledger.reverse') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
