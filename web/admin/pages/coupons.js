// Coupons (优惠券): templates — what a coupon gives (cash off, a discount, a
// gift, a sample, a prize), how long it is valid, where (brands, stores), how
// many, how many per member, and whether members may claim it. A template's
// detail issues it to chosen members (a result per member), generates batches
// of printed codes (progress bar, then the printer's CSV), and lists the
// coupons issued, with voiding (a reason is required).

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtDate, fmtNumber, timeZone } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions, clean } from '../parts.js';
import { ProgressBar, JobStatus, Tabs, FilterChips, usePoller, download, searchMembers } from '../crm.js';
import { toZoneInput, fromZoneInput, yuan, toFen, toCount } from './campaigns.js';

addMessages({
  'zh-CN': {
    'nav.coupons': '优惠券',
    'cpn.desc': '券模板决定券的面额、有效期、适用门店和数量；会员领取、定向发放和印刷券码都从模板发出',
    'cpn.create': '新建优惠券',
    'cpn.createSub': '设置券的类型、面额、有效期与适用范围',
    'cpn.edit': '编辑优惠券',
    'cpn.search': '搜索优惠券名称',
    'cpn.allKinds': '全部类型',
    'cpn.active': '使用中',
    'cpn.archived': '已归档',
    'cpn.empty': '还没有优惠券，点击右上角「新建优惠券」开始',
    'cpn.name': '券名称',
    'cpn.namePh': '如：满199减30',
    'cpn.description': '使用说明',
    'cpn.descriptionPh': '如：不与其他优惠同享',
    'cpn.brand': '所属品牌',
    'cpn.campaign': '所属活动',
    'cpn.campaignPh': '不属于活动',
    'cpn.campaignHint': '属于活动的券领取时计入活动的限制与预算',
    'cpn.kind': '券类型',
    'cpn.kind.cash': '现金券',
    'cpn.kind.discount': '折扣券',
    'cpn.kind.gift': '礼品券',
    'cpn.kind.sample': '试用装',
    'cpn.kind.prize': '奖品',
    'cpn.kindHint.cash': '立减固定金额',
    'cpn.kindHint.discount': '按比例打折',
    'cpn.kindHint.gift': '到柜领取礼品',
    'cpn.kindHint.sample': '领取试用装',
    'cpn.kindHint.prize': '抽奖奖品，到柜领取',
    'cpn.value': '面额（元）',
    'cpn.retailValue': '礼品价值（元）',
    'cpn.retailValueHint': '可不填；计入活动预算',
    'cpn.discountPct': '折扣',
    'cpn.discountHint': '实付百分比：85 即 8.5 折',
    'cpn.giftName': '礼品名称',
    'cpn.giftNamePh': '如：精华旅行装 7ml',
    'cpn.minSpend': '使用门槛（元）',
    'cpn.minSpendHint': '满多少元可用；留空为无门槛',
    'cpn.validity': '有效期',
    'cpn.validity.relative': '领取后 N 天',
    'cpn.validity.fixed': '固定时段',
    'cpn.validDays': '天数',
    'cpn.validDaysHint': '含领取当天，到第 N 天结束',
    'cpn.validFrom': '开始',
    'cpn.validTo': '结束',
    'cpn.quantity': '发放总量',
    'cpn.quantityHint': '留空为不限量',
    'cpn.perMember': '每人限领',
    'cpn.perMemberHint': '留空为不限',
    'cpn.claimable': '会员可自行领取',
    'cpn.claimableHint': '关闭后只能由后台发放、抽奖或印刷券码发出',
    'cpn.where': '适用范围',
    'cpn.brands': '适用品牌',
    'cpn.brandsPh': '不选即本品牌',
    'cpn.stores': '适用门店',
    'cpn.storesPh': '不选即适用品牌的全部门店',
    'cpn.frozen': '已有 {n} 张券发出，券的条款（类型、面额、门槛、有效期）不能再改；如需调整请归档后新建',
    'cpn.benefit': '优惠',
    'cpn.issued': '已发 / 总量',
    'cpn.remaining': '剩余 {n}',
    'cpn.unlimited': '不限',
    'cpn.status': '状态',
    'cpn.claimableTag': '可领取',
    'cpn.notClaimable': '仅发放',
    'cpn.relative': '领取后 {n} 天',
    'cpn.window': '{from} 至 {to}',
    'cpn.minSpendShort': '满{n}元',
    'cpn.noMin': '无门槛',
    'cpn.discountShow': '{n}折',
    'cpn.detail': '详情',
    'cpn.tab.overview': '概况',
    'cpn.tab.issue': '定向发放',
    'cpn.tab.batches': '印刷券码',
    'cpn.tab.coupons': '已发的券',
    'cpn.archive': '归档',
    'cpn.restore': '恢复使用',
    'cpn.archivedToast': '已归档「{name}」',
    'cpn.restoredToast': '已恢复「{name}」',
    'cpn.created': '已创建优惠券「{name}」',
    'cpn.saved': '优惠券已保存',
    'cpn.needName': '请填写券名称',
    'cpn.needBrand': '请选择品牌',
    'cpn.needValue': '请填写面额，如 20 或 9.9',
    'cpn.needDiscount': '请填写 1–99 的整数',
    'cpn.needGift': '请填写礼品名称',
    'cpn.needDays': '请填写 1–3650 天',
    'cpn.needWindow': '请选择时间',
    'cpn.endBeforeStart': '结束须晚于开始',
    'cpn.badMoney': '请填写金额，如 199 或 99.5',
    'cpn.badCount': '请填写正整数',
    'cpn.issueTitle': '发给指定会员',
    'cpn.issueHint': '搜索手机号或姓名选择会员（一次最多 1000 位）；每人受每人限领和发放总量限制',
    'cpn.pickMembers': '搜索会员手机号或姓名',
    'cpn.issueGo': '发放',
    'cpn.issueNone': '请先选择会员',
    'cpn.issueDone': '已发出 {ok} 张，{no} 位未发放',
    'cpn.result.issued': '已发放',
    'cpn.result.refused': '未发放',
    'cpn.reason.member_not_found': '会员不存在',
    'cpn.reason.per_member_limit': '已达每人限领',
    'cpn.reason.quantity_exhausted': '券已发完',
    'cpn.batchTitle': '生成印刷券码',
    'cpn.batchHint': '每张券码 12 位、不可猜测，会员在「我的券包」输入或扫码领取；最多 500 万张，后台生成，完成后下载 CSV 交给印厂',
    'cpn.batchQty': '数量',
    'cpn.batchGo': '开始生成',
    'cpn.batchStarted': '已开始生成 {n} 张券码',
    'cpn.batchDone': '券码已生成：{n} 张',
    'cpn.batchFailed': '生成失败：{e}',
    'cpn.batchEmpty': '还没有印刷批次',
    'cpn.batchFile': '进度',
    'cpn.batchWriting': '正在写入文件…',
    'cpn.csv': '下载 CSV',
    'cpn.code': '券码',
    'cpn.member': '会员',
    'cpn.source': '来源',
    'cpn.validUntil': '有效期至',
    'cpn.issuedAt': '发出时间',
    'cpn.unclaimed': '未领取（印刷券码）',
    'cpn.void': '作废',
    'cpn.voidTitle': '作废券 {code}',
    'cpn.voidReason': '作废原因',
    'cpn.voidReasonPh': '如：误发、印刷损坏',
    'cpn.voidGo': '确认作废',
    'cpn.voided': '已作废',
    'cpn.needReason': '请填写作废原因',
    'cpn.couponsEmpty': '还没有发出的券',
    'cpn.codeSearch': '按券码查找',
    'cpn.st.issued': '可使用',
    'cpn.st.redeemed': '已核销',
    'cpn.st.expired': '已过期',
    'cpn.st.voided': '已作废',
    'cpn.src.claim': '会员领取',
    'cpn.src.staff': '导购发放',
    'cpn.src.admin': '后台发放',
    'cpn.src.campaign': '活动',
    'cpn.src.batch': '印刷券码',
    'cpn.src.receipt': '小票奖励',
    'cpn.src.lottery': '抽奖',
    'cpn.src.level': '会员等级',
    'cpn.src.referral': '推荐奖励',
    'cpn.src.points': '积分兑换',
  },
  en: {
    'nav.coupons': 'Coupons',
    'cpn.desc': 'A template sets the value, validity, where it is valid and how many exist; claims, targeted issues and printed codes all come from it',
    'cpn.create': 'New coupon',
    'cpn.createSub': 'Kind, value, validity and where it is valid',
    'cpn.edit': 'Edit coupon',
    'cpn.search': 'Search coupons',
    'cpn.allKinds': 'All kinds',
    'cpn.active': 'Active',
    'cpn.archived': 'Archived',
    'cpn.empty': 'No coupons yet: start with "New coupon"',
    'cpn.name': 'Name',
    'cpn.namePh': 'e.g. ¥30 off ¥199',
    'cpn.description': 'Terms',
    'cpn.descriptionPh': 'e.g. Not combinable with other offers',
    'cpn.brand': 'Brand',
    'cpn.campaign': 'Campaign',
    'cpn.campaignPh': 'No campaign',
    'cpn.campaignHint': 'Claims of a campaign\'s coupons count against its limits and budget',
    'cpn.kind': 'Kind',
    'cpn.kind.cash': 'Cash off',
    'cpn.kind.discount': 'Discount',
    'cpn.kind.gift': 'Gift',
    'cpn.kind.sample': 'Sample',
    'cpn.kind.prize': 'Prize',
    'cpn.kindHint.cash': 'A fixed amount off',
    'cpn.kindHint.discount': 'A percentage off',
    'cpn.kindHint.gift': 'A gift at the counter',
    'cpn.kindHint.sample': 'A trial sample',
    'cpn.kindHint.prize': 'A lottery prize to collect',
    'cpn.value': 'Value (¥)',
    'cpn.retailValue': 'Gift value (¥)',
    'cpn.retailValueHint': 'Optional; counts against a campaign budget',
    'cpn.discountPct': 'Discount',
    'cpn.discountHint': 'Percent paid: 85 = 15% off',
    'cpn.giftName': 'Gift',
    'cpn.giftNamePh': 'e.g. Serum travel size 7 ml',
    'cpn.minSpend': 'Minimum spend (¥)',
    'cpn.minSpendHint': 'Empty for none',
    'cpn.validity': 'Validity',
    'cpn.validity.relative': 'N days from claim',
    'cpn.validity.fixed': 'Fixed window',
    'cpn.validDays': 'Days',
    'cpn.validDaysHint': 'Counting the day of the claim',
    'cpn.validFrom': 'From',
    'cpn.validTo': 'To',
    'cpn.quantity': 'Quantity',
    'cpn.quantityHint': 'Empty for unlimited',
    'cpn.perMember': 'Per member',
    'cpn.perMemberHint': 'Empty for no limit',
    'cpn.claimable': 'Members may claim it',
    'cpn.claimableHint': 'Off: only issued by the console, a lottery or printed codes',
    'cpn.where': 'Where valid',
    'cpn.brands': 'Brands',
    'cpn.brandsPh': 'None: its own brand',
    'cpn.stores': 'Stores',
    'cpn.storesPh': 'None: every store of those brands',
    'cpn.frozen': '{n} coupons were issued: the terms (kind, value, minimum, validity) are frozen. Archive it and create a new one to change them',
    'cpn.benefit': 'Benefit',
    'cpn.issued': 'Issued / quantity',
    'cpn.remaining': '{n} left',
    'cpn.unlimited': 'No limit',
    'cpn.status': 'Status',
    'cpn.claimableTag': 'Claimable',
    'cpn.notClaimable': 'Issued only',
    'cpn.relative': '{n} days from claim',
    'cpn.window': '{from} to {to}',
    'cpn.minSpendShort': 'over ¥{n}',
    'cpn.noMin': 'no minimum',
    'cpn.discountShow': '{n}% off',
    'cpn.detail': 'Details',
    'cpn.tab.overview': 'Overview',
    'cpn.tab.issue': 'Issue',
    'cpn.tab.batches': 'Printed codes',
    'cpn.tab.coupons': 'Issued coupons',
    'cpn.archive': 'Archive',
    'cpn.restore': 'Restore',
    'cpn.archivedToast': '"{name}" archived',
    'cpn.restoredToast': '"{name}" restored',
    'cpn.created': 'Coupon "{name}" created',
    'cpn.saved': 'Coupon saved',
    'cpn.needName': 'Enter a name',
    'cpn.needBrand': 'Choose a brand',
    'cpn.needValue': 'Enter the value, e.g. 20 or 9.9',
    'cpn.needDiscount': 'Enter a whole number 1–99',
    'cpn.needGift': 'Enter the gift',
    'cpn.needDays': 'Enter 1–3650 days',
    'cpn.needWindow': 'Choose a time',
    'cpn.endBeforeStart': 'The end must be after the start',
    'cpn.badMoney': 'Enter an amount, e.g. 199 or 99.5',
    'cpn.badCount': 'Enter a positive whole number',
    'cpn.issueTitle': 'Issue to members',
    'cpn.issueHint': 'Search by phone or name (up to 1000 at once); per-member limit and quantity apply',
    'cpn.pickMembers': 'Search members by phone or name',
    'cpn.issueGo': 'Issue',
    'cpn.issueNone': 'Choose members first',
    'cpn.issueDone': '{ok} issued, {no} refused',
    'cpn.result.issued': 'Issued',
    'cpn.result.refused': 'Refused',
    'cpn.reason.member_not_found': 'No such member',
    'cpn.reason.per_member_limit': 'Per-member limit reached',
    'cpn.reason.quantity_exhausted': 'All issued',
    'cpn.batchTitle': 'Generate printed codes',
    'cpn.batchHint': 'Unguessable 12-character codes members add in "My coupons"; up to 5 million, generated in the background; download the CSV for the printer when done',
    'cpn.batchQty': 'Quantity',
    'cpn.batchGo': 'Generate',
    'cpn.batchStarted': 'Generating {n} codes',
    'cpn.batchDone': 'Codes ready: {n}',
    'cpn.batchFailed': 'Generation failed: {e}',
    'cpn.batchEmpty': 'No batches yet',
    'cpn.batchFile': 'Progress',
    'cpn.batchWriting': 'Writing the file…',
    'cpn.csv': 'Download CSV',
    'cpn.code': 'Code',
    'cpn.member': 'Member',
    'cpn.source': 'Source',
    'cpn.validUntil': 'Valid until',
    'cpn.issuedAt': 'Issued',
    'cpn.unclaimed': 'Not claimed (printed code)',
    'cpn.void': 'Void',
    'cpn.voidTitle': 'Void coupon {code}',
    'cpn.voidReason': 'Reason',
    'cpn.voidReasonPh': 'e.g. Issued by mistake',
    'cpn.voidGo': 'Void it',
    'cpn.voided': 'Voided',
    'cpn.needReason': 'Give a reason',
    'cpn.couponsEmpty': 'No coupons issued yet',
    'cpn.codeSearch': 'Find a code',
    'cpn.st.issued': 'Usable',
    'cpn.st.redeemed': 'Redeemed',
    'cpn.st.expired': 'Expired',
    'cpn.st.voided': 'Voided',
    'cpn.src.claim': 'Claimed',
    'cpn.src.staff': 'By staff',
    'cpn.src.admin': 'By console',
    'cpn.src.campaign': 'Campaign',
    'cpn.src.batch': 'Printed code',
    'cpn.src.receipt': 'Receipt reward',
    'cpn.src.lottery': 'Lottery',
    'cpn.src.level': 'Member level',
    'cpn.src.referral': 'Referral',
    'cpn.src.points': 'Points',
  },
});

const KINDS = ['cash', 'discount', 'gift', 'sample', 'prize'];
const ST_TONE = { issued: 'hh-tag-success', redeemed: 'hh-tag-info', expired: 'hh-tag-warn', voided: '' };
const EMPTY = {
  brand_id: null, campaign_id: null, name: '', description: '', kind: 'cash', value: '', discount_pct: '', gift_name: '', min_spend: '',
  validity: 'relative', valid_days: '30', valid_from: '', valid_to: '', quantity: '', per_member_limit: '1', claimable: true,
  brand_ids: [], store_ids: [],
};

/** "满199减30"-style summary of a template's benefit. */
export function benefitText(x) {
  const min = x.min_spend_fen > 0 ? t('cpn.minSpendShort', { n: yuan(x.min_spend_fen) }) : t('cpn.noMin');
  if (x.kind === 'cash') return `¥${yuan(x.value_fen)} · ${min}`;
  if (x.kind === 'discount') {
    const n = lang.value === 'en' ? 100 - x.discount_pct : String(x.discount_pct / 10).replace(/\.0$/, '');
    return `${t('cpn.discountShow', { n })} · ${min}`;
  }
  return x.gift_name || t('cpn.kind.' + x.kind);
}
export function validityText(x) {
  return x.validity === 'relative' ? t('cpn.relative', { n: x.valid_days }) : t('cpn.window', { from: fmtDate(x.valid_from), to: fmtDate(x.valid_to) });
}

async function campaignOptions(brandId) {
  if (!brandId) return [];
  const r = await api.get('/api/campaigns', { brand_id: brandId, limit: 200 }).catch(() => ({ items: [] }));
  return (r.items || []).filter((c) => c.status_now !== 'ended').map((c) => ({ value: c.id, label: c.name, sub: t('campaign.status.' + c.status_now) }));
}

export default {
  components: { PageHead, ListToolbar, ProgressBar, JobStatus, Tabs, FilterChips },
  setup() {
    const list = useList('/api/coupon-templates', { archived: false, filters: { brand_id: null, kind: null, status: 'active' } });
    list.load();
    const brands = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    const kinds = computed(() => KINDS.map((k) => ({ value: k, label: t('cpn.kind.' + k) })));
    const statusChips = computed(() => [{ value: 'active', label: t('cpn.active') }, { value: 'archived', label: t('cpn.archived') }]);
    const columns = computed(() => [
      { key: 'name', label: t('cpn.name') },
      { key: 'benefit', label: t('cpn.benefit'), width: '200px' },
      { key: 'validity', label: t('cpn.validity'), width: '190px' },
      { key: 'issued', label: t('cpn.issued'), width: '170px' },
      { key: 'limit', label: t('cpn.perMember'), width: '90px', align: 'right' },
      { key: 'actions', label: '', width: '90px', align: 'right' },
    ]);

    /* ---- create / edit ---- */
    const drawer = reactive({ open: false, editing: null });
    const form = useForm(EMPTY, [...Object.keys(EMPTY), 'value_fen', 'min_spend_fen']);
    const formCampaigns = ref([]);
    const formStores = ref([]);
    watch(() => form.values.brand_id, async (b) => {
      formCampaigns.value = await campaignOptions(b);
      if (form.values.campaign_id && !formCampaigns.value.some((c) => c.value === form.values.campaign_id)) {
        // an ended campaign the template already belongs to stays selectable
        if (drawer.editing && drawer.editing.campaign_id === form.values.campaign_id) {
          formCampaigns.value.push({ value: drawer.editing.campaign_id, label: drawer.editing.campaign_name });
        } else if (!route.query.campaign_id || Number(route.query.campaign_id) !== form.values.campaign_id) {
          form.values.campaign_id = null;
        }
      }
    });
    // stores of the brands where the coupon is valid (none listed: its own brand)
    watch(() => [form.values.brand_id, form.values.brand_ids.join()], async () => {
      const ids = form.values.brand_ids.length ? form.values.brand_ids : (form.values.brand_id ? [form.values.brand_id] : []);
      const all = [];
      for (const b of ids) for (const o of await storeOptions({ brand_id: b }).catch(() => [])) if (!all.some((x) => x.value === o.value)) all.push(o);
      formStores.value = all;
      form.values.store_ids = form.values.store_ids.filter((id) => all.some((s) => s.value === id));
    });
    const frozen = computed(() => !!(drawer.editing && drawer.editing.issued > 0));
    // prizes are handed out (lottery, counter), not claimed
    watch(() => form.values.kind, (k, old) => { if (!drawer.editing && old && (k === 'prize') !== (old === 'prize')) form.values.claimable = k !== 'prize'; });
    function openCreate(prefill = {}) {
      const now = Date.now();
      form.reset({ ...EMPTY, brand_ids: [], store_ids: [], brand_id: list.filters.brand_id || (brands.value.length === 1 ? brands.value[0].value : null),
        valid_from: toZoneInput(now), valid_to: toZoneInput(now + 30 * 86400_000), ...prefill });
      drawer.editing = null;
      drawer.open = true;
    }
    function openEdit(x) {
      form.reset({
        brand_id: x.brand_id, campaign_id: x.campaign_id, name: x.name, description: x.description || '', kind: x.kind,
        value: yuan(x.value_fen), discount_pct: x.discount_pct ?? '', gift_name: x.gift_name || '', min_spend: x.min_spend_fen ? yuan(x.min_spend_fen) : '',
        validity: x.validity, valid_days: x.valid_days ?? '30', valid_from: toZoneInput(x.valid_from), valid_to: toZoneInput(x.valid_to),
        quantity: x.quantity ?? '', per_member_limit: x.per_member_limit ?? '', claimable: !!x.claimable,
        brand_ids: [...(x.brand_ids || [])], store_ids: [...(x.store_ids || [])],
      });
      drawer.editing = x;
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      const e = {};
      if (!v.name) e.name = t('cpn.needName');
      if (!v.brand_id) e.brand_id = t('cpn.needBrand');
      const value = toFen(v.value), min = toFen(v.min_spend);
      if (v.kind === 'cash' && !(value > 0)) e.value = t('cpn.needValue');
      else if (Number.isNaN(value)) e.value = t('cpn.badMoney');
      if (Number.isNaN(min)) e.min_spend = t('cpn.badMoney');
      const pct = Number(v.discount_pct);
      if (v.kind === 'discount' && !(Number.isInteger(pct) && pct >= 1 && pct <= 99)) e.discount_pct = t('cpn.needDiscount');
      if (['gift', 'sample', 'prize'].includes(v.kind) && !v.gift_name) e.gift_name = t('cpn.needGift');
      const days = Number(v.valid_days), from = fromZoneInput(v.valid_from), to = fromZoneInput(v.valid_to);
      if (v.validity === 'relative' && !(Number.isInteger(days) && days >= 1 && days <= 3650)) e.valid_days = t('cpn.needDays');
      if (v.validity === 'fixed') {
        if (!from) e.valid_from = t('cpn.needWindow');
        if (!to) e.valid_to = t('cpn.needWindow');
        else if (from && to <= from) e.valid_to = t('cpn.endBeforeStart');
      }
      const qty = toCount(v.quantity), per = toCount(v.per_member_limit);
      if (Number.isNaN(qty)) e.quantity = t('cpn.badCount');
      if (Number.isNaN(per)) e.per_member_limit = t('cpn.badCount');
      form.errors = e;
      if (Object.keys(e).length) return;
      const body = {
        name: v.name, description: v.description, campaign_id: v.campaign_id || null, quantity: qty, per_member_limit: per,
        claimable: !!v.claimable, brand_ids: v.brand_ids.map(Number), store_ids: v.store_ids.map(Number),
      };
      if (!frozen.value) {
        Object.assign(body, {
          kind: v.kind, value_fen: v.kind === 'discount' ? null : value, discount_pct: v.kind === 'discount' ? pct : null,
          gift_name: ['gift', 'sample', 'prize'].includes(v.kind) ? v.gift_name : null, min_spend_fen: ['cash', 'discount'].includes(v.kind) ? (min || 0) : 0,
          validity: v.validity, valid_days: v.validity === 'relative' ? days : null,
          valid_from: v.validity === 'fixed' ? from : null, valid_to: v.validity === 'fixed' ? to : null,
        });
      }
      let res;
      if (drawer.editing) res = await form.run(() => api.patch(`/api/coupon-templates/${drawer.editing.id}`, body));
      else {
        body.brand_id = v.brand_id;
        for (const k of Object.keys(body)) if (body[k] === null && k !== 'quantity' && k !== 'per_member_limit') delete body[k];
        res = await form.run(() => api.post('/api/coupon-templates', body));
      }
      for (const [f, to2] of [['value_fen', 'value'], ['min_spend_fen', 'min_spend']]) if (form.errors[f]) form.errors[to2] = form.errors[f];
      if (res) {
        toast.success(drawer.editing ? t('cpn.saved') : t('cpn.created', { name: res.name }));
        drawer.open = false;
        list.load();
        openDetail(res);
      }
    }

    /* ---- detail ---- */
    const detail = reactive({ open: false, x: null, tab: 'overview', busy: false });
    const tabs = computed(() => [
      { value: 'overview', label: t('cpn.tab.overview') },
      ...(can('coupon.manage') ? [{ value: 'issue', label: t('cpn.tab.issue') }, { value: 'batches', label: t('cpn.tab.batches') }] : []),
      { value: 'coupons', label: t('cpn.tab.coupons'), count: detail.x ? detail.x.issued : null },
    ]);
    async function refresh() {
      if (!detail.x) return;
      try { detail.x = await api.get(`/api/coupon-templates/${detail.x.id}`); } catch (_) { /* keep */ }
    }
    function openDetail(x, tab = 'overview') {
      detail.x = x;
      detail.tab = tab;
      detail.open = true;
      issue.ids = []; issue.results = null;
    }
    async function setStatus(archive) {
      detail.busy = true;
      try {
        detail.x = archive ? await api.del(`/api/coupon-templates/${detail.x.id}`)
          : await api.patch(`/api/coupon-templates/${detail.x.id}`, { status: 'active' });
        toast.success(t(archive ? 'cpn.archivedToast' : 'cpn.restoredToast', { name: detail.x.name }));
        list.load();
      } catch (e) { toast.error(e.message); } finally { detail.busy = false; }
    }

    /* issue to members */
    const issue = reactive({ ids: [], busy: false, results: null, labels: {} });
    const findMembers = async (q) => {
      const opts = await searchMembers(q);
      for (const o of opts) issue.labels[o.value] = o;
      return opts;
    };
    async function doIssue() {
      if (!issue.ids.length) { toast.error(t('cpn.issueNone')); return; }
      issue.busy = true;
      try {
        const r = await api.post(`/api/coupon-templates/${detail.x.id}/issue`, { member_ids: issue.ids.map(Number) });
        issue.results = r.results;
        toast.success(t('cpn.issueDone', { ok: r.issued, no: r.refused }));
        issue.ids = [];
        refresh(); coupons.load(); list.load();
      } catch (e) { toast.error(e.message); } finally { issue.busy = false; }
    }
    const memberLabel = (id) => { const o = issue.labels[id]; return o ? `${o.label} · ${o.sub.split(' · ')[0]}` : '#' + id; };

    /* batches */
    const batches = useList(() => `/api/coupon-templates/${detail.x ? detail.x.id : 0}/batches`, { archived: false, limit: 10 });
    const batch = reactive({ qty: '', err: '', busy: false });
    watch(() => [detail.open, detail.x && detail.x.id, detail.tab], () => { if (detail.open && detail.tab === 'batches') batches.load(); });
    const poll = usePoller(async () => {
      const running = batches.items.filter((b) => b.status === 'running');
      for (const b of running) {
        try {
          const fresh = await api.get(`/api/coupon-batches/${b.id}`);
          Object.assign(b, fresh);
          if (fresh.status === 'done') { toast.success(t('cpn.batchDone', { n: fmtNumber(fresh.quantity) })); refresh(); }
          if (fresh.status === 'failed') toast.error(t('cpn.batchFailed', { e: fresh.error || '' }));
        } catch (_) { /* next tick */ }
      }
      return !batches.items.some((b) => b.status === 'running');
    }, 700);
    watch(() => batches.items.map((b) => b.status).join(), () => { if (batches.items.some((b) => b.status === 'running')) poll.start(); }, { immediate: true });
    async function makeBatch() {
      batch.err = '';
      const n = toCount(batch.qty);
      if (!(n >= 1 && n <= 5_000_000)) { batch.err = t('cpn.badCount'); return; }
      batch.busy = true;
      try {
        await api.post(`/api/coupon-templates/${detail.x.id}/batches`, { quantity: n });
        toast.success(t('cpn.batchStarted', { n: fmtNumber(n) }));
        batch.qty = '';
        await batches.load();
        refresh();
      } catch (e) { batch.err = e.message; } finally { batch.busy = false; }
    }
    const csv = (b) => download(`/api/coupon-batches/${b.id}/codes.csv`, `coupon-batch-${b.id}.csv`);

    /* issued coupons */
    const coupons = useList('/api/coupons', { archived: false, limit: 20, filters: { status: null, code: '' }, extra: () => ({ template_id: detail.x ? detail.x.id : 0 }) });
    watch(() => [detail.open, detail.x && detail.x.id, detail.tab], () => { if (detail.open && detail.tab === 'coupons') coupons.load(); });
    const couponColumns = computed(() => [
      { key: 'code', label: t('cpn.code'), width: '150px' },
      { key: 'member', label: t('cpn.member') },
      { key: 'status', label: t('cpn.status'), width: '90px' },
      { key: 'valid_to', label: t('cpn.validUntil'), width: '120px' },
      { key: 'actions', label: '', width: '80px', align: 'right' },
    ]);
    const statusOpts = computed(() => ['issued', 'redeemed', 'expired', 'voided'].map((s) => ({ value: s, label: t('cpn.st.' + s) })));
    const voiding = reactive({ c: null, reason: '', err: '', busy: false });
    async function doVoid() {
      voiding.err = '';
      if (!voiding.reason.trim()) { voiding.err = t('cpn.needReason'); return; }
      voiding.busy = true;
      try {
        await api.post(`/api/coupons/${voiding.c.id}/void`, { reason: voiding.reason.trim() });
        toast.success(t('cpn.voided'));
        voiding.c = null; voiding.reason = '';
        coupons.load(); refresh(); list.load();
      } catch (e) { voiding.err = e.message; } finally { voiding.busy = false; }
    }

    // links from other screens: #/coupons?new=1&brand_id=&campaign_id=, #/coupons?open=<id>
    const q = route.query;
    if (q.new) setTimeout(() => openCreate({ brand_id: q.brand_id ? Number(q.brand_id) : null, campaign_id: q.campaign_id ? Number(q.campaign_id) : null }), 0);
    if (q.open) api.get(`/api/coupon-templates/${Number(q.open)}`).then((x) => openDetail(x)).catch(() => {});

    return {
      list, brands, kinds, statusChips, columns, drawer, form, formCampaigns, formStores, frozen, openCreate, openEdit, save,
      detail, tabs, openDetail, setStatus, issue, findMembers, doIssue, memberLabel, batches, batch, makeBatch, csv,
      coupons, couponColumns, statusOpts, voiding, doVoid, KINDS, ST_TONE, benefitText, validityText, yuan, timeZone,
      can, t, fmtDateTime, fmtDate, fmtNumber,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.coupons')" :desc="t('cpn.desc')">
        <button v-if="can('coupon.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate()" data-test="create"><hh-icon name="plus" /> {{ t('cpn.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('cpn.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
            <hh-select class="list-filter-sm" v-model="list.filters.kind" :options="kinds" :placeholder="t('cpn.allKinds')" name="filter-kind" />
            <filter-chips v-model="list.filters.status" :options="statusChips" :all-label="t('common.all')" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('cpn.empty')"
                  :row-class="r => r.status === 'archived' ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-name="{ row }">
            <button type="button" class="link-btn cell-main" @click="openDetail(row)" data-test="open-coupon">{{ row.name }}</button>
            <div class="cell-sub">{{ row.brand_name }}<template v-if="row.campaign_name"> · {{ row.campaign_name }}</template>
              · <span :class="row.claimable ? 'success-text' : 'muted'">{{ row.claimable ? t('cpn.claimableTag') : t('cpn.notClaimable') }}</span>
              <span v-if="row.status === 'archived'" class="hh-tag">{{ t('cpn.archived') }}</span></div>
          </template>
          <template #cell-benefit="{ row }"><span class="hh-tag" :class="'cpn-k-' + row.kind">{{ t('cpn.kind.' + row.kind) }}</span> {{ benefitText(row) }}</template>
          <template #cell-validity="{ row }">{{ validityText(row) }}</template>
          <template #cell-issued="{ row }">
            <progress-bar v-if="row.quantity" :done="row.issued" :total="row.quantity" status="running" :label="fmtNumber(row.issued) + ' / ' + fmtNumber(row.quantity)" />
            <span v-else>{{ fmtNumber(row.issued) }} / {{ t('cpn.unlimited') }}</span>
          </template>
          <template #cell-limit="{ row }">{{ row.per_member_limit ?? t('cpn.unlimited') }}</template>
          <template #cell-actions="{ row }"><button type="button" class="hh-btn hh-btn-sm" @click="openDetail(row)">{{ t('cpn.detail') }}</button></template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.editing ? t('cpn.edit') : t('cpn.create')" :subtitle="drawer.editing ? drawer.editing.name : t('cpn.createSub')" width="660px" @close="drawer.open = false">
        <form class="hh-form" id="cpn-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div v-if="frozen" class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ t('cpn.frozen', { n: fmtNumber(drawer.editing.issued) }) }}</span></div>
          <div class="hh-form-row">
            <hh-field :label="t('cpn.name')" :error="form.errors.name" name="name" required>
              <input class="hh-input" v-model="form.values.name" :placeholder="t('cpn.namePh')" maxlength="64" />
            </hh-field>
            <hh-field :label="t('cpn.brand')" :error="form.errors.brand_id" name="brand_id" required>
              <hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('tp.brandPh')" name="brand_id" :disabled="!!drawer.editing" :invalid="!!form.errors.brand_id" />
            </hh-field>
          </div>
          <hh-field :label="t('cpn.campaign')" :error="form.errors.campaign_id" :hint="t('cpn.campaignHint')" name="campaign_id">
            <hh-select v-model="form.values.campaign_id" :options="formCampaigns" :placeholder="form.values.brand_id ? t('cpn.campaignPh') : t('tp.brandFirst')" :disabled="!form.values.brand_id" name="campaign_id" />
          </hh-field>
          <hh-field :label="t('cpn.kind')" :error="form.errors.kind" name="kind" required>
            <div class="role-cards cpn-kinds">
              <label v-for="k in KINDS" :key="k" class="role-card" :class="{ active: form.values.kind === k, fixed: frozen }" :data-kind="k">
                <input type="radio" :value="k" v-model="form.values.kind" :disabled="frozen" /><b>{{ t('cpn.kind.' + k) }}</b><small>{{ t('cpn.kindHint.' + k) }}</small></label>
            </div>
          </hh-field>
          <div class="hh-form-row">
            <hh-field v-if="form.values.kind === 'cash'" :label="t('cpn.value')" :error="form.errors.value" name="value" required>
              <input class="hh-input" inputmode="decimal" v-model="form.values.value" placeholder="20" :disabled="frozen" />
            </hh-field>
            <hh-field v-if="form.values.kind === 'discount'" :label="t('cpn.discountPct')" :error="form.errors.discount_pct" :hint="t('cpn.discountHint')" name="discount_pct" required>
              <input class="hh-input" inputmode="numeric" v-model="form.values.discount_pct" placeholder="85" :disabled="frozen" />
            </hh-field>
            <hh-field v-if="['gift', 'sample', 'prize'].includes(form.values.kind)" :label="t('cpn.giftName')" :error="form.errors.gift_name" name="gift_name" required>
              <input class="hh-input" v-model="form.values.gift_name" :placeholder="t('cpn.giftNamePh')" maxlength="64" :disabled="frozen" />
            </hh-field>
            <hh-field v-if="['cash', 'discount'].includes(form.values.kind)" :label="t('cpn.minSpend')" :error="form.errors.min_spend" :hint="t('cpn.minSpendHint')" name="min_spend">
              <input class="hh-input" inputmode="decimal" v-model="form.values.min_spend" placeholder="199" :disabled="frozen" />
            </hh-field>
            <hh-field v-else :label="t('cpn.retailValue')" :error="form.errors.value" :hint="t('cpn.retailValueHint')" name="value">
              <input class="hh-input" inputmode="decimal" v-model="form.values.value" :disabled="frozen" />
            </hh-field>
          </div>
          <hh-field :label="t('cpn.validity')" name="validity" required>
            <div class="seg">
              <label v-for="m in ['relative', 'fixed']" :key="m" class="seg-item" :class="{ active: form.values.validity === m }"><input type="radio" :value="m" v-model="form.values.validity" :disabled="frozen" /> {{ t('cpn.validity.' + m) }}</label>
            </div>
          </hh-field>
          <div class="hh-form-row" v-if="form.values.validity === 'relative'">
            <hh-field :label="t('cpn.validDays')" :error="form.errors.valid_days" :hint="t('cpn.validDaysHint')" name="valid_days" required>
              <input class="hh-input" inputmode="numeric" v-model="form.values.valid_days" :disabled="frozen" />
            </hh-field>
          </div>
          <div class="hh-form-row" v-else>
            <hh-field :label="t('cpn.validFrom')" :error="form.errors.valid_from" :hint="t('cp.zoneHint', { tz: timeZone })" name="valid_from" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.valid_from" :disabled="frozen" />
            </hh-field>
            <hh-field :label="t('cpn.validTo')" :error="form.errors.valid_to" name="valid_to" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.valid_to" :disabled="frozen" />
            </hh-field>
          </div>
          <div class="hh-form-row">
            <hh-field :label="t('cpn.quantity')" :error="form.errors.quantity" :hint="t('cpn.quantityHint')" name="quantity">
              <input class="hh-input" inputmode="numeric" v-model="form.values.quantity" :placeholder="t('cpn.unlimited')" />
            </hh-field>
            <hh-field :label="t('cpn.perMember')" :error="form.errors.per_member_limit" :hint="t('cpn.perMemberHint')" name="per_member_limit">
              <input class="hh-input" inputmode="numeric" v-model="form.values.per_member_limit" :placeholder="t('cpn.unlimited')" />
            </hh-field>
          </div>
          <hh-field :hint="t('cpn.claimableHint')" name="claimable">
            <hh-switch v-model="form.values.claimable" :label="t('cpn.claimable')" />
          </hh-field>
          <fieldset class="cp-fieldset">
            <legend>{{ t('cpn.where') }}</legend>
            <hh-field :label="t('cpn.brands')" :error="form.errors.brand_ids" name="brand_ids">
              <hh-select v-model="form.values.brand_ids" :options="brands" multiple :placeholder="t('cpn.brandsPh')" name="brand_ids" />
            </hh-field>
            <hh-field :label="t('cpn.stores')" :error="form.errors.store_ids" name="store_ids">
              <hh-select v-model="form.values.store_ids" :options="formStores" multiple :placeholder="t('cpn.storesPh')" :disabled="!form.values.brand_id" name="store_ids" />
            </hh-field>
          </fieldset>
          <hh-field :label="t('cpn.description')" :error="form.errors.description" name="description">
            <textarea class="hh-input" rows="2" v-model="form.values.description" :placeholder="t('cpn.descriptionPh')" maxlength="500"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="cpn-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="detail.open" :title="detail.x ? detail.x.name : ''" :subtitle="detail.x ? detail.x.brand_name + (detail.x.campaign_name ? ' · ' + detail.x.campaign_name : '') : ''" width="720px" @close="detail.open = false">
        <div v-if="detail.x" class="cpn-detail" data-test="coupon-detail">
          <tabs v-model="detail.tab" :tabs="tabs" />
          <div v-if="detail.tab === 'overview'" class="cpn-pane">
            <div class="cp-stats">
              <div class="cp-stat"><small>{{ t('cpn.benefit') }}</small><b>{{ benefitText(detail.x) }}</b><span class="cell-sub">{{ t('cpn.kind.' + detail.x.kind) }}</span></div>
              <div class="cp-stat"><small>{{ t('cpn.issued') }}</small><b data-test="issued">{{ fmtNumber(detail.x.issued) }}<template v-if="detail.x.quantity"> / {{ fmtNumber(detail.x.quantity) }}</template></b>
                <span class="cell-sub">{{ detail.x.remaining === null ? t('cpn.unlimited') : t('cpn.remaining', { n: fmtNumber(detail.x.remaining) }) }}</span></div>
            </div>
            <dl class="hh-kv">
              <dt>{{ t('cpn.validity') }}</dt><dd>{{ validityText(detail.x) }}</dd>
              <dt>{{ t('cpn.perMember') }}</dt><dd>{{ detail.x.per_member_limit ?? t('cpn.unlimited') }}</dd>
              <dt>{{ t('cpn.claimable') }}</dt><dd>{{ detail.x.claimable ? t('cpn.claimableTag') : t('cpn.notClaimable') }}</dd>
              <dt>{{ t('cpn.brands') }}</dt><dd>{{ detail.x.valid_brands.map((b) => b.name).join('、') }}</dd>
              <dt>{{ t('cpn.stores') }}</dt><dd>{{ detail.x.valid_stores.length ? detail.x.valid_stores.map((s) => s.name).join('、') : t('cpn.storesPh') }}</dd>
              <template v-if="detail.x.description"><dt>{{ t('cpn.description') }}</dt><dd>{{ detail.x.description }}</dd></template>
              <dt>{{ t('cpn.status') }}</dt><dd>{{ detail.x.status === 'archived' ? t('cpn.archived') : t('cpn.active') }}</dd>
              <dt>{{ t('common.createdAt') }}</dt><dd>{{ fmtDateTime(detail.x.created_at) }}</dd>
            </dl>
          </div>

          <div v-else-if="detail.tab === 'issue'" class="cpn-pane" data-test="issue-pane">
            <h3>{{ t('cpn.issueTitle') }}</h3>
            <p class="muted">{{ t('cpn.issueHint') }}</p>
            <div class="inline-row">
              <hh-select class="cpn-members" v-model="issue.ids" :remote="findMembers" multiple :placeholder="t('cpn.pickMembers')" name="issue-members" />
              <button type="button" class="hh-btn hh-btn-primary" :disabled="issue.busy || detail.x.status !== 'active'" @click="doIssue" data-test="issue-go">{{ t('cpn.issueGo') }}</button>
            </div>
            <table v-if="issue.results" class="cpn-results" data-test="issue-results">
              <tr v-for="r in issue.results" :key="r.member_id" :data-status="r.status">
                <td>{{ memberLabel(r.member_id) }}</td>
                <td><span class="hh-tag" :class="r.status === 'issued' ? 'hh-tag-success' : 'hh-tag-danger'">{{ t('cpn.result.' + r.status) }}</span></td>
                <td><span v-if="r.code" class="mono">{{ r.code }}</span><span v-else class="muted">{{ t('cpn.reason.' + r.reason) }}</span></td>
              </tr>
            </table>
          </div>

          <div v-else-if="detail.tab === 'batches'" class="cpn-pane" data-test="batches-pane">
            <h3>{{ t('cpn.batchTitle') }}</h3>
            <p class="muted">{{ t('cpn.batchHint') }}</p>
            <div class="inline-row">
              <input class="hh-input cpn-qty" inputmode="numeric" name="batch-qty" v-model="batch.qty" :placeholder="t('cpn.batchQty') + '，如 10000'" />
              <button type="button" class="hh-btn hh-btn-primary" :disabled="batch.busy || detail.x.status !== 'active'" @click="makeBatch" data-test="batch-go"><hh-icon name="printer" :size="15" /> {{ t('cpn.batchGo') }}</button>
            </div>
            <p v-if="batch.err" class="hh-field-error" data-test="batch-error">{{ batch.err }}</p>
            <p v-if="!batches.items.length && !batches.loading" class="muted">{{ t('cpn.batchEmpty') }}</p>
            <ul class="cpn-batches">
              <li v-for="b in batches.items" :key="b.id" class="batch-progress" :data-batch="b.id" :data-status="b.status">
                <div class="cpn-batch-head"><b>#{{ b.id }} · {{ fmtNumber(b.quantity) }}</b><span class="muted">{{ fmtDateTime(b.created_at) }}</span></div>
                <progress-bar :done="b.done" :total="b.quantity" :status="b.status" :label="b.status === 'running' && b.done === b.quantity ? t('cpn.batchWriting') : ''" />
                <div v-if="b.status === 'failed'" class="cell-sub danger-text">{{ b.error }}</div>
                <button v-if="b.status === 'done' && can('coupon.manage')" type="button" class="hh-btn hh-btn-sm" @click="csv(b)" data-test="codes-csv"><hh-icon name="download" :size="15" /> {{ t('cpn.csv') }}</button>
                <job-status v-else-if="b.status !== 'done'" :status="b.status" />
              </li>
            </ul>
          </div>

          <div v-else class="cpn-pane" data-test="coupons-pane">
            <div class="list-toolbar">
              <div class="hh-input-icon list-search"><hh-icon name="search" :size="16" />
                <input class="hh-input mono" type="search" v-model.lazy="coupons.filters.code" :placeholder="t('cpn.codeSearch')" name="code-search" /></div>
              <hh-select class="list-filter-sm" v-model="coupons.filters.status" :options="statusOpts" :placeholder="t('common.all')" name="filter-coupon-status" />
            </div>
            <div v-if="voiding.c" class="cpn-void" data-test="void-form">
              <b>{{ t('cpn.voidTitle', { code: voiding.c.code }) }}</b>
              <div class="inline-row">
                <input class="hh-input" name="void-reason" v-model="voiding.reason" :placeholder="t('cpn.voidReasonPh')" maxlength="200" />
                <button type="button" class="hh-btn hh-btn-danger" :disabled="voiding.busy" @click="doVoid" data-test="void-go">{{ t('cpn.voidGo') }}</button>
                <button type="button" class="hh-btn" @click="voiding.c = null">{{ t('common.cancel') }}</button>
              </div>
              <p v-if="voiding.err" class="hh-field-error">{{ voiding.err }}</p>
            </div>
            <hh-table :columns="couponColumns" :rows="coupons.items" :total="coupons.total" :limit="coupons.limit" :offset="coupons.offset"
                      :loading="coupons.loading" :error="coupons.error" :empty-text="t('cpn.couponsEmpty')"
                      @page="coupons.setOffset" @limit="coupons.setLimit" @retry="coupons.load()">
              <template #cell-code="{ row }"><span class="mono">{{ row.code }}</span><div class="cell-sub">{{ t('cpn.src.' + row.source) }}</div></template>
              <template #cell-member="{ row }">
                <template v-if="row.member_id"><a :href="'#/members/' + row.member_id">{{ row.member_name || row.member_phone_masked }}</a>
                  <div class="cell-sub mono">{{ row.member_phone_masked }}</div></template>
                <span v-else class="muted">{{ t('cpn.unclaimed') }}</span>
              </template>
              <template #cell-status="{ row }"><span class="hh-tag" :class="ST_TONE[row.status]" :data-status="row.status">{{ t('cpn.st.' + row.status) }}</span></template>
              <template #cell-valid_to="{ row }">{{ row.valid_to ? fmtDate(row.valid_to) : '—' }}</template>
              <template #cell-actions="{ row }">
                <button v-if="can('coupon.manage') && (row.status === 'issued' || row.status === 'expired')" type="button" class="hh-btn hh-btn-sm" @click="voiding.c = row; voiding.reason = ''; voiding.err = ''" data-test="void">{{ t('cpn.void') }}</button>
              </template>
            </hh-table>
          </div>
        </div>
        <template #footer v-if="detail.x && can('coupon.manage')">
          <button v-if="detail.x.status === 'active'" type="button" class="hh-btn" :disabled="detail.busy" @click="setStatus(true)" data-test="archive"><hh-icon name="archive" :size="15" /> {{ t('cpn.archive') }}</button>
          <button v-else type="button" class="hh-btn" :disabled="detail.busy" @click="setStatus(false)" data-test="restore">{{ t('cpn.restore') }}</button>
          <button type="button" class="hh-btn hh-btn-primary" @click="openEdit(detail.x)" data-test="edit"><hh-icon name="edit" :size="15" /> {{ t('common.edit') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
