// SMS outbox (短信发件箱): the last messages the SMS provider sent — in
// development the log provider, so operators can read verification codes.

import { computed } from 'vue';
import { t } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { fmtDateTimeSec, maskPhone } from '/shared/format.js';
import { PageHead } from '../parts.js';

// The outbox is read-only; accept the field names a provider log may use.
const text = (m) => m.text ?? m.body ?? m.message ?? m.content ?? '';
const phone = (m) => m.phone ?? m.to ?? m.mobile ?? '';
const when = (m) => m.created_at ?? m.sent_at ?? m.at ?? null;

export default {
  components: { PageHead },
  setup() {
    const list = useList('/api/sms/outbox', { archived: false });
    list.load();
    const columns = computed(() => [
      { key: 'at', label: t('sms.at'), width: '180px' },
      { key: 'phone', label: t('sms.phone'), width: '170px' },
      { key: 'text', label: t('sms.text') },
      { key: 'status', label: t('sms.status'), width: '110px' },
    ]);
    const statusClass = (s) => (s === 'failed' ? 'hh-tag-danger' : s === 'queued' || s === 'pending' ? 'hh-tag-warn' : 'hh-tag-success');
    const statusLabel = (s) => (s ? (t('sms.st.' + s) === 'sms.st.' + s ? s : t('sms.st.' + s)) : t('sms.st.sent'));
    return { list, columns, text, phone, when, statusClass, statusLabel, maskPhone, t, fmtDateTimeSec };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.sms')" :desc="t('sms.desc')">
        <button type="button" class="hh-btn" @click="list.load()"><hh-icon name="refresh" /> {{ t('sms.refresh') }}</button>
      </page-head>
      <div v-if="list.items.some(m => m.provider === 'log')" class="hh-alert hh-alert-info sms-note"><hh-icon name="info" /><span>{{ t('sms.note') }}</span></div>
      <div class="hh-card">
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('sms.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-at="{ row }"><span class="nowrap">{{ fmtDateTimeSec(when(row)) }}</span></template>
          <template #cell-phone="{ row }"><span class="mono">{{ phone(row) }}</span></template>
          <template #cell-text="{ row }"><div class="sms-text">{{ text(row) }}</div></template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="statusClass(row.status)">{{ statusLabel(row.status) }}</span></template>
        </hh-table>
      </div>
    </div>`,
};
