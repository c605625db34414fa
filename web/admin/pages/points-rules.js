// Earn rules (积分规则): the expiry policy of points, then the rules in three
// tabs — purchases (points per amount, by brand / store / product), actions
// (registration, profile, daily check-in, referral, event, receipt) and
// multipliers (a campaign, or a window) — with a drawer to create and edit one,
// pause / resume and archive. Each row shows how often the rule awarded.

import { reactive, ref, computed } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtNumber, fmtDate, fmtDateTime } from '/shared/format.js';
import { can, session } from '../session.js';
import { PageHead, toLocalInput, fromLocalInput } from '../parts.js';
import { ACTIONS } from './points-parts.js';

const TABS = ['spend', 'action', 'multiplier'];
const EMPTY = {
  name: '', kind: 'spend', action: null, brand_id: null, store_id: null, product: '', campaign_id: '',
  points: '', unit_yuan: '1', multiplier_pct: '200', daily_cap: '', total_cap: '', starts_at: '', ends_at: '', active: true,
};

const intOrNull = (s) => (String(s ?? '').trim() === '' ? null : Number(String(s).trim()));

export default {
  components: { PageHead },
  setup() {
    /* expiry policy */
    const policy = ref(null);
    const policyForm = useForm({ expiry_mode: 'year_end', expiry_years: 1, expiry_days: 365 }, ['expiry_mode', 'expiry_years', 'expiry_days']);
    const canPolicy = computed(() => session.account && session.account.role === 'owner');
    async function loadPolicy() {
      try {
        policy.value = await api.get('/api/points/settings');
        policyForm.reset({ expiry_mode: policy.value.expiry_mode, expiry_years: policy.value.expiry_years, expiry_days: policy.value.expiry_days });
      } catch (e) { policyForm.formError = e.message; }
    }
    loadPolicy();
    async function savePolicy() {
      const v = policyForm.values;
      const body = { expiry_mode: v.expiry_mode };
      if (v.expiry_mode === 'year_end') body.expiry_years = Number(v.expiry_years);
      if (v.expiry_mode === 'days') body.expiry_days = Number(v.expiry_days);
      const res = await policyForm.run(() => api.put('/api/points/settings', body));
      if (res) { policy.value = res; toast.success(t('pt.policy.saved')); }
    }

    /* rules */
    const rules = ref([]);
    const loading = ref(false);
    const error = ref('');
    const showArchived = ref(false);
    const tab = ref('spend');
    async function load() {
      loading.value = true;
      error.value = '';
      try {
        rules.value = (await api.get('/api/points/rules', { limit: 500, include_archived: showArchived.value ? 1 : undefined })).items || [];
      } catch (e) { error.value = e.message; } finally { loading.value = false; }
    }
    load();
    const shown = computed(() => rules.value.filter((r) => r.kind === tab.value));
    const countOf = (k) => rules.value.filter((r) => r.kind === k && r.status !== 'archived').length;

    const brands = ref([]);
    const stores = ref([]);
    listAll('/api/brands').then((b) => { brands.value = b.map((x) => ({ value: x.id, label: x.name })); }).catch(() => {});
    listAll('/api/stores').then((s) => { stores.value = s.map((x) => ({ value: x.id, label: x.name, sub: x.city })); }).catch(() => {});
    const actionOptions = computed(() => ACTIONS.map((a) => ({ value: a, label: t('pt.action.' + a) })));
    const multActionOptions = computed(() => [{ value: null, label: t('pt.action.any') }, { value: 'spend', label: t('pt.action.spend') }, ...actionOptions.value]);

    function what(r) {
      if (r.kind === 'spend') return t('pt.rules.perYuan', { unit: String((r.unit_fen || 100) / 100), points: r.points });
      if (r.kind === 'action') return t('pt.action.' + r.action) + ' · ' + t('pt.rules.actionPoints', { points: r.points });
      return t('pt.rules.mult', { x: String(r.multiplier_pct / 100) }) + ' · ' + t('pt.action.' + (r.action || 'any'));
    }
    function scope(r) {
      const parts = [r.brand_name || t('pt.rules.allBrands')];
      if (r.store_name) parts.push(r.store_name);
      if (r.product) parts.push(r.product);
      if (r.campaign_id) parts.push(r.campaign_name || t('pt.rules.campaign', { id: r.campaign_id }));
      return parts.join(' · ');
    }
    function caps(r) {
      const parts = [];
      if (r.daily_cap) parts.push(t('pt.rules.dailyCap', { n: fmtNumber(r.daily_cap) }));
      if (r.total_cap) parts.push(t('pt.rules.totalCap', { n: fmtNumber(r.total_cap) }));
      return parts.join(' · ') || t('pt.rules.noCap');
    }
    function window_(r) {
      if (!r.starts_at && !r.ends_at) return t('pt.rules.always');
      return [r.starts_at ? t('pt.rules.from', { from: fmtDate(r.starts_at) }) : '', r.ends_at ? t('pt.rules.until', { to: fmtDate(r.ends_at) }) : ''].filter(Boolean).join(' ');
    }

    /* create / edit */
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY, ['name', 'kind', 'action', 'brand_id', 'store_id', 'product', 'campaign_id', 'points', 'unit_fen', 'multiplier_pct', 'daily_cap', 'total_cap', 'starts_at', 'ends_at', 'status']);
    const isOwner = computed(() => session.account && session.account.role === 'owner');
    function openCreate() {
      drawer.row = null;
      form.reset({ ...EMPTY, kind: tab.value, action: tab.value === 'action' ? 'checkin' : null, brand_id: isOwner.value ? null : (brands.value[0] || {}).value || null });
      drawer.open = true;
    }
    function openEdit(r) {
      drawer.row = r;
      form.reset({
        name: r.name, kind: r.kind, action: r.action, brand_id: r.brand_id, store_id: r.store_id, product: r.product || '',
        campaign_id: r.campaign_id ? String(r.campaign_id) : '', points: r.points ? String(r.points) : '',
        unit_yuan: r.unit_fen ? String(r.unit_fen / 100) : '1', multiplier_pct: r.multiplier_pct ? String(r.multiplier_pct) : '200',
        daily_cap: r.daily_cap ? String(r.daily_cap) : '', total_cap: r.total_cap ? String(r.total_cap) : '',
        starts_at: toLocalInput(r.starts_at), ends_at: toLocalInput(r.ends_at), active: r.status === 'active',
      });
      drawer.open = true;
    }
    const preview = computed(() => {
      const v = form.values;
      const pts = Number(v.points) || 0;
      if (v.kind === 'spend') {
        const unit = Math.round(Number(v.unit_yuan) * 100) || 100;
        return t('pt.rules.preview.spend', { n: fmtNumber(Math.floor(10000 / unit) * pts) });
      }
      if (v.kind === 'action') return t('pt.rules.preview.action', { action: v.action ? t('pt.action.' + v.action) : '', n: fmtNumber(pts) });
      return t('pt.rules.preview.mult', { n: fmtNumber(Math.floor((10 * (Number(v.multiplier_pct) || 100)) / 100)) });
    });
    function body() {
      const v = form.values;
      const b = {
        name: v.name.trim(), brand_id: v.brand_id || null,
        starts_at: fromLocalInput(v.starts_at), ends_at: fromLocalInput(v.ends_at), status: v.active ? 'active' : 'paused',
      };
      if (!drawer.row) b.kind = v.kind;
      if (v.kind === 'spend') Object.assign(b, { store_id: v.store_id || null, product: v.product.trim() || null, points: intOrNull(v.points), unit_fen: Math.round(Number(v.unit_yuan) * 100) || null });
      if (v.kind === 'action') Object.assign(b, { action: v.action, points: intOrNull(v.points) });
      if (v.kind !== 'multiplier') Object.assign(b, { daily_cap: intOrNull(v.daily_cap), total_cap: intOrNull(v.total_cap) });
      if (v.kind === 'multiplier') Object.assign(b, { action: v.action || null, store_id: v.store_id || null, multiplier_pct: intOrNull(v.multiplier_pct), campaign_id: intOrNull(v.campaign_id) });
      if (!drawer.row) for (const k of Object.keys(b)) if (b[k] === null) delete b[k];
      return b;
    }
    async function save() {
      form.errors = {};
      if (!form.values.name.trim()) { form.errors.name = t('pt.rules.needName'); return; }
      const editing = drawer.row;
      const res = await form.run(() => (editing ? api.patch(`/api/points/rules/${editing.id}`, body()) : api.post('/api/points/rules', body())));
      if (res) {
        toast.success(editing ? t('common.saved') : t('pt.rules.created', { name: res.name }));
        drawer.open = false;
        tab.value = res.kind;
        load();
      }
    }
    async function toggle(r) {
      try {
        const res = await api.patch(`/api/points/rules/${r.id}`, { status: r.status === 'active' ? 'paused' : 'active' });
        toast.success(t(res.status === 'active' ? 'pt.rules.resumed' : 'pt.rules.paused', { name: r.name }));
        load();
      } catch (e) { toast.error(e.message); }
    }
    async function archive(r) {
      const ok = await confirmDialog({ title: t('pt.rules.archiveTitle'), message: t('pt.rules.archiveText', { name: r.name }), okText: t('pt.rules.archive'), danger: true });
      if (!ok) return;
      try { await api.del(`/api/points/rules/${r.id}`); toast.success(t('pt.rules.archived', { name: r.name })); load(); } catch (e) { toast.error(e.message); }
    }
    const canEdit = (r) => can('points.rules') && r.status !== 'archived' && (isOwner.value || r.brand_id);

    return {
      policy, policyForm, canPolicy, savePolicy, rules, loading, error, showArchived, tab, load, shown, countOf, TABS,
      brands, stores, actionOptions, multActionOptions, what, scope, caps, window_, drawer, form, isOwner, openCreate,
      openEdit, preview, save, toggle, archive, canEdit, can, t, fmtNumber, fmtDate, fmtDateTime,
    };
  },
  template: `
    <div class="page pt-page">
      <page-head :title="t('nav.pointsRules')" :desc="t('pt.rules.desc')">
        <button v-if="can('points.rules')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('pt.rules.create') }}</button>
      </page-head>

      <section class="hh-card" data-test="policy">
        <div class="hh-card-head"><h3>{{ t('pt.policy.title') }}</h3><span v-if="!canPolicy" class="muted">{{ t('pt.policy.ownerOnly') }}</span></div>
        <form class="pt-policy" @submit.prevent="savePolicy" novalidate>
          <hh-field :error="policyForm.errors.expiry_mode" name="expiry_mode">
            <select class="hh-native-select" name="expiry_mode" v-model="policyForm.values.expiry_mode" :disabled="!canPolicy">
              <option value="year_end">{{ t('pt.policy.mode.year_endLabel') }}</option>
              <option value="days">{{ t('pt.policy.mode.daysLabel') }}</option>
              <option value="never">{{ t('pt.policy.mode.never') }}</option>
            </select>
          </hh-field>
          <hh-field v-if="policyForm.values.expiry_mode === 'year_end'" :error="policyForm.errors.expiry_years" name="expiry_years">
            <select class="hh-native-select" name="expiry_years" v-model="policyForm.values.expiry_years" :disabled="!canPolicy">
              <option v-for="n in [0, 1, 2, 3]" :key="n" :value="n">{{ t('pt.policy.mode.year_end', { n }) }}</option>
            </select>
          </hh-field>
          <hh-field v-if="policyForm.values.expiry_mode === 'days'" :error="policyForm.errors.expiry_days" name="expiry_days">
            <input class="hh-input" name="expiry_days" inputmode="numeric" v-model="policyForm.values.expiry_days" :disabled="!canPolicy" style="width:120px" />
          </hh-field>
          <span class="pt-policy-example" data-test="policy-example">{{ policy && policy.expires_if_earned_now ? t('pt.policy.example', { date: fmtDateTime(policy.expires_if_earned_now) }) : t('pt.policy.exampleNever') }}</span>
          <button v-if="canPolicy" type="submit" class="hh-btn" :disabled="policyForm.busy" data-test="save-policy">{{ t('common.save') }}</button>
        </form>
        <hh-form-error :message="policyForm.formError" />
        <p class="muted pt-policy-note">{{ t('pt.policy.note') }}</p>
      </section>

      <section class="hh-card">
        <div class="pt-tabs" role="tablist">
          <button v-for="k in TABS" :key="k" type="button" role="tab" class="pt-tab" :class="{ on: tab === k }" :aria-selected="tab === k" @click="tab = k" :data-tab="k">
            {{ t('pt.rules.tab.' + k) }}<small>{{ countOf(k) }}</small></button>
        </div>
        <div class="list-toolbar">
          <div class="list-toolbar-right">
            <hh-switch v-model="showArchived" @update:model-value="load()" :label="t('common.showArchived')" />
            <button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="load()"><hh-icon name="refresh" /></button>
          </div>
        </div>
        <div v-if="error" class="hh-alert hh-alert-error" style="margin:0 20px 16px"><hh-icon name="alert" /><span>{{ error }}</span></div>
        <div v-else-if="loading && !rules.length" class="hh-table-state"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>
        <hh-empty v-else-if="!shown.length" icon="gift" :title="t('pt.rules.empty')" :text="t('pt.rules.emptyText')" />
        <table v-else class="hh-table" data-test="rules">
          <thead><tr><th>{{ t('pt.rules.name') }}</th><th>{{ t('pt.rules.what') }}</th><th>{{ t('pt.rules.scope') }}</th><th>{{ t('pt.rules.caps') }}</th>
            <th>{{ t('pt.rules.window') }}</th><th>{{ t('pt.rules.status') }}</th><th style="text-align:right">{{ t('pt.rules.awarded') }}</th><th style="width:180px"></th></tr></thead>
          <tbody>
            <tr v-for="r in shown" :key="r.id" :data-rule="r.name" :class="{ 'pt-row-paused': r.status !== 'active' }">
              <td><div class="cell-main">{{ r.name }}</div></td>
              <td class="pt-rule-what">{{ what(r) }}</td>
              <td>{{ scope(r) }}</td>
              <td>{{ r.kind === 'multiplier' ? '—' : caps(r) }}</td>
              <td>{{ window_(r) }}</td>
              <td><span class="hh-tag" :class="r.status === 'active' ? 'hh-tag-success' : ''">{{ t('pt.rules.status.' + r.status) }}</span></td>
              <td style="text-align:right" class="muted">{{ r.kind === 'multiplier' ? '—' : t('pt.rules.awardedN', { n: fmtNumber(r.award_count), p: fmtNumber(r.points_awarded) }) }}</td>
              <td><div class="cell-actions" v-if="canEdit(r)">
                <button type="button" class="hh-btn hh-btn-link" @click="openEdit(r)" data-test="edit">{{ t('common.edit') }}</button>
                <button type="button" class="hh-btn hh-btn-link" @click="toggle(r)" data-test="toggle">{{ r.status === 'active' ? t('pt.rules.pause') : t('pt.rules.resume') }}</button>
                <button type="button" class="hh-btn hh-btn-link danger" @click="archive(r)" data-test="archive">{{ t('pt.rules.archive') }}</button>
              </div></td>
            </tr>
          </tbody>
        </table>
      </section>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('pt.rules.edit') : t('pt.rules.create')" width="600px" @close="drawer.open = false">
        <form class="hh-form" id="rule-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('pt.rules.kind')" name="kind">
            <div class="role-cards">
              <label v-for="k in TABS" :key="k" class="role-card" :class="{ active: form.values.kind === k, fixed: !!drawer.row }" :data-kind="k">
                <input type="radio" :value="k" v-model="form.values.kind" :disabled="!!drawer.row" @change="form.values.action = k === 'action' ? 'checkin' : null" />
                <b>{{ t('pt.rules.kind.' + k) }}</b><small>{{ t('pt.rules.kindHint.' + k) }}</small></label>
            </div>
          </hh-field>
          <hh-field :label="t('pt.rules.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" name="name" maxlength="32" v-model="form.values.name" :placeholder="t('pt.rules.namePh')" />
          </hh-field>
          <hh-field v-if="form.values.kind === 'action'" :label="t('pt.rules.f.action')" :error="form.errors.action" name="action" required>
            <select class="hh-native-select" name="action" v-model="form.values.action">
              <option v-for="o in actionOptions" :key="o.value" :value="o.value">{{ o.label }}</option>
            </select>
          </hh-field>
          <hh-field v-if="form.values.kind === 'multiplier'" :label="t('pt.rules.f.multAction')" :error="form.errors.action" name="action">
            <select class="hh-native-select" name="action" v-model="form.values.action">
              <option v-for="o in multActionOptions" :key="String(o.value)" :value="o.value">{{ o.label }}</option>
            </select>
          </hh-field>
          <div class="hh-form-row">
            <hh-field v-if="form.values.kind !== 'multiplier'" :label="t('pt.rules.f.points')" :error="form.errors.points" name="points" required>
              <input class="hh-input" name="points" inputmode="numeric" v-model="form.values.points" placeholder="1" />
            </hh-field>
            <hh-field v-if="form.values.kind === 'spend'" :label="t('pt.rules.f.unit')" :error="form.errors.unit_fen" name="unit_fen" required>
              <input class="hh-input" name="unit_yuan" inputmode="decimal" v-model="form.values.unit_yuan" placeholder="1" />
            </hh-field>
            <hh-field v-if="form.values.kind === 'multiplier'" :label="t('pt.rules.f.mult')" :error="form.errors.multiplier_pct" :hint="t('pt.rules.f.multHint')" name="multiplier_pct" required>
              <input class="hh-input" name="multiplier_pct" inputmode="numeric" v-model="form.values.multiplier_pct" />
            </hh-field>
          </div>
          <div class="pt-preview" data-test="preview">{{ t('pt.rules.preview', { text: preview }) }}</div>
          <hh-field :label="t('pt.rules.f.brand')" :error="form.errors.brand_id" :hint="t('pt.rules.f.brandHint')" name="brand_id">
            <select class="hh-native-select" name="brand_id" v-model="form.values.brand_id">
              <option v-if="isOwner" :value="null">{{ t('pt.rules.allBrands') }}</option>
              <option v-for="b in brands" :key="b.value" :value="b.value">{{ b.label }}</option>
            </select>
          </hh-field>
          <div class="hh-form-row" v-if="form.values.kind !== 'action'">
            <hh-field :label="t('pt.rules.f.store')" :error="form.errors.store_id" name="store_id">
              <hh-select v-model="form.values.store_id" :options="stores" :placeholder="t('pt.rules.allStores')" name="store_id" />
            </hh-field>
            <hh-field v-if="form.values.kind === 'spend'" :label="t('pt.rules.f.product')" :error="form.errors.product" name="product">
              <input class="hh-input" name="product" maxlength="64" v-model="form.values.product" :placeholder="t('pt.rules.f.productPh')" />
            </hh-field>
            <hh-field v-else :label="t('pt.rules.f.campaign')" :error="form.errors.campaign_id" :hint="t('pt.rules.f.campaignHint')" name="campaign_id">
              <input class="hh-input" name="campaign_id" inputmode="numeric" v-model="form.values.campaign_id" />
            </hh-field>
          </div>
          <div class="hh-form-row" v-if="form.values.kind !== 'multiplier'">
            <hh-field :label="t('pt.rules.f.dailyCap')" :error="form.errors.daily_cap" name="daily_cap">
              <input class="hh-input" name="daily_cap" inputmode="numeric" v-model="form.values.daily_cap" :placeholder="t('pt.rules.noCap')" />
            </hh-field>
            <hh-field :label="t('pt.rules.f.totalCap')" :error="form.errors.total_cap" name="total_cap">
              <input class="hh-input" name="total_cap" inputmode="numeric" v-model="form.values.total_cap" :placeholder="t('pt.rules.noCap')" />
            </hh-field>
          </div>
          <div class="hh-form-row">
            <hh-field :label="t('pt.rules.f.starts')" :error="form.errors.starts_at" name="starts_at">
              <input class="hh-input" type="datetime-local" name="starts_at" v-model="form.values.starts_at" />
            </hh-field>
            <hh-field :label="t('pt.rules.f.ends')" :error="form.errors.ends_at" name="ends_at">
              <input class="hh-input" type="datetime-local" name="ends_at" v-model="form.values.ends_at" />
            </hh-field>
          </div>
          <hh-switch v-model="form.values.active" :label="t('pt.rules.f.active')" />
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="rule-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
