// coupons.js — coupons on the member H5.
//   #/wallet          my coupons (可使用 / 已使用 / 已过期), each with its terms,
//                     where it is valid and the QR of its code for the counter;
//                     a box to add a printed code (?code=… from a printed link)
//   #/c/<id>          a campaign's landing (what a scan of a touchpoint with a
//                     campaign leads to): its coupons with what is left and a
//                     claim button, its prizes, samples and store events
//
// couponScreens(state) → components bound to the app's state.

import { ref, reactive, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { toast } from '/shared/components.js';
import { route, navigate } from '/shared/router.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';

addMessages({
  'zh-CN': {
    'cw.title': '我的券包',
    'cw.tab.issued': '可使用',
    'cw.tab.redeemed': '已使用',
    'cw.tab.expired': '已过期',
    'cw.addCode': '添加券码',
    'cw.addCodeSub': '卡券、小票或包装上印的 12 位券码',
    'cw.codePh': '例如 ABCD EFGH JKLM',
    'cw.add': '添加',
    'cw.adding': '添加中…',
    'cw.needCode': '请输入券码',
    'cw.badCode': '券码是 12 位字母和数字（不含 0、1、I、O）',
    'cw.added': '已添加到券包：{name}',
    'cw.empty.issued': '暂无可用的券',
    'cw.empty.issuedText': '扫描门店或活动二维码领取优惠券，到柜台出示即可使用',
    'cw.empty.redeemed': '还没有使用过的券',
    'cw.empty.expired': '没有过期的券',
    'cw.loadFailed': '券包加载失败',
    'cw.validTo': '有效期至 {d}',
    'cw.validWindow': '{from} 至 {to}',
    'cw.usedAt': '{d} 已使用',
    'cw.expiredAt': '{d} 已过期',
    'cw.noLimit': '无门槛',
    'cw.minSpend': '满 {n} 元可用',
    'cw.show': '出示券码',
    'cw.showSub': '请柜台导购扫描二维码或输入券码核销',
    'cw.code': '券码',
    'cw.where': '适用范围',
    'cw.allStores': '{brands} 全部门店',
    'cw.someStores': '{brands} 指定 {n} 家门店',
    'cw.moreStores': '等 {n} 家门店',
    'cw.terms': '使用说明',
    'cw.fromCampaign': '来自活动：{name}',
    'cw.stamp.redeemed': '已使用',
    'cw.stamp.expired': '已过期',
    'cw.stamp.voided': '已作废',
    'cw.enlarge': '放大二维码',
    'cw.entry': '我的券包',
    'cw.entrySub': '{n} 张可用',
    'cw.entryNone': '领券后在这里查看',
    'coupon.kind.cash': '现金券',
    'coupon.kind.discount': '折扣券',
    'coupon.kind.gift': '礼品券',
    'coupon.kind.sample': '试用装',
    'coupon.kind.prize': '奖品',
    'coupon.discount': '{n}折',
    'coupon.relative': '领取后 {n} 天内有效',
    'cl.loadFailed': '活动加载失败',
    'cl.notFound': '活动不存在或尚未发布',
    'cl.notFoundText': '请确认二维码或链接是否正确',
    'cl.window': '活动时间 {from} — {to}',
    'cl.status.scheduled': '即将开始',
    'cl.status.live': '进行中',
    'cl.status.paused': '已暂停',
    'cl.status.ended': '已结束',
    'cl.notLive.scheduled': '活动尚未开始，开始后即可领取',
    'cl.notLive.paused': '活动暂停中，请稍后再来',
    'cl.notLive.ended': '活动已结束，感谢关注',
    'cl.coupons': '可领优惠',
    'cl.noCoupons': '本活动暂无可领取的优惠券',
    'cl.left': '剩余 {n} 张',
    'cl.unlimited': '数量充足',
    'cl.soldOut': '已领完',
    'cl.claim': '立即领取',
    'cl.claiming': '领取中…',
    'cl.claimed': '已领取',
    'cl.loginToClaim': '登录领取',
    'cl.claimedToast': '领取成功，已放入券包',
    'cl.goWallet': '查看券包',
    'cl.selected': '本活动仅限指定会员参与',
    'cl.prizes': '活动奖品',
    'cl.prizeGone': '已抽完',
    'cl.samples': '免费试用',
    'cl.sampleLeft': '剩余 {n} 份',
    'cl.shipping': '运费 ¥{n}',
    'cl.freeShipping': '包邮',
    'cl.events': '门店活动',
    'cl.seats': '名额 {n}，已报名 {r}',
    'cl.fair': '抽奖公平承诺（种子哈希）',
    'tp.campaignCta': '查看活动，领取优惠',
    'tp.campaignSub': '本二维码参与活动，点此查看可领优惠',
  },
  en: {
    'cw.title': 'My coupons',
    'cw.tab.issued': 'Usable',
    'cw.tab.redeemed': 'Used',
    'cw.tab.expired': 'Expired',
    'cw.addCode': 'Add a code',
    'cw.addCodeSub': 'The 12-character code printed on a card, receipt or pack',
    'cw.codePh': 'e.g. ABCD EFGH JKLM',
    'cw.add': 'Add',
    'cw.adding': 'Adding…',
    'cw.needCode': 'Enter the code',
    'cw.badCode': 'A code has 12 letters and digits (no 0, 1, I or O)',
    'cw.added': 'Added to your coupons: {name}',
    'cw.empty.issued': 'No usable coupons',
    'cw.empty.issuedText': 'Scan a store or campaign QR code to claim coupons, then show them at the counter',
    'cw.empty.redeemed': 'No used coupons yet',
    'cw.empty.expired': 'No expired coupons',
    'cw.loadFailed': 'Could not load your coupons',
    'cw.validTo': 'Valid until {d}',
    'cw.validWindow': '{from} to {to}',
    'cw.usedAt': 'Used on {d}',
    'cw.expiredAt': 'Expired on {d}',
    'cw.noLimit': 'No minimum spend',
    'cw.minSpend': 'Spend ¥{n} or more',
    'cw.show': 'Show the code',
    'cw.showSub': 'Let the counter staff scan the QR code or type the code',
    'cw.code': 'Code',
    'cw.where': 'Where to use it',
    'cw.allStores': 'All {brands} stores',
    'cw.someStores': '{n} {brands} stores',
    'cw.moreStores': 'and {n} stores in all',
    'cw.terms': 'Terms',
    'cw.fromCampaign': 'From: {name}',
    'cw.stamp.redeemed': 'Used',
    'cw.stamp.expired': 'Expired',
    'cw.stamp.voided': 'Voided',
    'cw.enlarge': 'Enlarge the QR code',
    'cw.entry': 'My coupons',
    'cw.entrySub': '{n} usable',
    'cw.entryNone': 'Coupons you claim appear here',
    'coupon.kind.cash': 'Cash off',
    'coupon.kind.discount': 'Discount',
    'coupon.kind.gift': 'Gift',
    'coupon.kind.sample': 'Sample',
    'coupon.kind.prize': 'Prize',
    'coupon.discount': '{n}% off',
    'coupon.relative': 'Valid {n} days from claiming',
    'cl.loadFailed': 'Could not load the campaign',
    'cl.notFound': 'No such campaign, or it is not published yet',
    'cl.notFoundText': 'Please check the QR code or link',
    'cl.window': '{from} — {to}',
    'cl.status.scheduled': 'Coming soon',
    'cl.status.live': 'Live',
    'cl.status.paused': 'Paused',
    'cl.status.ended': 'Ended',
    'cl.notLive.scheduled': 'The campaign has not started; come back when it does',
    'cl.notLive.paused': 'The campaign is paused; please come back later',
    'cl.notLive.ended': 'The campaign has ended. Thank you!',
    'cl.coupons': 'Coupons',
    'cl.noCoupons': 'No coupons to claim in this campaign',
    'cl.left': '{n} left',
    'cl.unlimited': 'Plenty left',
    'cl.soldOut': 'All claimed',
    'cl.claim': 'Claim',
    'cl.claiming': 'Claiming…',
    'cl.claimed': 'Claimed',
    'cl.loginToClaim': 'Sign in to claim',
    'cl.claimedToast': 'Claimed: it is in your coupons',
    'cl.goWallet': 'My coupons',
    'cl.selected': 'This campaign is for selected members',
    'cl.prizes': 'Prizes',
    'cl.prizeGone': 'All won',
    'cl.samples': 'Free samples',
    'cl.sampleLeft': '{n} left',
    'cl.shipping': 'Shipping ¥{n}',
    'cl.freeShipping': 'Free shipping',
    'cl.events': 'Store events',
    'cl.seats': '{n} seats, {r} signed up',
    'cl.fair': 'Fair-draw commitment (seed hash)',
    'tp.campaignCta': 'See the campaign and claim',
    'tp.campaignSub': 'This code is part of a campaign: see what you can claim',
  },
});

const yuan = (fen) => {
  const v = (Number(fen) || 0) / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0$/, '');
};

/** The big figure of a coupon and the line under it. */
export function benefit(c) {
  if (c.kind === 'cash') return { big: '¥' + yuan(c.value_fen), sub: c.min_spend_fen > 0 ? t('cw.minSpend', { n: yuan(c.min_spend_fen) }) : t('cw.noLimit') };
  if (c.kind === 'discount') {
    const n = lang.value === 'en' ? 100 - c.discount_pct : String(c.discount_pct / 10).replace(/\.0$/, '');
    return { big: t('coupon.discount', { n }), sub: c.min_spend_fen > 0 ? t('cw.minSpend', { n: yuan(c.min_spend_fen) }) : t('cw.noLimit') };
  }
  return { big: t('coupon.kind.' + c.kind), sub: c.gift_name || '' };
}

const CODE_RE = /^[2-9A-HJ-NP-Z]{12}$/;
const normCode = (s) => String(s || '').toUpperCase().replace(/[\s-]/g, '');
const groupCode = (s) => String(s || '').replace(/(.{4})(?=.)/g, '$1 ');

export function couponScreens(state) {
  const CouponCard = {
    props: { c: Object, showStatus: Boolean },
    emits: ['open'],
    setup(props) {
      const b = computed(() => benefit(props.c));
      return { b, t, fmtDate };
    },
    template: `
      <button type="button" class="cw-card" :class="['k-' + c.kind, 's-' + c.status]" @click="$emit('open', c)" :data-coupon="c.id" :data-status="c.status">
        <div class="cw-stub"><b>{{ b.big }}</b><small>{{ b.sub }}</small></div>
        <div class="cw-main">
          <div class="cw-name">{{ c.name }}</div>
          <div class="cw-brand">{{ c.brand_name }}<template v-if="c.campaign_name"> · {{ c.campaign_name }}</template></div>
          <div class="cw-valid" v-if="c.status === 'redeemed' && c.redeemed_at">{{ t('cw.usedAt', { d: fmtDate(c.redeemed_at) }) }}</div>
          <div class="cw-valid" v-else-if="c.status === 'expired' && c.valid_to">{{ t('cw.expiredAt', { d: fmtDate(c.valid_to) }) }}</div>
          <div class="cw-valid" v-else-if="c.valid_to">{{ t('cw.validTo', { d: fmtDate(c.valid_to) }) }}</div>
        </div>
        <span v-if="c.status !== 'issued'" class="cw-stamp">{{ t('cw.stamp.' + c.status) }}</span>
        <span v-else class="cw-go"><hh-icon name="chevronRight" :size="18" /></span>
      </button>`,
  };

  /* ---------------------------------------------------------------- wallet */
  const WalletPage = {
    components: { CouponCard },
    setup() {
      const tab = ref('issued');
      const data = reactive({ items: [], counts: { issued: 0, redeemed: 0, expired: 0 }, loading: true, error: '' });
      let seq = 0;
      async function load() {
        const my = ++seq;
        data.loading = true; data.error = '';
        try {
          const r = await api.get('/api/member/coupons', { status: tab.value, limit: 200 });
          if (my !== seq) return;
          data.items = r.items || [];
          data.counts = r.counts || data.counts;
        } catch (e) {
          if (my === seq) data.error = e.message || t('cw.loadFailed');
        } finally {
          if (my === seq) data.loading = false;
        }
      }
      watch(tab, load);
      load();

      const code = ref('');
      // a printed code's claim link (#/wallet?code=…) fills the box
      watch(() => route.query.code, (q) => { if (q) code.value = groupCode(normCode(q)); }, { immediate: true });
      const codeErr = ref('');
      const adding = ref(false);
      async function addCode() {
        codeErr.value = '';
        const c = normCode(code.value);
        if (!c) { codeErr.value = t('cw.needCode'); return; }
        if (!CODE_RE.test(c)) { codeErr.value = t('cw.badCode'); return; }
        adding.value = true;
        try {
          const res = await api.post('/api/member/coupons', { code: c });
          toast.success(t('cw.added', { name: res.name }));
          code.value = '';
          if (route.query.code) navigate('/wallet');
          tab.value === 'issued' ? load() : (tab.value = 'issued');
          open(res);
        } catch (e) {
          codeErr.value = e.message;
        } finally {
          adding.value = false;
        }
      }

      const detail = reactive({ open: false, c: null, big: false });
      function open(c) { detail.c = c; detail.open = true; }
      const where = (c) => {
        const brands = (c.valid_brands || []).map((b) => b.name).join('、');
        return c.store_count ? t('cw.someStores', { brands, n: c.store_count }) : t('cw.allStores', { brands });
      };
      const tabs = computed(() => ['issued', 'redeemed', 'expired'].map((k) => ({ k, n: data.counts[k] || 0 })));
      return { tab, tabs, data, load, code, codeErr, adding, addCode, detail, open, where, benefit, groupCode, t, fmtDate, fmtDateTime };
    },
    template: `
      <div class="m-app mh-wallet">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" href="#/me" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ t('cw.title') }}</h1>
          <span class="m-header-right"><hh-lang-switch compact /></span>
        </header>
        <div class="m-body">
          <form class="m-card m-card-pad cw-add" @submit.prevent="addCode" novalidate data-test="add-code">
            <div class="cw-add-head"><b>{{ t('cw.addCode') }}</b><small>{{ t('cw.addCodeSub') }}</small></div>
            <div class="cw-add-row" :class="{ 'has-error': !!codeErr }">
              <input class="hh-input mono" name="code" v-model="code" :placeholder="t('cw.codePh')" maxlength="20" autocomplete="off" autocapitalize="characters" />
              <button type="submit" class="hh-btn hh-btn-primary" :disabled="adding" data-test="add-code-go">{{ adding ? t('cw.adding') : t('cw.add') }}</button>
            </div>
            <p v-if="codeErr" class="hh-field-error" data-test="code-error">{{ codeErr }}</p>
          </form>

          <div class="cw-tabs" role="tablist">
            <button v-for="x in tabs" :key="x.k" type="button" role="tab" class="cw-tab" :class="{ active: tab === x.k }" :aria-selected="tab === x.k"
                    @click="tab = x.k" :data-tab="x.k">{{ t('cw.tab.' + x.k) }}<span class="cw-count">{{ x.n }}</span></button>
          </div>

          <div v-if="data.loading && !data.items.length" class="cw-loading"><span class="hh-spinner"></span></div>
          <div v-else-if="data.error" class="m-card m-card-pad">
            <hh-empty icon="alert" :title="t('cw.loadFailed')" :text="data.error"><button type="button" class="hh-btn" style="margin-top:12px" @click="load">{{ t('common.retry') }}</button></hh-empty>
          </div>
          <div v-else-if="!data.items.length" class="m-card m-card-pad cw-empty" data-test="wallet-empty">
            <hh-empty icon="gift" :title="t('cw.empty.' + tab)" :text="tab === 'issued' ? t('cw.empty.issuedText') : ''" />
          </div>
          <div v-else class="cw-list" data-test="wallet-list">
            <coupon-card v-for="c in data.items" :key="c.id" :c="c" @open="open" />
          </div>
        </div>

        <hh-drawer :open="detail.open" :title="detail.c ? detail.c.name : ''" :subtitle="detail.c ? detail.c.brand_name : ''" @close="detail.open = false">
          <div v-if="detail.c" class="cw-detail" data-test="coupon-detail">
            <div class="cw-detail-benefit" :class="'k-' + detail.c.kind">
              <b>{{ benefit(detail.c).big }}</b><span>{{ benefit(detail.c).sub }}</span>
            </div>
            <template v-if="detail.c.status === 'issued'">
              <button type="button" class="cw-qr" @click="detail.big = true" :aria-label="t('cw.enlarge')">
                <img :src="detail.c.qr_url" :alt="t('cw.code')" data-test="coupon-qr" />
              </button>
              <p class="cw-code mono" data-test="coupon-code">{{ groupCode(detail.c.code) }}</p>
              <p class="cw-hint">{{ t('cw.showSub') }}</p>
            </template>
            <div v-else class="hh-alert hh-alert-warn"><hh-icon name="info" /><span>{{ t('cw.stamp.' + detail.c.status) }}<template v-if="detail.c.redeemed_at"> · {{ fmtDateTime(detail.c.redeemed_at) }}</template></span></div>
            <ul class="m-list cw-facts">
              <li><span class="m-li-icon"><hh-icon name="clock" /></span><div class="m-li-main">
                <div class="m-li-title">{{ detail.c.valid_to ? t('cw.validWindow', { from: fmtDate(detail.c.valid_from), to: fmtDate(detail.c.valid_to) }) : '—' }}</div></div></li>
              <li><span class="m-li-icon"><hh-icon name="store" /></span><div class="m-li-main">
                <div class="m-li-title">{{ where(detail.c) }}</div>
                <div class="m-li-sub" v-if="(detail.c.valid_stores || []).length">
                  <div v-for="s in detail.c.valid_stores.slice(0, 5)" :key="s.id">{{ s.name }}<template v-if="s.address"> · {{ s.address }}</template></div>
                  <div v-if="detail.c.store_count > 5">{{ t('cw.moreStores', { n: detail.c.store_count }) }}</div>
                </div></div></li>
              <li v-if="detail.c.description"><span class="m-li-icon"><hh-icon name="info" /></span><div class="m-li-main"><div class="m-li-sub">{{ detail.c.description }}</div></div></li>
              <li v-if="detail.c.campaign_name"><span class="m-li-icon"><hh-icon name="spark" /></span><div class="m-li-main">
                <a class="m-li-title" :href="'#/c/' + detail.c.campaign_id">{{ t('cw.fromCampaign', { name: detail.c.campaign_name }) }}</a></div></li>
            </ul>
          </div>
        </hh-drawer>
        <m-qr-full :open="detail.big" :src="detail.c ? detail.c.qr_url : ''" :title="detail.c ? detail.c.name : ''"
                   :subtitle="detail.c ? groupCode(detail.c.code) : ''" @close="detail.big = false" />
      </div>`,
  };

  /* -------------------------------------------------------- campaign landing */
  const CampaignPage = {
    props: { id: String },
    setup(props) {
      const c = ref(null);
      const loading = ref(true);
      const missing = ref(false);
      const error = ref('');
      const busy = ref(0);
      async function load() {
        loading.value = !c.value; error.value = ''; missing.value = false;
        try {
          c.value = await api.get('/api/member/campaigns/' + encodeURIComponent(props.id));
        } catch (e) {
          if (e.status === 404) missing.value = true; else error.value = e.message;
        } finally {
          loading.value = false;
        }
      }
      watch(() => props.id, () => { c.value = null; load(); }, { immediate: true });
      const tpCode = computed(() => route.query.tp
        || (state.touchpoint && String(state.touchpoint.campaign_id) === String(props.id) ? state.touchpoint.code : undefined));
      const loginHref = computed(() => '#/login?from=' + encodeURIComponent('c/' + props.id));
      async function claim(x) {
        if (!state.member) { location.hash = loginHref.value; return; }
        busy.value = x.id;
        try {
          const body = { template_id: x.id };
          if (tpCode.value) body.touchpoint_code = tpCode.value;
          await api.post('/api/member/coupons', body);
          toast.success(t('cl.claimedToast'));
          await load();
        } catch (e) {
          toast.error(e.message);
          await load();
        } finally {
          busy.value = 0;
        }
      }
      const validity = (x) => (x.validity === 'relative' ? t('coupon.relative', { n: x.valid_days })
        : t('cw.validWindow', { from: fmtDate(x.valid_from), to: fmtDate(x.valid_to) }));
      const held = (x) => x.held > 0;
      return { c, loading, missing, error, busy, load, claim, validity, held, loginHref, state, benefit, t, fmtDate, fmtDateTime, fmtNumber, yuan };
    },
    template: `
      <div class="m-app mh-campaign">
        <div v-if="loading" class="m-boot"><span class="hh-spinner"></span></div>
        <template v-else-if="missing">
          <section class="mh-hero mh-hero-muted">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">活</span></div><hh-lang-switch compact /></div>
            <h1 data-test="campaign-missing">{{ t('cl.notFound') }}</h1>
            <p class="mh-hero-text">{{ t('cl.notFoundText') }}</p>
            <div class="mh-hero-glow" aria-hidden="true"></div>
          </section>
          <div class="m-body mh-landing-body"><a href="#/" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block">{{ t('member.tp.goHome') }}</a></div>
        </template>
        <div v-else-if="error" class="m-body" style="justify-content:center">
          <hh-empty icon="alert" :title="t('cl.loadFailed')" :text="error"><button type="button" class="hh-btn" style="margin-top:12px" @click="load">{{ t('common.retry') }}</button></hh-empty>
        </div>
        <template v-else-if="c">
          <section class="mh-hero" :class="{ 'mh-hero-muted': c.status_now !== 'live' }">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">{{ c.brand.name.slice(0, 1) }}</span></div><hh-lang-switch compact /></div>
            <span class="mh-chip-light" data-test="campaign-status" :data-status="c.status_now"><m-icon name="sparkle" :size="14" />{{ c.brand.name }} · {{ t('cl.status.' + c.status_now) }}</span>
            <h1 data-test="campaign-name">{{ c.name }}</h1>
            <p class="mh-hero-text" v-if="c.description">{{ c.description }}</p>
            <p class="cl-window">{{ t('cl.window', { from: fmtDateTime(c.starts_at), to: fmtDateTime(c.ends_at) }) }}</p>
            <div class="mh-hero-glow" aria-hidden="true"></div>
          </section>
          <div class="m-body mh-landing-body">
            <div v-if="c.status_now !== 'live'" class="hh-alert hh-alert-warn" data-test="campaign-not-live"><hh-icon name="info" /><span>{{ t('cl.notLive.' + c.status_now) }}</span></div>
            <div v-else-if="c.for_selected_members" class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ t('cl.selected') }}</span></div>

            <section class="m-card m-card-pad">
              <h3 class="mh-section-h">{{ t('cl.coupons') }}</h3>
              <p v-if="!c.coupons.length" class="muted" data-test="no-coupons">{{ t('cl.noCoupons') }}</p>
              <div class="cl-coupons" data-test="campaign-coupons">
                <div v-for="x in c.coupons" :key="x.id" class="cl-coupon" :class="'k-' + x.kind" :data-template="x.id">
                  <div class="cw-stub"><b>{{ benefit(x).big }}</b><small>{{ benefit(x).sub }}</small></div>
                  <div class="cl-coupon-main">
                    <div class="cw-name">{{ x.name }}</div>
                    <div class="cw-valid">{{ validity(x) }}</div>
                    <div class="cl-left" :class="{ out: x.remaining === 0 }">{{ x.remaining === null ? t('cl.unlimited') : x.remaining === 0 ? t('cl.soldOut') : t('cl.left', { n: fmtNumber(x.remaining) }) }}</div>
                  </div>
                  <div class="cl-coupon-act">
                    <span v-if="held(x) && !x.can_claim" class="hh-tag hh-tag-success" data-test="claimed-tag">{{ t('cl.claimed') }}</span>
                    <button v-else-if="!state.member" type="button" class="hh-btn hh-btn-primary hh-btn-sm" :disabled="c.status_now !== 'live' || x.remaining === 0" @click="claim(x)" data-test="login-to-claim">{{ t('cl.loginToClaim') }}</button>
                    <button v-else type="button" class="hh-btn hh-btn-primary hh-btn-sm" :disabled="!x.can_claim || busy === x.id" @click="claim(x)" data-test="claim">{{ busy === x.id ? t('cl.claiming') : t('cl.claim') }}</button>
                  </div>
                </div>
              </div>
              <a v-if="state.member && c.coupons.some(held)" href="#/wallet" class="hh-btn hh-btn-block cl-wallet" data-test="go-wallet"><hh-icon name="gift" /> {{ t('cl.goWallet') }}</a>
            </section>

            <section v-if="c.prizes.length" class="m-card m-card-pad" data-test="campaign-prizes">
              <h3 class="mh-section-h">{{ t('cl.prizes') }}</h3>
              <ul class="cl-rows">
                <li v-for="p in c.prizes" :key="p.id" :class="{ out: !p.available }"><m-icon name="gift" :size="18" /><span>{{ p.name }}</span>
                  <small v-if="p.value_fen">¥{{ yuan(p.value_fen) }}</small><small v-if="!p.available">{{ t('cl.prizeGone') }}</small></li>
              </ul>
            </section>
            <section v-if="c.samples.length" class="m-card m-card-pad" data-test="campaign-samples">
              <h3 class="mh-section-h">{{ t('cl.samples') }}</h3>
              <ul class="cl-rows">
                <li v-for="s in c.samples" :key="s.id"><m-icon name="box" :size="18" /><span>{{ s.name }}</span>
                  <small>{{ t('cl.sampleLeft', { n: s.remaining }) }} · {{ s.shipping_fee_fen ? t('cl.shipping', { n: yuan(s.shipping_fee_fen) }) : t('cl.freeShipping') }}</small></li>
              </ul>
            </section>
            <section v-if="c.events.length" class="m-card m-card-pad" data-test="campaign-events">
              <h3 class="mh-section-h">{{ t('cl.events') }}</h3>
              <ul class="cl-rows">
                <li v-for="e in c.events" :key="e.id"><m-icon name="calendar" :size="18" />
                  <span>{{ e.title }}<small class="cl-sub">{{ fmtDateTime(e.starts_at) }} · {{ e.store.name }}</small></span>
                  <small>{{ t('cl.seats', { n: e.capacity, r: e.registered }) }}</small></li>
              </ul>
            </section>
            <p v-if="c.seed_commitment" class="m-footnote cl-fair">{{ t('cl.fair') }}<br /><span class="mono">{{ c.seed_commitment }}</span></p>
          </div>
        </template>
      </div>`,
  };

  /** The wallet entry on the member centre: how many usable coupons. */
  const WalletEntry = {
    setup() {
      const n = ref(null);
      api.get('/api/member/coupons', { status: 'issued', limit: 1 }).then((r) => { n.value = r.counts ? r.counts.issued : r.total; }).catch(() => {});
      return { n, t };
    },
    template: `
      <a class="m-card cw-entry" href="#/wallet" data-test="wallet-entry">
        <span class="cw-entry-icon"><m-icon name="gift" :size="22" /></span>
        <span class="cw-entry-main"><b>{{ t('cw.entry') }}</b><small>{{ n ? t('cw.entrySub', { n }) : t('cw.entryNone') }}</small></span>
        <span v-if="n" class="cw-entry-count" data-test="wallet-count">{{ n }}</span>
        <hh-icon name="chevronRight" :size="18" />
      </a>`,
  };

  return { WalletPage, CampaignPage, WalletEntry };
}
