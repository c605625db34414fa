// components.js — the building blocks shared by the admin console, the staff
// app and the member H5: form fields with error display, a searchable select,
// a data table with pagination, a drawer, toasts, a confirm dialog, a language
// switch, and useForm(), which maps an API error onto the field it names.
//
// Templates are compiled in the browser by Vue's ESM build; no bundler.

import { reactive, ref, computed, watch, nextTick, onMounted, onBeforeUnmount } from 'vue';
import { t, lang, LANGS, setLang, addMessages } from './i18n.js';
import { ApiError } from './api.js';
import { HhIcon } from './icons.js';

/* ------------------------------------------------------------------ forms */

/**
 * useForm(values) → reactive {values, errors, formError, busy, run(fn), reset(v), setError(field,msg)}
 * run(fn) clears old errors, awaits fn(), and on ApiError puts its message under
 * errors[field] (when the form has that field) or in formError. Resolves with
 * fn's value, or undefined when it failed.
 */
export function useForm(initial = {}, fields = null) {
  const form = reactive({
    values: { ...initial },
    errors: {},
    formError: '',
    busy: false,
    reset(v = initial) { form.values = { ...v }; form.errors = {}; form.formError = ''; },
    setError(field, msg) { form.errors[field] = msg; },
    hasField(f) { return fields ? fields.includes(f) : f in form.values; },
    async run(fn) {
      form.errors = {};
      form.formError = '';
      form.busy = true;
      try {
        return await fn(form.values);
      } catch (e) {
        applyError(form, e);
        return undefined;
      } finally {
        form.busy = false;
      }
    },
  });
  return form;
}

export function applyError(form, e) {
  if (!(e instanceof ApiError)) { form.formError = t('err.unknown'); console.error(e); return; }
  const f = e.field && e.field.replace(/\[\d+\]$/, '').replace(/\.\w+$/, '');
  if (f && form.hasField(f)) form.errors[f] = e.message;
  else form.formError = e.message;
}

export const HhField = {
  name: 'HhField',
  props: { label: String, error: String, hint: String, required: Boolean, name: String },
  template: `
    <div class="hh-field" :class="{ 'has-error': !!error }" :data-field="name">
      <label v-if="label" class="hh-field-label">{{ label }}<span v-if="required" class="hh-req" aria-hidden="true">*</span></label>
      <slot />
      <p v-if="error" class="hh-field-error" role="alert"><hh-icon name="alert" :size="14" />{{ error }}</p>
      <p v-else-if="hint" class="hh-field-hint">{{ hint }}</p>
    </div>`,
  components: { HhIcon },
};

export const HhFormError = {
  name: 'HhFormError',
  props: { message: String },
  components: { HhIcon },
  template: `<div v-if="message" class="hh-alert hh-alert-error" role="alert"><hh-icon name="alert" /><span>{{ message }}</span></div>`,
};

export const HhSwitch = {
  name: 'HhSwitch',
  props: { modelValue: Boolean, label: String },
  emits: ['update:modelValue'],
  template: `
    <label class="hh-switch">
      <input type="checkbox" :checked="modelValue" @change="$emit('update:modelValue', $event.target.checked)" />
      <span class="hh-switch-track"><span class="hh-switch-knob"></span></span>
      <span v-if="label" class="hh-switch-label">{{ label }}</span>
    </label>`,
};

/* ----------------------------------------------------------------- select */

/**
 * <hh-select v-model="x" :options="[{value,label,sub}]" multiple searchable
 *            :remote="q => Promise<options>" :selected-options="[...]"/>
 * Searchable single or multi select. With `remote`, options come from the
 * function as the user types; `selected-options` gives labels for values that
 * are not in the current option list (e.g. the city of a store being edited).
 */
export const HhSelect = {
  name: 'HhSelect',
  components: { HhIcon },
  props: {
    modelValue: { default: null },
    options: { type: Array, default: () => [] },
    multiple: Boolean,
    searchable: { type: Boolean, default: true },
    clearable: { type: Boolean, default: true },
    placeholder: String,
    remote: Function,
    selectedOptions: { type: Array, default: () => [] },
    name: String,
    invalid: Boolean,
    disabled: Boolean,
  },
  emits: ['update:modelValue', 'change'],
  setup(props, { emit }) {
    const open = ref(false);
    const q = ref('');
    const active = ref(0);
    const remoteOptions = ref([]);
    const loading = ref(false);
    const root = ref(null);
    const input = ref(null);
    const known = reactive(new Map()); // value → option, for labels of chosen values

    const remember = (opts) => { for (const o of opts || []) known.set(String(o.value), o); };
    watch(() => props.options, remember, { immediate: true });
    watch(() => props.selectedOptions, remember, { immediate: true });

    const base = computed(() => (props.remote ? remoteOptions.value : props.options));
    const filtered = computed(() => {
      if (props.remote || !q.value.trim()) return base.value;
      const s = q.value.trim().toLowerCase();
      return base.value.filter((o) => (o.label + ' ' + (o.sub || '') + ' ' + (o.keywords || '')).toLowerCase().includes(s));
    });
    const values = computed(() => {
      if (props.multiple) return (props.modelValue || []).map(String);
      return props.modelValue === null || props.modelValue === undefined || props.modelValue === '' ? [] : [String(props.modelValue)];
    });
    const chosen = computed(() => values.value.map((v) => known.get(v) || { value: v, label: v }));
    const isChosen = (o) => values.value.includes(String(o.value));

    let timer = null;
    async function load() {
      if (!props.remote) return;
      loading.value = true;
      try {
        const opts = await props.remote(q.value.trim());
        remoteOptions.value = opts;
        remember(opts);
      } catch (_) {
        remoteOptions.value = [];
      } finally {
        loading.value = false;
      }
    }
    watch(q, () => {
      active.value = 0;
      if (props.remote) { clearTimeout(timer); timer = setTimeout(load, 200); }
    });

    function toggle() {
      if (props.disabled) return;
      open.value ? close() : show();
    }
    async function show() {
      open.value = true;
      q.value = '';
      active.value = 0;
      if (props.remote) load();
      await nextTick();
      input.value && input.value.focus();
    }
    function close() { open.value = false; }
    function pick(o) {
      remember([o]);
      if (props.multiple) {
        const cur = values.value.slice();
        const i = cur.indexOf(String(o.value));
        if (i >= 0) cur.splice(i, 1); else cur.push(String(o.value));
        const typed = cur.map((v) => (known.get(v) ? known.get(v).value : v));
        emit('update:modelValue', typed);
        emit('change', typed);
      } else {
        emit('update:modelValue', o.value);
        emit('change', o.value);
        close();
      }
    }
    function removeValue(v) {
      if (!props.multiple) { emit('update:modelValue', null); emit('change', null); return; }
      const next = (props.modelValue || []).filter((x) => String(x) !== String(v));
      emit('update:modelValue', next);
      emit('change', next);
    }
    function clear() {
      const v = props.multiple ? [] : null;
      emit('update:modelValue', v);
      emit('change', v);
    }
    function onKey(e) {
      const n = filtered.value.length;
      if (e.key === 'ArrowDown') { active.value = Math.min(n - 1, active.value + 1); e.preventDefault(); }
      else if (e.key === 'ArrowUp') { active.value = Math.max(0, active.value - 1); e.preventDefault(); }
      else if (e.key === 'Enter') { if (filtered.value[active.value]) pick(filtered.value[active.value]); e.preventDefault(); }
      else if (e.key === 'Escape') { e.stopPropagation(); close(); }
    }
    function onDoc(e) { if (root.value && !root.value.contains(e.target)) close(); }
    onMounted(() => document.addEventListener('mousedown', onDoc));
    onBeforeUnmount(() => document.removeEventListener('mousedown', onDoc));

    return { open, q, active, filtered, chosen, loading, root, input, toggle, pick, removeValue, clear, onKey, isChosen, t };
  },
  template: `
    <div class="hh-select" :class="{ open, invalid, disabled, multiple }" ref="root" :data-name="name">
      <div class="hh-select-control" role="combobox" :aria-expanded="open" tabindex="0"
           @click="toggle" @keydown.enter.prevent="toggle" @keydown.space.prevent="toggle">
        <template v-if="multiple">
          <span v-for="c in chosen" :key="c.value" class="hh-chip">{{ c.label }}
            <button type="button" class="hh-chip-x" :aria-label="t('common.clear')" @click.stop="removeValue(c.value)"><hh-icon name="close" :size="12" /></button>
          </span>
          <span v-if="!chosen.length" class="hh-select-placeholder">{{ placeholder || t('common.select') }}</span>
        </template>
        <template v-else>
          <span v-if="chosen.length" class="hh-select-value">{{ chosen[0].label }}<small v-if="chosen[0].sub"> · {{ chosen[0].sub }}</small></span>
          <span v-else class="hh-select-placeholder">{{ placeholder || t('common.select') }}</span>
        </template>
        <button v-if="clearable && chosen.length && !disabled" type="button" class="hh-select-clear" :aria-label="t('common.clear')" @click.stop="clear"><hh-icon name="close" :size="14" /></button>
        <hh-icon name="chevronDown" class="hh-select-caret" :size="16" />
      </div>
      <div v-if="open" class="hh-select-menu">
        <div v-if="searchable" class="hh-select-search">
          <hh-icon name="search" :size="15" />
          <input ref="input" v-model="q" :placeholder="t('common.searchPlaceholder')" @keydown="onKey" />
        </div>
        <ul class="hh-select-list" role="listbox">
          <li v-if="loading && !filtered.length" class="hh-select-empty">{{ t('common.loading') }}</li>
          <li v-else-if="!filtered.length" class="hh-select-empty">{{ t('common.noMatch') }}</li>
          <li v-for="(o, i) in filtered" :key="o.value" role="option" :aria-selected="isChosen(o)"
              class="hh-select-option" :class="{ active: i === active, chosen: isChosen(o) }"
              @mouseenter="active = i" @mousedown.prevent="pick(o)">
            <span class="hh-select-option-label">{{ o.label }}</span>
            <span v-if="o.sub" class="hh-select-option-sub">{{ o.sub }}</span>
            <hh-icon v-if="isChosen(o)" name="check" :size="15" class="hh-select-check" />
          </li>
        </ul>
      </div>
    </div>`,
};

/* ------------------------------------------------------------------ table */

/**
 * <hh-table :columns="[{key,label,width,align,class}]" :rows :total :limit :offset
 *           :loading @page="offset => …" @limit="n => …" :expandable>
 *   <template #cell-name="{row}">…</template>
 *   <template #expand="{row}">…</template>
 * </hh-table>
 */
export const HhTable = {
  name: 'HhTable',
  components: { HhIcon },
  props: {
    columns: { type: Array, required: true },
    rows: { type: Array, default: () => [] },
    rowKey: { type: String, default: 'id' },
    total: { type: Number, default: 0 },
    limit: { type: Number, default: 20 },
    offset: { type: Number, default: 0 },
    loading: Boolean,
    error: String,
    emptyText: String,
    expandable: Boolean,
    rowClass: Function,
    pageSizes: { type: Array, default: () => [20, 50, 100] },
  },
  emits: ['page', 'limit', 'retry'],
  setup(props, { emit }) {
    const expanded = reactive(new Set());
    const page = computed(() => Math.floor(props.offset / props.limit) + 1);
    const pages = computed(() => Math.max(1, Math.ceil(props.total / props.limit)));
    const pageList = computed(() => {
      const n = pages.value, p = page.value, out = [];
      const add = (x) => out.push(x);
      if (n <= 7) { for (let i = 1; i <= n; i++) add(i); return out; }
      add(1);
      if (p > 4) add('…l');
      for (let i = Math.max(2, p - 2); i <= Math.min(n - 1, p + 2); i++) add(i);
      if (p < n - 3) add('…r');
      add(n);
      return out;
    });
    const go = (p) => { if (p >= 1 && p <= pages.value && p !== page.value) emit('page', (p - 1) * props.limit); };
    const toggle = (row) => {
      const k = row[props.rowKey];
      expanded.has(k) ? expanded.delete(k) : expanded.add(k);
    };
    const span = computed(() => props.columns.length + (props.expandable ? 1 : 0));
    return { expanded, page, pages, pageList, go, toggle, span, t };
  },
  template: `
    <div class="hh-table-wrap" :class="{ loading }">
      <table class="hh-table">
        <thead><tr>
          <th v-if="expandable" class="hh-col-expand"></th>
          <th v-for="c in columns" :key="c.key" :style="{ width: c.width, textAlign: c.align }" :class="c.class">{{ c.label }}</th>
        </tr></thead>
        <tbody>
          <tr v-if="error"><td :colspan="span" class="hh-table-state error">
            <hh-icon name="alert" /> {{ error }} <button type="button" class="hh-btn hh-btn-link" @click="$emit('retry')">{{ t('common.retry') }}</button>
          </td></tr>
          <tr v-else-if="loading && !rows.length"><td :colspan="span" class="hh-table-state">
            <span class="hh-spinner"></span> {{ t('common.loading') }}</td></tr>
          <tr v-else-if="!rows.length"><td :colspan="span" class="hh-table-state">
            <div class="hh-empty-art"></div>{{ emptyText || t('common.empty') }}</td></tr>
          <template v-for="row in rows" :key="row[rowKey]">
            <tr :class="[rowClass ? rowClass(row) : '', { expanded: expanded.has(row[rowKey]) }]" :data-id="row[rowKey]">
              <td v-if="expandable" class="hh-col-expand">
                <button type="button" class="hh-expander" :aria-expanded="expanded.has(row[rowKey])" @click="toggle(row)">
                  <hh-icon :name="expanded.has(row[rowKey]) ? 'chevronDown' : 'chevronRight'" :size="16" />
                </button>
              </td>
              <td v-for="c in columns" :key="c.key" :style="{ textAlign: c.align }" :class="c.class">
                <slot :name="'cell-' + c.key" :row="row">{{ row[c.key] ?? '—' }}</slot>
              </td>
            </tr>
            <tr v-if="expandable && expanded.has(row[rowKey])" class="hh-expand-row">
              <td :colspan="span"><slot name="expand" :row="row" /></td>
            </tr>
          </template>
        </tbody>
      </table>
      <div class="hh-pager" v-if="total > 0">
        <span class="hh-pager-total">{{ t('common.total', { n: total }) }}</span>
        <select class="hh-pager-size" :value="limit" @change="$emit('limit', Number($event.target.value))">
          <option v-for="s in pageSizes" :key="s" :value="s">{{ t('common.perPage', { n: s }) }}</option>
        </select>
        <button type="button" class="hh-pager-btn" :disabled="page <= 1" :aria-label="t('common.prev')" @click="go(page - 1)"><hh-icon name="chevronLeft" :size="16" /></button>
        <template v-for="p in pageList" :key="p">
          <span v-if="typeof p === 'string'" class="hh-pager-gap">…</span>
          <button v-else type="button" class="hh-pager-btn" :class="{ current: p === page }" @click="go(p)">{{ p }}</button>
        </template>
        <button type="button" class="hh-pager-btn" :disabled="page >= pages" :aria-label="t('common.next')" @click="go(page + 1)"><hh-icon name="chevronRight" :size="16" /></button>
      </div>
    </div>`,
};

/* ----------------------------------------------------------------- drawer */

export const HhDrawer = {
  name: 'HhDrawer',
  components: { HhIcon },
  props: { open: Boolean, title: String, subtitle: String, width: { type: String, default: '520px' } },
  emits: ['close'],
  setup(props, { emit }) {
    const onKey = (e) => { if (e.key === 'Escape' && props.open) emit('close'); };
    onMounted(() => document.addEventListener('keydown', onKey));
    onBeforeUnmount(() => document.removeEventListener('keydown', onKey));
    return { t };
  },
  template: `
    <teleport to="body">
      <transition name="hh-drawer">
        <div v-if="open" class="hh-drawer-layer">
          <div class="hh-drawer-mask" @click="$emit('close')"></div>
          <aside class="hh-drawer" role="dialog" aria-modal="true" :aria-label="title" :style="{ width }">
            <header class="hh-drawer-head">
              <div><h2>{{ title }}</h2><p v-if="subtitle">{{ subtitle }}</p></div>
              <button type="button" class="hh-icon-btn" :aria-label="t('common.close')" @click="$emit('close')"><hh-icon name="close" /></button>
            </header>
            <div class="hh-drawer-body"><slot /></div>
            <footer v-if="$slots.footer" class="hh-drawer-foot"><slot name="footer" /></footer>
          </aside>
        </div>
      </transition>
    </teleport>`,
};

/* ----------------------------------------------------------------- toasts */

const toasts = reactive([]);
let toastSeq = 0;
function pushToast(kind, message, ms = 3200) {
  const id = ++toastSeq;
  toasts.push({ id, kind, message });
  setTimeout(() => { const i = toasts.findIndex((x) => x.id === id); if (i >= 0) toasts.splice(i, 1); }, ms);
}
export const toast = {
  success: (m) => pushToast('success', m),
  error: (m) => pushToast('error', m, 5000),
  info: (m) => pushToast('info', m),
};

export const HhToasts = {
  name: 'HhToasts',
  components: { HhIcon },
  setup() { return { toasts }; },
  template: `
    <div class="hh-toasts" aria-live="polite">
      <transition-group name="hh-toast">
        <div v-for="x in toasts" :key="x.id" class="hh-toast" :class="'hh-toast-' + x.kind" role="status">
          <hh-icon :name="x.kind === 'success' ? 'check' : x.kind === 'error' ? 'alert' : 'info'" />
          <span>{{ x.message }}</span>
        </div>
      </transition-group>
    </div>`,
};

/* ---------------------------------------------------------------- confirm */

const dialog = reactive({ open: false, title: '', message: '', okText: '', danger: false, busy: false, resolve: null });

/** confirmDialog({title, message, okText, danger}) → Promise<boolean> */
export function confirmDialog(opts) {
  return new Promise((resolve) => {
    Object.assign(dialog, { open: true, title: '', message: '', okText: '', danger: false, ...opts, resolve });
  });
}

export const HhConfirmHost = {
  name: 'HhConfirmHost',
  components: { HhIcon },
  setup() {
    const done = (v) => { dialog.open = false; dialog.resolve && dialog.resolve(v); };
    const onKey = (e) => { if (dialog.open && e.key === 'Escape') done(false); };
    onMounted(() => document.addEventListener('keydown', onKey));
    onBeforeUnmount(() => document.removeEventListener('keydown', onKey));
    return { dialog, done, t };
  },
  template: `
    <teleport to="body">
      <div v-if="dialog.open" class="hh-modal-layer">
        <div class="hh-modal-mask" @click="done(false)"></div>
        <div class="hh-modal" role="alertdialog" aria-modal="true" :aria-label="dialog.title">
          <div class="hh-modal-icon" :class="{ danger: dialog.danger }"><hh-icon :name="dialog.danger ? 'alert' : 'info'" :size="22" /></div>
          <div class="hh-modal-main">
            <h3>{{ dialog.title }}</h3>
            <p>{{ dialog.message }}</p>
          </div>
          <div class="hh-modal-actions">
            <button type="button" class="hh-btn" @click="done(false)">{{ t('common.cancel') }}</button>
            <button type="button" class="hh-btn" :class="dialog.danger ? 'hh-btn-danger' : 'hh-btn-primary'" @click="done(true)">{{ dialog.okText || t('common.confirm') }}</button>
          </div>
        </div>
      </div>
    </teleport>`,
};

/* --------------------------------------------------------- language switch */

export const HhLangSwitch = {
  name: 'HhLangSwitch',
  components: { HhIcon },
  props: { compact: Boolean },
  setup() { return { lang, LANGS, setLang, t }; },
  template: `
    <div class="hh-lang" role="group" :aria-label="t('common.language')">
      <hh-icon v-if="!compact" name="globe" :size="16" />
      <button v-for="l in LANGS" :key="l.code" type="button" class="hh-lang-btn"
              :class="{ active: lang === l.code }" :aria-pressed="lang === l.code"
              @click="setLang(l.code)">{{ l.code === 'en' ? 'EN' : l.label }}</button>
    </div>`,
};

/* --------------------------------------------------------------- misc bits */

export const HhEmpty = {
  name: 'HhEmpty',
  components: { HhIcon },
  props: { icon: { type: String, default: 'info' }, title: String, text: String },
  template: `
    <div class="hh-empty">
      <div class="hh-empty-icon"><hh-icon :name="icon" :size="26" /></div>
      <p class="hh-empty-title">{{ title }}</p>
      <p v-if="text" class="hh-empty-text">{{ text }}</p>
      <slot />
    </div>`,
};

export const HhAvatar = {
  name: 'HhAvatar',
  props: { name: String, size: { type: Number, default: 36 }, first: Boolean },
  computed: {
    text() {
      const s = String(this.name || '').trim();
      if (!s) return '?';
      if (this.first) return /[\u4e00-\u9fff]/.test(s[0]) ? s[0] : s[0].toUpperCase();
      if (/[\u4e00-\u9fff]/.test(s)) return s.length <= 2 ? s : s.length === 3 ? s.slice(-2) : s[0];
      return s.split(/\s+/).map((w) => w[0]).join('').slice(0, 2).toUpperCase();
    },
    hue() {
      let h = 0;
      for (const ch of String(this.name || '')) h = (h * 31 + ch.codePointAt(0)) % 360;
      return h;
    },
  },
  template: `<span class="hh-avatar" :style="{ width: size + 'px', height: size + 'px', fontSize: Math.round(size * 0.38) + 'px', background: 'hsl(' + hue + ' 60% 92%)', color: 'hsl(' + hue + ' 45% 32%)' }">{{ text }}</span>`,
};

/**
 * <hh-password-form @done> — change one's own password (POST /api/auth/password).
 * Used by the staff app's Me tab and the admin console's account menu.
 */
export const HhPasswordForm = {
  name: 'HhPasswordForm',
  components: { HhField, HhFormError },
  emits: ['done'],
  props: { api: { type: Object, required: true } },
  setup(props, { emit }) {
    const form = useForm({ old_password: '', new_password: '', confirm: '' });
    async function submit() {
      const v = form.values;
      form.errors = {};
      if (!v.old_password) form.errors.old_password = t('pw.needOld');
      if (!v.new_password) form.errors.new_password = t('pw.needNew');
      else if (v.new_password.length < 8) form.errors.new_password = t('pw.tooShort');
      if (v.new_password && v.confirm !== v.new_password) form.errors.confirm = t('pw.mismatch');
      if (Object.keys(form.errors).length) return;
      const ok = await form.run(() => props.api.post('/api/auth/password',
        { old_password: v.old_password, new_password: v.new_password }));
      if (ok !== undefined) {
        toast.success(t('pw.changed'));
        form.reset();
        emit('done');
      }
    }
    return { form, submit, t };
  },
  template: `
    <form class="hh-form" @submit.prevent="submit" novalidate>
      <hh-form-error :message="form.formError" />
      <hh-field :label="t('pw.old')" :error="form.errors.old_password" name="old_password" required>
        <input class="hh-input" type="password" autocomplete="current-password" v-model="form.values.old_password" />
      </hh-field>
      <hh-field :label="t('pw.new')" :error="form.errors.new_password" :hint="t('pw.hint')" name="new_password" required>
        <input class="hh-input" type="password" autocomplete="new-password" v-model="form.values.new_password" />
      </hh-field>
      <hh-field :label="t('pw.confirm')" :error="form.errors.confirm" name="confirm" required>
        <input class="hh-input" type="password" autocomplete="new-password" v-model="form.values.confirm" />
      </hh-field>
      <button type="submit" class="hh-btn hh-btn-primary hh-btn-block" :disabled="form.busy">{{ form.busy ? t('common.loading') : t('pw.submit') }}</button>
    </form>`,
};

addMessages({
  'zh-CN': {
    'pw.title': '修改密码',
    'pw.old': '当前密码',
    'pw.new': '新密码',
    'pw.confirm': '确认新密码',
    'pw.hint': '至少 8 位，建议包含字母和数字',
    'pw.submit': '确认修改',
    'pw.needOld': '请输入当前密码',
    'pw.needNew': '请输入新密码',
    'pw.tooShort': '新密码至少 8 位',
    'pw.mismatch': '两次输入的新密码不一致',
    'pw.changed': '密码已修改',
  },
  en: {
    'pw.title': 'Change password',
    'pw.old': 'Current password',
    'pw.new': 'New password',
    'pw.confirm': 'Confirm new password',
    'pw.hint': 'At least 8 characters; mix letters and digits',
    'pw.submit': 'Change password',
    'pw.needOld': 'Enter your current password',
    'pw.needNew': 'Enter a new password',
    'pw.tooShort': 'The new password needs at least 8 characters',
    'pw.mismatch': 'The two new passwords do not match',
    'pw.changed': 'Password changed',
  },
});

/**
 * <hh-login-form :api @done="({token, account}) => …"> — login + password
 * against POST /api/auth/login. A wrong password and throttling (429) are
 * shown where the server says: under the named field, or above the form.
 */
export const HhLoginForm = {
  name: 'HhLoginForm',
  components: { HhField, HhFormError, HhIcon },
  emits: ['done'],
  props: { api: { type: Object, required: true }, large: Boolean },
  setup(props, { emit }) {
    const form = useForm({ login: '', password: '' });
    async function submit() {
      const v = form.values;
      form.errors = {};
      form.formError = '';
      if (!v.login.trim()) form.errors.login = t('login.needLogin');
      if (!v.password) form.errors.password = t('login.needPassword');
      if (Object.keys(form.errors).length) return;
      const res = await form.run(() => props.api.post('/api/auth/login',
        { login: v.login.trim(), password: v.password }, { silent401: true }));
      if (res) emit('done', res);
    }
    return { form, submit, t };
  },
  template: `
    <form class="hh-form" @submit.prevent="submit" novalidate>
      <hh-form-error :message="form.formError" />
      <hh-field :label="t('login.login')" :error="form.errors.login" name="login">
        <div class="hh-input-icon"><hh-icon name="user" :size="16" />
          <input class="hh-input" :class="{ 'hh-input-lg': large }" name="login" autocomplete="username" autocapitalize="off"
                 :placeholder="t('login.loginPlaceholder')" v-model="form.values.login" /></div>
      </hh-field>
      <hh-field :label="t('login.password')" :error="form.errors.password" name="password">
        <div class="hh-input-icon"><hh-icon name="lock" :size="16" />
          <input class="hh-input" :class="{ 'hh-input-lg': large }" name="password" type="password" autocomplete="current-password"
                 :placeholder="t('login.passwordPlaceholder')" v-model="form.values.password" /></div>
      </hh-field>
      <button type="submit" class="hh-btn hh-btn-primary hh-btn-block hh-btn-lg" :disabled="form.busy">
        {{ form.busy ? t('login.submitting') : t('login.submit') }}</button>
    </form>`,
};

// Register everything on an app in one call.
export function useShared(app) {
  app.component('HhIcon', HhIcon);
  app.component('HhField', HhField);
  app.component('HhFormError', HhFormError);
  app.component('HhSwitch', HhSwitch);
  app.component('HhSelect', HhSelect);
  app.component('HhTable', HhTable);
  app.component('HhDrawer', HhDrawer);
  app.component('HhToasts', HhToasts);
  app.component('HhConfirmHost', HhConfirmHost);
  app.component('HhLangSwitch', HhLangSwitch);
  app.component('HhEmpty', HhEmpty);
  app.component('HhAvatar', HhAvatar);
  app.component('HhPasswordForm', HhPasswordForm);
  app.component('HhLoginForm', HhLoginForm);
  app.config.globalProperties.t = t;
  return app;
}
