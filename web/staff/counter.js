// counter.js — the counter screens of the staff app: register a customer on
// the spot (phone + SMS code read out by the customer), look a member up (by
// phone, or by the member QR through the camera or typed/pasted), my members,
// and my personal counter QR on Home.
//
// counterScreens(state) → components bound to the app's state (account, me).

import { ref, reactive, computed, watch, onMounted, onBeforeUnmount } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { route, navigate } from '/shared/router.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';
import { normalizeMemberCode } from '/shared/mobile-kit.js';
import { PointsGlance } from './points.js';
import { PickupOrders } from './gifts.js';
import { usePhoneOtp, PhoneOtpFields, PhoneField, checkPhone, focusSoon } from './phone-otp.js';
import { QrScanner, canScan } from './scanner.js';

/** Registering: the code the customer reads out, under staff.reg.* words. */
const OTP = { words: 'staff.reg', field: 'code', digits: '4,8', maxlength: 8, autocomplete: 'off', required: true, test: 'send-code' };

/* ------------------------------------------------------------ member card */

export const MemberCard = {
  props: { m: { type: Object, required: true } },
  setup() { return { t, fmtDate, fmtDateTime }; },
  template: `
    <section class="m-card cm-card" data-test="member-card" :data-mine="m.mine ? 1 : 0">
      <div class="cm-card-top">
        <hh-avatar :name="m.name || m.phone_masked.slice(-2)" :size="52" />
        <div class="cm-card-id">
          <div class="cm-card-name">{{ m.name || t('staff.card.noName') }} <m-lifecycle :value="m.lifecycle" /></div>
          <div class="cm-card-phone mono" data-test="member-phone">{{ m.phone_masked }}</div>
        </div>
        <span class="cm-own" :class="m.mine ? 'mine' : 'other'" data-test="member-mine">
          <m-icon :name="m.mine ? 'star' : 'users'" :size="14" />{{ m.mine ? t('staff.card.mine') : (m.owner_staff_id ? t('staff.card.notMine') : t('staff.card.noOwner')) }}</span>
      </div>
      <dl class="hh-kv cm-kv">
        <dt>{{ t('staff.card.owner') }}</dt>
        <dd>{{ m.owner_staff_name ? [m.owner_staff_name, m.owner_store_name].filter(Boolean).join(' · ') : t('staff.card.noOwner') }}</dd>
        <dt>{{ t('staff.card.via') }}</dt><dd>{{ t('staff.via.' + (m.registered_via || 'other')) }}</dd>
        <dt>{{ t('staff.card.joined') }}</dt><dd>{{ fmtDate(m.created_at) }}</dd>
        <dt>{{ t('staff.card.active') }}</dt><dd>{{ fmtDateTime(m.last_active_at) }}</dd>
        <dt>{{ t('staff.card.sms') }}</dt>
        <dd><span class="hh-tag" :class="m.consent_sms ? 'hh-tag-success' : ''">{{ m.consent_sms ? t('staff.card.smsYes') : t('staff.card.smsNo') }}</span></dd>
      </dl>
    </section>`,
};

/* ------------------------------------------------------------- screens */

export function counterScreens(state) {
  /* ------------------------------------------------------------ register */
  const RegisterPage = {
    components: { MemberCard, PhoneOtpFields },
    setup() {
      const blank = () => ({ phone: route.query.phone || '', code: '', name: '', consent_sms: false });
      const form = useForm(blank());
      const otp = usePhoneOtp(form, OTP);
      const result = ref(null);

      async function submit() {
        form.errors = {}; form.formError = '';
        const phone = otp.checkPhone();
        const code = otp.checkCode();
        if (!phone || !code) return;
        // An unticked box means "not asked now", not "withdrawn": only a tick is
        // sent, so recognising a known member never revokes an earlier consent.
        const body = { phone, code };
        if (form.values.consent_sms) body.consent_sms = true;
        const name = form.values.name.trim();
        if (name) body.name = name;
        const res = await form.run(() => api.post('/api/counter/register', body));
        if (res) {
          result.value = res;
          window.scrollTo(0, 0);
          if (res.created) state.myMembersTotal = (state.myMembersTotal || 0) + 1;
        }
      }
      function again() {
        result.value = null;
        otp.sentTo = '';
        form.reset({ phone: '', code: '', name: '', consent_sms: false });
        focusSoon('input[name=phone]');
      }
      return { form, otp, result, submit, again, t };
    },
    template: `
      <div class="m-body">
        <template v-if="!result">
          <section class="cm-intro">
            <span class="cm-intro-icon"><m-icon name="userPlus" :size="24" /></span>
            <div><h2>{{ t('staff.reg.heading') }}</h2><p>{{ t('staff.reg.sub') }}</p></div>
          </section>
          <form class="hh-form m-card m-card-pad" @submit.prevent="submit" novalidate data-test="register-form">
            <hh-form-error :message="form.formError" />
            <phone-otp-fields :form="form" :otp="otp" />
            <hh-field :label="t('staff.reg.name')" :error="form.errors.name" name="name" :hint="t('staff.reg.nameHint')">
              <input class="hh-input" name="name" maxlength="40" autocomplete="off" :placeholder="t('staff.reg.namePh')" v-model="form.values.name" />
            </hh-field>
            <hh-field :error="form.errors.consent_sms" name="consent_sms">
              <label class="cm-consent" :class="{ on: form.values.consent_sms }">
                <input type="checkbox" name="consent_sms" v-model="form.values.consent_sms" data-test="consent-sms" />
                <span class="cm-consent-box"><m-icon name="check" :size="14" /></span>
                <span><b>{{ t('staff.reg.consent') }}</b><small>{{ t('staff.reg.consentHint') }}</small></span>
              </label>
            </hh-field>
            <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="register">
              {{ form.busy ? t('common.loading') : t('staff.reg.submit') }}</button>
          </form>
          <p class="m-footnote">{{ t('staff.reg.foot') }}</p>
        </template>
        <template v-else>
          <section class="cm-result" :class="result.created ? 'is-new' : 'is-known'" data-test="register-result"
                   :data-created="result.created ? 1 : 0" :data-reactivated="result.reactivated ? 1 : 0">
            <span class="cm-result-icon"><m-icon :name="result.created ? 'check' : 'user'" :size="30" /></span>
            <h2>{{ result.created ? t('staff.reg.newTitle') : t('staff.reg.knownTitle') }}</h2>
            <p>{{ result.created ? t('staff.reg.newText') : result.member.mine ? t('staff.reg.knownMine') : t('staff.reg.knownOther') }}</p>
            <div v-if="result.reactivated" class="cm-reactivated" data-test="reactivated"><m-icon name="sparkle" :size="16" />{{ t('staff.reg.reactivated') }}</div>
          </section>
          <member-card :m="result.member" />
          <div class="m-btn-row">
            <button type="button" class="hh-btn hh-btn-lg" style="flex:1" @click="again" data-test="register-again">{{ t('staff.reg.again') }}</button>
            <a href="#/members" class="hh-btn hh-btn-primary hh-btn-lg" style="flex:1">{{ t('staff.tile.members') }}</a>
          </div>
        </template>
      </div>`,
  };

  /* -------------------------------------------------------------- lookup */
  const LookupPage = {
    components: { MemberCard, QrScanner, PointsGlance, PickupOrders, PhoneField },
    setup() {
      const mode = ref(route.query.by === 'code' ? 'code' : 'phone');
      const form = useForm({ phone: '', code: '' });
      const member = ref(null);
      const notFound = ref('');
      const scanning = ref(false);
      const scanOk = canScan();
      const canPaste = !!(navigator.clipboard && navigator.clipboard.readText);

      async function find(params) {
        member.value = null;
        notFound.value = '';
        let missing = false;
        const res = await form.run(async () => {
          try {
            return await api.get('/api/counter/lookup', params);
          } catch (e) {
            if (e.status === 404 && params.phone) { missing = true; return null; }
            throw e;
          }
        });
        if (missing) notFound.value = params.phone;
        else if (res) member.value = res.member;
      }
      function byPhone() {
        form.errors = {}; form.formError = '';
        const phone = checkPhone(form, 'staff.reg');
        if (phone) find({ phone });
      }
      function byCode() {
        form.errors = {}; form.formError = '';
        const code = normalizeMemberCode(form.values.code);
        if (!code) { form.errors.code = t('staff.look.needCode'); return; }
        form.values.code = code;
        find({ code });
      }
      function onScanned(text) {
        scanning.value = false;
        form.values.code = text;
        byCode();
      }
      async function paste() {
        try {
          const s = await navigator.clipboard.readText();
          if (s) { form.values.code = s.trim(); byCode(); }
        } catch (_) { toast.info(t('staff.look.pasteDenied')); }
      }
      function setMode(m) {
        mode.value = m; member.value = null; notFound.value = ''; form.errors = {}; form.formError = '';
        focusSoon(m === 'phone' ? 'input[name=phone]' : 'input[name=code]');
      }
      return { mode, form, member, notFound, scanning, scanOk, canPaste, byPhone, byCode, onScanned, paste, setMode, t };
    },
    template: `
      <div class="m-body">
        <div class="cm-seg" role="tablist">
          <button type="button" role="tab" :aria-selected="mode === 'phone'" :class="{ on: mode === 'phone' }" @click="setMode('phone')" data-test="by-phone">
            <m-icon name="phone" :size="16" />{{ t('staff.look.byPhone') }}</button>
          <button type="button" role="tab" :aria-selected="mode === 'code'" :class="{ on: mode === 'code' }" @click="setMode('code')" data-test="by-code">
            <m-icon name="qr" :size="16" />{{ t('staff.look.byCode') }}</button>
        </div>
        <form v-if="mode === 'phone'" class="hh-form m-card m-card-pad" @submit.prevent="byPhone" novalidate data-test="lookup-phone">
          <hh-form-error :message="form.formError" />
          <phone-field :form="form" words="staff.reg" />
          <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="lookup">
            <m-icon name="search" />{{ t('staff.look.find') }}</button>
        </form>
        <form v-else class="hh-form m-card m-card-pad" @submit.prevent="byCode" novalidate data-test="lookup-code">
          <hh-form-error :message="form.formError" />
          <button v-if="scanOk" type="button" class="cm-scan-btn" @click="scanning = true" data-test="scan">
            <span><m-icon name="scan" :size="30" /></span><b>{{ t('staff.look.scan') }}</b><small>{{ t('staff.look.scanHint') }}</small>
          </button>
          <p v-else class="cm-noscan"><m-icon name="camera" :size="16" />{{ t('staff.look.noCamera') }}</p>
          <hh-field :label="t('staff.look.codeLabel')" :error="form.errors.code" name="code" :hint="t('staff.look.codeHint')">
            <div class="m-code">
              <input class="hh-input mono" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64"
                     placeholder="HHM:XXXXXXXX" v-model="form.values.code" />
              <button v-if="canPaste" type="button" class="hh-btn m-send" @click="paste"><m-icon name="clipboard" :size="16" />{{ t('staff.look.paste') }}</button>
            </div>
          </hh-field>
          <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="lookup">
            <m-icon name="search" />{{ t('staff.look.find') }}</button>
        </form>

        <template v-if="member">
          <div class="m-section-title">{{ t('staff.look.result') }}</div>
          <member-card :m="member" />
          <points-glance :points="member.points" />
          <div v-if="!member.mine" class="hh-alert hh-alert-info"><hh-icon name="info" /><span>{{ member.owner_staff_id ? t('staff.look.otherNote', { name: member.owner_staff_name || '' }) : t('staff.look.noOwnerNote') }}</span></div>
          <pickup-orders :member-id="member.id" />
        </template>
        <section v-else-if="notFound" class="m-card" data-test="not-member">
          <hh-empty icon="user" :title="t('staff.look.notFound')" :text="t('staff.look.notFoundText')">
            <a class="hh-btn hh-btn-primary" style="margin-top:14px" :href="'#/register?phone=' + encodeURIComponent(notFound)" data-test="register-this">
              <m-icon name="userPlus" />{{ t('staff.look.registerNow') }}</a>
          </hh-empty>
        </section>
        <qr-scanner :open="scanning" @code="onScanned" @close="scanning = false" />
      </div>`,
  };

  /* ------------------------------------------------------------- members */
  const MembersPage = {
    components: { MemberCard },
    setup() {
      const q = ref(route.query.q || '');
      const items = ref([]);
      const total = ref(0);
      const loading = ref(false);
      const error = ref('');
      const done = computed(() => items.value.length >= total.value);
      const open = ref(null);
      const sentinel = ref(null);
      const PAGE = 20;
      let seq = 0;

      async function load(reset) {
        if (loading.value && !reset) return;
        const my = ++seq;
        loading.value = true;
        error.value = '';
        try {
          const res = await api.get('/api/counter/members', { q: q.value.trim(), limit: PAGE, offset: reset ? 0 : items.value.length });
          if (my !== seq) return;
          items.value = reset ? res.items : items.value.concat(res.items);
          total.value = res.total;
          if (!q.value.trim()) state.myMembersTotal = res.total;
        } catch (e) {
          if (my === seq) error.value = e.message;
        } finally {
          if (my === seq) loading.value = false;
        }
      }
      let timer = null;
      watch(q, () => { clearTimeout(timer); timer = setTimeout(() => load(true), 250); });
      let io = null;
      onMounted(() => {
        load(true);
        if ('IntersectionObserver' in window) {
          io = new IntersectionObserver((es) => { if (es.some((e) => e.isIntersecting) && !done.value && !loading.value && !error.value) load(false); }, { rootMargin: '200px' });
          watch(sentinel, (el, old) => { if (old) io.unobserve(old); if (el) io.observe(el); }, { immediate: true });
        }
      });
      onBeforeUnmount(() => { io && io.disconnect(); clearTimeout(timer); });
      return { q, items, total, loading, error, done, open, sentinel, load, t, fmtDate, fmtNumber };
    },
    template: `
      <div class="m-body">
        <div class="cm-search hh-input-icon">
          <hh-icon name="search" :size="16" />
          <input class="hh-input" type="search" name="q" v-model="q" :placeholder="t('staff.mem.search')" enterkeyhint="search" />
        </div>
        <div class="m-section-title" data-test="members-total">{{ q.trim() ? t('staff.mem.found', { n: fmtNumber(total) }) : t('staff.mem.total', { n: fmtNumber(total) }) }}</div>
        <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
          <button type="button" class="hh-btn hh-btn-sm" style="margin-left:auto" @click="load(!items.length)">{{ t('common.retry') }}</button></div>
        <section class="m-card" v-if="items.length">
          <ul class="m-list" data-test="my-members">
            <li v-for="m in items" :key="m.id">
              <button type="button" class="m-li-btn" @click="open = m">
                <hh-avatar :name="m.name || m.phone_masked.slice(-2)" :size="42" />
                <div class="m-li-main">
                  <div class="m-li-title">{{ m.name || t('staff.card.noName') }} <m-lifecycle :value="m.lifecycle" /></div>
                  <div class="m-li-sub mono">{{ m.phone_masked }}</div>
                </div>
                <span class="m-li-value cm-li-date">{{ fmtDate(m.created_at) }}<small>{{ t('staff.mem.joined') }}</small></span>
              </button>
            </li>
          </ul>
        </section>
        <section v-else-if="!loading && !error" class="m-card">
          <hh-empty icon="user" :title="q.trim() ? t('common.noMatch') : t('staff.mem.empty')" :text="q.trim() ? '' : t('staff.mem.emptyText')">
            <a v-if="!q.trim()" class="hh-btn hh-btn-primary" style="margin-top:14px" href="#/register"><m-icon name="userPlus" />{{ t('staff.tile.register') }}</a>
          </hh-empty>
        </section>
        <div ref="sentinel" class="cm-more">
          <span v-if="loading" class="hh-spinner"></span>
          <button v-else-if="!done && items.length" type="button" class="hh-btn hh-btn-ghost" @click="load(false)" data-test="load-more">{{ t('staff.mem.more') }}</button>
          <span v-else-if="items.length" class="muted">{{ t('staff.mem.end') }}</span>
        </div>
        <hh-drawer :open="!!open" :title="open ? (open.name || open.phone_masked) : ''" @close="open = null">
          <member-card v-if="open" :m="open" />
        </hh-drawer>
      </div>`,
  };

  /* --------------------------------------------------- my counter QR */
  const CounterQr = {
    setup() {
      const tp = ref(null);
      const loaded = ref(false);
      const error = ref('');
      const big = ref(false);
      async function load() {
        const staffId = state.account && state.account.staff_id;
        if (!staffId) { loaded.value = true; return; }
        try {
          const res = await api.get('/api/touchpoints', { staff_id: staffId, limit: 50 });
          const list = (res.items || []).filter((x) => x.kind !== 'link');
          const rank = (x) => (x.state === 'active' ? 0 : 2) + (x.channel === 'counter' ? 0 : 1);
          list.sort((a, b) => rank(a) - rank(b) || b.created_at - a.created_at);
          tp.value = list[0] || null;
        } catch (e) {
          error.value = e.message;
        } finally {
          loaded.value = true;
        }
      }
      onMounted(load);
      const src = (scale) => tp.value ? `/api/touchpoints/${tp.value.id}/qr.svg?scale=${scale}` : '';
      return { tp, loaded, error, big, src, state, t, fmtNumber };
    },
    template: `
      <section class="m-card cm-qr" data-test="counter-qr">
        <div class="m-card-title">{{ t('staff.qr.title') }}
          <small v-if="tp">{{ t('staff.qr.scans', { n: fmtNumber(tp.scan_count || 0) }) }}</small></div>
        <div v-if="!loaded" class="cm-qr-empty"><span class="hh-spinner"></span></div>
        <div v-else-if="error" class="m-card-pad"><div class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span></div></div>
        <div v-else-if="tp" class="cm-qr-body">
          <button type="button" class="cm-qr-img" @click="big = true" :aria-label="t('staff.qr.show')">
            <img :src="src(6)" :alt="tp.name" data-test="counter-qr-img" />
          </button>
          <div class="cm-qr-info">
            <b>{{ tp.name }}</b>
            <p>{{ [tp.brand_name, tp.store_name].filter(Boolean).join(' · ') }}</p>
            <span v-if="tp.state !== 'active'" class="hh-tag hh-tag-danger">{{ t('staff.qr.state.' + tp.state) }}</span>
            <p class="cm-qr-tip">{{ t('staff.qr.tip') }}</p>
            <button type="button" class="hh-btn hh-btn-sm hh-btn-primary" @click="big = true" data-test="counter-qr-show"><m-icon name="expand" :size="15" />{{ t('staff.qr.show') }}</button>
          </div>
        </div>
        <div v-else class="cm-qr-none" data-test="counter-qr-none">
          <span class="cm-qr-none-icon"><m-icon name="qr" :size="26" /></span>
          <div><b>{{ t('staff.qr.none') }}</b><p>{{ t('staff.qr.noneText') }}</p></div>
        </div>
        <m-qr-full :open="big" :src="src(12)" :title="t('staff.qr.fullTitle')" :subtitle="tp ? [(state.me && state.me.name) || state.account.name, tp.store_name].filter(Boolean).join(' · ') : ''" @close="big = false" />
      </section>`,
  };

  return { RegisterPage, LookupPage, MembersPage, CounterQr };
}
