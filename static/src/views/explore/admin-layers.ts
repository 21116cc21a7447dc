// The administrative boundary layers: one vector source per level (from the
// server's TileJSON), a fill layer for hit-testing and highlights, and a line
// layer for borders. Coarser levels stay visible as finer ones appear.

import type { AddLayerObject, SourceSpecification } from 'maplibre-gl';
import type { Level } from '../../api';
import type { LayerSink } from '../../core/layers';

export interface AdminLevel {
  level: Level;
  /** Source id, TileJSON name and MVT source-layer name. */
  id: 'divisions' | 'districts' | 'upazilas' | 'unions';
  /** The zoom from which the level is drawn. */
  minzoom: number;
}

export const ADMIN_LEVELS: readonly AdminLevel[] = [
  { level: 1, id: 'divisions', minzoom: 0 },
  { level: 2, id: 'districts', minzoom: 5.5 },
  { level: 3, id: 'upazilas', minzoom: 7.5 },
  { level: 4, id: 'unions', minzoom: 9.5 },
];

export const fillLayerId = (l: AdminLevel): string => `${l.id}-fill`;
export const lineLayerId = (l: AdminLevel): string => `${l.id}-line`;

/** The admin level of a P-code: BD10 → 1 … BD10040913 → 4. */
export function levelOfPCode(pcode: string): Level {
  return ((pcode.length - 2) / 2) as Level;
}

export function adminLevel(level: Level): AdminLevel {
  return ADMIN_LEVELS[level - 1];
}

/**
 * The numeric feature id of a unit in the tiles: level × 10^8 + the P-code's
 * digits read as a number (BD3026 → 200003026). The server's feature_id is
 * authoritative where it is at hand; this serves results that lack it.
 */
export function featureId(pcode: string): number {
  return levelOfPCode(pcode) * 100_000_000 + Number(pcode.slice(2));
}

/** The finest level drawn at zoom z. */
export function finestLevelAt(z: number): AdminLevel {
  let finest = ADMIN_LEVELS[0];
  for (const l of ADMIN_LEVELS) if (z >= l.minzoom) finest = l;
  return finest;
}

// Soft fills, one per division, keyed by division P-code.
const DIVISION_COLOURS: Record<string, string> = {
  BD10: '#cfe3e8', // Barishal
  BD20: '#e4dcef', // Chattogram
  BD30: '#f5e3c8', // Dhaka
  BD40: '#d7ead3', // Khulna
  BD45: '#f2d9de', // Mymensingh
  BD50: '#efe9c4', // Rajshahi
  BD55: '#d6e0f2', // Rangpur
  BD60: '#d3ece4', // Sylhet
};

/** The colour of admin borders (the legend of exports shows it). */
export const BORDER_COLOUR = '#5d6670';
const HOVER_COLOUR = '#2f6f8f';
const SELECTED_COLOUR = '#d9480f';

const state = (name: 'hover' | 'selected') => ['boolean', ['feature-state', name], false];

function divisionFill(): unknown {
  const match: unknown[] = ['match', ['get', 'pcode']];
  for (const [pcode, colour] of Object.entries(DIVISION_COLOURS)) match.push(pcode, colour);
  match.push('#e6e4de');
  return match;
}

// Line widths grow with the level's rank and the zoom.
const LINE_WIDTH: Record<Level, [number, number]> = { 1: [1.4, 2.6], 2: [0.8, 1.8], 3: [0.5, 1.2], 4: [0.3, 0.9] };

function layersFor(l: AdminLevel, withBaseFill: boolean): AddLayerObject[] {
  const [w0, w1] = LINE_WIDTH[l.level];
  const base = l.level === 1 && withBaseFill;
  const fill: AddLayerObject = {
    id: fillLayerId(l),
    type: 'fill',
    source: l.id,
    'source-layer': l.id,
    minzoom: l.minzoom,
    paint: {
      // Hover lightens the unit; selection tints it.
      'fill-color': ['case', state('selected'), SELECTED_COLOUR, state('hover'), '#ffffff', base ? divisionFill() : '#ffffff'],
      // A faint fill even when idle keeps every unit pickable.
      'fill-opacity': ['case', state('selected'), 0.2, state('hover'), 0.55, base ? 0.85 : 0.01],
    } as never,
  };
  const line: AddLayerObject = {
    id: lineLayerId(l),
    type: 'line',
    source: l.id,
    'source-layer': l.id,
    minzoom: l.minzoom,
    layout: { 'line-join': 'round', 'line-cap': 'round' },
    paint: {
      'line-color': ['case', state('selected'), SELECTED_COLOUR, state('hover'), HOVER_COLOUR, BORDER_COLOUR],
      'line-width': [
        'interpolate', ['linear'], ['zoom'],
        l.minzoom, ['case', state('selected'), w0 + 1.5, state('hover'), w0 + 1, w0],
        l.minzoom + 4, ['case', state('selected'), w1 + 1.5, state('hover'), w1 + 1, w1],
      ],
      'line-opacity': l.level === 1 ? 0.9 : l.level === 2 ? 0.75 : 0.6,
    } as never,
  };
  return [fill, line];
}

/**
 * Adds the admin sources and layers: fills in the admin-fill slot (below
 * enterprises), lines in the admin-lines slot (above them). With onBasemap
 * the division fills are left transparent so a basemap shows through.
 */
export function addAdminLayers(layers: LayerSink, origin: string, onBasemap: boolean): void {
  for (const l of ADMIN_LEVELS) {
    const source: SourceSpecification = { type: 'vector', url: new URL(`/tiles/${l.id}.json`, origin).href };
    layers.addSource(l.id, source);
  }
  const all = ADMIN_LEVELS.map((l) => layersFor(l, !onBasemap));
  for (const [fill] of all) layers.addLayer('admin-fill', fill);
  // Finest lines first so coarser (thicker) borders draw over them.
  for (const [, line] of [...all].reverse()) layers.addLayer('admin-lines', line);
}
