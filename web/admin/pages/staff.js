// Staff / promoters (员工/导购): list filtered by store and brand, create/edit.

import { reactive, ref, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, StatusTag, archiveWithConfirm, brandOptions, storeOptions, clean } from '../parts.js';

const EMPTY = { name: '', store_id: null, phone: '', employee_no: '', title: '' };

export default {
  components: { PageHead, ListToolbar, StatusTag },
  setup() {
    const list = useList('/api/staff', {
      filters: { store_id: route.query.store_id ? Number(route.query.store_id) : null, brand_id: null },
    });
    list.load();
    const brands = ref([]);
    const stores = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const columns = computed(() => [
      { key: 'name', label: t('staff.name') },
      { key: 'store_name', label: t('staff.store') },
      { key: 'title', label: t('staff.title'), width: '120px' },
      { key: 'phone', label: t('common.phone'), width: '140px' },
      { key: 'account', label: t('staff.account'), width: '110px' },
      { key: 'updated_at', label: t('common.updatedAt'), width: '150px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);

    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY);
    function openCreate() {
      drawer.row = null;
      form.reset({ ...EMPTY, store_id: list.filters.store_id || null });
      drawer.open = true;
    }
    function openEdit(row) {
      drawer.row = row;
      form.reset({
        name: row.name || '', store_id: row.store_id, phone: row.phone || '',
        employee_no: row.employee_no || '', title: row.title || '',
      });
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('staff.needName');
      if (!v.store_id) form.errors.store_id = t('staff.needStore');
      if (Object.keys(form.errors).length) return;
      const body = { ...v, store_id: Number(v.store_id) };
      const editing = drawer.row;
      const res = await form.run(() => (editing
        ? api.patch(`/api/staff/${editing.id}`, body)
        : api.post('/api/staff', body)));
      if (res) {
        toast.success(editing ? t('common.saved') : t('staff.createdToast', { name: res.name || v.name }));
        drawer.open = false;
        list.load();
      }
    }
    if (route.query.new === '1') { history.replaceState(null, '', '#' + route.path); if (can('staff.create')) openCreate(); }
    async function archive(row) {
      if (await archiveWithConfirm({ path: `/api/staff/${row.id}`, name: row.name, kind: t('staff.kind') })) list.load();
    }
    return { list, brands, stores, columns, drawer, form, openCreate, openEdit, save, archive, can, t, fmtDateTime };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.staff')" :desc="t('staff.desc')">
        <button v-if="can('staff.create')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create">
          <hh-icon name="plus" /> {{ t('staff.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('staff.search')">
          <template #filters>
            <hh-select class="list-filter" v-model="list.filters.store_id" :options="stores" :placeholder="t('staff.allStores')" name="filter-store" />
            <hh-select class="list-filter" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('staff.empty')"
                  :row-class="r => r.archived_at ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-name="{ row }">
            <div class="cell-with-avatar"><hh-avatar :name="row.name" :size="32" />
              <div><div class="cell-main">{{ row.name }} <status-tag :row="row" /></div>
                <div class="cell-sub" v-if="row.employee_no">{{ t('staff.employeeNo') }} <span class="mono">{{ row.employee_no }}</span></div></div></div>
          </template>
          <template #cell-store_name="{ row }">{{ row.store_name || '—' }}</template>
          <template #cell-title="{ row }">{{ row.title || '—' }}</template>
          <template #cell-phone="{ row }"><span class="mono">{{ row.phone_masked || '—' }}</span></template>
          <template #cell-account="{ row }">
            <span v-if="row.account_id" class="hh-tag hh-tag-success">{{ t('staff.hasAccount') }}</span>
            <span v-else class="hh-tag">{{ t('staff.noAccount') }}</span>
          </template>
          <template #cell-updated_at="{ row }"><span class="muted">{{ fmtDateTime(row.updated_at || row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="!row.archived_at">
              <button v-if="can('staff.update')" type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
              <button v-if="can('staff.archive')" type="button" class="hh-btn hh-btn-link danger" @click="archive(row)">{{ t('common.archive') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('staff.edit') : t('staff.create')"
                 :subtitle="drawer.row ? drawer.row.name : t('staff.createSub')" @close="drawer.open = false">
        <form class="hh-form" id="staff-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('staff.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('staff.namePh')" maxlength="50" />
          </hh-field>
          <hh-field :label="t('staff.store')" :error="form.errors.store_id" name="store_id" required>
            <hh-select v-model="form.values.store_id" :options="stores" :placeholder="t('staff.storePh')"
                       :invalid="!!form.errors.store_id" name="store_id" />
          </hh-field>
          <hh-field :label="t('common.phone')" :error="form.errors.phone" :hint="t('staff.phoneHint')" name="phone">
            <input class="hh-input" v-model="form.values.phone" :placeholder="t('staff.phonePh')" inputmode="tel" maxlength="20" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('staff.employeeNo')" :error="form.errors.employee_no" name="employee_no">
              <input class="hh-input mono" v-model="form.values.employee_no" :placeholder="t('staff.employeeNoPh')" maxlength="32" />
            </hh-field>
            <hh-field :label="t('staff.title')" :error="form.errors.title" name="title">
              <input class="hh-input" v-model="form.values.title" :placeholder="t('staff.titlePh')" maxlength="50" />
            </hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="staff-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
