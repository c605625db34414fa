// Member levels (会员等级): how levels are decided (points earned or amount
// spent in a rolling window; the review period at whose end downgrades
// happen), the ladder from lowest to highest (threshold, earn multiplier,
// privilege coupons issued on reaching it, benefits shown to members, members
// at each level), and the history of level changes.

import { reactive, ref, computed } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { useList } from '/shared/list.js';
import { fmtNumber, fmtDateTime } from '/shared/format.js';
import { session } from '../session.js';
import { PageHead } from '../parts.js';

export default {
  components: { PageHead },
  setup() {
    const loaded = ref(false);
    const error = ref('');
    const form = useForm({ basis: 'points', window_days: 365, review: 'year' }, ['basis', 'window_days', 'review', 'levels']);
    const ladder = ref([]);
    const rowErrors = reactive({});
    const canEdit = computed(() => session.account && session.account.role === 'owner');
    const templates = ref([]);
    const templatesAvailable = ref(true);

    const toRow = (l, basis) => ({
      id: l.id, name: l.name, threshold: basis === 'spend' ? String(l.threshold / 100) : String(l.threshold),
      earn_multiplier_pct: String(l.earn_multiplier_pct || 100), coupon_template_ids: [...(l.coupon_template_ids || [])],
      benefits: l.benefits || '', member_count: l.member_count || 0, coupon_templates: l.coupon_templates || [],
    });
    async function load() {
      error.value = '';
      try {
        const res = await api.get('/api/points/levels');
        form.reset({ basis: res.basis, window_days: res.window_days, review: res.review });
        ladder.value = res.levels.map((l) => toRow(l, res.basis));
        // the templates already chosen are options even before the coupon module lists them
        const known = new Map(res.levels.flatMap((l) => l.coupon_templates || []).map((x) => [x.id, { value: x.id, label: x.name }]));
        templates.value = [...known.values()];
        loaded.value = true;
      } catch (e) { error.value = e.message; }
      try {
        const all = await listAll('/api/coupon-templates');
        const have = new Set(templates.value.map((x) => x.value));
        templates.value = [...templates.value, ...all.filter((x) => !have.has(x.id)).map((x) => ({ value: x.id, label: x.name, sub: x.brand_name || '' }))];
      } catch (_) {
        templatesAvailable.value = templates.value.length > 0;
      }
    }
    load();

    function add() {
      const last = ladder.value[ladder.value.length - 1];
      const next = last ? Number(last.threshold || 0) * 2 || 1000 : 0;
      ladder.value.push({ id: null, name: '', threshold: String(next), earn_multiplier_pct: '100', coupon_template_ids: [], benefits: '', member_count: 0, coupon_templates: [] });
    }
    function remove(i) { ladder.value.splice(i, 1); }

    async function save() {
      for (const k of Object.keys(rowErrors)) delete rowErrors[k];
      form.errors = {};
      form.formError = '';
      const spend = form.values.basis === 'spend';
      const levels = ladder.value.map((r) => ({
        ...(r.id ? { id: r.id } : {}), name: r.name.trim(),
        threshold: spend ? Math.round(Number(r.threshold) * 100) : Number(r.threshold),
        earn_multiplier_pct: Number(r.earn_multiplier_pct), coupon_template_ids: r.coupon_template_ids, benefits: r.benefits.trim(),
      }));
      levels.forEach((l, i) => {
        if (!l.name) rowErrors[i + '.name'] = t('pt.lv.needName');
        if (i && !(l.threshold > levels[i - 1].threshold)) rowErrors[i + '.threshold'] = t('pt.lv.needIncrease');
      });
      if (Object.keys(rowErrors).length) return;
      const res = await form.run(() => api.put('/api/points/levels', {
        basis: form.values.basis, window_days: Number(form.values.window_days), review: form.values.review, levels,
      }));
      if (res) {
        toast.success(t('pt.lv.saved'));
        ladder.value = res.levels.map((l) => toRow(l, res.basis));
        history.load();
      }
    }

    const history = useList('/api/points/level-history', { archived: false });
    history.load();
    const hColumns = computed(() => [
      { key: 'member', label: t('pt.lv.h.member'), width: '180px' },
      { key: 'change', label: t('pt.lv.h.change') },
      { key: 'basis_value', label: t('pt.lv.h.basis'), width: '120px', align: 'right' },
      { key: 'reason', label: t('pt.lv.h.reason'), width: '120px' },
      { key: 'coupons', label: t('pt.lv.h.coupons'), width: '120px' },
      { key: 'at', label: t('pt.lv.h.at'), width: '160px' },
    ]);
    const basisText = (row) => (row.basis === 'spend' ? '¥' + fmtNumber(row.basis_value / 100) : fmtNumber(row.basis_value));
    return { loaded, error, form, ladder, rowErrors, canEdit, templates, templatesAvailable, add, remove, save, load, history, hColumns, basisText, t, fmtNumber, fmtDateTime };
  },
  template: `
    <div class="page pt-page">
      <page-head :title="t('nav.pointsLevels')" :desc="t('pt.lv.desc')" />
      <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
        <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
      <div v-else-if="!loaded" class="hh-table-state"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>
      <form v-else class="hh-card" @submit.prevent="save" novalidate data-test="levels-form">
        <div class="hh-card-head"><h3>{{ t('pt.lv.settings') }}</h3><span v-if="!canEdit" class="muted">{{ t('pt.lv.ownerOnly') }}</span></div>
        <hh-form-error :message="form.formError" style="margin:0 20px 12px" />
        <div class="pt-lv-settings">
          <hh-field :label="t('pt.lv.basis')" :error="form.errors.basis" name="basis">
            <select class="hh-native-select" name="basis" v-model="form.values.basis" :disabled="!canEdit">
              <option value="points">{{ t('pt.lv.basis.points') }}</option><option value="spend">{{ t('pt.lv.basis.spend') }}</option>
            </select>
          </hh-field>
          <hh-field :label="t('pt.lv.window')" :error="form.errors.window_days" name="window_days">
            <input class="hh-input" name="window_days" inputmode="numeric" v-model="form.values.window_days" :disabled="!canEdit" />
          </hh-field>
          <hh-field :label="t('pt.lv.review')" :error="form.errors.review" name="review">
            <select class="hh-native-select" name="review" v-model="form.values.review" :disabled="!canEdit">
              <option v-for="r in ['month', 'quarter', 'year']" :key="r" :value="r">{{ t('pt.lv.review.' + r) }}</option>
            </select>
          </hh-field>
        </div>
        <div class="hh-card-head"><h3>{{ t('pt.lv.ladder') }}</h3></div>
        <hh-empty v-if="!ladder.length" icon="badge" :title="t('pt.lv.empty')" />
        <div class="pt-ladder">
          <div v-for="(r, i) in ladder" :key="i" class="pt-lv-row" :data-level="r.name || i">
            <span class="pt-lv-rank">{{ i + 1 }}</span>
            <hh-field :label="t('pt.lv.name')" :error="rowErrors[i + '.name']" :name="'levels.' + i + '.name'">
              <input class="hh-input" maxlength="16" v-model="r.name" :disabled="!canEdit" />
              <span class="pt-lv-count" v-if="i === 0 && Number(r.threshold) === 0">{{ t('pt.lv.default') }}</span>
              <span class="pt-lv-count" v-else-if="r.id">{{ t('pt.lv.members', { n: fmtNumber(r.member_count) }) }}</span>
            </hh-field>
            <hh-field :label="form.values.basis === 'spend' ? t('pt.lv.thresholdYuan') : t('pt.lv.thresholdPoints')" :error="rowErrors[i + '.threshold']" :name="'levels.' + i + '.threshold'">
              <input class="hh-input" inputmode="numeric" v-model="r.threshold" :disabled="!canEdit" />
            </hh-field>
            <hh-field :label="t('pt.lv.multiplier')" :error="rowErrors[i + '.earn_multiplier_pct']" :name="'levels.' + i + '.pct'">
              <input class="hh-input" inputmode="numeric" v-model="r.earn_multiplier_pct" :disabled="!canEdit" />
            </hh-field>
            <hh-field :label="t('pt.lv.coupons')" :hint="templatesAvailable ? '' : t('pt.lv.couponsNone')" :name="'levels.' + i + '.coupons'">
              <hh-select v-model="r.coupon_template_ids" :options="templates" multiple :placeholder="t('pt.lv.couponsPh')" :disabled="!canEdit || !templatesAvailable" />
            </hh-field>
            <hh-field :label="t('pt.lv.benefits')" :name="'levels.' + i + '.benefits'">
              <textarea class="hh-textarea" rows="2" maxlength="500" v-model="r.benefits" :placeholder="t('pt.lv.benefitsPh')" :disabled="!canEdit"></textarea>
            </hh-field>
            <button v-if="canEdit" type="button" class="hh-btn hh-btn-link danger pt-lv-remove" @click="remove(i)">{{ t('pt.lv.remove') }}</button>
          </div>
        </div>
        <div class="pt-lv-foot" v-if="canEdit">
          <button type="button" class="hh-btn" @click="add" data-test="add-level" :disabled="ladder.length >= 20"><hh-icon name="plus" /> {{ t('pt.lv.add') }}</button>
          <button type="submit" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save-levels">{{ t('pt.lv.save') }}</button>
        </div>
      </form>

      <section class="hh-card">
        <div class="hh-card-head"><h3>{{ t('pt.lv.history') }}</h3></div>
        <hh-table :columns="hColumns" :rows="history.items" :total="history.total" :limit="history.limit" :offset="history.offset"
                  :loading="history.loading" :error="history.error" :empty-text="t('pt.lv.historyEmpty')"
                  @page="history.setOffset" @limit="history.setLimit" @retry="history.load()">
          <template #cell-member="{ row }"><a :href="'#/points?member=' + row.member_id" class="cell-main">{{ row.member_name || ('#' + row.member_id) }}</a></template>
          <template #cell-change="{ row }"><span class="pt-dir"><span class="hh-tag" :class="row.direction === 'up' ? 'hh-tag-success' : 'hh-tag-warn'">{{ row.direction === 'up' ? t('pt.lv.up') : t('pt.lv.down') }}</span>
            {{ row.from_name || t('pt.lv.none') }} → <b>{{ row.to_name || t('pt.lv.none') }}</b></span></template>
          <template #cell-basis_value="{ row }">{{ basisText(row) }}</template>
          <template #cell-reason="{ row }">{{ t('pt.lv.reason.' + row.reason) }}</template>
          <template #cell-coupons="{ row }">{{ row.coupons && row.coupons.length ? t('pt.lv.couponN', { n: row.coupons.filter((c) => c.coupon_id).length }) : '—' }}</template>
          <template #cell-at="{ row }">{{ fmtDateTime(row.at) }}</template>
        </hh-table>
      </section>
    </div>`,
};
