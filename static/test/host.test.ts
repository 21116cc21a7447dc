import { describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { pick, ViewHost } from '../src/core/host';
import { I18n } from '../src/core/i18n';
import { LayerRegistry, type LayerMap } from '../src/core/layers';
import { Router } from '../src/core/router';
import { Session } from '../src/core/session';
import { ViewRegistry, type View, type ViewContext, type ViewModule } from '../src/core/view';
import { AccountControl } from '../src/controls/account-control';
import { fakeMap } from './fake-map';
import { fakeWindow } from './fake-window';
import { OverlayRegistry } from '../src/core/overlays';

/**
 * A view that uses everything a view may: layers in several slots, a
 * source, map listeners, a control, a panel in the page, a listener on the
 * shared language, account actions, its hash parameters, and a layer added
 * after an await (as explore adds its enterprises after a fetch).
 */
class BusyView implements View {
  readonly params = ['sel', 'sectors'] as const;
  updates: Record<string, string>[] = [];
  unmounted = 0;
  private release?: () => void;
  constructor(private readonly late?: Promise<void>) {}

  async mount(ctx: ViewContext): Promise<void> {
    const { layers } = ctx;
    layers.addSource('busy', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
    layers.addLayer('admin-fill', { id: 'busy-fill', type: 'fill', source: 'busy' });
    layers.addLayer('admin-lines', { id: 'busy-line', type: 'line', source: 'busy' });
    layers.listen('click', () => {});
    layers.listen('moveend', () => ctx.setParams({ sel: 'BD30' }));
    layers.addControl({ onAdd: () => document.createElement('div'), onRemove: () => {} }, 'top-right');
    const panel = document.createElement('aside');
    panel.className = 'busy-panel';
    ctx.root.append(panel);
    layers.track(() => panel.remove());
    layers.track(ctx.i18n.onChange(() => {}));
    ctx.account.setActions({ onImport: () => {} });
    layers.track(() => ctx.account.setActions({}));
    if (this.late) {
      await this.late;
      layers.addLayer('enterprises', { id: 'busy-late', type: 'circle', source: 'busy' });
    }
  }
  update(params: Readonly<Record<string, string>>): void {
    this.updates.push({ ...params });
  }
  unmount(): void {
    this.unmounted++;
    this.release?.();
  }
}

const mod = (view: () => View): ViewModule => ({ createView: view });

function setup(views: ViewRegistry, hash = '#z=7&lon=90&lat=23') {
  const map = fakeMap();
  map.addLayer({ id: 'background' });
  const win = fakeWindow(hash);
  const router = new Router(win);
  const i18n = new I18n();
  const session = new Session();
  const account = new AccountControl(i18n, session);
  const root = document.createElement('div');
  const host = new ViewHost({
    views,
    layers: new LayerRegistry(map as unknown as LayerMap),
    router,
    shared: { map: map as unknown as MapLibreMap, root, overlays: new OverlayRegistry(), i18n, session, account, loaded: Promise.resolve(), basemap: false, sessionRestored: Promise.resolve() },
    shellParams: () => ({ z: '7', lon: '90', lat: '23' }),
    hasCamera: (params) => 'lon' in params && 'lat' in params,
  });
  let pending: Promise<void> = Promise.resolve();
  router.onChange((route) => (pending = host.show(route)));
  /** Waits for the switch the last hash change started. */
  const settled = () => pending;
  /** All the app holds that a view could leave behind. */
  const state = () => ({
    map: map.snapshot(),
    page: root.innerHTML,
    languageListeners: (i18n as unknown as { listeners: Set<unknown> }).listeners.size,
    importAction: Boolean((account as unknown as { onImport?: unknown }).onImport),
  });
  return { map, win, router, host, root, state, settled };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('ViewHost', () => {
  it('switching views back and forth leaves no layers, sources, listeners, controls or elements behind', async () => {
    const busy: BusyView[] = [];
    const views = new ViewRegistry({
      explore: async () => mod(() => (busy[busy.length] = new BusyView())),
      lazy: () => import('./views/lazy-view'),
    });
    const t = setup(views);
    const empty = t.state();
    await t.host.show(t.router.current);
    const exploring = t.state();
    expect(exploring.map.layers).toEqual(['background', 'busy-fill', 'busy-line']);
    expect(exploring.map.listeners).toEqual({ click: 1, moveend: 1 });
    expect(exploring.page).toContain('busy-panel');
    expect(exploring.importAction).toBe(true);

    for (let round = 0; round < 3; round++) {
      t.win.setHash('#view=lazy&z=7&lon=90&lat=23&method=dbscan');
      await t.settled();
      expect(t.host.name).toBe('lazy');
      expect(busy[round].unmounted).toBe(1);
      const lazy = t.state();
      expect(lazy.map).toEqual({ ...empty.map, layers: ['background', 'lazy-fill'], sources: ['lazy'], listeners: { click: 1 } });
      expect(lazy.page).toBe('<p class="lazy-note"></p>');
      expect(lazy.languageListeners).toBe(empty.languageListeners);
      expect(lazy.importAction).toBe(false);

      t.win.setHash('#z=7&lon=90&lat=23');
      await t.settled();
      expect(t.host.name).toBe('explore');
      expect(t.state()).toEqual(exploring);
    }
    t.host.unmount();
    expect(t.state()).toEqual(empty);
  });

  it('loads a view’s module with import() only when it is first shown', async () => {
    const loader = vi.fn(() => import('./views/lazy-view'));
    const views = new ViewRegistry({ explore: async () => mod(() => new BusyView()), lazy: loader });
    const t = setup(views);
    await t.host.show(t.router.current);
    expect(loader).not.toHaveBeenCalled();
    t.router.go('lazy');
    await t.settled();
    expect(loader).toHaveBeenCalledOnce();
    const lazyModule = await import('./views/lazy-view');
    expect(t.host.view).toBeInstanceOf(lazyModule.LazyView);
    expect(lazyModule.evaluations).toBe(1);
  });

  it('gives a view only its own parameters and writes the camera first', async () => {
    let view!: BusyView;
    const t = setup(new ViewRegistry({ explore: async () => mod(() => (view = new BusyView())) }), '#z=7&lon=90&lat=23&sel=BD10&method=x');
    await t.host.show(t.router.current);
    expect(t.win.location.hash).toBe('#z=7&lon=90&lat=23&sel=BD10');
    t.map.fire('moveend');
    expect(t.win.location.hash).toBe('#z=7&lon=90&lat=23&sel=BD30');
    t.win.setHash('#z=7&lon=90&lat=23&sel=BD20&sectors=dairy');
    expect(view.updates).toEqual([{ sel: 'BD20', sectors: 'dairy' }]);
    expect(pick({ a: '1', b: '2', c: '3' }, ['c', 'a'])).toEqual({ a: '1', c: '3' });
  });

  it('shows the default view for a name no view has', async () => {
    const t = setup(new ViewRegistry({ explore: async () => mod(() => new BusyView()) }), '#view=nonesuch&z=7&lon=90&lat=23');
    await t.host.show(t.router.current);
    expect(t.host.name).toBe('explore');
    expect(t.win.location.hash).toBe('#z=7&lon=90&lat=23');
  });

  it('mounts only the last of two quick switches', async () => {
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const views = new ViewRegistry({
      explore: async () => mod(() => new BusyView()),
      slow: async () => {
        await slow;
        return mod(() => new BusyView());
      },
      lazy: () => import('./views/lazy-view'),
    });
    const t = setup(views);
    await t.host.show(t.router.current);
    const first = t.host.show({ view: 'slow', params: {} });
    await t.host.show({ view: 'lazy', params: {} });
    release();
    await first;
    expect(t.host.name).toBe('lazy');
    expect(t.map.snapshot().layers).toEqual(['background', 'lazy-fill']);
  });

  it('drops what a view adds after it was unmounted', async () => {
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    const views = new ViewRegistry({ explore: async () => mod(() => new BusyView(late)), lazy: () => import('./views/lazy-view') });
    const t = setup(views);
    const mounting = t.host.show(t.router.current);
    await flush();
    await t.host.show({ view: 'lazy', params: {} });
    release();
    await mounting;
    expect(t.map.snapshot().layers).toEqual(['background', 'lazy-fill']);
  });
});
