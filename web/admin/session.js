// session.js — who is signed in to the admin console, and what they may do.
//
// can(action) mirrors the role table of docs/api.md so the console hides what
// a role may not do. The server stays the judge: a 403 is still shown politely.

import { reactive } from 'vue';
import { api } from '/shared/api.js';
import { timeZone } from '/shared/format.js';

export const session = reactive({
  ready: false,
  account: null,
  enterprise: null,
});

export async function loadSession() {
  try {
    const me = await api.get('/api/auth/me', null, { silent401: true });
    setSession(me);
  } catch (e) {
    session.account = null;
    if (e.status !== 401) throw e;
  } finally {
    session.ready = true;
  }
}

export function setSession(me) {
  session.account = me.account || null;
  session.enterprise = me.enterprise || null;
  if (me.enterprise && me.enterprise.timezone) timeZone.value = me.enterprise.timezone;
}

export function clearSession() {
  session.account = null;
  session.enterprise = null;
}

export const role = () => (session.account ? session.account.role : null);

// Owner-only on members (HH_ACT_ADMIN on the server): 'member.merge',
// 'member.erase', 'member.unmask' (full phone, unmasked export).
const RULES = {
  owner: () => true,
  brand_manager: (action) => [
    'overview.view',
    'brand.view', 'brand.update',
    'store.view', 'store.create', 'store.update', 'store.archive',
    'staff.view', 'staff.create', 'staff.update', 'staff.archive',
    'account.view', 'account.create', 'account.update', 'account.archive',
    // members: read and edit, tags, ownership, imports; never merge/erase/unmask
    'member.view', 'member.update', 'member.transfer',
    'tag.view', 'tag.manage', 'import.view', 'import.create',
    // touchpoints and product codes of its brands
    'touchpoint.view', 'touchpoint.create', 'touchpoint.update',
    'product.view', 'product.create', 'alert.view', 'alert.update',
    // campaigns and coupons of its brands
    'campaign.view', 'campaign.manage', 'coupon.view', 'coupon.manage',
    // red envelopes and trial samples of its brands
    'envelope.view', 'envelope.manage', 'sample.view', 'sample.manage',
    // counter redemptions of its brands: see them, undo within the window
    'redemption.view', 'redemption.undo',
    // receipts of its brands (review, tiers) and store events
    'receipt.review', 'receipt.tiers', 'activity.view', 'activity.manage',
    // points: the ledger, adjustments and rules funded by its brands (levels and expiry: owner)
    'points.view', 'points.adjust', 'points.rules',
    // gift mall of its brands; referrals and star members (reviews are the owner's)
    'gift.view', 'gift.manage', 'referral.view',
    'lottery.view', 'lottery.manage',
  ].includes(action),
  staff: () => false,
};

export function can(action) {
  const r = role();
  return !!(r && RULES[r] && RULES[r](action));
}

// Roles the current account may give to a new account.
export function assignableRoles() {
  if (role() === 'owner') return ['owner', 'brand_manager', 'staff'];
  if (role() === 'brand_manager') return ['staff'];
  return [];
}
