// i18n.js — the language of every Huohua web app.
//
// zh-CN is the first language, en the second. Dictionaries are flat objects of
// dotted keys ("store.city") per language; each app adds its own with
// addMessages(). The chosen language lives in localStorage ("hh.lang") and is
// shared by the three apps on one origin. t() reads a reactive ref, so every
// template re-renders when the language changes.

import { ref, watch } from 'vue';

export const LANGS = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
];

const STORAGE_KEY = 'hh.lang';
const dict = { 'zh-CN': {}, en: {} };

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && dict[saved]) return saved;
  } catch (_) { /* storage disabled: fall back to Chinese */ }
  return 'zh-CN';
}

export const lang = ref(initialLang());

watch(lang, (v) => {
  try { localStorage.setItem(STORAGE_KEY, v); } catch (_) { /* ignore */ }
  document.documentElement.lang = v;
}, { immediate: true });

export function setLang(code) {
  if (dict[code]) lang.value = code;
}

export function addMessages(messages) {
  for (const code of Object.keys(messages)) {
    Object.assign(dict[code] || (dict[code] = {}), messages[code]);
  }
}

// t('store.count', {n: 3}) → "3 家门店"; a missing key shows itself, so it is
// noticed rather than rendered as an empty string.
export function t(key, params) {
  const s = dict[lang.value][key] ?? dict['zh-CN'][key] ?? key;
  if (!params) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (params[k] ?? m));
}

// Tests and reviewers can check both dictionaries cover the same keys.
export function missingKeys() {
  const zh = Object.keys(dict['zh-CN']);
  const en = Object.keys(dict.en);
  return {
    en: zh.filter((k) => !(k in dict.en)),
    'zh-CN': en.filter((k) => !(k in dict['zh-CN'])),
  };
}

// The strings every app uses.
addMessages({
  'zh-CN': {
    'app.name': '活化',
    'app.tagline': '会员活化平台',
    'common.save': '保存',
    'common.cancel': '取消',
    'common.confirm': '确定',
    'common.create': '新建',
    'common.edit': '编辑',
    'common.archive': '归档',
    'common.archived': '已归档',
    'common.close': '关闭',
    'common.search': '搜索',
    'common.searchPlaceholder': '输入关键字搜索',
    'common.all': '全部',
    'common.none': '无',
    'common.actions': '操作',
    'common.loading': '加载中…',
    'common.empty': '暂无数据',
    'common.noMatch': '没有匹配的结果',
    'common.retry': '重试',
    'common.showArchived': '显示已归档',
    'common.required': '必填',
    'common.optional': '选填',
    'common.saved': '已保存',
    'common.created': '已创建',
    'common.archivedDone': '已归档',
    'common.logout': '退出登录',
    'common.language': '语言',
    'common.back': '返回',
    'common.total': '共 {n} 条',
    'common.perPage': '{n} 条/页',
    'common.prev': '上一页',
    'common.next': '下一页',
    'common.select': '请选择',
    'common.selected': '已选 {n} 项',
    'common.clear': '清除',
    'common.yes': '是',
    'common.no': '否',
    'common.id': '编号',
    'common.createdAt': '创建时间',
    'common.updatedAt': '更新时间',
    'common.phone': '手机号',
    'common.dash': '—',
    'err.network': '网络连接失败，请检查网络后重试（重试不会重复提交）',
    'err.unauthenticated': '登录已失效，请重新登录',
    'err.forbidden': '您没有权限执行此操作',
    'err.notFound': '记录不存在或已被删除',
    'err.throttled': '操作过于频繁，请稍后再试',
    'err.server': '服务器出错了，请稍后重试',
    'err.unknown': '操作失败，请重试',
    'err.formHasErrors': '请检查标红的字段',
    'login.title': '登录',
    'login.login': '账号',
    'login.loginPlaceholder': '请输入登录账号',
    'login.password': '密码',
    'login.passwordPlaceholder': '请输入密码',
    'login.submit': '登录',
    'login.submitting': '登录中…',
    'login.needLogin': '请输入账号',
    'login.needPassword': '请输入密码',
    'role.owner': '企业管理员',
    'role.brand_manager': '品牌经理',
    'role.staff': '导购',
    'role.member': '会员',
  },
  en: {
    'app.name': 'Huohua',
    'app.tagline': 'Member activation platform',
    'common.save': 'Save',
    'common.cancel': 'Cancel',
    'common.confirm': 'OK',
    'common.create': 'New',
    'common.edit': 'Edit',
    'common.archive': 'Archive',
    'common.archived': 'Archived',
    'common.close': 'Close',
    'common.search': 'Search',
    'common.searchPlaceholder': 'Search by keyword',
    'common.all': 'All',
    'common.none': 'None',
    'common.actions': 'Actions',
    'common.loading': 'Loading…',
    'common.empty': 'Nothing here yet',
    'common.noMatch': 'No matching results',
    'common.retry': 'Retry',
    'common.showArchived': 'Show archived',
    'common.required': 'Required',
    'common.optional': 'Optional',
    'common.saved': 'Saved',
    'common.created': 'Created',
    'common.archivedDone': 'Archived',
    'common.logout': 'Log out',
    'common.language': 'Language',
    'common.back': 'Back',
    'common.total': '{n} in total',
    'common.perPage': '{n} / page',
    'common.prev': 'Previous',
    'common.next': 'Next',
    'common.select': 'Select…',
    'common.selected': '{n} selected',
    'common.clear': 'Clear',
    'common.yes': 'Yes',
    'common.no': 'No',
    'common.id': 'ID',
    'common.createdAt': 'Created',
    'common.updatedAt': 'Updated',
    'common.phone': 'Phone',
    'common.dash': '—',
    'err.network': 'Network error. Check your connection and try again (a retry will not submit twice).',
    'err.unauthenticated': 'Your session has ended. Please log in again.',
    'err.forbidden': 'You do not have permission to do this.',
    'err.notFound': 'This record does not exist or was removed.',
    'err.throttled': 'Too many attempts. Please wait a moment and try again.',
    'err.server': 'Something went wrong on the server. Please try again later.',
    'err.unknown': 'The operation failed. Please try again.',
    'err.formHasErrors': 'Please check the fields marked in red.',
    'login.title': 'Log in',
    'login.login': 'Login',
    'login.loginPlaceholder': 'Your login name',
    'login.password': 'Password',
    'login.passwordPlaceholder': 'Your password',
    'login.submit': 'Log in',
    'login.submitting': 'Logging in…',
    'login.needLogin': 'Enter your login name',
    'login.needPassword': 'Enter your password',
    'role.owner': 'Owner',
    'role.brand_manager': 'Brand manager',
    'role.staff': 'Staff',
    'role.member': 'Member',
  },
});
