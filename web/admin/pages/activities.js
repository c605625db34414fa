// Store events (门店活动): create an event at a store with a capacity, a
// waitlist and an SMS reminder; see who signed up, who waits (in order), who
// came; after the end, the no-show list with a CSV export. Cancelling an
// event tells every guest by SMS; more seats move the waitlist up at once.

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions } from '../parts.js';

const PHASE_CLASS = { open: 'hh-tag-success', full: 'hh-tag-warn', closed: '', cancelled: 'hh-tag-danger', started: 'hh-tag-info', ended: '' };
const toLocal = (ms) => (ms ? new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 16) : '');
const fromLocal = (s) => (s ? new Date(s).getTime() : null);
const REMIND = [0, 30, 60, 120, 240, 1440];

const EMPTY = { brand_id: null, store_id: null, title: '', description: '', starts_at: '', ends_at: '', capacity: 20, waitlist: true, remind_minutes: 120, status: 'open' };

/* ------------------------------------------------------------ sign-ups */

const SignupsDrawer = {
  props: { activity: Object },
  emits: ['close'],
  setup(props) {
    const tab = ref('registered');
    const list = reactive({ items: [], loading: false, error: '', report: null });
    async function load() {
      if (!props.activity) return;
      list.loading = true; list.error = '';
      try {
        if (tab.value === 'noshow') {
          list.report = await api.get(`/api/activities/${props.activity.id}/no-shows`);
          list.items = list.report.items;
        } else {
          const status = tab.value === 'registered' ? undefined : tab.value;
          const r = await api.get(`/api/activities/${props.activity.id}/signups`, { status, limit: 500 });
          list.items = tab.value === 'registered' ? r.items.filter((x) => x.status === 'registered' || x.status === 'attended') : r.items;
        }
      } catch (e) { list.error = e.message; } finally { list.loading = false; }
    }
    watch(() => props.activity && props.activity.id, () => { tab.value = 'registered'; load(); }, { immediate: true });
    watch(tab, load);
    const columns = computed(() => [
      { key: 'member_name', label: t('act.guest') },
      { key: 'status', label: t('act.signupStatus'), width: '130px' },
      { key: 'created_at', label: t('act.signedUpAt'), width: '150px' },
      { key: 'checked_in_at', label: tab.value === 'waitlisted' ? t('act.position') : t('act.checkedInAt'), width: '170px' },
    ]);
    const csv = computed(() => props.activity ? `/api/activities/${props.activity.id}/no-shows?format=csv` : '#');
    return { tab, list, columns, csv, fmtDateTime, t };
  },
  template: `
    <hh-drawer :open="!!activity" :title="t('act.signups')" :subtitle="activity ? activity.title : ''" width="760px" @close="$emit('close')">
      <template v-if="activity">
        <div class="act-stats">
          <div><b>{{ activity.registered }}</b><span>/ {{ activity.capacity }} {{ t('act.registeredShort') }}</span></div>
          <div><b>{{ activity.waitlisted }}</b><span>{{ t('act.waitlistedShort') }}</span></div>
          <div><b>{{ activity.attended }}</b><span>{{ t('act.attendedShort') }}</span></div>
        </div>
        <div class="seg act-tabs">
          <label v-for="k in ['registered', 'waitlisted', 'cancelled', 'noshow']" :key="k" class="seg-item" :class="{ active: tab === k }" :data-tab="k">
            <input type="radio" :value="k" v-model="tab" /> {{ t('act.tab.' + k) }}</label>
        </div>
        <div v-if="tab === 'noshow' && list.report" class="act-noshow-head">
          <span class="muted">{{ list.report.ended ? t('act.noShowEnded', { n: list.report.total }) : t('act.noShowBefore', { n: list.report.total }) }}</span>
          <a class="hh-btn hh-btn-sm" :href="csv" download data-test="noshow-csv"><hh-icon name="download" /> {{ t('act.exportCsv') }}</a>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.items.length" :limit="500" :offset="0" :page-sizes="[500]" :loading="list.loading" :error="list.error"
                  :empty-text="tab === 'noshow' ? t('act.noNoShows') : t('act.noSignups')">
          <template #cell-member_name="{ row }"><div>{{ row.member_name || t('rv.noName') }}</div><div class="mono muted">{{ row.member_phone_masked }}</div></template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="{ attended: 'hh-tag-success', registered: 'hh-tag-primary', waitlisted: 'hh-tag-warn' }[row.status] || ''">{{ t('act.s.' + row.status) }}</span></template>
          <template #cell-created_at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-checked_in_at="{ row }">
            <span v-if="row.status === 'waitlisted'">{{ t('act.positionN', { n: row.position }) }}</span>
            <span v-else-if="row.checked_in_at">{{ fmtDateTime(row.checked_in_at) }}<small class="muted" v-if="row.checked_in_by_name"> · {{ row.checked_in_by_name }}</small></span>
            <span v-else class="muted">—</span>
          </template>
        </hh-table>
      </template>
    </hh-drawer>`,
};

export default {
  components: { PageHead, ListToolbar, SignupsDrawer },
  setup() {
    const list = useList('/api/activities', { filters: { brand_id: null, store_id: null, status: null, upcoming: true }, archived: false });
    list.load();
    const brands = ref([]), stores = ref([]), formStores = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const statuses = computed(() => ['open', 'closed', 'cancelled'].map((s) => ({ value: s, label: t('act.status.' + s) })));
    const columns = computed(() => [
      { key: 'title', label: t('act.title') },
      { key: 'store_name', label: t('act.store'), width: '200px' },
      { key: 'starts_at', label: t('act.when'), width: '190px' },
      { key: 'registered', label: t('act.seats'), width: '160px' },
      { key: 'phase', label: t('act.statusCol'), width: '100px' },
      { key: 'actions', label: '', width: '150px', align: 'right' },
    ]);
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY);
    const signupsOf = ref(null);
    watch(() => form.values.brand_id, async (b) => {
      formStores.value = b ? await storeOptions({ brand_id: b }).catch(() => []) : [];
    });
    function openCreate() {
      drawer.row = null;
      const start = new Date(); start.setDate(start.getDate() + 7); start.setHours(14, 0, 0, 0);
      form.reset({ ...EMPTY, brand_id: brands.value[0] ? brands.value[0].value : null, starts_at: toLocal(start.getTime()), ends_at: toLocal(start.getTime() + 2 * 3600_000) });
      drawer.open = true;
    }
    function openEdit(row) {
      drawer.row = row;
      form.reset({ brand_id: row.brand_id, store_id: row.store_id, title: row.title, description: row.description, starts_at: toLocal(row.starts_at),
        ends_at: toLocal(row.ends_at), capacity: row.capacity, waitlist: row.waitlist, remind_minutes: row.remind_minutes, status: row.status });
      drawer.open = true;
    }
    async function save() {
      const v = form.values;
      form.errors = {};
      if (!v.brand_id) form.errors.brand_id = t('act.needBrand');
      if (!v.store_id) form.errors.store_id = t('act.needStore');
      if (!v.title.trim()) form.errors.title = t('act.needTitle');
      if (!v.starts_at) form.errors.starts_at = t('act.needStart');
      if (!v.ends_at) form.errors.ends_at = t('act.needEnd');
      if (!(Number(v.capacity) >= 1)) form.errors.capacity = t('act.needCapacity');
      if (Object.keys(form.errors).length) return;
      const body = { title: v.title.trim(), description: v.description.trim(), starts_at: fromLocal(v.starts_at), ends_at: fromLocal(v.ends_at),
        capacity: Number(v.capacity), waitlist: !!v.waitlist, remind_minutes: Number(v.remind_minutes) };
      const editing = drawer.row;
      if (editing) {
        for (const k of ['starts_at', 'ends_at']) if (body[k] === editing[k]) delete body[k];
        if (v.status !== editing.status) body.status = v.status;
        if (body.status === 'cancelled') {
          const ok = await confirmDialog({ title: t('act.cancelTitle'), message: t('act.cancelText', { n: editing.registered + editing.waitlisted }), okText: t('act.cancelOk'), danger: true });
          if (!ok) return;
        }
      } else Object.assign(body, { brand_id: v.brand_id, store_id: v.store_id });
      const res = await form.run(() => (editing ? api.patch(`/api/activities/${editing.id}`, body) : api.post('/api/activities', body)));
      if (res) { toast.success(editing ? t('common.saved') : t('act.created', { title: res.title })); drawer.open = false; list.load(); }
    }
    const remindLabel = (m) => (m === 0 ? t('act.remind.none') : m >= 1440 ? t('act.remind.days', { n: m / 1440 }) : m >= 60 ? t('act.remind.hours', { n: m / 60 }) : t('act.remind.minutes', { n: m }));
    return { list, brands, stores, formStores, statuses, columns, drawer, form, signupsOf, openCreate, openEdit, save, REMIND, remindLabel, fmtDateTime, PHASE_CLASS, can, t };
  },
  template: `
    <div class="page" data-page="activities">
      <page-head :title="t('nav.activities')" :desc="t('act.desc')">
        <button v-if="can('activity.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('act.create') }}</button>
      </page-head>
      <div class="hh-card">
        <list-toolbar :list="list" :placeholder="t('act.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter-sm" v-model="list.filters.brand_id" :options="brands" :placeholder="t('rv.allBrands')" name="filter-brand" />
            <hh-select class="list-filter-sm" v-model="list.filters.store_id" :options="stores" :placeholder="t('rv.allStores')" name="filter-store" />
            <hh-select class="list-filter-sm" v-model="list.filters.status" :options="statuses" :placeholder="t('act.allStatuses')" name="filter-status" :searchable="false" />
            <hh-switch v-model="list.filters.upcoming" :label="t('act.upcomingOnly')" />
          </template>
        </list-toolbar>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('act.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-title="{ row }"><div class="cell-main">{{ row.title }}</div><div class="muted">{{ row.brand_name }}</div></template>
          <template #cell-store_name="{ row }"><div>{{ row.store_name }}</div><div class="muted">{{ row.store_city }}</div></template>
          <template #cell-starts_at="{ row }"><div>{{ fmtDateTime(row.starts_at) }}</div><div class="muted">→ {{ fmtDateTime(row.ends_at) }}</div></template>
          <template #cell-registered="{ row }">
            <div class="act-bar"><span :style="{ width: Math.min(100, row.registered * 100 / row.capacity) + '%' }"></span></div>
            <div class="muted">{{ t('act.seatsOf', { n: row.registered, cap: row.capacity }) }}<template v-if="row.waitlisted"> · {{ t('act.waitN', { n: row.waitlisted }) }}</template></div>
          </template>
          <template #cell-phase="{ row }"><span class="hh-tag" :class="PHASE_CLASS[row.phase]">{{ t('act.phase.' + row.phase) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button type="button" class="hh-btn hh-btn-link" @click="signupsOf = row" :data-signups="row.id">{{ t('act.signups') }}</button>
              <button v-if="can('activity.manage')" type="button" class="hh-btn hh-btn-link" @click="openEdit(row)">{{ t('common.edit') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('act.edit') : t('act.create')" :subtitle="drawer.row ? drawer.row.title : t('act.createSub')" @close="drawer.open = false">
        <form class="hh-form" id="activity-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <div class="rv-two">
            <hh-field :label="t('rv.brand')" :error="form.errors.brand_id" name="brand_id" required>
              <hh-select v-model="form.values.brand_id" :options="brands" :disabled="!!drawer.row" name="brand_id" :clearable="false" />
            </hh-field>
            <hh-field :label="t('act.store')" :error="form.errors.store_id" name="store_id" required>
              <hh-select v-model="form.values.store_id" :options="drawer.row ? stores : formStores" :disabled="!!drawer.row" name="store_id" :placeholder="t('act.pickStore')" />
            </hh-field>
          </div>
          <hh-field :label="t('act.title')" :error="form.errors.title" name="title" required>
            <input class="hh-input" v-model="form.values.title" maxlength="64" :placeholder="t('act.titlePh')" />
          </hh-field>
          <hh-field :label="t('act.description')" :error="form.errors.description" name="description">
            <textarea class="hh-textarea" v-model="form.values.description" maxlength="2000" :placeholder="t('act.descPh')"></textarea>
          </hh-field>
          <div class="rv-two">
            <hh-field :label="t('act.starts')" :error="form.errors.starts_at" name="starts_at" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.starts_at" />
            </hh-field>
            <hh-field :label="t('act.ends')" :error="form.errors.ends_at" name="ends_at" required>
              <input class="hh-input" type="datetime-local" v-model="form.values.ends_at" />
            </hh-field>
          </div>
          <div class="rv-two">
            <hh-field :label="t('act.capacity')" :error="form.errors.capacity" name="capacity" required>
              <input class="hh-input" type="number" min="1" max="100000" v-model.number="form.values.capacity" />
            </hh-field>
            <hh-field :label="t('act.remind')" :error="form.errors.remind_minutes" name="remind_minutes">
              <select class="hh-input" v-model.number="form.values.remind_minutes"><option v-for="m in REMIND" :key="m" :value="m">{{ remindLabel(m) }}</option></select>
            </hh-field>
          </div>
          <hh-field :error="form.errors.waitlist" name="waitlist" :hint="t('act.waitlistHint')">
            <hh-switch v-model="form.values.waitlist" :label="t('act.waitlist')" />
          </hh-field>
          <hh-field v-if="drawer.row" :label="t('act.statusCol')" :error="form.errors.status" name="status">
            <div class="seg">
              <label v-for="s in ['open', 'closed', 'cancelled']" :key="s" class="seg-item" :class="{ active: form.values.status === s }">
                <input type="radio" :value="s" v-model="form.values.status" :disabled="drawer.row.status === 'cancelled'" /> {{ t('act.status.' + s) }}</label>
            </div>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="activity-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
        </template>
      </hh-drawer>
      <signups-drawer :activity="signupsOf" @close="signupsOf = null" />
    </div>`,
};

if (!document.querySelector('style[data-css=activities]')) {
  const st = document.createElement('style');
  st.dataset.css = 'activities';
  st.textContent = `
    .act-bar { height: 6px; border-radius: 3px; background: var(--hh-line-2); overflow: hidden; margin: 4px 0 5px; }
    .act-bar span { display: block; height: 100%; background: var(--hh-primary); }
    .act-stats { display: flex; gap: 12px; margin-bottom: 14px; }
    .act-stats > div { flex: 1; background: var(--hh-primary-50); border-radius: 10px; padding: 10px 14px; }
    .act-stats b { font-size: 22px; margin-right: 4px; }
    .act-stats span { color: var(--hh-ink-3); font-size: 13px; }
    .act-tabs { margin-bottom: 12px; display: inline-flex; }
    .act-noshow-head { display: flex; align-items: center; justify-content: space-between; margin-bottom: 10px; }
    .rv-two { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }`;
  document.head.appendChild(st);
}

addMessages({
  'zh-CN': {
    'act.desc': '门店线下活动：设置名额与候补，会员在 H5 报名；开始前短信提醒；导购在员工端扫会员码签到；结束后查看缺席名单。',
    'act.create': '新建活动',
    'act.createSub': '在门店举办的线下活动',
    'act.edit': '编辑活动',
    'act.search': '搜索活动名称',
    'act.allStatuses': '全部状态',
    'act.upcomingOnly': '只看未结束',
    'act.empty': '还没有门店活动',
    'act.title': '活动名称',
    'act.titlePh': '如：新品精华体验课',
    'act.description': '活动介绍',
    'act.descPh': '会员在报名页看到的介绍：内容、注意事项、到场礼等',
    'act.store': '门店',
    'act.pickStore': '选择销售该品牌的门店',
    'act.when': '时间',
    'act.starts': '开始时间',
    'act.ends': '结束时间',
    'act.seats': '报名',
    'act.seatsOf': '{n} / {cap} 人',
    'act.waitN': '候补 {n}',
    'act.capacity': '名额',
    'act.remind': '短信提醒',
    'act.remind.none': '不提醒',
    'act.remind.minutes': '开始前 {n} 分钟',
    'act.remind.hours': '开始前 {n} 小时',
    'act.remind.days': '开始前 {n} 天',
    'act.waitlist': '名额满后允许候补',
    'act.waitlistHint': '有人取消时，候补会员按顺序自动递补并收到短信',
    'act.statusCol': '状态',
    'act.status.open': '报名中',
    'act.status.closed': '停止报名',
    'act.status.cancelled': '取消活动',
    'act.phase.open': '报名中',
    'act.phase.full': '已满员',
    'act.phase.closed': '停止报名',
    'act.phase.cancelled': '已取消',
    'act.phase.started': '进行中',
    'act.phase.ended': '已结束',
    'act.signups': '报名名单',
    'act.registeredShort': '已报名',
    'act.waitlistedShort': '候补中',
    'act.attendedShort': '已签到',
    'act.tab.registered': '报名',
    'act.tab.waitlisted': '候补',
    'act.tab.cancelled': '已取消',
    'act.tab.noshow': '缺席',
    'act.guest': '会员',
    'act.signupStatus': '状态',
    'act.signedUpAt': '报名时间',
    'act.checkedInAt': '签到',
    'act.position': '候补顺序',
    'act.positionN': '第 {n} 位',
    'act.s.registered': '已报名',
    'act.s.waitlisted': '候补',
    'act.s.cancelled': '已取消',
    'act.s.attended': '已签到',
    'act.noShowEnded': '活动已结束：{n} 人报名但未到场',
    'act.noShowBefore': '活动尚未结束：{n} 人还未签到',
    'act.exportCsv': '导出 CSV',
    'act.noNoShows': '没有缺席的会员',
    'act.noSignups': '暂无',
    'act.needBrand': '请选择品牌',
    'act.needStore': '请选择门店',
    'act.needTitle': '请填写活动名称',
    'act.needStart': '请选择开始时间',
    'act.needEnd': '请选择结束时间',
    'act.needCapacity': '名额至少为 1',
    'act.created': '已创建「{title}」',
    'act.cancelTitle': '取消活动',
    'act.cancelText': '取消后将短信通知已报名和候补的 {n} 位会员，且不能恢复。',
    'act.cancelOk': '取消活动',
  },
  en: {
    'act.desc': 'Events at the stores: seats and a waitlist, sign-up on the member H5, an SMS reminder before the start, check-in by member code in the staff app, and the no-shows after the end.',
    'act.create': 'New event',
    'act.createSub': 'An event held at a store',
    'act.edit': 'Edit event',
    'act.search': 'Search events',
    'act.allStatuses': 'All statuses',
    'act.upcomingOnly': 'Not ended only',
    'act.empty': 'No store events yet',
    'act.title': 'Title',
    'act.titlePh': 'e.g. New serum workshop',
    'act.description': 'Description',
    'act.descPh': 'What members see when signing up: programme, notes, gifts',
    'act.store': 'Store',
    'act.pickStore': 'A store selling the brand',
    'act.when': 'When',
    'act.starts': 'Starts',
    'act.ends': 'Ends',
    'act.seats': 'Sign-ups',
    'act.seatsOf': '{n} of {cap}',
    'act.waitN': '{n} waiting',
    'act.capacity': 'Seats',
    'act.remind': 'SMS reminder',
    'act.remind.none': 'None',
    'act.remind.minutes': '{n} minutes before',
    'act.remind.hours': '{n} hours before',
    'act.remind.days': '{n} days before',
    'act.waitlist': 'Waitlist when full',
    'act.waitlistHint': 'When someone cancels, the waitlist moves up in order and is told by SMS',
    'act.statusCol': 'Status',
    'act.status.open': 'Open',
    'act.status.closed': 'Sign-up closed',
    'act.status.cancelled': 'Cancel event',
    'act.phase.open': 'Open',
    'act.phase.full': 'Full',
    'act.phase.closed': 'Closed',
    'act.phase.cancelled': 'Cancelled',
    'act.phase.started': 'On now',
    'act.phase.ended': 'Ended',
    'act.signups': 'Sign-ups',
    'act.registeredShort': 'signed up',
    'act.waitlistedShort': 'waiting',
    'act.attendedShort': 'checked in',
    'act.tab.registered': 'Signed up',
    'act.tab.waitlisted': 'Waitlist',
    'act.tab.cancelled': 'Cancelled',
    'act.tab.noshow': 'No-shows',
    'act.guest': 'Member',
    'act.signupStatus': 'Status',
    'act.signedUpAt': 'Signed up',
    'act.checkedInAt': 'Check-in',
    'act.position': 'Place',
    'act.positionN': '#{n}',
    'act.s.registered': 'Signed up',
    'act.s.waitlisted': 'Waiting',
    'act.s.cancelled': 'Cancelled',
    'act.s.attended': 'Checked in',
    'act.noShowEnded': 'Ended: {n} signed up and did not come',
    'act.noShowBefore': 'Not ended yet: {n} not checked in so far',
    'act.exportCsv': 'Export CSV',
    'act.noNoShows': 'No no-shows',
    'act.noSignups': 'None',
    'act.needBrand': 'Choose the brand',
    'act.needStore': 'Choose the store',
    'act.needTitle': 'Give a title',
    'act.needStart': 'Choose the start',
    'act.needEnd': 'Choose the end',
    'act.needCapacity': 'At least 1 seat',
    'act.created': 'Created "{title}"',
    'act.cancelTitle': 'Cancel the event',
    'act.cancelText': 'The {n} members signed up or waiting are told by SMS; this cannot be undone.',
    'act.cancelOk': 'Cancel event',
  },
});
