// LiveMap keeps an open map current from the websocket of events: it
// subscribes LiveClient to the enterprises around the view (and the sector
// filter), and on each enterprises.changed reloads only the enterprise tiles
// the change touched (map.refreshTiles; a touched tile whose first load is
// still in flight is refreshed again when that load ends, since refreshTiles
// passes over loading tiles), refreshes the counts, the open
// popup, and marks the changed places with a short pulse. A reset (the
// server's log no longer reaches back to us) and boundaries.replaced reload
// the sources in place, never the page.

import { Marker, type Map as MapLibreMap, type VectorTileSource } from 'maplibre-gl';
import type { BBox, LonLat } from '../../api';
import { ENTERPRISE_SOURCE } from './enterprise-layers';
import type { EnterpriseChange, LiveClient, LiveEvent, LiveFilter } from '../../live';
import { affectedTiles, type TileID } from './live-tiles';

/** Waits that batch work: replayed events arrive in bursts, counts need not follow every one. */
const FLUSH_MS = 50;
const STATS_MS = 300;
const PULSE_MS = 1600;
const MAX_PULSES = 30;
/** Deepest zoom of the enterprises source (the server's maxzoom). */
const SOURCE_MAX_ZOOM = 14;

/** What LiveMap changes besides the map. */
export interface LiveTargets {
  /** Reloads the enterprises source from a fresh TileJSON (after a reset). */
  reloadEnterprises(): void | Promise<void>;
  /** Reloads the admin sources (boundaries were replaced). */
  reloadAdmin(): void;
  /** Refetches the sector counts. */
  refreshStats(): void | Promise<void>;
  /** The enterprise whose popup is open, if any. */
  openEnterprise(): string | null;
  /** Refetches the open popup's enterprise; closes the popup when gone. */
  refreshPopup(deleted: boolean): void;
  /** The sector filter (null: all). */
  sectors(): readonly string[] | null;
  /** The topics to subscribe to (imports for editors). */
  topics(): string[];
}

/**
 * The bbox the subscription covers: the view grown by its own size on each
 * side (and by at least one tile of the zoom shown), so that every loaded
 * tile, and those a short pan brings in, lies inside it.
 */
export function subscriptionBBox(view: BBox, zoom: number): BBox {
  const tile = 360 / 2 ** Math.max(0, Math.floor(zoom) - 1);
  const dx = Math.max(view[2] - view[0], tile);
  const dy = Math.max(view[3] - view[1], tile);
  const r = (v: number) => Math.round(v * 1e4) / 1e4;
  return [r(Math.max(-180, view[0] - dx)), r(Math.max(-85, view[1] - dy)), r(Math.min(180, view[2] + dx)), r(Math.min(85, view[3] + dy))];
}

/** Whether inner lies inside outer. */
export function contains(outer: BBox, inner: BBox): boolean {
  return inner[0] >= outer[0] && inner[1] >= outer[1] && inner[2] <= outer[2] && inner[3] <= outer[3];
}

/** The merged tile list of several changes, or "all". */
export function mergeTiles(lists: (TileID[] | 'all')[]): TileID[] | 'all' {
  const out = new Map<string, TileID>();
  for (const l of lists) {
    if (l === 'all') return 'all';
    for (const t of l) out.set(`${t.z}/${t.x}/${t.y}`, t);
  }
  return [...out.values()];
}

/** The map's view as a bbox. */
function viewBBox(map: MapLibreMap): BBox {
  const b = map.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}

/**
 * MapLibre keeps tiles that left the view in a memory cache and shows them
 * again without asking the server; refreshTiles does not reach them. This
 * drops the cached enterprise tiles that keep fails for, through MapLibre's
 * internal tile manager, when this MapLibre version has it (6.x); otherwise
 * it does nothing and such a tile is at most as stale as its HTTP expiry.
 */
export function dropCachedTiles(map: MapLibreMap, sourceId: string, keep: (t: TileID) => boolean): void {
  type Cached = { tileID: { canonical: TileID } };
  const manager = (map as unknown as { style?: { tileManagers?: Record<string, { _outOfViewCache?: { filter(fn: (t: Cached) => boolean): void } }> } })
    .style?.tileManagers?.[sourceId];
  manager?._outOfViewCache?.filter?.((t) => keep(t.tileID.canonical));
}

export class LiveMap {
  private subscribed: BBox | null = null;
  private pending: EnterpriseChange[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private statsTimer: ReturnType<typeof setTimeout> | undefined;
  private everSubscribed = false;
  private tilesBeforeLive = false;
  private readonly off: (() => void)[] = [];
  /** Enterprise tiles whose first load is in flight: MapLibre's tile key → canonical z/x/y. */
  private readonly loading = new Map<string, string>();
  /** Keys of loading tiles that a change touched: refreshed once their load ends. */
  private readonly staleOnLoad = new Set<string>();

  constructor(
    private readonly map: MapLibreMap,
    private readonly live: LiveClient,
    private readonly targets: LiveTargets,
    /** Marks one changed place for a moment (an HTML pulse by default). */
    private readonly mark: (at: LonLat) => void = (at) => pulseAt(map, at),
  ) {
    this.off.push(
      live.on('event', (ev) => this.handleEvent(ev)),
      live.on('reset', () => this.reloadAll()),
      live.on('subscribed', () => this.handleSubscribed()),
    );
    map.on('moveend', this.handleMove);
    map.on('sourcedata', this.handleSourceData);
    map.on('sourcedataloading', this.handleTileLoading);
    map.on('sourcedataabort', this.handleTileGone);
    map.on('error', this.handleTileGone);
    this.off.push(
      () => map.off('moveend', this.handleMove),
      () => map.off('sourcedata', this.handleSourceData),
      () => map.off('sourcedataloading', this.handleTileLoading),
      () => map.off('sourcedataabort', this.handleTileGone),
      () => map.off('error', this.handleTileGone),
    );
  }

  /** The filter for the current view, sectors and role. */
  filter(): LiveFilter {
    this.subscribed = subscriptionBBox(viewBBox(this.map), this.map.getZoom());
    return { topics: this.targets.topics(), bbox: this.subscribed, sectors: this.targets.sectors() };
  }

  /** Sends the current filter (after a change of sectors or role). */
  resubscribe(): void {
    this.live.subscribe(this.filter());
  }

  /** Applies changes at once instead of after the short batching wait (tests, and a save made while offline). */
  apply(change: EnterpriseChange): void {
    this.pending.push(change);
    this.flush();
  }

  remove(): void {
    for (const f of this.off.splice(0)) f();
    clearTimeout(this.flushTimer);
    clearTimeout(this.statsTimer);
  }

  private handleMove = (): void => {
    const view = viewBBox(this.map);
    if (this.subscribed && contains(this.subscribed, view)) {
      // Still well inside what we listen to, unless the zoom went far out.
      const wanted = subscriptionBBox(view, this.map.getZoom());
      if (contains(this.subscribed, wanted) && this.area(this.subscribed) < 16 * this.area(wanted)) return;
    }
    const before = this.subscribed;
    this.resubscribe();
    const now = this.subscribed!;
    // Cached tiles outside the new subscription would no longer hear of changes.
    if (before) dropCachedTiles(this.map, ENTERPRISE_SOURCE, (t) => contains(now, tileBBox(t)));
  };

  private area(b: BBox): number {
    return (b[2] - b[0]) * (b[3] - b[1]);
  }

  private handleSourceData = (e: TileEvent): void => {
    if (e.sourceId !== ENTERPRISE_SOURCE || !e.tile) return;
    if (!this.everSubscribed) this.tilesBeforeLive = true;
    const key = e.tile.tileID?.key;
    if (key === undefined) return;
    const canonical = this.loading.get(key);
    this.loading.delete(key);
    if (canonical !== undefined && this.staleOnLoad.delete(key)) {
      // Its request left before the change reached the store: fetch it again.
      this.map.refreshTiles(ENTERPRISE_SOURCE, [parseTileKey(canonical)]);
    }
  };

  private handleTileLoading = (e: TileEvent): void => {
    const id = e.tile?.tileID;
    if (e.sourceId === ENTERPRISE_SOURCE && id?.key !== undefined && id.canonical) this.loading.set(id.key, tileKey(id.canonical));
  };

  /** A load that ended without data (aborted, or failed: refreshTiles reloads errored tiles itself). */
  private handleTileGone = (e: object): void => {
    const { sourceId, tile } = e as TileEvent;
    const key = tile?.tileID?.key;
    if (sourceId !== ENTERPRISE_SOURCE || key === undefined) return;
    this.loading.delete(key);
    this.staleOnLoad.delete(key);
  };

  private handleSubscribed(): void {
    if (!this.everSubscribed && this.tilesBeforeLive) {
      // Tiles loaded before the first subscription may predate a change
      // the server will not replay (we had no event id to send yet).
      this.refresh('all');
    }
    this.everSubscribed = true;
  }

  private handleEvent(ev: LiveEvent): void {
    if (ev.type === 'enterprises.changed' && ev.payload) {
      this.pending.push(ev.payload as EnterpriseChange);
      clearTimeout(this.flushTimer);
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_MS);
    } else if (ev.type === 'boundaries.replaced') {
      this.targets.reloadAdmin();
      this.reloadAll();
    }
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    const changes = this.pending.splice(0);
    if (!changes.length) return;
    const view = subscriptionBBox(viewBBox(this.map), this.map.getZoom());
    const maxZoom = Math.min(SOURCE_MAX_ZOOM, Math.ceil(this.map.getZoom()) + 1);
    // Points name their tiles at every zoom; a bbox is listed only down to just below the zoom shown.
    this.refresh(mergeTiles(changes.map((c) => affectedTiles(c, view, c.points?.length ? SOURCE_MAX_ZOOM : maxZoom))));
    this.scheduleStats();

    const open = this.targets.openEnterprise();
    if (open) {
      const touching = changes.filter((c) => (c.ids ? c.ids.includes(open) : c.action === 'imported'));
      if (touching.length) this.targets.refreshPopup(touching[touching.length - 1].action === 'deleted');
    }
    this.pulse(changes.flatMap((c) => c.points ?? []));
  }

  private refresh(tiles: TileID[] | 'all'): void {
    if (!this.map.getSource(ENTERPRISE_SOURCE)) return;
    if (tiles === 'all') {
      this.map.refreshTiles(ENTERPRISE_SOURCE); // reloads every tile, loading ones too, and empties the cache
      this.staleOnLoad.clear();
      return;
    }
    if (!tiles.length) return;
    this.map.refreshTiles(ENTERPRISE_SOURCE, tiles);
    const touched = new Set(tiles.map(tileKey));
    for (const [key, canonical] of this.loading) if (touched.has(canonical)) this.staleOnLoad.add(key);
    dropCachedTiles(this.map, ENTERPRISE_SOURCE, (t) => !touched.has(tileKey(t)));
  }

  private scheduleStats(): void {
    clearTimeout(this.statsTimer);
    this.statsTimer = setTimeout(() => void this.targets.refreshStats(), STATS_MS);
  }

  private reloadAll(): void {
    void this.targets.reloadEnterprises();
    this.scheduleStats();
    if (this.targets.openEnterprise()) this.targets.refreshPopup(false);
  }

  /** Marks the changed places in view. */
  private pulse(points: LonLat[]): void {
    const bounds = this.map.getBounds();
    for (const p of points.filter((q) => bounds.contains(q)).slice(0, MAX_PULSES)) this.mark(p);
  }
}

/** The parts of a MapLibre source event LiveMap reads. */
interface TileEvent {
  sourceId?: string;
  tile?: { tileID?: { key?: string; canonical?: TileID } };
}

const tileKey = (t: TileID) => `${t.z}/${t.x}/${t.y}`;

function parseTileKey(key: string): TileID {
  const [z, x, y] = key.split('/').map(Number);
  return { z, x, y };
}

/**
 * A short expanding ring at a place (a fading one for reduced motion). An
 * HTML marker rather than feature-state: it shows deletions and the old
 * place of a move too, and cells as well as points.
 */
export function pulseAt(map: MapLibreMap, at: LonLat): void {
  const reduced = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
  const el = document.createElement('div');
  el.className = 'live-pulse' + (reduced ? ' reduced' : '');
  el.setAttribute('aria-hidden', 'true');
  const marker = new Marker({ element: el }).setLngLat(at).addTo(map);
  setTimeout(() => marker.remove(), PULSE_MS);
}

/** The lon/lat bbox of a tile. */
export function tileBBox(t: TileID): BBox {
  const n = 2 ** t.z;
  const lon = (x: number) => (x / n) * 360 - 180;
  const lat = (y: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [lon(t.x), lat(t.y + 1), lon(t.x + 1), lat(t.y)];
}

/** Reloads the admin sources from their TileJSON (whose ?v= moves with the data). */
export function reloadTileJSONSources(map: MapLibreMap, ids: readonly string[]): void {
  for (const id of ids) {
    const s = map.getSource<VectorTileSource>(id);
    if (s?.url) s.setUrl(s.url);
  }
}
