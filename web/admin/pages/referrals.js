// Referrals and star members (老带新 · 明星会员): who brought whom (rewarded,
// waiting for the condition, held by the abuse checks for review), the rules
// (condition, points for both sides, burst limit), and the star-member ranking
// per brand by influence, with filters, CSV export and the ambassador tag.

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber, fmtMoney } from '/shared/format.js';
import { route, navigate } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, brandOptions, storeOptions, clean } from '../parts.js';
import { Tabs, FilterChips, download, searchRegions } from '../crm.js';

addMessages({
  'zh-CN': {
    'nav.referrals': '邀请与明星会员',
    'ref.desc': '会员分享专属邀请码，好友注册后双方获得积分；可疑邀请（同一设备、同一地址、短时间大量邀请）先拦截，审核后发放。',
    'ref.tabList': '邀请记录', 'ref.tabStars': '明星会员', 'ref.tabRules': '邀请规则',
    'ref.referrer': '邀请人', 'ref.referred': '被邀请人', 'ref.at': '注册时间', 'ref.status': '状态', 'ref.reasons': '拦截原因',
    'ref.status.pending': '待达成条件', 'ref.status.held': '待审核', 'ref.status.rewarded': '已奖励', 'ref.status.rejected': '已拒绝',
    'ref.reason.same_device': '与邀请人同一设备', 'ref.reason.same_address': '与邀请人同一收货地址', 'ref.reason.burst': '短时间内邀请过多',
    'ref.approve': '通过并发放', 'ref.reject': '拒绝', 'ref.note': '审核备注', 'ref.notePh': '如：已电话核实为不同的人',
    'ref.rejectTitle': '拒绝该邀请', 'ref.approved': '已通过，积分已发放', 'ref.rejected': '已拒绝', 'ref.needNote': '请填写拒绝原因',
    'ref.empty': '暂无邀请记录', 'ref.cond.registration': '好友注册即奖励', 'ref.cond.first_purchase': '好友首次购买（小票审核通过）后奖励',
    'ref.cond.first_redemption': '好友首次到店核销后奖励', 'ref.condition': '奖励条件', 'ref.referrerPoints': '邀请人获得积分',
    'ref.referredPoints': '被邀请人获得积分', 'ref.burst': '每小时邀请上限', 'ref.burstHint': '一小时内超过此数的邀请会被拦截审核；0 为不限',
    'ref.fundBrand': '出资品牌', 'ref.fundHint': '积分计入该品牌的发放账户；不选由企业承担', 'ref.saved': '已保存邀请规则',
    'star.brand': '品牌', 'star.city': '城市', 'star.store': '归属门店', 'star.minScore': '最低影响力', 'star.export': '导出 CSV',
    'star.rank': '排名', 'star.member': '会员', 'star.score': '影响力', 'star.invited': '邀请/转化', 'star.spend': '被邀请人消费',
    'star.redemptions': '核销（被邀请人/本人）', 'star.engagement': '近90天互动', 'star.ambassador': '品牌大使',
    'star.makeAmb': '设为大使', 'star.removeAmb': '取消大使', 'star.ambOn': '已设为品牌大使', 'star.ambOff': '已取消品牌大使',
    'star.formula': '影响力 = 10×转化邀请 + 被邀请人每消费 10 元 1 分 + 3×被邀请人核销 + 2×本人核销 + 近 90 天互动次数（均按所选品牌）',
    'star.empty': '该品牌暂无有影响力的会员', 'star.chooseBrand': '请选择品牌',
  },
  en: {
    'nav.referrals': 'Referrals & stars',
    'ref.desc': 'Members share a personal invite link; both get points when a friend joins. Suspicious referrals (same device, same address, bursts) are held for review.',
    'ref.tabList': 'Referrals', 'ref.tabStars': 'Star members', 'ref.tabRules': 'Rules',
    'ref.referrer': 'Referrer', 'ref.referred': 'Referred', 'ref.at': 'Joined', 'ref.status': 'Status', 'ref.reasons': 'Held because',
    'ref.status.pending': 'Waiting for condition', 'ref.status.held': 'Held for review', 'ref.status.rewarded': 'Rewarded', 'ref.status.rejected': 'Rejected',
    'ref.reason.same_device': 'Same device as the referrer', 'ref.reason.same_address': 'Same address as the referrer', 'ref.reason.burst': 'Too many referrals in an hour',
    'ref.approve': 'Approve and reward', 'ref.reject': 'Reject', 'ref.note': 'Note', 'ref.notePh': 'e.g. called both: different people',
    'ref.rejectTitle': 'Reject the referral', 'ref.approved': 'Approved; points given', 'ref.rejected': 'Rejected', 'ref.needNote': 'Give a reason',
    'ref.empty': 'No referrals yet', 'ref.cond.registration': 'When the friend registers', 'ref.cond.first_purchase': 'After the friend\'s first purchase (approved receipt)',
    'ref.cond.first_redemption': 'After the friend\'s first counter redemption', 'ref.condition': 'Reward when', 'ref.referrerPoints': 'Points for the referrer',
    'ref.referredPoints': 'Points for the friend', 'ref.burst': 'Referrals per hour', 'ref.burstHint': 'More than this in an hour are held for review; 0 = no limit',
    'ref.fundBrand': 'Funding brand', 'ref.fundHint': 'The points are booked to this brand; empty: the enterprise', 'ref.saved': 'Referral rules saved',
    'star.brand': 'Brand', 'star.city': 'City', 'star.store': 'Owning store', 'star.minScore': 'Minimum score', 'star.export': 'Export CSV',
    'star.rank': 'Rank', 'star.member': 'Member', 'star.score': 'Influence', 'star.invited': 'Invited / converted', 'star.spend': 'Friends\' spend',
    'star.redemptions': 'Redemptions (friends / own)', 'star.engagement': 'Engagement (90 d)', 'star.ambassador': 'Ambassador',
    'star.makeAmb': 'Make ambassador', 'star.removeAmb': 'Remove', 'star.ambOn': 'Marked as ambassador', 'star.ambOff': 'No longer an ambassador',
    'star.formula': 'Influence = 10 × converted referrals + 1 per ¥10 friends spent + 3 × friends\' redemptions + 2 × own redemptions + engagement events in 90 days (all for the chosen brand)',
    'star.empty': 'No influential members for this brand yet', 'star.chooseBrand': 'Choose a brand',
  },
});

export default {
  components: { PageHead, Tabs, FilterChips },
  setup() {
    const tab = ref(route.query.tab || 'list');
    const list = useList('/api/referrals', { filters: { status: route.query.status || null }, archived: false });
    list.load();
    const statuses = computed(() => ['held', 'pending', 'rewarded', 'rejected'].map((v) => ({ value: v, label: t('ref.status.' + v) })));
    const columns = computed(() => [
      { key: 'referrer', label: t('ref.referrer') },
      { key: 'referred', label: t('ref.referred') },
      { key: 'at', label: t('ref.at'), width: '150px' },
      { key: 'status', label: t('ref.status'), width: '220px' },
      { key: 'actions', label: '', width: '170px', align: 'right' },
    ]);
    const review = reactive({ open: false, row: null });
    const rForm = useForm({ note: '' });
    async function approve(row) {
      try { await api.post(`/api/referrals/${row.id}/approve`, {}); toast.success(t('ref.approved')); list.load(); } catch (e) { toast.error(e.message); }
    }
    function openReject(row) { review.row = row; rForm.reset({ note: '' }); review.open = true; }
    async function reject() {
      const v = clean(rForm.values);
      if (!v.note) { rForm.errors = { note: t('ref.needNote') }; return; }
      const res = await rForm.run(() => api.post(`/api/referrals/${review.row.id}/reject`, { note: v.note }));
      if (res) { toast.success(t('ref.rejected')); review.open = false; list.load(); }
    }

    // rules
    const brands = ref([]);
    brandOptions().then((o) => { brands.value = o; if (!stars.filters.brand_id && o.length) stars.filters.brand_id = o[0].value; }).catch(() => {});
    const conditions = computed(() => ['registration', 'first_purchase', 'first_redemption'].map((v) => ({ value: v, label: t('ref.cond.' + v) })));
    const rules = useForm({ condition: 'registration', referrer_points: 100, referred_points: 50, burst_per_hour: 5, brand_id: null });
    api.get('/api/settings/referral').then((s) => rules.reset({ ...s, brand_id: s.brand_id || null })).catch(() => {});
    async function saveRules() {
      const v = rules.values;
      const body = { condition: v.condition, referrer_points: Number(v.referrer_points), referred_points: Number(v.referred_points), burst_per_hour: Number(v.burst_per_hour) };
      if (v.brand_id) body.brand_id = v.brand_id;
      const res = await rules.run(() => api.put('/api/settings/referral', body));
      if (res) toast.success(t('ref.saved'));
    }

    // star members
    const stores = ref([]);
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const stars = useList('/api/star-members', { filters: { brand_id: null, city_code: null, store_id: null, min_score: null }, archived: false });
    watch(() => stars.filters.brand_id, (b) => { if (b) stars.load(); });
    const starColumns = computed(() => [
      { key: 'rank', label: t('star.rank'), width: '64px' },
      { key: 'member', label: t('star.member') },
      { key: 'score', label: t('star.score'), width: '90px', align: 'right' },
      { key: 'invited', label: t('star.invited'), width: '110px', align: 'right' },
      { key: 'spend', label: t('star.spend'), width: '120px', align: 'right' },
      { key: 'redemptions', label: t('star.redemptions'), width: '150px', align: 'right' },
      { key: 'engagement', label: t('star.engagement'), width: '110px', align: 'right' },
      { key: 'actions', label: '', width: '140px', align: 'right' },
    ]);
    async function setAmbassador(row, on) {
      try {
        await api.post(`/api/star-members/${row.id}/ambassador`, { ambassador: on });
        toast.success(t(on ? 'star.ambOn' : 'star.ambOff'));
        stars.load();
      } catch (e) { toast.error(e.message); }
    }
    function exportCsv() {
      const p = new URLSearchParams({ csv: '1' });
      for (const [k, v] of Object.entries(stars.filters)) if (v !== null && v !== '') p.set(k, v);
      download(`/api/star-members?${p}`, `star-members-${stars.filters.brand_id}.csv`);
    }
    const cityChoice = ref([]);
    watch(tab, (v) => { if (v === 'list') list.load(); else if (v === 'stars' && stars.filters.brand_id) stars.load(); });
    const tabs = computed(() => [
      { value: 'list', label: t('ref.tabList'), count: list.total || null },
      { value: 'stars', label: t('ref.tabStars') },
      { value: 'rules', label: t('ref.tabRules') },
    ]);
    const tone = (s) => ({ held: 'hh-tag-danger', pending: 'hh-tag-warn', rewarded: 'hh-tag-success' })[s] || '';
    return {
      tab, tabs, list, statuses, columns, review, rForm, approve, openReject, reject, tone,
      brands, conditions, rules, saveRules, stores, stars, starColumns, setAmbassador, exportCsv, cityChoice, searchRegions,
      can, t, fmtDateTime, fmtNumber, fmtMoney, navigate,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.referrals')" :desc="t('ref.desc')" />
      <tabs v-model="tab" :tabs="tabs" />
      <div class="hh-card" v-if="tab === 'list'">
        <div class="list-toolbar">
          <filter-chips v-model="list.filters.status" :options="statuses" :all-label="t('common.all')" />
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('ref.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-referrer="{ row }"><a class="cell-main link" @click="navigate('/members/' + row.referrer_id)">{{ row.referrer_name || row.referrer_phone }}</a><div class="cell-sub mono">{{ row.referrer_phone }}</div></template>
          <template #cell-referred="{ row }"><a class="cell-main link" @click="navigate('/members/' + row.referred_id)">{{ row.referred_name || row.referred_phone }}</a><div class="cell-sub mono">{{ row.referred_phone }}</div></template>
          <template #cell-at="{ row }"><span class="muted">{{ fmtDateTime(row.at) }}</span></template>
          <template #cell-status="{ row }">
            <span class="hh-tag" :class="tone(row.status)">{{ t('ref.status.' + row.status) }}</span>
            <div class="cell-sub" v-if="row.hold_reasons && row.hold_reasons.length">{{ row.hold_reasons.map(r => t('ref.reason.' + r)).join('、') }}</div>
            <div class="cell-sub" v-if="row.review_note">{{ row.review_note }}</div>
          </template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="row.status === 'held' && can('referral.review')">
              <button type="button" class="hh-btn hh-btn-link" @click="approve(row)" data-test="approve">{{ t('ref.approve') }}</button>
              <button type="button" class="hh-btn hh-btn-link" @click="openReject(row)" data-test="reject">{{ t('ref.reject') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <div class="hh-card" v-else-if="tab === 'stars'">
        <div class="list-toolbar">
          <hh-select class="list-filter" v-model="stars.filters.brand_id" :options="brands" :clearable="false" :placeholder="t('star.chooseBrand')" name="star-brand" />
          <hh-select class="list-filter" v-model="stars.filters.city_code" :remote="searchRegions" :selected-options="cityChoice" :placeholder="t('star.city')" name="star-city" />
          <hh-select class="list-filter" v-model="stars.filters.store_id" :options="stores" :placeholder="t('star.store')" name="star-store" />
          <input class="hh-input list-filter-sm" type="number" min="0" v-model="stars.filters.min_score" :placeholder="t('star.minScore')" @change="stars.load()" />
          <div class="list-toolbar-right"><button type="button" class="hh-btn" @click="exportCsv" :disabled="!stars.filters.brand_id" data-test="export"><hh-icon name="download" /> {{ t('star.export') }}</button></div>
        </div>
        <p class="muted small">{{ t('star.formula') }}</p>
        <hh-table :columns="starColumns" :rows="stars.items" :total="stars.total" :limit="stars.limit" :offset="stars.offset"
                  :loading="stars.loading" :error="stars.error" :empty-text="stars.filters.brand_id ? t('star.empty') : t('star.chooseBrand')"
                  @page="stars.setOffset" @limit="stars.setLimit" @retry="stars.load()">
          <template #cell-rank="{ row }"><strong>{{ row.rank + stars.offset }}</strong></template>
          <template #cell-member="{ row }">
            <a class="cell-main link" @click="navigate('/members/' + row.id)">{{ row.name || row.phone_masked }}</a>
            <span v-if="row.ambassador" class="hh-tag hh-tag-success">{{ t('star.ambassador') }}</span>
            <div class="cell-sub"><span class="mono">{{ row.phone_masked }}</span><span v-if="row.owner_store_name"> · {{ row.owner_store_name }}</span></div>
          </template>
          <template #cell-score="{ row }"><strong>{{ fmtNumber(row.score) }}</strong></template>
          <template #cell-invited="{ row }">{{ fmtNumber(row.invited) }} / {{ fmtNumber(row.converted) }}</template>
          <template #cell-spend="{ row }">{{ fmtMoney(row.referred_spend_fen) }}</template>
          <template #cell-redemptions="{ row }">{{ fmtNumber(row.referred_redemptions) }} / {{ fmtNumber(row.own_redemptions) }}</template>
          <template #cell-engagement="{ row }">{{ fmtNumber(row.engagement) }}</template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="can('member.update')">
              <button v-if="!row.ambassador" type="button" class="hh-btn hh-btn-link" @click="setAmbassador(row, true)" data-test="make-ambassador">{{ t('star.makeAmb') }}</button>
              <button v-else type="button" class="hh-btn hh-btn-link" @click="setAmbassador(row, false)">{{ t('star.removeAmb') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <div class="hh-card hh-card-pad" v-else>
        <form class="hh-form narrow" @submit.prevent="saveRules" novalidate>
          <hh-form-error :message="rules.formError" />
          <hh-field :label="t('ref.condition')" :error="rules.errors.condition" name="condition">
            <hh-select v-model="rules.values.condition" :options="conditions" :clearable="false" :searchable="false" name="condition" :disabled="!can('referral.review')" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('ref.referrerPoints')" :error="rules.errors.referrer_points" name="referrer_points"><input class="hh-input" type="number" min="0" v-model="rules.values.referrer_points" :disabled="!can('referral.review')" /></hh-field>
            <hh-field :label="t('ref.referredPoints')" :error="rules.errors.referred_points" name="referred_points"><input class="hh-input" type="number" min="0" v-model="rules.values.referred_points" :disabled="!can('referral.review')" /></hh-field>
          </div>
          <hh-field :label="t('ref.burst')" :error="rules.errors.burst_per_hour" :hint="t('ref.burstHint')" name="burst_per_hour"><input class="hh-input" type="number" min="0" v-model="rules.values.burst_per_hour" :disabled="!can('referral.review')" /></hh-field>
          <hh-field :label="t('ref.fundBrand')" :error="rules.errors.brand_id" :hint="t('ref.fundHint')" name="brand_id"><hh-select v-model="rules.values.brand_id" :options="brands" name="fund-brand" :disabled="!can('referral.review')" /></hh-field>
          <div v-if="can('referral.review')"><button type="submit" class="hh-btn hh-btn-primary" :disabled="rules.busy" data-test="save-rules">{{ t('common.save') }}</button></div>
        </form>
      </div>

      <hh-drawer :open="review.open" :title="t('ref.rejectTitle')" :subtitle="review.row ? review.row.referrer_phone + ' → ' + review.row.referred_phone : ''" width="480px" @close="review.open = false">
        <form class="hh-form" id="reject-form" @submit.prevent="reject" novalidate>
          <hh-form-error :message="rForm.formError" />
          <hh-field :label="t('ref.note')" :error="rForm.errors.note" name="note" required><textarea class="hh-textarea" v-model="rForm.values.note" :placeholder="t('ref.notePh')" maxlength="200"></textarea></hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="review.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="reject-form" class="hh-btn hh-btn-danger" :disabled="rForm.busy" data-test="submit-reject">{{ t('ref.reject') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
