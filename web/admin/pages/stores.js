// Stores (门店): list filtered by brand and city, create/edit with a city
// picker (GB/T 2260 codes from /api/divisions) and the brands served.

import { reactive, ref, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { route } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, StatusTag, archiveWithConfirm, brandOptions, searchDivisions, divisionOption, clean } from '../parts.js';

const EMPTY = { retailer: '', name: '', city_code: null, address: '', counter_code: '', brand_ids: [], phone: '' };

export default {
  components: { PageHead, ListToolbar, StatusTag },
  setup() {
    const list = useList('/api/stores', { filters: { brand_id: null, city_code: null } });
    list.load();
    const brands = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    const columns = computed(() => [
      { key: 'name', label: t('store.name') },
      { key: 'city', label: t('store.city'), width: '150px' },
      { key: 'counter_code', label: t('store.counterCode'), width: '120px' },
      { key: 'brands', label: t('store.brands') },
      { key: 'staff_count', label: t('store.staffCount'), width: '80px', align: 'right' },
      { key: 'updated_at', label: t('common.updatedAt'), width: '150px' },
      { key: 'actions', label: '', width: '120px', align: 'right' },
    ]);

    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY);
    const cityChosen = ref([]);

    function openCreate() {
      drawer.row = null; form.reset({ ...EMPTY, brand_ids: [] }); cityChosen.value = []; drawer.open = true;
    }
    function openEdit(row) {
      drawer.row = row;
      form.reset({
        retailer: row.retailer || '', name: row.name || '', city_code: row.city_code || null,
        address: row.address || '', counter_code: row.counter_code || '',
        brand_ids: (row.brand_ids || (row.brands || []).map((b) => b.id)).slice(), phone: row.phone || '',
      });
      cityChosen.value = row.city_code ? [divisionOption({ code: row.city_code, name: row.city || row.city_code, province: row.province })] : [];
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.retailer) form.errors.retailer = t('store.needRetailer');
      if (!v.name) form.errors.name = t('store.needName');
      if (!v.counter_code) form.errors.counter_code = t('store.needCounter');
      if (!v.city_code) form.errors.city_code = t('store.needCity');
      if (!v.brand_ids.length) form.errors.brand_ids = t('store.needBrands');
      if (Object.keys(form.errors).length) return;
      const body = { ...v, brand_ids: v.brand_ids.map(Number) };
      if (!body.phone) delete body.phone;
      const editing = drawer.row;
      const res = await form.run(() => (editing
        ? api.patch(`/api/stores/${editing.id}`, body)
        : api.post('/api/stores', body)));
      if (res) {
        toast.success(editing ? t('common.saved') : t('store.createdToast', { name: res.name || v.name }));
        drawer.open = false;
        list.load();
      }
    }
    if (route.query.new === '1') { history.replaceState(null, '', '#' + route.path); if (can('store.create')) openCreate(); }
    async function archive(row) {
      if (await archiveWithConfirm({ path: `/api/stores/${row.id}`, name: row.name, kind: t('store.kind') })) list.load();
    }
    const cityFilterChosen = ref([]);
    return { list, brands, columns, drawer, form, cityChosen, cityFilterChosen, openCreate, openEdit, save, archive, searchDivisions, can, t, fmtDateTime };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.stores')" :desc="t('store.desc')">
        <button v-if="can('store.create')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create">
          <hh-icon name="plus" /> {{ t('store.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('store.search')">
          <template #filters>
            <hh-select class="list-filter" v-model="list.filters.brand_id" :options="brands" :placeholder="t('store.allBrands')" name="filter-brand" />
            <hh-select class="list-filter" v-model="list.filters.city_code" :remote="searchDivisions" :placeholder="t('store.allCities')" name="filter-city" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('store.empty')"
                  :row-class="r => r.archived_at ? 'is-archived' : ''"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-name="{ row }">
            <div class="cell-main">{{ row.name }} <status-tag :row="row" /></div>
            <div class="cell-sub">{{ row.retailer }}<template v-if="row.address"> · {{ row.address }}</template></div>
          </template>
          <template #cell-city="{ row }">
            <div>{{ row.city || row.city_code }}</div>
            <div class="cell-sub" v-if="row.province && row.province !== row.city">{{ row.province }}</div>
          </template>
          <template #cell-counter_code="{ row }"><span class="mono">{{ row.counter_code || '—' }}</span></template>
          <template #cell-brands="{ row }">
            <div class="hh-tags"><span v-for="b in row.brands || []" :key="b.id" class="hh-tag hh-tag-primary">{{ b.name }}</span>
              <span v-if="!(row.brands || []).length" class="muted">—</span></div>
          </template>
          <template #cell-staff_count="{ row }">{{ row.staff_count ?? 0 }}</template>
          <template #cell-updated_at="{ row }"><span class="muted">{{ fmtDateTime(row.updated_at || row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="!row.archived_at">
              <button v-if="can('store.update')" type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
              <button v-if="can('store.archive')" type="button" class="hh-btn hh-btn-link danger" @click="archive(row)">{{ t('common.archive') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('store.edit') : t('store.create')"
                 :subtitle="drawer.row ? drawer.row.name : t('store.createSub')" width="560px" @close="drawer.open = false">
        <form class="hh-form" id="store-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div class="hh-form-row">
            <hh-field :label="t('store.retailer')" :error="form.errors.retailer" name="retailer" required>
              <input class="hh-input" v-model="form.values.retailer" :placeholder="t('store.retailerPh')" maxlength="100" />
            </hh-field>
            <hh-field :label="t('store.counterCode')" :error="form.errors.counter_code" name="counter_code" required>
              <input class="hh-input mono" v-model="form.values.counter_code" :placeholder="t('store.counterPh')" maxlength="32" />
            </hh-field>
          </div>
          <hh-field :label="t('store.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('store.namePh')" maxlength="100" />
          </hh-field>
          <hh-field :label="t('store.city')" :error="form.errors.city_code" :hint="t('store.cityHint')" name="city_code" required>
            <hh-select v-model="form.values.city_code" :remote="searchDivisions" :selected-options="cityChosen"
                       :placeholder="t('store.cityPh')" :invalid="!!form.errors.city_code" name="city_code" />
          </hh-field>
          <hh-field :label="t('store.address')" :error="form.errors.address" name="address">
            <input class="hh-input" v-model="form.values.address" :placeholder="t('store.addressPh')" maxlength="200" />
          </hh-field>
          <hh-field :label="t('store.phone')" :error="form.errors.phone" name="phone">
            <input class="hh-input" v-model="form.values.phone" :placeholder="t('store.phonePh')" inputmode="tel" maxlength="20" />
          </hh-field>
          <hh-field :label="t('store.brands')" :error="form.errors.brand_ids" :hint="t('store.brandsHint')" name="brand_ids" required>
            <hh-select v-model="form.values.brand_ids" :options="brands" multiple :placeholder="t('store.brandsPh')"
                       :invalid="!!form.errors.brand_ids" name="brand_ids" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="store-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
