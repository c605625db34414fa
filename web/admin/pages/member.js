// Member detail (会员详情, #/members/:id): profile (editable), lifecycle,
// first/last touch, owner with reassignment and its history, bound identities,
// addresses, consents, tags and a timeline. The owner may also reveal the full
// phone (audited), merge two records and erase one (PIPL).

import { reactive, ref, computed, watch } from 'vue';
import { api } from '/shared/api.js';
import { t } from '/shared/i18n.js';
import { useForm, toast } from '/shared/components.js';
import { fmtDateTime, fmtDate } from '/shared/format.js';
import { route, navigate, match } from '/shared/router.js';
import { can } from '../session.js';
import { PageHead, searchDivisions, clean } from '../parts.js';
import {
  LifecycleBadge, ChannelTag, IDENTITY_KINDS, GENDERS, searchStaff, searchMembers, tagOptions, cityName,
} from '../crm.js';

// Timeline lines: "event" kinds and scan outcomes, in words.
export function timelineLabel(it) {
  if (it.type === 'scan') return t('tl.scan.' + (it.kind || 'ok'));
  const k = 'tl.' + it.kind;
  const s = t(k);
  return s === k ? it.kind : s;
}

export default {
  components: { PageHead, LifecycleBadge, ChannelTag },
  setup() {
    const id = computed(() => Number((match('/members/:id', route.path) || {}).id));
    const m = ref(null);
    const error = ref('');
    const city = ref('');
    const fullPhone = ref('');
    const timeline = reactive({ items: [], loading: false, more: false });
    const TL_PAGE = 20;

    async function load() {
      error.value = '';
      try {
        m.value = await api.get(`/api/members/${id.value}`);
        city.value = await cityName(m.value.city_code);
      } catch (e) { error.value = e.message; }
    }
    async function loadTimeline(more = false) {
      timeline.loading = true;
      try {
        const res = await api.get(`/api/members/${id.value}/timeline`, { limit: TL_PAGE, offset: more ? timeline.items.length : 0 });
        const items = (res && res.items) || [];
        timeline.items = more ? [...timeline.items, ...items] : items;
        timeline.more = items.length === TL_PAGE;
      } catch (_) { /* the card shows what it has */ } finally { timeline.loading = false; }
    }
    function reload() { load(); loadTimeline(); }
    reload();
    watch(id, () => { fullPhone.value = ''; reload(); });

    const live = computed(() => m.value && m.value.status === 'live');
    const lifecycle = computed(() => (m.value ? (m.value.status === 'live' ? m.value.lifecycle : m.value.status) : null));

    // full phone (owner; every read is audited by the server)
    async function revealPhone() {
      try {
        const full = await api.get(`/api/members/${id.value}`, { unmasked: 1 });
        fullPhone.value = full.phone || '';
      } catch (e) { toast.error(e.message); }
    }

    // profile
    const profile = reactive({ open: false });
    const profileForm = useForm({ name: '', gender: 'unknown', birthday: '', city_code: null });
    const cityChosen = ref([]);
    function openProfile() {
      const v = m.value;
      profileForm.reset({ name: v.name || '', gender: v.gender || 'unknown', birthday: v.birthday || '', city_code: v.city_code || null });
      cityChosen.value = v.city_code ? [{ value: v.city_code, label: city.value || v.city_code }] : [];
      profile.open = true;
    }
    async function saveProfile() {
      const v = clean(profileForm.values);
      const body = { name: v.name, gender: v.gender, birthday: v.birthday || null, city_code: v.city_code || null };
      const res = await profileForm.run(() => api.patch(`/api/members/${id.value}`, body));
      if (res) {
        m.value = res;
        city.value = await cityName(res.city_code);
        profile.open = false;
        toast.success(t('common.saved'));
        loadTimeline();
      }
    }

    // identities
    const idForm = useForm({ kind: 'wechat_openid', value: '' });
    async function addIdentity() {
      idForm.errors = {};
      if (!idForm.values.value.trim()) { idForm.errors.value = t('member.needIdentity'); return; }
      const res = await idForm.run(() => api.post(`/api/members/${id.value}/identities`, { kind: idForm.values.kind, value: idForm.values.value.trim() }));
      if (res) {
        toast.success(t('member.identityAdded'));
        idForm.values.value = '';
        load();
      }
    }
    async function removeIdentity(x) {
      try {
        await api.del(`/api/member-identities/${x.id}`);
        toast.success(t('member.identityRemoved'));
        load();
      } catch (e) { toast.error(e.message); }
    }

    // owner
    const owner = reactive({ open: false });
    const ownerForm = useForm({ staff_id: null, reason: '' });
    function openOwner() { ownerForm.reset({ staff_id: null, reason: '' }); owner.open = true; }
    async function saveOwner() {
      const v = clean(ownerForm.values);
      ownerForm.errors = {};
      if (!v.staff_id) ownerForm.errors.staff_id = t('member.needStaff');
      if (!v.reason) ownerForm.errors.reason = t('member.needReason');
      if (Object.keys(ownerForm.errors).length) return;
      const res = await ownerForm.run(() => api.post(`/api/members/${id.value}/owner`, v));
      if (res) { m.value = res; owner.open = false; toast.success(t('member.ownerChanged', { name: res.owner_staff_name || '' })); }
    }

    // tags on this member (manual ones can be added and removed here)
    const manualTags = ref([]);
    tagOptions('manual').then((o) => { manualTags.value = o; }).catch(() => {});
    const tagPick = ref(null);
    const addableTags = computed(() => manualTags.value.filter((o) => !(m.value && (m.value.tags || []).some((x) => x.id === o.value))));
    async function addTag(tagId) {
      if (!tagId) return;
      try {
        await api.post(`/api/tags/${tagId}/members`, { member_ids: [id.value] });
        tagPick.value = null;
        load();
      } catch (e) { toast.error(e.message); }
    }
    async function removeTag(tag) {
      try {
        await api.post(`/api/tags/${tag.id}/members/remove`, { member_ids: [id.value] });
        load();
      } catch (e) { toast.error(e.message); }
    }

    // merge (owner)
    const merge = reactive({ open: false, other: null, survivor: 'this' });
    const mergeForm = useForm({ other_id: null, reason: '' });
    const searchOther = (q) => searchMembers(q, { exclude: id.value });
    function openMerge() { mergeForm.reset({ other_id: null, reason: '' }); merge.other = null; merge.survivor = 'this'; merge.open = true; }
    function onOther(v) {
      merge.other = null;
      if (v) api.get(`/api/members/${v}`).then((x) => { merge.other = x; }).catch(() => {});
    }
    async function doMerge() {
      const v = clean(mergeForm.values);
      mergeForm.errors = {};
      if (!v.other_id) mergeForm.errors.other_id = t('member.needOther');
      if (!v.reason) mergeForm.errors.reason = t('member.needReason');
      if (Object.keys(mergeForm.errors).length) return;
      const body = merge.survivor === 'this'
        ? { survivor_id: id.value, merged_id: v.other_id, reason: v.reason }
        : { survivor_id: v.other_id, merged_id: id.value, reason: v.reason };
      const res = await mergeForm.run(() => api.post('/api/members/merge', body));
      if (res) {
        merge.open = false;
        toast.success(t('member.merged'));
        if (res.id !== id.value) navigate('/members/' + res.id); else reload();
      }
    }

    // erase (owner; typed confirmation)
    const erase = reactive({ open: false });
    const eraseForm = useForm({ reason: '', confirm: '' });
    const eraseWord = computed(() => t('member.eraseWord'));
    function openErase() { eraseForm.reset({ reason: '', confirm: '' }); erase.open = true; }
    async function doErase() {
      const v = clean(eraseForm.values);
      eraseForm.errors = {};
      if (!v.reason) eraseForm.errors.reason = t('member.needReason');
      if (v.confirm !== eraseWord.value) eraseForm.errors.confirm = t('member.eraseMismatch', { word: eraseWord.value });
      if (Object.keys(eraseForm.errors).length) return;
      const res = await eraseForm.run(() => api.post(`/api/members/${id.value}/erase`, { reason: v.reason }));
      if (res) { erase.open = false; toast.success(t('member.erased')); reload(); }
    }

    const ownerReason = (r) => {
      if (r === 'first owner: registered at the counter') return t('member.reason.counter');
      if (r === 'first owner: staff of the first touch') return t('member.reason.firstTouch');
      return r;
    };
    const tlIcon = (it) => (it.type === 'scan' ? 'scan' : ({
      'member.registered': 'user', 'member.reactivated': 'bolt', 'member.merged': 'merge', 'product.scan': 'box',
      'member.consent_changed': 'shield', 'member.profile_updated': 'edit',
    })[it.kind] || 'spark');
    const propsText = (p) => {
      if (!p || typeof p !== 'object') return '';
      const parts = [];
      if (p.via) parts.push(t('via.' + p.via));
      if (p.merged_id) parts.push(t('member.mergedFrom', { id: p.merged_id }));
      for (const [k, v] of Object.entries(p)) if (!['via', 'merged_id'].includes(k) && v !== null && typeof v !== 'object') parts.push(`${k}: ${v}`);
      return parts.join(' · ');
    };
    return {
      id, m, error, city, fullPhone, live, lifecycle, timeline, loadTimeline, revealPhone,
      profile, profileForm, cityChosen, openProfile, saveProfile, searchDivisions, GENDERS,
      idForm, addIdentity, removeIdentity, IDENTITY_KINDS,
      owner, ownerForm, openOwner, saveOwner, searchStaff,
      manualTags, addableTags, tagPick, addTag, removeTag,
      merge, mergeForm, searchOther, openMerge, onOther, doMerge,
      erase, eraseForm, eraseWord, openErase, doErase,
      ownerReason, tlIcon, timelineLabel, propsText, load, can, t, fmtDateTime, fmtDate,
    };
  },
  template: `
    <div class="page member-page">
      <a class="back-link" href="#/members"><hh-icon name="arrowLeft" :size="16" /> {{ t('member.back') }}</a>
      <div v-if="error" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ error }}</span>
        <button type="button" class="hh-btn hh-btn-link" @click="load">{{ t('common.retry') }}</button></div>
      <div v-else-if="!m" class="hh-card hh-card-pad"><span class="hh-spinner"></span> {{ t('common.loading') }}</div>
      <template v-else>
        <section class="hh-card member-hero">
          <hh-avatar :name="m.name || '?'" :size="64" />
          <div class="member-hero-main">
            <h1 data-test="member-name">{{ m.name || t('member.noName') }} <lifecycle-badge :value="lifecycle" /></h1>
            <div class="member-hero-phone">
              <span class="mono" data-test="phone">{{ fullPhone || m.phone_masked || '—' }}</span>
              <template v-if="live && can('member.unmask')">
                <button v-if="!fullPhone" type="button" class="hh-btn hh-btn-link" @click="revealPhone" data-test="reveal"><hh-icon name="eye" :size="15" /> {{ t('member.reveal') }}</button>
                <span class="audit-note"><hh-icon name="audit" :size="13" /> {{ fullPhone ? t('member.revealedAudited') : t('member.revealAudited') }}</span>
              </template>
            </div>
            <div class="member-hero-meta">
              <span><hh-icon name="calendar" :size="14" /> {{ t('member.registeredAt') }} {{ fmtDateTime(m.created_at) }} · {{ t('via.' + m.registered_via) }}</span>
              <span><hh-icon name="clock" :size="14" /> {{ t('member.lastActive') }} {{ fmtDateTime(m.last_active_at) }}</span>
            </div>
            <div class="hh-tags member-tags" data-test="member-tags">
              <span v-for="x in m.tags || []" :key="x.id" class="hh-tag" :class="x.kind === 'rule' ? 'hh-tag-info' : 'hh-tag-primary'">
                {{ x.name }}<button v-if="x.kind === 'manual' && live && can('tag.manage')" type="button" class="tag-x" :aria-label="t('common.clear')" @click="removeTag(x)"><hh-icon name="close" :size="11" /></button></span>
              <hh-select v-if="live && can('tag.manage') && addableTags.length" class="tag-add" v-model="tagPick" :options="addableTags" :placeholder="'+ ' + t('member.addTag')" :clearable="false" name="add-tag" @change="addTag" />
            </div>
          </div>
          <div class="member-hero-actions" v-if="live">
            <button v-if="can('member.update')" type="button" class="hh-btn" @click="openProfile" data-test="edit-profile"><hh-icon name="edit" /> {{ t('member.editProfile') }}</button>
            <button v-if="can('member.merge')" type="button" class="hh-btn" @click="openMerge" data-test="merge"><hh-icon name="merge" /> {{ t('member.merge') }}</button>
            <button v-if="can('member.erase')" type="button" class="hh-btn hh-btn-danger-ghost" @click="openErase" data-test="erase"><hh-icon name="trash" /> {{ t('member.erase') }}</button>
          </div>
        </section>
        <div v-if="m.status === 'merged'" class="hh-alert hh-alert-warn" data-test="merged-note"><hh-icon name="merge" />
          <span>{{ t('member.mergedInto') }} <a :href="'#/members/' + m.merged_into">#{{ m.merged_into }}</a></span></div>
        <div v-if="m.status === 'erased'" class="hh-alert hh-alert-warn" data-test="erased-note"><hh-icon name="shield" /><span>{{ t('member.erasedNote') }}</span></div>

        <div class="member-grid">
          <div class="member-col">
            <section class="hh-card" data-card="profile">
              <div class="hh-card-head"><h3>{{ t('member.profile') }}</h3>
                <button v-if="live && can('member.update')" type="button" class="hh-btn hh-btn-link" @click="openProfile">{{ t('common.edit') }}</button></div>
              <dl class="hh-kv hh-card-pad">
                <dt>{{ t('member.name') }}</dt><dd data-test="profile-name">{{ m.name || '—' }}</dd>
                <dt>{{ t('member.gender') }}</dt><dd>{{ t('gender.' + (m.gender || 'unknown')) }}</dd>
                <dt>{{ t('member.birthday') }}</dt><dd>{{ m.birthday || '—' }}</dd>
                <dt>{{ t('member.city') }}</dt><dd data-test="profile-city">{{ city || m.city_code || '—' }}</dd>
                <dt>{{ t('member.memberId') }}</dt><dd class="mono">#{{ m.id }}</dd>
              </dl>
            </section>

            <section class="hh-card" data-card="owner">
              <div class="hh-card-head"><h3>{{ t('member.owner') }}</h3>
                <button v-if="live && can('member.update')" type="button" class="hh-btn hh-btn-link" @click="openOwner" data-test="reassign">{{ t('member.reassign') }}</button></div>
              <div class="hh-card-pad owner-now">
                <template v-if="m.owner_staff_id || m.owner_store_id">
                  <hh-avatar :name="m.owner_staff_name || '?'" :size="40" />
                  <div><b data-test="owner-name">{{ m.owner_staff_name || '—' }}</b><div class="cell-sub">{{ m.owner_store_name }}</div></div>
                </template>
                <span v-else class="muted">{{ t('member.noOwner') }}</span>
              </div>
              <ul class="mini-timeline" v-if="(m.owner_history || []).length" data-test="owner-history">
                <li v-for="h in m.owner_history" :key="h.id">
                  <div><b>{{ h.from_staff_name ? h.from_staff_name + ' → ' : '' }}{{ h.to_staff_name || '—' }}</b></div>
                  <div class="cell-sub">{{ fmtDateTime(h.at) }} · {{ ownerReason(h.reason) }}</div>
                </li>
              </ul>
            </section>

            <section class="hh-card" data-card="attribution">
              <div class="hh-card-head"><h3>{{ t('member.attribution') }}</h3></div>
              <div class="touch-pair hh-card-pad">
                <div class="touch-box">
                  <div class="touch-label">{{ t('member.firstTouch') }}</div>
                  <template v-if="m.first_touchpoint_id"><channel-tag :value="m.first_channel" /><div class="cell-main">{{ m.first_touchpoint_name }}</div><div class="cell-sub">{{ fmtDateTime(m.first_touch_at) }}</div></template>
                  <div v-else class="muted">{{ t('member.noTouch') }}</div>
                </div>
                <div class="touch-box">
                  <div class="touch-label">{{ t('member.lastTouch') }}</div>
                  <template v-if="m.last_touchpoint_id"><channel-tag :value="m.last_channel" /><div class="cell-main">{{ m.last_touchpoint_name }}</div><div class="cell-sub">{{ fmtDateTime(m.last_touch_at) }}</div></template>
                  <div v-else class="muted">{{ t('member.noTouch') }}</div>
                </div>
              </div>
            </section>

            <section class="hh-card" data-card="consents">
              <div class="hh-card-head"><h3>{{ t('member.consents') }}</h3></div>
              <div class="consent-list hh-card-pad">
                <div v-for="c in ['sms', 'wechat']" :key="c" class="consent-row" :data-consent="c">
                  <span class="consent-name">{{ t('member.consent.' + c) }}</span>
                  <span class="hh-tag" :class="m['consent_' + c] ? 'hh-tag-success' : ''">{{ m['consent_' + c] ? t('member.granted') : t('member.notGranted') }}</span>
                  <span class="cell-sub" v-if="m['consent_' + c + '_at']">{{ fmtDateTime(m['consent_' + c + '_at']) }} · {{ t('member.source') }} {{ m['consent_' + c + '_source'] ? t('via.' + m['consent_' + c + '_source']) : '—' }}</span>
                </div>
              </div>
            </section>
          </div>

          <div class="member-col">
            <section class="hh-card" data-card="identities">
              <div class="hh-card-head"><h3>{{ t('member.identities') }}</h3><span class="muted">{{ t('member.identitiesHint') }}</span></div>
              <table class="mini-table" v-if="(m.identities || []).length">
                <tr v-for="x in m.identities" :key="x.id" :data-identity="x.value">
                  <td><span class="hh-tag">{{ t('idkind.' + x.kind) }}</span></td>
                  <td class="mono">{{ x.value }}</td>
                  <td class="muted nowrap">{{ fmtDate(x.created_at) }}</td>
                  <td class="right"><button v-if="live && can('member.update')" type="button" class="hh-btn hh-btn-link danger" @click="removeIdentity(x)">{{ t('member.unbind') }}</button></td>
                </tr>
              </table>
              <p v-else class="hh-card-pad muted">{{ t('member.noIdentities') }}</p>
              <form v-if="live && can('member.update')" class="identity-form" @submit.prevent="addIdentity" novalidate data-test="identity-form">
                <hh-form-error :message="idForm.formError" />
                <div class="identity-row">
                  <hh-field :error="idForm.errors.kind" name="kind">
                    <select class="hh-native-select" v-model="idForm.values.kind" name="kind">
                      <option v-for="k in IDENTITY_KINDS" :key="k" :value="k">{{ t('idkind.' + k) }}</option>
                    </select>
                  </hh-field>
                  <hh-field :error="idForm.errors.value" name="value">
                    <input class="hh-input mono" v-model="idForm.values.value" :placeholder="t('member.identityPh')" maxlength="128" name="value" />
                  </hh-field>
                  <button type="submit" class="hh-btn hh-btn-primary" :disabled="idForm.busy" data-test="add-identity"><hh-icon name="plus" /> {{ t('member.bind') }}</button>
                </div>
              </form>
            </section>

            <section class="hh-card" data-card="addresses">
              <div class="hh-card-head"><h3>{{ t('member.addresses') }}</h3></div>
              <ul class="address-list" v-if="(m.addresses || []).length">
                <li v-for="a in m.addresses" :key="a.id">
                  <div><b>{{ a.name }}</b> <span class="mono muted">{{ a.phone_masked || a.phone }}</span> <span v-if="a.is_default" class="hh-tag hh-tag-primary">{{ t('member.defaultAddress') }}</span></div>
                  <div class="cell-sub">{{ [a.province, a.city, a.district, a.detail].filter(Boolean).join(' ') }}</div>
                </li>
              </ul>
              <p v-else class="hh-card-pad muted">{{ t('member.noAddresses') }}</p>
            </section>

            <section class="hh-card" data-card="timeline">
              <div class="hh-card-head"><h3>{{ t('member.timeline') }}</h3>
                <button type="button" class="hh-icon-btn" :title="t('common.retry')" @click="loadTimeline()"><hh-icon name="refresh" /></button></div>
              <ol class="timeline" v-if="timeline.items.length" data-test="timeline">
                <li v-for="it in timeline.items" :key="it.type + it.id" :class="'tl-' + it.type" :data-kind="it.kind">
                  <span class="tl-dot"><hh-icon :name="tlIcon(it)" :size="14" /></span>
                  <div class="tl-body">
                    <div class="tl-title">{{ timelineLabel(it) }} <channel-tag v-if="it.channel" :value="it.channel" /></div>
                    <div class="cell-sub">{{ fmtDateTime(it.at) }}<template v-if="it.touchpoint_name"> · {{ it.touchpoint_name }}</template><template v-if="propsText(it.props)"> · {{ propsText(it.props) }}</template></div>
                  </div>
                </li>
              </ol>
              <p v-else-if="!timeline.loading" class="hh-card-pad muted">{{ t('member.noTimeline') }}</p>
              <div class="tl-more" v-if="timeline.more"><button type="button" class="hh-btn hh-btn-sm" :disabled="timeline.loading" @click="loadTimeline(true)">{{ t('member.loadMore') }}</button></div>
            </section>
          </div>
        </div>
      </template>

      <hh-drawer :open="profile.open" :title="t('member.editProfile')" :subtitle="m ? m.phone_masked : ''" width="480px" @close="profile.open = false">
        <form class="hh-form" id="profile-form" @submit.prevent="saveProfile" novalidate>
          <hh-form-error :message="profileForm.formError" />
          <hh-field :label="t('member.name')" :error="profileForm.errors.name" name="name">
            <input class="hh-input" v-model="profileForm.values.name" maxlength="50" />
          </hh-field>
          <hh-field :label="t('member.gender')" :error="profileForm.errors.gender" name="gender">
            <div class="seg">
              <label v-for="g in GENDERS" :key="g" class="seg-item" :class="{ active: profileForm.values.gender === g }">
                <input type="radio" :value="g" v-model="profileForm.values.gender" /> {{ t('gender.' + g) }}</label>
            </div>
          </hh-field>
          <hh-field :label="t('member.birthday')" :error="profileForm.errors.birthday" :hint="t('member.birthdayHint')" name="birthday">
            <input class="hh-input" v-model="profileForm.values.birthday" placeholder="1990-05-06" maxlength="10" />
          </hh-field>
          <hh-field :label="t('member.city')" :error="profileForm.errors.city_code" name="city_code">
            <hh-select v-model="profileForm.values.city_code" :remote="searchDivisions" :selected-options="cityChosen" :placeholder="t('store.cityPh')" name="city_code" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="profile.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="profile-form" class="hh-btn hh-btn-primary" :disabled="profileForm.busy" data-test="save">{{ t('common.save') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="owner.open" :title="t('member.reassign')" :subtitle="m ? t('member.reassignSub', { name: m.owner_staff_name || t('member.noOwner') }) : ''" width="480px" @close="owner.open = false">
        <form class="hh-form" id="owner-form" @submit.prevent="saveOwner" novalidate>
          <hh-form-error :message="ownerForm.formError" />
          <hh-field :label="t('member.newOwner')" :error="ownerForm.errors.staff_id" :hint="t('member.newOwnerHint')" name="staff_id" required>
            <hh-select v-model="ownerForm.values.staff_id" :remote="searchStaff" :placeholder="t('member.pickStaff')" name="staff_id" :invalid="!!ownerForm.errors.staff_id" />
          </hh-field>
          <hh-field :label="t('member.reason')" :error="ownerForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" v-model="ownerForm.values.reason" :placeholder="t('member.reasonPh')" maxlength="200"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="owner.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="owner-form" class="hh-btn hh-btn-primary" :disabled="ownerForm.busy" data-test="save">{{ t('member.reassignGo') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="merge.open" :title="t('member.merge')" :subtitle="t('member.mergeSub')" width="560px" @close="merge.open = false">
        <form class="hh-form" id="merge-form" @submit.prevent="doMerge" novalidate>
          <hh-form-error :message="mergeForm.formError" />
          <div class="hh-alert hh-alert-warn"><hh-icon name="alert" /><span>{{ t('member.mergeWarn') }}</span></div>
          <hh-field :label="t('member.mergeOther')" :error="mergeForm.errors.other_id" :hint="t('member.mergeOtherHint')" name="other_id" required>
            <hh-select v-model="mergeForm.values.other_id" :remote="searchOther" :placeholder="t('member.search')" name="other_id" @change="onOther" :invalid="!!mergeForm.errors.other_id" />
          </hh-field>
          <hh-field :label="t('member.survivor')" name="survivor">
            <div class="merge-cards">
              <label class="role-card" :class="{ active: merge.survivor === 'this' }" data-survivor="this">
                <input type="radio" value="this" v-model="merge.survivor" />
                <b>{{ m && (m.name || t('member.noName')) }}</b><small class="mono">{{ m && m.phone_masked }} · #{{ m && m.id }}</small>
                <small>{{ t('member.registeredAt') }} {{ m && fmtDate(m.created_at) }}</small></label>
              <label class="role-card" :class="{ active: merge.survivor === 'other', disabled: !mergeForm.values.other_id }" data-survivor="other">
                <input type="radio" value="other" v-model="merge.survivor" :disabled="!mergeForm.values.other_id" />
                <template v-if="merge.other"><b>{{ merge.other.name || t('member.noName') }}</b><small class="mono">{{ merge.other.phone_masked }} · #{{ merge.other.id }}</small>
                  <small>{{ t('member.registeredAt') }} {{ fmtDate(merge.other.created_at) }}</small></template>
                <small v-else>{{ t('member.pickOtherFirst') }}</small></label>
            </div>
          </hh-field>
          <p class="merge-summary" v-if="merge.other">{{ t('member.mergeSummary', {
            gone: merge.survivor === 'this' ? (merge.other.name || merge.other.phone_masked) : (m.name || m.phone_masked),
            keep: merge.survivor === 'this' ? (m.name || m.phone_masked) : (merge.other.name || merge.other.phone_masked) }) }}</p>
          <hh-field :label="t('member.reason')" :error="mergeForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" v-model="mergeForm.values.reason" :placeholder="t('member.mergeReasonPh')" maxlength="200"></textarea>
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="merge.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="merge-form" class="hh-btn hh-btn-danger" :disabled="mergeForm.busy" data-test="save">{{ t('member.mergeGo') }}</button>
        </template>
      </hh-drawer>

      <hh-drawer :open="erase.open" :title="t('member.erase')" :subtitle="t('member.eraseSub')" width="500px" @close="erase.open = false">
        <form class="hh-form" id="erase-form" @submit.prevent="doErase" novalidate>
          <hh-form-error :message="eraseForm.formError" />
          <div class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ t('member.eraseWarn') }}</span></div>
          <hh-field :label="t('member.reason')" :error="eraseForm.errors.reason" name="reason" required>
            <textarea class="hh-textarea" v-model="eraseForm.values.reason" :placeholder="t('member.eraseReasonPh')" maxlength="200"></textarea>
          </hh-field>
          <hh-field :label="t('member.eraseConfirm', { word: eraseWord })" :error="eraseForm.errors.confirm" name="confirm" required>
            <input class="hh-input" v-model="eraseForm.values.confirm" :placeholder="eraseWord" autocomplete="off" />
          </hh-field>
        </form>
        <template #footer>
          <button type="button" class="hh-btn" @click="erase.open = false">{{ t('common.cancel') }}</button>
          <button type="submit" form="erase-form" class="hh-btn hh-btn-danger" :disabled="eraseForm.busy || eraseForm.values.confirm.trim() !== eraseWord" data-test="save">{{ t('member.eraseGo') }}</button>
        </template>
      </hh-drawer>
    </div>`,
};
