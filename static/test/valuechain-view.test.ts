import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { ViewHost } from '../src/core/host';
import { I18n } from '../src/core/i18n';
import { LayerRegistry, type LayerMap } from '../src/core/layers';
import { Router } from '../src/core/router';
import { Session } from '../src/core/session';
import { ViewRegistry, type View } from '../src/core/view';
import { AccountControl } from '../src/controls/account-control';
import type { SocketLike } from '../src/live';
import { ValueChainView } from '../src/views/valuechain';
import { ACTOR_HL_LAYER, FLOW_HL_LAYER } from '../src/views/valuechain/map-layers';
import { fakeMap } from './fake-map';
import { fakeWindow } from './fake-window';
import { chain } from './valuechain-fixture';
import { OverlayRegistry } from '../src/core/overlays';

class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  closed = false;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.closed = true;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
    this.receive({ type: 'subscribed', last_event_id: 0, topics: ['valuechains'] });
  }
  receive(msg: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }
}

/** The fake map with what this view also calls: resize, fitBounds, setFilter, GeoJSON setData. */
function chainMap() {
  const map = fakeMap();
  const filters = new Map<string, unknown>();
  const add = map.addSource.bind(map);
  const data = new Map<string, unknown>();
  return Object.assign(map, {
    filters,
    data,
    resize: vi.fn(),
    fitBounds: vi.fn(),
    getCanvas: () => document.createElement('canvas'),
    setFilter: (id: string, f: unknown) => void filters.set(id, f),
    addSource(id: string, spec: { data?: unknown }) {
      add(id, spec);
      data.set(id, spec.data);
      (spec as { setData?: unknown }).setData = (d: unknown) => data.set(id, d);
      return map;
    },
    queryRenderedFeatures: () => [],
  });
}

/** A server with the Bhairab chain, counting the chain reads. */
function server() {
  let doc = chain();
  const reads = { chain: 0 };
  const fetchMock = vi.fn(async (url: string) => {
    if (url === '/api/valuechains/bhairab-footwear') {
      reads.chain++;
      return new Response(JSON.stringify(doc), { status: 200 });
    }
    if (url === '/api/valuechains?cluster=C-9') return new Response(JSON.stringify({ chains: [] }), { status: 200 });
    if (url === '/api/valuechains?sector=footwear_leather&admin=BD3048') return new Response(JSON.stringify({ chains: [{ ...doc.chain, actors: 10, links: 10 }] }), { status: 200 });
    if (url.startsWith('/api/valuechains?cluster=C-1')) return new Response(JSON.stringify({ chains: [{ ...doc.chain, actors: 10, links: 10 }] }), { status: 200 });
    if (url === '/api/valuechains/nope') return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no value chain "nope"' } }), { status: 404 });
    return new Response('{}', { status: 404 });
  });
  vi.stubGlobal('fetch', fetchMock);
  return { reads, set: (d: ReturnType<typeof chain>) => (doc = d), fetchMock };
}

function setup(hash: string) {
  const map = chainMap();
  map.addLayer({ id: 'background' });
  const win = fakeWindow(hash);
  const router = new Router(win);
  const i18n = new I18n();
  const session = new Session();
  const account = new AccountControl(i18n, session);
  const root = document.createElement('div');
  const sockets: FakeSocket[] = [];
  let shown: ValueChainView | null = null;
  const blank: View = { params: [], mount: () => {}, unmount: () => {} };
  const views = new ViewRegistry({
    explore: async () => ({ createView: () => blank }),
    valuechain: async () => ({
      createView: () => (shown = new ValueChainView({ headless: true, createSocket: (url) => (sockets[sockets.length] = new FakeSocket(url)) })),
    }),
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
  return { map, win, router, host, root, i18n, sockets, view: () => shown!, settled: () => pending };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.unstubAllGlobals());

describe('value-chain view', () => {
  it('draws graph, Sankey and map layers by slot, and leaves nothing behind when switched away', async () => {
    server();
    const t = setup('#z=7&lon=90&lat=23');
    await t.host.show(t.router.current);
    const before = { map: t.map.snapshot(), page: t.root.innerHTML, cls: t.root.className };
    t.win.setHash('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear');
    await t.settled();
    await flush();
    const v = t.view();
    expect(t.root.querySelector('.vc-pane')!.getAttribute('data-state')).toBe('ready');
    expect(t.root.classList.contains('vc-split')).toBe(true);
    expect(t.map.snapshot().layers).toEqual([
      'background',
      ...['divisions', 'districts', 'upazilas', 'unions'].map((l) => `${l}-fill`),
      'vc-flow-lines',
      'vc-actor-points',
      ...['unions', 'upazilas', 'districts', 'divisions'].map((l) => `${l}-line`),
      'vc-flow-highlight',
      'vc-actor-highlight',
    ]);
    expect(v.graph!.cy.nodes('.actor').length).toBe(10);
    expect(t.root.querySelectorAll('.vc-sankey-node').length).toBe(8);
    expect([...t.root.querySelectorAll('.vc-notes li')].map((li) => li.textContent)).toEqual([
      'Missing stage: no Processors in this chain.',
      'Missing stage: no Exporters in this chain.',
    ]);
    expect(t.root.querySelector('.vc-synthetic')!.textContent).toBe('Synthetic demo data');
    expect([...t.root.querySelectorAll<HTMLAnchorElement>('.vc-export')].map((a) => a.getAttribute('href'))).toEqual([
      '/api/valuechains/bhairab-footwear?format=graphml',
      '/api/valuechains/bhairab-footwear?format=geojson',
      '/api/valuechains/bhairab-footwear?format=csv',
    ]);
    expect(v.times!.actors).toBe(10);
    // The map shows the located actors (the hash's camera did not hold them all).
    expect(t.map.fitBounds).toHaveBeenCalledWith([90.37, 23.71, 90.995, 24.06], expect.objectContaining({ padding: 60 }));
    expect(t.sockets[0].url).toMatch(/\/ws$/);

    t.win.setHash('#z=7&lon=90&lat=23');
    await t.settled();
    expect({ map: t.map.snapshot(), page: t.root.innerHTML, cls: t.root.className }).toEqual(before);
    expect(t.sockets[0].closed).toBe(true);
    expect((window as unknown as Record<string, unknown>).__gucchoValueChain).toBeUndefined();
  });

  it('keeps the camera of a saved view that the map is still flying to, when the chain fits where it lands', async () => {
    server();
    // Mid-flight the map shows somewhere else; where it lands holds every located actor.
    let moving = true;
    const t = setup('#z=7&lon=90&lat=23');
    Object.assign(t.map, {
      isMoving: () => moving,
      once(type: string, fn: () => void) {
        const once = () => {
          t.map.off(type, once);
          fn();
        };
        t.map.on(type, once);
      },
      getBounds: () => ({ contains: ([lon, lat]: [number, number]) => !moving && lon > 90 && lon < 91.5 && lat > 23 && lat < 24.5 }),
    });
    await t.host.show(t.router.current);
    t.win.setHash('#view=valuechain&z=8&lon=90.7&lat=23.9&chain=bhairab-footwear');
    await flush();
    await flush();
    expect(t.map.fitBounds).not.toHaveBeenCalled();
    t.map.fire('moveend'); // a resize in mid-flight
    await flush();
    expect(t.map.fitBounds).not.toHaveBeenCalled();
    moving = false;
    t.map.fire('moveend');
    await t.settled();
    await flush();
    expect(t.root.querySelector('.vc-pane')!.getAttribute('data-state')).toBe('ready');
    expect(t.map.fitBounds).not.toHaveBeenCalled();
  });

  it('a tap in the graph lights the actor in the map and the Sankey, opens its panel and writes the hash', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear');
    await t.host.show(t.router.current);
    await flush();
    t.view().graph!.cy.getElementById('paikar').emit('tap');
    expect(t.map.filters.get(ACTOR_HL_LAYER)).toEqual(['in', ['get', 'id'], ['literal', ['paikar']]]);
    expect(t.map.filters.get(FLOW_HL_LAYER)).toEqual(['in', ['get', 'id'], ['literal', ['l4', 'l5', 'l7']]]);
    expect([...t.root.querySelectorAll<SVGGElement>('.vc-sankey-node.hl')].map((g) => g.dataset.id)).toEqual(['paikar']);
    expect(t.root.querySelector('.vc-panel-title')!.textContent).toBe('Paikar (collector)');
    expect(t.win.location.hash).toContain('actor=paikar');
    t.i18n.setLang('bn');
    expect(t.root.querySelector('.vc-panel-title')!.textContent).toBe('পাইকার');
    expect(t.view().graph!.cy.getElementById('paikar').data('label')).toBe('পাইকার');
  });

  it('opens the selection the hash names, and follows Back to another selection', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear&link=l8');
    await t.host.show(t.router.current);
    await flush();
    expect(t.view().graph!.lit()).toEqual({ actors: ['dhaka', 'shop'], links: ['l8'] });
    t.win.setHash('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear&actor=w3');
    await t.settled();
    expect(t.view().graph!.lit().actors).toEqual(['w3']);
  });

  it('reloads on a valuechains.changed event for its chain, not for another', async () => {
    const s = server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear&actor=w1');
    await t.host.show(t.router.current);
    await flush();
    const sock = t.sockets[0];
    sock.open();
    expect(sock.sent[0]).toMatchObject({ type: 'subscribe', topics: ['valuechains'] });
    const changed = chain();
    changed.actors.find((a) => a.id === 'w1')!.name = 'Workshop One';
    s.set(changed);
    vi.useFakeTimers();
    sock.receive({ type: 'event', event: { id: 5, type: 'valuechains.changed', payload: { action: 'updated', chain: 'other' } } });
    vi.advanceTimersByTime(200);
    expect(s.reads.chain).toBe(1);
    sock.receive({ type: 'event', event: { id: 6, type: 'valuechains.changed', payload: { action: 'updated', chain: 'bhairab-footwear' } } });
    vi.advanceTimersByTime(200);
    vi.useRealTimers();
    await flush();
    await flush();
    expect(s.reads.chain).toBe(2);
    expect(t.view().graph!.cy.getElementById('w1').data('label')).toBe('Workshop One');
    expect(t.root.querySelector('.vc-panel-title')!.textContent).toBe('Workshop One');
  });

  it('reloads after the form closes when a change arrives while an editor fills one in', async () => {
    const s = server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&chain=bhairab-footwear&actor=w1');
    await t.host.show(t.router.current);
    await flush();
    const sock = t.sockets[0];
    sock.open();
    t.view().panel!.startNew('actor');
    vi.useFakeTimers();
    sock.receive({ type: 'event', event: { id: 7, type: 'valuechains.changed', payload: { action: 'updated', chain: 'bhairab-footwear' } } });
    vi.advanceTimersByTime(3000);
    expect(s.reads.chain).toBe(1);
    t.root.querySelector<HTMLButtonElement>('.vc-cancel')!.click();
    vi.advanceTimersByTime(1100);
    vi.useRealTimers();
    await flush();
    expect(s.reads.chain).toBe(2);
  });

  it('opens a cluster’s only chain from #view=valuechain&cluster=', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&cluster=C-1');
    await t.host.show(t.router.current);
    await flush();
    await flush();
    expect(t.win.location.hash).toContain('chain=bhairab-footwear');
    expect(t.view().doc!.chain.id).toBe('bhairab-footwear');
  });

  it('falls back to the chain of the cluster’s sector in its area when no chain names the cluster', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&cluster=C-9&sector=footwear_leather&admin=BD3048');
    await t.host.show(t.router.current);
    await flush();
    await flush();
    expect(t.win.location.hash).toContain('chain=bhairab-footwear');
  });

  it('says so when a cluster has no chain', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&cluster=C-9');
    await t.host.show(t.router.current);
    expect(t.root.querySelector('.vc-status')!.textContent).toBe('No value chain is stored for this cluster.');
  });

  it('shows a missing chain’s error in the interface language', async () => {
    server();
    const t = setup('#view=valuechain&z=7&lon=90&lat=23&chain=nope');
    t.i18n.setLang('bn');
    await t.host.show(t.router.current);
    expect(t.root.querySelector('.vc-pane')!.getAttribute('data-state')).toBe('error');
    expect(t.root.querySelector('.vc-status')!.textContent).toBe('মূল্য শৃঙ্খল আনা যায়নি: খুঁজে পাওয়া যায়নি।');
  });
});

describe('loading', () => {
  it('keeps Cytoscape and d3 out of the first page: only the view imports them, and the shell loads the view with import()', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const src = join(__dirname, '..', 'src');
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
    const heavy = /from '(cytoscape|d3-[a-z]+)'/;
    const importers = files.filter((f) => heavy.test(readFileSync(join(src, f), 'utf8'))).map((f) => f.split(/[\\/]/).slice(0, 2).join('/'));
    expect(new Set(importers)).toEqual(new Set(['views/valuechain']));
    const staticImports = files.filter((f) => !f.startsWith(join('views', 'valuechain')) && /^import[^(]*from '[./]*views\/valuechain/m.test(readFileSync(join(src, f), 'utf8')));
    expect(staticImports).toEqual([]);
    expect(readFileSync(join(src, 'app.ts'), 'utf8')).toContain("valuechain: () => import('./views/valuechain')");
  });
});
