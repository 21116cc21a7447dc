import { describe, expect, it, vi } from 'vitest';
import type { ImportReport } from '../src/api';
import { I18n } from '../src/core/i18n';
import { failuresFilename, renderImportReport } from '../src/views/explore/import-report';

const report: ImportReport = {
  id: 'imp-7',
  filename: 'bhairab-survey.csv',
  format: 'csv',
  status: 'succeeded',
  rows_read: 3,
  created: 2,
  updated: 0,
  unchanged: 0,
  failed: 1,
  methods: { union: 1, gps: 1, none: 0 },
  flags: { name_fuzzy: 1, new_kind_of_flag: 2 },
  mapping: { name: 'Enterprise name', sector: 'Sector', gps_lat: 'Lat', unused: '' },
  started_at: '2026-11-22T18:00:00Z',
  ended_at: '2026-11-22T18:00:01Z',
};

describe('renderImportReport', () => {
  it('shows the counts, failures marked', () => {
    const root = renderImportReport(report, new I18n(), { onDownloadFailures: vi.fn() });
    const counts = [...root.querySelectorAll<HTMLElement>('.import-count')].map((c) => [c.dataset.count, c.querySelector('dt')!.textContent, c.querySelector('dd')!.textContent]);
    expect(counts).toEqual([
      ['rows_read', 'Rows read', '3'],
      ['created', 'Created', '2'],
      ['updated', 'Updated', '0'],
      ['unchanged', 'Unchanged', '0'],
      ['failed', 'Failed', '1'],
    ]);
    expect(root.querySelector('[data-count="failed"]')!.classList.contains('bad')).toBe(true);
  });

  it('charts the geocode methods from best to worst, bars scaled to the largest', () => {
    const root = renderImportReport({ ...report, methods: { district: 2, gps: 4, union: 1 } }, new I18n(), { onDownloadFailures: vi.fn() });
    const rows = [...root.querySelectorAll<HTMLElement>('.import-method')].map((li) => [
      li.dataset.method,
      li.querySelector('.import-method-name')!.textContent,
      li.querySelector('.import-method-count')!.textContent,
      li.querySelector<HTMLElement>('.import-method-bar')!.style.width,
    ]);
    expect(rows).toEqual([
      ['gps', 'GPS point', '4', '100%'],
      ['union', 'Union name', '1', '25%'],
      ['district', 'District name', '2', '50%'],
    ]);
  });

  it('lists flags readably, unknown ones by code, and the mapping used', () => {
    const root = renderImportReport(report, new I18n(), { onDownloadFailures: vi.fn() });
    const flags = [...root.querySelectorAll('.import-flags li')].map((li) => li.textContent);
    expect(flags).toEqual(['new_kind_of_flag2', 'A place name matched only approximately1']);
    const mapping = [...root.querySelectorAll('.import-mapping tbody tr')].map((tr) => [...tr.children].map((td) => td.textContent));
    expect(mapping).toEqual([
      ['gps_lat', 'Lat'],
      ['name', 'Enterprise name'],
      ['sector', 'Sector'],
    ]);
  });

  it('links the failed rows and hands the click to the caller (the file needs the token)', () => {
    const onDownloadFailures = vi.fn();
    const root = renderImportReport(report, new I18n(), { onDownloadFailures });
    const a = root.querySelector<HTMLAnchorElement>('a.import-failures')!;
    expect(a.textContent).toBe('Download failed rows (CSV)');
    expect(a.getAttribute('href')).toBe('/api/imports/imp-7/failures.csv');
    expect(a.download).toBe('bhairab-survey-failed-rows.csv');
    const click = new MouseEvent('click', { cancelable: true, bubbles: true });
    a.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(onDownloadFailures).toHaveBeenCalledWith(report);
  });

  it('has no failures link when nothing failed, and omits empty sections', () => {
    const root = renderImportReport({ ...report, failed: 0, methods: {}, flags: null, mapping: undefined }, new I18n(), { onDownloadFailures: vi.fn() });
    expect(root.querySelector('.import-failures')).toBeNull();
    expect(root.querySelector('.import-methods')).toBeNull();
    expect(root.querySelector('.import-flags')).toBeNull();
    expect(root.querySelector('.import-mapping')).toBeNull();
  });

  it('reads in Bangla', () => {
    const i18n = new I18n();
    i18n.setLang('bn');
    const root = renderImportReport(report, i18n, { onDownloadFailures: vi.fn() });
    expect(root.querySelector('[data-count="created"]')?.textContent).toBe('নতুন২');
    expect(root.querySelector('.import-failures')?.textContent).toBe('ব্যর্থ সারিগুলো ডাউনলোড করুন (CSV)');
  });

  it('names the failures file after the survey', () => {
    expect(failuresFilename({ filename: 'survey.v2.xlsx', id: 'x' })).toBe('survey.v2-failed-rows.csv');
    expect(failuresFilename({ filename: '', id: 'imp-9' })).toBe('imp-9-failed-rows.csv');
  });

  it('offers undo only when asked to (admins) and only for a succeeded import', () => {
    const onUndo = vi.fn();
    expect(renderImportReport(report, new I18n(), { onDownloadFailures: vi.fn() }).querySelector('.import-undo')).toBeNull();
    const root = renderImportReport(report, new I18n(), { onDownloadFailures: vi.fn(), onUndo });
    root.querySelector<HTMLButtonElement>('.import-undo')!.click();
    expect(onUndo).toHaveBeenCalledWith(report);
    const undone = renderImportReport({ ...report, status: 'undone' }, new I18n(), { onDownloadFailures: vi.fn(), onUndo });
    expect(undone.querySelector('.import-undo')).toBeNull();
    expect(undone.querySelector('.import-undone')?.textContent).toBe('This import was undone.');
  });

  it('says when a running import indexes its rows for the map', () => {
    expect(renderImportReport({ ...report, status: 'running', phase: 'loading' }, new I18n(), { onDownloadFailures: vi.fn() }).querySelector('.import-indexing')).toBeNull();
    const root = renderImportReport({ ...report, status: 'running', phase: 'indexing' }, new I18n(), { onDownloadFailures: vi.fn() });
    expect(root.querySelector('.import-indexing')?.textContent).toContain('indexing the map');
  });

  it('says when a restart interrupted the import and it was resumed', () => {
    expect(renderImportReport(report, new I18n(), { onDownloadFailures: vi.fn() }).querySelector('.import-resumed')).toBeNull();
    const root = renderImportReport({ ...report, resumed_after: [4000, 12000] }, new I18n(), { onDownloadFailures: vi.fn() });
    expect(root.querySelector('.import-resumed')?.textContent).toContain('resumed after row 12,000');
  });
});
