// The clusters view's parameters: what the parameter panel sets and the
// hash keeps, so a link or a saved view opens the same map. Parsing is
// forgiving (a value out of range falls back to its default, so an old or
// hand-edited link still opens); formatting writes only what differs from
// the defaults, after the three that name the map (sector, mode, level).
// The request URLs of the statistics and cluster endpoints are built here
// too, with exactly the parameters each endpoint accepts (the server refuses
// unknown ones).

/** What the map shows. */
export type Mode = 'lq' | 'hotspots' | 'moran' | 'clusters' | 'potential';
export const MODES: readonly Mode[] = ['lq', 'hotspots', 'moran', 'clusters', 'potential'];

/** The admin levels the statistics are computed at. */
export type StatLevel = 'district' | 'upazila' | 'union';
export const STAT_LEVELS: readonly StatLevel[] = ['district', 'upazila', 'union'];

export type Measure = 'count' | 'jobs';
export const MEASURES: readonly Measure[] = ['count', 'jobs'];

export type Weights = 'queen' | 'rook' | 'knn' | 'distance';
export const WEIGHTS: readonly Weights[] = ['queen', 'rook', 'knn', 'distance'];

/** Point-cluster methods of /api/clusters. */
export type Method = 'smef' | 'dbscan';
export const METHODS: readonly Method[] = ['smef', 'dbscan'];

/** Confidence of the local statistics' classes, in per cent. */
export type Significance = 90 | 95 | 99;
export const SIGNIFICANCES: readonly Significance[] = [90, 95, 99];

export type Format = 'csv' | 'geojson' | 'gpkg';
export const FORMATS: readonly Format[] = ['csv', 'geojson', 'gpkg'];

export interface ClusterParams {
  /** Sector code; "" until one is chosen (the view then takes the catalogue's first). */
  sector: string;
  mode: Mode;
  level: StatLevel;
  measure: Measure;
  weights: Weights;
  /** Neighbours for knn; undefined: the server's default. */
  k?: number;
  /** Band for distance weights, km (required by the server for distance). */
  bandKm?: number;
  permutations: number;
  /** Benjamini–Hochberg adjustment of the local p-values. */
  fdr: boolean;
  sig: Significance;
  method: Method;
  /** SMEF radius, km; undefined: the server's default (as the rest below). */
  radiusKm?: number;
  /** SMEF: the fewest units a cluster has. */
  minUnits?: number;
  /** DBSCAN: neighbourhood radius, m. */
  epsM?: number;
  /** DBSCAN: the fewest points of a core. */
  minPoints?: number;
  /** The admin unit whose profile is open ("" none). */
  sel: string;
  /** The point cluster whose profile is open ("" none). */
  cluster: string;
}

export const DEFAULT_PARAMS: Readonly<ClusterParams> = {
  sector: '',
  mode: 'lq',
  level: 'upazila',
  measure: 'count',
  weights: 'queen',
  permutations: 999,
  fdr: false,
  sig: 95,
  method: 'smef',
  sel: '',
  cluster: '',
};

/** Hash key of each parameter; the order is the hash's. */
const KEYS = {
  sector: 'sector',
  mode: 'mode',
  level: 'level',
  measure: 'measure',
  weights: 'weights',
  k: 'k',
  bandKm: 'band_km',
  permutations: 'perm',
  fdr: 'fdr',
  sig: 'sig',
  method: 'method',
  radiusKm: 'radius_km',
  minUnits: 'min_units',
  epsM: 'eps_m',
  minPoints: 'min_points',
  sel: 'sel',
  cluster: 'cluster',
} as const satisfies Record<keyof ClusterParams, string>;

/** The hash parameters the view owns. */
export const HASH_KEYS: readonly string[] = Object.values(KEYS);

const SECTOR_CODE = /^[a-z][a-z0-9_]{0,63}$/;
const PCODE = /^BD\d{2}(\d{2}){0,3}$/;
const CLUSTER_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

const oneOf = <T extends string | number>(values: readonly T[], s: string | undefined, fallback: T): T =>
  (values as readonly (string | number)[]).includes(typeof values[0] === 'number' ? Number(s) : (s as string))
    ? ((typeof values[0] === 'number' ? Number(s) : s) as T)
    : fallback;

/** A positive number (whole when whole is set) within max, or undefined. */
function positive(s: string | undefined, whole: boolean, max: number): number | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n) || n <= 0 || n > max || (whole && !Number.isInteger(n))) return undefined;
  return n;
}

/** The view's parameters from its hash parameters; a missing or bad value takes its default. */
export function parseParams(hash: Readonly<Record<string, string>>): ClusterParams {
  const g = (k: keyof ClusterParams) => hash[KEYS[k]];
  const perm = Number(g('permutations'));
  const sector = g('sector') ?? '';
  const sel = g('sel') ?? '';
  const cluster = g('cluster') ?? '';
  return {
    sector: SECTOR_CODE.test(sector) ? sector : '',
    mode: oneOf(MODES, g('mode'), DEFAULT_PARAMS.mode),
    level: oneOf(STAT_LEVELS, g('level'), DEFAULT_PARAMS.level),
    measure: oneOf(MEASURES, g('measure'), DEFAULT_PARAMS.measure),
    weights: oneOf(WEIGHTS, g('weights'), DEFAULT_PARAMS.weights),
    k: positive(g('k'), true, 1000),
    bandKm: positive(g('bandKm'), false, 1000),
    permutations: g('permutations') !== undefined && Number.isInteger(perm) && perm >= 0 && perm <= 99_999 ? perm : DEFAULT_PARAMS.permutations,
    fdr: g('fdr') === 'true' ? true : g('fdr') === 'false' ? false : DEFAULT_PARAMS.fdr,
    sig: oneOf(SIGNIFICANCES, g('sig'), DEFAULT_PARAMS.sig),
    method: oneOf(METHODS, g('method'), DEFAULT_PARAMS.method),
    radiusKm: positive(g('radiusKm'), false, 1000),
    minUnits: positive(g('minUnits'), true, 100_000),
    epsM: positive(g('epsM'), false, 1_000_000),
    minPoints: positive(g('minPoints'), true, 100_000),
    sel: PCODE.test(sel) ? sel : '',
    cluster: CLUSTER_ID.test(cluster) ? cluster : '',
  };
}

/** The hash parameters of p: sector, mode and level always, the rest where they differ from the defaults. */
export function formatParams(p: ClusterParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS) as [keyof ClusterParams, string][]) {
    const v = p[field];
    if (v === undefined || v === '') continue;
    const always = field === 'sector' || field === 'mode' || field === 'level';
    if (!always && v === DEFAULT_PARAMS[field]) continue;
    out[key] = String(v);
  }
  return out;
}

/** The statistics endpoint behind a choropleth mode. */
export function statistic(mode: Mode): 'lq' | 'hotspots' | 'local-moran' | null {
  return mode === 'lq' ? 'lq' : mode === 'hotspots' ? 'hotspots' : mode === 'moran' ? 'local-moran' : null;
}

/** The significance level α of a confidence in per cent (95 → 0.05). */
export const alphaOf = (sig: Significance): number => Math.round((100 - sig) * 1000) / 100_000;

/**
 * The query of the statistics request behind p's mode, with only the
 * parameters that endpoint accepts (lq takes no weights; k only with knn,
 * band_km only with distance).
 */
export function statsQuery(p: ClusterParams, format?: Format): URLSearchParams {
  const q = new URLSearchParams();
  if (p.sector) q.set('sector', p.sector);
  q.set('measure', p.measure);
  q.set('level', p.level);
  if (p.mode !== 'lq') {
    q.set('weights', p.weights);
    if (p.weights === 'knn' && p.k) q.set('k', String(p.k));
    if (p.weights === 'distance' && p.bandKm) q.set('band_km', String(p.bandKm));
    q.set('permutations', String(p.permutations));
    q.set('fdr', String(p.fdr));
    // The widest class shown (90 %) needs every p up to 0.10 in the answer's class.
    q.set('alpha', String(alphaOf(p.sig)));
  }
  if (format) q.set('format', format);
  return q;
}

/** GET /api/stats/{lq|hotspots|local-moran}?… for p's mode, or "" for modes without one. */
export function statsURL(p: ClusterParams, format?: Format): string {
  const s = statistic(p.mode);
  return s ? `/api/stats/${s}?${statsQuery(p, format)}` : '';
}

/** GET /api/clusters?… with p's method and its parameters. */
export function clustersURL(p: ClusterParams, format?: Format): string {
  const q = new URLSearchParams();
  if (p.sector) q.set('sector', p.sector);
  q.set('method', p.method);
  if (p.method === 'smef') {
    if (p.radiusKm) q.set('radius_km', String(p.radiusKm));
    if (p.minUnits) q.set('min_units', String(p.minUnits));
  } else {
    if (p.epsM) q.set('eps_m', String(p.epsM));
    if (p.minPoints) q.set('min_points', String(p.minPoints));
  }
  if (format) q.set('format', format);
  return `/api/clusters?${q}`;
}

/**
 * GET /api/clusters/potential?… for p's sector and level (its admin-unit
 * candidates are upazilas or districts: a union level asks for upazilas).
 */
export function potentialURL(p: ClusterParams): string {
  const q = new URLSearchParams();
  if (p.sector) q.set('sector', p.sector);
  q.set('level', p.level === 'district' ? 'district' : 'upazila');
  return `/api/clusters/potential?${q}`;
}

/** The URL of what the mode shows, in an export format ("" for the potential list, which has no export). */
export function exportURL(p: ClusterParams, format: Format): string {
  if (p.mode === 'clusters') return clustersURL(p, format);
  if (p.mode === 'potential') return '';
  return statsURL(p, format);
}
