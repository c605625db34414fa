// points.js — the member's points on the H5 (我的积分, #/points): the balance
// and what expires next, daily check-in with the streak, the level with the
// way to the next one and every level's benefits, the lots with their expiry
// dates, the history, and the ways to earn. PointsEntry is the card the member
// centre shows, linking here.

import { ref, computed, onMounted } from 'vue';
import { api } from '/shared/api.js';
import { t, addMessages } from '/shared/i18n.js';
import { toast } from '/shared/components.js';
import { fmtDate, fmtDateTime, fmtNumber } from '/shared/format.js';
import { loadStylesheet } from '/shared/css.js';

loadStylesheet('/m/points.css');

addMessages({
  'zh-CN': {
    'mp.title': '我的积分',
    'mp.available': '可用积分',
    'mp.expiring': '{date} 将有 {n} 积分过期',
    'mp.noExpiring': '暂无即将过期的积分',
    'mp.earned': '累计获得',
    'mp.spent': '累计使用',
    'mp.checkin': '每日签到',
    'mp.checkinGo': '签到 +{n}',
    'mp.checkinDone': '今日已签到',
    'mp.checkinOff': '签到活动暂未开放',
    'mp.streak': '已连续签到 {n} 天',
    'mp.streakNone': '每天签到领积分，明天再来也算',
    'mp.checkedIn': '签到成功，获得 {n} 积分',
    'mp.level': '会员等级',
    'mp.levelNone': '暂未开通会员等级',
    'mp.toNext': '再获得 {n} 积分升级为 {name}',
    'mp.toNextSpend': '再消费 ¥{n} 升级为 {name}',
    'mp.top': '您已是最高等级',
    'mp.basisPoints': '近 {days} 天获得 {n} 积分',
    'mp.basisSpend': '近 {days} 天消费 ¥{n}',
    'mp.review': '{date} 评定保级',
    'mp.benefits': '等级权益',
    'mp.allLevels': '全部等级',
    'mp.threshold': '{n} 积分',
    'mp.thresholdSpend': '消费 ¥{n}',
    'mp.multiplier': '积分 {x} 倍',
    'mp.current': '当前',
    'mp.coupons': '升级礼：{names}',
    'mp.lots': '积分有效期',
    'mp.lotsHint': '先到期的积分先使用',
    'mp.lotLeft': '剩 {n}',
    'mp.lotOf': '共 {n}',
    'mp.expires': '{date} 到期',
    'mp.never': '永久有效',
    'mp.noLots': '还没有积分，签到或消费即可获得',
    'mp.history': '积分明细',
    'mp.noHistory': '还没有积分记录',
    'mp.more': '加载更多',
    'mp.ways': '赚积分',
    'mp.way.spend': '每消费 ¥{unit} 得 {n} 积分',
    'mp.way.action': '+{n} 积分',
    'mp.way.mult': '{x} 倍积分',
    'mp.until': '{date} 截止',
    'mp.kind.earn': '获得', 'mp.kind.spend': '使用', 'mp.kind.refund': '退回', 'mp.kind.expire': '过期',
    'mp.kind.adjust': '调整', 'mp.kind.reversal': '更正', 'mp.kind.transfer': '合并转入',
    'mp.src.register': '注册会员', 'mp.src.profile': '完善资料', 'mp.src.checkin': '每日签到', 'mp.src.referral': '邀请好友',
    'mp.src.event': '参加活动', 'mp.src.receipt': '上传小票', 'mp.src.purchase': '消费', 'mp.src.admin': '客服调整',
    'mp.src.expiry': '积分到期', 'mp.src.reversal': '积分更正', 'mp.src.merge': '账户合并', 'mp.src.refund': '退回',
    'mp.src.mall': '积分兑换', 'mp.src.mall_cancel': '兑换取消', 'mp.src.lottery': '积分抽奖',
    'mp.act.register': '注册会员', 'mp.act.profile': '完善资料', 'mp.act.checkin': '每日签到', 'mp.act.referral': '邀请好友注册',
    'mp.act.event': '参加门店活动', 'mp.act.receipt': '上传小票', 'mp.act.spend': '消费', 'mp.act.any': '全部',
    'mp.entry': '我的积分',
    'mp.entryGo': '明细',
    'mp.profileAwarded': '资料已保存，完善资料获得 {n} 积分',
    'mp.loadError': '积分加载失败',
  },
  en: {
    'mp.title': 'My points',
    'mp.available': 'Available points',
    'mp.expiring': '{n} points expire on {date}',
    'mp.noExpiring': 'No points expiring soon',
    'mp.earned': 'Earned',
    'mp.spent': 'Used',
    'mp.checkin': 'Daily check-in',
    'mp.checkinGo': 'Check in +{n}',
    'mp.checkinDone': 'Checked in today',
    'mp.checkinOff': 'Check-in is not offered now',
    'mp.streak': '{n} days in a row',
    'mp.streakNone': 'Check in every day for points',
    'mp.checkedIn': 'Checked in: +{n} points',
    'mp.level': 'Level',
    'mp.levelNone': 'No levels yet',
    'mp.toNext': '{n} more points to {name}',
    'mp.toNextSpend': '¥{n} more to {name}',
    'mp.top': 'You are at the top level',
    'mp.basisPoints': '{n} points earned in {days} days',
    'mp.basisSpend': '¥{n} spent in {days} days',
    'mp.review': 'Reviewed on {date}',
    'mp.benefits': 'Benefits',
    'mp.allLevels': 'All levels',
    'mp.threshold': '{n} points',
    'mp.thresholdSpend': '¥{n} spent',
    'mp.multiplier': '× {x} points',
    'mp.current': 'Now',
    'mp.coupons': 'Welcome gift: {names}',
    'mp.lots': 'Expiry',
    'mp.lotsHint': 'Points that expire first are used first',
    'mp.lotLeft': '{n} left',
    'mp.lotOf': 'of {n}',
    'mp.expires': 'expires {date}',
    'mp.never': 'never expires',
    'mp.noLots': 'No points yet: check in or shop to earn some',
    'mp.history': 'History',
    'mp.noHistory': 'No points yet',
    'mp.more': 'More',
    'mp.ways': 'Ways to earn',
    'mp.way.spend': '{n} points per ¥{unit}',
    'mp.way.action': '+{n} points',
    'mp.way.mult': '× {x} points',
    'mp.until': 'until {date}',
    'mp.kind.earn': 'Earned', 'mp.kind.spend': 'Used', 'mp.kind.refund': 'Returned', 'mp.kind.expire': 'Expired',
    'mp.kind.adjust': 'Adjusted', 'mp.kind.reversal': 'Corrected', 'mp.kind.transfer': 'Merged in',
    'mp.src.register': 'Joined', 'mp.src.profile': 'Profile completed', 'mp.src.checkin': 'Daily check-in', 'mp.src.referral': 'Referral',
    'mp.src.event': 'Event', 'mp.src.receipt': 'Receipt', 'mp.src.purchase': 'Purchase', 'mp.src.admin': 'Service adjustment',
    'mp.src.expiry': 'Expiry', 'mp.src.reversal': 'Correction', 'mp.src.merge': 'Accounts merged', 'mp.src.refund': 'Returned',
    'mp.src.mall': 'Gift redemption', 'mp.src.mall_cancel': 'Redemption cancelled', 'mp.src.lottery': 'Lottery',
    'mp.act.register': 'Join', 'mp.act.profile': 'Complete your profile', 'mp.act.checkin': 'Daily check-in', 'mp.act.referral': 'Invite a friend',
    'mp.act.event': 'Attend a store event', 'mp.act.receipt': 'Upload a receipt', 'mp.act.spend': 'Shop', 'mp.act.any': 'Everything',
    'mp.entry': 'My points',
    'mp.entryGo': 'Details',
    'mp.profileAwarded': 'Profile saved: +{n} points for completing it',
    'mp.loadError': 'Could not load your points',
  },
});

const label = (prefix, k) => {
  const v = t(prefix + k);
  return v === prefix + k ? k : v;
};
const signed = (n) => (n > 0 ? '+' : '') + fmtNumber(n);

/* shared state: one load for the card and the page */
const data = ref(null);
const loadError = ref('');
/** Reload the member's points (e.g. after an award elsewhere on the page). */
export async function loadPoints() {
  loadError.value = '';
  try { data.value = await api.get('/api/member/points'); } catch (e) { loadError.value = e.message; }
}

const checking = ref(false);
async function checkin() {
  if (checking.value) return;
  checking.value = true;
  try {
    const res = await api.post('/api/member/points/checkin');
    toast.success(t('mp.checkedIn', { n: res.points }));
    await loadPoints();
    return res;
  } catch (e) {
    toast.error(e.message);
    await loadPoints();
    return null;
  } finally {
    checking.value = false;
  }
}

/** The card in the member centre. */
export const PointsEntry = {
  setup() {
    onMounted(loadPoints);
    const level = computed(() => data.value && data.value.level);
    return { data, level, checkin, checking, t, fmtNumber, fmtDate };
  },
  template: `
    <section class="m-card mp-entry" data-test="points-entry">
      <a class="mp-entry-main" href="#/points">
        <span class="mp-entry-icon"><m-icon name="gift" :size="20" /></span>
        <span class="mp-entry-text"><small>{{ t('mp.entry') }}</small>
          <b data-test="points-balance">{{ data ? fmtNumber(data.balance) : '…' }}</b></span>
        <span v-if="level && level.current" class="mp-level-chip">{{ level.current.name }}</span>
        <span class="mp-entry-go">{{ t('mp.entryGo') }}<hh-icon name="chevronRight" :size="16" /></span>
      </a>
      <div v-if="data && data.checkin.points !== null" class="mp-entry-foot">
        <span class="muted">{{ data.checkin.streak ? t('mp.streak', { n: data.checkin.streak }) : t('mp.streakNone') }}</span>
        <button v-if="!data.checkin.today" type="button" class="hh-btn hh-btn-sm hh-btn-primary" :disabled="checking" @click="checkin" data-test="entry-checkin">{{ t('mp.checkinGo', { n: data.checkin.points }) }}</button>
        <span v-else class="mp-done"><hh-icon name="check" :size="14" />{{ t('mp.checkinDone') }}</span>
      </div>
    </section>`,
};

/** #/points */
export const PointsPage = {
  setup() {
    const history = ref([]);
    const historyTotal = ref(0);
    const historyLoading = ref(false);
    async function loadHistory(more = false) {
      historyLoading.value = true;
      try {
        const res = await api.get('/api/member/points/history', { limit: 20, offset: more ? history.value.length : 0 });
        history.value = more ? [...history.value, ...res.items] : res.items;
        historyTotal.value = res.total;
      } catch (e) { toast.error(e.message); } finally { historyLoading.value = false; }
    }
    onMounted(() => { loadPoints(); loadHistory(); });
    async function doCheckin() { if (await checkin()) loadHistory(); }

    const level = computed(() => data.value && data.value.level);
    const spendBasis = computed(() => level.value && level.value.basis === 'spend');
    const money = (fen) => fmtNumber(Math.round(fen) / 100);
    const progress = computed(() => {
      const l = level.value;
      if (!l || !l.next) return 100;
      const from = l.current ? l.current.threshold : 0;
      return Math.max(4, Math.min(100, Math.round(((l.basis_value - from) / Math.max(1, l.next.threshold - from)) * 100)));
    });
    const ways = computed(() => (data.value ? data.value.earn_ways : []).map((w) => {
      if (w.kind === 'spend') return { key: 'spend-' + w.name, title: w.brand_name ? w.brand_name + ' · ' + t('mp.act.spend') : t('mp.act.spend'), value: t('mp.way.spend', { unit: String((w.unit_fen || 100) / 100), n: w.points }), icon: 'gift' };
      if (w.kind === 'multiplier') return { key: 'mult-' + w.name, title: w.name, value: t('mp.way.mult', { x: String(w.multiplier_pct / 100) }), icon: 'sparkle', until: w.ends_at };
      return { key: 'act-' + w.action + (w.brand_id || ''), title: label('mp.act.', w.action) + (w.brand_name ? ' · ' + w.brand_name : ''), value: t('mp.way.action', { n: w.points }), icon: w.action === 'checkin' ? 'calendar' : w.action === 'referral' ? 'users' : 'star' };
    }));
    return {
      data, loadError, loadPoints, level, spendBasis, money, progress, ways, history, historyTotal, historyLoading, loadHistory,
      checking, doCheckin, label, signed, t, fmtNumber, fmtDate, fmtDateTime,
    };
  },
  template: `
    <div class="m-app mp-page">
      <header class="m-header">
        <a class="m-header-left hh-icon-btn" href="#/me" :aria-label="t('common.back')"><hh-icon name="chevronLeft" :size="22" /></a>
        <h1>{{ t('mp.title') }}</h1>
        <span class="m-header-right"><hh-lang-switch compact /></span>
      </header>
      <div class="m-body">
        <div v-if="loadError" class="hh-alert hh-alert-error"><hh-icon name="alert" /><span>{{ t('mp.loadError') }}：{{ loadError }}</span>
          <button type="button" class="hh-btn hh-btn-link" @click="loadPoints">{{ t('common.retry') }}</button></div>
        <div v-else-if="!data" class="m-boot"><span class="hh-spinner"></span></div>
        <template v-else>
          <section class="mp-hero" data-test="points-hero">
            <small>{{ t('mp.available') }}</small>
            <b data-test="balance">{{ fmtNumber(data.balance) }}</b>
            <p class="mp-hero-exp" :class="{ warn: data.next_expiry }" data-test="next-expiry">
              <hh-icon name="clock" :size="14" />{{ data.next_expiry ? t('mp.expiring', { n: fmtNumber(data.next_expiry.points), date: fmtDate(data.next_expiry.at) }) : t('mp.noExpiring') }}</p>
            <div class="mp-hero-totals"><span>{{ t('mp.earned') }} <b>{{ fmtNumber(data.earned_total) }}</b></span><span>{{ t('mp.spent') }} <b>{{ fmtNumber(data.spent_total) }}</b></span></div>
          </section>

          <section class="m-card m-card-pad mp-checkin" data-test="checkin">
            <div><div class="mp-checkin-title"><m-icon name="calendar" :size="18" />{{ t('mp.checkin') }}</div>
              <div class="muted">{{ data.checkin.points === null ? t('mp.checkinOff') : data.checkin.streak ? t('mp.streak', { n: data.checkin.streak }) : t('mp.streakNone') }}</div></div>
            <button v-if="data.checkin.points !== null && !data.checkin.today" type="button" class="hh-btn hh-btn-primary" :disabled="checking" @click="doCheckin" data-test="checkin-btn">{{ t('mp.checkinGo', { n: data.checkin.points }) }}</button>
            <span v-else-if="data.checkin.today" class="mp-done" data-test="checked-in"><hh-icon name="check" :size="16" />{{ t('mp.checkinDone') }}</span>
          </section>

          <section class="m-card mp-level" data-test="level">
            <div class="m-card-title">{{ t('mp.level') }}<small v-if="level && level.review_at">{{ t('mp.review', { date: fmtDate(level.review_at) }) }}</small></div>
            <div class="m-card-pad" v-if="level && level.levels.length">
              <div class="mp-level-now"><span class="mp-level-badge" data-test="level-name">{{ level.current ? level.current.name : '—' }}</span>
                <span class="muted">{{ spendBasis ? t('mp.basisSpend', { n: money(level.basis_value), days: level.window_days }) : t('mp.basisPoints', { n: fmtNumber(level.basis_value), days: level.window_days }) }}</span></div>
              <div class="mp-progress"><span :style="{ width: progress + '%' }"></span></div>
              <p class="mp-next" data-test="level-next">{{ level.next ? (spendBasis ? t('mp.toNextSpend', { n: money(level.next.needed), name: level.next.name }) : t('mp.toNext', { n: fmtNumber(level.next.needed), name: level.next.name })) : t('mp.top') }}</p>
              <ul class="mp-levels">
                <li v-for="l in level.levels" :key="l.id" :class="{ on: level.current && level.current.id === l.id }" :data-level="l.name">
                  <div class="mp-levels-head"><b>{{ l.name }}</b>
                    <span class="muted">{{ spendBasis ? t('mp.thresholdSpend', { n: money(l.threshold) }) : t('mp.threshold', { n: fmtNumber(l.threshold) }) }}</span>
                    <span v-if="level.current && level.current.id === l.id" class="hh-tag hh-tag-primary">{{ t('mp.current') }}</span></div>
                  <p v-if="l.benefits">{{ l.benefits }}</p>
                  <p class="mp-levels-extra">
                    <span v-if="l.earn_multiplier_pct > 100">{{ t('mp.multiplier', { x: String(l.earn_multiplier_pct / 100) }) }}</span>
                    <span v-if="l.coupon_templates && l.coupon_templates.length">{{ t('mp.coupons', { names: l.coupon_templates.map((c) => c.name).join('、') }) }}</span></p>
                </li>
              </ul>
            </div>
            <p v-else class="m-card-pad muted">{{ t('mp.levelNone') }}</p>
          </section>

          <section class="m-card" data-test="lots">
            <div class="m-card-title">{{ t('mp.lots') }}<small>{{ t('mp.lotsHint') }}</small></div>
            <ul class="m-list" v-if="data.lots.length">
              <li v-for="l in data.lots" :key="l.id" :data-lot="l.id">
                <span class="m-li-icon"><m-icon name="gift" /></span>
                <div class="m-li-main"><div class="m-li-title">{{ label('mp.src.', l.source) }}</div>
                  <div class="m-li-sub">{{ fmtDate(l.earned_at) }} · {{ l.expires_at ? t('mp.expires', { date: fmtDate(l.expires_at) }) : t('mp.never') }}</div></div>
                <div class="mp-lot-n"><b>{{ t('mp.lotLeft', { n: fmtNumber(l.remaining) }) }}</b><small v-if="l.remaining !== l.points">{{ t('mp.lotOf', { n: fmtNumber(l.points) }) }}</small></div>
              </li>
            </ul>
            <p v-else class="m-card-pad muted">{{ t('mp.noLots') }}</p>
          </section>

          <section class="m-card" data-test="history">
            <div class="m-card-title">{{ t('mp.history') }}</div>
            <ul class="m-list" v-if="history.length">
              <li v-for="h in history" :key="h.id" :data-kind="h.kind">
                <div class="m-li-main"><div class="m-li-title">{{ label('mp.src.', h.source) }}<span class="mp-kind">{{ label('mp.kind.', h.kind) }}</span></div>
                  <div class="m-li-sub">{{ fmtDateTime(h.at) }}<template v-if="h.reason"> · {{ h.reason }}</template></div></div>
                <b class="mp-delta" :class="h.points > 0 ? 'pos' : 'neg'">{{ signed(h.points) }}</b>
              </li>
            </ul>
            <p v-else-if="!historyLoading" class="m-card-pad muted">{{ t('mp.noHistory') }}</p>
            <div v-if="history.length < historyTotal" class="m-card-pad"><button type="button" class="hh-btn hh-btn-block" :disabled="historyLoading" @click="loadHistory(true)" data-test="more">{{ t('mp.more') }}</button></div>
          </section>

          <section class="m-card" v-if="ways.length" data-test="ways">
            <div class="m-card-title">{{ t('mp.ways') }}</div>
            <ul class="m-list">
              <li v-for="w in ways" :key="w.key"><span class="m-li-icon"><m-icon :name="w.icon" /></span>
                <div class="m-li-main"><div class="m-li-title">{{ w.title }}</div><div v-if="w.until" class="m-li-sub">{{ t('mp.until', { date: fmtDate(w.until) }) }}</div></div>
                <span class="m-li-value mp-way">{{ w.value }}</span></li>
            </ul>
          </section>
        </template>
      </div>
    </div>`,
};
