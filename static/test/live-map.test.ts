import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import type { BBox, LonLat } from '../src/api';
import { LiveClient, type LiveEvent, type SocketLike } from '../src/live';
import { contains, dropCachedTiles, LiveMap, mergeTiles, subscriptionBBox, tileBBox, type LiveTargets } from '../src/views/explore/live-map';

/** The parts of a MapLibre map LiveMap uses, over a view around Bhairab at z14. */
function fakeMap(view: BBox = [90.97, 24.03, 91.01, 24.07], zoom = 14) {
  const handlers = new Map<string, ((e: unknown) => void)[]>();
  const cached: { tileID: { canonical: { z: number; x: number; y: number } } }[] = [];
  const map = {
    view,
    zoom,
    refreshTiles: vi.fn(),
    getSource: vi.fn(() => ({})),
    getZoom: () => map.zoom,
    getBounds: () => ({
      getWest: () => map.view[0],
      getSouth: () => map.view[1],
      getEast: () => map.view[2],
      getNorth: () => map.view[3],
      contains: ([lon, lat]: LonLat) => lon >= map.view[0] && lon <= map.view[2] && lat >= map.view[1] && lat <= map.view[3],
    }),
    on: (type: string, fn: (e: unknown) => void) => handlers.set(type, [...(handlers.get(type) ?? []), fn]),
    off: vi.fn(),
    fire: (type: string, e: unknown = {}) => handlers.get(type)?.forEach((fn) => fn(e)),
    style: {
      tileManagers: {
        enterprises: {
          _outOfViewCache: {
            filter(fn: (t: (typeof cached)[number]) => boolean) {
              for (let i = cached.length - 1; i >= 0; i--) if (!fn(cached[i])) cached.splice(i, 1);
            },
          },
        },
      },
    },
    cached,
  };
  return map;
}

class Socket implements SocketLike {
  readyState = 1;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  sent: Record<string, unknown>[] = [];
  send(d: string) {
    this.sent.push(JSON.parse(d));
  }
  close() {}
  receive(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) } as MessageEvent);
  }
}

function setup(map = fakeMap()) {
  let socket!: Socket;
  const live = new LiveClient({ url: () => 'ws://x/ws', createSocket: () => (socket = new Socket()), online: () => true });
  let openID: string | null = null;
  const targets: LiveTargets = {
    reloadEnterprises: vi.fn(),
    reloadAdmin: vi.fn(),
    refreshStats: vi.fn(),
    openEnterprise: () => openID,
    refreshPopup: vi.fn(),
    sectors: () => ['dairy'],
    topics: () => ['enterprises', 'admin'],
  };
  const marks: LonLat[] = [];
  const liveMap = new LiveMap(map as unknown as MapLibreMap, live, targets, (p) => marks.push(p));
  live.subscribe(liveMap.filter());
  live.start();
  socket.onopen?.(new Event('open'));
  const event = (ev: LiveEvent) => socket.receive({ type: 'event', event: ev });
  return { map, live, socket: () => socket, targets, marks, liveMap, event, setOpen: (id: string | null) => (openID = id) };
}

const refreshed = (map: ReturnType<typeof fakeMap>) =>
  (map.refreshTiles.mock.calls as unknown as [string, { z: number; x: number; y: number }[]?][]).map(([src, ids]) => [src, ids?.map((t) => `${t.z}/${t.x}/${t.y}`)]);

describe('subscriptionBBox', () => {
  it('grows the view by its size on each side, and by a tile at least', () => {
    expect(subscriptionBBox([90, 23, 91, 24], 11)).toEqual([89, 22, 92, 25]);
    // At z14 the view is smaller than a z13 tile (0.0439°).
    const b = subscriptionBBox([90.99, 24.04, 91, 24.05], 14);
    expect(b[2] - b[0]).toBeCloseTo(0.01 + 2 * 0.0439, 3);
    expect(subscriptionBBox([-179, -80, 179, 80], 1)).toEqual([-180, -85, 180, 85]);
  });

  it('contains and tileBBox agree', () => {
    expect(contains([0, 0, 10, 10], [1, 1, 2, 2])).toBe(true);
    expect(contains([0, 0, 10, 10], [1, 1, 12, 2])).toBe(false);
    const [w, s, e, n] = tileBBox({ z: 1, x: 1, y: 0 });
    expect([w, e, n]).toEqual([0, 180, expect.closeTo(85.0511, 3)]);
    expect(s).toBeCloseTo(0);
  });

  it('merges tile lists, all winning', () => {
    expect(mergeTiles([[{ z: 1, x: 0, y: 0 }], [{ z: 1, x: 0, y: 0 }, { z: 2, x: 1, y: 1 }]])).toHaveLength(2);
    expect(mergeTiles([[{ z: 1, x: 0, y: 0 }], 'all'])).toBe('all');
  });
});

describe('LiveMap', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('subscribes with the bbox around the view and the sectors', () => {
    const t = setup();
    const [msg] = t.socket().sent;
    expect(msg).toMatchObject({ type: 'subscribe', topics: ['enterprises', 'admin'], sectors: ['dairy'], last_event_id: 0 });
    expect(contains(msg.bbox as BBox, t.map.view)).toBe(true);
  });

  it('reloads only the tiles holding the changed points, once for a burst, then the counts', async () => {
    const t = setup();
    t.socket().receive({ type: 'subscribed', last_event_id: 1 });
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'created', count: 1, ids: ['a'], points: [[90.99, 24.05]] } });
    t.event({ id: 3, type: 'enterprises.changed', payload: { action: 'updated', count: 1, ids: ['b'], points: [[90.98, 24.04], [90.985, 24.045]] } });
    expect(t.map.refreshTiles).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(60);
    const calls = refreshed(t.map);
    expect(calls).toHaveLength(1);
    const [src, ids] = calls[0];
    expect(src).toBe('enterprises');
    expect(ids).toEqual(expect.arrayContaining(['14/12333/7063', '0/0/0', '8/192/110']));
    expect(new Set(ids).size).toBe(ids!.length);
    expect(t.marks).toEqual([[90.99, 24.05], [90.98, 24.04], [90.985, 24.045]]);
    expect(t.targets.refreshStats).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.targets.refreshStats).toHaveBeenCalledTimes(1);
  });

  it('drops the changed tiles from MapLibre’s cache of tiles out of view', async () => {
    const t = setup();
    t.map.cached.push({ tileID: { canonical: { z: 14, x: 12333, y: 7063 } } }, { tileID: { canonical: { z: 14, x: 1, y: 1 } } });
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'deleted', count: 1, ids: ['a'], points: [[90.99, 24.05]] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.map.cached.map((c) => c.tileID.canonical.x)).toEqual([1]);
  });

  it('reloads the whole source for an import too large to list', async () => {
    const t = setup(fakeMap([88, 20.5, 92.7, 26.7], 14));
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'imported', count: 5000, bbox: [88, 20.5, 92.7, 26.7] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(refreshed(t.map)).toEqual([['enterprises', undefined]]);
  });

  it('ignores a change far from the view', async () => {
    const t = setup();
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'imported', count: 500, bbox: [88, 21, 88.5, 21.5] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.map.refreshTiles).not.toHaveBeenCalled();
  });

  it('refetches the open popup when its enterprise changed, and closes it when deleted', async () => {
    const t = setup();
    t.setOpen('b');
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'updated', count: 1, ids: ['a'], points: [] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.targets.refreshPopup).not.toHaveBeenCalled();
    t.event({ id: 3, type: 'enterprises.changed', payload: { action: 'updated', count: 1, ids: ['b'], points: [[90.99, 24.05]] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.targets.refreshPopup).toHaveBeenLastCalledWith(false);
    t.event({ id: 4, type: 'enterprises.changed', payload: { action: 'deleted', count: 1, ids: ['b'], points: [[90.99, 24.05]] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.targets.refreshPopup).toHaveBeenLastCalledWith(true);
  });

  it('reloads sources in place on a reset, and the admin layers when boundaries were replaced', async () => {
    const t = setup();
    t.setOpen('b');
    t.socket().receive({ type: 'reset', reason: 'too old' });
    expect(t.targets.reloadEnterprises).toHaveBeenCalledTimes(1);
    expect(t.targets.refreshPopup).toHaveBeenCalledWith(false);
    t.event({ id: 9, type: 'boundaries.replaced' });
    expect(t.targets.reloadAdmin).toHaveBeenCalledTimes(1);
    expect(t.targets.reloadEnterprises).toHaveBeenCalledTimes(2);
  });

  it('reloads tiles loaded before the first subscription, which no replay covers', () => {
    const t = setup();
    t.map.fire('sourcedata', { sourceId: 'enterprises', tile: {} });
    t.socket().receive({ type: 'subscribed', last_event_id: 7 });
    expect(refreshed(t.map)).toEqual([['enterprises', undefined]]);
  });

  it('subscribes anew when the view leaves the area it listens to', () => {
    const t = setup();
    t.map.view = [90.98, 24.04, 91.0, 24.06]; // still inside
    t.map.fire('moveend');
    expect(t.socket().sent).toHaveLength(1);
    t.map.cached.push({ tileID: { canonical: { z: 14, x: 12333, y: 7063 } } }, { tileID: { canonical: { z: 5, x: 23, y: 13 } } });
    t.map.view = [91.8, 22.3, 91.84, 22.34]; // Chattogram
    t.map.fire('moveend');
    expect(t.socket().sent).toHaveLength(2);
    const bbox = t.socket().sent[1].bbox as BBox;
    expect(contains(bbox, t.map.view)).toBe(true);
    expect(t.socket().sent[1]).not.toHaveProperty('last_event_id');
    // Cached tiles outside the new area would miss changes: dropped.
    expect(t.map.cached).toEqual([]);
  });

  it('refreshes a touched tile whose first load was in flight once that load ends', async () => {
    const t = setup();
    const inTile = (key: string, x: number) => ({ sourceId: 'enterprises', tile: { tileID: { key, canonical: { z: 14, x, y: 7063 } } } });
    t.map.fire('sourcedataloading', inTile('k-touched', 12333));
    t.map.fire('sourcedataloading', inTile('k-other', 12000));
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'created', count: 1, ids: ['a'], points: [[90.99, 24.05]] } });
    await vi.advanceTimersByTimeAsync(60);
    expect(t.map.refreshTiles).toHaveBeenCalledTimes(1); // MapLibre passes over the loading tile here
    t.map.fire('sourcedata', inTile('k-other', 12000));
    expect(t.map.refreshTiles).toHaveBeenCalledTimes(1);
    t.map.fire('sourcedata', inTile('k-touched', 12333));
    expect(refreshed(t.map)[1]).toEqual(['enterprises', ['14/12333/7063']]);
    // Its second load ends the matter.
    t.map.fire('sourcedata', inTile('k-touched', 12333));
    expect(t.map.refreshTiles).toHaveBeenCalledTimes(2);
  });

  it('forgets a loading tile that was aborted', async () => {
    const t = setup();
    const tile = { sourceId: 'enterprises', tile: { tileID: { key: 'k', canonical: { z: 14, x: 12333, y: 7063 } } } };
    t.map.fire('sourcedataloading', tile);
    t.event({ id: 2, type: 'enterprises.changed', payload: { action: 'created', count: 1, ids: ['a'], points: [[90.99, 24.05]] } });
    await vi.advanceTimersByTimeAsync(60);
    t.map.fire('sourcedataabort', tile);
    t.map.fire('sourcedata', tile);
    expect(t.map.refreshTiles).toHaveBeenCalledTimes(1);
  });

  it('applies a change at once when asked (a save while the socket is down)', () => {
    const t = setup();
    t.liveMap.apply({ action: 'created', count: 1, ids: ['n'], points: [[90.99, 24.05]] });
    expect(t.map.refreshTiles).toHaveBeenCalledTimes(1);
  });
});

describe('dropCachedTiles', () => {
  it('does nothing on a map without the internal cache', () => {
    expect(() => dropCachedTiles({} as MapLibreMap, 'enterprises', () => false)).not.toThrow();
  });
});
