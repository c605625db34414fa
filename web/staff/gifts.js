// gifts.js — gift-mall pickups at the counter: under a member found by look-up
// (phone or member QR), the gifts the member ordered for pickup, those at this
// store first; "交付" hands one over (the order is completed, once).

import { ref, watch } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { toast, confirmDialog } from '/shared/components.js';
import { fmtDateTime, fmtNumber } from '/shared/format.js';

addMessages({
  'zh-CN': {
    'staff.pickup.title': '待自提礼品', 'staff.pickup.none': '该会员没有待自提的礼品', 'staff.pickup.here': '本店自提',
    'staff.pickup.elsewhere': '在 {store} 自提', 'staff.pickup.hand': '交付', 'staff.pickup.ask': '确认已将「{gift}」× {n} 交给顾客？',
    'staff.pickup.done': '已交付「{gift}」', 'staff.pickup.points': '{n} 积分',
  },
  en: {
    'staff.pickup.title': 'Gifts to pick up', 'staff.pickup.none': 'No gifts waiting for this member', 'staff.pickup.here': 'At this store',
    'staff.pickup.elsewhere': 'At {store}', 'staff.pickup.hand': 'Hand over', 'staff.pickup.ask': 'Hand “{gift}” × {n} to the customer?',
    'staff.pickup.done': 'Handed over: {gift}', 'staff.pickup.points': '{n} points',
  },
});

export const PickupOrders = {
  props: { memberId: { type: Number, required: true } },
  setup(props) {
    const items = ref([]);
    const loading = ref(false);
    async function load() {
      loading.value = true;
      try { items.value = (await api.get('/api/counter/gift-orders', { member_id: props.memberId })).items || []; } catch (e) { toast.error(e.message); } finally { loading.value = false; }
    }
    watch(() => props.memberId, load, { immediate: true });
    async function hand(o) {
      const ok = await confirmDialog({ title: t('staff.pickup.hand'), message: t('staff.pickup.ask', { gift: o.gift_name, n: o.quantity }), okText: t('staff.pickup.hand') });
      if (!ok) return;
      try {
        await api.post(`/api/counter/gift-orders/${o.id}/handover`, {});
        toast.success(t('staff.pickup.done', { gift: o.gift_name }));
        load();
      } catch (e) { toast.error(e.message); }
    }
    return { items, loading, hand, t, fmtDateTime, fmtNumber };
  },
  template: `
    <section class="m-card" data-test="pickup-orders">
      <div class="m-card-title">{{ t('staff.pickup.title') }}<small v-if="items.length">{{ items.length }}</small></div>
      <p v-if="!loading && !items.length" class="m-footnote">{{ t('staff.pickup.none') }}</p>
      <ul v-else class="m-list">
        <li v-for="o in items" :key="o.id" class="cm-pickup">
          <span class="m-li-main"><b>{{ o.gift_name }} × {{ o.quantity }}</b><br />
            <small class="muted">{{ o.here ? t('staff.pickup.here') : t('staff.pickup.elsewhere', { store: o.store_name }) }} · {{ t('staff.pickup.points', { n: fmtNumber(o.points) }) }} · {{ fmtDateTime(o.created_at) }}</small></span>
          <button v-if="o.here" type="button" class="hh-btn hh-btn-primary hh-btn-sm" @click="hand(o)" data-test="handover">{{ t('staff.pickup.hand') }}</button>
        </li>
      </ul>
    </section>`,
};
