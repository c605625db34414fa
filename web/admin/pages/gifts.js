// Gift mall (积分商城): the catalogue (gifts priced in points, optionally plus
// cash, with stock, per-member limit, pickup and/or mail, shipping fee) and
// the orders (filter by status, way and store; mark a pickup ready, ship a mail
// order with its tracking number, mark it delivered, cancel with a reason —
// the member's points and the stock come back).

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { useList } from '/shared/list.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtNumber, fmtMoney } from '/shared/format.js';
import { can } from '../session.js';
import { PageHead, ListToolbar, brandOptions, storeOptions, clean } from '../parts.js';
import { Tabs, FilterChips } from '../crm.js';

addMessages({
  'zh-CN': {
    'nav.gifts': '积分商城',
    'gift.desc': '会员用积分兑换礼品：到店自提由导购在导购端交付，邮寄订单在此发货。取消订单会退回积分和库存。',
    'gift.tabCatalogue': '礼品', 'gift.tabOrders': '兑换订单',
    'gift.new': '上架礼品', 'gift.edit': '编辑礼品', 'gift.name': '礼品名称', 'gift.namePh': '如：精华小样 5ml',
    'gift.brand': '品牌', 'gift.brandAll': '全企业通用', 'gift.brandHint': '不选则所有品牌的会员都可兑换（仅企业管理员）',
    'gift.points': '所需积分', 'gift.cash': '加价（元）', 'gift.cashHint': '积分 + 现金兑换时填写，0 为纯积分',
    'gift.stock': '库存', 'gift.stockHint': '已兑换 {n} 件；库存不能少于已兑换数量',
    'gift.limit': '每人限兑', 'gift.limitPh': '不限', 'gift.ways': '领取方式', 'gift.pickup': '到店自提', 'gift.mail': '邮寄',
    'gift.fee': '运费（元）', 'gift.feeHint': '邮寄时记为会员应付', 'gift.description': '说明', 'gift.image': '图片地址',
    'gift.position': '排序', 'gift.status.active': '上架中', 'gift.status.archived': '已下架', 'gift.archive': '下架', 'gift.restore': '重新上架',
    'gift.remaining': '剩余', 'gift.ordered': '已兑', 'gift.empty': '还没有礼品，点击“上架礼品”开始', 'gift.saved': '已保存礼品',
    'gift.needName': '请填写礼品名称', 'gift.needPoints': '请填写所需积分', 'gift.needStock': '请填写库存', 'gift.needWay': '请至少选择一种领取方式',
    'gift.pointsN': '{n} 积分', 'gift.plusCash': '+ {cash}',
    'order.member': '会员', 'order.gift': '礼品', 'order.way': '方式', 'order.status': '状态', 'order.at': '下单时间',
    'order.status.placed': '待处理', 'order.status.ready': '待自提', 'order.status.shipped': '已发货', 'order.status.completed': '已完成', 'order.status.cancelled': '已取消',
    'order.way.pickup': '到店自提', 'order.way.mail': '邮寄', 'order.allWays': '全部方式', 'order.allStores': '全部门店',
    'order.ready': '备货完成', 'order.ship': '发货', 'order.complete': '已签收', 'order.cancel': '取消订单',
    'order.carrier': '快递公司', 'order.tracking': '运单号', 'order.reason': '取消原因', 'order.reasonPh': '如：会员要求取消',
    'order.shipTitle': '发货', 'order.cancelTitle': '取消订单', 'order.cancelHint': '会员的 {points} 积分将退回原积分批次，库存 +{qty}',
    'order.shipped': '已发货', 'order.cancelled': '已取消，积分和库存已退回', 'order.readyDone': '已通知可自提', 'order.completed': '已完成',
    'order.empty': '暂无订单', 'order.qty': '× {n}', 'order.fee': '运费 {fee} 待会员支付', 'order.address': '收货地址',
    'order.needCarrier': '请填写快递公司', 'order.needTracking': '请填写运单号', 'order.needReason': '请填写取消原因',
  },
  en: {
    'nav.gifts': 'Gift mall',
    'gift.desc': 'Members spend points on gifts: staff hand pickups over in the staff app; mail orders are shipped here. Cancelling returns the points and the stock.',
    'gift.tabCatalogue': 'Gifts', 'gift.tabOrders': 'Orders',
    'gift.new': 'New gift', 'gift.edit': 'Edit gift', 'gift.name': 'Name', 'gift.namePh': 'e.g. Serum sample 5 ml',
    'gift.brand': 'Brand', 'gift.brandAll': 'Every brand', 'gift.brandHint': 'Leave empty to offer it to every member (owner only)',
    'gift.points': 'Points', 'gift.cash': 'Plus cash (¥)', 'gift.cashHint': 'For points + cash; 0 for points only',
    'gift.stock': 'Stock', 'gift.stockHint': '{n} ordered; stock cannot be less',
    'gift.limit': 'Per member', 'gift.limitPh': 'No limit', 'gift.ways': 'Ways to receive', 'gift.pickup': 'Pickup at a store', 'gift.mail': 'Mail',
    'gift.fee': 'Shipping (¥)', 'gift.feeHint': 'Owed by the member for mail orders', 'gift.description': 'Description', 'gift.image': 'Image URL',
    'gift.position': 'Order', 'gift.status.active': 'Offered', 'gift.status.archived': 'Withdrawn', 'gift.archive': 'Withdraw', 'gift.restore': 'Offer again',
    'gift.remaining': 'Left', 'gift.ordered': 'Ordered', 'gift.empty': 'No gifts yet — add the first one', 'gift.saved': 'Gift saved',
    'gift.needName': 'Give the gift a name', 'gift.needPoints': 'Give the points price', 'gift.needStock': 'Give the stock', 'gift.needWay': 'Choose at least one way to receive it',
    'gift.pointsN': '{n} points', 'gift.plusCash': '+ {cash}',
    'order.member': 'Member', 'order.gift': 'Gift', 'order.way': 'Way', 'order.status': 'Status', 'order.at': 'Ordered',
    'order.status.placed': 'Placed', 'order.status.ready': 'Ready for pickup', 'order.status.shipped': 'Shipped', 'order.status.completed': 'Completed', 'order.status.cancelled': 'Cancelled',
    'order.way.pickup': 'Pickup', 'order.way.mail': 'Mail', 'order.allWays': 'All ways', 'order.allStores': 'All stores',
    'order.ready': 'Ready', 'order.ship': 'Ship', 'order.complete': 'Delivered', 'order.cancel': 'Cancel order',
    'order.carrier': 'Carrier', 'order.tracking': 'Tracking number', 'order.reason': 'Reason', 'order.reasonPh': 'e.g. the member asked',
    'order.shipTitle': 'Ship', 'order.cancelTitle': 'Cancel the order', 'order.cancelHint': 'The member gets {points} points back into the original lots; stock +{qty}',
    'order.shipped': 'Shipped', 'order.cancelled': 'Cancelled; points and stock returned', 'order.readyDone': 'Marked ready for pickup', 'order.completed': 'Completed',
    'order.empty': 'No orders', 'order.qty': '× {n}', 'order.fee': 'Shipping {fee} owed by the member', 'order.address': 'Address',
    'order.needCarrier': 'Give the carrier', 'order.needTracking': 'Give the tracking number', 'order.needReason': 'Give a reason',
  },
});

const EMPTY = { name: '', brand_id: null, points: '', cash: '', stock: '', per_member_limit: '', pickup: true, mail: true, fee: '', description: '', image: '', position: '' };
const yuan = (fen) => (fen ? (fen / 100).toFixed(2).replace(/\.00$/, '') : '');
const fen = (y) => (y === '' || y == null ? 0 : Math.round(Number(y) * 100));

export default {
  components: { PageHead, ListToolbar, Tabs, FilterChips },
  setup() {
    const tab = ref('catalogue');
    const gifts = useList('/api/gifts', { filters: { status: 'active' }, archived: false });
    gifts.load();
    const orders = useList('/api/gift-orders', { filters: { status: null, fulfilment: null, store_id: null }, archived: false });
    orders.load();
    watch(tab, (v) => (v === 'orders' ? orders.load() : gifts.load()));
    const brands = ref([]);
    const stores = ref([]);
    brandOptions().then((o) => { brands.value = o; }).catch(() => {});
    storeOptions().then((o) => { stores.value = o; }).catch(() => {});
    const tabs = computed(() => [
      { value: 'catalogue', label: t('gift.tabCatalogue'), count: gifts.total || null },
      { value: 'orders', label: t('gift.tabOrders'), count: orders.total || null },
    ]);
    const giftStatus = computed(() => ['active', 'archived'].map((v) => ({ value: v, label: t('gift.status.' + v) })));
    const orderStatus = computed(() => ['placed', 'ready', 'shipped', 'completed', 'cancelled'].map((v) => ({ value: v, label: t('order.status.' + v) })));
    const ways = computed(() => ['pickup', 'mail'].map((v) => ({ value: v, label: t('order.way.' + v) })));
    const giftColumns = computed(() => [
      { key: 'name', label: t('gift.name') },
      { key: 'price', label: t('gift.points'), width: '150px' },
      { key: 'stock', label: t('gift.stock'), width: '160px' },
      { key: 'ways', label: t('gift.ways'), width: '150px' },
      { key: 'status', label: t('order.status'), width: '90px' },
      { key: 'actions', label: '', width: '150px', align: 'right' },
    ]);
    const orderColumns = computed(() => [
      { key: 'gift', label: t('order.gift') },
      { key: 'member', label: t('order.member'), width: '150px' },
      { key: 'way', label: t('order.way'), width: '190px' },
      { key: 'status', label: t('order.status'), width: '100px' },
      { key: 'at', label: t('order.at'), width: '150px' },
      { key: 'actions', label: '', width: '200px', align: 'right' },
    ]);

    // gift form
    const drawer = reactive({ open: false, row: null });
    const form = useForm(EMPTY, ['name', 'brand_id', 'points', 'cash_fen', 'stock', 'per_member_limit', 'pickup', 'mail', 'shipping_fee_fen', 'description', 'image', 'position']);
    function openCreate() { drawer.row = null; form.reset({ ...EMPTY }); drawer.open = true; }
    function openEdit(g) {
      drawer.row = g;
      form.reset({
        name: g.name, brand_id: g.brand_id || null, points: g.points, cash: yuan(g.cash_fen), stock: g.stock,
        per_member_limit: g.per_member_limit || '', pickup: g.pickup, mail: g.mail, fee: yuan(g.shipping_fee_fen),
        description: g.description || '', image: g.image || '', position: g.position || '',
      });
      drawer.open = true;
    }
    async function save() {
      const v = clean(form.values);
      form.errors = {};
      if (!v.name) form.errors.name = t('gift.needName');
      if (v.points === '' || v.points == null) form.errors.points = t('gift.needPoints');
      if (v.stock === '' || v.stock == null) form.errors.stock = t('gift.needStock');
      if (!v.pickup && !v.mail) form.errors.pickup = t('gift.needWay');
      if (Object.keys(form.errors).length) return;
      const body = {
        name: v.name, points: Number(v.points), stock: Number(v.stock), cash_fen: fen(v.cash), pickup: v.pickup, mail: v.mail,
        shipping_fee_fen: fen(v.fee), description: v.description, image: v.image || null,
        per_member_limit: v.per_member_limit === '' ? null : Number(v.per_member_limit), position: v.position === '' ? 0 : Number(v.position),
      };
      if (v.brand_id) body.brand_id = v.brand_id; else if (drawer.row && drawer.row.brand_id) body.brand_id = null;
      if (!drawer.row) { if (body.image === null) delete body.image; if (body.per_member_limit === null) delete body.per_member_limit; }
      const res = await form.run(() => (drawer.row ? api.patch(`/api/gifts/${drawer.row.id}`, body) : api.post('/api/gifts', body)));
      if (res) { toast.success(t('gift.saved')); drawer.open = false; gifts.load(); }
    }
    async function setStatus(g, status) {
      try { await api.patch(`/api/gifts/${g.id}`, { status }); toast.success(t('gift.saved')); gifts.load(); } catch (e) { toast.error(e.message); }
    }

    // order actions
    const act = reactive({ open: false, kind: '', row: null });
    const actForm = useForm({ carrier: '', tracking_no: '', reason: '' });
    function openAct(kind, row) { act.kind = kind; act.row = row; actForm.reset({ carrier: '', tracking_no: '', reason: '' }); act.open = true; }
    async function simple(kind, row) {
      try {
        await api.post(`/api/gift-orders/${row.id}/${kind}`, {});
        toast.success(t(kind === 'ready' ? 'order.readyDone' : 'order.completed'));
        orders.load();
      } catch (e) { toast.error(e.message); }
    }
    async function submitAct() {
      const v = clean(actForm.values);
      actForm.errors = {};
      if (act.kind === 'ship') {
        if (!v.carrier) actForm.errors.carrier = t('order.needCarrier');
        if (!v.tracking_no) actForm.errors.tracking_no = t('order.needTracking');
      } else if (!v.reason) actForm.errors.reason = t('order.needReason');
      if (Object.keys(actForm.errors).length) return;
      const body = act.kind === 'ship' ? { carrier: v.carrier, tracking_no: v.tracking_no } : { reason: v.reason };
      const res = await actForm.run(() => api.post(`/api/gift-orders/${act.row.id}/${act.kind}`, body));
      if (res) { toast.success(t(act.kind === 'ship' ? 'order.shipped' : 'order.cancelled')); act.open = false; orders.load(); gifts.load(); }
    }
    const statusTone = (s) => ({ placed: 'hh-tag-warn', ready: 'hh-tag-info', shipped: 'hh-tag-info', completed: 'hh-tag-success', cancelled: '' })[s] || '';
    const addressText = (a) => (a ? [a.name, a.phone, [a.province, a.city, a.district, a.detail].filter(Boolean).join('')].join(' · ') : '');
    return {
      tab, tabs, gifts, orders, brands, stores, giftStatus, orderStatus, ways, giftColumns, orderColumns,
      drawer, form, openCreate, openEdit, save, setStatus, act, actForm, openAct, simple, submitAct, statusTone, addressText,
      can, t, fmtDateTime, fmtNumber, fmtMoney, yuan,
    };
  },
  template: `
    <div class="page">
      <page-head :title="t('nav.gifts')" :desc="t('gift.desc')">
        <button v-if="can('gift.manage')" type="button" class="hh-btn hh-btn-primary" @click="openCreate" data-test="new-gift"><hh-icon name="plus" /> {{ t('gift.new') }}</button>
      </page-head>
      <tabs v-model="tab" :tabs="tabs" />
      <div class="hh-card" v-if="tab === 'catalogue'">
        <list-toolbar :list="gifts" :archived="false">
          <template #filters><filter-chips v-model="gifts.filters.status" :options="giftStatus" :all-label="t('common.all')" /></template>
        </list-toolbar>
        <hh-table :columns="giftColumns" :rows="gifts.items" :total="gifts.total" :limit="gifts.limit" :offset="gifts.offset"
                  :loading="gifts.loading" :error="gifts.error" :empty-text="t('gift.empty')"
                  :row-class="r => r.status === 'archived' ? 'is-archived' : ''"
                  @page="gifts.setOffset" @limit="gifts.setLimit" @retry="gifts.load()">
          <template #cell-name="{ row }"><div class="cell-main">{{ row.name }}</div><div class="cell-sub">{{ row.brand_name || t('gift.brandAll') }}<span v-if="row.per_member_limit"> · {{ t('gift.limit') }} {{ row.per_member_limit }}</span></div></template>
          <template #cell-price="{ row }"><strong>{{ t('gift.pointsN', { n: fmtNumber(row.points) }) }}</strong><div class="cell-sub" v-if="row.cash_fen">{{ t('gift.plusCash', { cash: fmtMoney(row.cash_fen) }) }}</div></template>
          <template #cell-stock="{ row }"><div>{{ t('gift.remaining') }} <strong>{{ fmtNumber(row.remaining) }}</strong> / {{ fmtNumber(row.stock) }}</div><div class="cell-sub">{{ t('gift.ordered') }} {{ fmtNumber(row.ordered) }}</div></template>
          <template #cell-ways="{ row }"><span v-if="row.pickup" class="hh-tag">{{ t('gift.pickup') }}</span> <span v-if="row.mail" class="hh-tag">{{ t('gift.mail') }}</span></template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="row.status === 'active' ? 'hh-tag-success' : ''">{{ t('gift.status.' + row.status) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="can('gift.manage')">
              <button type="button" class="hh-btn hh-btn-link" @click="openEdit(row)" data-test="edit-gift">{{ t('common.edit') }}</button>
              <button v-if="row.status === 'active'" type="button" class="hh-btn hh-btn-link" @click="setStatus(row, 'archived')">{{ t('gift.archive') }}</button>
              <button v-else type="button" class="hh-btn hh-btn-link" @click="setStatus(row, 'active')">{{ t('gift.restore') }}</button>
            </div>
          </template>
        </hh-table>
      </div>
      <div class="hh-card" v-else>
        <div class="list-toolbar">
          <filter-chips v-model="orders.filters.status" :options="orderStatus" :all-label="t('common.all')" />
          <hh-select class="list-filter-sm" v-model="orders.filters.fulfilment" :options="ways" :searchable="false" :placeholder="t('order.allWays')" name="filter-way" />
          <hh-select class="list-filter" v-model="orders.filters.store_id" :options="stores" :placeholder="t('order.allStores')" name="filter-store" />
          <div class="list-toolbar-right"><button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="orders.load()"><hh-icon name="refresh" /></button></div>
        </div>
        <hh-table :columns="orderColumns" :rows="orders.items" :total="orders.total" :limit="orders.limit" :offset="orders.offset"
                  :loading="orders.loading" :error="orders.error" :empty-text="t('order.empty')"
                  @page="orders.setOffset" @limit="orders.setLimit" @retry="orders.load()">
          <template #cell-gift="{ row }"><div class="cell-main">{{ row.gift_name }} <span class="muted">{{ t('order.qty', { n: row.quantity }) }}</span></div><div class="cell-sub">{{ t('gift.pointsN', { n: fmtNumber(row.points) }) }} · #{{ row.id }}</div></template>
          <template #cell-member="{ row }"><div class="cell-main">{{ row.member_name || '—' }}</div><div class="cell-sub mono">{{ row.phone_masked }}</div></template>
          <template #cell-way="{ row }">
            <div>{{ t('order.way.' + row.fulfilment) }}<span v-if="row.store_name"> · {{ row.store_name }}</span></div>
            <div class="cell-sub" v-if="row.fulfilment === 'mail'">{{ addressText(row.address) }}</div>
            <div class="cell-sub" v-if="row.tracking_no">{{ row.carrier }} <span class="mono">{{ row.tracking_no }}</span></div>
            <div class="cell-sub" v-if="row.shipping_fee_fen">{{ t('order.fee', { fee: fmtMoney(row.shipping_fee_fen) }) }}</div>
          </template>
          <template #cell-status="{ row }"><span class="hh-tag" :class="statusTone(row.status)">{{ t('order.status.' + row.status) }}</span><div class="cell-sub" v-if="row.cancel_reason">{{ row.cancel_reason }}</div></template>
          <template #cell-at="{ row }"><span class="muted">{{ fmtDateTime(row.created_at) }}</span></template>
          <template #cell-actions="{ row }">
            <div class="cell-actions" v-if="can('gift.manage')">
              <button v-if="row.fulfilment === 'pickup' && row.status === 'placed'" type="button" class="hh-btn hh-btn-link" @click="simple('ready', row)">{{ t('order.ready') }}</button>
              <button v-if="row.fulfilment === 'mail' && row.status === 'placed'" type="button" class="hh-btn hh-btn-link" @click="openAct('ship', row)" data-test="ship">{{ t('order.ship') }}</button>
              <button v-if="row.status === 'shipped'" type="button" class="hh-btn hh-btn-link" @click="simple('complete', row)">{{ t('order.complete') }}</button>
              <button v-if="row.status === 'placed' || row.status === 'ready'" type="button" class="hh-btn hh-btn-link" @click="openAct('cancel', row)" data-test="cancel">{{ t('order.cancel') }}</button>
            </div>
          </template>
        </hh-table>
      </div>

      <hh-drawer :open="drawer.open" :title="drawer.row ? t('gift.edit') : t('gift.new')" width="560px" @close="drawer.open = false">
        <form class="hh-form" id="gift-form" @submit.prevent="save" novalidate>
          <hh-form-error :message="form.formError" />
          <hh-field :label="t('gift.name')" :error="form.errors.name" name="name" required><input class="hh-input" v-model="form.values.name" :placeholder="t('gift.namePh')" maxlength="60" /></hh-field>
          <hh-field :label="t('gift.brand')" :error="form.errors.brand_id" :hint="t('gift.brandHint')" name="brand_id"><hh-select v-model="form.values.brand_id" :options="brands" :placeholder="t('gift.brandAll')" name="brand_id" /></hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('gift.points')" :error="form.errors.points" name="points" required><input class="hh-input" type="number" min="1" v-model="form.values.points" /></hh-field>
            <hh-field :label="t('gift.cash')" :error="form.errors.cash_fen" :hint="t('gift.cashHint')" name="cash"><input class="hh-input" type="number" min="0" step="0.01" v-model="form.values.cash" /></hh-field>
          </div>
          <div class="hh-form-row">
            <hh-field :label="t('gift.stock')" :error="form.errors.stock" :hint="drawer.row ? t('gift.stockHint', { n: drawer.row.ordered }) : ''" name="stock" required><input class="hh-input" type="number" min="0" v-model="form.values.stock" /></hh-field>
            <hh-field :label="t('gift.limit')" :error="form.errors.per_member_limit" name="per_member_limit"><input class="hh-input" type="number" min="1" v-model="form.values.per_member_limit" :placeholder="t('gift.limitPh')" /></hh-field>
          </div>
          <hh-field :label="t('gift.ways')" :error="form.errors.pickup || form.errors.mail" name="ways">
            <div class="hh-form-row"><hh-switch v-model="form.values.pickup" :label="t('gift.pickup')" name="pickup" /> <hh-switch v-model="form.values.mail" :label="t('gift.mail')" name="mail" /></div>
          </hh-field>
          <hh-field v-if="form.values.mail" :label="t('gift.fee')" :error="form.errors.shipping_fee_fen" :hint="t('gift.feeHint')" name="fee"><input class="hh-input" type="number" min="0" step="0.01" v-model="form.values.fee" /></hh-field>
          <hh-field :label="t('gift.description')" :error="form.errors.description" name="description"><textarea class="hh-textarea" v-model="form.values.description" maxlength="2000"></textarea></hh-field>
          <div class="hh-form-row">
            <hh-field :label="t('gift.image')" :error="form.errors.image" name="image"><input class="hh-input" v-model="form.values.image" maxlength="500" placeholder="https://…" /></hh-field>
            <hh-field :label="t('gift.position')" :error="form.errors.position" name="position"><input class="hh-input" type="number" min="0" v-model="form.values.position" /></hh-field>
          </div>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="drawer.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="gift-form" class="hh-btn hh-btn-primary" :disabled="form.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="act.open" :title="act.kind === 'ship' ? t('order.shipTitle') : t('order.cancelTitle')" :subtitle="act.row ? act.row.gift_name + ' · ' + act.row.phone_masked : ''" width="480px" @close="act.open = false">
        <form class="hh-form" id="order-form" @submit.prevent="submitAct" novalidate>
          <hh-form-error :message="actForm.formError" />
          <template v-if="act.kind === 'ship'">
            <div class="hh-alert" v-if="act.row && act.row.address"><hh-icon name="box" /><span>{{ t('order.address') }}：{{ addressText(act.row.address) }}</span></div>
            <hh-field :label="t('order.carrier')" :error="actForm.errors.carrier" name="carrier" required><input class="hh-input" v-model="actForm.values.carrier" maxlength="40" placeholder="顺丰 / 中通 / EMS" /></hh-field>
            <hh-field :label="t('order.tracking')" :error="actForm.errors.tracking_no" name="tracking_no" required><input class="hh-input mono" v-model="actForm.values.tracking_no" maxlength="60" /></hh-field>
          </template>
          <template v-else>
            <div class="hh-alert hh-alert-warn" v-if="act.row"><hh-icon name="info" /><span>{{ t('order.cancelHint', { points: fmtNumber(act.row.points), qty: act.row.quantity }) }}</span></div>
            <hh-field :label="t('order.reason')" :error="actForm.errors.reason" name="reason" required><textarea class="hh-textarea" v-model="actForm.values.reason" :placeholder="t('order.reasonPh')" maxlength="200"></textarea></hh-field>
          </template>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="act.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="order-form" class="hh-btn" :class="act.kind === 'ship' ? 'hh-btn-primary' : 'hh-btn-danger'" :disabled="actForm.busy" data-test="submit">{{ act.kind === 'ship' ? t('order.ship') : t('order.cancel') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
