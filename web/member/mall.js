// mall.js — the member's gift mall (#/mall), its orders (#/mall/orders) and
// "invite friends" (#/invite): spend points on gifts, picked up at a store of
// one's choice (show the member QR at the counter) or mailed to an address
// (the shipping fee is paid on delivery); cancel an order not yet handed over
// or shipped (points come back); share one's personal referral link and QR.

import { ref, reactive, computed } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber, fmtMoney } from '/shared/format.js';
import { navigate } from '/shared/router.js';

addMessages({
  'zh-CN': {
    'mall.title': '积分商城', 'mall.balance': '可用积分', 'mall.myOrders': '我的兑换', 'mall.empty': '商城暂时没有可兑换的礼品',
    'mall.points': '{n} 积分', 'mall.left': '剩 {n} 件', 'mall.soldOut': '已兑完', 'mall.redeem': '兑换', 'mall.notEnough': '积分不足',
    'mall.limit': '每人限兑 {n} 件', 'mall.mine': '已兑 {n} 件', 'mall.how': '领取方式', 'mall.pickup': '到店自提', 'mall.mail': '邮寄到家',
    'mall.store': '自提门店', 'mall.storePh': '选择门店', 'mall.address': '收货地址', 'mall.noAddress': '还没有地址，请先在会员中心添加',
    'mall.fee': '运费 {fee}，到付', 'mall.qty': '数量', 'mall.total': '共需 {n} 积分', 'mall.confirm': '确认兑换',
    'mall.done': '兑换成功', 'mall.doneHint.pickup': '请到 {store} 出示会员码领取', 'mall.doneHint.mail': '我们会尽快发货',
    'mall.orders.empty': '还没有兑换记录', 'mall.cancel': '取消兑换', 'mall.cancelAsk': '取消后积分将退回您的账户，确定取消吗？',
    'mall.cancelled': '已取消，积分已退回', 'mall.status.placed': '待领取', 'mall.status.ready': '可领取', 'mall.status.shipped': '已发货',
    'mall.status.completed': '已完成', 'mall.status.cancelled': '已取消', 'mall.showQr': '到店出示会员码', 'mall.tracking': '{carrier} {no}',
    'invite.title': '邀请好友', 'invite.sub': '好友扫码注册，双方都得积分', 'invite.rule.registration': '好友注册成功即奖励',
    'invite.rule.first_purchase': '好友首次购买后奖励', 'invite.rule.first_redemption': '好友首次到店核销后奖励',
    'invite.you': '您得 {n} 积分', 'invite.friend': '好友得 {n} 积分', 'invite.copy': '复制链接', 'invite.copied': '已复制邀请链接',
    'invite.stats': '已邀请 {n} 人 · 已奖励 {r} 人', 'invite.list': '我邀请的好友', 'invite.none': '还没有好友通过您的邀请注册',
    'invite.status.pending': '待达成', 'invite.status.rewarded': '已奖励', 'invite.status.rejected': '未通过', 'invite.hint': '长按二维码保存，或复制链接发给好友',
  },
  en: {
    'mall.title': 'Gift mall', 'mall.balance': 'Points', 'mall.myOrders': 'My orders', 'mall.empty': 'No gifts to order right now',
    'mall.points': '{n} points', 'mall.left': '{n} left', 'mall.soldOut': 'Out of stock', 'mall.redeem': 'Order', 'mall.notEnough': 'Not enough points',
    'mall.limit': 'Up to {n} per member', 'mall.mine': 'You have {n}', 'mall.how': 'How to receive', 'mall.pickup': 'Pick up at a store', 'mall.mail': 'Mail to me',
    'mall.store': 'Store', 'mall.storePh': 'Choose a store', 'mall.address': 'Address', 'mall.noAddress': 'No address yet: add one in your member centre',
    'mall.fee': 'Shipping {fee}, paid on delivery', 'mall.qty': 'Quantity', 'mall.total': '{n} points in all', 'mall.confirm': 'Confirm',
    'mall.done': 'Ordered', 'mall.doneHint.pickup': 'Show your member QR at {store} to collect it', 'mall.doneHint.mail': 'We will ship it soon',
    'mall.orders.empty': 'No orders yet', 'mall.cancel': 'Cancel', 'mall.cancelAsk': 'Your points come back when you cancel. Cancel this order?',
    'mall.cancelled': 'Cancelled; points returned', 'mall.status.placed': 'To collect', 'mall.status.ready': 'Ready', 'mall.status.shipped': 'Shipped',
    'mall.status.completed': 'Done', 'mall.status.cancelled': 'Cancelled', 'mall.showQr': 'Show your member QR', 'mall.tracking': '{carrier} {no}',
    'invite.title': 'Invite friends', 'invite.sub': 'A friend joins with your code: you both get points', 'invite.rule.registration': 'Rewarded when your friend joins',
    'invite.rule.first_purchase': 'Rewarded after your friend\'s first purchase', 'invite.rule.first_redemption': 'Rewarded after your friend\'s first visit to a counter',
    'invite.you': 'You get {n} points', 'invite.friend': 'Your friend gets {n}', 'invite.copy': 'Copy link', 'invite.copied': 'Invite link copied',
    'invite.stats': '{n} invited · {r} rewarded', 'invite.list': 'Friends you invited', 'invite.none': 'Nobody has joined with your link yet',
    'invite.status.pending': 'Waiting', 'invite.status.rewarded': 'Rewarded', 'invite.status.rejected': 'Not approved', 'invite.hint': 'Save the QR or copy the link for your friends',
  },
});

export function mallScreens() {
  const Head = {
    props: { title: String, back: { type: String, default: '#/me' } },
    template: `
      <section class="mh-page-head">
        <a class="hh-icon-btn mh-back" :href="back" :aria-label="title"><hh-icon name="chevronLeft" :size="22" /></a>
        <h1>{{ title }}</h1>
        <slot />
      </section>`,
  };

  const MallPage = {
    components: { Head },
    setup() {
      const data = reactive({ items: [], balance: 0, loading: true, error: '' });
      const stores = ref([]);
      const addresses = ref([]);
      async function load() {
        data.loading = true;
        data.error = '';
        try {
          const r = await api.get('/api/member/gifts');
          data.items = r.items;
          data.balance = r.balance;
        } catch (e) { data.error = e.message; } finally { data.loading = false; }
      }
      load();
      const sheet = reactive({ open: false, gift: null, fulfilment: 'pickup', store_id: null, address_id: null, quantity: 1, busy: false, error: '', done: null });
      async function open(g) {
        Object.assign(sheet, { open: true, gift: g, fulfilment: g.pickup ? 'pickup' : 'mail', store_id: null, address_id: null, quantity: 1, error: '', done: null });
        try { stores.value = (await api.get('/api/member/stores', g.brand_id ? { brand_id: g.brand_id } : {})).items || []; } catch { stores.value = []; }
        try {
          addresses.value = (await api.get('/api/member/addresses')).items || [];
          const def = addresses.value.find((a) => a.is_default) || addresses.value[0];
          sheet.address_id = def ? def.id : null;
        } catch { addresses.value = []; }
      }
      const total = computed(() => (sheet.gift ? sheet.gift.points * sheet.quantity : 0));
      const canOrder = (g) => g.remaining > 0 && data.balance >= g.points && (!g.per_member_limit || g.mine < g.per_member_limit);
      async function submit() {
        sheet.error = '';
        const body = { gift_id: sheet.gift.id, fulfilment: sheet.fulfilment, quantity: sheet.quantity };
        if (sheet.fulfilment === 'pickup') body.store_id = sheet.store_id; else body.address_id = sheet.address_id;
        sheet.busy = true;
        try {
          sheet.done = await api.post('/api/member/gift-orders', body);
          load();
        } catch (e) { sheet.error = e.message; } finally { sheet.busy = false; }
      }
      const addrLine = (a) => [a.province, a.city, a.district, a.detail].filter(Boolean).join('');
      return { data, sheet, stores, addresses, total, open, submit, canOrder, addrLine, t, fmtNumber, fmtMoney, navigate };
    },
    template: `
      <div class="m-app mh-mall">
        <head :title="t('mall.title')"><a class="hh-btn hh-btn-sm" href="#/mall/orders" data-test="my-orders">{{ t('mall.myOrders') }}</a></head>
        <div class="m-body">
          <section class="m-card mh-points-card"><span>{{ t('mall.balance') }}</span><strong data-test="balance">{{ fmtNumber(data.balance) }}</strong></section>
          <div v-if="data.loading" class="m-loading"><span class="hh-spinner"></span></div>
          <div v-else-if="data.error" class="hh-alert hh-alert-error">{{ data.error }}</div>
          <div v-else-if="!data.items.length" class="m-empty">{{ t('mall.empty') }}</div>
          <div v-else class="mh-gift-grid">
            <article v-for="g in data.items" :key="g.id" class="m-card mh-gift" data-test="gift">
              <div class="mh-gift-img"><img v-if="g.image" :src="g.image" :alt="g.name" /><hh-icon v-else name="gift" :size="40" /></div>
              <h3>{{ g.name }}</h3>
              <p class="mh-gift-price"><strong>{{ t('mall.points', { n: fmtNumber(g.points) }) }}</strong><span v-if="g.cash_fen"> + {{ fmtMoney(g.cash_fen) }}</span></p>
              <p class="muted small">{{ g.remaining ? t('mall.left', { n: g.remaining }) : t('mall.soldOut') }}<span v-if="g.per_member_limit"> · {{ t('mall.limit', { n: g.per_member_limit }) }}</span></p>
              <button type="button" class="hh-btn hh-btn-primary hh-btn-block" :disabled="!canOrder(g)" @click="open(g)" data-test="redeem">
                {{ !g.remaining ? t('mall.soldOut') : data.balance < g.points ? t('mall.notEnough') : t('mall.redeem') }}</button>
            </article>
          </div>
        </div>
        <div v-if="sheet.open" class="m-sheet-backdrop" @click.self="sheet.open = false">
          <div class="m-sheet" role="dialog" :aria-label="sheet.gift.name">
            <template v-if="!sheet.done">
              <h2>{{ sheet.gift.name }}</h2>
              <div class="m-field" v-if="sheet.gift.pickup && sheet.gift.mail">
                <span class="m-label">{{ t('mall.how') }}</span>
                <div class="seg">
                  <label class="seg-item" :class="{ active: sheet.fulfilment === 'pickup' }"><input type="radio" value="pickup" v-model="sheet.fulfilment" /> {{ t('mall.pickup') }}</label>
                  <label class="seg-item" :class="{ active: sheet.fulfilment === 'mail' }"><input type="radio" value="mail" v-model="sheet.fulfilment" /> {{ t('mall.mail') }}</label>
                </div>
              </div>
              <label class="m-field" v-if="sheet.fulfilment === 'pickup'">
                <span class="m-label">{{ t('mall.store') }}</span>
                <select class="hh-input" v-model="sheet.store_id" data-test="store">
                  <option :value="null" disabled>{{ t('mall.storePh') }}</option>
                  <option v-for="s in stores" :key="s.id" :value="s.id">{{ s.name }}<template v-if="s.city"> · {{ s.city }}</template></option>
                </select>
              </label>
              <div class="m-field" v-else>
                <span class="m-label">{{ t('mall.address') }}</span>
                <p v-if="!addresses.length" class="muted">{{ t('mall.noAddress') }} <a href="#/me">→</a></p>
                <label v-for="a in addresses" :key="a.id" class="mh-addr-choice"><input type="radio" :value="a.id" v-model="sheet.address_id" />
                  <span><strong>{{ a.name }}</strong> {{ a.phone }}<br /><small>{{ addrLine(a) }}</small></span></label>
                <p class="muted small" v-if="sheet.gift.shipping_fee_fen">{{ t('mall.fee', { fee: fmtMoney(sheet.gift.shipping_fee_fen) }) }}</p>
              </div>
              <label class="m-field">
                <span class="m-label">{{ t('mall.qty') }}</span>
                <input class="hh-input" type="number" min="1" :max="sheet.gift.remaining" v-model.number="sheet.quantity" />
              </label>
              <p class="mh-total">{{ t('mall.total', { n: fmtNumber(total) }) }}</p>
              <div v-if="sheet.error" class="hh-alert hh-alert-error" data-test="order-error">{{ sheet.error }}</div>
              <button type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="sheet.busy || (sheet.fulfilment === 'pickup' ? !sheet.store_id : !sheet.address_id)" @click="submit" data-test="confirm">{{ t('mall.confirm') }}</button>
            </template>
            <template v-else>
              <div class="mh-done"><hh-icon name="check" :size="40" /><h2>{{ t('mall.done') }}</h2>
                <p>{{ sheet.done.fulfilment === 'pickup' ? t('mall.doneHint.pickup', { store: sheet.done.store_name }) : t('mall.doneHint.mail') }}</p></div>
              <button type="button" class="hh-btn hh-btn-block" @click="navigate('/mall/orders')">{{ t('mall.myOrders') }}</button>
            </template>
          </div>
        </div>
      </div>`,
  };

  const OrdersPage = {
    components: { Head },
    setup() {
      const data = reactive({ items: [], loading: true, error: '' });
      async function load() {
        data.loading = true;
        try { data.items = (await api.get('/api/member/gift-orders', { limit: 100 })).items; } catch (e) { data.error = e.message; } finally { data.loading = false; }
      }
      load();
      async function cancel(o) {
        const ok = await confirmDialog({ title: t('mall.cancel'), message: t('mall.cancelAsk'), okText: t('mall.cancel'), danger: true });
        if (!ok) return;
        try { await api.post(`/api/member/gift-orders/${o.id}/cancel`, {}); toast.success(t('mall.cancelled')); load(); } catch (e) { toast.error(e.message); }
      }
      return { data, cancel, t, fmtNumber, fmtDateTime, fmtMoney };
    },
    template: `
      <div class="m-app">
        <head :title="t('mall.myOrders')" back="#/mall" />
        <div class="m-body">
          <div v-if="data.loading" class="m-loading"><span class="hh-spinner"></span></div>
          <div v-else-if="data.error" class="hh-alert hh-alert-error">{{ data.error }}</div>
          <div v-else-if="!data.items.length" class="m-empty">{{ t('mall.orders.empty') }}</div>
          <article v-for="o in data.items" :key="o.id" class="m-card mh-order" data-test="order">
            <div class="mh-order-top"><strong>{{ o.gift_name }} × {{ o.quantity }}</strong><span class="hh-tag">{{ t('mall.status.' + o.status) }}</span></div>
            <p class="muted small">{{ t('mall.points', { n: fmtNumber(o.points) }) }} · {{ fmtDateTime(o.created_at) }}</p>
            <p v-if="o.fulfilment === 'pickup'">{{ t('mall.pickup') }} · {{ o.store_name }}<span v-if="o.status === 'placed' || o.status === 'ready'"> · <a href="#/me">{{ t('mall.showQr') }}</a></span></p>
            <p v-else>{{ t('mall.mail') }}<span v-if="o.tracking_no"> · {{ t('mall.tracking', { carrier: o.carrier, no: o.tracking_no }) }}</span><span v-if="o.shipping_fee_fen"> · {{ t('mall.fee', { fee: fmtMoney(o.shipping_fee_fen) }) }}</span></p>
            <button v-if="o.status === 'placed' || o.status === 'ready'" type="button" class="hh-btn hh-btn-sm" @click="cancel(o)" data-test="cancel">{{ t('mall.cancel') }}</button>
          </article>
        </div>
      </div>`,
  };

  const InvitePage = {
    components: { Head },
    setup() {
      const data = reactive({ link: null, loading: true, error: '' });
      api.get('/api/member/referral').then((r) => { data.link = r; }).catch((e) => { data.error = e.message; }).finally(() => { data.loading = false; });
      async function copy() {
        try { await navigator.clipboard.writeText(data.link.url); toast.success(t('invite.copied')); } catch { toast.error(data.link.url); }
      }
      return { data, copy, t, fmtDateTime };
    },
    template: `
      <div class="m-app">
        <head :title="t('invite.title')" />
        <div class="m-body">
          <div v-if="data.loading" class="m-loading"><span class="hh-spinner"></span></div>
          <div v-else-if="data.error" class="hh-alert hh-alert-error">{{ data.error }}</div>
          <template v-else>
            <section class="m-card mh-invite">
              <p class="mh-invite-sub">{{ t('invite.sub') }}</p>
              <p class="mh-invite-rule">{{ t('invite.rule.' + data.link.rules.condition) }} · {{ t('invite.you', { n: data.link.rules.referrer_points }) }} · {{ t('invite.friend', { n: data.link.rules.referred_points }) }}</p>
              <img class="mh-invite-qr" src="/api/member/referral/qr.svg" :alt="t('invite.title')" data-test="invite-qr" />
              <p class="muted small">{{ t('invite.hint') }}</p>
              <p class="mono small mh-invite-url" data-test="invite-url">{{ data.link.url }}</p>
              <button type="button" class="hh-btn hh-btn-primary hh-btn-block" @click="copy">{{ t('invite.copy') }}</button>
            </section>
            <section class="m-card">
              <div class="m-card-title">{{ t('invite.list') }}<small>{{ t('invite.stats', { n: data.link.invited, r: data.link.rewarded }) }}</small></div>
              <p v-if="!data.link.items.length" class="m-empty">{{ t('invite.none') }}</p>
              <ul v-else class="m-list">
                <li v-for="f in data.link.items" :key="f.id"><span class="m-li-main mono">{{ f.phone_masked }}</span>
                  <span class="m-li-value">{{ t('invite.status.' + f.status) }} · {{ fmtDateTime(f.at) }}</span></li>
              </ul>
            </section>
          </template>
        </div>
      </div>`,
  };

  return { MallPage, OrdersPage, InvitePage };
}
