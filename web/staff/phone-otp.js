// phone-otp.js — "who is this customer?" by phone + the SMS one-time code the
// customer reads out, as the counter screens ask it: registering on the spot
// (counter.js) and redeeming (redeem.js). The checks, the send / resend with
// its clock, and the two fields are here; each screen names its words and its
// code field.
//
//   const otp = usePhoneOtp(form, OTP);          // in setup(), with useForm()
//   <phone-otp-fields :form="form" :otp="otp" />  // in the form
//
// checkPhone() and <phone-field> alone serve a look-up by phone (no code).
//
// OTP = { words, field, digits, maxlength, autocomplete, required, test }:
// the words are `${words}.phone`, `.phonePh`, `.needPhone`, `.badPhone`,
// `.sent`, `.send`, `.sending`, `.resend`, `.resendIn` and, after the code
// field's name (e.g. 'otp'): `.otp`, `.otpPh`, `.otpHint`, `.needOtp`, `.badOtp`;
// digits is the regexp quantifier of a valid code ('6', '4,8'); test is the
// data-test of the send button.

import { reactive, ref } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { applyError, toast } from '/shared/components.js';
import { startClock, useResendClock, retrySeconds, phoneLooksOk } from '/shared/mobile-kit.js';

/** Focus `sel` once the screen has rendered it. */
export const focusSoon = (sel) => setTimeout(() => { const el = document.querySelector(sel); el && el.focus(); }, 60);

const cap = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** The trimmed phone of form.values.phone, or null with `${words}.needPhone` / `.badPhone` under the field. */
export function checkPhone(form, words) {
  const phone = form.values.phone.trim();
  if (!phone) { form.errors.phone = t(words + '.needPhone'); return null; }
  if (!phoneLooksOk(phone)) { form.errors.phone = t(words + '.badPhone'); return null; }
  return phone;
}

/**
 * The phone + SMS code state of a form with `phone` and `cfg.field` values:
 * a reactive { cfg, left, sending, sentTo, checkPhone(), checkCode(), sendCode() }.
 * checkPhone / checkCode put their error under the field and return the
 * trimmed value, or null.
 */
export function usePhoneOtp(form, cfg) {
  const w = (k) => t(cfg.words + '.' + k);
  const codeRe = new RegExp('^\\d{' + cfg.digits + '}$');
  const sending = ref(false);
  const sentTo = ref('');

  const phoneOk = () => checkPhone(form, cfg.words);
  function checkCode() {
    const code = form.values[cfg.field].trim();
    if (!code) form.errors[cfg.field] = w('need' + cap(cfg.field));
    else if (!codeRe.test(code)) form.errors[cfg.field] = w('bad' + cap(cfg.field));
    return form.errors[cfg.field] ? null : code;
  }
  async function sendCode() {
    form.errors = {}; form.formError = '';
    const phone = phoneOk();
    if (!phone) return;
    sending.value = true;
    try {
      const res = await api.post('/api/counter/otp', { phone });
      startClock(phone, res && res.resend_after_ms);
      sentTo.value = phone;
      toast.success(w('sent'));
      focusSoon(`input[name=${cfg.field}]`);
    } catch (e) {
      applyError(form, e);
      if (e.status === 429) {
        const s = retrySeconds(e.message);
        if (s) startClock(phone, s * 1000);
        sentTo.value = phone;
      }
    } finally {
      sending.value = false;
    }
  }
  return reactive({ cfg, left: useResendClock(() => form.values.phone), sending, sentTo, checkPhone: phoneOk, checkCode, sendCode });
}

/** <phone-field :form words="staff.reg" :required /> — the customer's phone, +86 unless it starts with +. */
export const PhoneField = {
  props: { form: { type: Object, required: true }, words: { type: String, required: true }, required: Boolean },
  setup() { return { t }; },
  template: `
    <hh-field :label="t(words + '.phone')" :error="form.errors.phone" name="phone" :required="required">
      <div class="m-phone">
        <span class="m-cc" v-if="!form.values.phone.trim().startsWith('+')">+86</span>
        <input class="hh-input" name="phone" type="tel" inputmode="tel" autocomplete="off" maxlength="20"
               :placeholder="t(words + '.phonePh')" v-model="form.values.phone" />
      </div>
    </hh-field>`,
};

/** <phone-otp-fields :form :otp /> — the phone field and the code field with its send button. */
export const PhoneOtpFields = {
  components: { PhoneField },
  props: { form: { type: Object, required: true }, otp: { type: Object, required: true } },
  setup(props) {
    const w = (k, params) => t(props.otp.cfg.words + '.' + k, params);
    return { w };
  },
  template: `
    <phone-field :form="form" :words="otp.cfg.words" :required="otp.cfg.required" />
    <hh-field :label="w(otp.cfg.field)" :error="form.errors[otp.cfg.field]" :name="otp.cfg.field" :required="otp.cfg.required"
              :hint="otp.sentTo ? w(otp.cfg.field + 'Hint') : ''">
      <div class="m-code">
        <input class="hh-input" :name="otp.cfg.field" inputmode="numeric" :autocomplete="otp.cfg.autocomplete" :maxlength="otp.cfg.maxlength"
               :placeholder="w(otp.cfg.field + 'Ph')" v-model="form.values[otp.cfg.field]" />
        <button type="button" class="hh-btn m-send" :disabled="otp.left > 0 || otp.sending" @click="otp.sendCode" :data-test="otp.cfg.test">
          {{ otp.left > 0 ? w('resendIn', { s: otp.left }) : otp.sending ? w('sending') : otp.sentTo ? w('resend') : w('send') }}
        </button>
      </div>
    </hh-field>`,
};
