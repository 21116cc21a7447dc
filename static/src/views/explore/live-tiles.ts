// Which tiles a change touched: the web-mercator tiles (x, y, z) that hold
// any of its points, or, when it lists none (an import of more than 100),
// that intersect its bbox. MapLibre's refreshTiles then reloads those of
// them that are loaded and leaves the rest alone.

import type { BBox, LonLat } from '../../api';
import type { EnterpriseChange } from '../../live';

export interface TileID {
  z: number;
  x: number;
  y: number;
}

/** Web mercator's latitude limit. */
const MAX_LAT = 85.0511287798066;

/** A point's position in tile units at zoom z (x, y from 0 to 2^z). */
function tileCoords(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n];
}

const clampTile = (v: number, z: number) => Math.min(2 ** z - 1, Math.max(0, Math.floor(v)));
const tileX = (lon: number, z: number) => clampTile(tileCoords(lon, 0, z)[0], z);
const tileY = (lat: number, z: number) => clampTile(tileCoords(0, lat, z)[1], z);

/** The tile of zoom z that holds a point. */
export function tileOf([lon, lat]: LonLat, z: number): TileID {
  return { z, x: tileX(lon, z), y: tileY(lat, z) };
}

/**
 * How close to a tile's edge (in tiles) a point may also be drawn by the
 * neighbour: tiles carry a buffer, so symbols near an edge appear in both.
 */
export const EDGE = 1 / 16;

const key = (t: TileID) => `${t.z}/${t.x}/${t.y}`;

/**
 * The tiles of zooms minZoom…maxZoom holding any of points, each once, with
 * the neighbours whose buffer reaches a point within EDGE of their edge.
 */
export function tilesForPoints(points: readonly LonLat[], minZoom: number, maxZoom: number): TileID[] {
  const out = new Map<string, TileID>();
  for (const [lon, lat] of points) {
    if (!Number.isFinite(lon) || !Number.isFinite(lat)) continue;
    for (let z = minZoom; z <= maxZoom; z++) {
      const [fx, fy] = tileCoords(lon, lat, z);
      const xs = new Set([clampTile(fx - EDGE, z), clampTile(fx, z), clampTile(fx + EDGE, z)]);
      const ys = new Set([clampTile(fy - EDGE, z), clampTile(fy, z), clampTile(fy + EDGE, z)]);
      for (const x of xs) {
        for (const y of ys) {
          const t = { z, x, y };
          out.set(key(t), t);
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * The tiles of zooms minZoom…maxZoom that intersect bbox, each once. A zoom
 * whose count would pass limit is skipped, with every deeper one, and the
 * second result says so: the caller then reloads the whole source.
 */
export function tilesForBBox(bbox: BBox, minZoom: number, maxZoom: number, limit = 256): { tiles: TileID[]; complete: boolean } {
  const [w, s, e, n] = bbox;
  const tiles: TileID[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const x0 = tileX(w, z);
    const x1 = tileX(e, z);
    const y0 = tileY(n, z);
    const y1 = tileY(s, z);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) + tiles.length > limit) return { tiles, complete: false };
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) tiles.push({ z, x, y });
  }
  return { tiles, complete: true };
}

/** The intersection of two bboxes, or null when they do not meet. */
export function intersect(a: BBox, b: BBox): BBox | null {
  const r: BBox = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return r[0] <= r[2] && r[1] <= r[3] ? r : null;
}

/** Whether a change placed no point at all (its bbox is all zero). */
export function unplaced(c: EnterpriseChange): boolean {
  return !c.points?.length && (!c.bbox || c.bbox.every((v) => v === 0));
}

/**
 * The tiles of zooms 0…maxZoom that a change touched. With points, the
 * tiles holding them; without, the tiles that intersect both the change's
 * bbox and the region loaded tiles may cover (view), at zooms up to
 * maxZoom. "all" when there are too many to list.
 */
export function affectedTiles(c: EnterpriseChange, view: BBox, maxZoom: number): TileID[] | 'all' {
  if (c.points?.length) return tilesForPoints(c.points, 0, maxZoom);
  if (!c.bbox || unplaced(c)) return [];
  const area = intersect(c.bbox, view);
  if (!area) return [];
  const { tiles, complete } = tilesForBBox(area, 0, maxZoom);
  return complete ? tiles : 'all';
}
