// Accounts (账号): who may log in to the console or the staff app.
// A brand manager is scoped to brands; a staff account is tied to one staff record.

import { reactive, ref, computed } from 'vue';
import { api, listAll } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can, assignableRoles, session } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions, clean } from '../parts.js';

const EMPTY = { login: '', name: '', password: '', role: 'staff', brand_ids: [], staff_id: null, disabled: false };
const ROLE_TAG = { owner: 'hh-tag-danger', brand_manager: 'hh-tag-info', staff: 'hh-tag-success' };

function staffOption(s) {
  return { value: s.id, label: s.name, sub: [s.store_name, s.employee_no].filter(Boolean).join(' · ') };
}

export default {
  components: { PageHead, ListToolbar },
  setup() {
    // Accounts are never archived: DELETE disables one (it can be enabled again).
    const list = useList('/api/accounts', { filters: { role: null }, archived: false });
    list.load();
    const brands = ref([]);
    const storeNames = ref({});
    const staffById = ref({});
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { storeNames.value = Object.fromEntries(o.map((s) => [s.value, s.label])); }).catch(() => {});
    listAll('/api/staff').then((all) => { staffById.value = Object.fromEntries(all.map((s) => [s.id, s])); }).catch(() => {});
    const brandName = (id) => (brands.value.find((b) => String(b.value) === String(id)) || {}).label || '#' + id;

    const roleOptions = computed(() => ['owner', 'brand_manager', 'staff'].map((r) => ({ value: r, label: t('role.' + r) })));
    const newRoleOptions = computed(() => assignableRoles().map((r) => ({ value: r, label: t('role.' + r) })));
    const columns = computed(() => [
      { key: 'login', label: t('account.login') },
      { key: 'role', label: t('account.role'), width: '120px' },
      { key: 'scope', label: t('account.scope') },
      { key: 'status', label: t('account.status'), width: '90px' },
      { key: 'last_login_at', label: t('account.lastLogin'), width: '150px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);

    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY);
    const staffChosen = ref([]);
    const searchStaff = async (q) => {
      const res = await api.get('/api/staff', { q, limit: 50 });
      return ((res && res.items) || []).map(staffOption);
    };

    function openCreate() {
      drawer.row = null;
      form.reset({ ...EMPTY, brand_ids: [], role: assignableRoles().includes('staff') ? 'staff' : assignableRoles()[0] });
      staffChosen.value = [];
      drawer.open = true;
    }
    function openEdit(row) {
      drawer.row = row;
      form.reset({
        login: row.login, name: row.name || '', password: '', role: row.role,
        brand_ids: (row.brand_ids || []).slice(), staff_id: row.staff_id || null, disabled: !!row.disabled,
      });
      const s = row.staff_id && staffById.value[row.staff_id];
      staffChosen.value = s ? [staffOption(s)] : [];
      drawer.open = true;
    }
    const isSelf = (row) => session.account && row.id === session.account.id;

    async function save() {
      const v = clean(form.values);
      const editing = drawer.row;
      form.errors = {};
      if (!editing && !v.login) form.errors.login = t('account.needLogin');
      if (!v.name) form.errors.name = t('account.needName');
      if (!editing && !form.values.password) form.errors.password = t('account.needPassword');
      if (form.values.password && form.values.password.length < 8) form.errors.password = t('pw.tooShort');
      if (v.role === 'brand_manager' && !v.brand_ids.length) form.errors.brand_ids = t('account.needBrands');
      if (v.role === 'staff' && !v.staff_id) form.errors.staff_id = t('account.needStaff');
      if (Object.keys(form.errors).length) return;

      const body = { name: v.name };
      if (form.values.password) body.password = form.values.password;
      if (v.role === 'brand_manager') body.brand_ids = v.brand_ids.map(Number);
      if (v.role === 'staff') body.staff_id = Number(v.staff_id);
      let res;
      if (editing) {
        body.disabled = !!v.disabled;
        res = await form.run(() => api.patch(`/api/accounts/${editing.id}`, body));
      } else {
        res = await form.run(() => api.post('/api/accounts', { login: v.login, role: v.role, ...body }));
      }
      if (res) {
        toast.success(editing ? t('common.saved') : t('account.createdToast', { name: res.login || v.login }));
        drawer.open = false;
        list.load();
      }
    }
    async function disable(row) {
      const ok = await confirmDialog({
        title: t('account.disableTitle'), message: t('account.disableMessage', { name: row.login }),
        okText: t('account.disable'), danger: true,
      });
      if (!ok) return;
      try {
        await api.del(`/api/accounts/${row.id}`);
        toast.success(t('account.disabledToast', { name: row.login }));
        list.load();
      } catch (e) { toast.error(e.message); }
    }
    async function enable(row) {
      try {
        await api.patch(`/api/accounts/${row.id}`, { disabled: false });
        toast.success(t('account.enabledToast', { name: row.login }));
        list.load();
      } catch (e) { toast.error(e.message); }
    }
    if (route.query.new === '1') { history.replaceState(null, '', '#' + route.path); if (can('account.create')) openCreate(); }
    return {
      list, brands, columns, roleOptions, newRoleOptions, drawer, form, staffChosen, searchStaff,
      openCreate, openEdit, save, disable, enable, can, t, fmtDateTime, brandName, storeNames, staffById, ROLE_TAG, isSelf,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.accounts')" :desc="t('account.desc')">
        <button v-if="can('account.create')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create">
          <hh-icon name="plus" /> {{ t('account.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('account.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter" v-model="list.filters.role" :options="roleOptions" :searchable="false" :placeholder="t('account.allRoles')" name="filter-role" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('account.empty')"
                  :row-class="r => r.disabled ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-login="{ row }">
            <div class="cell-with-avatar"><hh-avatar :name="row.name || row.login" :size="32" />
              <div><div class="cell-main">{{ row.name || row.login }}
                <span v-if="isSelf(row)" class="hh-tag hh-tag-primary">{{ t('account.you') }}</span></div>
                <div class="cell-sub mono">{{ row.login }}</div></div></div>
          </template>
          <template #cell-role="{ row }"><span class="hh-tag" :class="ROLE_TAG[row.role]">{{ t('role.' + row.role) }}</span></template>
          <template #cell-scope="{ row }">
            <span v-if="row.role === 'owner'" class="muted">{{ t('account.scopeAll') }}</span>
            <div v-else-if="row.role === 'brand_manager'" class="hh-tags">
              <span v-for="id in row.brand_ids || []" :key="id" class="hh-tag hh-tag-primary">{{ brandName(id) }}</span></div>
            <template v-else-if="row.role === 'staff'">
              <div>{{ row.staff_name || (staffById[row.staff_id] || {}).name || (row.staff_id ? '#' + row.staff_id : '—') }}</div>
              <div class="cell-sub">{{ storeNames[row.store_id] || (staffById[row.staff_id] || {}).store_name || '' }}</div>
            </template>
          </template>
          <template #cell-status="{ row }">
            <span v-if="row.disabled" class="hh-tag hh-tag-warn">{{ t('account.disabled') }}</span>
            <span v-else class="hh-tag hh-tag-success">{{ t('account.enabled') }}</span>
          </template>
          <template #cell-last_login_at="{ row }"><span class="muted">{{ row.last_login_at ? fmtDateTime(row.last_login_at) : t('account.never') }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button v-if="can('account.update')" type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
              <template v-if="!isSelf(row)">
                <button v-if="!row.disabled && can('account.archive')" type="button" class="hh-btn hh-btn-link danger" @click="disable(row)">{{ t('account.disable') }}</button>
                <button v-if="row.disabled && can('account.update')" type="button" class="hh-btn hh-btn-link" @click="enable(row)">{{ t('account.enable') }}</button>
              </template>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('account.edit') : t('account.create')"
                 :subtitle="drawer.row ? drawer.row.login : t('account.createSub')" @close="drawer.open = false">
        <form class="hh-form" id="account-form" @submit.prevent="save" novalidate autocomplete="off">
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('account.login')" :error="form.errors.login" :hint="drawer.row ? t('account.loginFixed') : t('account.loginHint')" name="login" required>
            <input class="hh-input mono" v-model="form.values.login" :disabled="!!drawer.row" :placeholder="t('account.loginPh')" autocapitalize="off" autocomplete="off" maxlength="64" />
          </hh-field>
          <hh-field :label="t('account.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('account.namePh')" maxlength="50" />
          </hh-field>
          <hh-field :label="drawer.row ? t('account.newPassword') : t('login.password')" :error="form.errors.password"
                    :hint="drawer.row ? t('account.passwordKeep') : t('pw.hint')" name="password" :required="!drawer.row">
            <input class="hh-input" type="password" v-model="form.values.password" autocomplete="new-password" maxlength="128" />
          </hh-field>
          <hh-field :label="t('account.role')" :error="form.errors.role" name="role" required>
            <div class="role-cards" role="radiogroup">
              <label v-for="r in (drawer.row ? roleOptions.filter(o => o.value === form.values.role) : newRoleOptions)" :key="r.value"
                     class="role-card" :class="{ active: form.values.role === r.value, fixed: !!drawer.row }">
                <input type="radio" name="role" :value="r.value" v-model="form.values.role" :disabled="!!drawer.row" />
                <b>{{ r.label }}</b><small>{{ t('account.roleDesc.' + r.value) }}</small>
              </label>
            </div>
          </hh-field>
          <hh-field v-if="form.values.role === 'brand_manager'" :label="t('account.brands')" :error="form.errors.brand_ids" name="brand_ids" required>
            <hh-select v-model="form.values.brand_ids" :options="brands" multiple :placeholder="t('store.brandsPh')" :invalid="!!form.errors.brand_ids" name="brand_ids" />
          </hh-field>
          <hh-field v-if="form.values.role === 'staff'" :label="t('account.staff')" :error="form.errors.staff_id" :hint="t('account.staffHint')" name="staff_id" required>
            <hh-select v-model="form.values.staff_id" :remote="searchStaff" :selected-options="staffChosen" :placeholder="t('account.staffPh')" :invalid="!!form.errors.staff_id" name="staff_id" />
          </hh-field>
          <hh-field v-if="drawer.row" :label="t('account.status')" :error="form.errors.disabled" name="disabled">
            <hh-switch v-model="form.values.disabled" :label="t('account.disableLabel')" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="account-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
