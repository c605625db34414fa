// Brands (品牌): list, create, edit, archive.

import { reactive, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, StatusTag, archiveWithConfirm, clean } from '../parts.js';

const EMPTY = { name: '', code: '', description: '' };

export default {
  components: { PageHead, ListToolbar, StatusTag },
  setup() {
    const list = useList('/api/brands');
    list.load();
    const columns = computed(() => [
      { key: 'name', label: t('brand.name') },
      { key: 'code', label: t('brand.code'), width: '140px' },
      { key: 'description', label: t('brand.description') },
      { key: 'store_count', label: t('brand.storeCount'), width: '100px', align: 'right' },
      { key: 'updated_at', label: t('common.updatedAt'), width: '160px' },
      { key: 'actions', label: '', width: '140px', align: 'right' },
    ]);
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY);

    function openCreate() { drawer.row = null; form.reset(EMPTY); drawer.open = true; }
    function openEdit(row) {
      drawer.row = row;
      form.reset({ name: row.name || '', code: row.code || '', description: row.description || '' });
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('brand.needName');
      if (!v.code) form.errors.code = t('brand.needCode');
      if (Object.keys(form.errors).length) return;
      const editing = drawer.row;
      const res = await form.run(() => (editing
        ? api.patch(`/api/brands/${editing.id}`, v)
        : api.post('/api/brands', v)));
      if (res) {
        toast.success(editing ? t('common.saved') : t('brand.createdToast', { name: res.name || v.name }));
        drawer.open = false;
        list.load();
      }
    }
    if (route.query.new === '1') { history.replaceState(null, '', '#' + route.path); if (can('brand.create')) openCreate(); }
    async function archive(row) {
      if (await archiveWithConfirm({ path: `/api/brands/${row.id}`, name: row.name, kind: t('brand.kind') })) list.load();
    }
    return { list, columns, drawer, form, openCreate, openEdit, save, archive, can, t, fmtDateTime, fmtNumber };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.brands')" :desc="t('brand.desc')">
        <button v-if="can('brand.create')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create">
          <hh-icon name="plus" /> {{ t('brand.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('brand.search')" />
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('brand.empty')"
                  :row-class="r => r.archived_at ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-name="{ row }">
            <div class="cell-with-avatar"><hh-avatar :name="row.name" :size="32" first />
              <div><div class="cell-main">{{ row.name }} <status-tag :row="row" /></div></div></div>
          </template>
          <template #cell-code="{ row }"><span class="mono">{{ row.code }}</span></template>
          <template #cell-description="{ row }"><span class="cell-clip">{{ row.description || '—' }}</span></template>
          <template #cell-store_count="{ row }">{{ fmtNumber(row.store_count ?? 0) }}</template>
          <template #cell-updated_at="{ row }"><span class="muted">{{ fmtDateTime(row.updated_at || row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="!row.archived_at">
              <button v-if="can('brand.update')" type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
              <button v-if="can('brand.archive')" type="button" class="hh-btn hh-btn-link danger" @click="archive(row)">{{ t('common.archive') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('brand.edit') : t('brand.create')"
                 :subtitle="drawer.row ? drawer.row.name : t('brand.createSub')" @close="drawer.open = false">
        <form class="hh-form" id="brand-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('brand.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('brand.namePh')" maxlength="100" />
          </hh-field>
          <hh-field :label="t('brand.code')" :error="form.errors.code" :hint="t('brand.codeHint')" name="code" required>
            <input class="hh-input mono" v-model="form.values.code" :placeholder="t('brand.codePh')" maxlength="32" autocapitalize="off" />
          </hh-field>
          <hh-field :label="t('brand.description')" :error="form.errors.description" name="description">
            <textarea class="hh-textarea" v-model="form.values.description" :placeholder="t('brand.descPh')" maxlength="1000"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="brand-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
