// redeem.js — counter redemption (核销) in the staff app: verify the person
// (scan the member QR, type a coupon code, or phone + the SMS code the
// customer reads out), see what they hold and whether each benefit can be
// used at this counter, redeem one with a confirmation, undo with a reason
// within the window, hand out a coupon, and today's redemptions of the store.
//
// redeemScreens(state) → { RedeemPage, RedemptionsPage } bound to the app's
// state (account, me, store).
//
// The camera is the staff app's one scanner (scanner.js: BarcodeDetector where
// there is one, otherwise jsQR on video frames); without a camera, codes are
// typed or pasted.

import { ref, reactive, computed, watch, onMounted, onBeforeUnmount, nextTick } from 'vue';
import { api } from '/shared/api.js';
import { t, lang } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { route, navigate } from '/shared/router.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';
import { usePhoneOtp, PhoneOtpFields, focusSoon } from './phone-otp.js';
import { QrScanner, createQrReader } from './scanner.js';
import './redeem-messages.js';

/** Verifying the person: the 6-digit code the customer reads out, under rd.* words. */
const OTP = { words: 'rd', field: 'otp', digits: '6', maxlength: 6, autocomplete: 'one-time-code', required: false, test: 'rd-send-code' };
const showPerson = () => nextTick(() => { const el = document.querySelector('[data-test=rd-person]'); if (el && el.scrollIntoView) el.scrollIntoView({ block: 'start' }); });

/* ------------------------------------------------------------ formatting */

/** 2000 → "20", 12850 → "128.50" */
const yuan = (fen) => {
  const v = Number(fen || 0) / 100;
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
};

/** The big figure of a coupon: ¥30, 8.5折 / 15% off, or a gift. */
export function couponFace(c) {
  if (!c) return { big: '', unit: '', kind: '' };
  if (c.kind === 'cash') return { big: yuan(c.value_fen), unit: '¥', kind: 'cash' };
  if (c.kind === 'discount' && c.discount_pct) {
    return lang.value === 'en'
      ? { big: String(100 - c.discount_pct), unit: '% off', kind: 'discount', after: true }
      : { big: String(c.discount_pct / 10).replace(/\.0$/, ''), unit: '折', kind: 'discount', after: true };
  }
  return { big: t('rd.kind.' + (c.kind || 'gift')), unit: '', kind: 'gift' };
}

/** "满199可用" / "No minimum" and the like. */
export function couponRule(c) {
  if (!c) return '';
  if (c.kind === 'gift' || c.kind === 'sample' || c.kind === 'prize') return c.gift_name || '';
  return c.min_spend_fen > 0 ? t('rd.minSpend', { n: yuan(c.min_spend_fen) }) : t('rd.noMin');
}

/** "Normalise" what was scanned or typed: {kind: 'member'|'coupon', text}. */
export function classifyCode(text) {
  const s = String(text || '').trim().replace(/\s+/g, '');
  if (!s) return null;
  const m = s.match(/^hhm[:：]/i);
  if (m) return { kind: 'member', text: 'HHM:' + s.slice(m[0].length).toUpperCase() };
  const c = s.match(/^hhc[:：]/i);
  const rest = (c ? s.slice(c[0].length) : s).replace(/-/g, '').toUpperCase();
  return { kind: 'coupon', text: rest };
}

/** Whole minutes until `until` (at least 1 while any time is left; 0 after). */
const minutesLeft = (until, now) => (until && until > now ? Math.max(1, Math.floor((until - now) / 60000)) : 0);

/** XXXX-XXXX-XXXX as the code is typed. */
const groupCode = (s) => String(s || '').toUpperCase().replace(/[^0-9A-Z]/g, '').slice(0, 12).replace(/(.{4})(?=.)/g, '$1-');

/* ------------------------------------------------------------- pieces */

const TicketIcon = {
  props: { size: { type: Number, default: 22 } },
  template: `<svg :width="size" :height="size" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M3.5 7.5A1.5 1.5 0 0 1 5 6h14a1.5 1.5 0 0 1 1.5 1.5V10a2 2 0 0 0 0 4v2.5A1.5 1.5 0 0 1 19 18H5a1.5 1.5 0 0 1-1.5-1.5V14a2 2 0 0 0 0-4V7.5z"/><path d="M14.5 6v2M14.5 11v2M14.5 16v2"/></svg>`,
};

/** <rd-coupon :c @redeem> — one coupon as the counter sees it. */
const RdCoupon = {
  components: { TicketIcon },
  props: { c: { type: Object, required: true }, busy: Boolean, showCode: Boolean, plain: Boolean },
  emits: ['redeem'],
  setup(props) {
    const face = computed(() => couponFace(props.c));
    const rule = computed(() => couponRule(props.c));
    return { face, rule, t, fmtDate, fmtDateTime };
  },
  template: `
    <article class="rd-coupon" :class="[c.usable ? 'ok' : 'no', 'k-' + face.kind]" :data-coupon="c.id" :data-usable="c.usable ? 1 : 0"
             :data-reason="c.reason ? c.reason.code : ''">
      <div class="rd-coupon-face">
        <template v-if="face.kind === 'gift'"><m-icon name="gift" :size="26" /><b class="rd-gift">{{ face.big }}</b></template>
        <template v-else-if="face.after"><b>{{ face.big }}</b><small>{{ face.unit }}</small></template>
        <template v-else><small>{{ face.unit }}</small><b>{{ face.big }}</b></template>
      </div>
      <div class="rd-coupon-main">
        <h3>{{ c.name }}</h3>
        <p class="rd-coupon-rule" v-if="rule">{{ rule }}</p>
        <p class="rd-coupon-meta">
          <span>{{ c.brand_name }}</span>
          <span v-if="c.valid_to">{{ t('rd.validTo', { d: fmtDate(c.valid_to) }) }}</span>
          <span v-if="c.campaign_name">{{ c.campaign_name }}</span>
        </p>
        <p class="rd-coupon-code mono">{{ showCode && c.code ? c.code.replace(/(.{4})(?=.)/g, '$1-') : c.code_masked }}</p>
        <p v-if="!c.usable && c.reason" class="rd-coupon-why" data-test="reason"><hh-icon name="info" :size="14" />{{ c.reason.message }}</p>
      </div>
      <button v-if="c.usable && !plain" type="button" class="hh-btn hh-btn-primary rd-coupon-go" :disabled="busy" @click="$emit('redeem', c)" data-test="redeem">
        {{ t('rd.redeem') }}</button>
      <span v-else-if="!c.usable" class="rd-coupon-stamp">{{ t('rd.reason.' + (c.reason ? c.reason.code : 'x')) }}</span>
    </article>`,
};

/** <rd-person :p :via /> — who is at the counter. */
const RdPerson = {
  props: { p: Object, via: String, until: Number },
  setup() { return { t, fmtDateTime }; },
  template: `
    <section class="m-card rd-person" data-test="rd-person">
      <template v-if="p">
        <hh-avatar :name="p.name || (p.phone_masked || '').slice(-2)" :size="48" />
        <div class="rd-person-id">
          <div class="rd-person-name">{{ p.name || t('rd.noName') }} <m-lifecycle :value="p.lifecycle" /></div>
          <div class="mono rd-person-phone" data-test="rd-phone">{{ p.phone_masked }}</div>
        </div>
      </template>
      <template v-else>
        <span class="rd-person-anon"><m-icon name="qr" :size="22" /></span>
        <div class="rd-person-id"><div class="rd-person-name">{{ t('rd.anonymous') }}</div><div class="muted">{{ t('rd.anonymousSub') }}</div></div>
      </template>
      <span class="rd-via" :class="'v-' + via"><m-icon :name="via === 'phone_otp' ? 'shield' : via === 'member_qr' ? 'qr' : 'clipboard'" :size="14" />{{ t('rd.via.' + via) }}</span>
    </section>`,
};

/* ------------------------------------------------------------ screens */

export function redeemScreens(state) {
  /** Undo with a reason: a bottom sheet; resolves with the undone redemption or null. */
  const undo = reactive({ open: false, target: null, reason: '', other: '', busy: false, error: '', resolve: null });
  const REASONS = ['customer', 'mistake', 'wrongCoupon', 'other'];
  function askUndo(rd) {
    return new Promise((resolve) => {
      Object.assign(undo, { open: true, target: rd, reason: '', other: '', busy: false, error: '', resolve });
    });
  }
  function closeUndo(v = null) {
    undo.open = false;
    if (undo.resolve) undo.resolve(v);
    undo.resolve = null;
  }
  async function submitUndo() {
    const reason = undo.reason === 'other' ? undo.other.trim() : (undo.reason ? t('rd.undo.r.' + undo.reason) : '');
    if (!reason) { undo.error = t('rd.undo.needReason'); return; }
    undo.busy = true;
    undo.error = '';
    try {
      const res = await api.post(`/api/redemptions/${undo.target.id}/undo`, { reason });
      toast.success(t('rd.undo.done'));
      closeUndo(res);
    } catch (e) {
      undo.error = e.message;
    } finally {
      undo.busy = false;
    }
  }
  const UndoSheet = {
    setup() { return { undo, REASONS, submitUndo, closeUndo, t, fmtDateTime }; },
    template: `
      <hh-drawer :open="undo.open" :title="t('rd.undo.title')" @close="closeUndo(null)">
        <div class="rd-undo" v-if="undo.target" data-test="undo-sheet">
          <p class="rd-undo-what">{{ t('rd.undo.what', { name: undo.target.coupon_name || (undo.target.coupon && undo.target.coupon.name) || '', at: fmtDateTime(undo.target.at) }) }}</p>
          <p class="muted rd-undo-note">{{ t('rd.undo.note') }}</p>
          <div class="rd-reasons" role="radiogroup" :aria-label="t('rd.undo.reason')">
            <button v-for="k in REASONS" :key="k" type="button" class="rd-reason" :class="{ on: undo.reason === k }" role="radio"
                    :aria-checked="undo.reason === k" @click="undo.reason = k; undo.error = ''" :data-reason="k">{{ t('rd.undo.r.' + k) }}</button>
          </div>
          <textarea v-if="undo.reason === 'other'" class="hh-input rd-undo-text" rows="3" maxlength="200" v-model="undo.other"
                    name="reason" :placeholder="t('rd.undo.otherPh')"></textarea>
          <div v-if="undo.error" class="hh-alert hh-alert-error" data-test="undo-error"><hh-icon name="alert" /><span>{{ undo.error }}</span></div>
          <button type="button" class="hh-btn hh-btn-danger hh-btn-lg hh-btn-block" :disabled="undo.busy" @click="submitUndo" data-test="undo-confirm">
            {{ undo.busy ? t('common.loading') : t('rd.undo.confirm') }}</button>
        </div>
      </hh-drawer>`,
  };

  /* ------------------------------------------------------------- 核销 */
  const RedeemPage = {
    components: { QrScanner, RdCoupon, RdPerson, UndoSheet, TicketIcon, PhoneOtpFields },
    setup() {
      const mode = ref(['scan', 'code', 'phone'].includes(route.query.by) ? route.query.by : 'scan');
      const form = useForm({ scan: '', code: '', phone: '', otp: '' });
      const wallet = ref(null);      // the last answer of /api/counter/wallet
      const proof = reactive({ method: '', member_code: '', verification: '', code: '' });
      const reader = ref(null);
      const readerChecked = ref(false);
      const scanning = ref(false);
      const confirm = reactive({ open: false, c: null, amount: '', busy: false, error: '', amountError: '' });
      const success = ref(null);
      const issue = reactive({ open: false, loading: false, items: [], error: '', busy: 0 });
      const otp = usePhoneOtp(form, OTP);
      const now = ref(Date.now());
      const ticker = setInterval(() => { now.value = Date.now(); }, 1000);
      onBeforeUnmount(() => clearInterval(ticker));
      watch(() => route.query.by, (by) => { if (['scan', 'code', 'phone'].includes(by) && by !== mode.value) setMode(by); });
      onMounted(async () => {
        reader.value = await createQrReader();
        readerChecked.value = true;
        if (route.query.code) lookup(route.query.code);
      });

      function reset() {
        wallet.value = null;
        success.value = null;
        Object.assign(proof, { method: '', member_code: '', verification: '', code: '' });
        form.errors = {}; form.formError = '';
      }
      function setMode(m) {
        mode.value = m;
        reset();
        focusSoon(m === 'phone' ? 'input[name=phone]' : m === 'code' ? 'input[name=code]' : 'input[name=scan]');
      }

      /** Look up what was scanned or typed: a member QR or a coupon code. */
      async function lookup(text, field = 'scan') {
        reset();
        const k = classifyCode(text);
        if (!k) { form.errors[field] = t('rd.needCode'); return; }
        if (k.kind === 'coupon' && !/^[0-9A-Z]{12}$/.test(k.text)) { form.errors[field] = t('rd.badCode'); return; }
        const params = k.kind === 'member' ? { member_code: k.text } : { code: k.text };
        const res = await form.run(async () => {
          try {
            return await api.get('/api/counter/wallet', params);
          } catch (e) {
            // the server names member_code / code; show it under the box used
            e.field = field;
            throw e;
          }
        });
        if (!res) return;
        wallet.value = res;
        if (k.kind === 'member') Object.assign(proof, { method: 'member_qr', member_code: k.text });
        else Object.assign(proof, { method: 'coupon_code', code: k.text });
        showPerson();
      }
      const byScanText = () => lookup(form.values.scan, 'scan');
      const byCode = () => lookup(form.values.code, 'code');
      function onScanned(text) {
        scanning.value = false;
        form.values.scan = text;
        lookup(text, 'scan');
      }
      function onCodeInput(e) { form.values.code = groupCode(e.target.value); }
      async function paste() {
        try {
          const s = await navigator.clipboard.readText();
          if (s) { form.values.scan = s.trim(); lookup(form.values.scan, 'scan'); }
        } catch (_) { toast.info(t('rd.pasteDenied')); }
      }

      /* phone + SMS code */
      async function verifyPhone() {
        reset();
        const phone = otp.checkPhone();
        const code = otp.checkCode();
        if (!phone || !code) return;
        const res = await form.run(async () => {
          try {
            return await api.post('/api/counter/wallet', { phone, code });
          } catch (e) {
            if (e.field === 'code') e.field = 'otp';
            throw e;
          }
        });
        if (!res) return;
        wallet.value = res;
        Object.assign(proof, { method: 'phone_otp', verification: res.verification });
        form.values.otp = '';
        showPerson();
      }
      const verifiedLeft = computed(() => minutesLeft(wallet.value && wallet.value.verified_until, now.value));

      async function refresh() {
        if (proof.method === 'member_qr') {
          const res = await api.get('/api/counter/wallet', { member_code: proof.member_code }).catch((e) => { toast.error(e.message); return null; });
          if (res) wallet.value = res;
        } else if (proof.method === 'coupon_code') {
          const res = await api.get('/api/counter/wallet', { code: proof.code }).catch((e) => { toast.error(e.message); return null; });
          if (res) wallet.value = res;
        }
        // phone_otp: the verified wallet cannot be re-read without a new code;
        // the coupons' states are updated in place by redeem/undo below
      }

      /* redeem */
      function askRedeem(c) {
        Object.assign(confirm, { open: true, c, amount: '', busy: false, error: '', amountError: '' });
      }
      async function doRedeem() {
        const c = confirm.c;
        confirm.error = ''; confirm.amountError = '';
        const body = { method: proof.method };
        if (proof.method === 'coupon_code') body.code = proof.code;
        else body.coupon_id = c.id;
        if (proof.method === 'member_qr') body.member_code = proof.member_code;
        if (proof.method === 'phone_otp') body.verification = proof.verification;
        const a = String(confirm.amount || '').trim();
        if (a) {
          if (!/^\d{1,9}(\.\d{1,2})?$/.test(a)) { confirm.amountError = t('rd.badAmount'); return; }
          body.order_amount_fen = Math.round(Number(a) * 100);
        }
        confirm.busy = true;
        try {
          const res = await api.post('/api/counter/redemptions', body);
          confirm.open = false;
          success.value = res;
          const x = wallet.value && wallet.value.coupons.find((y) => y.id === c.id);
          if (x) { x.usable = false; x.status = 'redeemed'; x.reason = { code: 'redeemed', message: t('rd.justRedeemed') }; }
          window.scrollTo(0, 0);
        } catch (e) {
          if (e.field === 'order_amount_fen') confirm.amountError = e.message;
          else confirm.error = e.message;
          if (e.status === 409 || e.status === 422) refresh();
        } finally {
          confirm.busy = false;
        }
      }
      async function undoLast() {
        const res = await askUndo(success.value);
        if (!res) return;
        success.value = null;
        await refresh();
        if (proof.method === 'phone_otp' && wallet.value) {
          const x = wallet.value.coupons.find((y) => y.id === res.coupon_id);
          if (x) { x.usable = true; x.status = 'issued'; x.reason = null; }
        }
      }
      async function continueSame() {
        success.value = null;
        await refresh();
      }
      function next() {
        reset();
        form.reset({ scan: '', code: '', phone: '', otp: '' });
        otp.sentTo = '';
        focusSoon(mode.value === 'phone' ? 'input[name=phone]' : mode.value === 'code' ? 'input[name=code]' : 'input[name=scan]');
      }
      const undoLeft = computed(() => minutesLeft(success.value && success.value.undo_until, now.value));

      /* hand out a coupon */
      async function openIssue() {
        Object.assign(issue, { open: true, loading: true, items: [], error: '' });
        try {
          const res = await api.get('/api/counter/coupon-templates');
          issue.items = res.items || [];
        } catch (e) {
          issue.error = e.message;
        } finally {
          issue.loading = false;
        }
      }
      async function doIssue(tpl) {
        const p = wallet.value && wallet.value.person;
        if (!p) return;
        issue.busy = tpl.id;
        issue.error = '';
        try {
          const c = await api.post('/api/counter/coupons', { template_id: tpl.id, member_id: p.id });
          toast.success(t('rd.issue.done', { name: tpl.name }));
          issue.open = false;
          if (proof.method === 'member_qr') await refresh();
          else if (wallet.value) {
            wallet.value.coupons = [c, ...wallet.value.coupons];
            if (c.usable) wallet.value.usable_count += 1;
          }
        } catch (e) {
          issue.error = e.message;
        } finally {
          issue.busy = 0;
        }
      }
      const usable = computed(() => (wallet.value ? wallet.value.coupons.filter((c) => c.usable) : []));
      const others = computed(() => (wallet.value ? wallet.value.coupons.filter((c) => !c.usable) : []));
      const canPaste = !!(navigator.clipboard && navigator.clipboard.readText);
      return {
        state, mode, form, wallet, proof, reader, readerChecked, scanning, confirm, success, issue, otp,
        verifiedLeft, undoLeft, usable, others, canPaste,
        setMode, byScanText, byCode, onScanned, onCodeInput, paste, verifyPhone, askRedeem, doRedeem, undoLast,
        continueSame, next, openIssue, doIssue, couponFace, couponRule, t, fmtDateTime, fmtNumber, yuan,
      };
    },
    template: `
      <div class="m-body rd-page">
        <!-- success -->
        <template v-if="success">
          <section class="cm-result is-new rd-success" data-test="rd-success" :data-redemption="success.id">
            <span class="cm-result-icon"><m-icon name="check" :size="30" /></span>
            <h2>{{ t('rd.ok.title') }}</h2>
            <p>{{ success.coupon ? success.coupon.name : '' }}</p>
            <p class="rd-success-meta">{{ fmtDateTime(success.at) }} · {{ success.store_name }}</p>
          </section>
          <section class="m-card m-card-pad rd-success-card">
            <dl class="hh-kv">
              <dt>{{ t('rd.ok.person') }}</dt><dd>{{ success.member ? [success.member.name, success.member.phone_masked].filter(Boolean).join(' · ') : t('rd.anonymous') }}</dd>
              <dt>{{ t('rd.ok.coupon') }}</dt><dd class="mono">{{ success.coupon ? success.coupon.code_masked : '' }}</dd>
              <dt>{{ t('rd.ok.method') }}</dt><dd>{{ t('rd.via.' + success.method) }}</dd>
              <dt v-if="success.order_amount_fen !== null">{{ t('rd.ok.amount') }}</dt><dd v-if="success.order_amount_fen !== null">¥{{ yuan(success.order_amount_fen) }}</dd>
              <dt>{{ t('rd.ok.staff') }}</dt><dd>{{ success.account_name }}</dd>
            </dl>
            <p v-if="success.coupon && success.coupon.gift_name" class="rd-handover"><m-icon name="gift" :size="16" />{{ t('rd.ok.handOver', { gift: success.coupon.gift_name }) }}</p>
          </section>
          <div class="m-btn-row">
            <button type="button" class="hh-btn hh-btn-lg" style="flex:1" @click="next" data-test="rd-next">{{ t('rd.ok.next') }}</button>
            <button v-if="wallet && wallet.person" type="button" class="hh-btn hh-btn-primary hh-btn-lg" style="flex:1" @click="continueSame" data-test="rd-continue">{{ t('rd.ok.same') }}</button>
          </div>
          <button v-if="undoLeft > 0" type="button" class="hh-btn hh-btn-ghost rd-undo-btn" @click="undoLast" data-test="rd-undo">
            <hh-icon name="refresh" :size="16" />{{ t('rd.ok.undo', { m: undoLeft }) }}</button>
        </template>

        <template v-else>
          <div class="cm-seg" role="tablist">
            <button type="button" role="tab" :aria-selected="mode === 'scan'" :class="{ on: mode === 'scan' }" @click="setMode('scan')" data-test="rd-by-scan">
              <m-icon name="scan" :size="16" />{{ t('rd.by.scan') }}</button>
            <button type="button" role="tab" :aria-selected="mode === 'code'" :class="{ on: mode === 'code' }" @click="setMode('code')" data-test="rd-by-code">
              <ticket-icon :size="16" />{{ t('rd.by.code') }}</button>
            <button type="button" role="tab" :aria-selected="mode === 'phone'" :class="{ on: mode === 'phone' }" @click="setMode('phone')" data-test="rd-by-phone">
              <m-icon name="phone" :size="16" />{{ t('rd.by.phone') }}</button>
          </div>

          <form v-if="mode === 'scan'" class="hh-form m-card m-card-pad" @submit.prevent="byScanText" novalidate data-test="rd-scan-form">
            <hh-form-error :message="form.formError" />
            <button v-if="reader" type="button" class="cm-scan-btn" @click="scanning = true" data-test="rd-scan">
              <span><m-icon name="scan" :size="30" /></span><b>{{ t('rd.scanBtn') }}</b><small>{{ t('rd.scanHint') }}</small>
            </button>
            <p v-else-if="readerChecked" class="cm-noscan" data-test="rd-noscan"><m-icon name="camera" :size="16" />{{ t('rd.noCamera') }}</p>
            <hh-field :label="t('rd.scanLabel')" :error="form.errors.scan" name="scan" :hint="t('rd.scanFieldHint')">
              <div class="m-code">
                <input class="hh-input mono" name="scan" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64"
                       :placeholder="t('rd.scanPh')" v-model="form.values.scan" />
                <button v-if="canPaste" type="button" class="hh-btn m-send" @click="paste"><m-icon name="clipboard" :size="16" />{{ t('rd.paste') }}</button>
              </div>
            </hh-field>
            <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="rd-find">
              <m-icon name="search" />{{ form.busy ? t('common.loading') : t('rd.find') }}</button>
          </form>

          <form v-else-if="mode === 'code'" class="hh-form m-card m-card-pad" @submit.prevent="byCode" novalidate data-test="rd-code-form">
            <hh-form-error :message="form.formError" />
            <hh-field :label="t('rd.codeLabel')" :error="form.errors.code" name="code" :hint="t('rd.codeHint')">
              <input class="hh-input mono rd-code-input" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false"
                     inputmode="text" maxlength="14" placeholder="XXXX-XXXX-XXXX" :value="form.values.code" @input="onCodeInput" />
            </hh-field>
            <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="rd-find">
              <m-icon name="search" />{{ form.busy ? t('common.loading') : t('rd.find') }}</button>
          </form>

          <form v-else class="hh-form m-card m-card-pad" @submit.prevent="verifyPhone" novalidate data-test="rd-phone-form">
            <hh-form-error :message="form.formError" />
            <phone-otp-fields :form="form" :otp="otp" />
            <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="rd-verify">
              <m-icon name="shield" />{{ form.busy ? t('common.loading') : t('rd.verify') }}</button>
          </form>

          <!-- what the person holds -->
          <template v-if="wallet">
            <rd-person :p="wallet.person" :via="wallet.via" />
            <p v-if="wallet.via === 'phone_otp' && verifiedLeft > 0" class="rd-verified"><m-icon name="shield" :size="14" />{{ t('rd.verifiedFor', { m: verifiedLeft }) }}</p>
            <div class="m-section-title rd-list-title">
              <span data-test="rd-usable-count">{{ t('rd.usableN', { n: usable.length }) }}</span>
              <button v-if="wallet.person" type="button" class="hh-btn hh-btn-sm rd-issue-btn" @click="openIssue" data-test="rd-issue">
                <m-icon name="gift" :size="15" />{{ t('rd.issue.btn') }}</button>
            </div>
            <div class="rd-coupons" data-test="rd-usable">
              <rd-coupon v-for="c in usable" :key="c.id" :c="c" :show-code="wallet.via === 'coupon_code'" :busy="confirm.busy" @redeem="askRedeem" />
              <section v-if="!usable.length" class="m-card" data-test="rd-none">
                <hh-empty icon="gift" :title="t('rd.noneUsable')" :text="wallet.person ? t('rd.noneUsableText') : ''" />
              </section>
            </div>
            <template v-if="others.length">
              <div class="m-section-title">{{ t('rd.othersN', { n: others.length }) }}</div>
              <div class="rd-coupons" data-test="rd-others">
                <rd-coupon v-for="c in others" :key="c.id" :c="c" :show-code="wallet.via === 'coupon_code'" />
              </div>
            </template>
          </template>
          <a v-else class="rd-today-link m-card" href="#/redemptions" data-test="rd-today-link">
            <span class="rd-today-icon"><m-icon name="calendar" :size="20" /></span>
            <span><b>{{ t('rd.today.title') }}</b><small>{{ t('rd.today.sub') }}</small></span>
            <hh-icon name="chevronRight" class="muted" />
          </a>
        </template>

        <!-- confirm -->
        <hh-drawer :open="confirm.open" :title="t('rd.confirm.title')" @close="confirm.open = false">
          <div v-if="confirm.c" class="rd-confirm" data-test="rd-confirm">
            <rd-coupon :c="confirm.c" :show-code="wallet && wallet.via === 'coupon_code'" plain />
            <dl class="hh-kv rd-confirm-kv">
              <dt>{{ t('rd.ok.person') }}</dt><dd>{{ wallet && wallet.person ? [wallet.person.name, wallet.person.phone_masked].filter(Boolean).join(' · ') : t('rd.anonymous') }}</dd>
              <dt>{{ t('rd.confirm.store') }}</dt><dd>{{ state.store ? state.store.name : '' }}</dd>
              <dt>{{ t('rd.ok.method') }}</dt><dd>{{ t('rd.via.' + proof.method) }}</dd>
            </dl>
            <hh-field :label="t('rd.confirm.amount')" :error="confirm.amountError" name="order_amount" :hint="confirm.c.min_spend_fen > 0 ? t('rd.minSpend', { n: yuan(confirm.c.min_spend_fen) }) : t('rd.confirm.amountHint')">
              <div class="m-phone"><span class="m-cc">¥</span>
                <input class="hh-input" name="order_amount" inputmode="decimal" autocomplete="off" maxlength="12" v-model="confirm.amount" :placeholder="t('common.optional')" /></div>
            </hh-field>
            <div v-if="confirm.error" class="hh-alert hh-alert-error" data-test="rd-confirm-error"><hh-icon name="alert" /><span>{{ confirm.error }}</span></div>
            <button type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="confirm.busy" @click="doRedeem" data-test="rd-confirm-go">
              {{ confirm.busy ? t('common.loading') : t('rd.confirm.go') }}</button>
          </div>
        </hh-drawer>

        <!-- hand out a coupon -->
        <hh-drawer :open="issue.open" :title="t('rd.issue.title')" :subtitle="wallet && wallet.person ? [wallet.person.name, wallet.person.phone_masked].filter(Boolean).join(' · ') : ''" @close="issue.open = false">
          <div class="rd-issue" data-test="rd-issue-sheet">
            <div v-if="issue.error" class="hh-alert hh-alert-error" data-test="rd-issue-error"><hh-icon name="alert" /><span>{{ issue.error }}</span></div>
            <div v-if="issue.loading" class="cm-qr-empty"><span class="hh-spinner"></span></div>
            <hh-empty v-else-if="!issue.items.length" icon="gift" :title="t('rd.issue.none')" :text="t('rd.issue.noneText')" />
            <ul v-else class="m-list rd-issue-list">
              <li v-for="x in issue.items" :key="x.id" :data-template="x.id">
                <div class="m-li-main">
                  <div class="m-li-title">{{ x.name }}</div>
                  <div class="m-li-sub">{{ [couponFace(x).kind === 'gift' ? x.gift_name : (couponFace(x).unit === '¥' ? '¥' + couponFace(x).big : couponFace(x).big + couponFace(x).unit), couponRule(x) && couponFace(x).kind !== 'gift' ? couponRule(x) : '', x.validity === 'relative' ? t('rd.issue.days', { n: x.valid_days }) : t('rd.validTo', { d: fmtDateTime(x.valid_to) }), x.remaining !== null ? t('rd.issue.left', { n: fmtNumber(x.remaining) }) : ''].filter(Boolean).join(' · ') }}</div>
                </div>
                <button type="button" class="hh-btn hh-btn-primary hh-btn-sm" :disabled="!!issue.busy" @click="doIssue(x)" data-test="rd-issue-go">
                  {{ issue.busy === x.id ? t('common.loading') : t('rd.issue.go') }}</button>
              </li>
            </ul>
          </div>
        </hh-drawer>

        <undo-sheet />
        <qr-scanner v-if="reader" :open="scanning" words="rd.scan" test="rd-scanner" @code="onScanned" @close="scanning = false" />
      </div>`,
  };

  /* ------------------------------------------------------------ 今日核销 */
  const RedemptionsPage = {
    components: { UndoSheet },
    setup() {
      const mine = ref(route.query.mine === '1');
      const day = ref('');
      const data = ref(null);
      const items = ref([]);
      const loading = ref(false);
      const error = ref('');
      const PAGE = 30;
      let seq = 0;
      const now = ref(Date.now());
      const ticker = setInterval(() => { now.value = Date.now(); }, 15000);
      onBeforeUnmount(() => clearInterval(ticker));
      async function load(reset = true) {
        const my = ++seq;
        loading.value = true;
        error.value = '';
        try {
          const res = await api.get('/api/counter/redemptions', { day: day.value || 'today', mine: mine.value ? 1 : '', limit: PAGE, offset: reset ? 0 : items.value.length });
          if (my !== seq) return;
          data.value = res;
          items.value = reset ? res.items : items.value.concat(res.items);
          if (!day.value) day.value = res.day;
        } catch (e) {
          if (my === seq) error.value = e.message;
        } finally {
          if (my === seq) loading.value = false;
        }
      }
      watch(mine, () => load(true));
      onMounted(() => load(true));
      function shiftDay(n) {
        const d = new Date(day.value + 'T00:00:00Z');
        d.setUTCDate(d.getUTCDate() + n);
        day.value = d.toISOString().slice(0, 10);
        load(true);
      }
      async function undoOne(x) {
        const res = await askUndo(x);
        if (res) load(true);
      }
      const stillUndoable = (x) => x.undoable && x.undo_until > now.value;
      const face = (x) => couponFace(x);
      return { state, mine, day, data, items, loading, error, load, shiftDay, undoOne, stillUndoable, face, t, fmtDateTime, fmtNumber, yuan };
    },
    template: `
      <div class="m-body rd-page">
        <div class="rd-day">
          <button type="button" class="hh-icon-btn" @click="shiftDay(-1)" :aria-label="t('rd.today.prev')" data-test="rd-day-prev"><hh-icon name="chevronLeft" /></button>
          <input type="date" class="hh-input rd-day-input" v-model="day" @change="load(true)" :aria-label="t('rd.today.day')" data-test="rd-day" />
          <button type="button" class="hh-icon-btn" @click="shiftDay(1)" :aria-label="t('rd.today.next')" data-test="rd-day-next"><hh-icon name="chevronRight" /></button>
        </div>
        <section class="m-hero rd-sum" data-test="rd-sum">
          <div><b data-test="rd-sum-count">{{ data ? fmtNumber(data.totals.redeemed) : '—' }}</b><span>{{ t('rd.today.count') }}</span></div>
          <div><b>{{ data ? fmtNumber(data.totals.members) : '—' }}</b><span>{{ t('rd.today.members') }}</span></div>
          <div><b>{{ data ? fmtNumber(data.totals.undone) : '—' }}</b><span>{{ t('rd.today.undone') }}</span></div>
        </section>
        <div class="cm-seg">
          <button type="button" :class="{ on: !mine }" @click="mine = false" data-test="rd-all">{{ t('rd.today.store') }}</button>
          <button type="button" :class="{ on: mine }" @click="mine = true" data-test="rd-mine">{{ t('rd.today.mine') }}</button>
        </div>
        <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
          <button type="button" class="hh-btn hh-btn-sm" style="margin-left:auto" @click="load(true)">{{ t('common.retry') }}</button></div>
        <section class="m-card" v-if="items.length">
          <ul class="m-list rd-rows" data-test="rd-rows">
            <li v-for="x in items" :key="x.id" :data-redemption="x.id" :class="{ undone: x.undone_at }">
              <span class="rd-row-face" :class="'k-' + face(x).kind">
                <template v-if="face(x).kind === 'gift'"><m-icon name="gift" :size="18" /></template>
                <template v-else-if="face(x).after">{{ face(x).big }}<small>{{ face(x).unit }}</small></template>
                <template v-else><small>¥</small>{{ face(x).big }}</template>
              </span>
              <div class="m-li-main">
                <div class="m-li-title">{{ x.coupon_name }}
                  <span v-if="x.undone_at" class="hh-tag hh-tag-danger" data-test="rd-undone">{{ t('rd.today.undoneTag') }}</span></div>
                <div class="m-li-sub">{{ [x.member_name, x.member_phone_masked].filter(Boolean).join(' ') || t('rd.anonymous') }} · {{ t('rd.via.' + x.method) }}</div>
                <div class="m-li-sub">{{ fmtDateTime(x.at).slice(-5) }} · {{ x.staff_name || x.account_name }}<template v-if="x.order_amount_fen !== null"> · ¥{{ yuan(x.order_amount_fen) }}</template></div>
                <div v-if="x.undone_at" class="m-li-sub rd-row-undo">{{ t('rd.today.undoneBy', { who: x.undone_by_name || '', why: x.undo_reason || '' }) }}</div>
              </div>
              <button v-if="stillUndoable(x)" type="button" class="hh-btn hh-btn-sm" @click="undoOne(x)" data-test="rd-row-undo">{{ t('rd.today.undo') }}</button>
            </li>
          </ul>
        </section>
        <section v-else-if="!loading && !error" class="m-card" data-test="rd-empty">
          <hh-empty icon="gift" :title="mine ? t('rd.today.emptyMine') : t('rd.today.empty')" :text="t('rd.today.emptyText')">
            <a class="hh-btn hh-btn-primary" style="margin-top:14px" href="#/redeem"><m-icon name="scan" />{{ t('rd.tile') }}</a>
          </hh-empty>
        </section>
        <div class="cm-more">
          <span v-if="loading" class="hh-spinner"></span>
          <button v-else-if="data && items.length < data.total" type="button" class="hh-btn hh-btn-ghost" @click="load(false)">{{ t('rd.today.more') }}</button>
        </div>
        <p class="m-footnote" v-if="data">{{ t('rd.today.window', { m: data.undo_minutes }) }}</p>
        <undo-sheet />
      </div>`,
  };

  return { RedeemPage, RedemptionsPage };
}
