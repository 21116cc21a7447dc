// The classes a choropleth draws, their colours and legend keys, how a
// unit of a statistics answer falls into one, and the MapLibre expression
// that colours the admin tiles by P-code. Location quotients fall into
// fixed breaks; hot spots (Gᵢ*) into hot or cold at 99, 95 or 90 %
// confidence (only those at or above the chosen one); local Moran into its
// quadrants where significant. The map draws no text: the legend is HTML.

import type { Mode, Significance } from './params';

/** One class of a legend. */
export interface ChoroplethClass {
  /** Stable id (used in tests and the e2e run): lq-4, hot-99, HH, ns … */
  id: string;
  colour: string;
  /** Message key of its label (legend.*). */
  label: string;
}

/** A unit of a statistics answer (GET /api/stats/…). */
export interface StatsUnit {
  pcode: string;
  name_en: string;
  name_bn: string;
  value: number;
  total?: number | null;
  lq?: number | null;
  stat?: number | null;
  z?: number | null;
  p_norm?: number | null;
  p_sim?: number | null;
  p_adj?: number | null;
  quadrant?: string;
  class?: string;
}

/** The breaks of the LQ classes: below 0.8, 0.8–1.25, 1.25–2, 2 and above. */
export const LQ_BREAKS = [0.8, 1.25, 2] as const;

export const NO_DATA: ChoroplethClass = { id: 'none', colour: '#d9d9d9', label: 'legend.noData' };

export const LQ_CLASSES: readonly ChoroplethClass[] = [
  { id: 'lq-1', colour: '#f1eef6', label: 'legend.lq1' },
  { id: 'lq-2', colour: '#bdc9e1', label: 'legend.lq2' },
  { id: 'lq-3', colour: '#74a9cf', label: 'legend.lq3' },
  { id: 'lq-4', colour: '#045a8d', label: 'legend.lq4' },
];

export const GI_CLASSES: readonly ChoroplethClass[] = [
  { id: 'hot-99', colour: '#b2182b', label: 'legend.hot99' },
  { id: 'hot-95', colour: '#ef8a62', label: 'legend.hot95' },
  { id: 'hot-90', colour: '#fddbc7', label: 'legend.hot90' },
  { id: 'ns', colour: '#f7f7f7', label: 'legend.ns' },
  { id: 'cold-90', colour: '#d1e5f0', label: 'legend.cold90' },
  { id: 'cold-95', colour: '#67a9cf', label: 'legend.cold95' },
  { id: 'cold-99', colour: '#2166ac', label: 'legend.cold99' },
];

export const MORAN_CLASSES: readonly ChoroplethClass[] = [
  { id: 'HH', colour: '#d7191c', label: 'legend.HH' },
  { id: 'LH', colour: '#abd9e9', label: 'legend.LH' },
  { id: 'LL', colour: '#2c7bb6', label: 'legend.LL' },
  { id: 'HL', colour: '#fdae61', label: 'legend.HL' },
  { id: 'ns', colour: '#f7f7f7', label: 'legend.ns' },
];

/** The LQ class of a value (null: no LQ, below the minimum count). */
export function lqClass(lq: number | null | undefined): ChoroplethClass {
  if (lq === null || lq === undefined || !Number.isFinite(lq)) return NO_DATA;
  const i = LQ_BREAKS.findIndex((b) => lq < b);
  return LQ_CLASSES[i < 0 ? LQ_BREAKS.length : i];
}

/** The confidences at or above sig, strongest first (95 → 99, 95). */
const levelsFrom = (sig: Significance): Significance[] => ([99, 95, 90] as Significance[]).filter((s) => s >= sig);

/**
 * The hot-spot class of a unit: hot or cold by the sign of z at the
 * strongest confidence its adjusted p reaches, provided that is at least
 * sig; not significant otherwise; no data when z or p is undefined.
 */
export function giClass(u: Pick<StatsUnit, 'z' | 'p_adj'>, sig: Significance): ChoroplethClass {
  const { z, p_adj: p } = u;
  if (z === null || z === undefined || p === null || p === undefined || !Number.isFinite(z) || !Number.isFinite(p)) return NO_DATA;
  let reached: Significance | null = null;
  for (const s of levelsFrom(sig)) {
    if (p <= (100 - s) / 100 + 1e-12) {
      reached = s;
      break;
    }
  }
  if (reached === null || z === 0) return GI_CLASSES.find((c) => c.id === 'ns')!;
  return GI_CLASSES.find((c) => c.id === `${z > 0 ? 'hot' : 'cold'}-${reached}`)!;
}

/** The local Moran class: the quadrant where the adjusted p reaches sig, not significant otherwise. */
export function moranClass(u: Pick<StatsUnit, 'quadrant' | 'p_adj'>, sig: Significance): ChoroplethClass {
  const { quadrant: q, p_adj: p } = u;
  if (!q || p === null || p === undefined || !Number.isFinite(p)) return NO_DATA;
  if (p > (100 - sig) / 100 + 1e-12) return MORAN_CLASSES[4];
  return MORAN_CLASSES.find((c) => c.id === q) ?? NO_DATA;
}

/** The classes a mode's legend lists (the point-cluster modes have none). */
export function classesOf(mode: Mode, sig: Significance): readonly ChoroplethClass[] {
  switch (mode) {
    case 'lq':
      return [...LQ_CLASSES].reverse();
    case 'hotspots': {
      const shown = new Set(levelsFrom(sig).flatMap((s) => [`hot-${s}`, `cold-${s}`]));
      return GI_CLASSES.filter((c) => c.id === 'ns' || shown.has(c.id));
    }
    case 'moran':
      return MORAN_CLASSES;
    default:
      return [];
  }
}

/** The class of each unit of an answer, by P-code. */
export function classify(mode: Mode, units: readonly StatsUnit[], sig: Significance): Map<string, ChoroplethClass> {
  const out = new Map<string, ChoroplethClass>();
  for (const u of units) {
    const c = mode === 'lq' ? lqClass(u.lq) : mode === 'hotspots' ? giClass(u, sig) : mode === 'moran' ? moranClass(u, sig) : NO_DATA;
    out.set(u.pcode, c);
  }
  return out;
}

/**
 * The fill-colour expression of a choropleth: a match on the tile
 * feature's pcode, one arm per colour (units grouped, so the expression
 * stays small for 5,000 unions), and the no-data colour for the rest.
 */
export function fillColour(classes: ReadonlyMap<string, ChoroplethClass>): unknown {
  const byColour = new Map<string, string[]>();
  for (const [pcode, c] of classes) {
    if (c === NO_DATA) continue;
    const list = byColour.get(c.colour) ?? [];
    list.push(pcode);
    byColour.set(c.colour, list);
  }
  if (!byColour.size) return NO_DATA.colour;
  const expr: unknown[] = ['match', ['get', 'pcode']];
  for (const [colour, pcodes] of byColour) expr.push(pcodes.sort(), colour);
  expr.push(NO_DATA.colour);
  return expr;
}
