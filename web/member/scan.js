// scan.js — what a scan opens in the member H5.
//   #/t/<code>  a touchpoint (counter, poster, article…) after /s/<code>:
//               brand, store, promoter, then sign in → welcome → member centre.
//   #/p/<code>  a product code (一物一码) after /p/<code>: authenticity,
//               traceability, and a warning when one unit is scanned too often.
//   #/welcome   shown once after a sign-in that started from a scan: "welcome"
//               for a new member, "welcome back" for a known or reactivated one.
//
// scanScreens(state) → components bound to the app's state.

import { ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { navigate } from '/shared/router.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';
import { channelLabel } from '/shared/mobile-kit.js';

export function scanScreens(state) {
  /* ------------------------------------------------------------ touchpoint */
  const TouchpointPage = {
    props: { code: String },
    setup(props) {
      const tp = ref(null);
      const loading = ref(true);
      const invalid = ref(false);
      const error = ref('');
      async function load() {
        loading.value = true; invalid.value = false; error.value = '';
        if (!props.code || props.code === 'invalid') { invalid.value = true; loading.value = false; return; }
        try {
          tp.value = await api.get('/api/member/touchpoint/' + encodeURIComponent(props.code));
          state.touchpoint = tp.value;
        } catch (e) {
          if (e.status === 404 || e.status === 400) invalid.value = true;
          else error.value = e.message;
        } finally {
          loading.value = false;
        }
      }
      watch(() => props.code, load, { immediate: true });
      const live = computed(() => tp.value && tp.value.state === 'active');
      const loginHref = computed(() => '#/login?from=' + encodeURIComponent('t/' + props.code));
      // "上海市 · 上海市五角场路 100 号" → just the address when it starts with the city
      const storeLine = computed(() => {
        const st = tp.value && tp.value.store;
        if (!st) return '';
        const addr = st.address || '';
        return st.city && !addr.startsWith(st.city) ? [st.city, addr].filter(Boolean).join(' · ') : addr;
      });
      return { tp, loading, invalid, error, live, loginHref, storeLine, load, state, t, channelLabel };
    },
    template: `
      <div class="m-app mh-tp">
        <div v-if="loading" class="m-boot"><span class="hh-spinner"></span></div>

        <template v-else-if="invalid">
          <section class="mh-hero mh-hero-muted">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">活</span></div><hh-lang-switch compact /></div>
            <div class="mh-state-icon"><m-icon name="qr" :size="34" /></div>
            <h1 data-test="tp-invalid">{{ t('member.tp.invalidTitle') }}</h1>
            <p class="mh-hero-text">{{ t('member.tp.invalidText') }}</p>
            <div class="mh-hero-glow" aria-hidden="true"></div>
          </section>
          <div class="m-body mh-landing-body">
            <section class="m-card m-card-pad mh-tips">
              <h3 class="mh-section-h">{{ t('member.tp.invalidWhat') }}</h3>
              <ul><li>{{ t('member.tp.invalidTip1') }}</li><li>{{ t('member.tp.invalidTip2') }}</li></ul>
            </section>
            <a href="#/" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block">{{ state.member ? t('member.tp.goMe') : t('member.tp.goHome') }}</a>
          </div>
        </template>

        <div v-else-if="error" class="m-body" style="justify-content:center">
          <hh-empty icon="alert" :title="error"><button type="button" class="hh-btn" style="margin-top:12px" @click="load">{{ t('common.retry') }}</button></hh-empty>
        </div>

        <template v-else>
          <section class="mh-hero" :class="{ 'mh-hero-muted': !live }">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">{{ tp.brand.name.slice(0, 1) }}</span></div><hh-lang-switch compact /></div>
            <span class="mh-chip-light" data-test="tp-channel"><m-icon name="scan" :size="14" />{{ t('member.tp.via', { channel: channelLabel(tp.channel) }) }}</span>
            <h1 data-test="tp-brand">{{ tp.brand.name }}</h1>
            <p class="mh-hero-text" v-if="tp.brand.description">{{ tp.brand.description }}</p>
            <div class="mh-hero-glow" aria-hidden="true"></div>
          </section>
          <div class="m-body mh-landing-body">
            <div v-if="!live" class="hh-alert hh-alert-warn" data-test="tp-state" :data-state="tp.state">
              <hh-icon name="info" /><span>{{ t('member.tp.state.' + tp.state) }}</span></div>
            <section v-if="tp.staff || tp.store" class="m-card mh-host" data-test="tp-host">
              <div v-if="tp.staff" class="mh-host-staff">
                <hh-avatar :name="tp.staff.name" :size="52" />
                <div>
                  <b data-test="tp-staff">{{ t('member.tp.serving', { name: tp.staff.name }) }}</b>
                  <p>{{ t('member.tp.servingSub') }}</p>
                </div>
              </div>
              <div v-if="tp.store" class="mh-host-store">
                <span class="mh-host-pin"><m-icon name="pin" :size="18" /></span>
                <div>
                  <b data-test="tp-store">{{ tp.store.name }}</b>
                  <p>{{ storeLine }}</p>
                </div>
              </div>
            </section>
            <a v-if="tp.campaign_id && live" class="m-card tp-campaign" :href="'#/c/' + tp.campaign_id + '?tp=' + encodeURIComponent(code)" data-test="tp-campaign">
              <m-icon name="gift" :size="24" /><span><b>{{ t('tp.campaignCta') }}</b><small>{{ t('tp.campaignSub') }}</small></span><hh-icon name="chevronRight" :size="18" /></a>
            <section class="m-card m-card-pad mh-perks">
              <h3 class="mh-section-h">{{ t('member.tp.perksTitle') }}</h3>
              <ul>
                <li><span class="p1"><m-icon name="phone" :size="18" /></span><div><b>{{ t('member.tp.perk1') }}</b><p>{{ t('member.tp.perk1t') }}</p></div></li>
                <li><span class="p2"><m-icon name="qr" :size="18" /></span><div><b>{{ t('member.tp.perk2') }}</b><p>{{ t('member.tp.perk2t') }}</p></div></li>
                <li><span class="p3"><m-icon name="heart" :size="18" /></span><div><b>{{ t('member.tp.perk3') }}</b><p>{{ t('member.tp.perk3t') }}</p></div></li>
              </ul>
            </section>
            <div class="mh-cta mh-cta-sticky">
              <a v-if="state.member" href="#/me" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="tp-go-me">{{ t('member.tp.goMeAs', { phone: state.member.phone_masked }) }}</a>
              <a v-else :href="loginHref" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="tp-login">{{ t('member.tp.cta') }}</a>
              <p class="m-footnote">{{ t('member.landing.privacy') }}</p>
            </div>
          </div>
        </template>
      </div>`,
  };

  /* --------------------------------------------------------------- welcome */
  const WelcomePage = {
    setup() {
      const w = computed(() => state.welcome || { created: false, reactivated: false, touchpoint: null });
      const kind = computed(() => (w.value.created ? 'new' : w.value.reactivated ? 'reactivated' : 'back'));
      const brand = computed(() => (w.value.touchpoint ? w.value.touchpoint.brand.name : (state.context ? state.context.enterprise.name : t('app.name'))));
      function go() { state.welcome = null; navigate('/me'); }
      return { w, kind, brand, go, state, t };
    },
    template: `
      <div class="m-app mh-welcome" :class="'is-' + kind" data-test="welcome" :data-kind="kind">
        <div class="mh-welcome-top"><hh-lang-switch compact /></div>
        <div class="mh-welcome-art" aria-hidden="true">
          <span class="c1"></span><span class="c2"></span><span class="c3"></span>
          <div class="mh-welcome-badge"><m-icon :name="kind === 'new' ? 'gift' : kind === 'reactivated' ? 'sparkle' : 'heart'" :size="40" /></div>
        </div>
        <p class="mh-welcome-kicker">{{ kind === 'new' ? t('member.welcome.kickerNew') : t('member.welcome.kickerBack') }}</p>
        <h1 data-test="welcome-title">{{ kind === 'new' ? t('member.welcome.new', { brand }) : kind === 'reactivated' ? t('member.welcome.reactivated') : t('member.welcome.back') }}</h1>
        <p class="mh-welcome-text">{{ kind === 'new' ? t('member.welcome.newText') : kind === 'reactivated' ? t('member.welcome.reactivatedText') : t('member.welcome.backText') }}</p>
        <div v-if="w.touchpoint && w.touchpoint.staff" class="mh-welcome-host">
          <hh-avatar :name="w.touchpoint.staff.name" :size="40" />
          <div><b>{{ t('member.tp.serving', { name: w.touchpoint.staff.name }) }}</b>
            <p v-if="w.touchpoint.store">{{ w.touchpoint.store.name }}</p></div>
        </div>
        <div class="mh-welcome-foot">
          <button type="button" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" @click="go" data-test="welcome-go">{{ t('member.welcome.go') }}</button>
          <p class="m-footnote">{{ state.member ? state.member.phone_masked : '' }}</p>
        </div>
      </div>`,
  };

  /* --------------------------------------------------------------- product */
  const ProductPage = {
    props: { code: String },
    setup(props) {
      const p = ref(null);
      const loading = ref(true);
      const fake = ref(false);
      const fakeMsg = ref('');
      const error = ref('');
      async function load() {
        loading.value = true; fake.value = false; error.value = ''; fakeMsg.value = '';
        if (!props.code || props.code === 'invalid') { fake.value = true; loading.value = false; return; }
        try {
          p.value = await api.get('/api/member/product/' + encodeURIComponent(props.code));
        } catch (e) {
          if (e.status === 404 || e.status === 400) { fake.value = true; fakeMsg.value = e.message; }
          else error.value = e.message;
        } finally {
          loading.value = false;
        }
      }
      watch(() => props.code, load, { immediate: true });
      return { p, loading, fake, fakeMsg, error, load, state, t, fmtDate, fmtDateTime, fmtNumber };
    },
    template: `
      <div class="m-app mh-prod">
        <div v-if="loading" class="m-boot"><span class="hh-spinner"></span></div>

        <template v-else-if="fake">
          <section class="mh-hero mh-hero-danger" data-test="product-invalid">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">活</span></div><hh-lang-switch compact /></div>
            <div class="mh-state-icon"><m-icon name="shieldX" :size="38" /></div>
            <p class="mh-hero-kicker">{{ t('member.prod.checkResult') }}</p>
            <h1>{{ t('member.prod.fakeTitle') }}</h1>
            <p class="mh-hero-text">{{ t('member.prod.fakeText') }}</p>
          </section>
          <div class="m-body mh-landing-body">
            <section class="m-card m-card-pad mh-tips">
              <h3 class="mh-section-h">{{ t('member.prod.fakeWhat') }}</h3>
              <ul><li>{{ t('member.prod.fakeTip1') }}</li><li>{{ t('member.prod.fakeTip2') }}</li><li>{{ t('member.prod.fakeTip3') }}</li></ul>
            </section>
            <a href="#/" class="hh-btn hh-btn-lg hh-btn-block">{{ state.member ? t('member.tp.goMe') : t('member.tp.goHome') }}</a>
          </div>
        </template>

        <div v-else-if="error" class="m-body" style="justify-content:center">
          <hh-empty icon="alert" :title="error"><button type="button" class="hh-btn" style="margin-top:12px" @click="load">{{ t('common.retry') }}</button></hh-empty>
        </div>

        <template v-else>
          <section class="mh-hero" :class="p.warning ? 'mh-hero-warn' : 'mh-hero-ok'" data-test="product-authentic" :data-warning="p.warning ? 1 : 0">
            <div class="mh-hero-top"><div class="hh-logo"><span class="hh-logo-mark">{{ p.brand.name.slice(0, 1) }}</span></div><hh-lang-switch compact /></div>
            <div class="mh-state-icon"><m-icon :name="p.warning ? 'shieldAlert' : 'shield'" :size="38" /></div>
            <p class="mh-hero-kicker">{{ p.brand.name }}</p>
            <h1>{{ p.warning ? t('member.prod.warnTitle') : t('member.prod.okTitle') }}</h1>
            <p class="mh-hero-text">{{ p.warning ? t('member.prod.warnSub') : t('member.prod.okSub') }}</p>
          </section>
          <div class="m-body mh-landing-body">
            <div v-if="p.warning" class="mh-warn" data-test="product-warning" role="alert">
              <m-icon name="shieldAlert" :size="22" />
              <div><b>{{ t('member.prod.warnBox', { n: fmtNumber(p.scan_count) }) }}</b>
                <p>{{ t('member.prod.warnAdvice') }}</p></div>
            </div>
            <section class="m-card mh-prod-card">
              <div class="mh-prod-head">
                <span class="mh-prod-icon"><m-icon name="box" :size="24" /></span>
                <div><b data-test="product-name">{{ p.product }}</b><p v-if="p.sku">{{ p.sku }}</p></div>
                <span class="mh-genuine"><m-icon name="check" :size="13" />{{ t('member.prod.genuine') }}</span>
              </div>
              <dl class="hh-kv mh-prod-kv">
                <dt>{{ t('member.prod.brand') }}</dt><dd>{{ p.brand.name }}</dd>
                <dt>{{ t('member.prod.batch') }}</dt><dd class="mono" data-test="product-batch">{{ p.batch_no }}</dd>
                <dt>{{ t('member.prod.date') }}</dt><dd>{{ p.production_date || '—' }}</dd>
                <dt>{{ t('member.prod.distributor') }}</dt><dd>{{ p.distributor || '—' }}</dd>
                <dt>{{ t('member.prod.code') }}</dt><dd class="mono">{{ p.code || code }}</dd>
              </dl>
            </section>
            <section class="m-card mh-trace">
              <div class="mh-trace-count" :class="{ warn: p.warning }">
                <b data-test="scan-count">{{ fmtNumber(p.scan_count) }}</b><span>{{ t('member.prod.scans') }}</span>
              </div>
              <ul class="mh-trace-list">
                <li><m-icon name="clock" :size="16" /><span>{{ t('member.prod.firstAt') }}</span><b>{{ p.first_scan_at ? fmtDateTime(p.first_scan_at) : t('member.prod.thisIsFirst') }}</b></li>
                <li><m-icon name="pin" :size="16" /><span>{{ t('member.prod.firstCity') }}</span><b>{{ p.first_scan_city || t('member.prod.cityUnknown') }}</b></li>
              </ul>
            </section>
            <a :href="state.member ? '#/me' : '#/login'" class="hh-btn hh-btn-primary hh-btn-lg hh-btn-block" data-test="product-cta">{{ state.member ? t('member.tp.goMe') : t('member.prod.join') }}</a>
            <p class="m-footnote">{{ t('member.prod.foot') }}</p>
          </div>
        </template>
      </div>`,
  };

  return { TouchpointPage, WelcomePage, ProductPage };
}
