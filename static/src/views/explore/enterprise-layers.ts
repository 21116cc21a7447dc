// The enterprises layer: one vector source (TileJSON /tiles/enterprises.json)
// whose source-layer "enterprises" holds two kinds of feature. Below z12 the
// server sends kind=cell, grid cells with a count and the dominant sector;
// from z12 kind=point, one enterprise each. Points placed at a display point
// inside their unit (display=true) are drawn hollow, never as a surveyed spot.
//
// The sector filter travels in the tile URL (sector=a,b), so cell counts are
// counted by the server for the chosen sectors only.

import type { AddLayerObject, Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';
import { fetchTileJSON, type TileJSON } from '../../api';
import type { LayerSink } from '../../core/layers';
import { UNKNOWN_SECTOR_COLOUR, type SectorCatalogue } from '../../sectors';

export const ENTERPRISE_SOURCE = 'enterprises';
export const CELL_LAYER = 'enterprises-cells';
export const POINT_LAYER = 'enterprises-points';
export const ENTERPRISE_LAYERS = [CELL_LAYER, POINT_LAYER] as const;

/**
 * The tile URL template with the sector filter in its query: sector=a,b for
 * a list, no sector parameter for null (all). Other parameters (v=…) stay.
 * The template's {z}/{x}/{y} are left as they are.
 */
export function withQuery(template: string, set: Record<string, string | null>): string {
  const q = template.indexOf('?');
  const base = q < 0 ? template : template.slice(0, q);
  const params = (q < 0 ? '' : template.slice(q + 1)).split('&').filter((p) => p && !(p.split('=')[0] in set));
  for (const [k, v] of Object.entries(set)) if (v !== null) params.push(`${k}=${v}`);
  return params.length ? `${base}?${params.join('&')}` : base;
}

export function withSectors(template: string, sectors: readonly string[] | null): string {
  return withQuery(template, { sector: sectors ? sectors.map(encodeURIComponent).join(',') : null });
}

/**
 * MapLibre's request hook for the app: enterprise tiles are always
 * revalidated with the server (If-None-Match, usually a 304), because a tile
 * URL does not change when a live update reloads the tile, and the browser's
 * HTTP cache would otherwise hand back the old one.
 */
export function transformRequest(url: string, resourceType?: string): { url: string; cache?: RequestCache } {
  if (resourceType === 'Tile' && new URL(url, 'http://x').pathname.startsWith(`/tiles/${ENTERPRISE_SOURCE}/`)) return { url, cache: 'no-cache' };
  return { url };
}

/** A sector's count in a cell, parsed from the compact "dairy:12,footwear_leather:3". */
export interface SectorCount {
  code: string;
  count: number;
}

/** The counts of a cell's "sectors" property, largest first; junk entries are skipped. */
export function parseSectorCounts(s: unknown): SectorCount[] {
  if (typeof s !== 'string') return [];
  const out: SectorCount[] = [];
  for (const part of s.split(',')) {
    const i = part.lastIndexOf(':');
    const code = part.slice(0, i).trim();
    const count = Number(part.slice(i + 1));
    if (i > 0 && code && Number.isFinite(count) && count > 0) out.push({ code, count });
  }
  return out.sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

const hover = ['boolean', ['feature-state', 'hover'], false];
const isDisplay = ['==', ['get', 'display'], true];

function sectorColour(catalogue: SectorCatalogue): unknown {
  if (!catalogue.sectors.length) return UNKNOWN_SECTOR_COLOUR;
  const match: unknown[] = ['match', ['get', 'sector']];
  for (const s of catalogue.sectors) match.push(s.code, catalogue.colour(s.code));
  match.push(UNKNOWN_SECTOR_COLOUR);
  return match;
}

/** Circle radius in pixels for a cell: grows with √count and with the zoom. */
function cellRadius(): unknown {
  const r = (base: number, k: number, max: number) => ['min', max, ['+', base, ['*', k, ['sqrt', ['get', 'count']]]]];
  return ['interpolate', ['linear'], ['zoom'], 4, r(2.5, 0.45, 22), 8, r(3, 0.8, 30), 11, r(4, 1.1, 36)];
}

/** The layer specifications, cells under points. */
export function enterpriseLayers(catalogue: SectorCatalogue): AddLayerObject[] {
  const colour = sectorColour(catalogue);
  return [
    {
      id: CELL_LAYER,
      type: 'circle',
      source: ENTERPRISE_SOURCE,
      'source-layer': 'enterprises',
      filter: ['==', ['get', 'kind'], 'cell'],
      paint: {
        'circle-color': colour,
        'circle-radius': cellRadius(),
        // Sparse cells recede so that clusters stand out.
        'circle-opacity': ['case', hover, 0.95, ['interpolate', ['linear'], ['get', 'count'], 1, 0.4, 30, 0.85]],
        'circle-stroke-color': ['case', hover, '#1f2933', '#ffffff'],
        'circle-stroke-width': ['case', hover, 2, ['interpolate', ['linear'], ['get', 'count'], 1, 0.5, 30, 1]],
      } as never,
    },
    {
      id: POINT_LAYER,
      type: 'circle',
      source: ENTERPRISE_SOURCE,
      'source-layer': 'enterprises',
      filter: ['==', ['get', 'kind'], 'point'],
      paint: {
        'circle-color': colour,
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 3.5, 14, 6],
        // Display points are rings: no fill, a coloured outline.
        'circle-opacity': ['case', isDisplay, 0, 0.9],
        'circle-stroke-color': ['case', hover, '#1f2933', isDisplay, colour, '#ffffff'],
        'circle-stroke-width': ['case', hover, 2.5, isDisplay, 1.8, 1],
      } as never,
    },
  ];
}

/**
 * EnterpriseLayer adds the enterprises source and layers to a map, applies
 * the sector filter to its tile URLs and reloads it after data changes.
 */
export class EnterpriseLayer {
  private tilejson?: TileJSON;
  private sectors: readonly string[] | null = null;
  private reloads = 0;

  constructor(
    private readonly map: MapLibreMap,
    private readonly catalogue: SectorCatalogue,
    /** Where the source and layers go (the enterprises slot). */
    private readonly layers: LayerSink,
  ) {}

  /** Whether the source was added (the server has an enterprises layer). */
  get added(): boolean {
    return Boolean(this.map.getSource(ENTERPRISE_SOURCE));
  }

  /**
   * Fetches the TileJSON and adds the source and layers on top of the map.
   * Resolves false when the server has no enterprises layer.
   */
  async add(): Promise<boolean> {
    try {
      this.tilejson = await fetchTileJSON('enterprises');
    } catch (err) {
      console.warn('guccho: no enterprises layer', err);
      return false;
    }
    const tj = this.tilejson;
    this.layers.addSource(ENTERPRISE_SOURCE, {
      type: 'vector',
      tiles: this.tileURLs(),
      minzoom: tj.minzoom ?? 0,
      maxzoom: tj.maxzoom ?? 14,
      ...(tj.bounds ? { bounds: tj.bounds } : {}),
      ...(tj.attribution ? { attribution: tj.attribution } : {}),
    });
    for (const layer of enterpriseLayers(this.catalogue)) this.layers.addLayer('enterprises', layer);
    this.applyVisibility();
    return true;
  }

  /** Shows only these sectors (null: all; empty: none). */
  setSectors(sectors: readonly string[] | null): void {
    this.sectors = sectors;
    this.applyVisibility();
    if (this.sectors?.length !== 0) this.applyTiles();
  }

  /**
   * Reloads the tiles after the data changed: fetches the TileJSON again
   * (its ?v= moves with the data) and, should the template not have moved,
   * adds a reload counter so no cached tile is reused.
   */
  async refresh(): Promise<void> {
    if (!this.added) {
      await this.add();
      return;
    }
    const before = this.tilejson?.tiles?.[0];
    try {
      this.tilejson = await fetchTileJSON('enterprises');
    } catch (err) {
      console.warn('guccho: could not refresh the enterprises layer', err);
    }
    if (this.tilejson?.tiles?.[0] === before) this.reloads++;
    this.applyTiles();
  }

  private tileURLs(): string[] {
    return (this.tilejson?.tiles ?? []).map((t) =>
      withQuery(withSectors(t, this.sectors), { r: this.reloads ? String(this.reloads) : null }),
    );
  }

  private applyTiles(): void {
    const source = this.map.getSource<VectorTileSource>(ENTERPRISE_SOURCE);
    source?.setTiles(this.tileURLs());
  }

  private applyVisibility(): void {
    const visibility = this.sectors?.length === 0 ? 'none' : 'visible';
    for (const id of ENTERPRISE_LAYERS) if (this.map.getLayer(id)) this.map.setLayoutProperty(id, 'visibility', visibility);
  }
}
