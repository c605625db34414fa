// samples.js — trial samples (试用装) in the member H5.
//   #/samples      what I can request now, and my requests with their parcels
//   #/samples/<id> one sample: what it is, the shipping fee I owe (or free
//                  shipping), choose a saved address or add one, request it;
//                  once requested: its state, tracking number, cancel while
//                  it has not shipped.
//
// sampleScreens(state) → { SamplesPage, SamplePage } bound to the app's state.

import { ref, computed, watch, onMounted } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { toast, confirmDialog } from '/shared/components.js';
import { navigate } from '/shared/router.js';
import { fmtDateTime } from '/shared/format.js';
import { meScreen, loadCities } from './me.js';
import { useMemberRewardStyles, money, SignInFirst } from './envelopes.js';

addMessages({
  'zh-CN': {
    'ms.title': '试用装',
    'ms.linkSub': '申领小样，查看物流',
    'ms.available': '正在申领',
    'ms.noneAvailable': '暂时没有可申领的试用装',
    'ms.mine': '我的试用装',
    'ms.noMine': '还没有申领过试用装',
    'ms.freeShipping': '包邮',
    'ms.fee': '运费 ¥{amount}',
    'ms.left': '剩余 {n} 份',
    'ms.request': '申领',
    'ms.requested': '已申领',
    'ms.view': '查看',
    'ms.state.open': '可申领',
    'ms.state.scheduled': '未开始',
    'ms.state.ended': '已截止',
    'ms.state.sold_out': '已领完',
    'ms.state.closed': '已下架',
    'ms.startsAt': '{at} 开始申领',
    'ms.endsAt': '申领截止：{at}',
    'ms.status.requested': '待发货',
    'ms.status.shipped': '已发货',
    'ms.status.delivered': '已签收',
    'ms.status.cancelled': '已取消',
    'ms.detail': '试用装详情',
    'ms.onePer': '每人限领一份',
    'ms.shipping': '运费',
    'ms.shippingFree': '包邮，您无需支付运费',
    'ms.shippingPaid': '¥{amount}，由您承担（快递到付）',
    'ms.address': '收货地址',
    'ms.addAddress': '新增地址',
    'ms.noAddress': '还没有收货地址，请先新增一个',
    'ms.pickAddress': '请选择收货地址',
    'ms.confirm': '确认申领',
    'ms.confirmPaid': '确认申领（运费 ¥{amount} 到付）',
    'ms.submitting': '提交中…',
    'ms.success': '申领成功，我们会尽快为您发货',
    'ms.yourRequest': '我的申领',
    'ms.requestNo': '申请编号 #{id}',
    'ms.shipTo': '寄往',
    'ms.owed': '应付运费',
    'ms.tracking': '快递',
    'ms.cancel': '取消申领',
    'ms.cancelTitle': '取消申领',
    'ms.cancelText': '取消后这一份会留给其他会员，确定取消吗？',
    'ms.cancelled': '已取消申领',
    'ms.again': '重新申领',
    'ms.notFound': '找不到该试用装',
    'ms.notFoundText': '它可能已被删除，看看其他试用装吧。',
    'ms.toList': '查看全部试用装',
    'ms.closedNote': '该试用装当前不可申领',
  },
  en: {
    'ms.title': 'Trial samples',
    'ms.linkSub': 'Request one, track the parcel',
    'ms.available': 'Open now',
    'ms.noneAvailable': 'No samples to request right now',
    'ms.mine': 'My samples',
    'ms.noMine': 'No sample requests yet',
    'ms.freeShipping': 'Free shipping',
    'ms.fee': 'Shipping ¥{amount}',
    'ms.left': '{n} left',
    'ms.request': 'Request',
    'ms.requested': 'Requested',
    'ms.view': 'View',
    'ms.state.open': 'Open',
    'ms.state.scheduled': 'Not open yet',
    'ms.state.ended': 'Closed',
    'ms.state.sold_out': 'All gone',
    'ms.state.closed': 'Withdrawn',
    'ms.startsAt': 'Opens {at}',
    'ms.endsAt': 'Requests close {at}',
    'ms.status.requested': 'To ship',
    'ms.status.shipped': 'Shipped',
    'ms.status.delivered': 'Delivered',
    'ms.status.cancelled': 'Cancelled',
    'ms.detail': 'Trial sample',
    'ms.onePer': 'One per member',
    'ms.shipping': 'Shipping',
    'ms.shippingFree': 'Free shipping — nothing to pay',
    'ms.shippingPaid': '¥{amount}, paid by you (on delivery)',
    'ms.address': 'Delivery address',
    'ms.addAddress': 'Add address',
    'ms.noAddress': 'No address yet — add one first',
    'ms.pickAddress': 'Choose a delivery address',
    'ms.confirm': 'Request it',
    'ms.confirmPaid': 'Request it (¥{amount} shipping on delivery)',
    'ms.submitting': 'Sending…',
    'ms.success': 'Requested — we will ship it soon',
    'ms.yourRequest': 'Your request',
    'ms.requestNo': 'Request #{id}',
    'ms.shipTo': 'Ship to',
    'ms.owed': 'Shipping owed',
    'ms.tracking': 'Parcel',
    'ms.cancel': 'Cancel request',
    'ms.cancelTitle': 'Cancel request',
    'ms.cancelText': 'The unit goes to another member. Cancel your request?',
    'ms.cancelled': 'Request cancelled',
    'ms.again': 'Request again',
    'ms.notFound': 'Sample not found',
    'ms.notFoundText': 'It may have been removed; have a look at the others.',
    'ms.toList': 'All samples',
    'ms.closedNote': 'This sample cannot be requested now',
  },
});

const addrLine = (a) => (a ? [a.province, a.city !== a.province ? a.city : '', a.district, a.detail].filter(Boolean).join(' ') : '');
const maskTel = (p) => { const d = String(p || '').replace(/^\+86/, ''); return d.length >= 7 ? d.slice(0, 3) + '****' + d.slice(-4) : d; };

export function sampleScreens(state) {
  // the member centre's address form, bound to the same state (saves to the address book)
  const { AddressForm } = meScreen(state).components;

  const RequestCard = {
    props: { r: Object },
    emits: ['changed'],
    setup(props, { emit }) {
      const busy = ref(false);
      async function cancel() {
        const ok = await confirmDialog({ title: t('ms.cancelTitle'), message: t('ms.cancelText'), okText: t('ms.cancel'), danger: true });
        if (!ok) return;
        busy.value = true;
        try {
          await api.post(`/api/member/samples/${props.r.id}/cancel`);
          toast.success(t('ms.cancelled'));
          emit('changed');
        } catch (e) { toast.error(e.message); } finally { busy.value = false; }
      }
      return { busy, cancel, addrLine, maskTel, money, t, fmtDateTime };
    },
    template: `
      <section class="m-card m-card-pad mr-request" :data-request="r.id" :data-status="r.status">
        <div class="mr-request-head">
          <b>{{ t('ms.requestNo', { id: r.id }) }}</b>
          <span class="mr-status" :class="'is-' + r.status" data-test="request-status">{{ t('ms.status.' + r.status) }}</span>
        </div>
        <dl class="mr-kv">
          <dt>{{ t('ms.shipTo') }}</dt><dd>{{ r.address.name }} {{ maskTel(r.address.phone) }}<br />{{ addrLine(r.address) }}</dd>
          <dt>{{ t('ms.owed') }}</dt><dd>{{ r.fee_owed_fen ? '¥' + money(r.fee_owed_fen) : t('ms.freeShipping') }}</dd>
          <template v-if="r.tracking_no"><dt>{{ t('ms.tracking') }}</dt><dd data-test="tracking">{{ r.carrier }} <span class="mono">{{ r.tracking_no }}</span></dd></template>
        </dl>
        <button v-if="r.status === 'requested'" type="button" class="hh-btn hh-btn-block mr-cancel" :disabled="busy" @click="cancel" data-test="cancel-request">{{ t('ms.cancel') }}</button>
      </section>`,
  };

  const SamplesPage = {
    components: { SignInFirst },
    setup() {
      useMemberRewardStyles();
      const offers = ref([]);
      const mine = ref([]);
      const loading = ref(true);
      const error = ref('');
      async function load() {
        if (!state.member) { loading.value = false; return; }
        error.value = '';
        try {
          const [o, m] = await Promise.all([api.get('/api/member/sample-offers'), api.get('/api/member/samples', { limit: 100 })]);
          offers.value = o.items || [];
          mine.value = m.items || [];
        } catch (e) { error.value = e.message; } finally { loading.value = false; }
      }
      onMounted(load);
      return { state, offers, mine, loading, error, load, money, t, fmtDateTime };
    },
    template: `
      <div class="m-app mr-page" data-test="samples-page">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" href="#/me" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ t('ms.title') }}</h1>
          <span class="m-header-right"><hh-lang-switch compact /></span>
        </header>
        <div class="m-body">
          <sign-in-first v-if="!state.member" from="samples" />
          <div v-else-if="loading" class="m-boot mr-boot"><span class="hh-spinner"></span></div>
          <div v-else-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
            <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
          <template v-else>
            <h3 class="m-section-title">{{ t('ms.available') }}</h3>
            <div v-if="!offers.length" class="m-card m-card-pad mr-empty"><m-icon name="box" :size="22" /><span>{{ t('ms.noneAvailable') }}</span></div>
            <a v-for="o in offers" :key="o.id" class="m-card mr-offer" :href="'#/samples/' + o.id" :data-offer="o.id" :data-state="o.state">
              <img v-if="o.image" class="mr-offer-img" :src="o.image" alt="" />
              <span v-else class="mr-offer-img mr-offer-ph"><m-icon name="box" :size="26" /></span>
              <div class="mr-offer-main">
                <b>{{ o.name }}</b>
                <p>{{ o.brand_name }} · {{ o.shipping_fee_fen ? t('ms.fee', { amount: money(o.shipping_fee_fen) }) : t('ms.freeShipping') }}</p>
                <p class="mr-offer-left">{{ o.state === 'open' ? t('ms.left', { n: o.remaining }) : t('ms.state.' + o.state) }}</p>
              </div>
              <span class="mr-offer-go" :class="{ done: o.my_request_id }">{{ o.my_request_id ? t('ms.requested') : o.state === 'open' ? t('ms.request') : t('ms.view') }}</span>
            </a>
            <h3 class="m-section-title">{{ t('ms.mine') }}</h3>
            <section class="m-card">
              <ul v-if="mine.length" class="m-list" data-test="my-samples">
                <li v-for="r in mine" :key="r.id" :data-request="r.id" :data-status="r.status">
                  <a class="m-li-btn" :href="'#/samples/' + r.offer_id">
                    <span class="m-li-icon"><m-icon :name="r.status === 'shipped' || r.status === 'delivered' ? 'truck' : 'box'" :size="18" /></span>
                    <div class="m-li-main">
                      <div class="m-li-title">{{ r.offer_name }}</div>
                      <div class="m-li-sub">{{ r.tracking_no ? r.carrier + ' ' + r.tracking_no : fmtDateTime(r.created_at) }}</div>
                    </div>
                    <span class="mr-status" :class="'is-' + r.status">{{ t('ms.status.' + r.status) }}</span>
                  </a>
                </li>
              </ul>
              <div v-else class="mr-empty mr-empty-in"><m-icon name="box" :size="22" /><span>{{ t('ms.noMine') }}</span></div>
            </section>
          </template>
        </div>
      </div>`,
  };

  const SamplePage = {
    props: { id: String },
    components: { SignInFirst, AddressForm, RequestCard },
    setup(props) {
      useMemberRewardStyles();
      const offer = ref(null);
      const request = ref(null);
      const loading = ref(true);
      const missing = ref(false);
      const error = ref('');
      const chosen = ref(null);
      const addrOpen = ref(false);
      const submitting = ref(false);
      const formError = ref('');
      async function loadAddresses() {
        const res = await api.get('/api/member/addresses');
        state.addresses = res.items || [];
        if (!state.addresses.some((a) => a.id === chosen.value)) {
          const def = state.addresses.find((a) => a.is_default) || state.addresses[0];
          chosen.value = def ? def.id : null;
        }
      }
      async function load() {
        if (!state.member) { loading.value = false; return; }
        loading.value = true; missing.value = false; error.value = '';
        try {
          offer.value = await api.get('/api/member/sample-offers/' + encodeURIComponent(props.id));
          request.value = null;
          if (offer.value.my_request_id) {
            const mine = await api.get('/api/member/samples', { limit: 100 });
            request.value = (mine.items || []).find((r) => r.id === offer.value.my_request_id) || null;
          }
          await loadAddresses();
        } catch (e) {
          if (e.status === 404 || e.status === 400) missing.value = true; else error.value = e.message;
        } finally { loading.value = false; }
      }
      watch(() => props.id, load);
      watch(chosen, () => { formError.value = ''; });
      onMounted(() => { load(); loadCities(); });
      async function addressDone() {
        addrOpen.value = false;
        const before = new Set(state.addresses.map((a) => a.id));
        await loadAddresses();
        const added = state.addresses.find((a) => !before.has(a.id));
        if (added) chosen.value = added.id;
      }
      async function submit() {
        formError.value = '';
        if (!chosen.value) { formError.value = t('ms.pickAddress'); return; }
        submitting.value = true;
        try {
          request.value = await api.post('/api/member/samples', { offer_id: offer.value.id, address_id: chosen.value });
          toast.success(t('ms.success'));
          offer.value = await api.get('/api/member/sample-offers/' + offer.value.id);
        } catch (e) {
          formError.value = e.message;
          try { offer.value = await api.get('/api/member/sample-offers/' + offer.value.id); } catch (_) { /* keep */ }
        } finally { submitting.value = false; }
      }
      const canRequest = computed(() => offer.value && offer.value.state === 'open' && !offer.value.my_request_id);
      return { state, offer, request, loading, missing, error, chosen, addrOpen, submitting, formError, load, addressDone, submit, canRequest,
        addrLine, maskTel, money, navigate, t, fmtDateTime };
    },
    template: `
      <div class="m-app mr-page" data-test="sample-page">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" href="#/samples" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ t('ms.detail') }}</h1>
          <span class="m-header-right"><hh-lang-switch compact /></span>
        </header>
        <div class="m-body">
          <sign-in-first v-if="!state.member" :from="'samples/' + id" />
          <div v-else-if="loading" class="m-boot mr-boot"><span class="hh-spinner"></span></div>
          <hh-empty v-else-if="missing" icon="alert" :title="t('ms.notFound')" :text="t('ms.notFoundText')">
            <a href="#/samples" class="hh-btn hh-btn-primary" style="margin-top:12px">{{ t('ms.toList') }}</a></hh-empty>
          <div v-else-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
            <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
          <template v-else>
            <section class="m-card mr-sample-hero">
              <img v-if="offer.image" class="mr-sample-img" :src="offer.image" alt="" />
              <div v-else class="mr-sample-img mr-offer-ph"><m-icon name="box" :size="44" /></div>
              <div class="m-card-pad">
                <span class="mr-chip">{{ offer.brand_name }}</span>
                <h2 data-test="offer-name">{{ offer.name }}</h2>
                <p v-if="offer.description" class="mr-sample-desc">{{ offer.description }}</p>
                <div class="mr-sample-meta">
                  <span class="mr-state" :class="'is-' + offer.state" data-test="offer-state">{{ t('ms.state.' + offer.state) }}</span>
                  <span v-if="offer.state === 'open'">{{ t('ms.left', { n: offer.remaining }) }}</span>
                  <span>{{ t('ms.onePer') }}</span>
                </div>
                <p v-if="offer.state === 'scheduled' && offer.starts_at" class="m-li-sub">{{ t('ms.startsAt', { at: fmtDateTime(offer.starts_at) }) }}</p>
                <p v-else-if="offer.ends_at" class="m-li-sub">{{ t('ms.endsAt', { at: fmtDateTime(offer.ends_at) }) }}</p>
              </div>
            </section>

            <section class="m-card mr-fee" :class="{ free: !offer.shipping_fee_fen }" data-test="fee">
              <span class="m-li-icon"><m-icon name="truck" :size="18" /></span>
              <div><b>{{ t('ms.shipping') }}</b>
                <p>{{ offer.shipping_fee_fen ? t('ms.shippingPaid', { amount: money(offer.shipping_fee_fen) }) : t('ms.shippingFree') }}</p></div>
            </section>

            <template v-if="request">
              <h3 class="m-section-title">{{ t('ms.yourRequest') }}</h3>
              <request-card :r="request" @changed="load" />
            </template>

            <template v-else-if="canRequest">
              <section class="m-card" data-test="address-picker">
                <div class="m-card-title">{{ t('ms.address') }}
                  <button type="button" class="hh-btn hh-btn-sm" @click="addrOpen = true" data-test="add-address"><hh-icon name="plus" :size="14" />{{ t('ms.addAddress') }}</button></div>
                <ul v-if="state.addresses.length" class="mr-addr-pick">
                  <li v-for="a in state.addresses" :key="a.id">
                    <label :class="{ on: chosen === a.id }" :data-address="a.id">
                      <input type="radio" name="address" :value="a.id" v-model="chosen" />
                      <span class="mr-radio" aria-hidden="true"></span>
                      <span class="mr-addr-text"><b>{{ a.name }}</b> <span class="mono">{{ maskTel(a.phone) }}</span><br />{{ addrLine(a) }}</span>
                    </label>
                  </li>
                </ul>
                <div v-else class="mr-empty mr-empty-in"><m-icon name="pin" :size="20" /><span>{{ t('ms.noAddress') }}</span></div>
              </section>
              <div v-if="formError" class="hh-alert hh-alert-error" role="alert" data-test="request-error"><hh-icon name="alert" /><span>{{ formError }}</span></div>
              <div class="mh-cta">
                <button type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="submitting" @click="submit" data-test="request">
                  {{ submitting ? t('ms.submitting') : offer.shipping_fee_fen ? t('ms.confirmPaid', { amount: money(offer.shipping_fee_fen) }) : t('ms.confirm') }}</button>
              </div>
            </template>
            <div v-else class="hh-alert hh-alert-warn" data-test="not-open"><hh-icon name="info" /><span>{{ t('ms.closedNote') }}</span></div>
          </template>
        </div>
        <hh-drawer :open="addrOpen" :title="t('ms.addAddress')" @close="addrOpen = false">
          <address-form v-if="addrOpen" :address="null" @done="addressDone" />
        </hh-drawer>
      </div>`,
  };

  return { SamplesPage, SamplePage };
}
