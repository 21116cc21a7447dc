import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ViewHost } from '../src/core/host';
import { I18n } from '../src/core/i18n';
import { LayerRegistry, type LayerMap } from '../src/core/layers';
import { Router } from '../src/core/router';
import { Session } from '../src/core/session';
import { ViewRegistry, type View, type ViewContext } from '../src/core/view';
import { AccountControl } from '../src/controls/account-control';
import type { ClustersView } from '../src/views/clusters';
import { LQ_CLASSES } from '../src/views/clusters/classes';
import { fakeMap } from './fake-map';
import { fakeWindow } from './fake-window';
import { SECTORS } from './fixtures';
import { OverlayRegistry } from '../src/core/overlays';

/** The fake map, with the calls the clusters view makes besides the registry's. */
function clustersMap() {
  const map = fakeMap();
  const paint = new Map<string, unknown>();
  const layout = new Map<string, unknown>();
  const states = new Map<string, unknown>();
  const addSource = map.addSource.bind(map);
  let hits: unknown[] = [];
  const canvas = { style: { cursor: '' } };
  return Object.assign(map, {
    paint,
    layout,
    states,
    canvas,
    addSource(id: string, spec: Record<string, unknown>) {
      return addSource(id, { ...spec, setData(this: { data?: unknown }, d: unknown) { this.data = d; } });
    },
    setPaintProperty: (id: string, k: string, v: unknown) => void paint.set(`${id}.${k}`, v),
    setLayoutProperty: (id: string, k: string, v: unknown) => void layout.set(`${id}.${k}`, v),
    setFeatureState: (f: { source: string; id: number }, s: unknown) => void states.set(`${f.source}/${f.id}`, s),
    removeFeatureState: (f: { source: string; id: number }) => void states.delete(`${f.source}/${f.id}`),
    queryRenderedFeatures: (_p: unknown, o: { layers: string[] }) => hits.filter((h) => o.layers.includes((h as { layer: { id: string } }).layer.id)),
    setHits: (h: unknown[]) => void (hits = h),
    getCanvas: () => canvas,
  });
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The server: sectors, LQ and hot spots at two upazilas, a profile, and no centres or clusters yet (404, no route). */
function fakeServer() {
  const asked: string[] = [];
  const fetch = vi.fn(async (input: RequestInfo | URL) => {
    const url = String(input);
    asked.push(url);
    if (url === '/api/sectors') return json({ sectors: SECTORS });
    if (url.startsWith('/api/stats/lq?'))
      return json({ parameters: {}, unassigned: 0, units: [{ pcode: 'BD304811', name_en: 'Bhairab', name_bn: 'ভৈরব', value: 471, lq: 7.59 }, { pcode: 'BD201233', name_en: 'Ashuganj', name_bn: 'আশুগঞ্জ', value: 7, lq: 0.5 }] });
    if (url.startsWith('/api/stats/hotspots?'))
      return json({ parameters: {}, unassigned: 0, units: [{ pcode: 'BD201233', name_en: 'Ashuganj', name_bn: 'আশুগঞ্জ', value: 7, z: 3.9, p_adj: 0.001 }] });
    if (url === '/api/profile/BD304811')
      return json({ unit: { pcode: 'BD304811', level: 3, level_name: 'upazila', name_en: 'Bhairab', name_bn: 'ভৈরব' }, min_count: 5, enterprises: 477, jobs: 3060, self_jobs: 627, wage_jobs: 2433, sectors: [], barriers: [] });
    const path = url.split('?')[0];
    return json({ error: { code: 'not_found', message: `no route for ${path}` } }, 404);
  });
  return { fetch, asked };
}

/** A stand-in for explore: one layer and a panel, so a switch has something to compare. */
class Plain implements View {
  readonly params = ['sel'] as const;
  mount(ctx: ViewContext): void {
    ctx.layers.addSource('plain', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    ctx.layers.addLayer('admin-fill', { id: 'plain-fill', type: 'fill', source: 'plain' });
    ctx.layers.listen('click', () => {});
  }
  unmount(): void {}
}

function setup(hash: string) {
  const map = clustersMap();
  map.addLayer({ id: 'background' });
  const win = fakeWindow(hash);
  const router = new Router(win);
  const i18n = new I18n();
  const session = new Session();
  const account = new AccountControl(i18n, session);
  const root = document.createElement('div');
  const overlays = new OverlayRegistry();
  const views = new ViewRegistry({ explore: async () => ({ createView: () => new Plain() }), clusters: () => import('../src/views/clusters') });
  const host = new ViewHost({
    views,
    layers: new LayerRegistry(map as unknown as LayerMap),
    router,
    shared: { map: map as unknown as MapLibreMap, root, overlays, i18n, session, account, loaded: Promise.resolve(), basemap: false, sessionRestored: Promise.resolve() },
    shellParams: () => ({ z: '8', lon: '90.99', lat: '24.05' }),
    hasCamera: (params) => 'lon' in params,
  });
  let pending: Promise<void> = Promise.resolve();
  router.onChange((route) => (pending = host.show(route)));
  const state = () => ({
    map: map.snapshot(),
    page: root.innerHTML,
    languageListeners: (i18n as unknown as { listeners: Set<unknown> }).listeners.size,
    overlays: overlays.list().map((o) => o.id),
  });
  const clusters = () => host.view as ClustersView;
  return { map, win, router, host, root, i18n, state, settled: () => pending, clusters };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('the clusters view', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('draws the LQ of a sector by P-code, opens a unit’s profile on click, switches to hot spots, and leaves nothing behind', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetch);
    const t = setup('#z=8&lon=90.99&lat=24.05');
    const empty = t.state();
    await t.host.show(t.router.current);
    const exploring = t.state();

    for (let round = 0; round < 2; round++) {
      t.win.setHash('#view=clusters&sector=footwear_leather&mode=lq&level=upazila&z=8&lon=90.99&lat=24.05');
      await t.settled();
      await t.clusters().ready;
      expect(t.host.name).toBe('clusters');
      const layers = t.map.snapshot().layers;
      expect(layers).not.toContain('plain-fill');
      expect(t.state().overlays).toEqual(['centre-labels', 'cluster-labels']);
      // Choropleths lie over the admin fills and under the borders.
      expect(layers.indexOf('clusters-choropleth-upazila')).toBeGreaterThan(layers.indexOf('unions-fill'));
      expect(layers.indexOf('clusters-choropleth-upazila')).toBeLessThan(layers.indexOf('unions-line'));
      expect(t.map.layout.get('clusters-choropleth-upazila.visibility')).toBe('visible');
      expect(t.map.layout.get('clusters-choropleth-union.visibility')).toBe('none');
      const fill = t.map.paint.get('clusters-choropleth-upazila.fill-color') as unknown[];
      expect(fill[fill.findIndex((v) => Array.isArray(v) && v.includes('BD304811')) + 1]).toBe(LQ_CLASSES[3].colour);
      expect(t.root.querySelector('.cl-legend')?.textContent).toContain('2 and above');
      expect(t.root.querySelector('.cl-status')?.textContent).toBe('2 units');
      expect(t.root.querySelector<HTMLAnchorElement>('.cl-export[data-format="gpkg"]')?.getAttribute('href')).toBe(
        '/api/stats/lq?sector=footwear_leather&measure=count&level=upazila&format=gpkg',
      );

      // A click on a unit: its profile, its P-code in the hash, its border selected.
      t.map.setHits([{ layer: { id: 'clusters-choropleth-upazila' }, properties: { pcode: 'BD304811' } }]);
      t.map.fire('click', { point: { x: 1, y: 1 } });
      await vi.waitFor(() => expect(t.root.querySelector('[data-fact="enterprises"]')?.textContent).toBe('477'));
      expect(t.win.location.hash).toContain('sel=BD304811');
      expect(t.map.states.get('upazilas/300304811')).toEqual({ selected: true });
      t.map.setHits([]);

      // Hot spots from the parameter panel.
      const mode = t.root.querySelector<HTMLSelectElement>('.cl-panel select[name="mode"]')!;
      mode.value = 'hotspots';
      mode.dispatchEvent(new Event('change'));
      await t.clusters().ready;
      expect(t.win.location.hash).toBe('#view=clusters&z=8&lon=90.99&lat=24.05&sector=footwear_leather&mode=hotspots&level=upazila&sel=BD304811');
      expect(t.clusters().classes.get('BD201233')?.id).toBe('hot-99');
      expect(server.asked.some((u) => u.startsWith('/api/stats/hotspots?') && u.includes('alpha=0.05'))).toBe(true);

      // Point clusters: this server has none yet, said so in words.
      mode.value = 'clusters';
      mode.dispatchEvent(new Event('change'));
      await t.clusters().ready;
      expect(t.root.querySelector('.cl-status')?.textContent).toBe('This analysis is not available on this server yet.');

      t.win.setHash('#z=8&lon=90.99&lat=24.05');
      await t.settled();
      expect(t.host.name).toBe('explore');
      expect(t.state()).toEqual(exploring);
      expect(t.map.states.size).toBe(0);
    }
    t.host.unmount();
    expect(t.state()).toEqual(empty);
  });

  it('keeps its parameters when the language changes, and speaks Bangla', async () => {
    vi.stubGlobal('fetch', fakeServer().fetch);
    const t = setup('#view=clusters&sector=footwear_leather&mode=lq&level=upazila');
    await t.host.show(t.router.current);
    await t.clusters().ready;
    t.i18n.setLang('bn');
    expect(t.root.querySelector('.cl-status')?.textContent).toBe('২টি একক');
    const panel = t.root.querySelector('.cl-panel')!;
    // Every control has a label (and its sector names are Bangla).
    for (const c of panel.querySelectorAll('select, input')) expect(panel.querySelector(`label[for="${c.id}"]`)).not.toBeNull();
    expect(panel.querySelector<HTMLSelectElement>('select[name="sector"]')!.selectedOptions[0].textContent).toBe('পাদুকা ও চামড়া');
    // No Latin letter or digit in the panel's words (the number inputs' values are ASCII, as inputs need).
    expect(panel.textContent).not.toMatch(/[A-Za-z0-9]/);
    t.host.unmount();
    await flush();
  });
});
