// app.js — the member H5 (/m/), opened by scanning a QR code.
// Landing (the enterprise and its brands) → phone + SMS code → Me.
// The enterprise comes from ?e=<id> in the URL (default: the first one).

import { createApp, reactive, computed, ref, onBeforeUnmount } from 'vue';
import { api, onUnauthenticated } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useShared, useForm, toast, confirmDialog } from '/shared/components.js';
import { route, navigate } from '/shared/router.js';
import { fmtDate } from '/shared/format.js';
import './messages.js';

const entParam = new URLSearchParams(location.search).get('e') || route.query.e || null;

const state = reactive({
  ready: false,
  context: null,
  contextError: '',
  member: null,
});

const enterpriseId = () => (state.context && state.context.enterprise ? state.context.enterprise.id : (entParam ? Number(entParam) : undefined));

async function boot() {
  const [ctx, me] = await Promise.allSettled([
    api.get('/api/member/context', entParam ? { e: entParam } : null),
    api.get('/api/member/me', null, { silent401: true }),
  ]);
  if (ctx.status === 'fulfilled') state.context = ctx.value;
  else state.contextError = ctx.reason.message;
  state.member = me.status === 'fulfilled' ? me.value.member : null;
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
    const left = ref(0);          // seconds until a new code may be asked
    const sent = ref(false);
    const sending = ref(false);
    let timer = null;
    function countdown(ms) {
      clearInterval(timer);
      left.value = Math.ceil((ms || 60000) / 1000);
      timer = setInterval(() => { left.value -= 1; if (left.value <= 0) clearInterval(timer); }, 1000);
    }
    onBeforeUnmount(() => clearInterval(timer));
    const phoneOk = (p) => /^\+?\d[\d\s-]{5,19}$/.test(p.trim());

    async function sendCode() {
      form.errors = {}; form.formError = '';
      const phone = form.values.phone.trim();
      if (!phone) { form.errors.phone = t('member.login.needPhone'); return; }
      if (!phoneOk(phone)) { form.errors.phone = t('member.login.badPhone'); return; }
      sending.value = true;
      try {
        const res = await form.run(() => api.post('/api/member/otp', { phone, enterprise_id: enterpriseId() }));
        if (res) {
          sent.value = true;
          countdown(res.resend_after_ms);
          toast.success(t('member.login.sent'));
          setTimeout(() => { const el = document.querySelector('input[name=code]'); el && el.focus(); }, 50);
        } else if (form.errors.phone && /60|秒|second/i.test(form.errors.phone)) {
          sent.value = true;
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
        toast.success(res.created ? t('member.login.welcomeNew') : t('member.login.welcomeBack'));
        navigate('/me');
      }
    }
    return { form, left, sent, sending, sendCode, login, state, t };
  },
  template: `
    <div class="m-app mh-login">
      <header class="m-header">
        <a class="m-header-left hh-icon-btn" href="#/" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
        <h1>{{ t('member.login.title') }}</h1>
        <span class="m-header-right"><hh-lang-switch compact /></span>
      </header>
      <div class="m-body">
        <div class="mh-login-head">
          <h2>{{ t('member.login.heading') }}</h2>
          <p class="muted">{{ t('member.login.sub', { ent: state.context ? state.context.enterprise.name : '' }) }}</p>
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

const Me = {
  setup() {
    async function logout() {
      const ok = await confirmDialog({ title: t('common.logout'), message: t('member.me.logoutConfirm'), okText: t('common.logout') });
      if (!ok) return;
      try { await api.post('/api/member/logout'); } catch (_) { /* gone either way */ }
      state.member = null;
      toast.info(t('member.me.loggedOut'));
      navigate('/');
    }
    return { state, logout, t, fmtDate };
  },
  template: `
    <div class="m-app">
      <section class="mh-me-hero">
        <div class="mh-hero-top">
          <a class="hh-icon-btn mh-back" href="#/" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
          <hh-lang-switch compact />
        </div>
        <div class="mh-me-id">
          <hh-avatar :name="state.member.name || '会'" :size="64" />
          <div>
            <h2>{{ state.member.name || t('member.me.defaultName') }}</h2>
            <p class="mono" data-test="masked-phone">{{ state.member.phone_masked }}</p>
          </div>
        </div>
      </section>
      <div class="m-body mh-me-body">
        <section class="m-card mh-member-card">
          <div class="mh-member-card-top">
            <span>{{ state.context ? state.context.enterprise.name : t('app.name') }}</span>
            <span class="mh-member-badge">{{ t('member.me.member') }}</span>
          </div>
          <div class="mh-member-no">No. {{ String(state.member.id).padStart(8, '0') }}</div>
          <div class="mh-member-since">{{ t('member.me.since', { date: fmtDate(state.member.created_at) }) }}</div>
        </section>
        <section class="m-card">
          <ul class="m-list">
            <li><span class="m-li-icon"><hh-icon name="phone" /></span><span class="m-li-main">{{ t('common.phone') }}</span><span class="m-li-value mono">{{ state.member.phone_masked }}</span></li>
            <li><span class="m-li-icon"><hh-icon name="clock" /></span><span class="m-li-main">{{ t('member.me.joined') }}</span><span class="m-li-value">{{ fmtDate(state.member.created_at) }}</span></li>
            <li><span class="m-li-icon"><hh-icon name="globe" /></span><span class="m-li-main">{{ t('common.language') }}</span><hh-lang-switch compact /></li>
          </ul>
        </section>
        <section class="m-card m-card-pad" v-if="state.context && state.context.brands.length">
          <h3 class="mh-section-h">{{ t('member.landing.brands') }}</h3>
          <div class="m-chips"><span v-for="b in state.context.brands" :key="b.id" class="m-chip">{{ b.name }}</span></div>
        </section>
        <button type="button" class="hh-btn hh-btn-lg hh-btn-block m-danger-btn" @click="logout" data-test="logout"><hh-icon name="logout" /> {{ t('common.logout') }}</button>
      </div>
    </div>`,
};

const App = {
  components: { Landing, Login, Me },
  setup() {
    const view = computed(() => {
      if (!state.ready) return 'loading';
      if (route.path === '/login') return state.member ? 'me' : 'login';
      if (route.path === '/me') return state.member ? 'me' : 'login';
      return 'landing';
    });
    onUnauthenticated(() => {
      if (state.member) toast.error(t('err.unauthenticated'));
      state.member = null;
    });
    boot();
    return { view };
  },
  template: `
    <div v-if="view === 'loading'" class="m-boot"><span class="hh-spinner"></span></div>
    <div v-else-if="view === 'landing'" class="m-app"><landing /></div>
    <login v-else-if="view === 'login'" />
    <me v-else />
    <hh-toasts />
    <hh-confirm-host />`,
};

useShared(createApp(App)).mount('#app');
