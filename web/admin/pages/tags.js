// Tags (标签): grouped list with member counts; manual tags (applied by hand,
// from the member list or a pasted/uploaded phone list) and rule tags (a rule
// builder over lifecycle, city, registration, first channel, owner store,
// gender, SMS consent — the server counts the members live).

import { reactive, ref, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtNumber, fmtDateTime } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, storeOptions, searchDivisions, clean } from '../parts.js';
import { LIFECYCLES, CHANNELS, REGISTERED_VIA, parsePhones, readFileText, regionLabels } from '../crm.js';

const EMPTY = {
  name: '', group_name: '', kind: 'manual',
  lifecycle: [], city_code: [], registered_via: [], first_channel: [], owner_store_id: [], gender: '', consent_sms: '',
};

export default {
  components: { PageHead },
  setup() {
    const tags = ref([]);
    const loading = ref(false);
    const error = ref('');
    const q = ref('');
    async function load() {
      loading.value = true;
      error.value = '';
      try { tags.value = ((await api.get('/api/tags')) || {}).items || []; } catch (e) { error.value = e.message; } finally { loading.value = false; }
    }
    const groups = computed(() => {
      const s = q.value.trim().toLowerCase();
      const by = new Map();
      for (const x of tags.value) {
        if (s && !(x.name + ' ' + (x.group_name || '')).toLowerCase().includes(s)) continue;
        const g = x.group_name || '';
        if (!by.has(g)) by.set(g, []);
        by.get(g).push(x);
      }
      return [...by.entries()].sort((a, b) => (a[0] === '' ? 1 : b[0] === '' ? -1 : a[0].localeCompare(b[0], 'zh-CN')))
        .map(([name, items]) => ({ name, items: items.sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')), total: items.reduce((n, x) => n + (x.member_count || 0), 0) }));
    });
    const groupNames = computed(() => [...new Set(tags.value.map((x) => x.group_name).filter(Boolean))]);

    const stores = ref([]);
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const storeName = (id) => (stores.value.find((s) => s.value === id) || {}).label || '#' + id;
    const lcOptions = computed(() => LIFECYCLES.map((v) => ({ value: v, label: t('lc.' + v) })));
    const viaOptions = computed(() => REGISTERED_VIA.map((v) => ({ value: v, label: t('via.' + v) })));
    const chOptions = computed(() => CHANNELS.map((v) => ({ value: v, label: t('channel.' + v) })));

    // the rule in words, for the list
    const cityNames = reactive({});
    function ruleParts(r) {
      if (!r) return [];
      const out = [];
      const join = (arr, f) => arr.map(f).join(t('common.listSep'));
      if ((r.lifecycle || []).length) out.push(t('tag.rule.lifecycle') + '：' + join(r.lifecycle, (v) => t('lc.' + v)));
      if ((r.city_code || []).length) out.push(t('tag.rule.city') + '：' + join(r.city_code, (c) => cityNames[c] || c));
      if ((r.registered_via || []).length) out.push(t('tag.rule.via') + '：' + join(r.registered_via, (v) => t('via.' + v)));
      if ((r.first_channel || []).length) out.push(t('tag.rule.channel') + '：' + join(r.first_channel, (v) => t('channel.' + v)));
      if ((r.owner_store_id || []).length) out.push(t('tag.rule.store') + '：' + join(r.owner_store_id, storeName));
      if (r.gender) out.push(t('member.gender') + '：' + t('gender.' + r.gender));
      if (r.consent_sms === true || r.consent_sms === false) out.push(t('tag.rule.sms') + '：' + (r.consent_sms ? t('member.granted') : t('member.notGranted')));
      return out;
    }
    const fillCities = async () => {
      const codes = [...new Set(tags.value.flatMap((x) => (x.rule && x.rule.city_code) || []))].filter((c) => !cityNames[c]);
      if (codes.length) for (const o of await regionLabels(codes)) cityNames[o.value] = o.label;
    };
    const origLoad = load;
    const loadAll = async () => { await origLoad(); fillCities(); };
    loadAll();

    // create / edit
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY, ['name', 'group_name', 'kind', 'rule', 'lifecycle', 'city_code', 'registered_via', 'first_channel', 'owner_store_id', 'gender', 'consent_sms']);
    const cityChosen = ref([]);
    function openCreate() { drawer.row = null; form.reset({ ...EMPTY, lifecycle: [], city_code: [], registered_via: [], first_channel: [], owner_store_id: [] }); cityChosen.value = []; drawer.open = true; }
    async function openEdit(x) {
      const r = x.rule || {};
      drawer.row = x;
      form.reset({
        name: x.name, group_name: x.group_name || '', kind: x.kind,
        lifecycle: [...(r.lifecycle || [])], city_code: [...(r.city_code || [])], registered_via: [...(r.registered_via || [])],
        first_channel: [...(r.first_channel || [])], owner_store_id: [...(r.owner_store_id || [])],
        gender: r.gender || '', consent_sms: r.consent_sms === true ? 'yes' : r.consent_sms === false ? 'no' : '',
      });
      cityChosen.value = await regionLabels(r.city_code || []);
      drawer.open = true;
    }
    function buildRule(v) {
      const r = {};
      for (const k of ['lifecycle', 'city_code', 'registered_via', 'first_channel']) if (v[k].length) r[k] = v[k].map(String);
      if (v.owner_store_id.length) r.owner_store_id = v.owner_store_id.map(Number);
      if (v.gender) r.gender = v.gender;
      if (v.consent_sms) r.consent_sms = v.consent_sms === 'yes';
      return r;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('tag.needName');
      const rule = v.kind === 'rule' ? buildRule(v) : null;
      if (rule && !Object.keys(rule).length) form.formError = t('tag.needRule');
      if (Object.keys(form.errors).length || (rule && !Object.keys(rule).length)) return;
      const editing = drawer.row;
      const body = editing ? { name: v.name, group_name: v.group_name, ...(rule ? { rule } : {}) }
        : { name: v.name, group_name: v.group_name || undefined, kind: v.kind, ...(rule ? { rule } : {}) };
      const res = await form.run(() => (editing ? api.patch(`/api/tags/${editing.id}`, body) : api.post('/api/tags', body)));
      if (res) {
        toast.success(editing ? t('common.saved') : t('tag.created', { name: res.name, n: fmtNumber(res.member_count || 0) }));
        drawer.open = false;
        loadAll();
      }
    }
    async function remove(x) {
      const ok = await confirmDialog({ title: t('tag.deleteTitle'), message: t('tag.deleteText', { name: x.name }), okText: t('tag.delete'), danger: true });
      if (!ok) return;
      try { await api.del(`/api/tags/${x.id}`); toast.success(t('tag.deleted', { name: x.name })); loadAll(); } catch (e) { toast.error(e.message); }
    }

    // apply a manual tag by phone list
    const apply = reactive({ open: false, tag: null, text: '', fileName: '', result: null, mode: 'add' });
    const applyForm = useForm({ phones: '' });
    const parsed = computed(() => parsePhones(apply.text));
    function openApply(x, mode = 'add') { apply.tag = x; apply.text = ''; apply.fileName = ''; apply.result = null; apply.mode = mode; applyForm.reset({ phones: '' }); apply.open = true; }
    async function onFile(e) {
      const f = e.target.files && e.target.files[0];
      if (!f) return;
      apply.fileName = f.name;
      apply.text = await readFileText(f);
      e.target.value = '';
    }
    async function doApply() {
      applyForm.errors = {};
      const phones = parsed.value.phones;
      if (!phones.length) { applyForm.errors.phones = t('tag.needPhones'); return; }
      if (phones.length > 5000) { applyForm.errors.phones = t('tag.tooManyPhones'); return; }
      const path = `/api/tags/${apply.tag.id}/members` + (apply.mode === 'remove' ? '/remove' : '');
      const res = await applyForm.run(() => api.post(path, { phones }));
      if (res) { apply.result = res; loadAll(); }
    }
    const membersLink = (x) => '#/members?tag_id=' + x.id;
    return {
      tags, loading, error, q, groups, groupNames, load: loadAll, stores, lcOptions, viaOptions, chOptions, ruleParts,
      drawer, form, cityChosen, openCreate, openEdit, save, remove, searchDivisions,
      apply, applyForm, parsed, openApply, onFile, doApply, membersLink, can, t, fmtNumber, fmtDateTime,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.tags')" :desc="t('tag.desc')">
        <button v-if="can('tag.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('tag.create') }}</button>
      </page-head>
      <div class="hh-card">
        <div class="list-toolbar">
          <div class="hh-input-icon list-search"><hh-icon name="search" :size="16" />
            <input class="hh-input" type="search" v-model="q" :placeholder="t('tag.search')" data-test="search" /></div>
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="load()"><hh-icon name="refresh" /></button></div>
        </div>
        <div v-if="error" class="hh-alert hh-alert-error tag-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
        <div v-else-if="loading && !tags.length" class="hh-table-state"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>
        <hh-empty v-else-if="!groups.length" icon="tag" :title="t('tag.empty')" :text="t('tag.emptyText')" />
        <div v-for="g in groups" :key="g.name" class="tag-group" :data-group="g.name">
          <div class="tag-group-head"><h3>{{ g.name || t('tag.noGroup') }}</h3><span class="muted">{{ t('tag.groupCount', { n: g.items.length }) }}</span></div>
          <table class="hh-table">
            <tbody>
              <tr v-for="x in g.items" :key="x.id" :data-tag="x.name">
                <td style="width:28%"><div class="cell-main"><hh-icon name="tag" :size="15" class="tag-ico" :class="'k-' + x.kind" /> {{ x.name }}</div></td>
                <td style="width:90px"><span class="hh-tag" :class="x.kind === 'rule' ? 'hh-tag-info' : 'hh-tag-primary'">{{ t('tag.kind.' + x.kind) }}</span></td>
                <td><div v-if="x.kind === 'rule'" class="rule-words"><span v-for="(p, i) in ruleParts(x.rule)" :key="i" class="rule-chip">{{ p }}</span></div>
                  <span v-else class="muted">{{ t('tag.manualHint') }}</span></td>
                <td style="width:110px;text-align:right"><a :href="membersLink(x)" class="member-count" data-test="member-count"><b>{{ fmtNumber(x.member_count || 0) }}</b> {{ t('tag.members') }}</a></td>
                <td style="width:230px"><div class="cell-actions">
                  <button v-if="x.kind === 'manual' && can('tag.manage')" type="button" class="hh-btn hh-btn-link" @click="openApply(x)" data-test="apply-phones">{{ t('tag.byPhones') }}</button>
                  <button v-if="can('tag.manage')" type="button" class="hh-btn hh-btn-link" @click="openEdit(x)">{{ t('common.edit') }}</button>
                  <button v-if="can('tag.manage')" type="button" class="hh-btn hh-btn-link danger" @click="remove(x)">{{ t('tag.delete') }}</button>
                </div></td>
              </tr>
            </tbody>
          </table>
        </div>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('tag.edit') : t('tag.create')" :subtitle="t('tag.createSub')" width="600px" @close="drawer.open = false">
        <form class="hh-form" id="tag-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div class="hh-form-row">
            <hh-field :label="t('tag.name')" :error="form.errors.name" name="name" required>
              <input class="hh-input" v-model="form.values.name" :placeholder="t('tag.namePh')" maxlength="50" />
            </hh-field>
            <hh-field :label="t('tag.group')" :error="form.errors.group_name" :hint="t('tag.groupHint')" name="group_name">
              <input class="hh-input" v-model="form.values.group_name" list="tag-groups" :placeholder="t('tag.groupPh')" maxlength="50" />
              <datalist id="tag-groups"><option v-for="g in groupNames" :key="g" :value="g" /></datalist>
            </hh-field>
          </div>
          <hh-field :label="t('tag.kindLabel')" name="kind">
            <div class="role-cards">
              <label v-for="k in ['manual', 'rule']" :key="k" class="role-card" :class="{ active: form.values.kind === k, fixed: !!drawer.row }" :data-kind="k">
                <input type="radio" :value="k" v-model="form.values.kind" :disabled="!!drawer.row" />
                <b>{{ t('tag.kind.' + k) }}</b><small>{{ t('tag.kindHint.' + k) }}</small></label>
            </div>
          </hh-field>
          <fieldset v-if="form.values.kind === 'rule'" class="rule-builder">
            <legend>{{ t('tag.ruleTitle') }}</legend>
            <p class="muted rule-help">{{ t('tag.ruleHelp') }}</p>
            <hh-field :label="t('tag.rule.lifecycle')" :error="form.errors.lifecycle" name="lifecycle">
              <hh-select v-model="form.values.lifecycle" :options="lcOptions" multiple :placeholder="t('tag.any')" name="lifecycle" />
            </hh-field>
            <hh-field :label="t('tag.rule.city')" :error="form.errors.city_code" name="city_code">
              <hh-select v-model="form.values.city_code" :remote="searchDivisions" :selected-options="cityChosen" multiple :placeholder="t('tag.anyCity')" name="city_code" />
            </hh-field>
            <div class="hh-form-row">
              <hh-field :label="t('tag.rule.via')" :error="form.errors.registered_via" name="registered_via">
                <hh-select v-model="form.values.registered_via" :options="viaOptions" multiple :placeholder="t('tag.any')" name="registered_via" />
              </hh-field>
              <hh-field :label="t('tag.rule.channel')" :error="form.errors.first_channel" name="first_channel">
                <hh-select v-model="form.values.first_channel" :options="chOptions" multiple :placeholder="t('tag.any')" name="first_channel" />
              </hh-field>
            </div>
            <hh-field :label="t('tag.rule.store')" :error="form.errors.owner_store_id" name="owner_store_id">
              <hh-select v-model="form.values.owner_store_id" :options="stores" multiple :placeholder="t('tag.anyStore')" name="owner_store_id" />
            </hh-field>
            <div class="hh-form-row">
              <hh-field :label="t('member.gender')" :error="form.errors.gender" name="gender">
                <select class="hh-native-select" v-model="form.values.gender" name="gender">
                  <option value="">{{ t('tag.any') }}</option>
                  <option value="female">{{ t('gender.female') }}</option><option value="male">{{ t('gender.male') }}</option><option value="unknown">{{ t('gender.unknown') }}</option>
                </select>
              </hh-field>
              <hh-field :label="t('tag.rule.sms')" :error="form.errors.consent_sms" name="consent_sms">
                <select class="hh-native-select" v-model="form.values.consent_sms" name="consent_sms">
                  <option value="">{{ t('tag.any') }}</option><option value="yes">{{ t('member.granted') }}</option><option value="no">{{ t('member.notGranted') }}</option>
                </select>
              </hh-field>
            </div>
          </fieldset>
          <div v-else class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ t('tag.manualExplain') }}</span></div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="tag-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="apply.open" :title="t('tag.byPhonesTitle', { name: apply.tag ? apply.tag.name : '' })" :subtitle="t('tag.byPhonesSub')" width="560px" @close="apply.open = false">
        <div v-if="apply.result" class="result-panel" data-test="apply-result">
          <div class="result-icon"><hh-icon name="check" :size="26" /></div>
          <h3>{{ t(apply.mode === 'remove' ? 'tag.removedN' : 'tag.appliedN', { n: fmtNumber(apply.result.changed) }) }}</h3>
          <p class="muted">{{ t('tag.requested', { n: fmtNumber(apply.result.requested) }) }}</p>
          <div v-if="(apply.result.unknown_phones || []).length" class="unknown-phones" data-test="unknown-phones">
            <div class="hh-alert hh-alert-warn"><hh-icon name="alert" /><span>{{ t('tag.unknown', { n: apply.result.unknown_phones.length }) }}</span></div>
            <ul><li v-for="p in apply.result.unknown_phones" :key="p" class="mono">{{ p }}</li></ul>
          </div>
        </div>
        <form v-else class="hh-form" id="apply-form" @submit.prevent="doApply" novalidate>
          <hh-form-error :message="applyForm.formError" />
          <div class="seg">
            <label class="seg-item" :class="{ active: apply.mode === 'add' }"><input type="radio" value="add" v-model="apply.mode" /> {{ t('tag.modeAdd') }}</label>
            <label class="seg-item" :class="{ active: apply.mode === 'remove' }"><input type="radio" value="remove" v-model="apply.mode" /> {{ t('tag.modeRemove') }}</label>
          </div>
          <hh-field :label="t('tag.phones')" :error="applyForm.errors.phones" :hint="t('tag.phonesHint')" name="phones" required>
            <textarea class="hh-textarea phones-area mono" v-model="apply.text" :placeholder="t('tag.phonesPh')" data-test="phones"></textarea>
          </hh-field>
          <label class="file-pick"><hh-icon name="upload" /> {{ apply.fileName || t('tag.pickFile') }}
            <input type="file" accept=".csv,.txt,text/csv,text/plain" @change="onFile" data-test="phones-file" /></label>
          <div class="parse-preview" v-if="apply.text.trim()" data-test="parsed">
            {{ t('tag.parsed', { n: fmtNumber(parsed.phones.length) }) }}<template v-if="parsed.skipped">，{{ t('tag.skipped', { n: parsed.skipped }) }}</template>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="apply.open = false">{{ apply.result ? t('common.close') : t('common.cancel') }}</button>
          <button v-if="!apply.result" type="submit" form="apply-form" class="hh-btn hh-btn-primary" :disabled="applyForm.busy" data-test="save">{{ apply.mode === 'remove' ? t('tag.removeGo') : t('tag.applyGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
