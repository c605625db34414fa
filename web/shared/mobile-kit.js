// mobile-kit.js — pieces the staff app and the member H5 share on top of
// components.js: extra line icons (<m-icon>), the lifecycle badge, channel
// names, the SMS-code resend clock, a full-screen QR viewer, and the words
// they need (zh-CN first, en second).
//
// useMobileKit(app) registers the components; call it after useShared(app).

import { ref, reactive, computed, watch, onBeforeUnmount } from 'vue';
import { t, addMessages } from './i18n.js';
import { iconSvg } from './icons.js';

/* ------------------------------------------------------------------ icons */

const P = {
  qr: '<rect x="3.5" y="3.5" width="6.5" height="6.5" rx="1"/><rect x="14" y="3.5" width="6.5" height="6.5" rx="1"/><rect x="3.5" y="14" width="6.5" height="6.5" rx="1"/><path d="M14 14h2.5v2.5H14zM18 18h2.5v2.5H18zM14 18.5v2M18.5 14h2"/>',
  scan: '<path d="M4 8V5.5A1.5 1.5 0 0 1 5.5 4H8M16 4h2.5A1.5 1.5 0 0 1 20 5.5V8M20 16v2.5a1.5 1.5 0 0 1-1.5 1.5H16M8 20H5.5A1.5 1.5 0 0 1 4 18.5V16"/><path d="M4 12h16"/>',
  camera: '<path d="M4 8h3l1.6-2.4A1.5 1.5 0 0 1 9.8 5h4.4a1.5 1.5 0 0 1 1.2.6L17 8h3a1 1 0 0 1 1 1v9.5a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1z"/><circle cx="12" cy="13.5" r="3.5"/>',
  userPlus: '<circle cx="10" cy="8" r="4"/><path d="M3 21c.8-4.2 3.6-6.5 7-6.5 1.6 0 3 .5 4.2 1.4"/><path d="M18.5 14v6M15.5 17h6"/>',
  users: '<circle cx="9" cy="8" r="3.5"/><path d="M2.5 20c.8-3.6 3.4-5.5 6.5-5.5s5.7 1.9 6.5 5.5"/><path d="M16 4.5a3.5 3.5 0 0 1 0 7"/><path d="M18 14.8c1.9.7 3.1 2.4 3.5 5.2"/>',
  shield: '<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.4 7.5 9.5 4.3-1.1 7.5-4.9 7.5-9.5V6L12 3z"/><path d="m8.8 12 2.2 2.2 4.2-4.4"/>',
  shieldAlert: '<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.4 7.5 9.5 4.3-1.1 7.5-4.9 7.5-9.5V6L12 3z"/><path d="M12 8v4.5"/><circle cx="12" cy="15.8" r=".6" fill="currentColor"/>',
  shieldX: '<path d="M12 3 4.5 6v5.5c0 4.6 3.2 8.4 7.5 9.5 4.3-1.1 7.5-4.9 7.5-9.5V6L12 3z"/><path d="m9.5 9.5 5 5M14.5 9.5l-5 5"/>',
  sun: '<circle cx="12" cy="12" r="4"/><path d="M12 2.5v2M12 19.5v2M4.6 4.6 6 6M18 18l1.4 1.4M2.5 12h2M19.5 12h2M4.6 19.4 6 18M18 6l1.4-1.4"/>',
  clipboard: '<path d="M9 4H6.5A1.5 1.5 0 0 0 5 5.5v14A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5v-14A1.5 1.5 0 0 0 17.5 4H15"/><rect x="9" y="2.5" width="6" height="3.5" rx="1"/>',
  calendar: '<rect x="3.5" y="5" width="17" height="15.5" rx="2"/><path d="M3.5 10h17M8 3v4M16 3v4"/>',
  box: '<path d="M12 3 20 7.5v9L12 21l-8-4.5v-9L12 3z"/><path d="m4 7.5 8 4.5 8-4.5M12 12v9"/>',
  truck: '<path d="M3 6h11v10H3zM14 9.5h4l3 3.5v3h-7"/><circle cx="7" cy="17.5" r="1.8"/><circle cx="17.5" cy="17.5" r="1.8"/>',
  pin: '<path d="M12 21s-7-6.2-7-11.5a7 7 0 0 1 14 0C19 14.8 12 21 12 21z"/><circle cx="12" cy="9.5" r="2.5"/>',
  heart: '<path d="M12 20s-7.5-4.6-7.5-10A4.3 4.3 0 0 1 12 7.4 4.3 4.3 0 0 1 19.5 10c0 5.4-7.5 10-7.5 10z"/>',
  wechat: '<path d="M9.5 4C5.4 4 2.5 6.7 2.5 9.8c0 1.8.9 3.3 2.4 4.4l-.6 2.1 2.5-1.3c.8.2 1.7.4 2.7.4"/><path d="M21.5 14.2c0-2.7-2.6-4.8-5.8-4.8s-5.8 2.1-5.8 4.8 2.6 4.8 5.8 4.8c.7 0 1.4-.1 2-.3l2 1.1-.5-1.8c1.4-.9 2.3-2.3 2.3-3.8z"/>',
  gift: '<rect x="3.5" y="8" width="17" height="4" rx="1"/><path d="M5 12v8h14v-8"/><path d="M12 8v12"/><path d="M12 8c-1.5-3.5-6-3.8-6-1.5S9.5 8 12 8zM12 8c1.5-3.5 6-3.8 6-1.5S14.5 8 12 8z"/>',
  trash: '<path d="M4 7h16M9 7V4.5h6V7M6 7l1 13h10l1-13"/><path d="M10 11v5M14 11v5"/>',
  star: '<path d="m12 3.5 2.6 5.3 5.9.9-4.2 4.1 1 5.8-5.3-2.8-5.3 2.8 1-5.8-4.2-4.1 5.9-.9L12 3.5z"/>',
  expand: '<path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/>',
  sparkle: '<path d="M12 3c.6 3.8 2.2 5.6 6 6.3-3.8.7-5.4 2.5-6 6.3-.6-3.8-2.2-5.6-6-6.3 3.8-.7 5.4-2.5 6-6.3z"/>',
};

export function mIconSvg(name, size = 18) {
  if (!P[name]) return iconSvg(name, size);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">${P[name]}</svg>`;
}

/** <m-icon name="qr" /> — the icons above, falling back to <hh-icon>'s set. */
export const MIcon = {
  name: 'MIcon',
  props: { name: { type: String, required: true }, size: { type: [Number, String], default: 18 } },
  computed: { svg() { return mIconSvg(this.name, this.size); } },
  template: '<span class="hh-icon" v-html="svg"></span>',
};

/* -------------------------------------------------------------- lifecycle */

export const LIFECYCLE_TONE = {
  new: 'success', active: 'info', reactivated: 'primary', dormant: 'warn', churned: 'muted', merged: 'muted', erased: 'muted',
};

/** <m-lifecycle value="dormant" /> — a coloured badge for a member's lifecycle. */
export const MLifecycle = {
  name: 'MLifecycle',
  props: { value: String },
  setup() { return { t, LIFECYCLE_TONE }; },
  template: `<span v-if="value" class="m-lc" :class="'m-lc-' + (LIFECYCLE_TONE[value] || 'muted')" :data-lifecycle="value">{{ t('lifecycle.' + value) }}</span>`,
};

export const CHANNELS = ['counter', 'product', 'poster', 'article', 'moments_ad', 'kol', 'mini_program', 'referral', 'other'];
export const channelLabel = (c) => (CHANNELS.includes(c) ? t('channel.' + c) : (c || ''));

/* ------------------------------------------------------------ SMS clocks */

// One resend clock per phone number, kept for the whole page life, so that
// leaving a screen and coming back still shows the right countdown.
const now = ref(Date.now());
const clocks = reactive({});
let ticker = null;
function tick() {
  now.value = Date.now();
  if (!Object.values(clocks).some((u) => u > now.value)) { clearInterval(ticker); ticker = null; }
}
const phoneKey = (p) => String(p || '').replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');

/** Start (or restart) the resend clock of a phone for `ms` milliseconds. */
export function startClock(phone, ms) {
  clocks[phoneKey(phone)] = Date.now() + (ms || 60000);
  now.value = Date.now();
  if (!ticker) ticker = setInterval(tick, 250);
}

/** A computed number of seconds left before `phoneRef()` may get a new code. */
export function useResendClock(phoneRef) {
  return computed(() => {
    const until = clocks[phoneKey(phoneRef())] || 0;
    return Math.max(0, Math.ceil((until - now.value) / 1000));
  });
}

/** The seconds in a throttling message ("请 57 秒后再获取", "in 57 s"), or 0. */
export function retrySeconds(message) {
  const m = String(message || '').match(/(\d+)\s*(秒|s\b|sec)/i);
  return m ? Number(m[1]) : 0;
}

/** Loose check before asking the server (which has the last word). */
export const phoneLooksOk = (p) => /^\+?\d[\d\s-]{5,19}$/.test(String(p || '').trim());

/** "hhm:2egf dc0wy" → "HHM:2EGFDC0WY"; a bare code gets the prefix. */
export function normalizeMemberCode(text) {
  let s = String(text || '').trim().replace(/\s+/g, '');
  if (!s) return '';
  const m = s.match(/^hhm[:：]/i);
  if (m) s = s.slice(m[0].length);
  return 'HHM:' + s.toUpperCase();
}

/* ------------------------------------------------------ full-screen QR */

/**
 * <m-qr-full :open :src :title :subtitle :hint @close> — a QR code shown
 * large on white for someone else to scan. Keeps the screen awake while open
 * (Wake Lock API, where there is one) and reminds to turn the brightness up.
 */
export const MQrFull = {
  name: 'MQrFull',
  components: { MIcon },
  props: { open: Boolean, src: String, title: String, subtitle: String, hint: String },
  emits: ['close'],
  setup(props, { emit }) {
    let lock = null;
    async function wake(on) {
      try {
        if (on && 'wakeLock' in navigator) lock = await navigator.wakeLock.request('screen');
        else if (!on && lock) { await lock.release(); lock = null; }
      } catch (_) { /* not allowed here: fine */ }
    }
    watch(() => props.open, (v) => wake(v));
    const onKey = (e) => { if (e.key === 'Escape' && props.open) emit('close'); };
    document.addEventListener('keydown', onKey);
    onBeforeUnmount(() => { document.removeEventListener('keydown', onKey); wake(false); });
    return { t };
  },
  template: `
    <teleport to="body">
      <transition name="m-fade">
        <div v-if="open" class="m-qr-full" role="dialog" aria-modal="true" :aria-label="title" @click.self="$emit('close')">
          <div class="m-qr-full-card">
            <p class="m-qr-full-title">{{ title }}</p>
            <p v-if="subtitle" class="m-qr-full-sub">{{ subtitle }}</p>
            <img :src="src" :alt="title" class="m-qr-full-img" data-test="qr-full-img" />
            <p class="m-qr-full-hint"><m-icon name="sun" :size="16" />{{ hint || t('mkit.brightness') }}</p>
          </div>
          <button type="button" class="m-qr-full-close" @click="$emit('close')" :aria-label="t('common.close')"><m-icon name="close" :size="22" /></button>
        </div>
      </transition>
    </teleport>`,
};

export function useMobileKit(app) {
  app.component('MIcon', MIcon);
  app.component('MLifecycle', MLifecycle);
  app.component('MQrFull', MQrFull);
  return app;
}

addMessages({
  'zh-CN': {
    'lifecycle.new': '新会员',
    'lifecycle.active': '活跃',
    'lifecycle.reactivated': '已唤醒',
    'lifecycle.dormant': '沉睡',
    'lifecycle.churned': '流失',
    'lifecycle.merged': '已合并',
    'lifecycle.erased': '已注销',
    'channel.counter': '专柜',
    'channel.product': '产品包装',
    'channel.poster': '海报',
    'channel.article': '公众号文章',
    'channel.moments_ad': '朋友圈广告',
    'channel.kol': '达人推荐',
    'channel.mini_program': '小程序',
    'channel.referral': '好友推荐',
    'channel.other': '其他',
    'gender.male': '男',
    'gender.female': '女',
    'gender.unknown': '保密',
    'mkit.brightness': '请调高屏幕亮度，方便扫码',
  },
  en: {
    'lifecycle.new': 'New',
    'lifecycle.active': 'Active',
    'lifecycle.reactivated': 'Reactivated',
    'lifecycle.dormant': 'Dormant',
    'lifecycle.churned': 'Churned',
    'lifecycle.merged': 'Merged',
    'lifecycle.erased': 'Erased',
    'channel.counter': 'Counter',
    'channel.product': 'Product pack',
    'channel.poster': 'Poster',
    'channel.article': 'Article',
    'channel.moments_ad': 'Moments ad',
    'channel.kol': 'KOL',
    'channel.mini_program': 'Mini program',
    'channel.referral': 'Referral',
    'channel.other': 'Other',
    'gender.male': 'Male',
    'gender.female': 'Female',
    'gender.unknown': 'Prefer not to say',
    'mkit.brightness': 'Turn your screen brightness up for a quick scan',
  },
});
