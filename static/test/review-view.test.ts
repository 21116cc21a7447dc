import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ViewHost } from '../src/core/host';
import { I18n } from '../src/core/i18n';
import { LayerRegistry, type LayerMap } from '../src/core/layers';
import { Router } from '../src/core/router';
import { Session } from '../src/core/session';
import { ViewRegistry, type View } from '../src/core/view';
import { AccountControl } from '../src/controls/account-control';
import { OverlayRegistry } from '../src/core/overlays';
import { renderImportReport } from '../src/views/explore/import-report';
import { ReviewView } from '../src/views/review';
import type { ReviewItem } from '../src/views/review/api';
import { fakeMap } from './fake-map';
import { fakeWindow } from './fake-window';

/** Two open rows of import imp-1: a bazar named after its upazila, and a row with no suggestion. */
function openItems(): ReviewItem[] {
  return [
    {
      import_id: 'imp-1', row: 2, enterprise_id: 'S2', name: 'Bazar Shoes', status: 'open',
      stated: { district: 'Kishoreganj', upazila: 'Bhairab Bazar' }, admin: { division: 'BD30', district: 'BD3048' },
      geocode: { method: 'district', score: 0.9, flags: ['name_unknown'] }, reasons: ['not_upazila'],
      suggestions: [{ pcode: 'BD304811', level: 'upazila', name: 'Bhairab', name_bn: 'ভৈরব', parent: 'Kishoreganj', score: 0.72 }],
    },
    {
      import_id: 'imp-1', row: 5, enterprise_id: 'S5', name: 'Char Dairy', status: 'open',
      stated: { upazila: 'Char Nowhere' }, admin: {}, geocode: { method: 'none', score: 0, flags: ['name_unknown'] },
      reasons: ['not_upazila'], suggestions: null,
    },
  ];
}

/** A server with imp-1's review queue; it records the decisions posted. */
function server(role = 'editor') {
  const open = openItems();
  let aliases = [{ id: 3, level: 'upazila', within: 'BD3048', name: 'kuliarchar ghat', pcode: 'BD304854', created_at: '2026-11-29T10:00:00Z' }];
  const decided: ReviewItem[] = [];
  const posts: { url: string; body: unknown; auth: string }[] = [];
  const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status });
  const fetchMock = vi.fn(async (url: string, init: RequestInit = {}) => {
    const auth = (init.headers as Record<string, string> | undefined)?.Authorization ?? '';
    if (url === '/api/me') return json({ id: 'tok_1', name: 'ed', role });
    if (url === '/api/aliases') return json({ aliases });
    if (url === '/api/aliases/3' && init.method === 'DELETE') {
      posts.push({ url, body: null, auth });
      aliases = [];
      return new Response(null, { status: 204 });
    }
    if (url === '/api/aliases.csv' && init.method === 'POST') {
      posts.push({ url, body: init.body, auth });
      aliases = [...aliases, { id: 4, level: 'upazila', within: 'BD3048', name: 'bhairab bazar', pcode: 'BD304811', created_at: '2026-11-29T10:01:00Z' }];
      return json({ rows: 1, created: 1 });
    }
    if (url === '/api/imports/imp-1') return json({ id: 'imp-1', filename: 'messy.csv', status: 'succeeded' });
    const m = url.match(/^\/api\/imports\/imp-1\/review\?status=(\w+)/);
    if (m) return json({ items: m[1] === 'open' ? open : decided, open: open.length, decided: decided.length });
    const d = url.match(/^\/api\/imports\/imp-1\/review\/(\d+)$/);
    if (d && init.method === 'POST') {
      const body = JSON.parse(String(init.body));
      posts.push({ url, body, auth });
      const i = open.findIndex((x) => x.row === Number(d[1]));
      const [item] = open.splice(i, 1);
      const done = { ...item, status: 'decided' as const, decision: { ...body, by: 'tok_1', at: '2026-11-29T10:00:00Z', alias_id: body.action === 'unplaceable' ? 0 : 7 } };
      decided.push(done);
      return json(done);
    }
    return json({ error: { code: 'not_found', message: 'no ' + url } }, 404);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { posts };
}

function reviewMap() {
  const map = fakeMap();
  const canvas = document.createElement('canvas');
  const hits: { properties: Record<string, string> }[] = [];
  return Object.assign(map, { hits, getCanvas: () => canvas, getZoom: () => 9, queryRenderedFeatures: vi.fn(() => hits) });
}

async function setup(hash: string) {
  const map = reviewMap();
  map.addLayer({ id: 'background' });
  const win = fakeWindow(hash);
  const router = new Router(win);
  const i18n = new I18n();
  const session = new Session();
  await session.signIn('gct_editor');
  const account = new AccountControl(i18n, session);
  const root = document.createElement('div');
  let shown: ReviewView | null = null;
  const blank: View = { params: [], mount: () => {}, unmount: () => {} };
  const views = new ViewRegistry({
    explore: async () => ({ createView: () => blank }),
    review: async () => ({ createView: () => (shown = new ReviewView()) }),
  });
  const host = new ViewHost({
    views,
    layers: new LayerRegistry(map as unknown as LayerMap),
    router,
    shared: { map: map as unknown as MapLibreMap, root, overlays: new OverlayRegistry(), i18n, session, account, loaded: Promise.resolve(), basemap: false, sessionRestored: Promise.resolve() },
    shellParams: () => ({ z: '7', lon: '90', lat: '23' }),
    hasCamera: () => true,
  });
  let pending: Promise<void> = Promise.resolve();
  router.onChange((route) => (pending = host.show(route)));
  return { map, win, router, host, root, i18n, view: () => shown!, settled: () => pending };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const texts = (root: HTMLElement, sel: string) => [...root.querySelectorAll(sel)].map((e) => e.textContent);

afterEach(() => vi.unstubAllGlobals());

describe('review view', () => {
  it('lists the rows to review with their fields, reasons and suggestions in both languages, and leaves nothing behind', async () => {
    server();
    const t = await setup('#z=7&lon=90&lat=23');
    await t.host.show(t.router.current);
    const before = { map: t.map.snapshot(), page: t.root.innerHTML };
    t.win.setHash('#view=review&import=imp-1');
    await t.settled();
    await flush();
    expect(t.root.querySelector('.rv-file')!.textContent).toBe('File: messy.csv');
    expect(texts(t.root, '.rv-tab')).toEqual(['To review (2)', 'Decided (0)']);
    expect([...t.root.querySelectorAll<HTMLElement>('.rv-item')].map((li) => li.dataset.row)).toEqual(['2', '5']);
    expect(texts(t.root, '.rv-item[data-row="2"] .rv-field dd')).toEqual(['Kishoreganj', 'Bhairab Bazar']);
    expect(texts(t.root, '.rv-item[data-row="2"] .rv-reason')).toEqual(['Not placed at upazila level']);
    expect(texts(t.root, '.rv-item[data-row="2"] .rv-suggestion .rv-unit')).toEqual(['Bhairab (ভৈরব), Kishoreganj']);
    expect(t.root.querySelector('.rv-item[data-row="5"] .rv-note')!.textContent).toMatch(/No suggestion/);
    expect(t.map.snapshot().layers).toContain('upazilas-fill');

    t.i18n.setLang('bn');
    expect(texts(t.root, '.rv-tab')).toEqual(['পর্যালোচনা বাকি (২)', 'সিদ্ধান্ত হয়েছে (০)']);
    expect(texts(t.root, '.rv-item[data-row="2"] .rv-suggestion .rv-unit')).toEqual(['ভৈরব (Bhairab), Kishoreganj']);
    expect(t.root.querySelector('.rv-item[data-row="2"] .rv-accept')!.textContent).toBe('গ্রহণ');
    t.i18n.setLang('en');

    t.win.setHash('#z=7&lon=90&lat=23');
    await t.settled();
    expect({ map: t.map.snapshot(), page: t.root.innerHTML }).toEqual(before);
    expect((window as unknown as Record<string, unknown>).__gucchoReview).toBeUndefined();
  });

  it('accepts a suggestion, picks a unit on the map, and moves decided rows to the decided list', async () => {
    const s = server();
    const t = await setup('#view=review&import=imp-1');
    await t.host.show(t.router.current);
    await flush();
    t.root.querySelector<HTMLButtonElement>('.rv-item[data-row="2"] .rv-accept')!.click();
    await flush();
    expect(s.posts[0]).toEqual({ url: '/api/imports/imp-1/review/2', body: { action: 'accept', pcode: 'BD304811' }, auth: 'Bearer gct_editor' });
    expect([...t.root.querySelectorAll<HTMLElement>('.rv-item')].map((li) => li.dataset.row)).toEqual(['5']);
    expect(texts(t.root, '.rv-tab')).toEqual(['To review (1)', 'Decided (1)']);

    // A click on the map while not picking does nothing.
    t.map.hits.push({ properties: { pcode: 'BD304811' } });
    t.map.fire('click', { point: { x: 10, y: 10 } });
    await flush();
    expect(s.posts.length).toBe(1);
    t.root.querySelector<HTMLButtonElement>('.rv-item[data-row="5"] .rv-pick')!.click();
    expect(t.root.querySelector('.rv-pick-hint')).not.toBeNull();
    t.map.hits.unshift({ properties: { pcode: 'BD30481123' } });
    t.map.fire('click', { point: { x: 10, y: 10 } });
    await flush();
    expect(s.posts[1].body).toEqual({ action: 'pick', pcode: 'BD30481123' });
    expect(t.root.querySelector('.rv-pick-hint')).toBeNull();
    expect(t.root.querySelector('.rv-empty')!.textContent).toBe('Nothing left to review.');

    t.root.querySelector<HTMLButtonElement>('.rv-tab[data-tab="decided"]')!.click();
    expect(texts(t.root, '.rv-decision')).toEqual(['Suggestion accepted: Bhairab (ভৈরব), Kishoreganj', 'Unit picked: BD30481123']);
    expect(texts(t.root, '.rv-alias')).toEqual(['Learnt for later imports', 'Learnt for later imports']);
  });
});

describe('review view for admins', () => {
  it('lists the learnt aliases, removes one and imports a CSV; editors see none', async () => {
    const s = server('admin');
    const t = await setup('#view=review&import=imp-1');
    await t.host.show(t.router.current);
    await flush();
    expect(t.root.querySelector('.rv-aliases h3')!.textContent).toBe('Learnt aliases (1)');
    expect(texts(t.root, '.rv-alias-text')).toEqual(['Upazila “kuliarchar ghat” within BD3048 → BD304854']);
    t.root.querySelector<HTMLButtonElement>('.rv-alias-item[data-id="3"] .rv-alias-remove')!.click();
    await flush();
    expect(s.posts.map((p) => p.url)).toEqual(['/api/aliases/3']);
    expect(t.root.querySelectorAll('.rv-alias-item').length).toBe(0);

    const input = t.root.querySelector<HTMLInputElement>('.rv-alias-file')!;
    const file = new File(['level,within,name,pcode\nupazila,BD3048,Bhairab Bazar,BD304811\n'], 'a.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file] });
    input.dispatchEvent(new Event('change'));
    await flush();
    await flush();
    expect(s.posts[1].url).toBe('/api/aliases.csv');
    expect(String(s.posts[1].body)).toContain('Bhairab Bazar');
    expect(t.root.querySelector('.rv-alias-note')!.textContent).toBe('1 rows read, 1 new');
    expect(texts(t.root, '.rv-alias-text')).toEqual(['Upazila “bhairab bazar” within BD3048 → BD304811']);
    t.i18n.setLang('bn');
    expect(t.root.querySelector('.rv-aliases h3')!.textContent).toBe('শেখা বিকল্প নাম (১)');
  });

  it('shows no aliases to an editor', async () => {
    server('editor');
    const t = await setup('#view=review&import=imp-1');
    await t.host.show(t.router.current);
    await flush();
    expect(t.root.querySelector('.rv-item')).not.toBeNull();
    expect(t.root.querySelector('.rv-aliases')).toBeNull();
  });
});

describe('import report', () => {
  it('links to the review of the rows the import kept for review', () => {
    const i18n = new I18n();
    const r = renderImportReport(
      { id: 'imp-1', filename: 'm.csv', format: 'csv', status: 'succeeded', rows_read: 9, created: 9, updated: 0, unchanged: 0, failed: 0, review: 3 },
      i18n,
      { onDownloadFailures: () => {} },
    );
    const a = r.querySelector<HTMLAnchorElement>('a.import-review')!;
    expect(a.getAttribute('href')).toBe('#view=review&import=imp-1');
    expect(a.textContent).toBe('Review 3 rows');
    const none = renderImportReport({ id: 'imp-2', filename: 'm.csv', format: 'csv', status: 'succeeded', rows_read: 1, created: 1, updated: 0, unchanged: 0, failed: 0 }, i18n, { onDownloadFailures: () => {} });
    expect(none.querySelector('a.import-review')).toBeNull();
  });
});
