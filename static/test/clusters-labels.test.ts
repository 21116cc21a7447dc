import { describe, expect, it } from 'vitest';
import { ADMIN_PRIORITY } from '../src/labels/admin';
import { placeLabels } from '../src/labels/placement';
import type { CentreCollection, ClusterCollection } from '../src/views/clusters/api';
import { centreCandidates, clusterCandidates } from '../src/views/clusters/labels';

const bhairab = { pcode: 'BD304811', level: 'upazila', name_en: 'Bhairab', name_bn: 'ভৈরব', count: 400 };
const ashuganj = { pcode: 'BD201233', level: 'upazila', name_en: 'Ashuganj', name_bn: 'আশুগঞ্জ', count: 60 };

const clusters: ClusterCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [91.18, 24.03] }, properties: { id: 'c2', size: 60, centre: [91.18, 24.03], units: [ashuganj] } as never },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [90.99, 24.05] }, properties: { id: 'c1', size: 400, centre: [90.99, 24.05], units: [bhairab] } as never },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [90, 23] }, properties: { id: 'c3', size: 50 } as never },
  ],
};

const centres: CentreCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'Point', coordinates: [90.98, 24.06] }, properties: { id: 'csc-1', name_en: 'Bhairab Footwear CSC', name_bn: 'ভৈরব পাদুকা সিএসসি' } },
    { type: 'Feature', geometry: { type: 'LineString', coordinates: [[90, 23], [91, 24]] }, properties: { id: 'odd', name_en: 'Not a point', name_bn: '' } },
  ],
};

describe('cluster and centre names', () => {
  it('names each cluster after its upazila in both languages, largest first, under its marker', () => {
    const got = clusterCandidates(clusters);
    expect(got.filter((c) => !c.blank).map((c) => [c.id, c.en, c.bn, c.rank])).toEqual([
      ['c1', 'Cluster at Bhairab', 'গুচ্ছ: ভৈরব', 1],
      ['c2', 'Cluster at Ashuganj', 'গুচ্ছ: আশুগঞ্জ', 2],
    ]);
    expect(got[1].places![0].dy).toBeGreaterThan(0);
    // Each count marker keeps its place.
    expect(got.filter((c) => c.blank).map((c) => [c.id, c.at])).toEqual([
      ['c1#marker', [90.99, 24.05]],
      ['c2#marker', [91.18, 24.03]],
    ]);
    expect(clusterCandidates(null)).toEqual([]);
  });

  it('names each centre in both languages above its circle', () => {
    const got = centreCandidates(centres).filter((c) => !c.blank);
    expect(got.map((c) => [c.id, c.en, c.bn, c.at])).toEqual([['csc-1', 'Bhairab Footwear CSC', 'ভৈরব পাদুকা সিএসসি', [90.98, 24.06]]]);
    expect(got[0].places![0].dy).toBeLessThan(0);
  });

  it('outranks every admin name', () => {
    const admin = Math.max(...Object.values(ADMIN_PRIORITY));
    for (const c of [...clusterCandidates(clusters), ...centreCandidates(centres)]) expect(c.priority).toBeGreaterThan(admin);
    // Bhairab upazila's name at the cluster's own place gives way to it.
    const frame = { width: 800, height: 600, zoom: 10, project: ([x, y]: [number, number]): [number, number] => [400 + (x - 91) * 1000, 300 - (y - 24) * 1000], lang: 'bn' as const, textScale: 1 };
    const upazila = { id: 'BD304811', en: 'Bhairab', bn: 'ভৈরব', at: [90.99, 24.026] as [number, number], priority: ADMIN_PRIORITY.upazila, rank: 1, style: { size: 12.5, weight: 600 as const, colour: '#333' } };
    const placed = placeLabels([upazila, ...clusterCandidates(clusters)], frame, (t, f) => t.length * 8 * (f.includes('13px') ? 1 : 0.9));
    expect(placed.map((p) => p.text)).toContain('গুচ্ছ: ভৈরব');
    expect(placed.map((p) => p.id)).not.toContain('BD304811');
  });
});
