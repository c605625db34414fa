// Imports (导入): legacy members from a CSV file. The file itself is the body
// of POST /api/imports/members (Content-Type text/csv, ?filename=); the job is
// polled for progress (bytes, rows, created/existing/duplicate/invalid), and
// the rows not imported download as errors.csv. Importing the same file again
// changes nothing (rows are deduplicated by phone).

import { reactive, ref, computed, watch } from 'vue';
import { ApiError, newIdempotencyKey } from '/shared/api.js';
import { api } from '/shared/api.js';
import { t, lang } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead } from '../parts.js';
import { ProgressBar, JobStatus, usePoller, download, downloadText } from '../crm.js';

const COLUMNS = [
  { zh: '手机号', en: 'phone', required: true, ex: '13812345678' },
  { zh: '姓名', en: 'name', ex: '王丽' },
  { zh: '性别', en: 'gender', ex: 'female' },
  { zh: '生日', en: 'birthday', ex: '1990-05-06' },
  { zh: '城市代码', en: 'city_code', ex: '310100' },
  { zh: '会员号', en: 'legacy_no', ex: 'VIP000123' },
  { zh: '注册时间', en: 'registered_at', ex: '2019-03-08' },
];

function fmtBytes(n) {
  if (n === null || n === undefined) return '—';
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  if (n < 1024 ** 3) return (n / 1024 / 1024).toFixed(1) + ' MB';
  return (n / 1024 ** 3).toFixed(2) + ' GB';
}

export default {
  components: { PageHead, ProgressBar, JobStatus },
  setup() {
    const list = useList('/api/imports', { archived: false });
    list.load();
    const file = ref(null);
    const dragging = ref(false);
    const upload = reactive({ busy: false, sent: 0, error: '', key: null });
    const current = ref(null);
    const columns = computed(() => [
      { key: 'filename', label: t('imp.file') },
      { key: 'status', label: t('imp.status'), width: '110px' },
      { key: 'progress', label: t('imp.progress'), width: '220px' },
      { key: 'counts', label: t('imp.result') },
      { key: 'created_at', label: t('imp.startedAt'), width: '150px' },
      { key: 'actions', label: '', width: '130px', align: 'right' },
    ]);

    function pick(e) {
      const f = e.target.files && e.target.files[0];
      if (f) { file.value = f; upload.error = ''; upload.key = null; }
      e.target.value = '';
    }
    function drop(e) {
      dragging.value = false;
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) { file.value = f; upload.error = ''; upload.key = null; }
    }
    async function start() {
      if (!file.value) { upload.error = t('imp.needFile'); return; }
      upload.busy = true;
      upload.error = '';
      // one key per chosen file: a retry after a network failure is not imported twice
      if (!upload.key) upload.key = newIdempotencyKey();
      try {
        const res = await fetch('/api/imports/members?filename=' + encodeURIComponent(file.value.name), {
          method: 'POST',
          body: file.value,
          credentials: 'same-origin',
          headers: {
            'Content-Type': 'text/csv', Accept: 'application/json',
            'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN', 'Idempotency-Key': upload.key,
          },
        });
        const text = await res.text();
        let data = null;
        try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
        upload.key = null;
        if (!res.ok) {
          const e = (data && data.error) || {};
          throw new ApiError({ status: res.status, code: e.code || 'http_' + res.status, message: e.message || (res.status === 404 ? t('imp.notAvailable') : t('err.unknown')), field: e.field });
        }
        current.value = data;
        file.value = null;
        toast.success(t('imp.started'));
        list.load();
        poll.start();
      } catch (e) {
        upload.error = e instanceof ApiError ? e.message : t('err.network');
      } finally {
        upload.busy = false;
      }
    }
    const poll = usePoller(async () => {
      const running = [current.value, ...list.items].filter((j) => j && j.status === 'running');
      if (!running.length) return true;
      const seen = new Set();
      for (const j of running) {
        if (seen.has(j.id)) continue;
        seen.add(j.id);
        try {
          const fresh = await api.get(`/api/imports/${j.id}`);
          if (current.value && current.value.id === fresh.id) current.value = fresh;
          const row = list.items.find((x) => x.id === fresh.id);
          if (row) Object.assign(row, fresh);
          if (fresh.status === 'done') toast.success(t('imp.doneToast', { n: fmtNumber(fresh.created) }));
          if (fresh.status === 'failed') toast.error(t('imp.failedToast'));
        } catch (_) { /* next tick */ }
      }
      return ![current.value, ...list.items].some((j) => j && j.status === 'running');
    }, 600);
    watch(() => list.items.map((j) => j.status).join(), () => {
      if (list.items.some((j) => j.status === 'running')) poll.start();
      if (!current.value && list.items.length && list.items[0].status === 'running') current.value = { ...list.items[0] };
    }, { immediate: true });

    function sample() {
      const head = COLUMNS.map((c) => c.zh).join(',');
      const rows = [
        '13812345678,王丽,female,1990-05-06,310100,VIP000123,2019-03-08',
        '13987654321,陈晨,male,1985-11-20,330100,VIP000124,2020-07-15',
        '+85291234567,李嘉欣,female,,,VIP000125,2021-01-02',
      ];
      downloadText([head, ...rows].join('\r\n') + '\r\n', t('imp.sampleName'));
    }
    const errorsUrl = (j) => `/api/imports/${j.id}/errors.csv`;
    const dlErrors = (j) => download(errorsUrl(j), `import-${j.id}-errors.csv`);
    return { list, file, dragging, upload, current, columns, pick, drop, start, sample, dlErrors, COLUMNS, fmtBytes, can, t, fmtDateTime, fmtNumber };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.imports')" :desc="t('imp.desc')">
        <button type="button" class="hh-btn" @click="sample" data-test="sample"><hh-icon name="download" /> {{ t('imp.sample') }}</button>
      </page-head>
      <div class="imp-grid">
        <section class="hh-card">
          <div class="hh-card-head"><h3>{{ t('imp.upload') }}</h3></div>
          <div class="hh-card-pad imp-upload">
            <label class="drop-zone" :class="{ dragging, chosen: !!file }" @dragover.prevent="dragging = true" @dragleave="dragging = false" @drop.prevent="drop">
              <input type="file" accept=".csv,text/csv" @change="pick" data-test="file" />
              <span class="drop-icon"><hh-icon :name="file ? 'file' : 'upload'" :size="28" /></span>
              <template v-if="file"><b data-test="chosen">{{ file.name }}</b><span class="muted">{{ fmtBytes(file.size) }} · {{ t('imp.change') }}</span></template>
              <template v-else><b>{{ t('imp.drop') }}</b><span class="muted">{{ t('imp.dropHint') }}</span></template>
            </label>
            <div v-if="upload.error" class="hh-alert hh-alert-error" role="alert"><hh-icon name="alert" /><span>{{ upload.error }}</span></div>
            <button type="button" class="hh-btn hh-btn-primary hh-btn-block" :disabled="upload.busy || !file" @click="start" data-test="start">
              <span v-if="upload.busy" class="hh-spinner hh-spinner-xs"></span>{{ upload.busy ? t('imp.uploading') : t('imp.start') }}</button>
            <div v-if="current" class="imp-current" data-test="current" :data-status="current.status">
              <div class="imp-current-head"><b>{{ current.filename }}</b><job-status :status="current.status" /></div>
              <progress-bar :done="current.bytes_done" :total="current.bytes_total" :status="current.status"
                            :label="fmtBytes(current.bytes_done) + ' / ' + fmtBytes(current.bytes_total) + ' · ' + t('imp.rows', { n: fmtNumber(current.rows || 0) })" />
              <div class="imp-stats">
                <div class="imp-stat ok"><b data-test="created">{{ fmtNumber(current.created || 0) }}</b><span>{{ t('imp.created') }}</span></div>
                <div class="imp-stat"><b data-test="existing">{{ fmtNumber(current.existing || 0) }}</b><span>{{ t('imp.existing') }}</span></div>
                <div class="imp-stat"><b data-test="duplicate">{{ fmtNumber(current.duplicate || 0) }}</b><span>{{ t('imp.duplicate') }}</span></div>
                <div class="imp-stat bad"><b data-test="invalid">{{ fmtNumber(current.invalid || 0) }}</b><span>{{ t('imp.invalid') }}</span></div>
              </div>
              <div v-if="current.error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ current.error }}</span></div>
              <button v-if="current.status !== 'running' && (current.invalid || current.duplicate)" type="button" class="hh-btn hh-btn-sm" @click="dlErrors(current)" data-test="errors-csv">
                <hh-icon name="download" :size="15" /> {{ t('imp.errors', { n: fmtNumber((current.invalid || 0) + (current.duplicate || 0)) }) }}</button>
            </div>
          </div>
        </section>
        <section class="hh-card">
          <div class="hh-card-head"><h3>{{ t('imp.columns') }}</h3><button type="button" class="hh-btn hh-btn-link" @click="sample">{{ t('imp.sample') }}</button></div>
          <table class="mini-table imp-cols">
            <tr><th>{{ t('imp.colHeader') }}</th><th>{{ t('imp.colExample') }}</th><th></th></tr>
            <tr v-for="c in COLUMNS" :key="c.en"><td><b>{{ c.zh }}</b> <span class="muted">/ <span class="mono">{{ c.en }}</span></span></td>
              <td class="mono muted">{{ c.ex }}</td><td><span v-if="c.required" class="hh-tag hh-tag-primary">{{ t('imp.required') }}</span></td></tr>
          </table>
          <ul class="imp-rules">
            <li>{{ t('imp.rule1') }}</li><li>{{ t('imp.rule2') }}</li><li>{{ t('imp.rule3') }}</li><li>{{ t('imp.rule4') }}</li>
          </ul>
        </section>
      </div>
      <section class="hh-card">
        <div class="hh-card-head"><h3>{{ t('imp.history') }}</h3><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="list.load()"><hh-icon name="refresh" /></button></div>
        <hh-table :columns="columns" :rows="list.items" :total="list.total" :limit="list.limit" :offset="list.offset"
                  :loading="list.loading" :error="list.error" :empty-text="t('imp.empty')"
                  @page="list.setOffset" @limit="list.setLimit" @retry="list.load()">
          <template #cell-filename="{ row }"><div class="cell-main"><hh-icon name="file" :size="15" /> {{ row.filename }}</div><div class="cell-sub">{{ fmtBytes(row.bytes_total) }}</div></template>
          <template #cell-status="{ row }"><job-status :status="row.status" /></template>
          <template #cell-progress="{ row }"><progress-bar :done="row.bytes_done" :total="row.bytes_total" :status="row.status" compact /></template>
          <template #cell-counts="{ row }">
            <div class="imp-counts">{{ t('imp.rows', { n: fmtNumber(row.rows || 0) }) }} ·
              <span class="ok-text">{{ t('imp.created') }} {{ fmtNumber(row.created || 0) }}</span> ·
              {{ t('imp.existing') }} {{ fmtNumber(row.existing || 0) }} · {{ t('imp.duplicate') }} {{ fmtNumber(row.duplicate || 0) }} ·
              <span :class="{ 'danger-text': row.invalid }">{{ t('imp.invalid') }} {{ fmtNumber(row.invalid || 0) }}</span></div>
            <div class="cell-sub danger-text" v-if="row.error">{{ row.error }}</div>
          </template>
          <template #cell-created_at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions"><button v-if="row.status !== 'running' && (row.invalid || row.duplicate)" type="button" class="hh-btn hh-btn-link" @click="dlErrors(row)">{{ t('imp.errorReport') }}</button></div>
          </template>
        </hh-table>
      </section>
    </div>`,
};
