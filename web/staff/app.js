// app.js — the staff app (/staff/), used on a phone at the counter.
// Tabs: Home (the counter tiles, my counter QR, my store), My store
// (colleagues), Me (profile, password, language, logout). The counter screens
// (register, look up, my members — counter.js) open from the Home tiles as
// full screens with a back button (PAGES). New features get a tab, a tile or
// a page once they work — no placeholders.

import { createApp, reactive, computed, ref, watch } from 'vue';
import { api, onUnauthenticated } from '/shared/api.js';
import { t, lang, setLang, LANGS } from '/shared/i18n.js';
import { useShared, toast, confirmDialog } from '/shared/components.js';
import { route, navigate } from '/shared/router.js';
import { timeZone, fmtDate, fmtNumber } from '/shared/format.js';
import { useMobileKit } from '/shared/mobile-kit.js';
import { counterScreens } from './counter.js';
import { redeemScreens } from './redeem.js';
import { rewardScreens } from './receipts.js';
import './messages.js';

const state = reactive({
  ready: false,
  account: null,
  enterprise: null,
  me: null,        // my staff record
  store: null,     // my store
  colleagues: [],
  colleaguesTotal: 0,
  myMembersTotal: null,
  loadError: '',
});

const { RegisterPage, LookupPage, MembersPage, CounterQr } = counterScreens(state);
const { RedeemPage, RedemptionsPage } = redeemScreens(state);
const { CheckinPage, ReviewPage } = rewardScreens(state);

async function loadMe() {
  try {
    const me = await api.get('/api/auth/me', null, { silent401: true });
    state.account = me.account;
    state.enterprise = me.enterprise;
    if (me.enterprise && me.enterprise.timezone) timeZone.value = me.enterprise.timezone;
  } catch (e) {
    state.account = null;
    if (e.status !== 401) state.loadError = e.message;
  }
  state.ready = true;
  if (state.account && state.account.role === 'staff') loadStore();
}

async function loadStore() {
  state.loadError = '';
  try {
    const a = state.account;
    if (a.staff_id) state.me = await api.get(`/api/staff/${a.staff_id}`);
    const storeId = a.store_id || (state.me && state.me.store_id);
    if (storeId) {
      const [store, staff] = await Promise.all([
        api.get(`/api/stores/${storeId}`),
        api.get('/api/staff', { store_id: storeId, limit: 200 }),
      ]);
      state.store = store;
      state.colleagues = staff.items || [];
      state.colleaguesTotal = staff.total ?? state.colleagues.length;
    }
  } catch (e) {
    state.loadError = e.message;
  }
}

async function loadMyMembersTotal() {
  try {
    const res = await api.get('/api/counter/members', { limit: 1 });
    state.myMembersTotal = res.total;
  } catch (_) { /* the tile shows no number */ }
}

function clear() {
  Object.assign(state, { account: null, enterprise: null, me: null, store: null, colleagues: [], colleaguesTotal: 0, myMembersTotal: null });
}

async function logout() {
  const ok = await confirmDialog({ title: t('common.logout'), message: t('staff.me.logoutConfirm'), okText: t('common.logout') });
  if (!ok) return;
  try { await api.post('/api/auth/logout'); } catch (_) { /* gone either way */ }
  clear();
  navigate('/home');
}

const StoreCard = {
  props: { store: Object, compact: Boolean },
  setup() { return { t }; },
  template: `
    <section class="m-card m-card-pad store-card" data-test="store-card">
      <div class="store-card-top">
        <span class="store-card-icon"><hh-icon name="store" :size="22" /></span>
        <div class="store-card-main">
          <h3>{{ store.name }}</h3>
          <p>{{ store.retailer }}</p>
        </div>
      </div>
      <dl class="hh-kv store-kv">
        <dt>{{ t('staff.store.city') }}</dt><dd>{{ [store.province !== store.city ? store.province : '', store.city].filter(Boolean).join(' · ') || '—' }}</dd>
        <template v-if="!compact">
          <dt>{{ t('staff.store.address') }}</dt><dd>{{ store.address || '—' }}</dd>
          <dt>{{ t('staff.store.counter') }}</dt><dd class="mono">{{ store.counter_code || '—' }}</dd>
        </template>
        <dt>{{ t('staff.store.brands') }}</dt>
        <dd><div class="m-chips"><span v-for="b in store.brands || []" :key="b.id" class="m-chip">{{ b.name }}</span>
          <span v-if="!(store.brands || []).length" class="muted">—</span></div></dd>
      </dl>
    </section>`,
};

const HomeTab = {
  components: { StoreCard, CounterQr },
  setup() {
    const hour = new Date().getHours();
    const greet = computed(() => t(hour < 11 ? 'staff.home.morning' : hour < 18 ? 'staff.home.afternoon' : 'staff.home.evening'));
    loadMyMembersTotal();
    return { state, greet, t, fmtDate, fmtNumber };
  },
  template: `
    <div class="m-body">
      <section class="m-hero staff-hero">
        <div class="staff-hero-row">
          <hh-avatar :name="(state.me && state.me.name) || state.account.name" :size="52" />
          <div>
            <h2>{{ t('staff.home.hello', { greet, name: (state.me && state.me.name) || state.account.name || state.account.login }) }}</h2>
            <p>{{ [state.me && state.me.title, state.store && state.store.name].filter(Boolean).join(' · ') }}</p>
          </div>
        </div>
        <div class="staff-hero-stats">
          <div><b data-test="my-members-count">{{ state.myMembersTotal === null ? '—' : fmtNumber(state.myMembersTotal) }}</b><span>{{ t('staff.home.myMembers') }}</span></div>
          <div><b>{{ state.colleaguesTotal }}</b><span>{{ t('staff.home.colleagues') }}</span></div>
          <div><b class="mono">{{ (state.me && state.me.employee_no) || '—' }}</b><span>{{ t('staff.home.employeeNo') }}</span></div>
        </div>
      </section>
      <div v-if="state.loadError" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ state.loadError }}</span></div>
      <nav class="cm-tiles" :aria-label="t('staff.home.counter')">
        <a href="#/register" class="cm-tile cm-tile-main" data-tile="register">
          <span class="cm-tile-icon"><m-icon name="userPlus" :size="28" /></span>
          <span class="cm-tile-text"><b>{{ t('staff.tile.register') }}</b><small>{{ t('staff.tile.registerSub') }}</small></span>
          <hh-icon name="chevronRight" class="cm-tile-go" />
        </a>
        <a href="#/redeem" class="cm-tile cm-tile-main cm-tile-redeem" data-tile="redeem">
          <span class="cm-tile-icon t4"><m-icon name="scan" :size="28" /></span>
          <span class="cm-tile-text"><b>{{ t('rd.tile') }}</b><small>{{ t('rd.tileSub') }}</small></span>
          <hh-icon name="chevronRight" class="cm-tile-go" />
        </a>
        <a href="#/lookup" class="cm-tile" data-tile="lookup">
          <span class="cm-tile-icon t2"><m-icon name="scan" :size="24" /></span>
          <span class="cm-tile-text"><b>{{ t('staff.tile.lookup') }}</b><small>{{ t('staff.tile.lookupSub') }}</small></span>
        </a>
        <a href="#/members" class="cm-tile" data-tile="members">
          <span class="cm-tile-icon t3"><m-icon name="users" :size="24" /></span>
          <span class="cm-tile-text"><b>{{ t('staff.tile.members') }}</b><small>{{ state.myMembersTotal ? t('staff.tile.membersN', { n: fmtNumber(state.myMembersTotal) }) : t('staff.tile.membersSub') }}</small></span>
        </a>
        <a href="#/redemptions" class="cm-tile cm-tile-wide" data-tile="redemptions">
          <span class="cm-tile-icon t4"><m-icon name="calendar" :size="22" /></span>
          <span class="cm-tile-text"><b>{{ t('rd.todayTile') }}</b><small>{{ t('rd.todayTileSub') }}</small></span>
          <hh-icon name="chevronRight" class="muted" />
        </a>
        <a href="#/checkin" class="cm-tile" data-tile="checkin">
          <span class="cm-tile-icon t3"><m-icon name="calendar" :size="24" /></span>
          <span class="cm-tile-text"><b>{{ t('staff.tile.checkin') }}</b><small>{{ t('staff.tile.checkinSub') }}</small></span>
        </a>
        <a href="#/receipts" class="cm-tile" data-tile="receipts">
          <span class="cm-tile-icon t2"><m-icon name="clipboard" :size="24" /></span>
          <span class="cm-tile-text"><b>{{ t('staff.tile.receipts') }}</b><small>{{ t('staff.tile.receiptsSub') }}</small></span>
        </a>
      </nav>
      <counter-qr />
      <section class="m-card">
        <div class="m-grid">
          <a href="#/store"><span class="m-grid-icon g1"><hh-icon name="store" :size="22" /></span>{{ t('staff.tab.store') }}</a>
          <a href="#/store"><span class="m-grid-icon g2"><hh-icon name="staff" :size="22" /></span>{{ t('staff.home.team') }}</a>
          <a href="#/me"><span class="m-grid-icon g3"><hh-icon name="id" :size="22" /></span>{{ t('staff.home.profile') }}</a>
          <a href="#/me?pw=1"><span class="m-grid-icon g4"><hh-icon name="key" :size="22" /></span>{{ t('pw.title') }}</a>
        </div>
      </section>
      <div class="m-section-title">{{ t('staff.home.myStore') }}</div>
      <store-card v-if="state.store" :store="state.store" />
      <hh-empty v-else-if="!state.loadError" icon="store" :title="t('common.loading')" />
      <p class="m-footnote">{{ state.enterprise ? state.enterprise.name : '' }}</p>
    </div>`,
};

const StoreTab = {
  components: { StoreCard },
  setup() {
    const q = ref('');
    const shown = computed(() => {
      const s = q.value.trim().toLowerCase();
      return state.colleagues.filter((c) => !s || [c.name, c.title, c.employee_no].some((x) => String(x || '').toLowerCase().includes(s)));
    });
    return { state, q, shown, t };
  },
  template: `
    <div class="m-body">
      <store-card v-if="state.store" :store="state.store" />
      <section class="m-card">
        <div class="m-card-title">{{ t('staff.store.team') }} <small>{{ t('staff.store.teamCount', { n: state.colleaguesTotal }) }}</small></div>
        <div class="staff-search hh-input-icon" v-if="state.colleagues.length > 6">
          <hh-icon name="search" :size="16" /><input class="hh-input" type="search" v-model="q" :placeholder="t('staff.store.searchTeam')" />
        </div>
        <ul class="m-list" data-test="colleagues">
          <li v-for="c in shown" :key="c.id">
            <hh-avatar :name="c.name" :size="40" />
            <div class="m-li-main">
              <div class="m-li-title">{{ c.name }}
                <span v-if="state.me && c.id === state.me.id" class="hh-tag hh-tag-primary">{{ t('staff.store.me') }}</span></div>
              <div class="m-li-sub">{{ [c.title, c.employee_no].filter(Boolean).join(' · ') || '—' }}</div>
            </div>
            <span class="m-li-value mono">{{ c.phone_masked || '' }}</span>
          </li>
          <li v-if="!shown.length"><hh-empty icon="staff" :title="t('common.noMatch')" style="width:100%" /></li>
        </ul>
      </section>
    </div>`,
};

const MeTab = {
  setup() {
    const pwOpen = ref(route.query.pw === '1');
    watch(() => route.query.pw, (v) => { if (v === '1') pwOpen.value = true; });
    const closePw = () => { pwOpen.value = false; if (route.query.pw) navigate('/me'); };
    return { state, t, lang, setLang, LANGS, logout, pwOpen, closePw, api };
  },
  template: `
    <div class="m-body">
      <section class="m-card m-card-pad me-card">
        <hh-avatar :name="(state.me && state.me.name) || state.account.name" :size="60" />
        <div>
          <h3 data-test="me-name">{{ (state.me && state.me.name) || state.account.name }}</h3>
          <p class="muted">{{ t('role.' + state.account.role) }}<template v-if="state.me && state.me.title"> · {{ state.me.title }}</template></p>
        </div>
      </section>
      <section class="m-card">
        <ul class="m-list">
          <li><span class="m-li-main">{{ t('staff.me.login') }}</span><span class="m-li-value mono">{{ state.account.login }}</span></li>
          <li><span class="m-li-main">{{ t('staff.home.employeeNo') }}</span><span class="m-li-value mono">{{ (state.me && state.me.employee_no) || '—' }}</span></li>
          <li><span class="m-li-main">{{ t('common.phone') }}</span><span class="m-li-value mono">{{ (state.me && state.me.phone_masked) || '—' }}</span></li>
          <li><span class="m-li-main">{{ t('staff.me.store') }}</span><span class="m-li-value">{{ state.store ? state.store.name : '—' }}</span></li>
        </ul>
      </section>
      <section class="m-card">
        <ul class="m-list">
          <li><button type="button" class="m-li-btn" @click="pwOpen = true" data-test="change-password">
            <span class="m-li-icon"><hh-icon name="key" /></span><span class="m-li-main">{{ t('pw.title') }}</span><hh-icon name="chevronRight" class="muted" /></button></li>
          <li><span class="m-li-icon"><hh-icon name="globe" /></span><span class="m-li-main">{{ t('common.language') }}</span><hh-lang-switch compact /></li>
        </ul>
      </section>
      <button type="button" class="hh-btn hh-btn-lg hh-btn-block m-danger-btn" @click="logout" data-test="logout"><hh-icon name="logout" /> {{ t('common.logout') }}</button>
      <p class="m-footnote">{{ state.enterprise ? state.enterprise.name : '' }} · {{ t('app.name') }}</p>
      <hh-drawer :open="pwOpen" :title="t('pw.title')" @close="closePw">
        <hh-password-form :api="api" @done="closePw" />
      </hh-drawer>
    </div>`,
};

const TABS = [
  { path: '/home', label: 'staff.tab.home', icon: 'home', page: HomeTab },
  { path: '/store', label: 'staff.tab.store', icon: 'store', page: StoreTab },
  { path: '/me', label: 'staff.tab.me', icon: 'user', page: MeTab },
];

// Full screens opened from Home: a header with a back button, no tab bar.
const PAGES = [
  { path: '/register', title: 'staff.tile.register', page: RegisterPage },
  { path: '/lookup', title: 'staff.tile.lookup', page: LookupPage },
  { path: '/members', title: 'staff.tile.members', page: MembersPage },
  { path: '/redeem', title: 'rd.tile', page: RedeemPage },
  { path: '/redemptions', title: 'rd.todayTile', page: RedemptionsPage },
  { path: '/checkin', title: 'staff.tile.checkin', page: CheckinPage },
  { path: '/receipts', title: 'staff.tile.receipts', page: ReviewPage },
];

const App = {
  setup() {
    const view = computed(() => {
      if (!state.ready) return 'loading';
      if (!state.account) return 'login';
      if (state.account.role !== 'staff') return 'notStaff';
      return 'app';
    });
    const tab = computed(() => TABS.find((x) => x.path === route.path) || TABS[0]);
    const sub = computed(() => PAGES.find((x) => x.path === route.path) || null);
    async function onLogin() {
      state.ready = false;
      await loadMe();
      navigate('/home');
    }
    async function leave() {
      try { await api.post('/api/auth/logout'); } catch (_) { /* ignore */ }
      clear();
    }
    onUnauthenticated(() => {
      if (state.account) toast.error(t('err.unauthenticated'));
      clear();
    });
    loadMe();
    return { state, view, tab, sub, TABS, onLogin, leave, api, t };
  },
  template: `
    <div v-if="view === 'loading'" class="m-boot"><span class="hh-spinner"></span></div>
    <div v-else-if="view === 'login'" class="m-app staff-login">
      <div class="staff-login-top">
        <div class="hh-logo"><span class="hh-logo-mark">活</span><span>{{ t('staff.appName') }}</span></div>
        <hh-lang-switch compact />
      </div>
      <div class="staff-login-body">
        <h1>{{ t('staff.login.title') }}</h1>
        <p class="muted">{{ t('staff.login.sub') }}</p>
        <hh-login-form :api="api" large @done="onLogin" />
      </div>
      <p class="m-footnote">{{ t('staff.login.foot') }}</p>
    </div>
    <div v-else-if="view === 'notStaff'" class="m-app">
      <div class="m-body" style="justify-content:center">
        <hh-empty icon="account" :title="t('staff.notStaff.title')" :text="t('staff.notStaff.text')">
          <div class="m-btn-row" style="justify-content:center;margin-top:16px">
            <a class="hh-btn hh-btn-primary" href="/admin/">{{ t('staff.notStaff.admin') }}</a>
            <button type="button" class="hh-btn" @click="leave">{{ t('common.logout') }}</button>
          </div>
        </hh-empty>
      </div>
    </div>
    <div v-else-if="sub" class="m-app cm-page" :data-page="sub.path.slice(1)">
      <header class="m-header">
        <a class="m-header-left hh-icon-btn" href="#/home" :aria-label="t('common.back')" data-test="back"><hh-icon name="chevronLeft" :size="22" /></a>
        <h1>{{ t(sub.title) }}</h1>
      </header>
      <component :is="sub.page" :key="sub.path" />
    </div>
    <div v-else class="m-app with-tabs">
      <header class="m-header"><h1>{{ tab.path === '/home' ? (state.store ? state.store.name : t('staff.appName')) : t(tab.label) }}</h1></header>
      <component :is="tab.page" :key="tab.path" />
      <nav class="m-tabbar" :aria-label="t('staff.appName')">
        <a v-for="x in TABS" :key="x.path" :href="'#' + x.path" class="m-tab" :class="{ active: tab.path === x.path }" :data-tab="x.path.slice(1)">
          <hh-icon :name="x.icon" :size="22" /><span>{{ t(x.label) }}</span></a>
      </nav>
    </div>
    <hh-toasts />
    <hh-confirm-host />`,
};

useMobileKit(useShared(createApp(App))).mount('#app');
