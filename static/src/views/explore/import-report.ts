// The report of an import as HTML: counts, how the records were placed (a
// small bar chart), geocoding notes, the column mapping used and the link
// to the failed rows. Plain DOM, testable on its own.

import type { ImportReport } from '../../api';
import type { I18n } from '../../core/i18n';
import { el } from '../../core/dom';

/** Geocode methods from best to worst, the order of the chart. */
export const METHOD_ORDER = ['gps', 'union', 'upazila', 'district', 'division', 'none'];

/** Entries of a count map with a positive count, in order first, then the rest by count. */
function entries(counts: Record<string, number> | null | undefined, order: readonly string[] = []): [string, number][] {
  const all = Object.entries(counts ?? {}).filter(([, n]) => n > 0);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return all.sort(([a, x], [b, y]) => rank(a) - rank(b) || y - x || a.localeCompare(b));
}

export interface ReportActions {
  /** The user asked for the failed rows. */
  onDownloadFailures(report: ImportReport): void;
  /** Set for admins: the user asked to undo the import (a succeeded one). */
  onUndo?(report: ImportReport): void;
}

export function renderImportReport(r: ImportReport, i18n: I18n, actions: ReportActions): HTMLElement {
  const t = i18n;
  const root = el('div', 'import-report');
  root.dataset.status = r.status;
  if (r.status === 'undone' || r.status === 'rolled_back') root.append(el('p', 'import-undone', t.t(r.status === 'undone' ? 'import.undone' : 'import.rolledBack')));
  if (r.status === 'running' && r.phase === 'indexing') root.append(el('p', 'import-indexing', t.t('import.indexing')));
  const resumed = r.resumed_after ?? [];
  if (resumed.length) root.append(el('p', 'import-resumed', t.t('import.resumed', { row: t.formatNumber(resumed[resumed.length - 1]) })));

  const counts = el('dl', 'import-counts');
  const count = (key: 'import.rowsRead' | 'import.created' | 'import.updated' | 'import.unchanged' | 'import.failed', n: number, name: string) => {
    const box = el('div', 'import-count');
    box.dataset.count = name;
    if (name === 'failed' && n > 0) box.classList.add('bad');
    box.append(el('dt', '', t.t(key)), el('dd', '', t.formatNumber(n ?? 0)));
    counts.append(box);
  };
  count('import.rowsRead', r.rows_read, 'rows_read');
  count('import.created', r.created, 'created');
  count('import.updated', r.updated, 'updated');
  count('import.unchanged', r.unchanged, 'unchanged');
  count('import.failed', r.failed, 'failed');
  root.append(counts);

  const methods = entries(r.methods, METHOD_ORDER);
  if (methods.length) {
    const max = Math.max(...methods.map(([, n]) => n));
    const chart = el('ul', 'import-methods');
    chart.setAttribute('aria-label', t.t('import.methods'));
    for (const [m, n] of methods) {
      const li = el('li', 'import-method');
      li.dataset.method = m;
      const bar = el('span', 'import-method-bar');
      bar.style.width = `${Math.max(2, (100 * n) / max)}%`;
      bar.classList.add(`method-${m}`);
      const track = el('span', 'import-method-track');
      track.append(bar);
      li.append(el('span', 'import-method-name', t.lookup('method.' + m, m)), track, el('span', 'import-method-count', t.formatNumber(n)));
      chart.append(li);
    }
    root.append(el('h3', 'import-section', t.t('import.methods')), chart);
  }

  const flags = entries(r.flags);
  if (flags.length) {
    const ul = el('ul', 'import-flags');
    for (const [f, n] of flags) {
      const li = el('li');
      li.dataset.flag = f;
      li.append(el('span', 'import-flag-name', t.lookup('flag.' + f, f)), el('span', 'import-flag-count', t.formatNumber(n)));
      ul.append(li);
    }
    root.append(el('h3', 'import-section', t.t('import.flags')), ul);
  }

  const mapping = Object.entries(r.mapping ?? {}).filter(([, col]) => col);
  if (mapping.length) {
    const table = el('table', 'import-mapping');
    const head = el('tr');
    head.append(el('th', '', t.t('import.field')), el('th', '', t.t('import.column')));
    const thead = el('thead');
    thead.append(head);
    const tbody = el('tbody');
    for (const [field, column] of mapping.sort(([a], [b]) => a.localeCompare(b))) {
      const tr = el('tr');
      tr.append(el('td', '', field), el('td', '', column));
      tbody.append(tr);
    }
    table.append(thead, tbody);
    root.append(el('h3', 'import-section', t.t('import.mappingUsed')), table);
  }

  if ((r.review ?? 0) > 0) {
    const a = el('a', 'import-review', t.t('import.review', { n: r.review ?? 0 }));
    a.href = `#view=review&import=${encodeURIComponent(r.id)}`;
    root.append(a);
  }

  if (r.failed > 0) {
    const a = el('a', 'import-failures', t.t('import.failures'));
    a.href = `/api/imports/${encodeURIComponent(r.id)}/failures.csv`;
    a.download = failuresFilename(r);
    a.addEventListener('click', (e) => {
      // The file needs the token, which a plain link cannot send.
      e.preventDefault();
      actions.onDownloadFailures(r);
    });
    root.append(a);
  }

  if (actions.onUndo && r.status === 'succeeded') {
    const undo = el('button', 'import-undo', t.t('import.undo'));
    undo.type = 'button';
    undo.title = t.t('import.undoHint');
    undo.addEventListener('click', () => actions.onUndo!(r));
    root.append(undo);
  }
  return root;
}

/** The name the failed rows are saved under: survey.csv → survey-failed-rows.csv. */
export function failuresFilename(r: Pick<ImportReport, 'filename' | 'id'>): string {
  const stem = (r.filename || r.id).replace(/\.[^.]+$/, '');
  return `${stem}-failed-rows.csv`;
}
