import { describe, expect, it } from 'vitest';
import { parseRoute, formatRoute } from '../src/core/router';
import {
  alphaOf,
  clustersURL,
  DEFAULT_PARAMS,
  exportURL,
  formatParams,
  HASH_KEYS,
  parseParams,
  statsURL,
  type ClusterParams,
} from '../src/views/clusters/params';

const params = (over: Partial<ClusterParams> = {}): ClusterParams => ({ ...DEFAULT_PARAMS, sector: 'footwear_leather', ...over });

describe('clusters parameters in the hash', () => {
  const cases: [string, ClusterParams][] = [
    ['the defaults with a sector', params()],
    ['hot spots with knn, FDR, 99 % and a profile', params({ mode: 'hotspots', level: 'union', weights: 'knn', k: 8, fdr: true, sig: 99, permutations: 99, sel: 'BD304811' })],
    ['local Moran with a distance band in jobs', params({ mode: 'moran', measure: 'jobs', weights: 'distance', bandKm: 12.5, sig: 90 })],
    ['SMEF clusters with a radius, a minimum and a cluster open', params({ mode: 'clusters', method: 'smef', radiusKm: 3, minUnits: 4, cluster: 'smef-2' })],
    ['DBSCAN clusters', params({ mode: 'clusters', method: 'dbscan', epsM: 750, minPoints: 12 })],
    ['the potential list at district level', params({ mode: 'potential', level: 'district' })],
  ];
  it.each(cases)('%s: survive a trip through the hash', (_, p) => {
    const hash = formatRoute({ view: 'clusters', params: formatParams(p) });
    expect(hash.startsWith('#view=clusters&sector=footwear_leather&mode=')).toBe(true);
    const back = parseRoute(hash);
    expect(back.view).toBe('clusters');
    expect(Object.keys(back.params).every((k) => HASH_KEYS.includes(k))).toBe(true);
    expect(parseParams(back.params)).toEqual(Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
  });

  it('writes only what differs from the defaults, after sector, mode and level', () => {
    expect(formatParams(params())).toEqual({ sector: 'footwear_leather', mode: 'lq', level: 'upazila' });
    expect(formatParams(params({ fdr: true, sig: 99 }))).toEqual({ sector: 'footwear_leather', mode: 'lq', level: 'upazila', fdr: 'true', sig: '99' });
  });

  it('reads the link of the task: #view=clusters&sector=footwear_leather&mode=lq&level=upazila', () => {
    const p = parseParams(parseRoute('#view=clusters&sector=footwear_leather&mode=lq&level=upazila').params);
    expect(p).toEqual(params());
  });

  const bad: [string, Record<string, string>, Partial<ClusterParams>][] = [
    ['an unknown mode', { mode: 'heatmap' }, { mode: 'lq' }],
    ['a division level', { level: 'division' }, { level: 'upazila' }],
    ['a significance not offered', { sig: '97' }, { sig: 95 }],
    ['too many permutations', { perm: '100000' }, { permutations: 999 }],
    ['negative permutations', { perm: '-1' }, { permutations: 999 }],
    ['a fractional k', { k: '2.5' }, { k: undefined }],
    ['a zero radius', { radius_km: '0' }, { radiusKm: undefined }],
    ['fdr that is not a boolean', { fdr: 'yes' }, { fdr: false }],
    ['a malformed P-code', { sel: 'BD3' }, { sel: '' }],
    ['a sector with capitals and spaces', { sector: 'Foot wear' }, { sector: '' }],
  ];
  it.each(bad)('falls back to the default for %s', (_, hash, expected) => {
    expect(parseParams(hash)).toMatchObject(expected);
  });
});

describe('clusters request URLs', () => {
  it('asks lq for sector, measure and level only (the server refuses weights there)', () => {
    expect(statsURL(params({ weights: 'knn', k: 5, fdr: true }))).toBe('/api/stats/lq?sector=footwear_leather&measure=count&level=upazila');
  });

  it('asks hot spots for weights, permutations, FDR and α of the chosen confidence', () => {
    expect(statsURL(params({ mode: 'hotspots', fdr: true, sig: 99 }))).toBe(
      '/api/stats/hotspots?sector=footwear_leather&measure=count&level=upazila&weights=queen&permutations=999&fdr=true&alpha=0.01',
    );
  });

  it('sends k only with knn and band_km only with distance', () => {
    expect(statsURL(params({ mode: 'moran', weights: 'knn', k: 4, bandKm: 9 }))).toContain('/api/stats/local-moran?');
    expect(statsURL(params({ mode: 'moran', weights: 'knn', k: 4, bandKm: 9 }))).toContain('weights=knn&k=4&permutations');
    expect(statsURL(params({ mode: 'moran', weights: 'distance', k: 4, bandKm: 9 }))).toContain('weights=distance&band_km=9&permutations');
    expect(statsURL(params({ mode: 'clusters' }))).toBe('');
  });

  it('sends each point-cluster method its own parameters', () => {
    const p = params({ mode: 'clusters', radiusKm: 2, minUnits: 3, epsM: 500, minPoints: 9 });
    expect(clustersURL({ ...p, method: 'smef' })).toBe('/api/clusters?sector=footwear_leather&method=smef&radius_km=2&min_units=3');
    expect(clustersURL({ ...p, method: 'dbscan' })).toBe('/api/clusters?sector=footwear_leather&method=dbscan&eps_m=500&min_points=9');
  });

  it('exports what is shown in the chosen format', () => {
    expect(exportURL(params({ mode: 'hotspots' }), 'gpkg')).toMatch(/^\/api\/stats\/hotspots\?.*&format=gpkg$/);
    expect(exportURL(params({ mode: 'clusters' }), 'geojson')).toBe('/api/clusters?sector=footwear_leather&method=smef&format=geojson');
    expect(exportURL(params(), 'csv')).toBe('/api/stats/lq?sector=footwear_leather&measure=count&level=upazila&format=csv');
  });

  it('turns a confidence into α', () => {
    expect([alphaOf(90), alphaOf(95), alphaOf(99)]).toEqual([0.1, 0.05, 0.01]);
  });
});
