// What the value-chain view computes from a chain document, apart from any
// library: the stage columns and the band of supporters and enablers, the
// first (preset) positions of the graph, key actors and bottlenecks, the
// Sankey's nodes and links, and the map's flow lines and actor points.
// Everything here is pure, so the unit tests check it directly.

import type * as GeoJSON from 'geojson';
import type { Actor, ChainDoc, Link } from './api';

/** The operator roles, stage 1 … 7, from inputs to end markets. */
export const OPERATOR_ROLES = ['input_supplier', 'producer', 'collector', 'processor', 'wholesaler', 'retailer', 'exporter'] as const;
/** Supporters serve the operators; enablers set the rules. Both sit in the band below the columns. */
export const SUPPORTER_ROLES = ['finance', 'business_services', 'common_service_centre', 'training'] as const;
export const ENABLER_ROLES = ['regulator', 'association', 'programme'] as const;
export const ALL_ROLES: readonly string[] = [...OPERATOR_ROLES, ...SUPPORTER_ROLES, ...ENABLER_ROLES];
export const FLOWS = ['goods', 'services', 'money'] as const;

/** Colours of the flows, on the map, in the graph and in the legend. */
export const FLOW_COLOURS: Record<string, string> = {
  goods: '#2b6cb0',
  services: '#2f855a',
  service: '#2f855a',
  money: '#c05621',
};
/** Colour of operators, supporters and enablers. */
export const FUNCTION_COLOURS = { operator: '#4a5568', supporter: '#6b46c1', enabler: '#b7791f' } as const;
/** Colour of the highlight of bottlenecks. */
export const BOTTLENECK_COLOUR = '#e53e3e';
/** Colour of the selection, in graph, Sankey and map. */
export const SELECTED_COLOUR = '#ff8c00';

/** The flow with the API's two spellings of services made one. */
export function flowOf(link: Pick<Link, 'flow'>): string {
  return link.flow === 'service' ? 'services' : link.flow;
}

export function functionOf(role: string): keyof typeof FUNCTION_COLOURS {
  if ((SUPPORTER_ROLES as readonly string[]).includes(role)) return 'supporter';
  if ((ENABLER_ROLES as readonly string[]).includes(role)) return 'enabler';
  return 'operator';
}

/** What is selected: an actor or a link, by id. */
export interface Selected {
  kind: 'actor' | 'link';
  id: string;
}

/** A column of the graph: one operator stage, possibly empty (a missing stage). */
export interface Column {
  role: string;
  stage: number;
  actors: Actor[];
  missing: boolean;
}

/** The stage columns in order and the band of the others. */
export interface Columns {
  columns: Column[];
  band: Actor[];
}

/** Sorts actors by id, so layouts do not depend on the order the server sent. */
const byId = (a: Actor, b: Actor) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The operator columns (the chain's stages, every one of the seven when the
 * server names none) with their actors, and the band of supporters,
 * enablers and actors of unknown role. A column without actors is missing.
 */
export function columnsOf(doc: Pick<ChainDoc, 'actors' | 'stages'>): Columns {
  const roles = doc.stages?.length ? doc.stages : [...OPERATOR_ROLES];
  const columns: Column[] = roles.map((role, i) => ({ role, stage: i + 1, actors: [], missing: false }));
  const band: Actor[] = [];
  for (const a of doc.actors) {
    const col = columns.find((c) => c.role === a.role);
    if (col) col.actors.push(a);
    else band.push(a);
  }
  for (const c of columns) {
    c.actors.sort(byId);
    c.missing = c.actors.length === 0;
  }
  band.sort((a, b) => (ALL_ROLES.indexOf(a.role) - ALL_ROLES.indexOf(b.role)) || byId(a, b));
  return { columns, band };
}

export const COLUMN_WIDTH = 150;
export const ROW_HEIGHT = 56;
/** The step between the sub-columns of a stage with more actors than rows. */
export const SUB_WIDTH = 40;
/** Space between the deepest column and the band. */
export const BAND_GAP = 110;
/** The fewest rows a column has before it wraps. */
export const MIN_ROWS = 12;

/** Where the first drawing puts every actor, and the centre of each stage column. */
export interface Preset {
  positions: Map<string, { x: number; y: number }>;
  centres: number[];
  /** The y of the lowest row of operators. */
  bottom: number;
}

/**
 * The rows a column has before it wraps into sub-columns: enough that the
 * whole graph is about twice as wide as high, never fewer than MIN_ROWS.
 */
export function rowsPerColumn(actors: number): number {
  return Math.max(MIN_ROWS, Math.ceil(Math.sqrt((actors * SUB_WIDTH) / (2 * ROW_HEIGHT))));
}

/**
 * The first drawing, without a layout algorithm (so the graph shows at
 * once, even for thousands of actors): each stage a column, left to right,
 * its actors one under the other in the order given, centred on the row
 * axis; a stage with more actors than rowsPerColumn wraps into sub-columns
 * SUB_WIDTH apart. Supporters and enablers go in rows below the deepest
 * column, spread over the columns' width.
 */
export function presetLayout(cols: Columns): Preset {
  const positions = new Map<string, { x: number; y: number }>();
  const operators = cols.columns.reduce((n, c) => n + c.actors.length, 0);
  const rows = rowsPerColumn(operators);
  const deepest = Math.max(1, ...cols.columns.map((c) => Math.min(rows, c.actors.length)));
  const centres: number[] = [];
  let left = 0;
  for (const c of cols.columns) {
    const subs = Math.max(1, Math.ceil(c.actors.length / rows));
    const height = Math.min(rows, c.actors.length);
    const top = ((deepest - height) * ROW_HEIGHT) / 2;
    c.actors.forEach((a, j) => positions.set(a.id, { x: left + Math.floor(j / rows) * SUB_WIDTH, y: top + (j % rows) * ROW_HEIGHT }));
    centres.push(left + ((subs - 1) * SUB_WIDTH) / 2);
    left += COLUMN_WIDTH + (subs - 1) * SUB_WIDTH;
  }
  const perRow = Math.max(1, Math.floor(left / COLUMN_WIDTH));
  const bandTop = deepest * ROW_HEIGHT + BAND_GAP;
  cols.band.forEach((a, j) => positions.set(a.id, { x: (j % perRow) * COLUMN_WIDTH, y: bandTop + Math.floor(j / perRow) * ROW_HEIGHT }));
  return { positions, centres, bottom: (deepest - 1) * ROW_HEIGHT };
}

/** The positions of presetLayout. */
export function presetPositions(cols: Columns): Map<string, { x: number; y: number }> {
  return presetLayout(cols).positions;
}

/**
 * Orders the actors within each stage column so that fewer links cross:
 * the barycentre heuristic of layered drawing (Sugiyama et al. 1981).
 * Sweeping left to right, each actor moves to the mean position of its
 * neighbours in the columns to its left (positions as fractions of their
 * column, so columns of different sizes compare); then right to left with
 * the columns to its right; sweeps times. Links of every flow count; an
 * actor without such neighbours keeps its place. Ties keep the previous
 * order, so the result depends only on the chain. O(sweeps · (links +
 * actors · log actors)).
 */
export function orderColumns(doc: Pick<ChainDoc, 'links'>, cols: Columns, sweeps = 4): Columns {
  const column = new Map<string, number>();
  cols.columns.forEach((c, i) => c.actors.forEach((a) => column.set(a.id, i)));
  const neighbours = new Map<string, string[]>();
  for (const l of doc.links) {
    if (!column.has(l.from) || !column.has(l.to) || l.from === l.to) continue;
    (neighbours.get(l.from) ?? neighbours.set(l.from, []).get(l.from)!).push(l.to);
    (neighbours.get(l.to) ?? neighbours.set(l.to, []).get(l.to)!).push(l.from);
  }
  const place = new Map<string, number>();
  const measure = (c: Column) => c.actors.forEach((a, j) => place.set(a.id, c.actors.length > 1 ? j / (c.actors.length - 1) : 0.5));
  cols.columns.forEach(measure);
  const reorder = (i: number, side: (j: number) => boolean) => {
    const c = cols.columns[i];
    const keyed = c.actors.map((a, j) => {
      const near = (neighbours.get(a.id) ?? []).filter((n) => side(column.get(n)!));
      const key = near.length ? near.reduce((sum, n) => sum + place.get(n)!, 0) / near.length : place.get(a.id)!;
      return { a, key, j };
    });
    keyed.sort((x, y) => x.key - y.key || x.j - y.j);
    c.actors = keyed.map((k) => k.a);
    measure(c);
  };
  for (let s = 0; s < sweeps; s++) {
    for (let i = 1; i < cols.columns.length; i++) reorder(i, (j) => j < i);
    for (let i = cols.columns.length - 2; i >= 0; i--) reorder(i, (j) => j > i);
  }
  return cols;
}

/** The number of crossings between links of neighbouring columns (for tests and the docs' figures). */
export function crossings(doc: Pick<ChainDoc, 'links'>, cols: Columns): number {
  const at = new Map<string, [number, number]>();
  cols.columns.forEach((c, i) => c.actors.forEach((a, j) => at.set(a.id, [i, j])));
  const spans: [number, number, number][] = [];
  for (const l of doc.links) {
    const a = at.get(l.from);
    const b = at.get(l.to);
    if (!a || !b || Math.abs(a[0] - b[0]) !== 1) continue;
    const [left, right] = a[0] < b[0] ? [a, b] : [b, a];
    spans.push([left[0], left[1], right[1]]);
  }
  let n = 0;
  for (let x = 0; x < spans.length; x++)
    for (let y = x + 1; y < spans.length; y++)
      if (spans[x][0] === spans[y][0] && (spans[x][1] - spans[y][1]) * (spans[x][2] - spans[y][2]) < 0) n++;
  return n;
}

/**
 * The key actors: those with the highest normalised betweenness (above
 * zero), at most max of them — the brokers most paths run through.
 */
export function keyActors(doc: Pick<ChainDoc, 'analysis'>, max = 5): Set<string> {
  const ranked = [...(doc.analysis?.actors ?? [])]
    .filter((a) => a.betweenness_normalized > 0)
    .sort((a, b) => b.betweenness_normalized - a.betweenness_normalized || (a.id < b.id ? -1 : 1));
  return new Set(ranked.slice(0, max).map((a) => a.id));
}

/** The actors and links that cut off at least one producer from the end markets. */
export function bottlenecksOf(doc: Pick<ChainDoc, 'analysis'> & Partial<Pick<ChainDoc, 'links'>>): { actors: Set<string>; links: Set<string> } {
  const actors = new Set<string>();
  const links = new Set<string>();
  for (const b of doc.analysis?.bottlenecks ?? []) {
    if (b.kind !== 'link') {
      actors.add(b.id);
      continue;
    }
    links.add(b.id);
    // The analysis merges parallel goods links; each of them is the bottleneck.
    if (b.from && b.to) for (const l of doc.links ?? []) if (l.from === b.from && l.to === b.to && flowOf(l) === 'goods') links.add(l.id);
  }
  return { actors, links };
}

/** The actor and link ids a selection lights up: an actor with its links, a link with its two actors. */
export function neighbourhood(doc: Pick<ChainDoc, 'links'>, sel: Selected | null): { actors: Set<string>; links: Set<string> } {
  const actors = new Set<string>();
  const links = new Set<string>();
  if (!sel) return { actors, links };
  if (sel.kind === 'actor') {
    actors.add(sel.id);
    for (const l of doc.links) if (l.from === sel.id || l.to === sel.id) links.add(l.id);
  } else {
    const l = doc.links.find((x) => x.id === sel.id);
    if (l) {
      links.add(l.id);
      actors.add(l.from).add(l.to);
    }
  }
  return { actors, links };
}

// The Sankey

/** Above this many operators the Sankey shows stages, not actors. */
export const SANKEY_ACTOR_LIMIT = 150;

export interface SankeyNodeIn {
  /** An actor id, or "stage:<role>" for a stage. */
  id: string;
  /** 0-based column. */
  column: number;
  role: string;
  /** The actors the node stands for. */
  actors: string[];
}

export interface SankeyLinkIn {
  source: string;
  target: string;
  /** Taka, or 1 for a link without a value (drawn thin and dashed). */
  value: number;
  valued: boolean;
  /** The chain's link ids it stands for. */
  links: string[];
}

export interface SankeyInput {
  byStage: boolean;
  nodes: SankeyNodeIn[];
  links: SankeyLinkIn[];
}

/**
 * The Sankey of goods by value: goods links between operators that run to
 * a later stage (a Sankey has no loops; goods within one stage, e.g.
 * wholesaler to wholesaler, are left out). Nodes are actors, in their stage
 * column; a chain with more than limit operators is drawn by stage, one
 * node per stage and one link per pair of stages. Links without a value
 * count 1 taka each so they still show.
 */
export function sankeyInput(doc: Pick<ChainDoc, 'actors' | 'links' | 'stages'>, limit = SANKEY_ACTOR_LIMIT): SankeyInput {
  const cols = columnsOf(doc);
  const column = new Map<string, number>();
  const role = new Map<string, string>();
  cols.columns.forEach((c, i) => c.actors.forEach((a) => (column.set(a.id, i), role.set(a.id, a.role))));
  const byStage = column.size > limit;
  const nodeOf = (actor: string) => (byStage ? 'stage:' + role.get(actor) : actor);
  const merged = new Map<string, SankeyLinkIn>();
  const used = new Set<string>();
  for (const l of doc.links) {
    if (flowOf(l) !== 'goods') continue;
    const a = column.get(l.from);
    const b = column.get(l.to);
    if (a === undefined || b === undefined || b <= a) continue;
    const s = nodeOf(l.from);
    const t = nodeOf(l.to);
    const key = s + '\u0000' + t;
    const valued = (l.value_bdt ?? 0) > 0;
    const m = merged.get(key) ?? { source: s, target: t, value: 0, valued: false, links: [] };
    m.value += valued ? l.value_bdt! : 1;
    m.valued ||= valued;
    m.links.push(l.id);
    merged.set(key, m);
    used.add(s).add(t);
  }
  const nodes: SankeyNodeIn[] = [];
  cols.columns.forEach((c, i) => {
    if (byStage) {
      const id = 'stage:' + c.role;
      if (used.has(id)) nodes.push({ id, column: i, role: c.role, actors: c.actors.map((a) => a.id) });
    } else {
      for (const a of c.actors) if (used.has(a.id)) nodes.push({ id: a.id, column: i, role: a.role, actors: [a.id] });
    }
  });
  return { byStage, nodes, links: [...merged.values()] };
}

// The map

type LineFeature = GeoJSON.Feature<GeoJSON.LineString, { id: string; flow: string; from: string; to: string; w: number; bottleneck: boolean }>;
type PointFeature = GeoJSON.Feature<GeoJSON.Point, { id: string; role: string; fn: string; key: boolean; bottleneck: boolean }>;

const located = (a: Actor | undefined): a is Actor & { lon: number; lat: number } =>
  !!a && typeof a.lon === 'number' && typeof a.lat === 'number' && Number.isFinite(a.lon) && Number.isFinite(a.lat);

/**
 * The weight of each link, in [0, 1]: the square root of its volume over
 * the largest volume of the same flow and unit (volumes in different units
 * are never compared), or of its value over the largest value of its flow
 * when it has no volume; 0 when it has neither. Line widths follow it.
 */
export function linkWeights(doc: Pick<ChainDoc, 'links'>): Map<string, number> {
  const maxVolume = new Map<string, number>();
  const maxValue = new Map<string, number>();
  const volumeKey = (l: Link) => flowOf(l) + '\u0000' + (l.unit ?? '');
  for (const l of doc.links) {
    if ((l.volume ?? 0) > 0) maxVolume.set(volumeKey(l), Math.max(maxVolume.get(volumeKey(l)) ?? 0, l.volume!));
    if ((l.value_bdt ?? 0) > 0) maxValue.set(flowOf(l), Math.max(maxValue.get(flowOf(l)) ?? 0, l.value_bdt!));
  }
  const w = new Map<string, number>();
  for (const l of doc.links) {
    if ((l.volume ?? 0) > 0) w.set(l.id, Math.sqrt(l.volume! / maxVolume.get(volumeKey(l))!));
    else if ((l.value_bdt ?? 0) > 0) w.set(l.id, Math.sqrt(l.value_bdt! / maxValue.get(flowOf(l))!));
    else w.set(l.id, 0);
  }
  return w;
}

/**
 * The flow lines: one LineString per link whose two actors have a
 * location, from seller (or payer) to buyer, with its weight w
 * (linkWeights) and whether it is a bottleneck. Links between actors at
 * the same place are left out.
 */
export function flowLines(doc: Pick<ChainDoc, 'actors' | 'links' | 'analysis'>): GeoJSON.FeatureCollection<GeoJSON.LineString> {
  const actors = new Map(doc.actors.map((a) => [a.id, a]));
  const cut = bottlenecksOf(doc).links;
  const weights = linkWeights(doc);
  const features: LineFeature[] = [];
  for (const l of doc.links) {
    const a = actors.get(l.from);
    const b = actors.get(l.to);
    if (!located(a) || !located(b) || (a.lon === b.lon && a.lat === b.lat)) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: [[a.lon, a.lat], [b.lon, b.lat]] },
      properties: { id: l.id, flow: flowOf(l), from: l.from, to: l.to, w: weights.get(l.id) ?? 0, bottleneck: cut.has(l.id) },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** The actors with a location, as points with their role, key-actor and bottleneck marks. */
export function actorPoints(doc: Pick<ChainDoc, 'actors' | 'analysis'>): GeoJSON.FeatureCollection<GeoJSON.Point> {
  const key = keyActors(doc);
  const cut = bottlenecksOf(doc).actors;
  const features: PointFeature[] = doc.actors.filter(located).map((a) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [a.lon!, a.lat!] },
    properties: { id: a.id, role: a.role, fn: functionOf(a.role), key: key.has(a.id), bottleneck: cut.has(a.id) },
  }));
  return { type: 'FeatureCollection', features };
}

/** The bounds of the located actors, or null when none has a location. */
export function boundsOf(doc: Pick<ChainDoc, 'actors'>): [number, number, number, number] | null {
  const pts = doc.actors.filter(located);
  if (!pts.length) return null;
  return [
    Math.min(...pts.map((a) => a.lon!)),
    Math.min(...pts.map((a) => a.lat!)),
    Math.max(...pts.map((a) => a.lon!)),
    Math.max(...pts.map((a) => a.lat!)),
  ];
}
