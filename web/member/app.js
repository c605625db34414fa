// app.js — the member H5 (/m/), opened by scanning a QR code.
// Routes (hash):
//   #/            landing (the enterprise and its brands)
//   #/t/<code>    a touchpoint scan (/s/<code> redirects here) — scan.js
//   #/p/<code>    a product code scan (/p/<code> redirects here) — scan.js
//   #/login       phone + SMS code (?from=t/<code> after a scan → #/welcome)
//   #/welcome     "welcome" / "welcome back" after a sign-in from a scan
//   #/me          the member centre — me.js
//   #/envelopes   my red envelopes — envelopes.js
//   #/samples, #/samples/<id>  trial samples — samples.js
//   #/wallet      my coupons; #/c/<id> a campaign's landing — coupons.js
//   #/points      my points: balance, check-in, level, lots, history — points.js
// The enterprise comes from ?e=<id> in the URL, or from the scanned
// touchpoint (default: the first one).

import { createApp, reactive, computed, ref, onBeforeUnmount } from 'vue';
import { api, onUnauthenticated } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useShared, useForm, toast } from '/shared/components.js';
import { route, navigate, resolve } from '/shared/router.js';
import { useMobileKit, startClock, useResendClock, retrySeconds, phoneLooksOk } from '/shared/mobile-kit.js';
import { scanScreens } from './scan.js';
import { meScreen } from './me.js';
import { envelopeScreens } from './envelopes.js';
import { sampleScreens } from './samples.js';
import { receiptScreens } from './receipts.js';
import { couponScreens } from './coupons.js';
import { PointsPage } from './points.js';
import { mallScreens } from './mall.js';
import { lotteryScreen } from './lottery.js';
import './messages.js';

const entParam = new URLSearchParams(location.search).get('e') || route.query.e || null;

const state = reactive({
  ready: false,
  context: null,
  contextError: '',
  member: null,
  memberCode: '',
  addresses: [],
  touchpoint: null,   // the last scanned touchpoint (#/t/<code>)
  welcome: null,      // {created, reactivated, touchpoint} after a sign-in from a scan
});

const enterpriseId = () => {
  if (state.touchpoint && state.touchpoint.enterprise_id) return state.touchpoint.enterprise_id;
  return state.context && state.context.enterprise ? state.context.enterprise.id : (entParam ? Number(entParam) : undefined);
};

async function boot() {
  const [ctx, me] = await Promise.allSettled([
    api.get('/api/member/context', entParam ? { e: entParam } : null),
    api.get('/api/member/me', null, { silent401: true }),
  ]);
  if (ctx.status === 'fulfilled') state.context = ctx.value;
  else state.contextError = ctx.reason.message;
  state.member = me.status === 'fulfilled' ? me.value.member : null;
  state.memberCode = me.status === 'fulfilled' ? me.value.member_code || '' : '';
  state.ready = true;
}

const Landing = {
  setup() { return { state, t }; },
  template: `
    <div class="mh-landing">
      <section class="mh-hero">
        <div class="mh-hero-top">
          <div class="hh-logo"><span class="hh-logo-mark">活</span></div>
          <hh-lang-switch compact />
        </div>
        <p class="mh-hero-kicker">{{ t('member.landing.kicker') }}</p>
        <h1 data-test="enterprise-name">{{ state.context ? state.context.enterprise.name : t('app.name') }}</h1>
        <p class="mh-hero-text">{{ t('member.landing.text') }}</p>
        <div class="mh-hero-glow" aria-hidden="true"></div>
      </section>
      <div class="m-body mh-landing-body">
        <div v-if="state.contextError" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ state.contextError }}</span></div>
        <section class="m-card m-card-pad" v-if="state.context && state.context.brands.length">
          <h3 class="mh-section-h">{{ t('member.landing.brands') }}</h3>
          <ul class="mh-brands" data-test="brands">
            <li v-for="b in state.context.brands" :key="b.id"><hh-avatar :name="b.name" :size="44" first />
              <div><b>{{ b.name }}</b><p v-if="b.description">{{ b.description }}</p></div></li>
          </ul>
        </section>
        <section class="m-card m-card-pad mh-steps">
          <h3 class="mh-section-h">{{ t('member.landing.how') }}</h3>
          <ol>
            <li><span>1</span><div><b>{{ t('member.landing.step1') }}</b><p>{{ t('member.landing.step1t') }}</p></div></li>
            <li><span>2</span><div><b>{{ t('member.landing.step2') }}</b><p>{{ t('member.landing.step2t') }}</p></div></li>
          </ol>
        </section>
        <div class="mh-cta">
          <a v-if="state.member" href="#/me" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="go-me">{{ t('member.landing.welcomeBack', { phone: state.member.phone_masked }) }}</a>
          <a v-else href="#/login" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="go-login">{{ t('member.landing.cta') }}</a>
          <p class="m-footnote">{{ t('member.landing.privacy') }}</p>
        </div>
      </div>
    </div>`,
};

const Login = {
  setup() {
    const form = useForm({ phone: '', code: '' });
    const left = useResendClock(() => form.values.phone);
    const sent = ref(false);
    const sending = ref(false);
    const from = computed(() => (/^(t\/[^/]+|c\/\d+)$/.test(route.query.from || '') ? route.query.from : ''));
    // a page that asked to sign in first (red envelopes, samples, a campaign) is where the member goes back to
    const back = computed(() => (/^(envelopes|samples(\/\d+)?|lottery\/\d+)$/.test(route.query.from || '') ? route.query.from
      : from.value.startsWith('c/') ? from.value : ''));
    const backHref = computed(() => '#/' + (back.value || from.value));

    async function sendCode() {
      form.errors = {}; form.formError = '';
      const phone = form.values.phone.trim();
      if (!phone) { form.errors.phone = t('member.login.needPhone'); return; }
      if (!phoneLooksOk(phone)) { form.errors.phone = t('member.login.badPhone'); return; }
      sending.value = true;
      try {
        const res = await form.run(() => api.post('/api/member/otp', { phone, enterprise_id: enterpriseId() }));
        if (res) {
          sent.value = true;
          startClock(phone, res.resend_after_ms);
          toast.success(t('member.login.sent'));
          setTimeout(() => { const el = document.querySelector('input[name=code]'); el && el.focus(); }, 50);
        } else if (form.errors.phone && retrySeconds(form.errors.phone)) {
          sent.value = true;
          startClock(phone, retrySeconds(form.errors.phone) * 1000);
        }
      } finally {
        sending.value = false;
      }
    }
    async function login() {
      form.errors = {}; form.formError = '';
      const phone = form.values.phone.trim();
      const code = form.values.code.trim();
      if (!phone) form.errors.phone = t('member.login.needPhone');
      if (!code) form.errors.code = t('member.login.needCode');
      if (Object.keys(form.errors).length) return;
      const res = await form.run(() => api.post('/api/member/login', { phone, code, enterprise_id: enterpriseId() }, { silent401: true }));
      if (res) {
        state.member = res.member;
        try {
          const me = await api.get('/api/member/me');
          state.member = me.member;
          state.memberCode = me.member_code || '';
        } catch (_) { /* the login answer is enough to go on */ }
        if (back.value) {
          navigate('/' + back.value);
        } else if (from.value) {
          state.welcome = { created: !!res.created, reactivated: !!res.reactivated, touchpoint: state.touchpoint };
          navigate('/welcome');
        } else {
          toast.success(res.created ? t('member.login.welcomeNew') : res.reactivated ? t('member.login.welcomeReactivated') : t('member.login.welcomeBack'));
          // a page that asked for the sign-in (#/me, #/wallet, #/receipts …) shows now
          if (route.path === '/login' || route.path === '/welcome') navigate('/me');
        }
      }
    }
    return { form, left, sent, sending, sendCode, login, state, from, backHref, t };
  },
  template: `
    <div class="m-app mh-login">
      <header class="m-header">
        <a class="m-header-left hh-icon-btn" :href="backHref" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
        <h1>{{ t('member.login.title') }}</h1>
        <span class="m-header-right"><hh-lang-switch compact /></span>
      </header>
      <div class="m-body">
        <div class="mh-login-head">
          <h2>{{ t('member.login.heading') }}</h2>
          <p class="muted">{{ t('member.login.sub', { ent: from && state.touchpoint ? state.touchpoint.brand.name : state.context ? state.context.enterprise.name : '' }) }}</p>
        </div>
        <div v-if="from && state.touchpoint && state.touchpoint.staff" class="mh-login-host">
          <hh-avatar :name="state.touchpoint.staff.name" :size="34" />
          <span>{{ t('member.tp.serving', { name: state.touchpoint.staff.name }) }}<small v-if="state.touchpoint.store"> · {{ state.touchpoint.store.name }}</small></span>
        </div>
        <form class="hh-form m-card m-card-pad" @submit.prevent="login" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('common.phone')" :error="form.errors.phone" name="phone">
            <div class="mh-phone">
              <span class="mh-cc" v-if="!form.values.phone.trim().startsWith('+')">+86</span>
              <input class="hh-input" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="20"
                     :placeholder="t('member.login.phonePh')" v-model="form.values.phone" />
            </div>
          </hh-field>
          <hh-field :label="t('member.login.code')" :error="form.errors.code" name="code">
            <div class="mh-code">
              <input class="hh-input" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                     :placeholder="t('member.login.codePh')" v-model="form.values.code" />
              <button type="button" class="hh-btn mh-send" :disabled="left > 0 || sending" @click="sendCode" data-test="send-code">
                {{ left > 0 ? t('member.login.resendIn', { s: left }) : sending ? t('member.login.sending') : sent ? t('member.login.resend') : t('member.login.send') }}
              </button>
            </div>
          </hh-field>
          <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="login">
            {{ form.busy ? t('login.submitting') : t('member.login.submit') }}</button>
          <p class="m-footnote">{{ t('member.login.note') }}</p>
        </form>
      </div>
    </div>`,
};

const { TouchpointPage, WelcomePage, ProductPage } = scanScreens(state);
const Me = meScreen(state);
const { EnvelopesPage } = envelopeScreens(state);
const { SamplesPage, SamplePage } = sampleScreens(state);
const { ReceiptsPage, EventsPage } = receiptScreens(state);
const { WalletPage, CampaignPage } = couponScreens(state);
const { MallPage, OrdersPage: MallOrdersPage, InvitePage } = mallScreens();
const LotteryPage = lotteryScreen(state);

const ROUTES = [
  { path: '/t/:code', view: 'touchpoint' },
  { path: '/p/:code', view: 'product' },
  { path: '/login', view: 'login' },
  { path: '/welcome', view: 'welcome' },
  { path: '/me', view: 'me' },
  { path: '/envelopes', view: 'envelopes' },
  { path: '/samples', view: 'samples' },
  { path: '/samples/:id', view: 'sample' },
  { path: '/receipts', view: 'receipts' },
  { path: '/events', view: 'events' },
  { path: '/events/:id', view: 'events' },
  { path: '/wallet', view: 'wallet' },
  { path: '/c/:id', view: 'campaign' },
  { path: '/points', view: 'points' },
  { path: '/mall', view: 'mall', member: true },
  { path: '/mall/orders', view: 'mall-orders', member: true },
  { path: '/invite', view: 'invite', member: true },
  { path: '/lottery/:id', view: 'lottery' },
];

const App = {
  components: { Landing, Login, Me, TouchpointPage, WelcomePage, ProductPage, EnvelopesPage, SamplesPage, SamplePage, ReceiptsPage, EventsPage, WalletPage, CampaignPage, PointsPage, MallPage, MallOrdersPage, InvitePage, LotteryPage },
  setup() {
    const hit = computed(() => resolve(ROUTES, route.path));
    const params = computed(() => (hit.value ? hit.value.params : {}));
    const view = computed(() => {
      if (!state.ready) return 'loading';
      const v = hit.value ? hit.value.route.view : 'landing';
      if (v === 'login' || v === 'me') return state.member ? 'me' : 'login';
      if (v === 'receipts' || v === 'events' || v === 'wallet' || v === 'points') return state.member ? v : 'login';
      if (v === 'welcome') return !state.member ? 'login' : state.welcome ? 'welcome' : 'me';
      if (hit.value && hit.value.route.member && !state.member) return 'login';
      return v;
    });
    onUnauthenticated(() => {
      if (state.member) toast.error(t('err.unauthenticated'));
      state.member = null;
    });
    boot();
    return { view, params, route };
  },
  template: `
    <div v-if="view === 'loading'" class="m-boot"><span class="hh-spinner"></span></div>
    <div v-else-if="view === 'landing'" class="m-app"><landing /></div>
    <touchpoint-page v-else-if="view === 'touchpoint'" :code="params.code" />
    <product-page v-else-if="view === 'product'" :code="params.code" />
    <wallet-page v-else-if="view === 'wallet'" />
    <campaign-page v-else-if="view === 'campaign'" :id="params.id" />
    <lottery-page v-else-if="view === 'lottery'" :id="params.id" />
    <login v-else-if="view === 'login'" />
    <welcome-page v-else-if="view === 'welcome'" />
    <envelopes-page v-else-if="view === 'envelopes'" />
    <samples-page v-else-if="view === 'samples'" />
    <sample-page v-else-if="view === 'sample'" :id="params.id" />
    <receipts-page v-else-if="view === 'receipts'" />
    <events-page v-else-if="view === 'events'" :id="params.id" />
    <points-page v-else-if="view === 'points'" />
    <mall-page v-else-if="view === 'mall'" />
    <mall-orders-page v-else-if="view === 'mall-orders'" />
    <invite-page v-else-if="view === 'invite'" />
    <me v-else />
    <hh-toasts />
    <hh-confirm-host />`,
};

useMobileKit(useShared(createApp(App))).mount('#app');
