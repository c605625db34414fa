// app.js — the admin console (/admin/): login, the shell (left navigation,
// top bar) and the route table. Each screen is a module under pages/; adding
// a screen is one entry in NAV.

import { createApp, computed, ref, onMounted, onBeforeUnmount } from 'vue';
import { api, onUnauthenticated } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useShared, toast } from '/shared/components.js';
import { route, navigate, resolve } from '/shared/router.js';
import { session, loadSession, setSession, clearSession, can } from './session.js';
import './messages.js';
import { HhIcon } from './icons.js';

import OverviewPage from './pages/overview.js';
import BrandsPage from './pages/brands.js';
import StoresPage from './pages/stores.js';
import StaffPage from './pages/staff.js';
import AccountsPage from './pages/accounts.js';
import AuditPage from './pages/audit.js';
import SmsPage from './pages/sms.js';
import MembersPage from './pages/members.js';
import MemberPage from './pages/member.js';
import TagsPage from './pages/tags.js';
import ImportsPage from './pages/imports.js';
import TouchpointsPage from './pages/touchpoints.js';
import ProductCodesPage from './pages/products.js';
import AlertsPage from './pages/alerts.js';
import CampaignsPage from './pages/campaigns.js';
import CouponsPage from './pages/coupons.js';
import EnvelopesPage from './pages/envelopes.js';
import SamplesPage from './pages/samples.js';
import RedemptionsPage from './pages/redemptions.js';
import ReceiptsPage from './pages/receipts.js';
import ActivitiesPage from './pages/activities.js';
import PointsLedgerPage from './pages/points-ledger.js';
import PointsRulesPage from './pages/points-rules.js';
import PointsLevelsPage from './pages/points-levels.js';
import GiftsPage from './pages/gifts.js';
import ReferralsPage from './pages/referrals.js';
import LotteryPage from './pages/lottery.js';
import { openAlerts, refreshOpenAlerts } from './crm.js';

// Navigation, grouped; `perm` decides who sees an entry. Later issues add
// groups (campaigns, members, analytics …) here.
const NAV = [
  { group: null, items: [
    { path: '/overview', label: 'nav.overview', icon: 'overview', page: OverviewPage, perm: 'overview.view' },
  ] },
  { group: 'nav.group.org', items: [
    { path: '/brands', label: 'nav.brands', icon: 'brand', page: BrandsPage, perm: 'brand.view' },
    { path: '/stores', label: 'nav.stores', icon: 'store', page: StoresPage, perm: 'store.view' },
    { path: '/staff', label: 'nav.staff', icon: 'staff', page: StaffPage, perm: 'staff.view' },
    { path: '/accounts', label: 'nav.accounts', icon: 'account', page: AccountsPage, perm: 'account.view' },
  ] },
  { group: 'nav.group.members', items: [
    { path: '/members', label: 'nav.members', icon: 'members', page: MembersPage, perm: 'member.view' },
    { path: '/tags', label: 'nav.tags', icon: 'tag', page: TagsPage, perm: 'tag.view' },
    { path: '/imports', label: 'nav.imports', icon: 'upload', page: ImportsPage, perm: 'import.view' },
  ] },
  { group: 'nav.group.touch', items: [
    { path: '/touchpoints', label: 'nav.touchpoints', icon: 'qr', page: TouchpointsPage, perm: 'touchpoint.view' },
    { path: '/product-codes', label: 'nav.productCodes', icon: 'box', page: ProductCodesPage, perm: 'product.view' },
    { path: '/alerts', label: 'nav.alerts', icon: 'siren', page: AlertsPage, perm: 'alert.view', badge: () => openAlerts.value },
  ] },
  { group: 'nav.group.campaigns', items: [
    { path: '/campaigns', label: 'nav.campaigns', icon: 'spark', page: CampaignsPage, perm: 'campaign.view' },
    { path: '/coupons', label: 'nav.coupons', icon: 'gift', page: CouponsPage, perm: 'coupon.view' },
  ] },
  { group: 'nav.group.rewards', items: [
    { path: '/envelopes', label: 'nav.envelopes', icon: 'gift', page: EnvelopesPage, perm: 'envelope.view' },
    { path: '/samples', label: 'nav.samples', icon: 'box', page: SamplesPage, perm: 'sample.view' },
    { path: '/redemptions', label: 'nav.redemptions', icon: 'scan', page: RedemptionsPage, perm: 'redemption.view' },
    { path: '/receipts', label: 'nav.receipts', icon: 'file', page: ReceiptsPage, perm: 'receipt.review' },
    { path: '/activities', label: 'nav.activities', icon: 'calendar', page: ActivitiesPage, perm: 'activity.view' },
    { path: '/lottery', label: 'nav.lottery', icon: 'spark', page: LotteryPage, perm: 'lottery.view' },
  ] },
  { group: 'nav.group.points', items: [
    { path: '/points', label: 'nav.points', icon: 'bolt', page: PointsLedgerPage, perm: 'points.view' },
    { path: '/points/rules', label: 'nav.pointsRules', icon: 'spark', page: PointsRulesPage, perm: 'points.view' },
    { path: '/points/levels', label: 'nav.pointsLevels', icon: 'badge', page: PointsLevelsPage, perm: 'points.view' },
    { path: '/gifts', label: 'nav.gifts', icon: 'gift', page: GiftsPage, perm: 'gift.view' },
    { path: '/referrals', label: 'nav.referrals', icon: 'link', page: ReferralsPage, perm: 'referral.view' },
  ] },
  { group: 'nav.group.system', items: [
    { path: '/audit', label: 'nav.audit', icon: 'audit', page: AuditPage, perm: 'audit.view' },
    { path: '/sms', label: 'nav.sms', icon: 'sms', page: SmsPage, perm: 'sms.view' },
  ] },
];
// Pages reached from a list (not in the menu); `nav` names the menu entry to light up.
const SUB_ROUTES = [
  { path: '/members/:id', nav: '/members', page: MemberPage, perm: 'member.view' },
];
const ROUTES = [...NAV.flatMap((g) => g.items), ...SUB_ROUTES];

const LoginScreen = {
  emits: ['done'],
  setup(_, { emit }) {
    async function done() {
      await loadSession();
      emit('done');
    }
    return { api, done, t };
  },
  template: `
    <div class="hh-login-page admin-login">
      <div class="admin-login-art" aria-hidden="true">
        <div class="hh-logo"><span class="hh-logo-mark">活</span><span class="admin-login-brand">{{ t('app.name') }}</span></div>
        <h2>{{ t('admin.login.heroTitle') }}</h2>
        <p>{{ t('admin.login.heroText') }}</p>
        <ul>
          <li><hh-icon name="spark" /> {{ t('admin.login.point1') }}</li>
          <li><hh-icon name="store" /> {{ t('admin.login.point2') }}</li>
          <li><hh-icon name="badge" /> {{ t('admin.login.point3') }}</li>
        </ul>
      </div>
      <div class="hh-login-card">
        <div class="hh-login-head">
          <div class="hh-logo"><span class="hh-logo-mark">活</span><span>{{ t('admin.title') }}</span></div>
          <hh-lang-switch compact />
        </div>
        <h1>{{ t('admin.login.title') }}</h1>
        <p class="hh-login-sub">{{ t('admin.login.sub') }}</p>
        <hh-login-form :api="api" @done="done" />
        <p class="hh-login-foot">{{ t('admin.login.foot') }}</p>
      </div>
    </div>`,
};

const StaffOnlyScreen = {
  emits: ['logout'],
  setup() { return { t, session }; },
  template: `
    <div class="hh-login-page">
      <div class="hh-login-card">
        <hh-empty icon="phone" :title="t('admin.staffOnly.title')" :text="t('admin.staffOnly.text')">
          <div class="staff-only-actions">
            <a class="hh-btn hh-btn-primary" href="/staff/">{{ t('admin.staffOnly.open') }}</a>
            <button type="button" class="hh-btn" @click="$emit('logout')">{{ t('common.logout') }}</button>
          </div>
        </hh-empty>
      </div>
    </div>`,
};

const PasswordDrawer = {
  props: { open: Boolean },
  emits: ['close'],
  setup() { return { api, t }; },
  template: `
    <hh-drawer :open="open" :title="t('pw.title')" width="420px" @close="$emit('close')">
      <hh-password-form :api="api" @done="$emit('close')" />
    </hh-drawer>`,
};

const Shell = {
  components: { PasswordDrawer },
  emits: ['logout'],
  setup(_, { emit }) {
    const nav = computed(() => NAV
      .map((g) => ({ ...g, items: g.items.filter((i) => can(i.perm)) }))
      .filter((g) => g.items.length));
    const current = computed(() => {
      const hit = resolve(ROUTES, route.path === '/' ? '/overview' : route.path);
      return hit && can(hit.route.perm) ? hit.route : null;
    });
    const menuOpen = ref(false);
    const pwOpen = ref(false);
    const menuRoot = ref(null);
    const onDoc = (e) => { if (menuRoot.value && !menuRoot.value.contains(e.target)) menuOpen.value = false; };
    // The open-alert badge: one cheap count (limit=1) now and every minute.
    let alertTimer = null;
    onMounted(() => {
      document.addEventListener('mousedown', onDoc);
      if (can('alert.view')) { refreshOpenAlerts(); alertTimer = setInterval(refreshOpenAlerts, 60_000); }
    });
    onBeforeUnmount(() => { document.removeEventListener('mousedown', onDoc); clearInterval(alertTimer); });
    const logout = () => { menuOpen.value = false; emit('logout'); };
    const changePassword = () => { menuOpen.value = false; pwOpen.value = true; };
    return { nav, current, route, session, t, menuOpen, pwOpen, menuRoot, logout, changePassword };
  },
  template: `
    <div class="admin-shell">
      <aside class="admin-side">
        <a class="admin-side-logo hh-logo" href="#/overview"><span class="hh-logo-mark">活</span>
          <span><b>{{ t('app.name') }}</b><small>{{ t('admin.title') }}</small></span></a>
        <nav class="admin-nav" :aria-label="t('nav.main')">
          <div v-for="g in nav" :key="g.group || 'top'" class="admin-nav-group">
            <div v-if="g.group" class="admin-nav-title">{{ t(g.group) }}</div>
            <a v-for="i in g.items" :key="i.path" :href="'#' + i.path" class="admin-nav-item"
               :class="{ active: current && (current.nav || current.path) === i.path }" :data-nav="i.path.slice(1)">
              <hh-icon :name="i.icon" /><span>{{ t(i.label) }}</span>
              <span v-if="i.badge && i.badge()" class="admin-nav-badge" :data-badge="i.path.slice(1)">{{ i.badge() > 99 ? '99+' : i.badge() }}</span></a>
          </div>
        </nav>
        <div class="admin-side-foot">{{ t('app.tagline') }}</div>
      </aside>
      <div class="admin-main">
        <header class="admin-top">
          <div class="admin-top-ent">
            <hh-icon name="badge" :size="18" />
            <span class="admin-ent-name" data-test="enterprise">{{ session.enterprise ? session.enterprise.name : '' }}</span>
          </div>
          <div class="admin-top-right">
            <hh-lang-switch />
            <div class="admin-user" ref="menuRoot">
              <button type="button" class="admin-user-btn" :aria-expanded="menuOpen" @click="menuOpen = !menuOpen" data-test="user-menu">
                <hh-avatar :name="session.account.name || session.account.login" :size="32" />
                <span class="admin-user-text"><b>{{ session.account.name || session.account.login }}</b>
                  <small>{{ t('role.' + session.account.role) }}</small></span>
                <hh-icon name="chevronDown" :size="16" />
              </button>
              <div v-if="menuOpen" class="admin-user-menu" role="menu">
                <div class="admin-user-menu-head"><b>{{ session.account.login }}</b><small>{{ t('role.' + session.account.role) }}</small></div>
                <button type="button" role="menuitem" @click="changePassword"><hh-icon name="key" /> {{ t('pw.title') }}</button>
                <button type="button" role="menuitem" class="danger" @click="logout" data-test="logout"><hh-icon name="logout" /> {{ t('common.logout') }}</button>
              </div>
            </div>
          </div>
        </header>
        <main class="admin-content">
          <component v-if="current" :is="current.page" :key="current.nav ? route.path : current.path" />
          <hh-empty v-else icon="alert" :title="t('admin.notFound')" :text="t('admin.notFoundText')">
            <a class="hh-btn hh-btn-primary" href="#/overview" style="margin-top:14px">{{ t('nav.overview') }}</a>
          </hh-empty>
        </main>
      </div>
      <password-drawer :open="pwOpen" @close="pwOpen = false" />
    </div>`,
};

const App = {
  components: { LoginScreen, StaffOnlyScreen, Shell },
  setup() {
    const view = computed(() => {
      if (!session.ready) return 'loading';
      if (!session.account) return 'login';
      if (session.account.role === 'staff') return 'staffOnly';
      return 'shell';
    });
    function afterLogin() {
      if (!route.path || route.path === '/' || route.path === '/login') navigate('/overview');
    }
    async function logout() {
      try { await api.post('/api/auth/logout'); } catch (_) { /* the session is gone either way */ }
      clearSession();
      navigate('/overview');
    }
    onUnauthenticated(() => {
      if (session.account) toast.error(t('err.unauthenticated'));
      clearSession();
    });
    loadSession().then(() => {
      if (session.account && (route.path === '/' || !route.path)) navigate('/overview');
    }).catch(() => { session.ready = true; });
    return { view, afterLogin, logout, t };
  },
  template: `
    <div v-if="view === 'loading'" class="admin-boot"><span class="hh-spinner"></span></div>
    <login-screen v-else-if="view === 'login'" @done="afterLogin" />
    <staff-only-screen v-else-if="view === 'staffOnly'" @logout="logout" />
    <shell v-else @logout="logout" />
    <hh-toasts />
    <hh-confirm-host />`,
};

// The console's <hh-icon> knows the shared icons plus its own (icons.js).
useShared(createApp(App)).component('HhIcon', HhIcon).mount('#app');
