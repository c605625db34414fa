// points.js — a member's points at a glance in the staff app's counter
// lookup: the balance and the level (the lookup answer carries them).

import { t, addMessages } from '/shared/i18n.js';
import { fmtNumber } from '/shared/format.js';

addMessages({
  'zh-CN': { 'sp.points': '可用积分', 'sp.level': '会员等级', 'sp.noLevel': '—' },
  en: { 'sp.points': 'Points', 'sp.level': 'Level', 'sp.noLevel': '—' },
});

export const PointsGlance = {
  props: { points: Object },
  setup() { return { t, fmtNumber }; },
  template: `
    <section v-if="points" class="m-card sp-glance" data-test="points-glance">
      <div class="sp-cell"><small>{{ t('sp.points') }}</small><b data-test="glance-balance">{{ fmtNumber(points.balance) }}</b></div>
      <div class="sp-cell"><small>{{ t('sp.level') }}</small><b data-test="glance-level">{{ points.level ? points.level.name : t('sp.noLevel') }}</b></div>
    </section>`,
};

if (!document.querySelector('style[data-points-glance]')) {
  const style = document.createElement('style');
  style.dataset.pointsGlance = '1';
  style.textContent = `
    .sp-glance { display: flex; padding: 12px 6px; }
    .sp-glance .sp-cell { flex: 1; display: flex; flex-direction: column; align-items: center; gap: 2px; }
    .sp-glance .sp-cell + .sp-cell { border-left: 1px solid var(--hh-line-2); }
    .sp-glance small { color: var(--hh-ink-3); font-size: 12.5px; }
    .sp-glance b { font-size: 20px; color: var(--hh-primary-600); font-variant-numeric: tabular-nums; }`;
  document.head.appendChild(style);
}
