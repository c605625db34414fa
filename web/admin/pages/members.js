// Members (会员): search by phone, name or last 4 digits; lifecycle chips;
// owner store/staff and tag filters; masked phones. Select rows to tag them;
// bulk-transfer a leaving promoter's members; export CSV (masked, or full
// phones for the owner — audited).

import { reactive, ref, computed } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { route, navigate } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, storeOptions, clean } from '../parts.js';
import {
  LIFECYCLES, CLOSED_STATES, LifecycleBadge, ChannelTag, FilterChips, searchStaff, tagOptions, download,
} from '../crm.js';

export default {
  components: { PageHead, ListToolbar, LifecycleBadge, ChannelTag, FilterChips },
  setup() {
    const q = route.query;
    const list = useList('/api/members', {
      archived: false,
      filters: {
        lifecycle: q.lifecycle || null,
        owner_store_id: q.owner_store_id ? Number(q.owner_store_id) : null,
        owner_staff_id: q.owner_staff_id ? Number(q.owner_staff_id) : null,
        tag_id: q.tag_id ? Number(q.tag_id) : null,
      },
    });
    list.load();
    const stores = ref([]);
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const tags = ref([]);
    const loadTags = () => tagOptions().then((o) => { tags.value = o; }).catch(() => {});
    loadTags();
    const manualTags = computed(() => tags.value.filter((o) => o.tag.kind === 'manual'));
    const lcChips = computed(() => [
      ...LIFECYCLES.map((v) => ({ value: v, label: t('lc.' + v), cls: 'lc-' + v })),
      ...CLOSED_STATES.map((v) => ({ value: v, label: t('lc.' + v), cls: 'lc-closed' })),
    ]);
    const columns = computed(() => [
      { key: 'sel', label: '', width: '40px' },
      { key: 'name', label: t('member.member') },
      { key: 'lifecycle', label: t('member.lifecycle'), width: '110px' },
      { key: 'owner', label: t('member.owner') },
      { key: 'first', label: t('member.firstTouch') },
      { key: 'registered', label: t('member.registeredAt'), width: '150px' },
      { key: 'last_active_at', label: t('member.lastActive'), width: '150px' },
    ]);

    // selection (this page's rows), for tagging
    const selected = reactive(new Set());
    const pageIds = computed(() => list.items.filter((m) => m.status === 'live').map((m) => m.id));
    const allChecked = computed(() => pageIds.value.length > 0 && pageIds.value.every((id) => selected.has(id)));
    const toggleAll = () => {
      if (allChecked.value) pageIds.value.forEach((id) => selected.delete(id));
      else pageIds.value.forEach((id) => selected.add(id));
    };
    const toggle = (id) => (selected.has(id) ? selected.delete(id) : selected.add(id));

    const tagDrawer = reactive({ open: false });
    const tagForm = useForm({ tag_id: null });
    function openTag() { tagForm.reset({ tag_id: null }); tagDrawer.open = true; }
    async function applyTag() {
      tagForm.errors = {};
      if (!tagForm.values.tag_id) { tagForm.errors.tag_id = t('member.needTag'); return; }
      const ids = [...selected];
      const res = await tagForm.run(() => api.post(`/api/tags/${tagForm.values.tag_id}/members`, { member_ids: ids }));
      if (res) {
        const tag = tags.value.find((o) => o.value === tagForm.values.tag_id);
        toast.success(t('member.tagged', { n: res.changed, tag: tag ? tag.label : '' }));
        tagDrawer.open = false;
        selected.clear();
        loadTags();
      }
    }

    // bulk transfer of a leaving promoter's members
    const transfer = reactive({ open: false, result: null, fromChosen: [] });
    const transferForm = useForm({ from_staff_id: null, to_staff_id: null, reason: '' });
    function openTransfer() {
      const from = list.filters.owner_staff_id || null;
      transferForm.reset({ from_staff_id: from, to_staff_id: null, reason: '' });
      transfer.result = null;
      transfer.open = true;
    }
    async function doTransfer() {
      const v = clean(transferForm.values);
      transferForm.errors = {};
      if (!v.from_staff_id) transferForm.errors.from_staff_id = t('member.needFromStaff');
      if (!v.to_staff_id) transferForm.errors.to_staff_id = t('member.needToStaff');
      if (!v.reason) transferForm.errors.reason = t('member.needReason');
      if (Object.keys(transferForm.errors).length) return;
      const res = await transferForm.run(() => api.post('/api/members/transfer', v));
      if (res) {
        transfer.result = res;
        toast.success(t('member.transferred', { n: fmtNumber(res.moved) }));
        list.load();
      }
    }

    async function exportCsv(unmasked) {
      if (unmasked) {
        const ok = await confirmDialog({
          title: t('member.exportFullTitle'), message: t('member.exportFullText'), okText: t('member.exportFullOk'), danger: true,
        });
        if (!ok) return;
        download('/api/members/export?unmasked=1');
      } else {
        download('/api/members/export');
      }
      toast.info(t('member.exportStarted'));
    }
    const open = (m) => navigate('/members/' + m.id);
    const rowClass = (m) => (m.status !== 'live' ? 'is-archived' : '');
    return {
      list, stores, tags, manualTags, lcChips, columns, selected, allChecked, toggleAll, toggle, pageIds,
      tagDrawer, tagForm, openTag, applyTag, transfer, transferForm, openTransfer, doTransfer, exportCsv, open, rowClass,
      searchStaff, can, t, fmtDateTime, fmtNumber,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.members')" :desc="t('member.desc')">
        <button v-if="can('member.transfer')" type="button" class="hh-btn" @click="openTransfer" data-test="transfer">
          <hh-icon name="transfer" /> {{ t('member.transfer') }}</button>
        <button type="button" class="hh-btn" @click="exportCsv(false)" data-test="export"><hh-icon name="download" /> {{ t('member.export') }}</button>
        <button v-if="can('member.unmask')" type="button" class="hh-btn" @click="exportCsv(true)" data-test="export-full">
          <hh-icon name="eye" /> {{ t('member.exportFull') }}</button>
      </page-head>
      <div class="hh-card">
        <div class="members-chips">
          <filter-chips v-model="list.filters.lifecycle" :options="lcChips" :all-label="t('member.allLifecycles')" />
          <span class="members-total">
            <label v-if="pageIds.length" class="hh-check-label"><input type="checkbox" class="hh-check" :checked="allChecked" @change="toggleAll" data-test="select-page" /> {{ t('member.selectPage') }}</label>
            <span class="muted" v-if="list.loaded">{{ t('member.count', { n: fmtNumber(list.total) }) }}</span></span>
        </div>
        <list-toolbar :list="list" :placeholder="t('member.search')" :archived="false">
          <template #filters>
            <hh-select class="list-filter" v-model="list.filters.owner_store_id" :options="stores" :placeholder="t('member.allStores')" name="filter-store" />
            <hh-select class="list-filter" v-model="list.filters.owner_staff_id" :remote="searchStaff" :placeholder="t('member.allStaff')" name="filter-staff" />
            <hh-select class="list-filter" v-model="list.filters.tag_id" :options="tags" :placeholder="t('member.allTags')" name="filter-tag" />
          </template>
        </list-toolbar>
        <div v-if="selected.size" class="selection-bar" data-test="selection">
          <span><b>{{ selected.size }}</b> {{ t('member.selected') }}</span>
          <button v-if="can('tag.manage')" type="button" class="hh-btn hh-btn-sm hh-btn-primary" @click="openTag" data-test="tag-selected"><hh-icon name="tag" :size="15" /> {{ t('member.tagSelected') }}</button>
          <button type="button" class="hh-btn hh-btn-sm hh-btn-ghost" @click="selected.clear()">{{ t('member.clearSelection') }}</button>
        </div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('member.empty')" :row-class="rowClass"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-sel="{ row }">
            <input v-if="row.status === 'live'" type="checkbox" class="hh-check" :checked="selected.has(row.id)" @change="toggle(row.id)" :aria-label="t('member.select')" />
            <span v-else></span>
          </template>
          <template #cell-name="{ row }">
            <a class="cell-with-avatar member-link" :href="'#/members/' + row.id">
              <hh-avatar :name="row.name || '?'" :size="32" />
              <div><div class="cell-main">{{ row.name || t('member.noName') }}
                  <span v-if="row.status === 'merged'" class="hh-tag">{{ t('lc.merged') }}</span>
                  <span v-if="row.status === 'erased'" class="hh-tag">{{ t('lc.erased') }}</span></div>
                <div class="cell-sub mono">{{ row.phone_masked || '—' }}</div></div>
            </a>
          </template>
          <template #cell-lifecycle="{ row }"><lifecycle-badge :value="row.status === 'live' ? row.lifecycle : row.status" /></template>
          <template #cell-owner="{ row }">
            <div v-if="row.owner_staff_id || row.owner_store_id"><div>{{ row.owner_staff_name || '—' }}</div><div class="cell-sub">{{ row.owner_store_name }}</div></div>
            <span v-else class="muted">{{ t('member.noOwner') }}</span>
          </template>
          <template #cell-first="{ row }">
            <div v-if="row.first_channel"><channel-tag :value="row.first_channel" /><div class="cell-sub">{{ row.first_touchpoint_name }}</div></div>
            <span v-else class="muted">{{ t('via.' + row.registered_via) }}</span>
          </template>
          <template #cell-registered="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-last_active_at="{ row }"><span class="muted">{{ fmtDateTime(row.last_active_at) }}</span></template>
        </hh-table>
      </div>

      <hh-drawer :open="tagDrawer.open" :title="t('member.tagSelected')" :subtitle="t('member.tagSelectedSub', { n: selected.size })" width="460px" @close="tagDrawer.open = false">
        <form class="hh-form" id="tag-sel-form" @submit.prevent="applyTag" novalidate>
          <hh-form-error :message="tagForm.formError" />
          <hh-field :label="t('tag.tag')" :error="tagForm.errors.tag_id" :hint="t('member.manualOnly')" name="tag_id" required>
            <hh-select v-model="tagForm.values.tag_id" :options="manualTags" :placeholder="t('member.pickTag')" name="tag_id" :invalid="!!tagForm.errors.tag_id" />
          </hh-field>
          <p class="muted" v-if="!manualTags.length">{{ t('member.noManualTags') }} <a href="#/tags">{{ t('nav.tags') }}</a></p>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="tagDrawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="tag-sel-form" class="hh-btn hh-btn-primary" :disabled="tagForm.busy" data-test="save">{{ t('member.applyTag') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="transfer.open" :title="t('member.transfer')" :subtitle="t('member.transferSub')" width="500px" @close="transfer.open = false">
        <div v-if="transfer.result" class="result-panel" data-test="transfer-result">
          <div class="result-icon"><hh-icon name="check" :size="26" /></div>
          <h3>{{ t('member.transferred', { n: fmtNumber(transfer.result.moved) }) }}</h3>
          <p class="muted">{{ t('member.transferReason') }}：{{ transfer.result.reason }}</p>
        </div>
        <form v-else class="hh-form" id="transfer-form" @submit.prevent="doTransfer" novalidate>
          <hh-form-error :message="transferForm.formError" />
          <div class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ t('member.transferHint') }}</span></div>
          <hh-field :label="t('member.fromStaff')" :error="transferForm.errors.from_staff_id" name="from_staff_id" required>
            <hh-select v-model="transferForm.values.from_staff_id" :remote="searchStaff" :placeholder="t('member.pickStaff')" name="from_staff_id" :invalid="!!transferForm.errors.from_staff_id" />
          </hh-field>
          <hh-field :label="t('member.toStaff')" :error="transferForm.errors.to_staff_id" name="to_staff_id" required>
            <hh-select v-model="transferForm.values.to_staff_id" :remote="searchStaff" :placeholder="t('member.pickStaff')" name="to_staff_id" :invalid="!!transferForm.errors.to_staff_id" />
          </hh-field>
          <hh-field :label="t('member.transferReason')" :error="transferForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" v-model="transferForm.values.reason" :placeholder="t('member.transferReasonPh')" maxlength="200"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="transfer.open = false">{{ transfer.result ? t('common.close') : t('common.cancel') }}</button>
          <button v-if="!transfer.result" type="submit" form="transfer-form" class="hh-btn hh-btn-primary" :disabled="transferForm.busy" data-test="save">{{ t('member.transferGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
