// scanner.js — the one camera QR scanner of the staff app, used by every
// screen that scans (look a member up, event check-in, 核销).
//
// The camera goes through a small adapter: the browser's BarcodeDetector where
// there is one (Chromium on Android), otherwise jsQR (npm "jsqr", vendored at
// /vendor/jsqr/jsQR.js) on video frames (Safari on iOS, Firefox). So scanning
// is offered wherever the camera API (getUserMedia) exists; without it, codes
// are typed or pasted.
//
//   canScan()        → true when the browser can open the camera
//   createQrReader() → Promise<{engine, detect(video) → Promise<string|null>} | null>
//   <qr-scanner :open words="staff.scan" test="scanner" @code="text" @close>

import { ref, watch, onBeforeUnmount, nextTick } from 'vue';
import { t } from '/shared/i18n.js';

export const canScan = () => !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);

let jsqrPromise = null;
function loadJsQr() {
  if (window.jsQR) return Promise.resolve(window.jsQR);
  if (!jsqrPromise) {
    jsqrPromise = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/vendor/jsqr/jsQR.js';
      s.async = true;
      s.onload = () => resolve(window.jsQR || null);
      s.onerror = () => { jsqrPromise = null; resolve(null); };
      document.head.appendChild(s);
    });
  }
  return jsqrPromise;
}

async function nativeReader() {
  if (typeof window.BarcodeDetector !== 'function') return null;
  try {
    const formats = window.BarcodeDetector.getSupportedFormats ? await window.BarcodeDetector.getSupportedFormats() : ['qr_code'];
    if (!formats.includes('qr_code')) return null;
    const d = new window.BarcodeDetector({ formats: ['qr_code'] });
    return { engine: 'native', detect: async (v) => ((await d.detect(v)).find((x) => x.rawValue) || {}).rawValue || null };
  } catch (_) {
    return null; // fall back to jsQR
  }
}

async function jsqrReader() {
  const jsQR = await loadJsQr();
  if (!jsQR) return null;
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    engine: 'jsqr',
    detect: async (v) => {
      const w = v.videoWidth, h = v.videoHeight;
      if (!w || !h) return null;
      const scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
      const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      const hit = jsQR(img.data, img.width, img.height, { inversionAttempts: 'dontInvert' });
      return hit && hit.data ? hit.data : null;
    },
  };
}

/**
 * A QR reader for <video> frames: {engine: 'native'|'jsqr', detect(video) →
 * Promise<string|null>}, or null when this browser has no camera API or can
 * neither detect nor decode QR codes (jsQR did not load).
 */
export async function createQrReader() {
  if (!canScan()) return null;
  return (await nativeReader()) || jsqrReader();
}

/**
 * <qr-scanner :open @code="text" @close> — the phone camera, full screen;
 * emits the first QR text it reads. `words` names the message keys
 * (`<words>.title`, `.tip`, `.denied`, `.failed`), `test` the data-test of
 * the dialog.
 */
export const QrScanner = {
  props: {
    open: Boolean,
    words: { type: String, default: 'staff.scan' },
    test: { type: String, default: 'scanner' },
  },
  emits: ['code', 'close'],
  setup(props, { emit }) {
    const video = ref(null);
    const error = ref('');
    let stream = null;
    let timer = null;
    let run = 0; // a newer start (or a stop) ends the older one
    async function start() {
      stop();
      const mine = ++run;
      error.value = '';
      try {
        const reader = await createQrReader();
        if (!reader) throw new Error('no QR reader');
        const s = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (mine !== run) { s.getTracks().forEach((x) => x.stop()); return; }
        stream = s;
        await nextTick();
        if (!video.value) { stop(); return; }
        video.value.srcObject = stream;
        await video.value.play();
        const loop = async () => {
          if (mine !== run || !stream) return;
          try {
            const text = await reader.detect(video.value);
            if (text && mine === run) { stop(); emit('code', text); return; }
          } catch (_) { /* the frame was not ready */ }
          if (mine === run) timer = setTimeout(loop, 200);
        };
        loop();
      } catch (e) {
        if (mine !== run) return;
        stop();
        error.value = t(props.words + (e && e.name === 'NotAllowedError' ? '.denied' : '.failed'));
      }
    }
    function stop() {
      run++;
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((x) => x.stop());
      stream = null;
    }
    watch(() => props.open, (v) => (v ? start() : stop()), { immediate: true });
    onBeforeUnmount(stop);
    return { video, error, t };
  },
  template: `
    <teleport to="body">
      <div v-if="open" class="cm-scan" role="dialog" aria-modal="true" :aria-label="t(words + '.title')" :data-test="test">
        <video ref="video" playsinline muted></video>
        <div class="cm-scan-frame"><span></span></div>
        <p class="cm-scan-tip">{{ error || t(words + '.tip') }}</p>
        <button type="button" class="hh-btn hh-btn-lg cm-scan-close" @click="$emit('close')">{{ t('common.cancel') }}</button>
      </div>
    </teleport>`,
};
