// envelopes.js — my red envelopes (我的红包, #/envelopes) in the member H5:
// what I have received and whether it has reached me (pending → paid, or
// failed), and the pools I can claim from now, each opened like a red
// envelope with the amount I got.
//
// envelopeScreens(state) → { EnvelopesPage } bound to the app's state.
// Also exports the helpers the samples screens share (money, styles, the
// "sign in first" card).

import { ref, computed, onMounted } from 'vue';
import { api } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { fmtDateTime } from '/shared/format.js';
import { loadStylesheet } from '/shared/css.js';

export function useMemberRewardStyles() {
  loadStylesheet('/m/rewards.css');
}

/** 1234 fen → "12.34" (the ¥ is drawn apart, larger or smaller) */
export function money(fen) {
  return new Intl.NumberFormat(lang.value === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format((Number(fen) || 0) / 100);
}

/** A card asking to sign in first, coming back here afterwards. */
export const SignInFirst = {
  props: { from: String, title: String },
  setup() { return { t }; },
  template: `
    <section class="m-card m-card-pad mr-signin" data-test="sign-in-first">
      <div class="mr-signin-icon"><m-icon name="gift" :size="28" /></div>
      <h3>{{ title || t('mr.signIn.title') }}</h3>
      <p>{{ t('mr.signIn.text') }}</p>
      <a :href="'#/login?from=' + encodeURIComponent(from)" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="go-login">{{ t('mr.signIn.go') }}</a>
    </section>`,
};

addMessages({
  'zh-CN': {
    'mr.signIn.title': '登录后查看您的权益',
    'mr.signIn.text': '用手机号和短信验证码登录，领取的红包和试用装都会记在您名下。',
    'mr.signIn.go': '手机号登录',
    'mr.benefits': '我的权益',
    'mr.link.envelopesSub': '拆红包，查看到账',
    'mr.env.title': '我的红包',
    'mr.env.total': '累计收到（元）',
    'mr.env.paid': '已到账 ¥{amount}',
    'mr.env.pending': '到账中 ¥{amount}',
    'mr.env.available': '可领取的红包',
    'mr.env.noneAvailable': '暂时没有可领取的红包，留意门店和品牌活动哦',
    'mr.env.history': '领取记录',
    'mr.env.noHistory': '还没有领过红包',
    'mr.env.open': '拆红包',
    'mr.env.opening': '正在拆…',
    'mr.env.state.claimed': '已领取',
    'mr.env.state.sold_out': '已抢光',
    'mr.env.state.scheduled': '未开始',
    'mr.env.state.paused': '活动暂停',
    'mr.env.random': '拼手气红包',
    'mr.env.fixed': '每个 ¥{amount}',
    'mr.env.left': '还剩 {n} 个',
    'mr.env.mine': '您已领 ¥{amount}',
    'mr.env.status.pending': '到账中',
    'mr.env.status.paid': '已到账',
    'mr.env.status.failed': '发放遇到问题',
    'mr.env.failedHint': '我们会尽快处理，如有疑问请联系门店',
    'mr.env.got': '恭喜获得',
    'mr.env.gotFrom': '来自 {brand} · {name}',
    'mr.env.gotNote': '红包已记入您的账户，通常几秒内到账',
    'mr.env.gotOk': '开心收下',
    'mr.env.loadFailed': '加载失败',
  },
  en: {
    'mr.signIn.title': 'Sign in to see your rewards',
    'mr.signIn.text': 'Sign in with your phone number and an SMS code; red envelopes and samples you get are kept under your name.',
    'mr.signIn.go': 'Sign in with phone',
    'mr.benefits': 'My rewards',
    'mr.link.envelopesSub': 'Open them, see them arrive',
    'mr.env.title': 'My red envelopes',
    'mr.env.total': 'Received in all (¥)',
    'mr.env.paid': '¥{amount} paid',
    'mr.env.pending': '¥{amount} on its way',
    'mr.env.available': 'Red envelopes for you',
    'mr.env.noneAvailable': 'Nothing to claim right now — watch for store and brand events',
    'mr.env.history': 'Received',
    'mr.env.noHistory': 'No red envelopes yet',
    'mr.env.open': 'Open',
    'mr.env.opening': 'Opening…',
    'mr.env.state.claimed': 'Claimed',
    'mr.env.state.sold_out': 'All gone',
    'mr.env.state.scheduled': 'Not started',
    'mr.env.state.paused': 'Paused',
    'mr.env.random': 'Lucky money',
    'mr.env.fixed': '¥{amount} each',
    'mr.env.left': '{n} left',
    'mr.env.mine': 'You got ¥{amount}',
    'mr.env.status.pending': 'On its way',
    'mr.env.status.paid': 'Paid',
    'mr.env.status.failed': 'Payout problem',
    'mr.env.failedHint': 'We are on it; ask at the store if you have questions',
    'mr.env.got': 'You got',
    'mr.env.gotFrom': 'from {brand} · {name}',
    'mr.env.gotNote': 'It is in your account and usually arrives within seconds',
    'mr.env.gotOk': 'Great',
    'mr.env.loadFailed': 'Could not load',
  },
});

export function envelopeScreens(state) {
  const EnvelopesPage = {
    components: { SignInFirst },
    setup() {
      useMemberRewardStyles();
      const pools = ref([]);
      const mine = ref({ items: [], total: 0, total_fen: 0, paid_fen: 0, pending_fen: 0 });
      const loading = ref(true);
      const error = ref('');
      const busy = ref(0);
      const claimError = ref({});
      const opened = ref(null);
      let timer = null;
      async function load() {
        if (!state.member) { loading.value = false; return; }
        error.value = '';
        try {
          const [p, m] = await Promise.all([api.get('/api/member/envelope-pools'), api.get('/api/member/envelopes', { limit: 100 })]);
          pools.value = p.items || [];
          mine.value = m;
        } catch (e) {
          error.value = e.message;
        } finally {
          loading.value = false;
        }
        // an envelope on its way usually arrives within seconds: look again
        clearTimeout(timer);
        if (mine.value.items.some((x) => x.status === 'pending')) timer = setTimeout(load, 2500);
      }
      onMounted(load);
      async function claim(p) {
        busy.value = p.id;
        claimError.value = {};
        try {
          const e = await api.post('/api/member/envelopes', { pool_id: p.id });
          opened.value = { ...e, brand_name: p.brand_name };
          await load();
        } catch (e) {
          claimError.value = { [p.id]: e.message };
          await load();
        } finally {
          busy.value = 0;
        }
      }
      const openPools = computed(() => pools.value);
      return { state, pools: openPools, mine, loading, error, busy, claimError, opened, claim, load, money, t, fmtDateTime };
    },
    template: `
      <div class="m-app mr-page" data-test="envelopes-page">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" href="#/me" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ t('mr.env.title') }}</h1>
          <span class="m-header-right"><hh-lang-switch compact /></span>
        </header>
        <div class="m-body">
          <sign-in-first v-if="!state.member" from="envelopes" />
          <div v-else-if="loading" class="m-boot mr-boot"><span class="hh-spinner"></span></div>
          <div v-else-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ t('mr.env.loadFailed') }}：{{ error }}</span>
            <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
          <template v-else>
            <section class="mr-wallet" data-test="wallet">
              <p>{{ t('mr.env.total') }}</p>
              <div class="mr-wallet-amount" data-test="wallet-total">{{ money(mine.total_fen) }}</div>
              <div class="mr-wallet-sub">
                <span>{{ t('mr.env.paid', { amount: money(mine.paid_fen) }) }}</span>
                <span v-if="mine.pending_fen">{{ t('mr.env.pending', { amount: money(mine.pending_fen) }) }}</span>
              </div>
              <div class="mr-wallet-deco" aria-hidden="true"></div>
            </section>

            <h3 class="m-section-title">{{ t('mr.env.available') }}</h3>
            <div v-if="!pools.length" class="m-card m-card-pad mr-empty"><m-icon name="gift" :size="22" /><span>{{ t('mr.env.noneAvailable') }}</span></div>
            <section v-for="p in pools" :key="p.id" class="mr-packet" :class="'is-' + p.state" :data-pool="p.id" :data-state="p.state">
              <div class="mr-packet-seal" aria-hidden="true">{{ p.brand_name.slice(0, 1) }}</div>
              <div class="mr-packet-main">
                <b>{{ p.name }}</b>
                <p>{{ p.brand_name }} · {{ p.mode === 'random' ? t('mr.env.random') : t('mr.env.fixed', { amount: money(p.amount_fen) }) }} · {{ t('mr.env.left', { n: p.count_remaining }) }}</p>
                <p v-if="p.claimed_fen" class="mr-packet-mine">{{ t('mr.env.mine', { amount: money(p.claimed_fen) }) }}</p>
                <p v-if="claimError[p.id]" class="mr-packet-error" role="alert">{{ claimError[p.id] }}</p>
              </div>
              <button v-if="p.state === 'open'" type="button" class="mr-open-btn" :disabled="busy === p.id" @click="claim(p)" data-test="claim">
                {{ busy === p.id ? t('mr.env.opening') : t('mr.env.open') }}</button>
              <span v-else class="mr-packet-state">{{ t('mr.env.state.' + p.state) }}</span>
            </section>

            <h3 class="m-section-title">{{ t('mr.env.history') }}</h3>
            <section class="m-card">
              <ul v-if="mine.items.length" class="m-list" data-test="my-envelopes">
                <li v-for="e in mine.items" :key="e.id" :data-envelope="e.id" :data-status="e.status">
                  <span class="m-li-icon mr-li-red"><m-icon name="gift" :size="18" /></span>
                  <div class="m-li-main">
                    <div class="m-li-title">{{ e.pool_name }}</div>
                    <div class="m-li-sub">{{ e.brand_name }} · {{ fmtDateTime(e.created_at) }}</div>
                    <div v-if="e.status === 'failed'" class="m-li-sub mr-failed">{{ t('mr.env.failedHint') }}</div>
                  </div>
                  <div class="mr-li-right">
                    <b class="mr-amount">¥{{ money(e.amount_fen) }}</b>
                    <span class="mr-status" :class="'is-' + e.status">{{ t('mr.env.status.' + e.status) }}</span>
                  </div>
                </li>
              </ul>
              <div v-else class="mr-empty mr-empty-in"><m-icon name="gift" :size="22" /><span>{{ t('mr.env.noHistory') }}</span></div>
            </section>
          </template>
        </div>

        <transition name="m-fade">
          <div v-if="opened" class="mr-opened" role="dialog" aria-modal="true" data-test="opened" @click.self="opened = null">
            <div class="mr-opened-card">
              <div class="mr-opened-top">
                <p>{{ t('mr.env.got') }}</p>
                <div class="mr-opened-amount"><small>¥</small><span data-test="opened-amount">{{ money(opened.amount_fen) }}</span></div>
                <p class="mr-opened-from">{{ t('mr.env.gotFrom', { brand: opened.brand_name, name: opened.pool_name }) }}</p>
              </div>
              <div class="mr-opened-bottom">
                <p>{{ t('mr.env.gotNote') }}</p>
                <button type="button" class="mr-opened-ok" @click="opened = null" data-test="opened-ok">{{ t('mr.env.gotOk') }}</button>
              </div>
            </div>
          </div>
        </transition>
      </div>`,
  };
  return { EnvelopesPage };
}
