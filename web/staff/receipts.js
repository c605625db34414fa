// receipts.js — the staff app's event check-in (#/checkin: pick today's event
// at my store, scan the guest's member QR or type the phone) and the receipt
// review queue of my store (#/receipts: the photo, the tier approval pays,
// approve or reject with a reason). The server decides: only registered
// guests check in, once; only receipts of my store are mine to review.

import { ref, reactive, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, lang, addMessages } from '/shared/i18n.js';
import { toast } from '/shared/components.js';
import { fmtDateTime } from '/shared/format.js';
import { QrScanner, canScan } from './scanner.js';

const yuan = (fen) => (fen == null ? '—' : '¥' + (fen / 100).toFixed(fen % 100 ? 2 : 0));
const EARLY = 2 * 3600_000;

if (!document.querySelector('style[data-css=staff-receipts]')) {
  const st = document.createElement('style');
  st.dataset.css = 'staff-receipts';
  st.textContent = `
    .ck-events { display: flex; gap: 8px; overflow-x: auto; padding-bottom: 2px; }
    .ck-event { all: unset; cursor: pointer; flex: none; min-width: 200px; max-width: 260px; background: #fff; border-radius: 14px; padding: 12px 14px; border: 2px solid transparent; }
    .ck-event.on { border-color: var(--hh-primary); }
    .ck-event b { display: block; font-size: 15px; margin-bottom: 3px; }
    .ck-event small { color: var(--hh-ink-3); font-size: 12.5px; display: block; }
    .ck-count { display: flex; gap: 8px; margin-top: 6px; font-size: 13px; }
    .ck-form { display: flex; gap: 8px; }
    .ck-form input { flex: 1; }
    .ck-result { border-radius: 16px; padding: 18px; color: #fff; text-align: center; }
    .ck-result.ok { background: linear-gradient(140deg, #1fae62, #11934d); }
    .ck-result.bad { background: linear-gradient(140deg, #e5484d, #c62f34); }
    .ck-result h2 { color: #fff; font-size: 20px; margin: 6px 0 2px; }
    .ck-result p { opacity: .92; font-size: 14px; }
    .sr-list { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
    .sr-item { all: unset; cursor: pointer; display: flex; gap: 12px; align-items: center; background: #fff; border-radius: 14px; padding: 12px 14px; width: 100%; box-sizing: border-box; }
    .sr-item b { font-size: 18px; }
    .sr-item .sr-main { flex: 1; min-width: 0; }
    .sr-item small { display: block; color: var(--hh-ink-3); font-size: 12.5px; }
    .sr-photo { display: block; background: #1d2129; border-radius: 12px; overflow: hidden; text-align: center; }
    .sr-photo img { max-width: 100%; max-height: 60vh; display: inline-block; }
    .sr-tier { background: var(--hh-primary-50); border-radius: 12px; padding: 12px 14px; font-size: 14px; }
    .sr-tier ul { margin: 4px 0 0; padding-left: 18px; }
    .sr-reasons { display: flex; flex-wrap: wrap; gap: 6px; margin: 8px 0; }
    .sr-reasons .hh-tag { border: 0; cursor: pointer; }`;
  document.head.appendChild(st);
}

export function rewardScreens(state) {
  /* ------------------------------------------------------------ check-in */
  const CheckinPage = {
    components: { QrScanner },
    setup() {
      const events = ref([]);
      const loading = ref(true);
      const error = ref('');
      const chosen = ref(null);
      const phone = ref('');
      const busy = ref(false);
      const scanning = ref(false);
      const result = ref(null); // {ok, title, text}
      const recent = ref([]);
      const scanOk = canScan();
      const openNow = (a) => Date.now() >= a.starts_at - EARLY && Date.now() < a.ends_at && a.status !== 'cancelled';
      async function load() {
        error.value = '';
        try {
          const r = await api.get('/api/activities', { upcoming: 1, limit: 50, store_id: state.store ? state.store.id : undefined });
          events.value = (r.items || []).filter((a) => a.status !== 'cancelled');
          if (!chosen.value || !events.value.some((a) => a.id === chosen.value.id)) chosen.value = events.value.find(openNow) || events.value[0] || null;
          else chosen.value = events.value.find((a) => a.id === chosen.value.id);
        } catch (e) { error.value = e.message; } finally { loading.value = false; }
      }
      load();
      async function checkin(body) {
        if (!chosen.value) return;
        busy.value = true;
        try {
          const r = await api.post(`/api/activities/${chosen.value.id}/checkin`, body);
          const g = r.signup;
          result.value = { ok: true, title: t('ck.ok'), text: `${g.member_name || t('ck.guest')} · ${g.member_phone_masked}` };
          recent.value.unshift({ id: g.id, name: g.member_name || t('ck.guest'), phone: g.member_phone_masked, at: g.checked_in_at });
          phone.value = '';
          /* the answer's event counts this check-in: show it on its card too */
          const i = events.value.findIndex((a) => a.id === r.activity.id);
          if (i >= 0) events.value[i] = r.activity;
          chosen.value = r.activity;
        } catch (e) {
          result.value = { ok: false, title: t('ck.failed'), text: e.message };
        } finally { busy.value = false; }
      }
      function byPhone() {
        const p = phone.value.trim();
        if (!p) { result.value = { ok: false, title: t('ck.failed'), text: t('ck.needPhone') }; return; }
        checkin({ phone: p });
      }
      function onScanned(text) { scanning.value = false; checkin({ code: text }); }
      return { events, loading, error, chosen, phone, busy, scanning, result, recent, scanOk, openNow, byPhone, onScanned, checkin, fmtDateTime, t };
    },
    template: `
      <div class="m-body" data-page="checkin">
        <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
        <div v-else-if="loading" class="m-card m-card-pad" style="display:flex;justify-content:center"><span class="hh-spinner"></span></div>
        <hh-empty v-else-if="!events.length" icon="clock" :title="t('ck.none')" :text="t('ck.noneText')" />
        <template v-else>
          <div class="m-section-title">{{ t('ck.pick') }}</div>
          <div class="ck-events" data-test="events">
            <button v-for="a in events" :key="a.id" type="button" class="ck-event" :class="{ on: chosen && chosen.id === a.id }" @click="chosen = a; result = null" :data-event="a.id">
              <b>{{ a.title }}</b><small>{{ fmtDateTime(a.starts_at) }} · {{ a.brand_name }}</small>
              <div class="ck-count"><span class="hh-tag hh-tag-success">{{ t('ck.attended', { n: a.attended }) }}</span><span class="hh-tag">{{ t('ck.registered', { n: a.registered }) }}</span></div>
            </button>
          </div>
          <div v-if="chosen && !openNow(chosen)" class="hh-alert hh-alert-warn"><hh-icon name="clock" /><span>{{ t('ck.notOpen') }}</span></div>
          <div v-if="result" class="ck-result" :class="result.ok ? 'ok' : 'bad'" data-test="checkin-result" :data-ok="result.ok">
            <hh-icon :name="result.ok ? 'check' : 'alert'" :size="30" /><h2>{{ result.title }}</h2><p>{{ result.text }}</p>
          </div>
          <button v-if="scanOk" type="button" class="cm-scan-btn" @click="scanning = true" data-test="scan">
            <span><m-icon name="scan" :size="30" /></span><b>{{ t('ck.scan') }}</b><small>{{ t('ck.scanHint') }}</small></button>
          <section class="m-card m-card-pad">
            <div class="m-card-title" style="padding:0 0 10px">{{ t('ck.byPhone') }}</div>
            <form class="ck-form" @submit.prevent="byPhone">
              <input class="hh-input" type="tel" inputmode="tel" maxlength="20" v-model="phone" :placeholder="t('ck.phonePh')" data-test="phone" />
              <button type="submit" class="hh-btn hh-btn-primary" :disabled="busy || !chosen" data-test="checkin">{{ t('ck.submit') }}</button>
            </form>
          </section>
          <section v-if="recent.length" class="m-card">
            <div class="m-card-title">{{ t('ck.recent') }}</div>
            <ul class="m-list"><li v-for="g in recent" :key="g.id"><hh-avatar :name="g.name" :size="34" />
              <div class="m-li-main"><div class="m-li-title">{{ g.name }}</div><div class="m-li-sub mono">{{ g.phone }}</div></div>
              <span class="m-li-value">{{ fmtDateTime(g.at).slice(-5) }}</span></li></ul>
          </section>
        </template>
        <qr-scanner :open="scanning" @code="onScanned" @close="scanning = false" />
      </div>`,
  };

  /* ------------------------------------------------------- receipt review */
  const ReviewPage = {
    setup() {
      const items = ref([]);
      const total = ref(0);
      const loading = ref(true);
      const error = ref('');
      const open = ref(null);
      const reason = ref('');
      const rejecting = ref(false);
      const busy = ref(false);
      async function load() {
        error.value = '';
        try {
          const r = await api.get('/api/receipts', { status: 'pending', limit: 100 });
          items.value = r.items || []; total.value = r.total;
        } catch (e) { error.value = e.message; } finally { loading.value = false; }
      }
      load();
      async function show(x) {
        rejecting.value = false; reason.value = '';
        try { open.value = await api.get(`/api/receipts/${x.id}`); } catch (e) { toast.error(e.message); load(); }
      }
      async function decide(kind) {
        if (kind === 'reject' && !reason.value.trim()) { toast.error(t('sr.needReason')); return; }
        busy.value = true;
        try {
          const r = await api.post(`/api/receipts/${open.value.id}/${kind}`, kind === 'reject' ? { reason: reason.value.trim() } : {});
          toast.success(kind === 'reject' ? t('sr.rejected') : t('sr.approved', { n: r.rewards.filter((w) => w.status === 'granted').length }));
          open.value = null;
          load();
        } catch (e) { toast.error(e.message); } finally { busy.value = false; }
      }
      const tierLines = (x) => [
        x.coupon_template_id ? t('sr.coupon', { name: x.coupon_template_name || '#' + x.coupon_template_id }) : '',
        x.envelope_pool_id ? t('sr.envelope', { name: x.envelope_pool_name || '#' + x.envelope_pool_id }) : '',
        x.draws ? t('sr.draws', { n: x.draws }) : '', x.points ? t('sr.points', { n: x.points }) : '',
      ].filter(Boolean);
      const REASONS = computed(() => [t('sr.r1'), t('sr.r2'), t('sr.r3')]);
      return { items, total, loading, error, open, reason, rejecting, busy, show, decide, tierLines, REASONS, yuan, fmtDateTime, lang, t };
    },
    template: `
      <div class="m-body" data-page="receipts">
        <template v-if="open">
          <button type="button" class="hh-btn hh-btn-link" style="align-self:flex-start" @click="open = null">‹ {{ t('sr.back') }}</button>
          <a class="sr-photo" :href="'/api/receipts/' + open.id + '/photo'" target="_blank" rel="noopener"><img :src="'/api/receipts/' + open.id + '/photo'" :alt="t('sr.photo')" data-test="photo" /></a>
          <section class="m-card m-card-pad">
            <dl class="hh-kv">
              <dt>{{ t('sr.amount') }}</dt><dd><b style="font-size:20px">{{ yuan(open.amount_fen) }}</b></dd>
              <dt>{{ t('sr.no') }}</dt><dd class="mono">{{ open.receipt_no }}</dd>
              <dt>{{ t('sr.member') }}</dt><dd>{{ open.member_name || '—' }} <span class="mono muted">{{ open.member_phone_masked }}</span></dd>
              <dt>{{ t('sr.brand') }}</dt><dd>{{ open.brand_name }}</dd>
              <dt>{{ t('sr.time') }}</dt><dd>{{ fmtDateTime(open.purchased_at) }}</dd>
            </dl>
          </section>
          <div class="sr-tier" data-test="tier">
            <template v-if="open.matching_tier"><b>{{ t('sr.willPay', { name: open.matching_tier.name }) }}</b><ul><li v-for="s in tierLines(open.matching_tier)" :key="s">{{ s }}</li></ul></template>
            <span v-else>{{ t('sr.noTier') }}</span>
          </div>
          <section v-if="rejecting" class="m-card m-card-pad">
            <textarea class="hh-textarea" v-model="reason" maxlength="200" :placeholder="t('sr.reasonPh')" data-test="reason"></textarea>
            <div class="sr-reasons"><button v-for="r in REASONS" :key="r" type="button" class="hh-tag" @click="reason = r">{{ r }}</button></div>
            <div class="m-btn-row"><button type="button" class="hh-btn hh-btn-lg" style="flex:1" @click="rejecting = false">{{ t('common.cancel') }}</button>
              <button type="button" class="hh-btn hh-btn-lg hh-btn-danger" style="flex:1" :disabled="busy" @click="decide('reject')" data-test="confirm-reject">{{ t('sr.reject') }}</button></div>
          </section>
          <div v-else class="m-btn-row">
            <button type="button" class="hh-btn hh-btn-lg" style="flex:1" @click="rejecting = true" data-test="reject">{{ t('sr.reject') }}</button>
            <button type="button" class="hh-btn hh-btn-lg hh-btn-primary" style="flex:2" :disabled="busy" @click="decide('approve')" data-test="approve">{{ t('sr.approve') }}</button>
          </div>
        </template>
        <template v-else>
          <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div>
          <div v-else-if="loading" class="m-card m-card-pad" style="display:flex;justify-content:center"><span class="hh-spinner"></span></div>
          <hh-empty v-else-if="!items.length" icon="check" :title="t('sr.empty')" :text="t('sr.emptyText')" />
          <template v-else>
            <div class="m-section-title">{{ t('sr.pending', { n: total }) }}</div>
            <ul class="sr-list" data-test="queue">
              <li v-for="x in items" :key="x.id"><button type="button" class="sr-item" @click="show(x)" :data-receipt="x.id">
                <b>{{ yuan(x.amount_fen) }}</b>
                <span class="sr-main"><span>{{ x.member_name || t('sr.noName') }} <span class="mono muted">{{ x.member_phone_masked }}</span></span>
                  <small>{{ x.brand_name }} · {{ fmtDateTime(x.created_at) }}</small></span>
                <hh-icon name="chevronRight" class="muted" /></button></li>
            </ul>
          </template>
        </template>
      </div>`,
  };
  return { CheckinPage, ReviewPage };
}

addMessages({
  'zh-CN': {
    'staff.tile.checkin': '活动签到',
    'staff.tile.checkinSub': '扫会员码签到',
    'staff.tile.receipts': '小票审核',
    'staff.tile.receiptsSub': '本店会员上传的小票',
    'ck.pick': '选择活动',
    'ck.none': '本店近期没有活动',
    'ck.noneText': '品牌创建门店活动后会显示在这里',
    'ck.notOpen': '活动开始前 2 小时起才能签到',
    'ck.attended': '已签到 {n}',
    'ck.registered': '报名 {n}',
    'ck.scan': '扫描会员码签到',
    'ck.scanHint': '请会员打开会员中心的会员码',
    'ck.byPhone': '或输入会员手机号',
    'ck.phonePh': '手机号',
    'ck.submit': '签到',
    'ck.needPhone': '请输入手机号',
    'ck.ok': '签到成功',
    'ck.failed': '无法签到',
    'ck.guest': '会员',
    'ck.recent': '刚刚签到',
    'sr.pending': '待审核 {n} 张',
    'sr.empty': '没有待审核的小票',
    'sr.emptyText': '本店会员上传的小票会显示在这里',
    'sr.noName': '未填姓名',
    'sr.back': '返回列表',
    'sr.photo': '小票照片',
    'sr.amount': '金额',
    'sr.no': '小票号',
    'sr.member': '会员',
    'sr.brand': '品牌',
    'sr.time': '购买时间',
    'sr.willPay': '通过后发放「{name}」',
    'sr.noTier': '金额未达到奖励档位，通过后不发放奖励',
    'sr.coupon': '优惠券 {name}',
    'sr.envelope': '红包 {name}',
    'sr.draws': '抽奖 {n} 次',
    'sr.points': '积分 {n}（积分功能上线后发放）',
    'sr.approve': '审核通过',
    'sr.reject': '驳回',
    'sr.reasonPh': '驳回原因（会员可见）',
    'sr.needReason': '请填写驳回原因',
    'sr.r1': '照片模糊，看不清金额或小票号',
    'sr.r2': '填写的金额与小票不符',
    'sr.r3': '小票中没有本品牌商品',
    'sr.approved': '已通过，发放 {n} 项奖励',
    'sr.rejected': '已驳回',
  },
  en: {
    'staff.tile.checkin': 'Event check-in',
    'staff.tile.checkinSub': 'Scan the member code',
    'staff.tile.receipts': 'Receipts',
    'staff.tile.receiptsSub': 'Uploaded by members of my store',
    'ck.pick': 'Event',
    'ck.none': 'No events at this store soon',
    'ck.noneText': 'Store events created by the brand show here',
    'ck.notOpen': 'Check-in opens two hours before the start',
    'ck.attended': '{n} in',
    'ck.registered': '{n} signed up',
    'ck.scan': 'Scan the member code',
    'ck.scanHint': 'The member opens the code in the member centre',
    'ck.byPhone': 'Or type the member\'s phone',
    'ck.phonePh': 'Phone number',
    'ck.submit': 'Check in',
    'ck.needPhone': 'Type the phone number',
    'ck.ok': 'Checked in',
    'ck.failed': 'Cannot check in',
    'ck.guest': 'Member',
    'ck.recent': 'Just checked in',
    'sr.pending': '{n} to review',
    'sr.empty': 'No receipts to review',
    'sr.emptyText': 'Receipts members upload for this store show here',
    'sr.noName': 'No name',
    'sr.back': 'Back to the list',
    'sr.photo': 'Receipt photo',
    'sr.amount': 'Amount',
    'sr.no': 'Receipt no.',
    'sr.member': 'Member',
    'sr.brand': 'Brand',
    'sr.time': 'Purchased',
    'sr.willPay': 'Approving pays "{name}"',
    'sr.noTier': 'Below every tier: no reward',
    'sr.coupon': 'Coupon {name}',
    'sr.envelope': 'Red envelope {name}',
    'sr.draws': '{n} draws',
    'sr.points': '{n} points (once points are available)',
    'sr.approve': 'Approve',
    'sr.reject': 'Reject',
    'sr.reasonPh': 'Reason (the member sees it)',
    'sr.needReason': 'Give the reason',
    'sr.r1': 'Blurred: amount or number unreadable',
    'sr.r2': 'The amount does not match the receipt',
    'sr.r3': 'No product of this brand on it',
    'sr.approved': 'Approved; {n} rewards paid',
    'sr.rejected': 'Rejected',
  },
});
