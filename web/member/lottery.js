// lottery.js — the member's lottery page (抽奖), #/lottery/<campaign id>
// (?code=<pass code> when opened from a printed card's QR).
//
// A prize wheel that turns only after the server has decided: the draw is one
// POST, and the wheel is then animated to the segment of the real result
// (data-landed on the wheel holds the prize id, 0 for none). The odds in
// percent, the stock left and the fairness proof (seed commitment; the seed
// once the campaign has ended) are shown beside it, with "my prizes" and how
// to collect each: the QR to show at a counter, the address form for a prize
// sent by mail, the wallet for a coupon.
//
// lotteryScreen(state) → the page component, bound to the app's state.

import { ref, reactive, computed, watch, onBeforeUnmount } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';
import { route } from '/shared/router.js';
import { phoneLooksOk } from '/shared/mobile-kit.js';
import { loadStylesheet } from '/shared/css.js';

addMessages({
  'zh-CN': {
    'ml.title': '幸运抽奖',
    'ml.loginTitle': '登录后参与抽奖',
    'ml.loginText': '用手机号登录即可抽奖，奖品可到专柜领取或邮寄到家。',
    'ml.login': '手机号登录',
    'ml.notFound': '找不到这个抽奖活动',
    'ml.notFoundText': '活动可能尚未开始或链接有误。',
    'ml.leftToday': '今天还可抽 {n} 次',
    'ml.status.scheduled': '活动尚未开始，{at} 开始',
    'ml.status.paused': '活动已暂停',
    'ml.status.ended': '活动已结束',
    'ml.go': '抽奖',
    'ml.spinning': '开奖中…',
    'ml.free': '免费抽奖',
    'ml.freeLeft': '今日剩 {n} 次',
    'ml.freeNone': '今日免费次数已用完',
    'ml.pass': '通关密码',
    'ml.passPh': '输入瓶盖或卡片上的 12 位密码',
    'ml.passNeed': '请输入通关密码',
    'ml.granted': '抽奖机会',
    'ml.grantedLeft': '剩 {n} 次',
    'ml.points': '积分抽奖',
    'ml.pointsCost': '{n} 积分 / 次',
    'ml.prizes': '奖品与中奖概率',
    'ml.odds': '概率 {p}',
    'ml.left': '剩 {n} 份',
    'ml.out': '已抽完',
    'ml.oddsNote': '概率为此刻一次抽奖抽中该项的机会，随库存变化实时公示。',
    'ml.noPrize': '未中奖',
    'ml.win': '恭喜您抽中',
    'ml.fallbackWin': '大奖已抽完，为您送上保底奖品',
    'ml.lose': '很遗憾',
    'ml.again': '再抽一次',
    'ml.close': '知道了',
    'ml.mine': '我的奖品',
    'ml.mineEmpty': '还没有中奖记录',
    'ml.draws': '抽奖记录',
    'ml.how.counter': '到任一专柜出示领奖码，由导购核销领取',
    'ml.how.counterUntil': '请在 {d} 前领取',
    'ml.how.counterDone': '已在专柜领取',
    'ml.how.mailNeed': '请填写收货地址，我们将免费寄出',
    'ml.how.mailWait': '已收到地址，等待发货',
    'ml.how.mailShipped': '已发货，快递单号 {no}',
    'ml.how.mailDelivered': '已签收',
    'ml.how.coupon': '优惠券已放入券包，券码 {code}',
    'ml.how.envelope': '红包 ¥{amount} 已发放，将转入您的账户',
    'ml.how.failed': '奖品发放遇到问题，工作人员会尽快与您联系',
    'ml.showCode': '出示领奖码',
    'ml.codeTitle': '领奖码',
    'ml.codeHint': '请导购扫码核销；券码 {code}',
    'ml.fillAddress': '填写收货地址',
    'ml.changeAddress': '修改地址',
    'ml.addrTitle': '收货地址',
    'ml.addrSaved': '地址已提交，我们会尽快寄出',
    'ml.addrPick': '选择已保存的地址',
    'ml.addrNew': '填写新地址',
    'ml.addr.name': '收件人',
    'ml.addr.phone': '手机号',
    'ml.addr.province': '省份',
    'ml.addr.city': '城市',
    'ml.addr.district': '区县',
    'ml.addr.detail': '详细地址',
    'ml.addr.detailPh': '街道、楼栋、门牌号',
    'ml.addr.needName': '请填写收件人',
    'ml.addr.needDetail': '请填写详细地址',
    'ml.submit': '提交',
    'ml.fair': '公平性说明',
    'ml.commitment': '种子承诺值（SHA-256）',
    'ml.seed': '活动种子',
    'ml.seedLater': '活动结束后公开',
    'ml.roll': '随机数',
    'ml.drawNo': '第 {id} 号',
    'ml.entry.free': '免费',
    'ml.entry.pass_code': '通关密码',
    'ml.entry.receipt': '小票',
    'ml.entry.grant': '赠送',
    'ml.entry.points': '积分',
    'ml.rules': '活动说明',
  },
  en: {
    'ml.title': 'Lucky draw',
    'ml.loginTitle': 'Sign in to play',
    'ml.loginText': 'Sign in with your mobile number to draw; collect prizes at a counter or get them by mail.',
    'ml.login': 'Sign in',
    'ml.notFound': 'This lucky draw was not found',
    'ml.notFoundText': 'It may not have started yet, or the link is wrong.',
    'ml.leftToday': '{n} draws left today',
    'ml.status.scheduled': 'Starts {at}',
    'ml.status.paused': 'The campaign is paused',
    'ml.status.ended': 'The campaign has ended',
    'ml.go': 'Draw',
    'ml.spinning': 'Drawing…',
    'ml.free': 'Free draw',
    'ml.freeLeft': '{n} left today',
    'ml.freeNone': 'No free draws left today',
    'ml.pass': 'Pass code',
    'ml.passPh': 'The 12-character code under the cap or on the card',
    'ml.passNeed': 'Enter the pass code',
    'ml.granted': 'Granted draws',
    'ml.grantedLeft': '{n} left',
    'ml.points': 'With points',
    'ml.pointsCost': '{n} points a draw',
    'ml.prizes': 'Prizes and odds',
    'ml.odds': 'odds {p}',
    'ml.left': '{n} left',
    'ml.out': 'All gone',
    'ml.oddsNote': 'The chance that one draw now ends with each outcome; it follows the stock and is always up to date.',
    'ml.noPrize': 'No prize',
    'ml.win': 'You won',
    'ml.fallbackWin': 'The big prize is gone; here is the consolation prize',
    'ml.lose': 'Not this time',
    'ml.again': 'Draw again',
    'ml.close': 'OK',
    'ml.mine': 'My prizes',
    'ml.mineEmpty': 'No prizes yet',
    'ml.draws': 'My draws',
    'ml.how.counter': 'Show the prize code at any counter of the brand',
    'ml.how.counterUntil': 'Collect by {d}',
    'ml.how.counterDone': 'Collected at a counter',
    'ml.how.mailNeed': 'Give your address and we send it free',
    'ml.how.mailWait': 'Address received; shipping soon',
    'ml.how.mailShipped': 'Shipped, tracking number {no}',
    'ml.how.mailDelivered': 'Delivered',
    'ml.how.coupon': 'The coupon is in your wallet, code {code}',
    'ml.how.envelope': 'A ¥{amount} red envelope is on its way to you',
    'ml.how.failed': 'Something went wrong handing this prize over; we will contact you',
    'ml.showCode': 'Show prize code',
    'ml.codeTitle': 'Prize code',
    'ml.codeHint': 'Counter staff scan it; code {code}',
    'ml.fillAddress': 'Give an address',
    'ml.changeAddress': 'Change address',
    'ml.addrTitle': 'Delivery address',
    'ml.addrSaved': 'Address received; we will ship soon',
    'ml.addrPick': 'A saved address',
    'ml.addrNew': 'A new address',
    'ml.addr.name': 'Recipient',
    'ml.addr.phone': 'Mobile',
    'ml.addr.province': 'Province',
    'ml.addr.city': 'City',
    'ml.addr.district': 'District',
    'ml.addr.detail': 'Street address',
    'ml.addr.detailPh': 'Street, building, door number',
    'ml.addr.needName': 'Give the recipient',
    'ml.addr.needDetail': 'Give the street address',
    'ml.submit': 'Submit',
    'ml.fair': 'How it is fair',
    'ml.commitment': 'Seed commitment (SHA-256)',
    'ml.seed': 'Campaign seed',
    'ml.seedLater': 'Published when the campaign ends',
    'ml.roll': 'Random number',
    'ml.drawNo': 'Draw #{id}',
    'ml.entry.free': 'Free',
    'ml.entry.pass_code': 'Pass code',
    'ml.entry.receipt': 'Receipt',
    'ml.entry.grant': 'Granted',
    'ml.entry.points': 'Points',
    'ml.rules': 'About this campaign',
  },
});

loadStylesheet('/m/lottery.css');

const COLORS = ['#ff7a45', '#ffd666', '#ff9c6e', '#fff1b8', '#ff5a5f', '#ffe7ba'];
const yuan = (fen) => (Number(fen || 0) / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
const pct = (p) => (p >= 1 ? p.toFixed(1) : p >= 0.01 ? p.toFixed(2) : p > 0 ? p.toPrecision(2) : '0') + '%';
const SPIN_MS = () => (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 600 : 3800);

/** The wheel: equal segments (prizes in pool order, "no prize" between them),
 *  drawn as SVG; the odds are disclosed in the list beside it. */
function segmentsOf(page) {
  // "一等奖 · 精华正装 50ml" → "一等奖" on the wheel; the full name is in the list below
  const short = (s) => { const x = String(s).split(/\s*[·・，,]\s*/)[0]; return x.length > 6 ? x.slice(0, 6) + '…' : x; };
  const prizes = page.prizes.map((p) => ({ id: p.id, label: short(p.name), image: p.image }));
  const none = { id: 0, label: short(page.no_prize.label) };
  const out = [];
  // interleave "no prize" so a wheel of 2–4 prizes still has 6–8 segments
  for (const p of prizes) { out.push(p); if (prizes.length < 5) out.push(none); }
  if (!out.some((s) => s.id === 0)) out.push(none);
  return out;
}

function arcPath(i, n, r) {
  const a0 = (i / n) * 2 * Math.PI - Math.PI / 2, a1 = ((i + 1) / n) * 2 * Math.PI - Math.PI / 2;
  const x0 = r + r * Math.cos(a0), y0 = r + r * Math.sin(a0), x1 = r + r * Math.cos(a1), y1 = r + r * Math.sin(a1);
  return `M${r},${r} L${x0.toFixed(2)},${y0.toFixed(2)} A${r},${r} 0 ${n === 1 ? 1 : 0} 1 ${x1.toFixed(2)},${y1.toFixed(2)} Z`;
}

export function lotteryScreen(state) {
  return {
    props: { id: String },
    setup(props) {
      const page = ref(null);
      const loading = ref(true);
      const notFound = ref(false);
      const error = ref('');
      const entry = ref('free');
      // a printed card's QR opens #/lottery/<id>?code=…; the code is kept across a sign-in
      const stash = () => 'hh.passcode.' + props.id;
      function stashedCode() {
        if (route.query.code) { try { sessionStorage.setItem(stash(), route.query.code); } catch (_) { /* private mode */ } }
        try { return route.query.code || sessionStorage.getItem(stash()) || ''; } catch (_) { return route.query.code || ''; }
      }
      const passCode = ref(stashedCode());
      const passError = ref('');
      const spin = reactive({ busy: false, angle: 0, landed: null, result: null, show: false });
      const qr = reactive({ open: false, draw: null });
      const addr = reactive({ open: false, draw: null, mode: 'new', saved: [], pick: null });
      const addrForm = useForm({ name: '', phone: '', province: '', city: '', district: '', detail: '' });
      // an error goes away once its field is edited
      for (const f of Object.keys(addrForm.values)) watch(() => addrForm.values[f], () => { delete addrForm.errors[f]; });

      async function load() {
        if (!state.member) { loading.value = false; return; }
        error.value = '';
        try {
          page.value = await api.get('/api/member/lottery/' + encodeURIComponent(props.id));
          notFound.value = false;
          const me = page.value.me;
          if (passCode.value) entry.value = 'pass_code';
          else if (me.free_left_today > 0) entry.value = 'free';
          else if (me.granted_left > 0) entry.value = 'receipt';
          else if (me.pass_codes) entry.value = 'pass_code';
        } catch (e) {
          if (e.status === 404) notFound.value = true;
          else error.value = e.message;
        } finally {
          loading.value = false;
        }
      }
      watch(() => props.id, () => {
        passCode.value = stashedCode();
        passError.value = '';
        Object.assign(spin, { busy: false, angle: 0, landed: null, result: null, show: false });
        loading.value = true;
      });
      watch(() => [props.id, !!state.member], load, { immediate: true });

      const segs = computed(() => (page.value ? segmentsOf(page.value) : []));
      const live = computed(() => page.value && page.value.campaign.status_now === 'live');
      const wins = computed(() => (page.value ? page.value.draws.filter((d) => d.prize) : []));
      const entries = computed(() => {
        if (!page.value) return [];
        const me = page.value.me, out = [];
        if (me.free_per_day > 0) out.push({ key: 'free', label: t('ml.free'), sub: me.free_left_today > 0 ? t('ml.freeLeft', { n: me.free_left_today }) : t('ml.freeNone') });
        if (me.pass_codes || passCode.value) out.push({ key: 'pass_code', label: t('ml.pass'), sub: '' });
        if (me.granted_left > 0) out.push({ key: 'receipt', label: t('ml.granted'), sub: t('ml.grantedLeft', { n: me.granted_left }) });
        if (me.draw_points) out.push({ key: 'points', label: t('ml.points'), sub: t('ml.pointsCost', { n: me.draw_points }) });
        return out;
      });
      const canDraw = computed(() => live.value && !spin.busy && entries.value.length > 0
        && !(entry.value === 'free' && page.value.me.free_left_today <= 0));

      let timer = null;
      onBeforeUnmount(() => clearTimeout(timer));
      async function draw() {
        passError.value = '';
        const body = { entry: entry.value };
        if (entry.value === 'pass_code') {
          if (!passCode.value.trim()) { passError.value = t('ml.passNeed'); return; }
          body.pass_code = passCode.value.trim();
        }
        spin.busy = true;
        spin.show = false;
        let res;
        try {
          res = await api.post(`/api/member/lottery/${props.id}/draws`, body);
        } catch (e) {
          spin.busy = false;
          if (e.field === 'pass_code') passError.value = e.message;
          else toast.error(e.message);
          return;
        }
        // turn the wheel to a segment of the real result
        const n = segs.value.length;
        const targetId = res.prize ? res.prize.id : 0;
        let idx = segs.value.findIndex((s) => s.id === targetId);
        if (idx < 0) idx = segs.value.findIndex((s) => s.id === 0);
        const choices = segs.value.map((s, i) => (s.id === targetId ? i : -1)).filter((i) => i >= 0);
        if (choices.length > 1) idx = choices[res.id % choices.length];
        const center = (idx + 0.5) * (360 / n);
        const jitter = ((res.id * 37) % 50 - 25) / 100 * (360 / n);
        const base = spin.angle - (spin.angle % 360) + 360 * 6;
        spin.angle = base + (360 - center) - jitter;
        spin.landed = targetId;
        timer = setTimeout(() => {
          spin.result = res;
          spin.show = true;
          spin.busy = false;
          if (entry.value === 'pass_code') { passCode.value = ''; try { sessionStorage.removeItem(stash()); } catch (_) { /* ignore */ } }
          load();
        }, SPIN_MS() + 150);
      }

      function how(d) {
        if (d.claim_status === 'failed') return t('ml.how.failed');
        switch (d.claim) {
          case 'counter':
            if (d.coupon && d.coupon.status === 'redeemed') return t('ml.how.counterDone');
            return t('ml.how.counter');
          case 'mail':
            if (d.claim_status === 'unclaimed') return t('ml.how.mailNeed');
            if (d.claim_status === 'claimed') return t('ml.how.mailWait');
            if (d.claim_status === 'shipped') return t('ml.how.mailShipped', { no: d.tracking_no });
            return t('ml.how.mailDelivered');
          case 'coupon': return t('ml.how.coupon', { code: d.coupon ? d.coupon.code : '' });
          case 'envelope': return t('ml.how.envelope', { amount: d.envelope ? yuan(d.envelope.amount_fen) : '' });
          default: return '';
        }
      }
      function showCode(d) { qr.draw = d; qr.open = true; spin.show = false; }
      async function openAddress(d) {
        spin.show = false;
        addr.draw = d;
        const a = d.address || {};
        addrForm.reset({ name: a.name || state.member.name || '', phone: a.phone ? String(a.phone).replace(/^\+86/, '') : '', province: a.province || '', city: a.city || '', district: a.district || '', detail: a.detail || '' });
        addr.open = true;
        try {
          addr.saved = (await api.get('/api/member/addresses')).items || [];
          addr.mode = addr.saved.length && !d.address ? 'saved' : 'new';
          addr.pick = addr.saved.length ? addr.saved[0].id : null;
        } catch (_) { addr.saved = []; addr.mode = 'new'; }
      }
      async function saveAddress() {
        let body;
        if (addr.mode === 'saved' && addr.pick) {
          body = { address_id: addr.pick };
        } else {
          const v = addrForm.values;
          addrForm.errors = {};
          if (!v.name.trim()) addrForm.errors.name = t('ml.addr.needName');
          if (!v.phone.trim() || !phoneLooksOk(v.phone)) addrForm.errors.phone = t('member.login.badPhone');
          if (!v.detail.trim()) addrForm.errors.detail = t('ml.addr.needDetail');
          if (Object.keys(addrForm.errors).length) return;
          body = { name: v.name.trim(), phone: v.phone.trim(), province: v.province.trim(), city: v.city.trim(), district: v.district.trim(), detail: v.detail.trim() };
        }
        const res = await addrForm.run(() => api.post(`/api/member/lottery/draws/${addr.draw.id}/address`, body));
        if (res) { addr.open = false; toast.success(t('ml.addrSaved')); load(); }
      }
      const addrLine = (a) => [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ');
      const loginHref = computed(() => '#/login?from=' + encodeURIComponent('lottery/' + props.id));
      return {
        page, loading, notFound, error, entry, passCode, passError, spin, segs, live, wins, entries, canDraw, draw, how,
        qr, showCode, addr, addrForm, openAddress, saveAddress, addrLine, loginHref, load, state, arcPath, COLORS, yuan, pct,
        t, fmtDate, fmtDateTime, fmtNumber, SPIN_MS,
      };
    },
    template: `
      <div class="m-app ml-page">
        <div v-if="loading" class="m-boot"><span class="hh-spinner"></span></div>

        <template v-else-if="!state.member">
          <section class="mh-hero ml-hero">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">活</span></div><hh-lang-switch compact /></div>
            <div class="mh-state-icon"><m-icon name="gift" :size="36" /></div>
            <h1>{{ t('ml.loginTitle') }}</h1>
            <p class="mh-hero-text">{{ t('ml.loginText') }}</p>
            <div class="mh-hero-glow" aria-hidden="true"></div>
          </section>
          <div class="m-body mh-landing-body">
            <a :href="loginHref" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="lottery-login">{{ t('ml.login') }}</a>
          </div>
        </template>

        <template v-else-if="notFound">
          <section class="mh-hero mh-hero-muted">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">活</span></div><hh-lang-switch compact /></div>
            <h1 data-test="lottery-missing">{{ t('ml.notFound') }}</h1>
            <p class="mh-hero-text">{{ t('ml.notFoundText') }}</p>
          </section>
          <div class="m-body mh-landing-body"><a href="#/me" class="hh-btn hh-btn-lg hh-btn-block">{{ t('member.tp.goMe') }}</a></div>
        </template>

        <div v-else-if="error" class="m-body" style="justify-content:center">
          <hh-empty icon="alert" :title="error"><button type="button" class="hh-btn" style="margin-top:12px" @click="load">{{ t('common.retry') }}</button></hh-empty>
        </div>

        <template v-else-if="page">
          <section class="mh-hero ml-hero">
            <div class="mh-hero-top">
              <a class="ml-back" href="#/me" :aria-label="t('common.back')"><m-icon name="chevronLeft" :size="22" /></a>
              <hh-lang-switch compact />
            </div>
            <p class="mh-hero-kicker">{{ page.campaign.brand.name }} · {{ t('ml.title') }}</p>
            <h1 data-test="lottery-title">{{ page.campaign.name }}</h1>
            <p v-if="live" class="ml-left" data-test="draws-left">{{ t('ml.leftToday', { n: page.me.draws_left_today }) }}</p>
            <p v-else class="ml-left ml-closed" data-test="lottery-closed">{{ page.campaign.status_now === 'scheduled' ? t('ml.status.scheduled', { at: fmtDateTime(page.campaign.starts_at) }) : t('ml.status.' + page.campaign.status_now) }}</p>
          </section>

          <div class="m-body ml-body">
            <section class="m-card ml-stage">
              <div class="ml-wheel-box">
                <div class="ml-pointer" aria-hidden="true"></div>
                <svg class="ml-wheel" viewBox="0 0 300 300" role="img" :aria-label="t('ml.title')" data-test="wheel"
                     :data-landed="spin.landed === null ? '' : spin.landed" :data-spinning="spin.busy ? 1 : 0"
                     :style="{ transform: 'rotate(' + spin.angle + 'deg)', transitionDuration: SPIN_MS() + 'ms' }">
                  <g v-for="(s, i) in segs" :key="i" :data-seg="s.id">
                    <path :d="arcPath(i, segs.length, 150)" :fill="s.id ? COLORS[i % COLORS.length] : (i % 2 ? '#fff7ed' : '#fffaf3')" stroke="#fff" stroke-width="2" />
                    <g :transform="'rotate(' + ((i + 0.5) * 360 / segs.length) + ' 150 150)'">
                      <text x="150" y="40" text-anchor="middle" class="ml-seg-text" :class="{ none: !s.id }">{{ s.label }}</text>
                      <image v-if="s.image" :href="s.image" x="132" y="52" width="36" height="36" />
                    </g>
                  </g>
                  <circle cx="150" cy="150" r="148" fill="none" stroke="#ffb27a" stroke-width="4" />
                </svg>
                <button type="button" class="ml-go" :disabled="!canDraw" @click="draw" data-test="draw">
                  <span v-if="spin.busy">{{ t('ml.spinning') }}</span><span v-else>{{ t('ml.go') }}</span>
                </button>
              </div>

              <div class="ml-entries" v-if="live && entries.length">
                <button v-for="e in entries" :key="e.key" type="button" class="ml-entry" :class="{ active: entry === e.key }" @click="entry = e.key" :data-entry="e.key">
                  <b>{{ e.label }}</b><small v-if="e.sub">{{ e.sub }}</small></button>
              </div>
              <div v-if="live && entry === 'pass_code'" class="ml-pass">
                <hh-field :error="passError" name="pass_code">
                  <input class="hh-input mono" v-model="passCode" :placeholder="t('ml.passPh')" maxlength="40" autocapitalize="characters" autocomplete="off" data-test="pass-code" />
                </hh-field>
              </div>
            </section>

            <section class="m-card m-card-pad ml-mine" v-if="wins.length" data-test="my-prizes">
              <h3 class="mh-section-h">{{ t('ml.mine') }}</h3>
              <ul class="ml-prize-list">
                <li v-for="d in wins" :key="d.id" :data-draw="d.id" :data-claim="d.claim" :data-status="d.claim_status">
                  <img v-if="d.prize.image" :src="d.prize.image" alt="" class="ml-prize-img" />
                  <span v-else class="ml-prize-img ml-prize-ph"><m-icon name="gift" :size="22" /></span>
                  <div class="ml-prize-main">
                    <b>{{ d.prize.name }}</b>
                    <p class="ml-how">{{ how(d) }}</p>
                    <p v-if="d.claim === 'counter' && d.coupon && d.coupon.status === 'issued'" class="ml-sub">{{ t('ml.how.counterUntil', { d: fmtDate(d.coupon.valid_to) }) }}</p>
                    <p v-if="d.claim === 'mail' && d.address" class="ml-sub">{{ d.address.name }} · {{ addrLine(d.address) }}</p>
                    <div class="ml-actions">
                      <button v-if="d.claim === 'counter' && d.coupon && d.coupon.status === 'issued'" type="button" class="hh-btn hh-btn-sm hh-btn-primary" @click="showCode(d)" data-test="show-code"><m-icon name="qr" :size="15" /> {{ t('ml.showCode') }}</button>
                      <button v-if="d.claim === 'mail' && (d.claim_status === 'unclaimed' || d.claim_status === 'claimed')" type="button" class="hh-btn hh-btn-sm" :class="{ 'hh-btn-primary': d.claim_status === 'unclaimed' }" @click="openAddress(d)" data-test="fill-address">
                        <m-icon name="truck" :size="15" /> {{ d.claim_status === 'unclaimed' ? t('ml.fillAddress') : t('ml.changeAddress') }}</button>
                    </div>
                  </div>
                </li>
              </ul>
            </section>

            <section class="m-card m-card-pad" data-test="prize-list">
              <h3 class="mh-section-h">{{ t('ml.prizes') }}</h3>
              <ul class="ml-odds">
                <li v-for="p in page.prizes" :key="p.id" :class="{ out: !p.available }" :data-prize="p.id">
                  <img v-if="p.image" :src="p.image" alt="" class="ml-prize-img" />
                  <span v-else class="ml-prize-img ml-prize-ph"><m-icon name="gift" :size="22" /></span>
                  <div class="ml-prize-main"><b>{{ p.name }}</b>
                    <p class="ml-sub">¥{{ yuan(p.value_fen) }} · {{ p.available ? t('ml.left', { n: fmtNumber(p.remaining) }) : t('ml.out') }}</p></div>
                  <span class="ml-pct" data-test="odds">{{ pct(p.odds_pct) }}</span>
                </li>
                <li class="ml-none"><span class="ml-prize-img ml-prize-ph"><m-icon name="heart" :size="20" /></span>
                  <div class="ml-prize-main"><b>{{ page.no_prize.label }}</b></div>
                  <span class="ml-pct">{{ pct(page.no_prize.odds_pct) }}</span></li>
              </ul>
              <p class="m-footnote">{{ t('ml.oddsNote') }}</p>
            </section>

            <section class="m-card m-card-pad" v-if="page.campaign.description">
              <h3 class="mh-section-h">{{ t('ml.rules') }}</h3>
              <p class="ml-desc">{{ page.campaign.description }}</p>
              <p class="ml-sub">{{ fmtDateTime(page.campaign.starts_at) }} – {{ fmtDateTime(page.campaign.ends_at) }}</p>
            </section>

            <details class="m-card m-card-pad ml-fair" data-test="fairness">
              <summary>{{ t('ml.fair') }}</summary>
              <p class="ml-desc">{{ page.fairness.how }}</p>
              <dl class="hh-kv ml-kv">
                <dt>{{ t('ml.commitment') }}</dt><dd class="mono" data-test="commitment">{{ page.fairness.seed_commitment }}</dd>
                <dt>{{ t('ml.seed') }}</dt><dd class="mono" data-test="seed">{{ page.fairness.seed || t('ml.seedLater') }}</dd>
              </dl>
              <ul class="ml-history" v-if="page.draws.length">
                <li v-for="d in page.draws" :key="d.id"><span>{{ fmtDateTime(d.at) }} · {{ t('ml.drawNo', { id: d.id }) }} · {{ t('ml.entry.' + d.entry) }}</span>
                  <b :class="{ win: d.prize }">{{ d.prize ? d.prize.name : page.no_prize.label }}</b>
                  <small class="mono">{{ t('ml.roll') }} {{ d.roll }}</small></li>
              </ul>
            </details>
          </div>

          <transition name="m-fade">
            <div v-if="spin.show && spin.result" class="ml-result-layer" @click.self="spin.show = false">
              <div class="ml-result" :class="{ win: spin.result.prize }" role="dialog" aria-modal="true" data-test="result" :data-prize="spin.result.prize ? spin.result.prize.id : 0">
                <template v-if="spin.result.prize">
                  <p class="ml-result-kicker">{{ spin.result.fallback ? t('ml.fallbackWin') : t('ml.win') }}</p>
                  <img v-if="spin.result.prize.image" :src="spin.result.prize.image" alt="" class="ml-result-img" />
                  <h2 data-test="result-prize">{{ spin.result.prize.name }}</h2>
                  <p class="ml-how">{{ how(spin.result) }}</p>
                  <button v-if="spin.result.claim === 'counter' && spin.result.coupon" type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" @click="showCode(spin.result)">{{ t('ml.showCode') }}</button>
                  <button v-else-if="spin.result.claim === 'mail'" type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" @click="openAddress(spin.result)" data-test="result-address">{{ t('ml.fillAddress') }}</button>
                </template>
                <template v-else>
                  <p class="ml-result-kicker">{{ t('ml.lose') }}</p>
                  <div class="ml-result-icon"><m-icon name="heart" :size="40" /></div>
                  <h2 data-test="result-none">{{ page.no_prize.label }}</h2>
                </template>
                <button type="button" class="hh-btn hh-btn-lg hh-btn-block" @click="spin.show = false" data-test="result-close">{{ canDraw ? t('ml.again') : t('ml.close') }}</button>
              </div>
            </div>
          </transition>

          <m-qr-full :open="qr.open" :src="qr.draw ? '/api/member/lottery/draws/' + qr.draw.id + '/qr.svg' : ''" :title="qr.draw ? qr.draw.prize.name : ''"
                     :subtitle="t('ml.codeTitle')" :hint="qr.draw && qr.draw.coupon ? t('ml.codeHint', { code: qr.draw.coupon.code }) : ''" @close="qr.open = false" />

          <hh-drawer :open="addr.open" :title="t('ml.addrTitle')" :subtitle="addr.draw && addr.draw.prize ? addr.draw.prize.name : ''" @close="addr.open = false">
            <form class="hh-form" @submit.prevent="saveAddress" novalidate data-test="lottery-address-form">
              <hh-form-error :message="addrForm.formError" />
              <div class="ml-seg" v-if="addr.saved.length">
                <label :class="{ active: addr.mode === 'saved' }"><input type="radio" value="saved" v-model="addr.mode" />{{ t('ml.addrPick') }}</label>
                <label :class="{ active: addr.mode === 'new' }"><input type="radio" value="new" v-model="addr.mode" />{{ t('ml.addrNew') }}</label>
              </div>
              <ul v-if="addr.mode === 'saved'" class="ml-saved">
                <li v-for="a in addr.saved" :key="a.id"><label><input type="radio" :value="a.id" v-model="addr.pick" />
                  <span><b>{{ a.name }} {{ a.phone }}</b><small>{{ addrLine(a) }}</small></span></label></li>
              </ul>
              <template v-else>
                <div class="hh-form-row">
                  <hh-field :label="t('ml.addr.name')" :error="addrForm.errors.name" name="name" required><input class="hh-input" name="name" maxlength="32" autocomplete="name" v-model="addrForm.values.name" /></hh-field>
                  <hh-field :label="t('ml.addr.phone')" :error="addrForm.errors.phone" name="phone" required><input class="hh-input" name="phone" type="tel" inputmode="tel" maxlength="20" autocomplete="tel" v-model="addrForm.values.phone" /></hh-field>
                </div>
                <div class="hh-form-row">
                  <hh-field :label="t('ml.addr.province')" :error="addrForm.errors.province" name="province"><input class="hh-input" name="province" maxlength="32" v-model="addrForm.values.province" /></hh-field>
                  <hh-field :label="t('ml.addr.city')" :error="addrForm.errors.city" name="city"><input class="hh-input" name="city" maxlength="32" v-model="addrForm.values.city" /></hh-field>
                </div>
                <hh-field :label="t('ml.addr.district')" :error="addrForm.errors.district" name="district"><input class="hh-input" name="district" maxlength="32" v-model="addrForm.values.district" /></hh-field>
                <hh-field :label="t('ml.addr.detail')" :error="addrForm.errors.detail" name="detail" required>
                  <textarea class="hh-input hh-textarea" name="detail" rows="2" maxlength="200" :placeholder="t('ml.addr.detailPh')" v-model="addrForm.values.detail"></textarea></hh-field>
              </template>
              <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="addrForm.busy" data-test="address-submit">{{ t('ml.submit') }}</button>
            </form>
          </hh-drawer>
        </template>
      </div>`,
  };
}
