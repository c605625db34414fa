// Lottery (抽奖) — a campaign's prize pool, as the brand's operator runs it:
// prizes with live stock, today's wins against the daily cap, weights and the
// odds members see; the "no prize" outcome and the mode; pass-code batches
// (printed codes made in the background with progress and a CSV, or a
// product batch bound to the campaign); the draws, with mail prizes to ship;
// and a check of every draw against the campaign's seed.
// Route: #/lottery?campaign=<id>.

import { reactive, ref, computed, watch } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route, navigate } from '/shared/router.js';
import { can, session } from '../session.js';
import { PageHead } from '../parts.js';
import { ProgressBar, JobStatus, usePoller, download, copyText } from '../crm.js';
import { loadStylesheet } from '/shared/css.js';

addMessages({
  'zh-CN': {
    'nav.lottery': '抽奖',
    'lot.desc': '奖池、库存与公示概率；通关密码；抽奖记录与邮寄发货。每次抽奖都可用活动种子复算核验。',
    'lot.campaign': '活动',
    'lot.campaignPh': '选择活动',
    'lot.noCampaigns': '还没有活动',
    'lot.noCampaignsText': '抽奖属于一个活动：先创建并发布活动，再来配置奖池。',
    'lot.pickCampaign': '选择一个活动来配置它的奖池',
    'lot.window': '{from} 至 {to}',
    'lot.freePerDay': '每人每天免费 {n} 次',
    'lot.noFree': '没有每日免费次数',
    'lot.commitment': '种子承诺值',
    'lot.commitmentHint': '活动开始前公示种子的 SHA-256；活动结束后公开种子，任何人都可以复算每一次抽奖。',
    'lot.copied': '已复制',
    'lot.verify': '核验全部抽奖',
    'lot.verifying': '核验中…',
    'lot.verifyOk': '核验通过：{n} 次抽奖全部与种子一致，库存相符',
    'lot.verifyBad': '核验发现 {n} 处不一致',
    'lot.memberPage': '会员端抽奖页',
    'lot.stat.draws': '抽奖次数',
    'lot.stat.members': '参与会员',
    'lot.stat.wins': '中奖',
    'lot.stat.value': '奖池总价值',
    'lot.stat.mail': '待发货',
    'lot.stat.failed': '发放失败',
    'lot.locked': '已有会员抽奖，奖池已锁定：中奖概率、每日上限、兑奖方式和奖品构成不能再修改（这是向会员公示的规则），库存只能增加。',
    'lot.prizes': '奖池',
    'lot.addPrize': '添加奖品',
    'lot.poolRules': '未中奖与规则',
    'lot.col.prize': '奖品',
    'lot.col.stock': '库存',
    'lot.col.today': '今日中出',
    'lot.col.weight': '权重',
    'lot.col.odds': '当前概率',
    'lot.noPrizes': '奖池还没有奖品',
    'lot.noPrizesText': '添加奖品后，会员即可在活动期间抽奖。',
    'lot.left': '剩 {left} / 共 {stock}',
    'lot.won': '已中出 {n}',
    'lot.noCap': '不限',
    'lot.configured': '配置占比 {p}',
    'lot.out': '已抽完',
    'lot.capped': '今日已达上限',
    'lot.fallback': '保底',
    'lot.noPrize': '未中奖',
    'lot.noPrizeLabel': '显示为「{label}」',
    'lot.ful.counter': '到柜领取',
    'lot.ful.mail': '邮寄',
    'lot.ful.coupon': '发优惠券',
    'lot.ful.envelope': '发红包',
    'lot.edit': '编辑',
    'lot.delete': '删除',
    'lot.deleteTitle': '删除奖品',
    'lot.deleteMsg': '删除「{name}」？',
    'lot.deleted': '已删除「{name}」',
    'lot.prizeNew': '添加奖品',
    'lot.prizeEdit': '编辑奖品',
    'lot.prizeSub': '价值、库存和概率会公示给会员。',
    'lot.f.name': '奖品名称',
    'lot.f.namePh': '如：一等奖 · 精华正装 50ml',
    'lot.f.image': '图片地址',
    'lot.f.imageHint': 'http(s):// 或 / 开头，例如 /m/img/prize-kit.svg',
    'lot.f.value': '价值（元）',
    'lot.f.valueHint': '单个奖品不超过 5 万元（《反不正当竞争法》第十条）',
    'lot.f.fulfilment': '兑奖方式',
    'lot.f.template': '优惠券模板编号',
    'lot.f.pool': '红包池编号',
    'lot.f.stock': '库存',
    'lot.f.stockLocked': '抽奖开始后库存只能增加',
    'lot.f.weight': '权重',
    'lot.f.weightHint': '概率 = 权重 ÷ 全部权重之和（含未中奖）',
    'lot.f.cap': '每日最多中出',
    'lot.f.capHint': '留空为不限；按企业时区计日',
    'lot.f.claimDays': '领取有效天数',
    'lot.f.fallback': '保底奖品：抽中已抽完的奖品时改发此奖（「固定概率」规则）',
    'lot.f.position': '顺序',
    'lot.f.lockedHint': '已锁定',
    'lot.needName': '请填写奖品名称',
    'lot.badValue': '价值须为 0–50000 元',
    'lot.badStock': '库存须为 1–10000000 的整数',
    'lot.badWeight': '权重须为 0–1000000000 的整数',
    'lot.badCap': '每日上限须为正整数',
    'lot.needRef': '请填写编号',
    'lot.saved': '已保存',
    'lot.pool.title': '未中奖与规则',
    'lot.pool.weight': '未中奖权重',
    'lot.pool.label': '未中奖时显示',
    'lot.pool.labelPh': '谢谢参与',
    'lot.pool.mode': '奖品抽完后',
    'lot.modeShort.redistribute': '规则：奖品抽完后由其余奖品分摊概率',
    'lot.modeShort.fixed': '规则：固定概率，抽完改发保底',
    'lot.mode.redistribute': '其余奖品按权重分摊（概率随之上升）',
    'lot.mode.fixed': '固定概率：抽中已抽完的奖品改发保底奖品，没有保底则未中奖',
    'lot.passes': '通关密码',
    'lot.passNew': '生成通关密码',
    'lot.passSub': '印在瓶盖、卡片里的密码，每个可抽一次；或绑定一物一码批次，每个商品码可抽一次。',
    'lot.passKind': '方式',
    'lot.passKind.codes': '生成印刷用密码',
    'lot.passKind.product': '绑定商品码批次',
    'lot.passQty': '数量',
    'lot.passQtyHint': '1–1000000；在后台生成，可随时离开页面',
    'lot.passName': '批次名称',
    'lot.passNamePh': '如：瓶盖通关密码 第一批',
    'lot.productBatch': '商品码批次',
    'lot.productBatchPh': '选择本品牌的商品批次',
    'lot.badQty': '数量须为 1–1000000 的整数',
    'lot.needBatch': '请选择商品批次',
    'lot.passStarted': '正在生成 {n} 个通关密码',
    'lot.passBound': '已绑定商品批次',
    'lot.passDone': '通关密码已生成：{name}',
    'lot.noPasses': '还没有通关密码',
    'lot.col.batch': '批次',
    'lot.col.progress': '生成进度',
    'lot.col.used': '已使用',
    'lot.kind.codes': '印刷密码',
    'lot.kind.product': '商品码',
    'lot.draws': '抽奖记录',
    'lot.filter.all': '全部',
    'lot.filter.won': '中奖',
    'lot.filter.ship': '待发货',
    'lot.filter.failed': '发放失败',
    'lot.col.time': '时间',
    'lot.col.member': '会员',
    'lot.col.entry': '方式',
    'lot.col.result': '结果',
    'lot.col.claim': '兑奖',
    'lot.entry.free': '每日免费',
    'lot.entry.pass_code': '通关密码',
    'lot.entry.receipt': '小票',
    'lot.entry.grant': '赠送次数',
    'lot.entry.points': '积分',
    'lot.noDraws': '还没有抽奖记录',
    'lot.claim.none': '—',
    'lot.claim.unclaimed': '待领取',
    'lot.claim.claimed': '已领取',
    'lot.claim.shipped': '已发货',
    'lot.claim.delivered': '已签收',
    'lot.claim.failed': '发放失败',
    'lot.claim.unclaimedMail': '待填地址',
    'lot.claim.claimedMail': '待发货',
    'lot.ship': '发货',
    'lot.delivered': '标记签收',
    'lot.shipTitle': '邮寄发货',
    'lot.tracking': '快递单号',
    'lot.trackingPh': '如：SF1234567890',
    'lot.needTracking': '请填写快递单号',
    'lot.shipped': '已发货',
    'lot.address': '收货地址',
    'lot.roll': '随机数',
    'lot.st.draft': '草稿',
    'lot.st.scheduled': '未开始',
    'lot.st.live': '进行中',
    'lot.st.paused': '已暂停',
    'lot.st.ended': '已结束',
  },
  en: {
    'nav.lottery': 'Lottery',
    'lot.desc': 'Prize pools, stock and disclosed odds; pass codes; draws and mail fulfilment. Every draw can be recomputed from the campaign seed.',
    'lot.campaign': 'Campaign',
    'lot.campaignPh': 'Choose a campaign',
    'lot.noCampaigns': 'No campaigns yet',
    'lot.noCampaignsText': 'A lottery belongs to a campaign: create and publish one, then set up its prize pool.',
    'lot.pickCampaign': 'Choose a campaign to set up its prize pool',
    'lot.window': '{from} to {to}',
    'lot.freePerDay': '{n} free draws per member a day',
    'lot.noFree': 'No free daily draws',
    'lot.commitment': 'Seed commitment',
    'lot.commitmentHint': 'The SHA-256 of the seed is published before the draws; the seed itself when the campaign ends, so anyone can recompute every draw.',
    'lot.copied': 'Copied',
    'lot.verify': 'Verify every draw',
    'lot.verifying': 'Verifying…',
    'lot.verifyOk': 'Verified: all {n} draws match the seed and the stock adds up',
    'lot.verifyBad': 'Verification found {n} mismatches',
    'lot.memberPage': 'Member lottery page',
    'lot.stat.draws': 'Draws',
    'lot.stat.members': 'Members',
    'lot.stat.wins': 'Wins',
    'lot.stat.value': 'Pool value',
    'lot.stat.mail': 'To ship',
    'lot.stat.failed': 'Failed',
    'lot.locked': 'Members have drawn: the pool is locked. Odds, daily caps, fulfilment and the set of prizes can no longer change (they are the published rules); stock may only grow.',
    'lot.prizes': 'Prize pool',
    'lot.addPrize': 'Add a prize',
    'lot.poolRules': 'No prize & rules',
    'lot.col.prize': 'Prize',
    'lot.col.stock': 'Stock',
    'lot.col.today': 'Won today',
    'lot.col.weight': 'Weight',
    'lot.col.odds': 'Odds now',
    'lot.noPrizes': 'No prizes yet',
    'lot.noPrizesText': 'Add prizes and members can draw while the campaign runs.',
    'lot.left': '{left} of {stock} left',
    'lot.won': '{n} won',
    'lot.noCap': 'no cap',
    'lot.configured': 'configured {p}',
    'lot.out': 'Out',
    'lot.capped': 'Daily cap reached',
    'lot.fallback': 'Fallback',
    'lot.noPrize': 'No prize',
    'lot.noPrizeLabel': 'shown as “{label}”',
    'lot.ful.counter': 'At a counter',
    'lot.ful.mail': 'By mail',
    'lot.ful.coupon': 'Coupon',
    'lot.ful.envelope': 'Red envelope',
    'lot.edit': 'Edit',
    'lot.delete': 'Delete',
    'lot.deleteTitle': 'Delete prize',
    'lot.deleteMsg': 'Delete “{name}”?',
    'lot.deleted': 'Deleted “{name}”',
    'lot.prizeNew': 'Add a prize',
    'lot.prizeEdit': 'Edit prize',
    'lot.prizeSub': 'Value, stock and odds are shown to members.',
    'lot.f.name': 'Name',
    'lot.f.namePh': 'e.g. First prize · serum 50 ml',
    'lot.f.image': 'Image URL',
    'lot.f.imageHint': 'http(s):// or /, e.g. /m/img/prize-kit.svg',
    'lot.f.value': 'Value (yuan)',
    'lot.f.valueHint': 'At most 50,000 yuan per prize (Anti-Unfair Competition Law, art. 10)',
    'lot.f.fulfilment': 'Fulfilment',
    'lot.f.template': 'Coupon template id',
    'lot.f.pool': 'Red envelope pool id',
    'lot.f.stock': 'Stock',
    'lot.f.stockLocked': 'Once members have drawn, stock may only grow',
    'lot.f.weight': 'Weight',
    'lot.f.weightHint': 'odds = weight ÷ all weights (no prize included)',
    'lot.f.cap': 'Most won per day',
    'lot.f.capHint': 'Empty: no cap; days in the enterprise time zone',
    'lot.f.claimDays': 'Days to collect',
    'lot.f.fallback': 'Fallback prize: given instead of a prize that is out (“fixed odds” rule)',
    'lot.f.position': 'Order',
    'lot.f.lockedHint': 'Locked',
    'lot.needName': 'Give the prize a name',
    'lot.badValue': 'Value must be 0–50,000 yuan',
    'lot.badStock': 'Stock must be a whole number 1–10,000,000',
    'lot.badWeight': 'Weight must be a whole number 0–1,000,000,000',
    'lot.badCap': 'The daily cap must be a positive whole number',
    'lot.needRef': 'Give the id',
    'lot.saved': 'Saved',
    'lot.pool.title': 'No prize & rules',
    'lot.pool.weight': 'Weight of no prize',
    'lot.pool.label': 'Shown for no prize',
    'lot.pool.labelPh': 'Thanks for playing',
    'lot.pool.mode': 'When a prize runs out',
    'lot.modeShort.redistribute': 'rule: the other prizes share the odds of one that runs out',
    'lot.modeShort.fixed': 'rule: fixed odds, the fallback replaces a prize that is out',
    'lot.mode.redistribute': 'The other prizes share its odds by weight',
    'lot.mode.fixed': 'Fixed odds: a roll on a prize that is out gives the fallback prize, or nothing',
    'lot.passes': 'Pass codes',
    'lot.passNew': 'Make pass codes',
    'lot.passSub': 'Codes printed under caps or on cards, one draw each; or bind a product-code batch, one draw per unit.',
    'lot.passKind': 'How',
    'lot.passKind.codes': 'Printed codes',
    'lot.passKind.product': 'Bind a product batch',
    'lot.passQty': 'Quantity',
    'lot.passQtyHint': '1–1,000,000; made in the background, you may leave the page',
    'lot.passName': 'Batch name',
    'lot.passNamePh': 'e.g. Cap codes, first run',
    'lot.productBatch': 'Product batch',
    'lot.productBatchPh': 'A product batch of the brand',
    'lot.badQty': 'Quantity must be a whole number 1–1,000,000',
    'lot.needBatch': 'Choose a product batch',
    'lot.passStarted': 'Making {n} pass codes',
    'lot.passBound': 'Product batch bound',
    'lot.passDone': 'Pass codes ready: {name}',
    'lot.noPasses': 'No pass codes yet',
    'lot.col.batch': 'Batch',
    'lot.col.progress': 'Progress',
    'lot.col.used': 'Used',
    'lot.kind.codes': 'Printed',
    'lot.kind.product': 'Product codes',
    'lot.draws': 'Draws',
    'lot.filter.all': 'All',
    'lot.filter.won': 'Wins',
    'lot.filter.ship': 'To ship',
    'lot.filter.failed': 'Failed',
    'lot.col.time': 'Time',
    'lot.col.member': 'Member',
    'lot.col.entry': 'Entry',
    'lot.col.result': 'Result',
    'lot.col.claim': 'Claim',
    'lot.entry.free': 'Free daily',
    'lot.entry.pass_code': 'Pass code',
    'lot.entry.receipt': 'Receipt',
    'lot.entry.grant': 'Granted',
    'lot.entry.points': 'Points',
    'lot.noDraws': 'No draws yet',
    'lot.claim.none': '—',
    'lot.claim.unclaimed': 'To collect',
    'lot.claim.claimed': 'Received',
    'lot.claim.shipped': 'Shipped',
    'lot.claim.delivered': 'Delivered',
    'lot.claim.failed': 'Failed',
    'lot.claim.unclaimedMail': 'No address yet',
    'lot.claim.claimedMail': 'To ship',
    'lot.ship': 'Ship',
    'lot.delivered': 'Delivered',
    'lot.shipTitle': 'Ship by mail',
    'lot.tracking': 'Tracking number',
    'lot.trackingPh': 'e.g. SF1234567890',
    'lot.needTracking': 'Give the tracking number',
    'lot.shipped': 'Shipped',
    'lot.address': 'Address',
    'lot.roll': 'Roll',
    'lot.st.draft': 'Draft',
    'lot.st.scheduled': 'Scheduled',
    'lot.st.live': 'Live',
    'lot.st.paused': 'Paused',
    'lot.st.ended': 'Ended',
  },
});

// the page's own styles, beside it
loadStylesheet('/admin/pages/lottery.css');

const yuan = (fen) => (fen === null || fen === undefined ? '—' : '¥' + (Number(fen) / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 }));
const pct = (p) => (p === null || p === undefined ? '—' : (p >= 1 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : p > 0 ? p.toPrecision(2) : '0') + '%');
const FULFILMENTS = ['counter', 'mail', 'coupon', 'envelope'];
const EMPTY_PRIZE = { name: '', image: '', value: '', fulfilment: 'counter', coupon_template_id: '', envelope_pool_id: '', stock: '', weight: '', daily_cap: '', claim_days: 30, is_fallback: false, position: '' };

function claimLabel(d) {
  if (d.claim === 'mail' && (d.claim_status === 'unclaimed' || d.claim_status === 'claimed')) return t(d.claim_status === 'unclaimed' ? 'lot.claim.unclaimedMail' : 'lot.claim.claimedMail');
  if (d.claim === 'counter' && d.coupon_status === 'redeemed') return t('lot.claim.claimed');
  return t('lot.claim.' + d.claim_status);
}
const claimTone = (d) => ({ failed: 'hh-tag-danger', delivered: 'hh-tag-success', shipped: 'hh-tag-info', claimed: d.claim === 'mail' ? 'hh-tag-warn' : 'hh-tag-success', unclaimed: 'hh-tag-warn' }[d.claim_status] || '');

export default {
  components: { PageHead, ProgressBar, JobStatus },
  setup() {
    const campaigns = ref(null);
    const campaignId = computed(() => (route.query.campaign ? Number(route.query.campaign) : null));
    const campaign = computed(() => (campaigns.value || []).find((c) => c.id === campaignId.value) || null);
    const options = computed(() => (campaigns.value || []).map((c) => ({ value: c.id, label: c.name, sub: `${c.brand_name || ''} · ${t('lot.st.' + c.status_now)}` })));
    const pool = ref(null);
    const loadError = ref('');
    const loading = ref(false);

    async function loadCampaigns() {
      try {
        campaigns.value = await listAll('/api/campaigns');
        if (!campaignId.value && campaigns.value.length) {
          const live = campaigns.value.find((c) => c.status_now === 'live') || campaigns.value[0];
          navigate('/lottery', { campaign: live.id });
        }
      } catch (e) { loadError.value = e.message; campaigns.value = []; }
    }
    async function loadPool() {
      if (!campaignId.value) { pool.value = null; return; }
      loading.value = true;
      try {
        pool.value = await api.get(`/api/campaigns/${campaignId.value}/prizes`);
        loadError.value = '';
      } catch (e) { loadError.value = e.message; pool.value = null; } finally { loading.value = false; }
    }
    loadCampaigns();
    const pickCampaign = (id) => { if (id) navigate('/lottery', { campaign: id }); };

    /* ---- prizes ---- */
    const prizeCols = computed(() => [
      { key: 'prize', label: t('lot.col.prize') },
      { key: 'stock', label: t('lot.col.stock'), width: '210px' },
      { key: 'today', label: t('lot.col.today'), width: '120px', align: 'right' },
      { key: 'weight', label: t('lot.col.weight'), width: '110px', align: 'right' },
      { key: 'odds', label: t('lot.col.odds'), width: '150px', align: 'right' },
      { key: 'actions', label: '', width: '150px', align: 'right' },
    ]);
    const locked = computed(() => !!(pool.value && pool.value.locked));
    const manage = computed(() => can('lottery.manage'));
    const prizeDrawer = reactive({ open: false, id: null });
    const prizeForm = useForm(EMPTY_PRIZE);
    function openPrize(p) {
      prizeDrawer.id = p ? p.id : null;
      prizeForm.reset(p ? {
        name: p.name, image: p.image || '', value: p.value_fen / 100, fulfilment: p.fulfilment,
        coupon_template_id: p.coupon_template_id || '', envelope_pool_id: p.envelope_pool_id || '',
        stock: p.stock, weight: p.weight, daily_cap: p.daily_cap ?? '', claim_days: p.claim_days, is_fallback: !!p.is_fallback, position: p.position,
      } : { ...EMPTY_PRIZE });
      prizeDrawer.open = true;
    }
    const int = (v) => (v === '' || v === null || v === undefined ? null : Number(v));
    async function savePrize() {
      const v = prizeForm.values;
      prizeForm.errors = {};
      const e = prizeForm.errors;
      if (!String(v.name).trim()) e.name = t('lot.needName');
      const value = v.value === '' ? 0 : Math.round(Number(v.value) * 100);
      if (!Number.isFinite(value) || value < 0 || value > 5000000) e.value_fen = t('lot.badValue');
      const stock = int(v.stock);
      if (!Number.isInteger(stock) || stock < 1 || stock > 10000000) e.stock = t('lot.badStock');
      const weight = int(v.weight);
      if (!Number.isInteger(weight) || weight < 0 || weight > 1e9) e.weight = t('lot.badWeight');
      const cap = int(v.daily_cap);
      if (cap !== null && (!Number.isInteger(cap) || cap < 1)) e.daily_cap = t('lot.badCap');
      if (v.fulfilment === 'coupon' && !int(v.coupon_template_id)) e.coupon_template_id = t('lot.needRef');
      if (v.fulfilment === 'envelope' && !int(v.envelope_pool_id)) e.envelope_pool_id = t('lot.needRef');
      if (Object.keys(e).length) return;
      const body = { name: String(v.name).trim(), image: String(v.image || '').trim() || null, value_fen: value, stock, claim_days: int(v.claim_days) || 30 };
      if (!prizeDrawer.id || !locked.value) {
        Object.assign(body, { weight, daily_cap: cap, fulfilment: v.fulfilment, is_fallback: !!v.is_fallback });
        if (v.fulfilment === 'coupon') body.coupon_template_id = int(v.coupon_template_id);
        if (v.fulfilment === 'envelope') body.envelope_pool_id = int(v.envelope_pool_id);
        if (int(v.position) !== null) body.position = int(v.position);
      }
      if (!prizeDrawer.id) { if (body.image === null) delete body.image; if (body.daily_cap === null) delete body.daily_cap; }
      const res = await prizeForm.run(() => (prizeDrawer.id
        ? api.patch(`/api/prizes/${prizeDrawer.id}`, body)
        : api.post(`/api/campaigns/${campaignId.value}/prizes`, body)));
      if (res) {
        prizeDrawer.open = false;
        toast.success(t('lot.saved'));
        loadPool();
      }
    }
    async function deletePrize(p) {
      const ok = await confirmDialog({ title: t('lot.deleteTitle'), message: t('lot.deleteMsg', { name: p.name }), okText: t('lot.delete'), danger: true });
      if (!ok) return;
      try {
        await api.del(`/api/prizes/${p.id}`);
        toast.success(t('lot.deleted', { name: p.name }));
        loadPool();
      } catch (e) { toast.error(e.message); }
    }

    /* ---- the no-prize outcome and the mode ---- */
    const poolDrawer = reactive({ open: false });
    const poolForm = useForm({ no_prize_weight: 0, no_prize_label: '', mode: 'redistribute' });
    function openPool() {
      const p = pool.value.pool;
      poolForm.reset({ no_prize_weight: p.no_prize_weight, no_prize_label: p.no_prize_label, mode: p.mode });
      poolDrawer.open = true;
    }
    async function savePool() {
      const v = poolForm.values;
      poolForm.errors = {};
      const w = int(v.no_prize_weight);
      if (!Number.isInteger(w) || w < 0 || w > 1e9) { poolForm.errors.no_prize_weight = t('lot.badWeight'); return; }
      const body = locked.value ? { no_prize_label: v.no_prize_label } : { no_prize_weight: w, no_prize_label: v.no_prize_label, mode: v.mode };
      const res = await poolForm.run(() => api.put(`/api/campaigns/${campaignId.value}/lottery-pool`, body));
      if (res) { poolDrawer.open = false; toast.success(t('lot.saved')); loadPool(); }
    }

    /* ---- verification ---- */
    const verify = reactive({ busy: false, result: null });
    async function runVerify() {
      verify.busy = true;
      verify.result = null;
      try { verify.result = await api.get(`/api/campaigns/${campaignId.value}/lottery-verify`); } catch (e) { toast.error(e.message); } finally { verify.busy = false; }
    }
    async function copyCommitment() { if (await copyText(pool.value.seed_commitment)) toast.success(t('lot.copied')); }
    const memberUrl = computed(() => `/m/?e=${session.enterprise ? session.enterprise.id : ''}#/lottery/${campaignId.value}`);

    /* ---- pass codes ---- */
    const batches = ref([]);
    async function loadBatches() {
      if (!campaignId.value) { batches.value = []; return; }
      try { batches.value = (await api.get(`/api/campaigns/${campaignId.value}/pass-batches`)).items; } catch (_) { batches.value = []; }
    }
    const batchCols = computed(() => [
      { key: 'name', label: t('lot.col.batch') },
      { key: 'progress', label: t('lot.col.progress'), width: '240px' },
      { key: 'used', label: t('lot.col.used'), width: '110px', align: 'right' },
      { key: 'created', label: t('lot.col.time'), width: '150px' },
      { key: 'actions', label: '', width: '150px', align: 'right' },
    ]);
    const poller = usePoller(async () => {
      for (const b of batches.value.filter((x) => x.status === 'running')) {
        try {
          const fresh = await api.get(`/api/pass-batches/${b.id}`);
          if (fresh.status === 'done') toast.success(t('lot.passDone', { name: fresh.name || '#' + fresh.id }));
          Object.assign(b, fresh);
        } catch (_) { /* next tick */ }
      }
      return !batches.value.some((x) => x.status === 'running');
    }, 700);
    watch(() => batches.value.map((b) => b.status).join(), () => { if (batches.value.some((b) => b.status === 'running')) poller.start(); });
    const passDrawer = reactive({ open: false });
    const passForm = useForm({ kind: 'codes', quantity: 1000, name: '', product_batch_id: null });
    const productBatches = ref([]);
    async function openPass() {
      passForm.reset({ kind: 'codes', quantity: 1000, name: '', product_batch_id: null });
      passDrawer.open = true;
      try {
        const bs = await listAll('/api/product-batches', campaign.value ? { brand_id: campaign.value.brand_id } : {});
        productBatches.value = bs.map((b) => ({ value: b.id, label: `${b.product} · ${b.batch_no}`, sub: `${fmtNumber(b.quantity)} · ${b.production_date}` }));
      } catch (_) { productBatches.value = []; }
    }
    async function savePass() {
      const v = passForm.values;
      passForm.errors = {};
      let body;
      if (v.kind === 'codes') {
        const q = int(v.quantity);
        if (!Number.isInteger(q) || q < 1 || q > 1000000) { passForm.errors.quantity = t('lot.badQty'); return; }
        body = { quantity: q };
        if (String(v.name).trim()) body.name = String(v.name).trim();
      } else {
        if (!v.product_batch_id) { passForm.errors.product_batch_id = t('lot.needBatch'); return; }
        body = { product_batch_id: v.product_batch_id };
      }
      const res = await passForm.run(() => api.post(`/api/campaigns/${campaignId.value}/pass-batches`, body));
      if (res) {
        passDrawer.open = false;
        toast.success(res.kind === 'codes' ? t('lot.passStarted', { n: fmtNumber(res.quantity) }) : t('lot.passBound'));
        loadBatches();
      }
    }
    const dlCodes = (b) => download(`/api/pass-batches/${b.id}/codes.csv`, `pass-codes-${b.id}.csv`);

    /* ---- draws ---- */
    const draws = reactive({ items: [], total: 0, limit: 20, offset: 0, loading: false, error: '', filter: 'all' });
    const FILTERS = { all: {}, won: { won: 1 }, ship: { claim: 'mail', claim_status: 'claimed' }, failed: { claim_status: 'failed' } };
    async function loadDraws() {
      if (!campaignId.value) return;
      draws.loading = true;
      try {
        const res = await api.get(`/api/campaigns/${campaignId.value}/draws`, { ...FILTERS[draws.filter], limit: draws.limit, offset: draws.offset });
        draws.items = res.items;
        draws.total = res.total;
        draws.error = '';
      } catch (e) { draws.error = e.message; } finally { draws.loading = false; }
    }
    const setFilter = (f) => { draws.filter = f; draws.offset = 0; loadDraws(); };
    const drawCols = computed(() => [
      { key: 'at', label: t('lot.col.time'), width: '150px' },
      { key: 'member', label: t('lot.col.member'), width: '150px' },
      { key: 'entry', label: t('lot.col.entry'), width: '110px' },
      { key: 'result', label: t('lot.col.result') },
      { key: 'claim', label: t('lot.col.claim'), width: '220px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);
    const shipDrawer = reactive({ open: false, draw: null });
    const shipForm = useForm({ tracking_no: '' });
    function openShip(d) { shipDrawer.draw = d; shipForm.reset({ tracking_no: d.tracking_no || '' }); shipDrawer.open = true; }
    async function saveShip() {
      const no = String(shipForm.values.tracking_no).trim();
      if (!no) { shipForm.errors = { tracking_no: t('lot.needTracking') }; return; }
      const res = await shipForm.run(() => api.patch(`/api/draws/${shipDrawer.draw.id}`, { claim_status: 'shipped', tracking_no: no }));
      if (res) { shipDrawer.open = false; toast.success(t('lot.shipped')); loadDraws(); loadPool(); }
    }
    async function markDelivered(d) {
      try { await api.patch(`/api/draws/${d.id}`, { claim_status: 'delivered' }); loadDraws(); } catch (e) { toast.error(e.message); }
    }
    const addressText = (a) => (a ? [a.name, a.phone, [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ')].join(' · ') : '');

    watch(campaignId, () => { verify.result = null; draws.offset = 0; loadPool(); loadBatches(); loadDraws(); }, { immediate: true });

    return {
      campaigns, campaign, campaignId, options, pool, loadError, loading, pickCampaign, prizeCols, locked, manage,
      prizeDrawer, prizeForm, openPrize, savePrize, deletePrize, poolDrawer, poolForm, openPool, savePool,
      verify, runVerify, copyCommitment, memberUrl, batches, batchCols, passDrawer, passForm, productBatches, openPass, savePass, dlCodes,
      draws, setFilter, loadDraws, drawCols, shipDrawer, shipForm, openShip, saveShip, markDelivered, addressText,
      FULFILMENTS, claimLabel, claimTone, yuan, pct, t, fmtDateTime, fmtNumber, loadPool,
    };
  },
  template: `
    <div class="page lottery-page">
      <page-head :title="t('nav.lottery')" :desc="t('lot.desc')">
        <a v-if="campaignId" class="hh-btn" :href="memberUrl" target="_blank" rel="noopener" data-test="member-page"><hh-icon name="phone" /> {{ t('lot.memberPage') }}</a>
        <button v-if="campaignId && pool" type="button" class="hh-btn" :disabled="verify.busy" @click="runVerify" data-test="verify"><hh-icon name="shield" /> {{ verify.busy ? t('lot.verifying') : t('lot.verify') }}</button>
      </page-head>

      <div v-if="loadError" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ loadError }}</span>
        <button type="button" class="hh-btn hh-btn-link" @click="loadPool">{{ t('common.retry') }}</button></div>

      <div v-if="campaigns && !campaigns.length" class="hh-card hh-card-pad">
        <hh-empty icon="gift" :title="t('lot.noCampaigns')" :text="t('lot.noCampaignsText')" />
      </div>
      <template v-else-if="campaigns">
        <div class="hh-card lot-campaign">
          <div class="lot-campaign-pick">
            <label>{{ t('lot.campaign') }}</label>
            <hh-select :model-value="campaignId" :options="options" :placeholder="t('lot.campaignPh')" :clearable="false" name="campaign" @update:model-value="pickCampaign" />
          </div>
          <div v-if="campaign" class="lot-campaign-meta">
            <span class="hh-tag" :class="{ 'hh-tag-success': campaign.status_now === 'live', 'hh-tag-warn': campaign.status_now === 'paused', 'hh-tag-info': campaign.status_now === 'scheduled' }" data-test="campaign-status">{{ t('lot.st.' + campaign.status_now) }}</span>
            <span><hh-icon name="calendar" :size="15" /> {{ t('lot.window', { from: fmtDateTime(campaign.starts_at), to: fmtDateTime(campaign.ends_at) }) }}</span>
            <span><hh-icon name="gift" :size="15" /> {{ campaign.free_draws_per_day ? t('lot.freePerDay', { n: campaign.free_draws_per_day }) : t('lot.noFree') }}</span>
          </div>
          <div v-if="pool && pool.seed_commitment" class="lot-commitment" :title="t('lot.commitmentHint')">
            <span class="muted">{{ t('lot.commitment') }}</span>
            <code class="mono" data-test="commitment">{{ pool.seed_commitment }}</code>
            <button type="button" class="hh-icon-btn" :aria-label="t('lot.copied')" @click="copyCommitment"><hh-icon name="copy" :size="15" /></button>
          </div>
        </div>

        <div v-if="verify.result" class="hh-alert" :class="verify.result.ok ? 'hh-alert-info lot-verified' : 'hh-alert-error'" data-test="verify-result">
          <hh-icon :name="verify.result.ok ? 'check' : 'alert'" />
          <div><b>{{ verify.result.ok ? t('lot.verifyOk', { n: fmtNumber(verify.result.draws) }) : t('lot.verifyBad', { n: verify.result.mismatches.length }) }}</b>
            <ul v-if="!verify.result.ok" class="lot-mismatches"><li v-for="(m, i) in verify.result.mismatches.slice(0, 10)" :key="i" class="mono">{{ m.problem }}</li></ul></div>
        </div>

        <div v-if="!campaignId" class="hh-card hh-card-pad"><hh-empty icon="gift" :title="t('lot.pickCampaign')" /></div>
        <div v-else-if="!pool && loading" class="hh-card hh-card-pad lot-loading"><span class="hh-spinner"></span></div>
        <template v-else-if="pool">
          <div class="stat-grid lot-stats">
            <div class="stat-card hh-card static tone-blue" data-stat="draws"><span class="stat-icon"><hh-icon name="gift" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.draws') }}</span><span class="stat-value">{{ fmtNumber(pool.stats.draws) }}</span></span></div>
            <div class="stat-card hh-card static tone-violet" data-stat="members"><span class="stat-icon"><hh-icon name="members" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.members') }}</span><span class="stat-value">{{ fmtNumber(pool.stats.members) }}</span></span></div>
            <div class="stat-card hh-card static tone-orange" data-stat="wins"><span class="stat-icon"><hh-icon name="spark" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.wins') }}</span><span class="stat-value">{{ fmtNumber(pool.stats.wins) }}</span></span></div>
            <div class="stat-card hh-card static tone-green" data-stat="value"><span class="stat-icon"><hh-icon name="badge" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.value') }}</span><span class="stat-value">{{ yuan(pool.stats.pool_value_fen) }}</span></span></div>
            <a class="stat-card hh-card tone-rose" data-stat="mail" href="javascript:void 0" @click="setFilter('ship')"><span class="stat-icon"><hh-icon name="mail" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.mail') }}</span><span class="stat-value">{{ fmtNumber(pool.stats.mail_pending) }}</span></span></a>
            <a v-if="pool.stats.failed" class="stat-card hh-card tone-rose" data-stat="failed" href="javascript:void 0" @click="setFilter('failed')"><span class="stat-icon"><hh-icon name="alert" :size="22" /></span>
              <span class="stat-body"><span class="stat-label">{{ t('lot.stat.failed') }}</span><span class="stat-value">{{ fmtNumber(pool.stats.failed) }}</span></span></a>
          </div>

          <div v-if="locked" class="hh-alert hh-alert-warn" data-test="locked"><hh-icon name="lock" /><span>{{ t('lot.locked') }}</span></div>

          <section class="hh-card">
            <div class="hh-card-head"><h3>{{ t('lot.prizes') }}</h3>
              <div class="lot-head-actions" v-if="manage">
                <button type="button" class="hh-btn hh-btn-sm" @click="openPool" data-test="pool-rules"><hh-icon name="edit" :size="15" /> {{ t('lot.poolRules') }}</button>
                <button type="button" class="hh-btn hh-btn-sm hh-btn-primary" :disabled="locked" @click="openPrize(null)" data-test="add-prize"><hh-icon name="plus" :size="15" /> {{ t('lot.addPrize') }}</button>
              </div>
            </div>
            <hh-table :columns="prizeCols" :rows="pool.items" :total="0" :limit="1000" :offset="0" :empty-text="t('lot.noPrizes')">
              <template #cell-prize="{ row }">
                <div class="lot-prize">
                  <img v-if="row.image" :src="row.image" alt="" class="lot-prize-img" />
                  <span v-else class="lot-prize-img lot-prize-ph"><hh-icon name="gift" :size="20" /></span>
                  <div><div class="cell-main" data-test="prize-name">{{ row.name }}</div>
                    <div class="cell-sub">{{ yuan(row.value_fen) }} · {{ t('lot.ful.' + row.fulfilment) }}
                      <span v-if="row.is_fallback" class="hh-tag hh-tag-primary">{{ t('lot.fallback') }}</span></div></div>
                </div>
              </template>
              <template #cell-stock="{ row }">
                <div class="lot-stock" :class="{ low: row.remaining * 10 < row.stock, out: !row.remaining }" data-test="stock">
                  <div class="lot-stock-track"><div class="lot-stock-fill" :style="{ width: (row.stock ? row.remaining * 100 / row.stock : 0) + '%' }"></div></div>
                  <div class="lot-stock-text"><span>{{ t('lot.left', { left: fmtNumber(row.remaining), stock: fmtNumber(row.stock) }) }}</span><span class="muted">{{ t('lot.won', { n: fmtNumber(row.won) }) }}</span></div>
                </div>
              </template>
              <template #cell-today="{ row }"><span data-test="won-today">{{ fmtNumber(row.won_today) }}</span> / {{ row.daily_cap ? fmtNumber(row.daily_cap) : t('lot.noCap') }}</template>
              <template #cell-weight="{ row }"><span class="mono">{{ fmtNumber(row.weight) }}</span></template>
              <template #cell-odds="{ row }">
                <b data-test="odds">{{ pct(row.odds_pct) }}</b>
                <div class="cell-sub" v-if="!row.available"><span class="hh-tag hh-tag-danger">{{ row.remaining ? t('lot.capped') : t('lot.out') }}</span></div>
                <div class="cell-sub" v-else>{{ t('lot.configured', { p: pct(row.base_odds_pct) }) }}</div>
              </template>
              <template #cell-actions="{ row }">
                <div class="cell-actions" v-if="manage">
                  <button type="button" class="hh-btn hh-btn-sm" @click="openPrize(row)" data-test="edit-prize">{{ t('lot.edit') }}</button>
                  <button v-if="!locked" type="button" class="hh-btn hh-btn-sm hh-btn-ghost" @click="deletePrize(row)" data-test="delete-prize"><hh-icon name="trash" :size="15" /></button>
                </div>
              </template>
            </hh-table>
            <div class="lot-noprize" data-test="no-prize">
              <span class="lot-prize-img lot-prize-ph"><hh-icon name="close" :size="18" /></span>
              <div class="lot-noprize-main"><b>{{ t('lot.noPrize') }}</b>
                <span class="cell-sub">{{ t('lot.noPrizeLabel', { label: pool.pool.no_prize_label || t('lot.pool.labelPh') }) }} · {{ t('lot.modeShort.' + pool.pool.mode) }}</span></div>
              <span class="mono lot-noprize-w">{{ fmtNumber(pool.pool.no_prize_weight) }}</span>
              <b class="lot-noprize-odds">{{ pct(pool.pool.no_prize_odds_pct) }}</b>
            </div>
          </section>

          <section class="hh-card" data-test="passes">
            <div class="hh-card-head"><h3>{{ t('lot.passes') }}</h3>
              <button v-if="manage" type="button" class="hh-btn hh-btn-sm" @click="openPass" data-test="add-pass"><hh-icon name="plus" :size="15" /> {{ t('lot.passNew') }}</button></div>
            <hh-table :columns="batchCols" :rows="batches" :total="0" :limit="1000" :offset="0" :empty-text="t('lot.noPasses')">
              <template #cell-name="{ row }">
                <div class="cell-main">{{ row.name || (row.kind === 'product' ? row.product + ' · ' + row.product_batch_no : '#' + row.id) }}</div>
                <div class="cell-sub"><span class="hh-tag">{{ t('lot.kind.' + row.kind) }}</span> {{ fmtNumber(row.quantity) }}</div>
              </template>
              <template #cell-progress="{ row }"><div class="pass-progress" :data-batch="row.id" :data-status="row.status"><progress-bar :done="row.done" :total="row.quantity" :status="row.status" /></div></template>
              <template #cell-used="{ row }">{{ fmtNumber(row.used) }}</template>
              <template #cell-created="{ row }">{{ fmtDateTime(row.created_at) }}</template>
              <template #cell-actions="{ row }">
                <div class="cell-actions">
                  <button v-if="row.kind === 'codes' && row.status === 'done' && manage" type="button" class="hh-btn hh-btn-sm" @click="dlCodes(row)" data-test="pass-csv"><hh-icon name="download" :size="15" /> CSV</button>
                  <job-status v-else-if="row.kind === 'codes'" :status="row.status" />
                </div>
              </template>
            </hh-table>
          </section>

          <section class="hh-card" data-test="draws">
            <div class="hh-card-head"><h3>{{ t('lot.draws') }}</h3>
              <div class="lot-filters" role="tablist">
                <button v-for="f in ['all', 'won', 'ship', 'failed']" :key="f" type="button" class="hh-chip" :class="{ active: draws.filter === f }" @click="setFilter(f)" :data-filter="f">{{ t('lot.filter.' + f) }}</button>
              </div></div>
            <hh-table :columns="drawCols" :rows="draws.items" :total="draws.total" :limit="draws.limit" :offset="draws.offset" :loading="draws.loading" :error="draws.error"
                      :empty-text="t('lot.noDraws')" expandable @page="(o) => { draws.offset = o; loadDraws(); }" @limit="(l) => { draws.limit = l; draws.offset = 0; loadDraws(); }" @retry="loadDraws">
              <template #cell-at="{ row }">{{ fmtDateTime(row.at) }}<div class="cell-sub mono">#{{ row.id }}</div></template>
              <template #cell-member="{ row }"><span class="mono">{{ row.member_phone }}</span></template>
              <template #cell-entry="{ row }">{{ t('lot.entry.' + row.entry) }}</template>
              <template #cell-result="{ row }">
                <span v-if="row.prize_id" class="lot-win"><hh-icon name="spark" :size="14" /> {{ row.prize_name }}<span v-if="row.fallback" class="hh-tag hh-tag-primary">{{ t('lot.fallback') }}</span></span>
                <span v-else class="muted">{{ t('lot.noPrize') }}</span>
              </template>
              <template #cell-claim="{ row }">
                <template v-if="row.claim"><span class="hh-tag" :class="claimTone(row)">{{ claimLabel(row) }}</span>
                  <div class="cell-sub">{{ t('lot.ful.' + row.claim) }}<template v-if="row.tracking_no"> · <span class="mono">{{ row.tracking_no }}</span></template></div></template>
                <span v-else class="muted">—</span>
              </template>
              <template #cell-actions="{ row }">
                <div class="cell-actions" v-if="manage && row.claim === 'mail'">
                  <button v-if="row.claim_status === 'claimed' || row.claim_status === 'shipped'" type="button" class="hh-btn hh-btn-sm" :class="{ 'hh-btn-primary': row.claim_status === 'claimed' }" @click="openShip(row)" data-test="ship">{{ t('lot.ship') }}</button>
                  <button v-if="row.claim_status === 'shipped'" type="button" class="hh-btn hh-btn-sm hh-btn-ghost" @click="markDelivered(row)" data-test="delivered">{{ t('lot.delivered') }}</button>
                </div>
              </template>
              <template #expand="{ row }">
                <dl class="hh-kv lot-draw-kv">
                  <dt>{{ t('lot.roll') }}</dt><dd class="mono">{{ row.roll }}</dd>
                  <template v-if="row.address"><dt>{{ t('lot.address') }}</dt><dd>{{ addressText(row.address) }}</dd></template>
                  <template v-if="row.coupon_code"><dt>{{ t('lot.ful.counter') }}</dt><dd class="mono">{{ row.coupon_code }} · {{ row.coupon_status }}</dd></template>
                  <template v-if="row.claim_error"><dt>{{ t('lot.claim.failed') }}</dt><dd>{{ row.claim_error }}</dd></template>
                </dl>
              </template>
            </hh-table>
          </section>
        </template>
      </template>

      <hh-drawer :open="prizeDrawer.open" :title="prizeDrawer.id ? t('lot.prizeEdit') : t('lot.prizeNew')" :subtitle="t('lot.prizeSub')" width="600px" @close="prizeDrawer.open = false">
        <form class="hh-form" id="prize-form" @submit.prevent="savePrize" novalidate>
          <hh-form-error :message="prizeForm.formError" />
          <hh-field :label="t('lot.f.name')" :error="prizeForm.errors.name" name="name" required>
            <input class="hh-input" v-model="prizeForm.values.name" :placeholder="t('lot.f.namePh')" maxlength="40" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('lot.f.image')" :error="prizeForm.errors.image" :hint="t('lot.f.imageHint')" name="image">
              <input class="hh-input" v-model="prizeForm.values.image" maxlength="500" placeholder="/m/img/prize-kit.svg" />
            </hh-field>
            <img v-if="prizeForm.values.image" :src="prizeForm.values.image" alt="" class="lot-preview" />
          </div>
          <div class="hh-form-row">
            <hh-field :label="t('lot.f.value')" :error="prizeForm.errors.value_fen" :hint="t('lot.f.valueHint')" name="value_fen">
              <input class="hh-input" type="number" min="0" max="50000" step="0.01" v-model="prizeForm.values.value" placeholder="199" />
            </hh-field>
            <hh-field :label="t('lot.f.stock')" :error="prizeForm.errors.stock" :hint="prizeDrawer.id && locked ? t('lot.f.stockLocked') : ''" name="stock" required>
              <input class="hh-input" type="number" min="1" step="1" v-model="prizeForm.values.stock" placeholder="100" />
            </hh-field>
          </div>
          <fieldset class="lot-locked-set" :disabled="!!prizeDrawer.id && locked">
            <legend v-if="prizeDrawer.id && locked" class="hh-tag"><hh-icon name="lock" :size="12" /> {{ t('lot.f.lockedHint') }}</legend>
            <hh-field :label="t('lot.f.fulfilment')" :error="prizeForm.errors.fulfilment" name="fulfilment" required>
              <div class="lot-seg">
                <label v-for="f in FULFILMENTS" :key="f" :class="{ active: prizeForm.values.fulfilment === f }"><input type="radio" :value="f" v-model="prizeForm.values.fulfilment" name="fulfilment" />{{ t('lot.ful.' + f) }}</label>
              </div>
            </hh-field>
            <hh-field v-if="prizeForm.values.fulfilment === 'coupon'" :label="t('lot.f.template')" :error="prizeForm.errors.coupon_template_id" name="coupon_template_id" required>
              <input class="hh-input" type="number" min="1" step="1" v-model="prizeForm.values.coupon_template_id" />
            </hh-field>
            <hh-field v-if="prizeForm.values.fulfilment === 'envelope'" :label="t('lot.f.pool')" :error="prizeForm.errors.envelope_pool_id" name="envelope_pool_id" required>
              <input class="hh-input" type="number" min="1" step="1" v-model="prizeForm.values.envelope_pool_id" />
            </hh-field>
            <div class="hh-form-row">
              <hh-field :label="t('lot.f.weight')" :error="prizeForm.errors.weight" :hint="t('lot.f.weightHint')" name="weight" required>
                <input class="hh-input" type="number" min="0" step="1" v-model="prizeForm.values.weight" placeholder="10" />
              </hh-field>
              <hh-field :label="t('lot.f.cap')" :error="prizeForm.errors.daily_cap" :hint="t('lot.f.capHint')" name="daily_cap">
                <input class="hh-input" type="number" min="1" step="1" v-model="prizeForm.values.daily_cap" />
              </hh-field>
            </div>
            <hh-switch v-model="prizeForm.values.is_fallback" :label="t('lot.f.fallback')" data-test="fallback" />
          </fieldset>
          <hh-field v-if="prizeForm.values.fulfilment === 'counter'" :label="t('lot.f.claimDays')" :error="prizeForm.errors.claim_days" name="claim_days">
            <input class="hh-input" type="number" min="1" max="365" step="1" v-model="prizeForm.values.claim_days" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="prizeDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="prize-form" class="hh-btn hh-btn-primary" :disabled="prizeForm.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="poolDrawer.open" :title="t('lot.pool.title')" width="520px" @close="poolDrawer.open = false">
        <form class="hh-form" id="pool-form" @submit.prevent="savePool" novalidate>
          <hh-form-error :message="poolForm.formError" />
          <hh-field :label="t('lot.pool.label')" :error="poolForm.errors.no_prize_label" name="no_prize_label">
            <input class="hh-input" v-model="poolForm.values.no_prize_label" :placeholder="t('lot.pool.labelPh')" maxlength="40" />
          </hh-field>
          <fieldset class="lot-locked-set" :disabled="locked">
            <legend v-if="locked" class="hh-tag"><hh-icon name="lock" :size="12" /> {{ t('lot.f.lockedHint') }}</legend>
            <hh-field :label="t('lot.pool.weight')" :error="poolForm.errors.no_prize_weight" :hint="t('lot.f.weightHint')" name="no_prize_weight">
              <input class="hh-input" type="number" min="0" step="1" v-model="poolForm.values.no_prize_weight" />
            </hh-field>
            <hh-field :label="t('lot.pool.mode')" :error="poolForm.errors.mode" name="mode">
              <label class="lot-radio"><input type="radio" value="redistribute" v-model="poolForm.values.mode" /> {{ t('lot.mode.redistribute') }}</label>
              <label class="lot-radio"><input type="radio" value="fixed" v-model="poolForm.values.mode" /> {{ t('lot.mode.fixed') }}</label>
            </hh-field>
          </fieldset>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="poolDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="pool-form" class="hh-btn hh-btn-primary" :disabled="poolForm.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="passDrawer.open" :title="t('lot.passNew')" :subtitle="t('lot.passSub')" width="520px" @close="passDrawer.open = false">
        <form class="hh-form" id="pass-form" @submit.prevent="savePass" novalidate>
          <hh-form-error :message="passForm.formError" />
          <hh-field :label="t('lot.passKind')" name="kind">
            <div class="lot-seg">
              <label :class="{ active: passForm.values.kind === 'codes' }"><input type="radio" value="codes" v-model="passForm.values.kind" name="kind" />{{ t('lot.passKind.codes') }}</label>
              <label :class="{ active: passForm.values.kind === 'product' }"><input type="radio" value="product" v-model="passForm.values.kind" name="kind" />{{ t('lot.passKind.product') }}</label>
            </div>
          </hh-field>
          <template v-if="passForm.values.kind === 'codes'">
            <hh-field :label="t('lot.passQty')" :error="passForm.errors.quantity" :hint="t('lot.passQtyHint')" name="quantity" required>
              <input class="hh-input" type="number" min="1" max="1000000" step="1" v-model="passForm.values.quantity" />
            </hh-field>
            <hh-field :label="t('lot.passName')" :error="passForm.errors.name" name="name">
              <input class="hh-input" v-model="passForm.values.name" :placeholder="t('lot.passNamePh')" maxlength="40" />
            </hh-field>
          </template>
          <hh-field v-else :label="t('lot.productBatch')" :error="passForm.errors.product_batch_id" name="product_batch_id" required>
            <hh-select v-model="passForm.values.product_batch_id" :options="productBatches" :placeholder="t('lot.productBatchPh')" name="product_batch_id" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="passDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="pass-form" class="hh-btn hh-btn-primary" :disabled="passForm.busy" data-test="save">{{ t('lot.passNew') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="shipDrawer.open" :title="t('lot.shipTitle')" width="480px" @close="shipDrawer.open = false">
        <form class="hh-form" id="ship-form" @submit.prevent="saveShip" novalidate>
          <hh-form-error :message="shipForm.formError" />
          <dl class="hh-kv" v-if="shipDrawer.draw">
            <dt>{{ t('lot.col.prize') }}</dt><dd>{{ shipDrawer.draw.prize_name }}</dd>
            <dt>{{ t('lot.address') }}</dt><dd data-test="ship-address">{{ addressText(shipDrawer.draw.address) }}</dd>
          </dl>
          <hh-field :label="t('lot.tracking')" :error="shipForm.errors.tracking_no" name="tracking_no" required>
            <input class="hh-input mono" v-model="shipForm.values.tracking_no" :placeholder="t('lot.trackingPh')" maxlength="64" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="shipDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="ship-form" class="hh-btn hh-btn-primary" :disabled="shipForm.busy" data-test="save">{{ t('lot.ship') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
