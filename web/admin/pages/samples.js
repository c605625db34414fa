// Trial samples (试用装): offers and the fulfilment queue.
// Offers: stock left as a bar, free or paid shipping (the fee members owe),
// window, counts by state; create, edit (stock never below what is taken),
// close / reopen, delete an unused one. Fulfilment: requests filtered by offer
// and state (default: waiting to ship), with the recipient and address; ship
// one (carrier + tracking number), mark delivered, cancel (the unit goes back
// to stock); export the queue as CSV or Excel for the warehouse, and import the
// filled-in file (tracking numbers) with a report of every line not applied.
// What it shares with the red envelopes page is in rewards-parts.js.

import { reactive, ref, computed } from 'vue';
import { api, listAll, ApiError, newIdempotencyKey } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, clean, toLocalInput, fromLocalInput } from '../parts.js';
import { Tabs, FilterChips, downloadText } from '../crm.js';
import { yuan, toFen, fenText, BudgetBar, useOfferPage, useOfferDrawer, confirmAndRun, OfferToolbar, BrandCampaignRow } from './rewards-parts.js';

addMessages({
  'zh-CN': {
    'nav.samples': '试用装',
    'smp.desc': '试用装库存永不超领，每位会员限领一份；导出发货单交给仓库，回填快递单号后导入即发货。',
    'smp.tabOffers': '试用装',
    'smp.tabQueue': '发货队列',
    'smp.create': '新建试用装',
    'smp.createSub': '会员在 H5 填写收货地址申领；运费由会员承担时记为应付',
    'smp.edit': '修改试用装',
    'smp.search': '搜索试用装名称',
    'smp.empty': '还没有试用装，点击右上角“新建试用装”开始',
    'smp.emptyQueue': '没有符合条件的申请',
    'smp.name': '名称',
    'smp.namePh': '例如：焕亮精华 试用装 5ml',
    'smp.description': '说明',
    'smp.descriptionPh': '会员在申领页看到的介绍，例如规格、注意事项',
    'smp.image': '图片地址',
    'smp.imageHint': 'http(s) 地址或站内路径，可留空',
    'smp.stock': '库存（份）',
    'smp.shipping': '运费',
    'smp.freeShipping': '包邮',
    'smp.paidShipping': '会员付运费',
    'smp.fee': '运费（元）',
    'smp.feeHint': '记为会员应付，例如到付或下单时补付',
    'smp.starts': '开始申领',
    'smp.ends': '截止申领',
    'smp.windowHint': '留空表示立即开始、不设截止',
    'smp.needName': '请填写名称',
    'smp.needStock': '库存须为正整数',
    'smp.badWindow': '截止时间须晚于开始时间',
    'smp.created': '试用装“{name}”已创建',
    'smp.saved': '已保存',
    'smp.col.offer': '试用装',
    'smp.col.stock': '库存',
    'smp.col.shipping': '运费',
    'smp.col.window': '申领时间',
    'smp.col.progress': '履约',
    'smp.col.state': '状态',
    'smp.units': '份',
    'smp.always': '长期有效',
    'smp.from': '{at} 起',
    'smp.until': '至 {at}',
    'smp.feeOwed': '会员付 {fee}',
    'smp.counts': '待发 {r} · 已发 {s} · 签收 {d}',
    'smp.cancelledN': '已取消 {n}',
    'smp.state.open': '申领中',
    'smp.state.scheduled': '未开始',
    'smp.state.ended': '已截止',
    'smp.state.sold_out': '已领完',
    'smp.state.closed': '已下架',
    'smp.closeOffer': '下架',
    'smp.reopen': '重新上架',
    'smp.closeTitle': '下架试用装',
    'smp.closeText': '下架“{name}”后会员不能再申领，已申领的照常发货。确定下架吗？',
    'smp.closedToast': '已下架',
    'smp.reopenedToast': '已重新上架',
    'smp.delete': '删除',
    'smp.deleteTitle': '删除试用装',
    'smp.deleteText': '“{name}”还没有人申领，删除后不可恢复。确定删除吗？',
    'smp.deleted': '已删除',
    'smp.viewQueue': '申请',
    'smp.allOffers': '全部试用装',
    'smp.searchQueue': '快递单号或手机尾号',
    'smp.status.requested': '待发货',
    'smp.status.shipped': '已发货',
    'smp.status.delivered': '已签收',
    'smp.status.cancelled': '已取消',
    'smp.col.id': '申请号',
    'smp.col.member': '会员',
    'smp.col.recipient': '收件人与地址',
    'smp.col.owed': '应付运费',
    'smp.col.status': '状态',
    'smp.col.tracking': '快递',
    'smp.col.time': '申请时间',
    'smp.free': '包邮',
    'smp.ship': '发货',
    'smp.shipTitle': '发货 · 申请 #{id}',
    'smp.retrack': '改单号',
    'smp.carrier': '快递公司',
    'smp.carrierPh': '例如：顺丰',
    'smp.trackingNo': '快递单号',
    'smp.needCarrier': '请填写快递公司',
    'smp.needTracking': '请填写快递单号',
    'smp.shipped': '已发货',
    'smp.deliver': '签收',
    'smp.deliverTitle': '标记签收',
    'smp.deliverText': '确认申请 #{id} 的包裹 {no} 已签收？',
    'smp.delivered': '已标记签收',
    'smp.cancel': '取消',
    'smp.cancelTitle': '取消申请',
    'smp.cancelText': '取消申请 #{id} 后这一份回到库存。确定取消吗？',
    'smp.cancelled': '已取消，库存已退回',
    'smp.export': '导出 CSV',
    'smp.exportXlsx': '导出 Excel',
    'smp.exporting': '正在导出…',
    'smp.import': '导入快递单号',
    'smp.importTitle': '导入快递单号',
    'smp.importSub': '上传回填了快递公司和单号的发货单（CSV），对应的申请即变为“已发货”',
    'smp.drop': '点击选择或拖入 CSV 文件',
    'smp.dropHint': 'UTF-8 或 Excel 另存的 GBK 均可，最多 20,000 行、5 MB',
    'smp.change': '点击更换',
    'smp.onlyOffer': '只匹配该试用装的申请（按手机号匹配时）',
    'smp.upload': '开始导入',
    'smp.uploading': '正在导入…',
    'smp.needFile': '请先选择文件',
    'smp.template': '下载模板',
    'smp.templateName': '快递单号导入模板.csv',
    'smp.help1': '第一行为表头：申请编号 或 会员手机号、快递公司、快递单号（导出的发货单可直接回填）',
    'smp.help2': '按手机号匹配时，该会员须只有一个待发货的申请；否则请用申请编号',
    'smp.help3': '重复导入同一文件不会重复发货；已发货的申请填新单号即为更正',
    'smp.report': '导入结果',
    'smp.rep.lines': '数据行',
    'smp.rep.shipped': '已发货',
    'smp.rep.updated': '更正单号',
    'smp.rep.unchanged': '无变化',
    'smp.rep.rejected': '未导入',
    'smp.rep.line': '行号',
    'smp.rep.ref': '申请编号/手机号',
    'smp.rep.reason': '原因',
    'smp.rep.allGood': '全部导入成功',
    'smp.rep.more': '另有 {n} 行未列出',
    'smp.importDone': '导入完成：发货 {n} 个',
    'smp.cancelReason': '取消原因（可选）',
  },
  en: {
    'nav.samples': 'Trial samples',
    'smp.desc': 'Sample stock is never over-requested and each member gets one; export the shipping list for the warehouse and import it back with tracking numbers to ship.',
    'smp.tabOffers': 'Samples',
    'smp.tabQueue': 'Fulfilment',
    'smp.create': 'New sample',
    'smp.createSub': 'Members request it on the H5 with a delivery address; a shipping fee they pay is recorded as owed',
    'smp.edit': 'Edit sample',
    'smp.search': 'Search samples',
    'smp.empty': 'No samples yet — create one with “New sample”',
    'smp.emptyQueue': 'No requests match',
    'smp.name': 'Name',
    'smp.namePh': 'e.g. Brightening serum trial 5 ml',
    'smp.description': 'Description',
    'smp.descriptionPh': 'What members read on the request page: size, notes',
    'smp.image': 'Image URL',
    'smp.imageHint': 'An http(s) URL or a path on this site; optional',
    'smp.stock': 'Stock (units)',
    'smp.shipping': 'Shipping',
    'smp.freeShipping': 'Free shipping',
    'smp.paidShipping': 'Member pays shipping',
    'smp.fee': 'Shipping fee (¥)',
    'smp.feeHint': 'Recorded as owed by the member (cash on delivery, or paid later)',
    'smp.starts': 'Requests open',
    'smp.ends': 'Requests close',
    'smp.windowHint': 'Empty: open now, no end',
    'smp.needName': 'Enter a name',
    'smp.needStock': 'The stock must be a whole number above 0',
    'smp.badWindow': 'The end must be after the start',
    'smp.created': 'Sample “{name}” created',
    'smp.saved': 'Saved',
    'smp.col.offer': 'Sample',
    'smp.col.stock': 'Stock',
    'smp.col.shipping': 'Shipping',
    'smp.col.window': 'Window',
    'smp.col.progress': 'Fulfilment',
    'smp.col.state': 'State',
    'smp.units': 'units',
    'smp.always': 'No end',
    'smp.from': 'from {at}',
    'smp.until': 'until {at}',
    'smp.feeOwed': 'member pays {fee}',
    'smp.counts': '{r} to ship · {s} shipped · {d} delivered',
    'smp.cancelledN': '{n} cancelled',
    'smp.state.open': 'Open',
    'smp.state.scheduled': 'Scheduled',
    'smp.state.ended': 'Ended',
    'smp.state.sold_out': 'Sold out',
    'smp.state.closed': 'Closed',
    'smp.closeOffer': 'Close',
    'smp.reopen': 'Reopen',
    'smp.closeTitle': 'Close sample',
    'smp.closeText': 'Members can no longer request “{name}” once it is closed; requests made are still shipped. Close it?',
    'smp.closedToast': 'Closed',
    'smp.reopenedToast': 'Reopened',
    'smp.delete': 'Delete',
    'smp.deleteTitle': 'Delete sample',
    'smp.deleteText': 'Nobody has requested “{name}”; deleting cannot be undone. Delete it?',
    'smp.deleted': 'Deleted',
    'smp.viewQueue': 'Requests',
    'smp.allOffers': 'All samples',
    'smp.searchQueue': 'Tracking no. or phone ending',
    'smp.status.requested': 'To ship',
    'smp.status.shipped': 'Shipped',
    'smp.status.delivered': 'Delivered',
    'smp.status.cancelled': 'Cancelled',
    'smp.col.id': 'Request',
    'smp.col.member': 'Member',
    'smp.col.recipient': 'Recipient and address',
    'smp.col.owed': 'Fee owed',
    'smp.col.status': 'Status',
    'smp.col.tracking': 'Parcel',
    'smp.col.time': 'Requested',
    'smp.free': 'Free',
    'smp.ship': 'Ship',
    'smp.shipTitle': 'Ship · request #{id}',
    'smp.retrack': 'Fix number',
    'smp.carrier': 'Carrier',
    'smp.carrierPh': 'e.g. SF Express',
    'smp.trackingNo': 'Tracking number',
    'smp.needCarrier': 'Enter the carrier',
    'smp.needTracking': 'Enter the tracking number',
    'smp.shipped': 'Shipped',
    'smp.deliver': 'Delivered',
    'smp.deliverTitle': 'Mark delivered',
    'smp.deliverText': 'Has parcel {no} of request #{id} been delivered?',
    'smp.delivered': 'Marked delivered',
    'smp.cancel': 'Cancel',
    'smp.cancelTitle': 'Cancel request',
    'smp.cancelText': 'Cancel request #{id}? Its unit goes back to stock.',
    'smp.cancelled': 'Cancelled; the unit is back in stock',
    'smp.export': 'Export CSV',
    'smp.exportXlsx': 'Export Excel',
    'smp.exporting': 'Exporting…',
    'smp.import': 'Import tracking numbers',
    'smp.importTitle': 'Import tracking numbers',
    'smp.importSub': 'Upload the shipping list filled in with carriers and tracking numbers (CSV); those requests become “shipped”',
    'smp.drop': 'Click to choose or drop a CSV file',
    'smp.dropHint': 'UTF-8, or GBK as Excel saves it; up to 20,000 lines, 5 MB',
    'smp.change': 'click to change',
    'smp.onlyOffer': 'Match phones only against requests of this sample',
    'smp.upload': 'Import',
    'smp.uploading': 'Importing…',
    'smp.needFile': 'Choose a file first',
    'smp.template': 'Download template',
    'smp.templateName': 'tracking-import-template.csv',
    'smp.help1': 'First line is the header: request id or member phone, carrier, tracking number (the exported list can be filled in directly)',
    'smp.help2': 'A phone matches only when that member has exactly one request waiting; otherwise use the request id',
    'smp.help3': 'Importing the same file again ships nothing twice; a new number for a shipped request corrects it',
    'smp.report': 'Result',
    'smp.rep.lines': 'Lines',
    'smp.rep.shipped': 'Shipped',
    'smp.rep.updated': 'Corrected',
    'smp.rep.unchanged': 'Unchanged',
    'smp.rep.rejected': 'Not imported',
    'smp.rep.line': 'Line',
    'smp.rep.ref': 'Request / phone',
    'smp.rep.reason': 'Reason',
    'smp.rep.allGood': 'Every line was imported',
    'smp.rep.more': '{n} more lines not listed',
    'smp.importDone': 'Imported: {n} shipped',
    'smp.cancelReason': 'Reason (optional)',
  },
});

const EMPTY = { name: '', brand_id: null, campaign_id: null, description: '', image: '', stock: '', paid: false, fee: '8', starts: '', ends: '' };
const STATUSES = ['requested', 'shipped', 'delivered', 'cancelled'];

const addrLine = (a) => (a ? [a.province, a.city !== a.province ? a.city : '', a.district, a.detail].filter(Boolean).join(' ') : '');

/** GET a file with the session cookie and save it; errors come back as toasts. */
async function fetchDownload(url, filename) {
  const res = await fetch(url, { credentials: 'same-origin', headers: { 'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN' } });
  if (!res.ok) {
    let msg = t('err.unknown');
    try { msg = (await res.json()).error.message; } catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 5000);
}

export default {
  components: { PageHead, ListToolbar, Tabs, FilterChips, BudgetBar, OfferToolbar, BrandCampaignRow },
  setup() {
    // offers
    const { q, tab, brands, offers } = useOfferPage({ page: 'samples', tabs: ['offers', 'queue'], path: '/api/sample-offers' });
    const offerColumns = computed(() => [
      { key: 'name', label: t('smp.col.offer') },
      { key: 'stock', label: t('smp.col.stock'), width: '230px' },
      { key: 'shipping', label: t('smp.col.shipping'), width: '120px' },
      { key: 'window', label: t('smp.col.window'), width: '150px' },
      { key: 'progress', label: t('smp.col.progress'), width: '200px' },
      { key: 'state', label: t('smp.col.state'), width: '90px' },
      { key: 'actions', label: '', width: '190px', align: 'right' },
    ]);
    const offerChips = computed(() => [{ value: 'active', label: t('smp.state.open') }, { value: 'closed', label: t('smp.state.closed') }]);
    const stateTone = (s) => ({ open: 'hh-tag-success', scheduled: 'hh-tag-info', sold_out: 'hh-tag-warn', ended: '', closed: '' })[s] || '';

    const { drawer, form, campaigns, openCreate, openEdit } = useOfferDrawer({
      empty: EMPTY, offers, brands,
      fields: ['name', 'brand_id', 'campaign_id', 'description', 'image', 'stock', 'fee', 'starts', 'ends', 'shipping_fee_fen', 'starts_at', 'ends_at'],
      toForm: (o) => ({ name: o.name, brand_id: o.brand_id, description: o.description || '', image: o.image || '', stock: String(o.stock),
        paid: o.shipping_fee_fen > 0, fee: o.shipping_fee_fen > 0 ? fenText(o.shipping_fee_fen) : '8', starts: toLocalInput(o.starts_at), ends: toLocalInput(o.ends_at) }),
    });
    async function save() {
      const v = clean(form.values);
      const e = {};
      const editing = drawer.item;
      if (!v.name) e.name = t('smp.needName');
      if (!editing && !v.brand_id) e.brand_id = t('env.needBrand');
      if (!/^\d+$/.test(v.stock) || Number(v.stock) < 1) e.stock = t('smp.needStock');
      const fee = v.paid ? toFen(v.fee) : 0;
      if (v.paid && (Number.isNaN(fee) || fee <= 0)) e.fee = Number.isNaN(fee) ? t('env.badAmount') : t('env.amountPositive');
      const starts = fromLocalInput(v.starts), ends = fromLocalInput(v.ends);
      if (starts && ends && ends <= starts) e.ends = t('smp.badWindow');
      form.errors = e;
      if (Object.keys(e).length) return;
      const body = { name: v.name, description: v.description, stock: Number(v.stock), shipping_fee_fen: fee };
      let res;
      if (editing) {
        body.image = v.image || null;
        body.starts_at = starts;
        body.ends_at = ends;
        res = await form.run(() => api.patch(`/api/sample-offers/${editing.id}`, body));
      } else {
        body.brand_id = v.brand_id;
        if (v.campaign_id) body.campaign_id = v.campaign_id;
        if (v.image) body.image = v.image;
        if (starts) body.starts_at = starts;
        if (ends) body.ends_at = ends;
        res = await form.run(() => api.post('/api/sample-offers', body));
      }
      for (const [a, b] of [['shipping_fee_fen', 'fee'], ['starts_at', 'starts'], ['ends_at', 'ends']]) if (form.errors[a]) form.errors[b] = form.errors[a];
      if (res) {
        toast.success(editing ? t('smp.saved') : t('smp.created', { name: res.name }));
        drawer.open = false;
        offers.load();
        loadOfferOpts();
      }
    }
    async function setClosed(o, closed) {
      if (closed) {
        const ok = await confirmDialog({ title: t('smp.closeTitle'), message: t('smp.closeText', { name: o.name }), okText: t('smp.closeOffer'), danger: true });
        if (!ok) return;
      }
      try {
        await api.patch(`/api/sample-offers/${o.id}`, { status: closed ? 'closed' : 'active' });
        toast.success(closed ? t('smp.closedToast') : t('smp.reopenedToast'));
        offers.load();
      } catch (err) { toast.error(err.message); }
    }
    async function remove(o) {
      const done = await confirmAndRun({ title: t('smp.deleteTitle'), message: t('smp.deleteText', { name: o.name }), okText: t('smp.delete'), danger: true },
        () => api.del(`/api/sample-offers/${o.id}`), t('smp.deleted'));
      if (done) { offers.load(); loadOfferOpts(); }
    }

    // fulfilment queue
    const queue = useList('/api/sample-requests', { archived: false, filters: { offer_id: q.offer_id ? Number(q.offer_id) : null, status: q.status || 'requested' } });
    const canQueue = can('sample.manage');
    if (canQueue) queue.load();
    const offerOpts = ref([]);
    async function loadOfferOpts() {
      try { offerOpts.value = (await listAll('/api/sample-offers', {}, 1000)).map((o) => ({ value: o.id, label: o.name, sub: o.brand_name })); } catch (_) { /* keep */ }
    }
    loadOfferOpts();
    const queueColumns = computed(() => [
      { key: 'id', label: t('smp.col.id'), width: '84px' },
      { key: 'offer', label: t('smp.col.offer') },
      { key: 'member', label: t('smp.col.member'), width: '140px' },
      { key: 'recipient', label: t('smp.col.recipient') },
      { key: 'owed', label: t('smp.col.owed'), width: '96px', align: 'right' },
      { key: 'status', label: t('smp.col.status'), width: '90px' },
      { key: 'tracking', label: t('smp.col.tracking'), width: '160px' },
      { key: 'actions', label: '', width: '170px', align: 'right' },
    ]);
    const queueChips = computed(() => STATUSES.map((s) => ({ value: s, label: t('smp.status.' + s) })));
    const statusTone = (s) => ({ requested: 'hh-tag-warn', shipped: 'hh-tag-info', delivered: 'hh-tag-success', cancelled: '' })[s] || '';
    function showQueue(o) {
      queue.filters.offer_id = o.id;
      queue.filters.status = null;
      tab.value = 'queue';
    }

    const ship = reactive({ open: false, row: null });
    const shipForm = useForm({ carrier: '', tracking_no: '' });
    function openShip(row) {
      ship.row = row;
      shipForm.reset({ carrier: row.carrier || '', tracking_no: row.tracking_no || '' });
      ship.open = true;
    }
    async function saveShip() {
      const v = clean(shipForm.values);
      shipForm.errors = {};
      if (!v.carrier) shipForm.errors.carrier = t('smp.needCarrier');
      if (!v.tracking_no) shipForm.errors.tracking_no = t('smp.needTracking');
      if (Object.keys(shipForm.errors).length) return;
      const res = await shipForm.run(() => api.post(`/api/sample-requests/${ship.row.id}/ship`, v));
      if (res) { toast.success(t('smp.shipped')); ship.open = false; queue.load(); offers.load(); }
    }
    async function deliver(row) {
      const done = await confirmAndRun({ title: t('smp.deliverTitle'), message: t('smp.deliverText', { id: row.id, no: row.tracking_no }), okText: t('smp.deliver') },
        () => api.post(`/api/sample-requests/${row.id}/deliver`), t('smp.delivered'));
      if (done) { queue.load(); offers.load(); }
    }
    async function cancel(row) {
      const done = await confirmAndRun({ title: t('smp.cancelTitle'), message: t('smp.cancelText', { id: row.id }), okText: t('smp.cancel'), danger: true },
        () => api.post(`/api/sample-requests/${row.id}/cancel`), t('smp.cancelled'));
      if (done) { queue.load(); offers.load(); }
    }

    // export and import
    const exporting = ref('');
    async function exportQueue(format) {
      exporting.value = format;
      const p = new URLSearchParams({ format, status: queue.filters.status || 'all' });
      if (queue.filters.offer_id) p.set('offer_id', queue.filters.offer_id);
      const stamp = new Date().toISOString().slice(0, 10);
      try { await fetchDownload('/api/sample-requests/export?' + p, `试用装发货单-${stamp}.${format}`); } catch (e) { toast.error(e.message); } finally { exporting.value = ''; }
    }
    const imp = reactive({ open: false, file: null, dragging: false, busy: false, error: '', report: null, key: null, offerOnly: true });
    function openImport() { Object.assign(imp, { open: true, file: null, error: '', report: null, key: null, offerOnly: !!queue.filters.offer_id }); }
    function pickFile(e) {
      const f = e.target.files && e.target.files[0];
      if (f) { imp.file = f; imp.error = ''; imp.key = null; imp.report = null; }
      e.target.value = '';
    }
    function dropFile(e) {
      imp.dragging = false;
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) { imp.file = f; imp.error = ''; imp.key = null; imp.report = null; }
    }
    async function runImport() {
      if (!imp.file) { imp.error = t('smp.needFile'); return; }
      imp.busy = true;
      imp.error = '';
      if (!imp.key) imp.key = newIdempotencyKey(); // a retry after a network failure applies once
      try {
        const qs = imp.offerOnly && queue.filters.offer_id ? '?offer_id=' + queue.filters.offer_id : '';
        const res = await fetch('/api/sample-requests/import' + qs, {
          method: 'POST', body: imp.file, credentials: 'same-origin',
          headers: { 'Content-Type': 'text/csv', Accept: 'application/json', 'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN', 'Idempotency-Key': imp.key },
        });
        const text = await res.text();
        let data = null;
        try { data = text ? JSON.parse(text) : null; } catch (_) { data = null; }
        imp.key = null;
        if (!res.ok) {
          const e = (data && data.error) || {};
          throw new ApiError({ status: res.status, code: e.code || 'http_' + res.status, message: e.message || t('err.unknown'), field: e.field });
        }
        imp.report = data;
        imp.file = null;
        toast.success(t('smp.importDone', { n: fmtNumber(data.shipped) }));
        queue.load();
        offers.load();
      } catch (e) {
        imp.error = e instanceof ApiError ? e.message : t('err.network');
      } finally {
        imp.busy = false;
      }
    }
    function template() {
      const head = '申请编号,会员手机号,快递公司,快递单号';
      const rows = ['1024,,顺丰速运,SF1234567890123', ',13812345678,中通快递,ZT7890123456'];
      downloadText([head, ...rows].join('\r\n') + '\r\n', t('smp.templateName'));
    }
    const offerName = computed(() => (offerOpts.value.find((o) => o.value === queue.filters.offer_id) || {}).label || '');

    const tabs = computed(() => [
      { value: 'offers', label: t('smp.tabOffers'), count: offers.total || null },
      ...(canQueue ? [{ value: 'queue', label: t('smp.tabQueue'), count: queue.total || null }] : []),
    ]);
    return {
      tab, tabs, brands, offers, offerColumns, offerChips, stateTone, drawer, form, campaigns, openCreate, openEdit, save, setClosed, remove,
      queue, offerOpts, queueColumns, queueChips, statusTone, showQueue, ship, shipForm, openShip, saveShip, deliver, cancel,
      exporting, exportQueue, imp, openImport, pickFile, dropFile, runImport, template, offerName, canQueue,
      addrLine, can, t, yuan, fmtDateTime, fmtNumber,
    };
  },
  template: `
    <div class="page rw-page">
      <page-head :title="t('nav.samples')" :desc="t('smp.desc')">
        <button v-if="can('sample.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="create"><hh-icon name="plus" /> {{ t('smp.create') }}</button>
      </page-head>
      <tabs v-model="tab" :tabs="tabs" />

      <div class="hh-card" v-if="tab === 'offers'">
        <offer-toolbar :list="offers" :brands="brands" :chips="offerChips" :placeholder="t('smp.search')" />
        <hh-table :columns="offerColumns" :rows="offers.items" :total="offers.total" :limit="offers.limit" :offset="offers.offset"
                  :loading="offers.loading" :error="offers.error" :empty-text="t('smp.empty')"
                  :row-class="r => r.status === 'closed' ? 'is-archived' : ''"
                  @page="offers.setOffset" @limit="offers.setLimit" @retry="offers.load()">
          <template #cell-name="{ row }">
            <div class="rw-offer-cell">
              <img v-if="row.image" class="rw-offer-img" :src="row.image" alt="" loading="lazy" />
              <div><div class="cell-main">{{ row.name }}</div><div class="cell-sub">{{ row.brand_name }}<template v-if="row.campaign_name"> · {{ row.campaign_name }}</template></div></div>
            </div>
          </template>
          <template #cell-stock="{ row }"><budget-bar :left="row.remaining" :total="row.stock" :money="false" :unit="t('smp.units')" /></template>
          <template #cell-shipping="{ row }">
            <span v-if="!row.shipping_fee_fen" class="rw-fee-free">{{ t('smp.freeShipping') }}</span>
            <span v-else>{{ t('smp.feeOwed', { fee: yuan(row.shipping_fee_fen) }) }}</span>
          </template>
          <template #cell-window="{ row }">
            <div v-if="!row.starts_at && !row.ends_at" class="muted">{{ t('smp.always') }}</div>
            <div v-if="row.starts_at" class="cell-sub">{{ t('smp.from', { at: fmtDateTime(row.starts_at) }) }}</div>
            <div v-if="row.ends_at" class="cell-sub">{{ t('smp.until', { at: fmtDateTime(row.ends_at) }) }}</div>
          </template>
          <template #cell-progress="{ row }">
            <div>{{ t('smp.counts', { r: fmtNumber(row.requested_count), s: fmtNumber(row.shipped_count), d: fmtNumber(row.delivered_count) }) }}</div>
            <div class="cell-sub" v-if="row.cancelled_count">{{ t('smp.cancelledN', { n: fmtNumber(row.cancelled_count) }) }}</div>
          </template>
          <template #cell-state="{ row }"><span class="hh-tag" :class="stateTone(row.state)" :data-state="row.state">{{ t('smp.state.' + row.state) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button v-if="canQueue" type="button" class="hh-btn hh-btn-link" @click="showQueue(row)" data-test="offer-queue">{{ t('smp.viewQueue') }}</button>
              <template v-if="can('sample.manage')">
                <button type="button" class="hh-btn hh-btn-link" @click="openEdit(row)" data-test="offer-edit">{{ t('common.edit') }}</button>
                <button v-if="row.status === 'active'" type="button" class="hh-btn hh-btn-link danger-text" @click="setClosed(row, true)" data-test="offer-close">{{ t('smp.closeOffer') }}</button>
                <button v-else type="button" class="hh-btn hh-btn-link" @click="setClosed(row, false)" data-test="offer-reopen">{{ t('smp.reopen') }}</button>
                <button v-if="!row.taken && !row.cancelled_count" type="button" class="hh-btn hh-btn-link danger-text" @click="remove(row)" data-test="offer-delete">{{ t('smp.delete') }}</button>
              </template>
            </div>
          </template>
        </hh-table>
      </div>

      <div class="hh-card" v-else>
        <list-toolbar :list="queue" :placeholder="t('smp.searchQueue')" :archived="false">
          <template #filters>
            <hh-select class="list-filter" v-model="queue.filters.offer_id" :options="offerOpts" :placeholder="t('smp.allOffers')" name="filter-offer" />
            <filter-chips v-model="queue.filters.status" :options="queueChips" />
            <div class="rw-toolbar-actions">
              <button type="button" class="hh-btn hh-btn-sm" :disabled="!!exporting" @click="exportQueue('csv')" data-test="export-csv"><hh-icon name="download" :size="15" /> {{ exporting === 'csv' ? t('smp.exporting') : t('smp.export') }}</button>
              <button type="button" class="hh-btn hh-btn-sm" :disabled="!!exporting" @click="exportQueue('xlsx')" data-test="export-xlsx"><hh-icon name="download" :size="15" /> {{ exporting === 'xlsx' ? t('smp.exporting') : t('smp.exportXlsx') }}</button>
              <button type="button" class="hh-btn hh-btn-sm hh-btn-primary" @click="openImport" data-test="import"><hh-icon name="upload" :size="15" /> {{ t('smp.import') }}</button>
            </div>
          </template>
        </list-toolbar>
        <hh-table :columns="queueColumns" :rows="queue.items" :total="queue.total" :limit="queue.limit" :offset="queue.offset"
                  :loading="queue.loading" :error="queue.error" :empty-text="t('smp.emptyQueue')"
                  @page="queue.setOffset" @limit="queue.setLimit" @retry="queue.load()">
          <template #cell-id="{ row }"><span class="mono">#{{ row.id }}</span></template>
          <template #cell-offer="{ row }"><div class="cell-main">{{ row.offer_name }}</div><div class="cell-sub">{{ row.brand_name }} · {{ fmtDateTime(row.created_at) }}</div></template>
          <template #cell-member="{ row }"><div class="mono">{{ row.member_phone_masked }}</div><div class="cell-sub">{{ row.member_name || t('env.noMember') }}</div></template>
          <template #cell-recipient="{ row }">
            <div class="rw-addr"><b>{{ row.address.name }}</b> <span class="mono muted">{{ row.address.phone_masked }}</span><div class="muted">{{ addrLine(row.address) }}</div></div>
          </template>
          <template #cell-owed="{ row }"><span v-if="row.fee_owed_fen" class="rw-money">{{ yuan(row.fee_owed_fen) }}</span><span v-else class="rw-fee-free">{{ t('smp.free') }}</span></template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="statusTone(row.status)" :data-status="row.status">{{ t('smp.status.' + row.status) }}</span></template>
          <template #cell-tracking="{ row }">
            <div v-if="row.tracking_no" class="rw-track">{{ row.carrier }}<span class="mono">{{ row.tracking_no }}</span></div>
            <span v-else class="muted">—</span>
          </template>
          <template #cell-actions="{ row }">
            <div class="cell-actions">
              <button v-if="row.status === 'requested'" type="button" class="hh-btn hh-btn-sm hh-btn-primary" @click="openShip(row)" data-test="ship">{{ t('smp.ship') }}</button>
              <button v-if="row.status === 'shipped'" type="button" class="hh-btn hh-btn-sm" @click="deliver(row)" data-test="deliver">{{ t('smp.deliver') }}</button>
              <button v-if="row.status === 'shipped'" type="button" class="hh-btn hh-btn-link" @click="openShip(row)" data-test="retrack">{{ t('smp.retrack') }}</button>
              <button v-if="row.status === 'requested'" type="button" class="hh-btn hh-btn-link danger-text" @click="cancel(row)" data-test="cancel">{{ t('smp.cancel') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.item ? t('smp.edit') : t('smp.create')" :subtitle="drawer.item ? drawer.item.brand_name : t('smp.createSub')" width="580px" @close="drawer.open = false">
        <form class="hh-form" id="offer-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('smp.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" v-model="form.values.name" :placeholder="t('smp.namePh')" maxlength="64" />
          </hh-field>
          <brand-campaign-row v-if="!drawer.item" :form="form" :brands="brands" :campaigns="campaigns" />
          <hh-field :label="t('smp.description')" :error="form.errors.description" name="description">
            <textarea class="hh-input rw-textarea" rows="3" v-model="form.values.description" :placeholder="t('smp.descriptionPh')" maxlength="1000"></textarea>
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('smp.stock')" :error="form.errors.stock" name="stock" required>
              <input class="hh-input" v-model="form.values.stock" inputmode="numeric" placeholder="200" />
            </hh-field>
            <hh-field :label="t('smp.image')" :error="form.errors.image" :hint="t('smp.imageHint')" name="image">
              <input class="hh-input" v-model="form.values.image" placeholder="https://" maxlength="500" />
            </hh-field>
          </div>
          <hh-field :label="t('smp.shipping')" name="shipping">
            <div class="role-cards">
              <label class="role-card" :class="{ active: !form.values.paid }" data-shipping="free"><input type="radio" :value="false" v-model="form.values.paid" /><b>{{ t('smp.freeShipping') }}</b></label>
              <label class="role-card" :class="{ active: form.values.paid }" data-shipping="paid"><input type="radio" :value="true" v-model="form.values.paid" /><b>{{ t('smp.paidShipping') }}</b></label>
            </div>
          </hh-field>
          <hh-field v-if="form.values.paid" :label="t('smp.fee')" :error="form.errors.fee" :hint="t('smp.feeHint')" name="fee">
            <input class="hh-input" v-model="form.values.fee" inputmode="decimal" placeholder="8.00" />
          </hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('smp.starts')" :error="form.errors.starts" :hint="t('smp.windowHint')" name="starts">
              <input class="hh-input" type="datetime-local" v-model="form.values.starts" />
            </hh-field>
            <hh-field :label="t('smp.ends')" :error="form.errors.ends" name="ends">
              <input class="hh-input" type="datetime-local" v-model="form.values.ends" />
            </hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="offer-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ drawer.item ? t('env.save') : t('smp.create') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="ship.open" :title="ship.row ? t('smp.shipTitle', { id: ship.row.id }) : ''" :subtitle="ship.row ? ship.row.offer_name + ' · ' + ship.row.address.name + ' ' + addrLine(ship.row.address) : ''" width="460px" @close="ship.open = false">
        <form class="hh-form" id="ship-form" @submit.prevent="saveShip" novalidate>
          <hh-form-error :message="shipForm.formError" />
          <hh-field :label="t('smp.carrier')" :error="shipForm.errors.carrier" name="carrier" required>
            <input class="hh-input" v-model="shipForm.values.carrier" :placeholder="t('smp.carrierPh')" maxlength="32" list="rw-carriers" />
            <datalist id="rw-carriers"><option>顺丰速运</option><option>中通快递</option><option>圆通速递</option><option>韵达快递</option><option>申通快递</option><option>京东物流</option><option>中国邮政 EMS</option></datalist>
          </hh-field>
          <hh-field :label="t('smp.trackingNo')" :error="shipForm.errors.tracking_no" name="tracking_no" required>
            <input class="hh-input mono" v-model="shipForm.values.tracking_no" maxlength="64" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="ship.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="ship-form" class="hh-btn hh-btn-primary" :disabled="shipForm.busy" data-test="save">{{ t('smp.ship') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="imp.open" :title="t('smp.importTitle')" :subtitle="t('smp.importSub')" width="620px" @close="imp.open = false">
        <div class="rw-report">
          <label class="drop-zone" :class="{ dragging: imp.dragging, chosen: !!imp.file }" @dragover.prevent="imp.dragging = true" @dragleave="imp.dragging = false" @drop.prevent="dropFile">
            <input type="file" accept=".csv,text/csv" @change="pickFile" data-test="import-file" />
            <span class="drop-icon"><hh-icon :name="imp.file ? 'file' : 'upload'" :size="28" /></span>
            <template v-if="imp.file"><b data-test="chosen">{{ imp.file.name }}</b><span class="muted">{{ t('smp.change') }}</span></template>
            <template v-else><b>{{ t('smp.drop') }}</b><span class="muted">{{ t('smp.dropHint') }}</span></template>
          </label>
          <hh-switch v-if="queue.filters.offer_id" v-model="imp.offerOnly" :label="t('smp.onlyOffer') + ' · ' + offerName" />
          <div v-if="imp.error" class="hh-alert hh-alert-error" role="alert" data-test="import-error"><hh-icon name="alert" /><span>{{ imp.error }}</span></div>
          <ul class="rw-help"><li>{{ t('smp.help1') }}</li><li>{{ t('smp.help2') }}</li><li>{{ t('smp.help3') }}</li></ul>
          <div v-if="imp.report" data-test="import-report" class="rw-report">
            <h3>{{ t('smp.report') }}</h3>
            <div class="rw-report-stats">
              <div><b data-test="rep-lines">{{ fmtNumber(imp.report.lines) }}</b><span>{{ t('smp.rep.lines') }}</span></div>
              <div class="ok"><b data-test="rep-shipped">{{ fmtNumber(imp.report.shipped) }}</b><span>{{ t('smp.rep.shipped') }}</span></div>
              <div><b>{{ fmtNumber(imp.report.updated) }}</b><span>{{ t('smp.rep.updated') }}</span></div>
              <div><b>{{ fmtNumber(imp.report.unchanged) }}</b><span>{{ t('smp.rep.unchanged') }}</span></div>
              <div :class="{ bad: imp.report.rejected_count }"><b data-test="rep-rejected">{{ fmtNumber(imp.report.rejected_count) }}</b><span>{{ t('smp.rep.rejected') }}</span></div>
            </div>
            <div v-if="!imp.report.rejected_count" class="hh-alert hh-alert-info"><hh-icon name="check" /><span>{{ t('smp.rep.allGood') }}</span></div>
            <table v-else class="mini-table" data-test="rejected-lines">
              <tr><th>{{ t('smp.rep.line') }}</th><th>{{ t('smp.rep.ref') }}</th><th>{{ t('smp.rep.reason') }}</th></tr>
              <tr v-for="x in imp.report.rejected" :key="x.line" :data-code="x.code"><td class="mono">{{ x.line }}</td><td class="mono">{{ x.ref || '—' }}</td><td class="danger-text">{{ x.reason }}</td></tr>
            </table>
            <p v-if="imp.report.rejected_count > imp.report.rejected.length" class="muted">{{ t('smp.rep.more', { n: fmtNumber(imp.report.rejected_count - imp.report.rejected.length) }) }}</p>
          </div>
        </div>
        <template #footer>
          <button type="button" class="hh-btn" @click="template" data-test="template"><hh-icon name="download" :size="15" /> {{ t('smp.template') }}</button>
          <button type="button" class="hh-btn hh-btn-primary" :disabled="imp.busy || !imp.file" @click="runImport" data-test="import-go">
            <span v-if="imp.busy" class="hh-spinner hh-spinner-xs"></span>{{ imp.busy ? t('smp.uploading') : t('smp.upload') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
