// list.js — useList(): the state behind every paginated list screen.
//
// Holds the search text, filters, "show archived", limit/offset, and the last
// answer {items, total}. Changing a filter goes back to page 1 and reloads;
// typing in the search box reloads after a short pause. Answers that arrive
// out of order are dropped (only the latest request wins).

import { reactive, watch } from 'vue';
import { api } from './api.js';

export function useList(path, { filters = {}, limit = 20, archived = true, extra = () => ({}) } = {}) {
  const list = reactive({
    items: [],
    total: 0,
    limit,
    offset: 0,
    q: '',
    filters: { ...filters },
    includeArchived: false,
    loading: false,
    error: '',
    loaded: false,
    load,
    setOffset(o) { list.offset = o; load(); },
    setLimit(n) { list.limit = n; list.offset = 0; load(); },
  });
  let seq = 0;

  async function load() {
    const my = ++seq;
    list.loading = true;
    list.error = '';
    try {
      const params = {
        q: list.q.trim(),
        ...list.filters,
        ...extra(),
        limit: list.limit,
        offset: list.offset,
      };
      if (archived && list.includeArchived) params.include_archived = 1;
      const res = await api.get(typeof path === 'function' ? path() : path, params);
      if (my !== seq) return;
      list.items = (res && res.items) || [];
      list.total = res && typeof res.total === 'number' ? res.total : list.items.length;
      // Archiving the last row of a page leaves it empty: step back one page.
      if (!list.items.length && list.offset > 0 && list.total > 0) {
        list.offset = Math.max(0, list.offset - list.limit);
        return load();
      }
    } catch (e) {
      if (my === seq) { list.error = e.message; list.items = []; list.total = 0; }
    } finally {
      if (my === seq) { list.loading = false; list.loaded = true; }
    }
  }

  let timer = null;
  watch(() => list.q, () => {
    clearTimeout(timer);
    timer = setTimeout(() => { list.offset = 0; load(); }, 250);
  });
  watch(() => [JSON.stringify(list.filters), list.includeArchived], () => { list.offset = 0; load(); });

  return list;
}
