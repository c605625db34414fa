// receipts.js — the member H5's receipt upload (#/receipts) and store events
// (#/events, #/events/<id>). A receipt goes up in two steps: the photo as soon
// as it is picked (checked by the server: JPEG/PNG/WebP, at most 5 MB; the
// answer is a photo token), then the fields with the token. Events list what
// is coming at the stores, with seats left, my sign-up and my place on the
// waitlist; sign-up and cancel are decided by the server (seats are never
// oversold), so the screen shows whatever it answers.

import { ref, reactive, computed, watch, onBeforeUnmount } from 'vue';
import { api, ApiError } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { navigate } from '/shared/router.js';
import { fmtDateTime, fmtDate, timeZone } from '/shared/format.js';
import { loadStylesheet } from '/shared/css.js';

const PHOTO_MAX = 5 * 1024 * 1024;

loadStylesheet('/m/receipts.css');

export const yuan = (fen) => (fen == null ? '—' : '¥' + (fen / 100).toFixed(fen % 100 ? 2 : 0));

/** The reward lines of a receipt, for people. */
export function rewardLines(rewards) {
  return (rewards || []).map((r) => {
    const en = lang.value === 'en';
    let text;
    if (r.kind === 'coupon') text = t('rc.reward.coupon', { name: r.name || '' });
    else if (r.kind === 'envelope') text = t('rc.reward.envelope', { amount: r.amount_fen != null ? yuan(r.amount_fen) : '' });
    else if (r.kind === 'draws') text = t('rc.reward.draws', { n: r.draws });
    else if (r.kind === 'points') text = t('rc.reward.points', { n: r.points });
    else text = t('rc.reward.campaign');
    const note = r.status === 'granted' ? '' : (en ? r.message_en : r.message) || '';
    return { text, status: r.status, note, code: r.code || '' };
  });
}

/** POST the picked file as the body; resolves with {photo_token, …} or throws ApiError. */
async function uploadPhoto(file) {
  let res;
  try {
    res = await fetch('/api/member/receipts/photo', {
      method: 'POST', body: file, credentials: 'same-origin',
      headers: { 'Content-Type': file.type || 'application/octet-stream', Accept: 'application/json', 'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN' },
    });
  } catch (_) {
    throw new ApiError({ status: 0, code: 'network', message: t('err.network') });
  }
  let data = null;
  try { data = await res.json(); } catch (_) { data = null; }
  if (res.ok) return data;
  const e = (data && data.error) || {};
  throw new ApiError({ status: res.status, code: e.code || 'http_' + res.status, message: e.message || t('err.unknown'), field: e.field || null });
}

const localNow = () => {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 16);
};

export function receiptScreens(state) {
  const ReceiptsPage = {
    setup() {
      const brands = computed(() => (state.context && state.context.brands) || []);
      const form = useForm({ brand_id: null, store_id: '', store_name: '', retailer: '', purchased_at: localNow(), amount: '', receipt_no: '', photo: '' },
        ['brand_id', 'store_id', 'store_name', 'retailer', 'purchased_at', 'amount', 'receipt_no', 'photo']);
      if (brands.value.length) form.values.brand_id = brands.value[0].id;
      const photo = reactive({ url: '', token: '', uploading: false, name: '', size: 0 });
      const stores = ref([]);
      const storesLoading = ref(false);
      const other = ref(false);
      const mine = reactive({ items: [], loading: true, error: '' });
      const done = ref(null);

      async function loadStores() {
        if (!form.values.brand_id) return;
        storesLoading.value = true;
        try {
          stores.value = (await api.get('/api/member/receipts/stores', { brand_id: form.values.brand_id })).items || [];
          if (!stores.value.some((s) => s.id === Number(form.values.store_id))) form.values.store_id = '';
        } catch (e) { toast.error(e.message); } finally { storesLoading.value = false; }
      }
      async function loadMine() {
        mine.error = '';
        try { mine.items = (await api.get('/api/member/receipts', { limit: 50 })).items || []; } catch (e) { mine.error = e.message; } finally { mine.loading = false; }
      }
      watch(() => form.values.brand_id, loadStores, { immediate: true });
      // an error goes away once its field is changed
      watch(() => ({ ...form.values }), (now, was) => { for (const k of Object.keys(now)) if (now[k] !== was[k]) delete form.errors[k]; });
      loadMine();

      async function pick(ev) {
        const file = ev.target.files && ev.target.files[0];
        ev.target.value = '';
        if (!file) return;
        form.errors.photo = '';
        if (photo.url) URL.revokeObjectURL(photo.url);
        Object.assign(photo, { url: URL.createObjectURL(file), token: '', name: file.name, size: file.size });
        if (file.size > PHOTO_MAX) { form.errors.photo = t('rc.photo.tooBig'); return; }
        if (file.type && !/^image\/(jpeg|png|webp)$/.test(file.type)) { form.errors.photo = t('rc.photo.badType'); return; }
        photo.uploading = true;
        try {
          photo.token = (await uploadPhoto(file)).photo_token;
        } catch (e) {
          form.errors.photo = e.message;
        } finally { photo.uploading = false; }
      }
      function clearPhoto() { if (photo.url) URL.revokeObjectURL(photo.url); Object.assign(photo, { url: '', token: '', name: '', size: 0 }); }
      onBeforeUnmount(clearPhoto);

      async function submit() {
        const v = form.values;
        form.errors = {}; form.formError = '';
        const amount = Math.round(Number(String(v.amount).replace(/[,，\s¥]/g, '')) * 100);
        if (!v.brand_id) form.errors.brand_id = t('rc.needBrand');
        if (!photo.token) form.errors.photo = photo.uploading ? t('rc.photo.wait') : t('rc.photo.need');
        if (!other.value && !v.store_id) form.errors.store_id = t('rc.needStore');
        if (other.value && !v.store_name.trim()) form.errors.store_name = t('rc.needStoreName');
        if (other.value && !v.retailer.trim()) form.errors.retailer = t('rc.needRetailer');
        if (!v.purchased_at) form.errors.purchased_at = t('rc.needTime');
        if (!(amount > 0)) form.errors.amount = t('rc.needAmount');
        if (!v.receipt_no.trim()) form.errors.receipt_no = t('rc.needNo');
        if (Object.keys(form.errors).length) return;
        const body = { brand_id: v.brand_id, purchased_at: new Date(v.purchased_at).getTime(), amount_fen: amount, receipt_no: v.receipt_no.trim(), photo_token: photo.token };
        if (other.value) Object.assign(body, { store_name: v.store_name.trim(), retailer: v.retailer.trim() });
        else body.store_id = Number(v.store_id);
        const res = await form.run(() => api.post('/api/member/receipts', body).catch((e) => {
          // the server names API fields; show them under the inputs of this form
          if (e.field === 'amount_fen') e.field = 'amount';
          if (e.field === 'photo_token') e.field = 'photo';
          throw e;
        }));
        if (res) {
          done.value = res;
          clearPhoto();
          form.reset({ ...form.values, receipt_no: '', amount: '', purchased_at: localNow() });
          loadMine();
          window.scrollTo({ top: 0, behavior: 'smooth' });
        }
      }
      const statusClass = (s) => ({ pending: 'hh-tag-warn', approved: 'hh-tag-success', rejected: 'hh-tag-danger' }[s] || '');
      return { state, brands, form, photo, stores, storesLoading, other, mine, done, pick, clearPhoto, submit, statusClass, rewardLines, yuan, fmtDateTime, fmtDate, t };
    },
    template: `
      <div class="m-app rc-page" data-page="receipts">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" href="#/me" :aria-label="t('common.back')" data-test="back"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ t('rc.title') }}</h1>
        </header>
        <div class="m-body">
          <section v-if="done" class="m-card m-card-pad rc-done" data-test="submitted">
            <hh-icon name="check" :size="22" />
            <div><b>{{ t('rc.done.title') }}</b><p>{{ t('rc.done.text', { no: done.receipt_no, amount: yuan(done.amount_fen) }) }}</p></div>
            <button type="button" class="hh-icon-btn" :aria-label="t('common.close')" @click="done = null"><hh-icon name="close" /></button>
          </section>
          <form class="m-card m-card-pad hh-form rc-form" @submit.prevent="submit" novalidate data-test="receipt-form">
            <p class="rc-lead">{{ t('rc.lead') }}</p>
            <hh-form-error :message="form.formError" />
            <hh-field :label="t('rc.brand')" :error="form.errors.brand_id" name="brand_id" required v-if="brands.length > 1">
              <div class="m-chips rc-brands">
                <button v-for="b in brands" :key="b.id" type="button" class="m-chip rc-chip" :class="{ on: form.values.brand_id === b.id }"
                        @click="form.values.brand_id = b.id" :data-brand="b.id">{{ b.name }}</button>
              </div>
            </hh-field>
            <hh-field :label="t('rc.photo')" :error="form.errors.photo" name="photo" required>
              <label class="rc-picker" :class="{ has: photo.url }" data-test="photo-picker">
                <input type="file" accept="image/jpeg,image/png,image/webp" capture="environment" @change="pick" data-test="photo-input" />
                <img v-if="photo.url" :src="photo.url" :alt="t('rc.photo')" data-test="photo-preview" />
                <span v-else class="rc-picker-empty"><m-icon name="camera" :size="30" /><b>{{ t('rc.photo.pick') }}</b><small>{{ t('rc.photo.hint') }}</small></span>
                <span v-if="photo.url" class="rc-photo-state" :class="{ ok: photo.token, busy: photo.uploading }">
                  {{ photo.uploading ? t('rc.photo.uploading') : photo.token ? t('rc.photo.ok') : t('rc.photo.retry') }}</span>
              </label>
            </hh-field>
            <hh-field :label="t('rc.store')" :error="form.errors.store_id" name="store_id" required v-if="!other">
              <select class="hh-input" v-model="form.values.store_id" :disabled="storesLoading" data-test="store">
                <option value="">{{ storesLoading ? t('common.loading') : t('rc.storePick') }}</option>
                <option v-for="s in stores" :key="s.id" :value="String(s.id)">{{ s.name }}</option>
              </select>
            </hh-field>
            <template v-else>
              <hh-field :label="t('rc.storeName')" :error="form.errors.store_name" name="store_name" required>
                <input class="hh-input" v-model="form.values.store_name" maxlength="64" :placeholder="t('rc.storeNamePh')" />
              </hh-field>
              <hh-field :label="t('rc.retailer')" :error="form.errors.retailer" name="retailer" required>
                <input class="hh-input" v-model="form.values.retailer" maxlength="64" :placeholder="t('rc.retailerPh')" />
              </hh-field>
            </template>
            <button type="button" class="hh-btn hh-btn-link rc-other" @click="other = !other" data-test="other-store">{{ other ? t('rc.storeFromList') : t('rc.storeNotListed') }}</button>
            <div class="rc-row">
              <hh-field :label="t('rc.amount')" :error="form.errors.amount" name="amount" required>
                <div class="rc-amount"><span>¥</span><input class="hh-input" v-model="form.values.amount" inputmode="decimal" maxlength="12" placeholder="0.00" data-test="amount" /></div>
              </hh-field>
              <hh-field :label="t('rc.time')" :error="form.errors.purchased_at" name="purchased_at" required>
                <input class="hh-input" type="datetime-local" v-model="form.values.purchased_at" data-test="time" />
              </hh-field>
            </div>
            <hh-field :label="t('rc.no')" :error="form.errors.receipt_no" :hint="t('rc.noHint')" name="receipt_no" required>
              <input class="hh-input mono" v-model="form.values.receipt_no" maxlength="64" autocapitalize="off" :placeholder="t('rc.noPh')" data-test="receipt-no" />
            </hh-field>
            <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy || photo.uploading" data-test="submit">
              {{ form.busy ? t('rc.submitting') : t('rc.submit') }}</button>
          </form>

          <div class="m-section-title">{{ t('rc.mine') }}</div>
          <div v-if="mine.error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ mine.error }}</span></div>
          <div v-else-if="mine.loading" class="m-card m-card-pad rc-loading"><span class="hh-spinner"></span></div>
          <hh-empty v-else-if="!mine.items.length" icon="gift" :title="t('rc.mineEmpty')" :text="t('rc.mineEmptyText')" />
          <ul v-else class="rc-list" data-test="my-receipts">
            <li v-for="r in mine.items" :key="r.id" class="m-card m-card-pad" :data-status="r.status">
              <div class="rc-li-top">
                <b class="rc-amount-big">{{ yuan(r.amount_fen) }}</b>
                <span class="hh-tag" :class="statusClass(r.status)">{{ t('rc.status.' + r.status) }}</span>
              </div>
              <p class="rc-li-sub">{{ r.brand_name }} · {{ r.store_name }}</p>
              <p class="rc-li-sub">{{ fmtDateTime(r.purchased_at) }} · <span class="mono">{{ r.receipt_no }}</span></p>
              <p v-if="r.status === 'pending'" class="rc-li-note">{{ t('rc.pendingNote') }}</p>
              <p v-if="r.status === 'rejected'" class="rc-li-reject">{{ t('rc.rejectReason') }}{{ r.reject_reason }}</p>
              <ul v-if="r.status === 'approved'" class="rc-rewards">
                <li v-for="(w, i) in rewardLines(r.rewards)" :key="i" :class="w.status">
                  <hh-icon :name="w.status === 'granted' ? 'check' : 'info'" :size="14" />
                  <span>{{ w.text }}<small v-if="w.code" class="mono"> {{ w.code }}</small><small v-if="w.note"> · {{ w.note }}</small></span>
                </li>
                <li v-if="!r.rewards.length" class="none"><span>{{ t('rc.noReward') }}</span></li>
              </ul>
            </li>
          </ul>
        </div>
      </div>`,
  };

  const EventsPage = {
    props: { id: String },
    setup(props) {
      const tab = ref('all');
      const list = reactive({ items: [], loading: true, error: '' });
      const detail = ref(null);
      const busy = ref(false);
      async function load() {
        list.error = '';
        try {
          list.items = (await api.get('/api/member/activities', { limit: 100, mine: tab.value === 'mine' })).items || [];
        } catch (e) { list.error = e.message; } finally { list.loading = false; }
      }
      async function loadDetail() {
        detail.value = null;
        if (!props.id) return;
        try { detail.value = await api.get(`/api/member/activities/${props.id}`); } catch (e) { toast.error(e.message); navigate('/events'); }
      }
      watch(tab, () => { list.loading = true; load(); });
      watch(() => props.id, loadDetail, { immediate: true });
      load();
      async function act(kind) {
        const a = detail.value;
        if (kind === 'cancel') {
          const ok = await confirmDialog({ title: t('ev.cancelTitle'), message: t('ev.cancelText', { title: a.title }), okText: t('ev.cancel'), danger: true });
          if (!ok) return;
        }
        busy.value = true;
        try {
          detail.value = await api.post(`/api/member/activities/${a.id}/${kind}`);
          const d = detail.value;
          toast.success(kind === 'cancel' ? t('ev.cancelled') : d.my_status === 'waitlisted' ? t('ev.waitlistedToast', { n: d.my_position }) : t('ev.registeredToast'));
          load();
        } catch (e) {
          toast.error(e.message);
          loadDetail();
        } finally { busy.value = false; }
      }
      const seatsText = (a) => (a.phase === 'full' ? (a.waitlist ? t('ev.fullWaitlist', { n: a.waitlisted }) : t('ev.full')) : t('ev.seatsLeft', { n: a.seats_left, cap: a.capacity }));
      const myText = (a) => (a.my_status === 'waitlisted' ? t('ev.my.waitlisted', { n: a.my_position }) : a.my_status ? t('ev.my.' + a.my_status) : '');
      const when = (a) => {
        const d1 = fmtDate(a.starts_at), d2 = fmtDate(a.ends_at);
        const hm = (ms) => fmtDateTime(ms).slice(-5);
        return d1 === d2 ? `${d1} ${hm(a.starts_at)}–${hm(a.ends_at)}` : `${fmtDateTime(a.starts_at)} – ${fmtDateTime(a.ends_at)}`;
      };
      // the day and month of an event in the enterprise's time zone (as every time shown)
      const part = (ms, k) => new Intl.DateTimeFormat('en-US', { timeZone: timeZone.value, [k]: 'numeric' }).format(ms);
      return { state, tab, list, detail, busy, act, seatsText, myText, when, part, t };
    },
    template: `
      <div class="m-app ev-page" data-page="events">
        <header class="m-header">
          <a class="m-header-left hh-icon-btn" :href="id ? '#/events' : '#/me'" :aria-label="t('common.back')" data-test="back"><hh-icon name="chevronLeft" :size="22" /></a>
          <h1>{{ id ? t('ev.detail') : t('ev.title') }}</h1>
        </header>
        <div v-if="id" class="m-body">
          <div v-if="!detail" class="m-card m-card-pad rc-loading"><span class="hh-spinner"></span></div>
          <template v-else>
            <section class="m-card m-card-pad ev-detail" data-test="event-detail">
              <span class="hh-tag hh-tag-primary">{{ detail.brand_name }}</span>
              <h2>{{ detail.title }}</h2>
              <dl class="hh-kv ev-kv">
                <dt>{{ t('ev.when') }}</dt><dd>{{ when(detail) }}</dd>
                <dt>{{ t('ev.where') }}</dt><dd>{{ detail.store_name }}<small v-if="detail.store_address"><br>{{ detail.store_address }}</small></dd>
                <dt>{{ t('ev.seats') }}</dt><dd>{{ seatsText(detail) }}</dd>
              </dl>
              <p class="ev-desc" v-if="detail.description">{{ detail.description }}</p>
            </section>
            <section class="m-card m-card-pad ev-status" :class="detail.my_status || 'none'" data-test="my-status">
              <template v-if="detail.my_status">
                <b>{{ myText(detail) }}</b>
                <p v-if="detail.my_status === 'registered'">{{ t('ev.registeredHint') }}</p>
                <p v-else-if="detail.my_status === 'waitlisted'">{{ t('ev.waitlistHint') }}</p>
                <p v-else>{{ t('ev.attendedHint') }}</p>
              </template>
              <template v-else-if="['open', 'full'].includes(detail.phase)">
                <b>{{ detail.phase === 'full' && detail.waitlist ? t('ev.joinWaitlistTitle') : t('ev.signupTitle') }}</b>
                <p>{{ detail.phase === 'full' && detail.waitlist ? t('ev.joinWaitlistHint') : t('ev.signupHint') }}</p>
              </template>
              <template v-else><b>{{ t('ev.phase.' + detail.phase) }}</b></template>
            </section>
            <div class="ev-actions">
              <button v-if="!detail.my_status && (detail.phase === 'open' || (detail.phase === 'full' && detail.waitlist))" type="button"
                      class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="busy" @click="act('signup')" data-test="signup">
                {{ busy ? t('common.loading') : detail.phase === 'full' ? t('ev.joinWaitlist') : t('ev.signup') }}</button>
              <button v-if="['registered', 'waitlisted'].includes(detail.my_status) && !['started', 'ended'].includes(detail.phase)" type="button"
                      class="hh-btn hh-btn-lg hh-btn-block m-danger-btn" :disabled="busy" @click="act('cancel')" data-test="cancel">{{ t('ev.cancel') }}</button>
            </div>
          </template>
        </div>
        <div v-else class="m-body">
          <div class="ev-tabs" role="tablist">
            <button type="button" role="tab" :class="{ on: tab === 'all' }" @click="tab = 'all'" data-test="tab-all">{{ t('ev.tab.all') }}</button>
            <button type="button" role="tab" :class="{ on: tab === 'mine' }" @click="tab = 'mine'" data-test="tab-mine">{{ t('ev.tab.mine') }}</button>
          </div>
          <div v-if="list.error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ list.error }}</span></div>
          <div v-else-if="list.loading" class="m-card m-card-pad rc-loading"><span class="hh-spinner"></span></div>
          <hh-empty v-else-if="!list.items.length" icon="clock" :title="tab === 'mine' ? t('ev.emptyMine') : t('ev.empty')" :text="t('ev.emptyText')" />
          <ul v-else class="ev-list" data-test="events">
            <li v-for="a in list.items" :key="a.id">
              <a :href="'#/events/' + a.id" class="m-card m-card-pad ev-card" :data-event="a.id">
                <div class="ev-date"><b>{{ part(a.starts_at, 'day') }}</b><small>{{ t('ev.month', { m: part(a.starts_at, 'month') }) }}</small></div>
                <div class="ev-main">
                  <p class="ev-brand">{{ a.brand_name }}</p>
                  <h3>{{ a.title }}</h3>
                  <p class="ev-sub">{{ when(a) }} · {{ a.store_name }}</p>
                  <p class="ev-seat">
                    <span v-if="a.my_status" class="hh-tag" :class="a.my_status === 'waitlisted' ? 'hh-tag-warn' : 'hh-tag-success'">{{ myText(a) }}</span>
                    <span v-else-if="['cancelled', 'closed', 'started', 'ended'].includes(a.phase)" class="hh-tag">{{ t('ev.phase.' + a.phase) }}</span>
                    <span v-else class="muted">{{ seatsText(a) }}</span>
                  </p>
                </div>
                <hh-icon name="chevronRight" class="muted" />
              </a>
            </li>
          </ul>
        </div>
      </div>`,
  };
  return { ReceiptsPage, EventsPage };
}

addMessages({
  'zh-CN': {
    'rc.title': '上传小票',
    'rc.lead': '购物后上传小票，审核通过即按消费金额发放对应奖励，买得越多得越多。',
    'rc.brand': '购买品牌',
    'rc.photo': '小票照片',
    'rc.photo.pick': '拍照或选择小票照片',
    'rc.photo.hint': 'JPG、PNG 或 WebP，不超过 5 MB；请拍清金额与小票号',
    'rc.photo.uploading': '上传中…',
    'rc.photo.ok': '已上传',
    'rc.photo.retry': '未上传，请重选',
    'rc.photo.tooBig': '照片超过 5 MB，请压缩或重新拍摄',
    'rc.photo.badType': '只支持 JPG、PNG 或 WebP 图片',
    'rc.photo.need': '请先拍摄或选择小票照片',
    'rc.photo.wait': '照片还在上传，请稍候',
    'rc.store': '购买门店',
    'rc.storePick': '请选择门店',
    'rc.storeNotListed': '门店不在列表中？手动填写',
    'rc.storeFromList': '从门店列表中选择',
    'rc.storeName': '门店名称',
    'rc.storeNamePh': '如：人民广场店',
    'rc.retailer': '零售商',
    'rc.retailerPh': '如：永辉超市',
    'rc.amount': '消费金额（元）',
    'rc.time': '购买时间',
    'rc.no': '小票号',
    'rc.noHint': '小票上的流水号或单号',
    'rc.noPh': '如：0012345678',
    'rc.submit': '提交审核',
    'rc.submitting': '提交中…',
    'rc.needBrand': '请选择品牌',
    'rc.needStore': '请选择购买门店',
    'rc.needStoreName': '请填写门店名称',
    'rc.needRetailer': '请填写零售商',
    'rc.needTime': '请填写购买时间',
    'rc.needAmount': '请填写消费金额',
    'rc.needNo': '请填写小票号',
    'rc.done.title': '小票已提交',
    'rc.done.text': '小票 {no}（{amount}）正在审核，通过后奖励会自动发放。',
    'rc.mine': '我的小票',
    'rc.mineEmpty': '还没有上传过小票',
    'rc.mineEmptyText': '购物后上传小票，即可参与满额奖励',
    'rc.status.pending': '审核中',
    'rc.status.approved': '已通过',
    'rc.status.rejected': '未通过',
    'rc.pendingNote': '门店或品牌正在审核，一般 1–2 个工作日内完成',
    'rc.rejectReason': '未通过原因：',
    'rc.noReward': '消费金额未达到奖励门槛',
    'rc.reward.coupon': '优惠券：{name}',
    'rc.reward.envelope': '红包 {amount}',
    'rc.reward.draws': '抽奖机会 {n} 次',
    'rc.reward.points': '积分 {n}',
    'rc.reward.campaign': '活动奖励',
    'ev.title': '门店活动',
    'ev.detail': '活动详情',
    'ev.tab.all': '近期活动',
    'ev.tab.mine': '我的报名',
    'ev.empty': '近期没有门店活动',
    'ev.emptyMine': '还没有报名活动',
    'ev.emptyText': '新活动上线后会显示在这里',
    'ev.month': '{m}月',
    'ev.when': '时间',
    'ev.where': '地点',
    'ev.seats': '名额',
    'ev.seatsLeft': '剩余 {n} / {cap} 个名额',
    'ev.full': '名额已满',
    'ev.fullWaitlist': '名额已满，{n} 人候补中',
    'ev.my.registered': '已报名',
    'ev.my.waitlisted': '候补第 {n} 位',
    'ev.my.attended': '已签到',
    'ev.registeredHint': '活动开始前会短信提醒你；到场请在会员中心出示会员码签到。',
    'ev.waitlistHint': '有人取消时将按顺序递补，递补成功会短信通知你。',
    'ev.attendedHint': '感谢到场参加！',
    'ev.signupTitle': '还有名额',
    'ev.signupHint': '报名后请准时到店，凭会员码签到。',
    'ev.joinWaitlistTitle': '名额已满，可以候补',
    'ev.joinWaitlistHint': '加入候补后，有人取消即按顺序递补。',
    'ev.signup': '立即报名',
    'ev.joinWaitlist': '加入候补',
    'ev.cancel': '取消报名',
    'ev.cancelTitle': '取消报名',
    'ev.cancelText': '确定取消「{title}」的报名吗？名额将让给候补的会员。',
    'ev.cancelled': '已取消报名',
    'ev.registeredToast': '报名成功！',
    'ev.waitlistedToast': '已加入候补，当前第 {n} 位',
    'ev.phase.open': '报名中',
    'ev.phase.full': '名额已满',
    'ev.phase.closed': '已停止报名',
    'ev.phase.cancelled': '活动已取消',
    'ev.phase.started': '活动进行中',
    'ev.phase.ended': '活动已结束',
    'member.link.receipts': '上传小票',
    'member.link.receiptsSub': '满额得优惠券、红包',
    'member.link.events': '门店活动',
    'member.link.eventsSub': '报名、候补与签到',
  },
  en: {
    'rc.title': 'Upload a receipt',
    'rc.lead': 'Upload your receipt after shopping; once it is approved you get the reward of your spend — the more you buy, the more you get.',
    'rc.brand': 'Brand',
    'rc.photo': 'Receipt photo',
    'rc.photo.pick': 'Take or choose a photo of the receipt',
    'rc.photo.hint': 'JPG, PNG or WebP, at most 5 MB; amount and number must be readable',
    'rc.photo.uploading': 'Uploading…',
    'rc.photo.ok': 'Uploaded',
    'rc.photo.retry': 'Not uploaded; choose again',
    'rc.photo.tooBig': 'The photo is over 5 MB; compress it or take it again',
    'rc.photo.badType': 'Only JPG, PNG or WebP images',
    'rc.photo.need': 'Take or choose the photo first',
    'rc.photo.wait': 'The photo is still uploading',
    'rc.store': 'Store',
    'rc.storePick': 'Choose the store',
    'rc.storeNotListed': 'Store not listed? Type it',
    'rc.storeFromList': 'Choose from the list',
    'rc.storeName': 'Store name',
    'rc.storeNamePh': 'e.g. People\'s Square',
    'rc.retailer': 'Retailer',
    'rc.retailerPh': 'e.g. Yonghui',
    'rc.amount': 'Amount (yuan)',
    'rc.time': 'Purchased at',
    'rc.no': 'Receipt number',
    'rc.noHint': 'The serial or order number printed on it',
    'rc.noPh': 'e.g. 0012345678',
    'rc.submit': 'Submit for review',
    'rc.submitting': 'Submitting…',
    'rc.needBrand': 'Choose the brand',
    'rc.needStore': 'Choose the store',
    'rc.needStoreName': 'Type the store name',
    'rc.needRetailer': 'Type the retailer',
    'rc.needTime': 'Give the purchase time',
    'rc.needAmount': 'Give the amount',
    'rc.needNo': 'Give the receipt number',
    'rc.done.title': 'Receipt submitted',
    'rc.done.text': 'Receipt {no} ({amount}) is being reviewed; rewards arrive automatically once it is approved.',
    'rc.mine': 'My receipts',
    'rc.mineEmpty': 'No receipts yet',
    'rc.mineEmptyText': 'Upload a receipt after shopping to earn spend rewards',
    'rc.status.pending': 'In review',
    'rc.status.approved': 'Approved',
    'rc.status.rejected': 'Rejected',
    'rc.pendingNote': 'The store or brand is reviewing it, usually within 1–2 working days',
    'rc.rejectReason': 'Reason: ',
    'rc.noReward': 'The amount is below every reward tier',
    'rc.reward.coupon': 'Coupon: {name}',
    'rc.reward.envelope': 'Red envelope {amount}',
    'rc.reward.draws': '{n} lottery draws',
    'rc.reward.points': '{n} points',
    'rc.reward.campaign': 'Campaign reward',
    'ev.title': 'Store events',
    'ev.detail': 'Event',
    'ev.tab.all': 'Coming up',
    'ev.tab.mine': 'My sign-ups',
    'ev.empty': 'No store events coming up',
    'ev.emptyMine': 'You have not signed up for any event',
    'ev.emptyText': 'New events will show here',
    'ev.month': 'M{m}',
    'ev.when': 'When',
    'ev.where': 'Where',
    'ev.seats': 'Seats',
    'ev.seatsLeft': '{n} of {cap} seats left',
    'ev.full': 'Full',
    'ev.fullWaitlist': 'Full; {n} on the waitlist',
    'ev.my.registered': 'Signed up',
    'ev.my.waitlisted': 'Waitlist #{n}',
    'ev.my.attended': 'Checked in',
    'ev.registeredHint': 'We remind you by SMS before it starts; show your member code at the store to check in.',
    'ev.waitlistHint': 'When someone cancels, the waitlist moves up in order; we tell you by SMS.',
    'ev.attendedHint': 'Thanks for coming!',
    'ev.signupTitle': 'Seats available',
    'ev.signupHint': 'Come on time and check in with your member code.',
    'ev.joinWaitlistTitle': 'Full — join the waitlist',
    'ev.joinWaitlistHint': 'When someone cancels, the waitlist moves up in order.',
    'ev.signup': 'Sign up',
    'ev.joinWaitlist': 'Join the waitlist',
    'ev.cancel': 'Cancel my sign-up',
    'ev.cancelTitle': 'Cancel sign-up',
    'ev.cancelText': 'Cancel your sign-up for "{title}"? Your seat goes to the waitlist.',
    'ev.cancelled': 'Sign-up cancelled',
    'ev.registeredToast': 'You are signed up!',
    'ev.waitlistedToast': 'You are on the waitlist, #{n}',
    'ev.phase.open': 'Open',
    'ev.phase.full': 'Full',
    'ev.phase.closed': 'Sign-up closed',
    'ev.phase.cancelled': 'Cancelled',
    'ev.phase.started': 'Happening now',
    'ev.phase.ended': 'Ended',
    'member.link.receipts': 'Upload a receipt',
    'member.link.receiptsSub': 'Spend rewards: coupons, red envelopes',
    'member.link.events': 'Store events',
    'member.link.eventsSub': 'Sign up, waitlist, check-in',
  },
});
