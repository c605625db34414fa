// Overview (概览): counts in the caller's scope, quick actions, and — for the
// owner — the latest changes from the audit log.

import { ref, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { fmtNumber, fmtDateTime } from '/shared/format.js';
import { session, can } from '../session.js';
import { PageHead } from '../parts.js';
import { actionLabel } from './audit.js';

export default {
  components: { PageHead },
  setup() {
    const counts = ref(null);
    const error = ref('');
    const recent = ref([]);
    async function load() {
      error.value = '';
      try { counts.value = await api.get('/api/overview'); } catch (e) { error.value = e.message; }
      if (can('audit.view')) {
        try { recent.value = ((await api.get('/api/audit', { limit: 8 })) || {}).items || []; } catch (_) { recent.value = []; }
      }
    }
    load();
    const cards = computed(() => [
      { key: 'brands', icon: 'brand', label: t('nav.brands'), href: '#/brands', tone: 'orange' },
      { key: 'stores', icon: 'store', label: t('nav.stores'), href: '#/stores', tone: 'blue' },
      { key: 'staff', icon: 'staff', label: t('nav.staff'), href: '#/staff', tone: 'green' },
      { key: 'accounts', icon: 'account', label: t('nav.accounts'), href: '#/accounts', tone: 'violet' },
      // Members: the count links to the member list.
      ...(counts.value && counts.value.members !== undefined
        ? [{ key: 'members', icon: 'user', label: t('overview.members'), href: '#/members', tone: 'rose' }] : []),
    ]);
    const hour = new Date().getHours();
    const greeting = computed(() => t(hour < 11 ? 'overview.morning' : hour < 18 ? 'overview.afternoon' : 'overview.evening'));
    const steps = computed(() => [
      { done: counts.value && counts.value.brands > 0, label: t('overview.step.brand'), href: '#/brands', perm: 'brand.create' },
      { done: counts.value && counts.value.stores > 0, label: t('overview.step.store'), href: '#/stores', perm: 'store.create' },
      { done: counts.value && counts.value.staff > 0, label: t('overview.step.staff'), href: '#/staff', perm: 'staff.create' },
      { done: counts.value && counts.value.accounts > 1, label: t('overview.step.account'), href: '#/accounts', perm: 'account.create' },
    ].filter((s) => can(s.perm)));
    const allDone = computed(() => steps.value.length && steps.value.every((s) => s.done));
    const quick = computed(() => [
      { label: t('store.create'), icon: 'store', href: '#/stores?new=1', perm: 'store.create' },
      { label: t('staff.create'), icon: 'staff', href: '#/staff?new=1', perm: 'staff.create' },
      { label: t('account.create'), icon: 'account', href: '#/accounts?new=1', perm: 'account.create' },
      { label: t('brand.create'), icon: 'brand', href: '#/brands?new=1', perm: 'brand.create' },
    ].filter((q) => can(q.perm)));
    return { counts, error, recent, cards, greeting, steps, allDone, quick, session, can, load, t, fmtNumber, fmtDateTime, actionLabel };
  },
  template: `
    <div class="page">
      <div class="overview-hero">
        <div>
          <h1>{{ t('overview.hello', { greet: greeting, name: session.account.name || session.account.login }) }}</h1>
          <p>{{ t('overview.heroText', { ent: session.enterprise ? session.enterprise.name : '' }) }}</p>
        </div>
        <div class="overview-hero-meta">
          <span class="hh-tag hh-tag-primary">{{ t('role.' + session.account.role) }}</span>
          <span class="muted" v-if="session.enterprise && session.enterprise.timezone"><hh-icon name="clock" :size="14" /> {{ session.enterprise.timezone }}</span>
        </div>
      </div>
      <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
        <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
      <div class="stat-grid">
        <component :is="c.href ? 'a' : 'div'" v-for="c in cards" :key="c.key" :href="c.href" class="stat-card hh-card" :class="['tone-' + c.tone, { static: !c.href }]" :data-stat="c.key">
          <span class="stat-icon"><hh-icon :name="c.icon" :size="22" /></span>
          <span class="stat-body"><span class="stat-label">{{ c.label }}</span>
            <span class="stat-value">{{ counts ? fmtNumber(counts[c.key] ?? 0) : '…' }}</span></span>
          <hh-icon v-if="c.href" name="chevronRight" class="stat-go" />
        </component>
      </div>
      <div class="overview-cols">
        <section class="hh-card" v-if="allDone && quick.length">
          <div class="hh-card-head"><h3>{{ t('overview.quick') }}</h3></div>
          <div class="quick-grid">
            <a v-for="q in quick" :key="q.href" :href="q.href" class="quick-item"><span class="quick-icon"><hh-icon :name="q.icon" :size="20" /></span>{{ q.label }}</a>
          </div>
        </section>
        <section class="hh-card" v-else-if="steps.length">
          <div class="hh-card-head"><h3>{{ t('overview.setup') }}</h3></div>
          <ol class="setup-steps">
            <li v-for="(s, i) in steps" :key="i" :class="{ done: s.done }">
              <span class="setup-dot"><hh-icon v-if="s.done" name="check" :size="14" /><template v-else>{{ i + 1 }}</template></span>
              <a :href="s.href">{{ s.label }}</a>
              <span class="setup-state">{{ s.done ? t('overview.done') : t('overview.todo') }}</span>
            </li>
          </ol>
        </section>
        <section class="hh-card" v-if="can('audit.view')">
          <div class="hh-card-head"><h3>{{ t('overview.recent') }}</h3><a href="#/audit">{{ t('overview.allAudit') }}</a></div>
          <ul class="recent-list" v-if="recent.length">
            <li v-for="e in recent" :key="e.id">
              <hh-avatar :name="e.actor_login || '?'" :size="28" />
              <div><b>{{ e.actor_login || t('audit.system') }}</b> {{ actionLabel(e.action) }}
                <span class="muted">{{ (e.after || e.before || {}).name || (e.after || e.before || {}).login || ('#' + e.entity_id) }}</span>
                <div class="cell-sub">{{ fmtDateTime(e.at) }}</div></div>
            </li>
          </ul>
          <hh-empty v-else icon="audit" :title="t('audit.empty')" />
        </section>
      </div>
    </div>`,
};
